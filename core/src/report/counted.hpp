// A count with its noun, singular or plural: "1 trial", "3 trials", "1 entry", "2 entries"; and
// a number with its thousands grouped: "100,000".
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

/// n with a comma between each group of three digits: 1797 -> "1,797".
inline std::string grouped(long long n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
}

}  // namespace caviar
