// Analytic benchmark functions with known minima, for testing samplers and strategies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace caviar::functions {

struct benchmark {
    std::string_view name;
    /// Exact number of coordinates, or 0 for any number from min_dims up.
    std::size_t dims = 0;
    std::size_t min_dims = 1;
    /// The number of coordinates must be a multiple of this (Powell's: 4).
    std::size_t dims_multiple = 1;
    /// When not empty, the only numbers of coordinates taken (Michalewicz's: those its minimum
    /// is published for).
    std::span<const std::size_t> dims_among = {};
    double (*eval)(std::span<const double> x) = nullptr;
    /// The global minimum; multiplied by the number of coordinates when per_dimension.
    double minimum = 0;
    bool per_dimension = false;
    /// When set, the minimum for d coordinates, for the functions whose minimum depends on d
    /// otherwise (Trid's, Michalewicz's); minimum and per_dimension are then unused.
    double (*minimum_of)(std::size_t d) = nullptr;

    /// Whether the function takes d coordinates.
    bool takes(std::size_t d) const {
        if (dims) return d == dims;
        if (d < min_dims || d % dims_multiple != 0) return false;
        if (dims_among.empty()) return true;
        for (std::size_t n : dims_among)
            if (n == d) return true;
        return false;
    }

    /// The global minimum for d coordinates (d one the function takes).
    double minimum_for(std::size_t d) const {
        if (minimum_of) return minimum_of(d);
        return per_dimension ? minimum * static_cast<double>(d) : minimum;
    }
};

/// Every function, in the order listed in the plugin's help.
const std::vector<benchmark>& benchmarks();

/// The function called name, or nullptr.
const benchmark* find_benchmark(std::string_view name);

/// A d-by-d orthogonal matrix, row-major, drawn from seed: Gram-Schmidt of d Gaussian vectors
/// drawn with caviar's rng and unit_draw, so a seed gives the same matrix with any standard
/// library.
std::vector<double> random_rotation(std::size_t d, std::uint64_t seed);

}  // namespace caviar::functions
