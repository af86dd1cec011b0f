// Which coordinates of the unit cube CMA-ES searches, and how wide their grid cells are.
#pragma once

#include <caviar/space.hpp>
#include <caviar/value.hpp>

#include <cstddef>
#include <vector>

namespace caviar::cmaes {

/// The numeric (int and float) dimensions of a space with more than one value, in space order:
/// CMA-ES coordinate i is dimension dims[i]. Categorical dimensions are sampled apart
/// (categorical_model).
struct layout {
    explicit layout(const space& s);

    std::vector<std::size_t> dims;
    /// Coordinate on a grid of at least two values (ints, stepped floats): the margin applies.
    std::vector<bool> discrete;

    /// A trial's numeric params in unit space, clamped to [0, 1]; NaN where a param is absent
    /// (an inactive conditional dimension) or not a number.
    std::vector<double> point(const space& s, const params& p) const;
};

/// Width in unit space of the grid cell that holds unit coordinate u (0 for a continuous
/// dimension). Cells are equal on a linear grid; an int on a log scale has wider cells at
/// small values.
double cell_width(const dimension& d, double u);

/// The smallest standard deviation that moves a sample off its cell with probability at
/// least alpha when the mean sits at the cell's centre: the margin of CMA-ES with margin
/// (Hamano et al., GECCO 2022), applied as a floor on the coordinate's spread.
double margin_stddev(double width, double alpha);

}  // namespace caviar::cmaes
