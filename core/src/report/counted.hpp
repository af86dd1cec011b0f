// A count with its noun, singular or plural: "1 trial", "3 trials", "1 entry", "2 entries".
#pragma once

#include <string>
#include <string_view>

namespace caviar {

inline std::string counted(long long n, std::string_view one, std::string_view many = {}) {
    std::string out = std::to_string(n) + " ";
    if (n == 1) return out.append(one);
    if (!many.empty()) return out.append(many);
    return out.append(one).append("s");
}

}  // namespace caviar
