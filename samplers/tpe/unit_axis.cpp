#include "unit_axis.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

namespace caviar::tpe {

unit_axis::unit_axis(const dimension& d, std::size_t index) : dim_(&d), index_(index) {
    if (d.kind() == dimension_kind::categorical) {
        kind_ = kind::choices;
        count_ = static_cast<std::int64_t>(d.choices().size());
    } else if (d.kind() == dimension_kind::integer || d.step() > 0) {
        kind_ = kind::cells;
        count_ = d.cardinality();
        log_int_ = d.kind() == dimension_kind::integer && d.scale() != scale::linear;
    } else {
        kind_ = kind::continuous;
    }
}

double unit_axis::cell_width(double u) const {
    if (kind_ == kind::continuous) return 0;
    if (!log_int_) return 1 / static_cast<double>(count_);
    // Integer k owns [k - 0.5, k + 0.5] on the log axis (see dimension::to_unit).
    auto k = static_cast<double>(std::get<std::int64_t>(dim_->from_unit(u)));
    double span = std::log((dim_->high() + 0.5) / (dim_->low() - 0.5));
    return std::log((k + 0.5) / (k - 0.5)) / span;
}

double unit_axis::snap(double u) const {
    if (kind_ == kind::continuous) return u;
    if (!log_int_) {
        auto n = static_cast<double>(count_);
        return (std::min(n - 1, std::floor(u * n)) + 0.5) / n;
    }
    return dim_->to_unit(dim_->from_unit(u));
}

}  // namespace caviar::tpe
