// Sobol direction numbers (Joe and Kuo) for the first dimensions of the sequence.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace caviar::sobol {

/// Dimensions the table covers; a space with more dimensions is refused.
inline constexpr std::size_t max_dimensions = 32;
/// Bits of each coordinate: the first 2^32 points of the sequence are distinct.
inline constexpr int bits = 32;

/// Direction numbers of dimension `d` (0-based) as 32-bit fractions: v[k] is the coordinate
/// of point 2^k, so point n is the XOR of v[k] over the bits k set in n. d < max_dimensions.
std::array<std::uint32_t, bits> direction_numbers(std::size_t d);

}  // namespace caviar::sobol
