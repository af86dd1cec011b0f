#include "report/charts/chart_input.hpp"

#include <caviar/seed.hpp>

#include <algorithm>

#include "report/svg/escape.hpp"
#include "report/svg/palette.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace caviar {

std::string short_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string trial_title(const chart_input& in, const trial& t) {
    std::string s = "trial " + std::to_string(t.number) + " (" + to_string(t.state) + ")";
    if (t.value) s += "\n" + in.study.objective.metric + " = " + short_number(*t.value);
    for (const auto& d : in.space)
        if (auto it = t.params.find(d.name()); it != t.params.end()) {
            const auto* r = std::get_if<double>(&it->second);
            s += "\n" + d.name() + " = " + (r ? short_number(*r) : to_string(it->second));
        }
    if (!t.origin.empty()) s += "\norigin: " + t.origin;
    if (!t.error.empty()) s += "\n" + t.error.substr(0, 200);
    return s;
}

std::string trial_attrs(const trial& t, std::string_view cls) {
    return "class=\"" + std::string(cls) + " " + to_string(t.state) + "\" data-trial=\"" +
           std::to_string(t.number) + "\"";
}

int round_of(const trial& t) {
    int n = 0;
    if (t.origin.rfind("round ", 0) == 0 && std::sscanf(t.origin.c_str() + 6, "%d", &n) == 1)
        return n;
    return 0;
}

bool has_rounds(const std::vector<trial>& trials) {
    for (const auto& t : trials)
        if (round_of(t) > 0) return true;
    return false;
}

marker_shape shape_of(const trial& t) {
    return round_marker(round_of(t));
}

std::pair<double, double> value_range(const std::vector<trial>& trials) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& t : trials)
        if (t.state == trial_state::complete && t.value) {
            lo = std::min(lo, *t.value);
            hi = std::max(hi, *t.value);
        }
    if (lo > hi) return {std::nan(""), std::nan("")};
    return {lo, hi};
}

std::pair<double, double> colour_range(const std::vector<trial>& trials) {
    std::vector<double> v;
    for (const auto& t : trials)
        if (t.state == trial_state::complete && t.value) v.push_back(*t.value);
    if (v.empty()) return {std::nan(""), std::nan("")};
    std::sort(v.begin(), v.end());
    // Too few values to call any of them an outlier.
    if (v.size() < 10) return {v.front(), v.back()};
    // Nearest rank, rounded inward: interpolating would pull the end toward the outlier.
    double last = static_cast<double>(v.size() - 1);
    return {v[static_cast<std::size_t>(std::ceil(0.05 * last))],
            v[static_cast<std::size_t>(std::floor(0.95 * last))]};
}

std::pair<bool, bool> colour_range_clipped(const std::vector<trial>& trials,
                                           std::pair<double, double> range) {
    auto [lo, hi] = value_range(trials);
    return {lo<range.first, hi> range.second};
}

std::string value_colour(const objective& obj, double v, std::pair<double, double> range) {
    auto [lo, hi] = range;
    double t = hi > lo ? std::clamp((v - lo) / (hi - lo), 0.0, 1.0) : 1.0;
    return viridis(obj.direction == direction::maximize ? t : 1 - t);
}

double axis_value(const dimension& d, const value& v) {
    if (d.kind() == dimension_kind::categorical) {
        const auto& c = d.choices();
        for (std::size_t i = 0; i < c.size(); ++i)
            if (c[i] == v) return static_cast<double>(i);
        return std::nan("");
    }
    if (std::holds_alternative<std::string>(v)) return std::nan("");
    return to_double(v);
}

std::string state_legend(double x, double y, const std::vector<trial>& trials,
                         bool with_best_line) {
    std::set<trial_state> states;
    std::set<int> rounds;
    for (const auto& t : trials) {
        states.insert(t.state);
        if (round_of(t) > 0) rounds.insert(round_of(t));
    }
    std::string out = "<g class=\"legend\">\n";
    auto item = [&](marker_shape m, trial_state s, const std::string& label) {
        out += marker(m, x + 5, y - 4, 4.5, state_colour(s), "class=\"key\"", label);
        out += text(x + 14, y, label, "start", "legend");
        x += 24 + 7.0 * static_cast<double>(label.size());
    };
    for (auto s : {trial_state::complete, trial_state::pruned, trial_state::paused})
        if (states.count(s)) item(marker_shape::circle, s, to_string(s));
    if (states.count(trial_state::failed)) item(marker_shape::cross, trial_state::failed, "failed");
    for (int r : rounds) item(round_marker(r), trial_state::complete, "round " + std::to_string(r));
    if (with_best_line) {
        out += "<line class=\"best\" x1=\"" + num(x) + "\" y1=\"" + num(y - 4) + "\" x2=\"" +
               num(x + 18) + "\" y2=\"" + num(y - 4) + "\"/>\n";
        out += text(x + 22, y, "best so far", "start", "legend");
    }
    return out + "</g>\n";
}

std::vector<trial> drawn_trials(const std::vector<trial>& trials, const objective& obj,
                                std::uint64_t seed) {
    if (trials.size() <= max_drawn_trials) return {};
    std::vector<bool> take(trials.size(), false);
    std::size_t taken = 0;
    // The best, which every chart must show, by index.
    std::vector<std::size_t> complete;
    for (std::size_t i = 0; i < trials.size(); ++i)
        if (trials[i].state == trial_state::complete && trials[i].value) complete.push_back(i);
    std::stable_sort(complete.begin(), complete.end(), [&](std::size_t a, std::size_t b) {
        return obj.better(*trials[a].value, *trials[b].value);
    });
    for (std::size_t k = 0; k < complete.size() && k < 100; ++k, ++taken) take[complete[k]] = true;
    // Then a uniform sample of the rest: a seeded partial shuffle of their indices.
    std::vector<std::size_t> rest;
    for (std::size_t i = 0; i < trials.size(); ++i)
        if (!take[i]) rest.push_back(i);
    rng g(derive_seed(seed, 0x647261776eULL));
    for (std::size_t k = 0; k < rest.size() && taken < max_drawn_trials; ++k, ++taken) {
        auto j =
            k +
            std::min(rest.size() - k - 1,
                     static_cast<std::size_t>(unit_draw(g) * static_cast<double>(rest.size() - k)));
        std::swap(rest[k], rest[j]);
        take[rest[k]] = true;
    }
    std::vector<trial> out;
    out.reserve(taken);
    for (std::size_t i = 0; i < trials.size(); ++i)
        if (take[i]) out.push_back(trials[i]);
    return out;
}

}  // namespace caviar
