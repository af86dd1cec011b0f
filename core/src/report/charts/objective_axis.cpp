#include "report/charts/objective_axis.hpp"

#include <algorithm>
#include <cmath>

namespace caviar {

namespace {

// Linear interpolation between closest ranks; v is sorted and not empty.
double quantile(const std::vector<double>& v, double q) {
    double at = q * static_cast<double>(v.size() - 1);
    auto i = static_cast<std::size_t>(std::floor(at));
    if (i + 1 >= v.size()) return v.back();
    return v[i] + (at - static_cast<double>(i)) * (v[i + 1] - v[i]);
}

}  // namespace

double objective_axis::operator()(double v) const {
    return y(std::clamp(v, y.lo(), y.hi()));
}

objective_axis make_objective_axis(const std::vector<double>& values, direction d, double p0,
                                   double p1) {
    std::vector<double> v;
    for (double x : values)
        if (std::isfinite(x)) v.push_back(x);
    std::sort(v.begin(), v.end());
    if (v.empty()) return {axis(axis_scale::linear, 0, 1, p0, p1).nice()};
    double lo = v.front(), hi = v.back();
    if (v.size() >= 10) {
        double q1 = quantile(v, 0.25), q3 = quantile(v, 0.75);
        // When most values are equal the quartiles coincide: a twentieth of the range stands
        // in for the spread, so the axis still shows the values near them.
        double spread = std::max(q3 - q1, (hi - lo) / 20);
        if (d == direction::maximize)
            lo = std::max(lo, q1 - 3 * spread);
        else
            hi = std::min(hi, q3 + 3 * spread);
        // The fence in the data: the farthest value still inside it.
        lo = *std::lower_bound(v.begin(), v.end(), lo);
        hi = *std::prev(std::upper_bound(v.begin(), v.end(), hi));
    }
    objective_axis a{axis(axis_scale::linear, lo, hi, p0, p1).nice()};
    a.clipped_low = v.front() < a.y.lo();
    a.clipped_high = v.back() > a.y.hi();
    return a;
}

std::string clipped_edges(const objective_axis& a, const frame& f) {
    std::string out;
    auto edge = [&](double edge_value, const char* side, const char* arrow) {
        double py = a.y(edge_value);
        std::string note = std::string(arrow) + " values " + side + " " + tick_label(edge_value) +
                           " are drawn on the dashed edge";
        out += "<line class=\"clipedge\" x1=\"" + num(f.left) + "\" y1=\"" + num(py) + "\" x2=\"" +
               num(f.right()) + "\" y2=\"" + num(py) + "\"><title>" + note + "</title></line>\n";
        out += text(f.right(), f.top - 4, note, "end", "legend");
    };
    if (a.clipped_low) edge(a.y.lo(), "below", "▼");
    if (a.clipped_high) edge(a.y.hi(), "above", "▲");
    return out;
}

}  // namespace caviar
