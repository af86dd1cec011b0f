// The explore step of population-based training: a donor's params, each non-architecture one
// either resampled or nudged by a factor on its dimension's scale. Header-only, so the tests can
// check it without going through a whole schedule.
#pragma once

#include <caviar/seed.hpp>
#include <caviar/space.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <span>
#include <string>

namespace caviar::strategies::pbt {

struct explore_settings {
    double resample_probability = 0.25;
    double down = 0.8;  // the two factors a value is multiplied by, one drawn at a time
    double up = 1.2;
};

/// A value of d moved by factor f on d's scale: log dims multiply the value, log1m dims multiply
/// 1 - value (β: the distance to 1), linear dims multiply the value when it is positive and the
/// range is not below 0, otherwise move by (f - 1) × half the range. Ints and stepped reals stay
/// on their grid and move at least one step (a ×1.2 of 2 would otherwise round back to 2).
/// Categoricals move to the neighbouring choice (down for f < 1, up for f > 1; back at an end).
/// The result is clipped to the bounds.
inline value perturb(const dimension& d, const value& v, double f) {
    if (d.kind() == dimension_kind::categorical) {
        const auto& c = d.choices();
        auto n = static_cast<std::int64_t>(c.size());
        auto i = static_cast<std::int64_t>(std::find(c.begin(), c.end(), v) - c.begin());
        if (n < 2 || i >= n) return v;
        std::int64_t j = f < 1 ? i - 1 : i + 1;
        if (j < 0) j = 1;
        if (j >= n) j = n - 2;
        return c[static_cast<std::size_t>(j)];
    }
    double x = to_double(v), lo = d.low(), hi = d.high();
    double y = x;
    switch (d.scale()) {
        case scale::log:
            y = x * f;
            break;
        case scale::log1m:
            y = 1 - (1 - x) * f;
            break;
        case scale::linear:
            y = (x > 0 && lo >= 0) ? x * f : x + (f - 1) * (hi - lo) / 2;
            break;
    }
    y = std::clamp(y, lo, hi);
    bool grid = d.kind() == dimension_kind::integer || d.step() > 0;
    if (grid) {
        double g = d.step() > 0 ? d.step() : 1.0;
        double last = std::floor((hi - lo) / g + 1e-9);
        double k = std::clamp(std::round((y - lo) / g), 0.0, last);
        double k0 = std::clamp(std::round((x - lo) / g), 0.0, last);
        if (k == k0 && f != 1) k = std::clamp(k0 + (f > 1 ? 1.0 : -1.0), 0.0, last);
        y = std::min(hi, lo + k * g);
        if (d.kind() == dimension_kind::integer) return static_cast<std::int64_t>(std::llround(y));
    }
    return y;
}

/// The params that architecture params depend on through conditions (a parent deciding whether
/// an architecture param exists), transitively: exploring them could change the architecture.
inline std::set<std::string> architecture_closure(const space& s,
                                                  std::span<const std::string> architecture) {
    std::set<std::string> fixed(architecture.begin(), architecture.end());
    for (bool grew = true; grew;) {
        grew = false;
        for (const auto& d : s)
            if (fixed.count(d.name()) && d.when() && fixed.insert(d.when()->parent).second)
                grew = true;
    }
    return fixed;
}

/// The donor's params explored: architecture params (and their condition parents) copied, every
/// other active param resampled with probability settings.resample_probability, otherwise
/// perturbed by settings.down or settings.up (even odds). Dims a changed parent switches on are
/// sampled, dims it switches off are dropped, so the result is in the space whenever the donor's
/// params are.
inline params explore(const space& s, const std::set<std::string>& fixed, const params& donor,
                      const explore_settings& settings, rng& r) {
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    params out = donor;
    for (const auto& d : s) {
        if (!s.active(d, out)) {
            out.erase(d.name());
            continue;
        }
        auto it = out.find(d.name());
        if (it == out.end()) {
            out[d.name()] = d.from_unit(u01(r));  // newly active: nothing to perturb
            continue;
        }
        if (fixed.count(d.name())) continue;
        if (u01(r) < settings.resample_probability)
            it->second = d.from_unit(u01(r));
        else
            it->second = perturb(d, it->second, u01(r) < 0.5 ? settings.down : settings.up);
    }
    return s.contains(out) ? out : donor;
}

}  // namespace caviar::strategies::pbt
