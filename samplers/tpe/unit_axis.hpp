// How one dimension looks in the unit interval, as far as the Parzen estimators care: a
// continuous axis, a row of cells (int, step; a log int has cells of unequal width), or a set of
// choices (each choice owns an equal cell; its coordinate is the cell's centre).
#pragma once

#include <caviar/dimension.hpp>

#include <cstddef>
#include <cstdint>

namespace caviar::tpe {

class unit_axis {
public:
    enum class kind { continuous, cells, choices };

    unit_axis(const dimension& d, std::size_t index);

    /// The dimension's position in the space (its coordinate in a unit vector).
    std::size_t index() const { return index_; }
    kind what() const { return kind_; }
    bool categorical() const { return kind_ == kind::choices; }
    /// Number of choices (categorical) or cells (discrete); 0 when continuous.
    std::int64_t count() const { return count_; }

    /// Width of the cell holding u (0 when continuous): the smallest bandwidth that still
    /// reaches the neighbouring values.
    double cell_width(double u) const;
    /// u moved to the centre of its cell, so candidates in one cell score alike.
    double snap(double u) const;
    /// The choice index of a categorical coordinate.
    std::size_t choice(double u) const {
        auto i = static_cast<std::size_t>(u * static_cast<double>(count_));
        return i < static_cast<std::size_t>(count_) ? i : static_cast<std::size_t>(count_ - 1);
    }
    /// The coordinate of choice i.
    double centre(std::size_t i) const {
        return (static_cast<double>(i) + 0.5) / static_cast<double>(count_);
    }

private:
    const dimension* dim_;
    std::size_t index_;
    kind kind_;
    std::int64_t count_ = 0;
    bool log_int_ = false;  // cells of unequal width
};

}  // namespace caviar::tpe
