// Analytic benchmark functions with known minima, for testing samplers and strategies.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace caviar::functions {

struct benchmark {
    std::string_view name;
    /// Exact number of coordinates, or 0 for any number from min_dims up.
    std::size_t dims = 0;
    std::size_t min_dims = 1;
    double (*eval)(std::span<const double> x) = nullptr;
    /// The global minimum; multiplied by the number of coordinates when per_dimension.
    double minimum = 0;
    bool per_dimension = false;

    double minimum_for(std::size_t d) const {
        return per_dimension ? minimum * static_cast<double>(d) : minimum;
    }
};

/// Every function, in the order listed in the plugin's help.
const std::vector<benchmark>& benchmarks();

/// The function called name, or nullptr.
const benchmark* find_benchmark(std::string_view name);

}  // namespace caviar::functions
