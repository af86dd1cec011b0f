#include "layout.hpp"

#include <boost/math/special_functions/erf.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <variant>

namespace caviar::cmaes {

layout::layout(const space& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const dimension& d = s[i];
        // A single-valued dimension is left out: its coordinate could only collapse.
        if (d.kind() == dimension_kind::categorical || d.cardinality() == 1) continue;
        dims.push_back(i);
        discrete.push_back(d.cardinality() >= 2);
    }
}

std::vector<double> layout::point(const space& s, const params& p) const {
    std::vector<double> u(dims.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < dims.size(); ++i) {
        const dimension& d = s[dims[i]];
        auto it = p.find(d.name());
        // Values outside a narrowed space clamp to its faces (to_unit clamps).
        if (it != p.end() && !std::holds_alternative<std::string>(it->second))
            u[i] = d.to_unit(it->second);
    }
    return u;
}

double cell_width(const dimension& d, double u) {
    std::int64_t n = d.cardinality();
    if (n == 0) return 0;
    if (d.kind() == dimension_kind::integer && d.scale() == scale::log) {
        // Integer k owns [k - 0.5, k + 0.5] on the log axis (see dimension::from_unit).
        double k = to_double(d.from_unit(u));
        double a = std::log10(d.low() - 0.5), b = std::log10(d.high() + 0.5);
        return (std::log10(k + 0.5) - std::log10(k - 0.5)) / (b - a);
    }
    return 1.0 / static_cast<double>(n);
}

double margin_stddev(double width, double alpha) {
    // P(|N(0, s^2)| > width / 2) = alpha  <=>  s = (width / 2) / (sqrt(2) erfc^-1(alpha)).
    return width / 2 / (std::numbers::sqrt2 * boost::math::erfc_inv(alpha));
}

}  // namespace caviar::cmaes
