// Random draws spelled out from the engine's bits: std's distributions do not specify their
// output, and a sampler must give the same params for the same seed on any standard library.
#pragma once

#include <caviar/seed.hpp>

#include <cmath>
#include <cstddef>
#include <numbers>

namespace caviar::tpe {

/// The standard normal CDF.
inline double normal_cdf(double x) {
    return 0.5 * std::erfc(-x * std::numbers::sqrt2 / 2);
}

/// A draw from N(mu, sigma) truncated to [0, 1], by rejection: mu lies in [0, 1] and sigma is
/// at most 1, so at least a third of the draws land inside; after 64 misses (probability below
/// 1e-11) the last draw is clamped rather than looping on.
inline double truncated_normal_draw(rng& r, double mu, double sigma) {
    double x = mu;
    for (int i = 0; i < 64; ++i) {
        x = mu + sigma * normal_draw(r);
        if (x >= 0 && x <= 1) return x;
    }
    return x < 0 ? 0.0 : 1.0;
}

/// An index in [0, n).
inline std::size_t index_draw(rng& r, std::size_t n) {
    auto i = static_cast<std::size_t>(unit_draw(r) * static_cast<double>(n));
    return i < n ? i : n - 1;
}

}  // namespace caviar::tpe
