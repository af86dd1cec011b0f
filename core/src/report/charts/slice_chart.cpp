#include "report/charts/charts.hpp"

#include "report/charts/objective_axis.hpp"
#include "report/svg/palette.hpp"

#include <cmath>

namespace caviar {

namespace {

// A fixed pseudo-random offset in [-0.5, 0.5) per trial, so strips look the same every time.
double jitter(std::int64_t number) {
    auto h = static_cast<std::uint64_t>(number) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
    return static_cast<double>(h % 1000) / 1000.0 - 0.5;
}

}  // namespace

std::string slice_chart(const chart_input& in, const dimension& d) {
    const double width = 420, height = 290;
    frame f{66, 16, width - 86, height - 66};
    axis x = axis::of(d, f.left, f.right());
    std::vector<double> values;
    for (const auto& t : in.points())
        if (t.state == trial_state::complete && t.value) values.push_back(*t.value);
    auto y = make_objective_axis(values, in.study.objective.direction, f.bottom(), f.top);

    std::string out = svg_open("slice", width, height, "objective against " + d.name());
    // Coarse-to-fine boxes (when recorded): the range each round sampled, shaded.
    std::size_t index = 0;
    while (index < in.space.size() && in.space[index].name() != d.name()) ++index;
    if (d.kind() != dimension_kind::categorical)
        for (const auto& b : in.boxes) {
            if (index >= b.unit.size()) continue;
            double a = x(to_double(d.from_unit(b.unit[index].first)));
            double c = x(to_double(d.from_unit(b.unit[index].second)));
            out += "<rect class=\"box\" x=\"" + num(std::min(a, c)) + "\" y=\"" + num(f.top) +
                   "\" width=\"" + num(std::abs(c - a)) + "\" height=\"" + num(f.height) +
                   "\"><title>round " + std::to_string(b.round) + " box</title></rect>\n";
        }
    out += x_axis(x, f,
                  d.name() + (d.scale() == scale::linear || d.kind() == dimension_kind::categorical
                                  ? ""
                                  : " (" + std::string(to_string(d.scale())) + " scale)"));
    out += y_axis(y.y, f, in.study.objective.metric);
    out += clipped_edges(y, f);

    std::size_t missing = 0;
    double n = static_cast<double>(std::max<std::size_t>(in.points().size(), 2) - 1);
    for (std::size_t i = 0; i < in.points().size(); ++i) {
        const trial& t = in.points()[i];
        if (t.state != trial_state::complete || !t.value) continue;
        auto it = t.params.find(d.name());
        double v = it == t.params.end() ? std::nan("") : axis_value(d, it->second);
        if (std::isnan(v)) {
            ++missing;
            continue;
        }
        double px = x(v);
        if (x.scale() == axis_scale::categorical) px += jitter(t.number) * x.band() * 0.5;
        out += marker(shape_of(t), px, y(*t.value), 4, viridis(static_cast<double>(i) / n),
                      trial_attrs(t, y.beyond(*t.value) ? "pt clipped" : "pt"), trial_title(in, t));
    }
    if (missing)
        out += text(
            f.right(), height - 4,
            std::to_string(missing) + " trial" + (missing == 1 ? "" : "s") + " without " + d.name(),
            "end", "legend");
    return out + svg_close();
}

}  // namespace caviar
