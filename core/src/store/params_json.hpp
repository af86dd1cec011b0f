// Params as a JSON object and back, keeping each value's type (an int stays an integer, 3.0 a
// real, a choice a string): the form params take in events, commands and `--format json`.
#pragma once

#include <caviar/value.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <variant>

namespace caviar {

inline nlohmann::json to_json(const value& v) {
    return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

inline nlohmann::json params_to_json(const params& p) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : p) out[k] = to_json(v);
    return out;
}

/// Members that are not numbers or strings are skipped.
inline params params_from_json(const nlohmann::json& j) {
    params p;
    if (!j.is_object()) return p;
    for (const auto& [k, v] : j.items()) {
        if (v.is_number_integer())
            p[k] = v.get<std::int64_t>();
        else if (v.is_number())
            p[k] = v.get<double>();
        else if (v.is_string())
            p[k] = v.get<std::string>();
    }
    return p;
}

}  // namespace caviar
