// Random draws spelled out from the engine's bits, because std::uniform_real_distribution and
// std::normal_distribution are not specified by the standard: a seed must give the same params
// with any standard library.
#pragma once

#include <caviar/seed.hpp>

#include <cmath>
#include <numbers>

namespace caviar::cmaes {

/// A standard normal draw (Box-Muller, one of the pair).
inline double normal_draw(rng& r) {
    double u1 = 1.0 - unit_draw(r);  // (0, 1], so the log is finite
    double u2 = unit_draw(r);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace caviar::cmaes
