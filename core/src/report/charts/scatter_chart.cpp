#include "report/charts/charts.hpp"

#include <cmath>

namespace caviar {

namespace {

std::size_t index_of(const space& s, const dimension& d) {
    std::size_t i = 0;
    while (i < s.size() && s[i].name() != d.name()) ++i;
    return i;
}

double jitter(std::int64_t number, std::uint64_t salt) {
    auto h = (static_cast<std::uint64_t>(number) + salt) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 31;
    return static_cast<double>(h % 1000) / 1000.0 - 0.5;
}

}  // namespace

std::string scatter_chart(const chart_input& in, const dimension& dx, const dimension& dy) {
    const double width = 660, height = 440;
    frame f{70, 20, width - 270, height - 70};  // the colour bar and its labels on the right
    axis x = axis::of(dx, f.left, f.right());
    axis y = axis::of(dy, f.bottom(), f.top);
    auto range = value_range(in.trials);

    std::string out = svg_open("scatter", width, height, dx.name() + " against " + dy.name());
    // Coarse-to-fine boxes (when recorded), dashed.
    std::size_t ix = index_of(in.space, dx), iy = index_of(in.space, dy);
    if (dx.kind() != dimension_kind::categorical && dy.kind() != dimension_kind::categorical)
        for (const auto& b : in.boxes) {
            if (ix >= b.unit.size() || iy >= b.unit.size()) continue;
            double x0 = x(to_double(dx.from_unit(b.unit[ix].first)));
            double x1 = x(to_double(dx.from_unit(b.unit[ix].second)));
            double y0 = y(to_double(dy.from_unit(b.unit[iy].first)));
            double y1 = y(to_double(dy.from_unit(b.unit[iy].second)));
            out += "<rect class=\"box\" x=\"" + num(std::min(x0, x1)) + "\" y=\"" +
                   num(std::min(y0, y1)) + "\" width=\"" + num(std::abs(x1 - x0)) + "\" height=\"" +
                   num(std::abs(y1 - y0)) + "\"><title>round " + std::to_string(b.round) +
                   " box</title></rect>\n";
        }
    out += x_axis(x, f, dx.name());
    out += y_axis(y, f, dy.name());
    for (const auto& t : in.trials) {
        if (t.state != trial_state::complete || !t.value) continue;
        auto a = t.params.find(dx.name()), b = t.params.find(dy.name());
        if (a == t.params.end() || b == t.params.end()) continue;
        double px = x(axis_value(dx, a->second)), py = y(axis_value(dy, b->second));
        if (x.scale() == axis_scale::categorical) px += jitter(t.number, 1) * x.band() * 0.5;
        if (y.scale() == axis_scale::categorical) py += jitter(t.number, 2) * y.band() * 0.5;
        out += marker(shape_of(t), px, py, 5, value_colour(in.study.objective, *t.value, range),
                      trial_attrs(t), trial_title(in, t));
    }
    if (!std::isnan(range.first)) {
        bool max = in.study.objective.direction == direction::maximize;
        out += colour_bar(f.right() + 40, f.top + 24, 200,
                          short_number(max ? range.first : range.second) + " (worst)",
                          short_number(max ? range.second : range.first) + " (best)",
                          in.study.objective.metric);
    }
    return out + svg_close();
}

}  // namespace caviar
