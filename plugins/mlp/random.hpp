// Random draws with results fixed by the seed alone. std::shuffle and the std distributions
// differ between standard libraries, so the draws the runs depend on are written out here.
#pragma once

#include <caviar/seed.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace caviar::mlp {

/// The engine caviar hands plugins (std::mt19937_64): fully specified by the standard.
using random_engine = caviar::rng;

/// Uniform integer in [0, n), n > 0, without modulo bias (Lemire's multiply-and-reject).
inline std::uint64_t uniform_below(std::uint64_t n, random_engine& rng) {
    unsigned __int128 m = static_cast<unsigned __int128>(rng()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
        const std::uint64_t threshold = -n % n;
        while (low < threshold) {
            m = static_cast<unsigned __int128>(rng()) * n;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

/// Uniform float in [low, high), from the top 24 bits of one draw.
inline float uniform_real(float low, float high, random_engine& rng) {
    const float u = static_cast<float>(rng() >> 40) * 0x1.0p-24f;
    return low + (high - low) * u;
}

/// Fisher-Yates shuffle.
template <class T>
void shuffle(std::vector<T>& v, random_engine& rng) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[uniform_below(i, rng)]);
}

}  // namespace caviar::mlp
