// Seeds: trial n of a study gets derive_seed(study_seed, n), whatever the thread count.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>

namespace caviar {

/// SplitMix64 finaliser: a cheap, well-mixed 64-bit hash.
constexpr std::uint64_t mix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// The seed of trial `number` in a study seeded with `study_seed`.
constexpr std::uint64_t derive_seed(std::uint64_t study_seed, std::uint64_t number) {
    return mix64(mix64(study_seed) ^ (number * 0xd1b54a32d192ed03ULL + 1));
}

/// The random engine plugins are given (or build from a seed).
using rng = std::mt19937_64;

/// A double in [0, 1) from the top 53 bits of `bits`, the most a double holds exactly: 0 maps
/// to 0, and all ones to 1 - 2^-53.
constexpr double unit_from_bits(std::uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

/// A uniform double in [0, 1) from the top 53 bits of one draw of `r`. Spelled out rather than
/// std::uniform_real_distribution, whose output the standard leaves unspecified, so a seed gives
/// the same numbers with any standard library.
template <class Engine>
double unit_draw(Engine& r) {
    static_assert(Engine::min() == 0 && Engine::max() == std::numeric_limits<std::uint64_t>::max(),
                  "unit_draw needs an engine that draws all 64 bits, such as caviar::rng");
    return unit_from_bits(r());
}

/// A standard normal draw (Box-Muller, one of the pair), spelled out for the same reason.
template <class Engine>
double normal_draw(Engine& r) {
    double u1 = 1 - unit_draw(r), u2 = unit_draw(r);  // u1 in (0, 1]: log(u1) is finite
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

}  // namespace caviar
