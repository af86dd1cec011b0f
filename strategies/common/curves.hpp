// Reading learning curves, for the strategies that compare trials step by step. Header-only:
// each strategy plugin is its own shared library.
#pragma once

#include <caviar/trial.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

namespace caviar::strategies {

/// The objective's value reported at exactly `step`, if the trial reached it with a finite one.
inline std::optional<double> value_at(const trial& t, std::string_view metric, std::int64_t step) {
    auto it = std::lower_bound(t.curve.begin(), t.curve.end(), step,
                               [](const curve_point& p, std::int64_t s) { return p.step < s; });
    if (it == t.curve.end() || it->step != step) return std::nullopt;
    auto m = it->metrics.find(metric);
    if (m == it->metrics.end() || !(m->second == m->second)) return std::nullopt;  // NaN
    return m->second;
}

/// The best value of the objective over steps 1..`step` (a trial's best so far).
inline std::optional<double> best_until(const trial& t, const objective& obj, std::int64_t step) {
    std::optional<double> best;
    for (const auto& p : t.curve) {
        if (p.step > step) break;
        auto m = p.metrics.find(obj.metric);
        if (m == p.metrics.end() || !(m->second == m->second)) continue;
        if (!best || obj.better(m->second, *best)) best = m->second;
    }
    return best;
}

}  // namespace caviar::strategies
