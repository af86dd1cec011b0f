#include "report/zoom_boxes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace caviar {

namespace {

int round_number(const trial& t) {
    if (auto it = t.attrs.find("round"); it != t.attrs.end()) {
        try {
            return std::stoi(it->second);
        } catch (const std::exception&) {
            return 0;
        }
    }
    return round_of(t);
}

// A JSON bound as a value of numeric dimension d, when it is one.
std::optional<value> bound_of(const dimension& d, const nlohmann::json& j) {
    if (d.kind() == dimension_kind::integer) {
        if (!j.is_number_integer()) return std::nullopt;
        return value{j.get<std::int64_t>()};
    }
    if (!j.is_number()) return std::nullopt;
    return value{j.get<double>()};
}

// A JSON element as one of categorical d's choices, when it is one.
std::optional<value> choice_of(const dimension& d, const nlohmann::json& j) {
    for (const auto& c : d.choices()) {
        if (const auto* s = std::get_if<std::string>(&c)) {
            if (j.is_string() && j.get<std::string>() == *s) return c;
        } else if (j.is_number() && j.get<double>() == to_double(c)) {
            return c;
        }
    }
    return std::nullopt;
}

// One dimension's [low, high] in unit space, from its box entry.
std::optional<std::pair<double, double>> unit_range(const dimension& d, const nlohmann::json& e) {
    if (!e.is_array() || e.empty()) return std::nullopt;
    if (d.kind() == dimension_kind::categorical) {
        // The cells of the choices kept, from the first one's lower edge to the last one's upper.
        auto n = static_cast<double>(d.choices().size());
        double lo = 1, hi = 0;
        for (const auto& j : e) {
            auto v = choice_of(d, j);
            if (!v) return std::nullopt;
            double u = d.to_unit(*v);
            lo = std::min(lo, u - 0.5 / n);
            hi = std::max(hi, u + 0.5 / n);
        }
        return std::pair{std::max(0.0, lo), std::min(1.0, hi)};
    }
    if (e.size() != 2) return std::nullopt;
    auto low = bound_of(d, e[0]), high = bound_of(d, e[1]);
    if (!low || !high || !d.contains(*low) || !d.contains(*high)) return std::nullopt;
    return std::pair{d.to_unit(*low), d.to_unit(*high)};
}

std::optional<zoom_box> parse_box(const space& s, int round, const std::string& text) {
    auto box = nlohmann::json::parse(text, nullptr, false);
    if (!box.is_object()) return std::nullopt;
    zoom_box z;
    z.round = round;
    for (const auto& d : s) {
        auto it = box.find(d.name());
        if (it == box.end()) {
            z.unit.emplace_back(0.0, 1.0);
            continue;
        }
        auto r = unit_range(d, *it);
        if (!r) return std::nullopt;
        z.unit.push_back(*r);
    }
    return z;
}

}  // namespace

std::vector<zoom_box> recorded_boxes(const space& s, const std::vector<trial>& trials) {
    std::map<int, const std::string*> first;  // round -> its first trial's box
    for (const auto& t : trials) {
        auto it = t.attrs.find("box");
        int round = round_number(t);
        if (it != t.attrs.end() && round >= 2) first.emplace(round, &it->second);
    }
    std::vector<zoom_box> out;
    for (const auto& [round, text] : first)
        if (auto z = parse_box(s, round, *text)) out.push_back(std::move(*z));
    return out;
}

}  // namespace caviar
