// The box a round sampled in, as the JSON text recorded with each of its trials (attribute
// "box"): {"layers": [9, 20], "lr": [0.001, 0.03], "act": ["relu", "tanh"]}. Numeric dimensions
// give [low, high] in value space, categorical ones the choices kept; a dimension left out of the
// narrowed space (a condition that can no longer hold) is absent. A resumed study rebuilds a
// round's space from it, and the HTML report draws it.
#pragma once

#include "box.hpp"

#include <caviar/space.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace caviar::coarse_to_fine {

inline nlohmann::json json_of(const value& v) {
    return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

/// The box of a narrowed space, as compact JSON text.
inline std::string box_json(const space& narrowed) {
    nlohmann::json box = nlohmann::json::object();
    for (const auto& d : narrowed) {
        nlohmann::json& e = box[d.name()] = nlohmann::json::array();
        if (d.kind() == dimension_kind::categorical) {
            for (const auto& c : d.choices()) e.push_back(json_of(c));
        } else if (d.kind() == dimension_kind::integer) {
            e.push_back(static_cast<std::int64_t>(std::llround(d.low())));
            e.push_back(static_cast<std::int64_t>(std::llround(d.high())));
        } else {
            e.push_back(d.low());
            e.push_back(d.high());
        }
    }
    return box.dump();
}

namespace detail {

// A JSON element as a choice of d, when it is one.
inline const value* choice_of(const dimension& d, const nlohmann::json& j) {
    for (const auto& c : d.choices()) {
        bool same = std::visit(
            [&](const auto& x) {
                using t = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<t, std::string>)
                    return j.is_string() && j.get<std::string>() == x;
                else if constexpr (std::is_same_v<t, std::int64_t>)
                    return j.is_number_integer() && j.get<std::int64_t>() == x;
                else
                    return j.is_number() && j.get<double>() == x;
            },
            c);
        if (same) return &c;
    }
    return nullptr;
}

}  // namespace detail

/// The narrowed space a box stands for (box_json's inverse) over `full`: each dimension of the
/// box with its bounds or choices, the others left out, conditions as in assemble(). Throws
/// std::invalid_argument on text that is not such a box.
inline space space_of_box(const space& full, std::string_view text) {
    nlohmann::json box = nlohmann::json::parse(text, nullptr, false);
    if (!box.is_object())
        throw std::invalid_argument("box is not a JSON object: " + std::string(text));
    std::vector<dimension> dims;
    for (const auto& d : full) {
        auto it = box.find(d.name());
        if (it == box.end()) continue;
        auto bad = [&](const std::string& why) {
            return std::invalid_argument("box of \"" + d.name() + "\" " + why + ": " + it->dump());
        };
        if (!it->is_array() || it->empty()) throw bad("is not a non-empty array");
        if (d.kind() == dimension_kind::categorical) {
            std::vector<value> kept;
            for (const auto& c : d.choices())
                for (const auto& j : *it)
                    if (const value* v = detail::choice_of(d, j); v && *v == c) kept.push_back(c);
            if (kept.size() != it->size()) throw bad("names a value that is not a choice");
            dims.push_back(with_choices(d, std::move(kept)));
            continue;
        }
        if (it->size() != 2 || !(*it)[0].is_number() || !(*it)[1].is_number())
            throw bad("is not [low, high]");
        value low, high;
        if (d.kind() == dimension_kind::integer) {
            if (!(*it)[0].is_number_integer() || !(*it)[1].is_number_integer())
                throw bad("needs integer bounds");
            low = (*it)[0].get<std::int64_t>();
            high = (*it)[1].get<std::int64_t>();
        } else {
            low = (*it)[0].get<double>();
            high = (*it)[1].get<double>();
        }
        if (!d.contains(low) || !d.contains(high) || to_double(low) > to_double(high))
            throw bad("is not inside [" + to_string(value{d.low()}) + ", " +
                      to_string(value{d.high()}) + "] in order");
        dims.push_back(with_bounds(d, low, high));
    }
    return assemble(dims);
}

}  // namespace caviar::coarse_to_fine
