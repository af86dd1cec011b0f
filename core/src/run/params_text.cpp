#include "run/params_text.hpp"

#include <cstdio>
#include <variant>

namespace caviar {

namespace {

// Six significant digits: enough to tell values apart in a message.
std::string short_text(const value& v) {
    if (const auto* d = std::get_if<double>(&v)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", *d);
        return buf;
    }
    return to_string(v);
}

}  // namespace

std::string describe(const params& p) {
    std::string out;
    for (const auto& [k, v] : p) out += (out.empty() ? "" : ", ") + k + "=" + to_string(v);
    return out;
}

std::string changes_text(const params& before, const params& after) {
    std::string out;
    for (const auto& [k, v] : after) {
        auto it = before.find(k);
        if (it != before.end() && it->second == v) continue;
        out += (out.empty() ? "" : ", ") + k + " " +
               (it == before.end() ? std::string("(none)") : short_text(it->second)) + " → " +
               short_text(v);
    }
    for (const auto& [k, v] : before)
        if (!after.count(k))
            out += (out.empty() ? "" : ", ") + k + " " + short_text(v) + " → (none)";
    return out;
}

}  // namespace caviar
