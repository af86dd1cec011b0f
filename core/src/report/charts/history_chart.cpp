#include "report/charts/charts.hpp"

#include "report/charts/objective_axis.hpp"
#include "report/svg/palette.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace caviar {

std::string history_chart(const chart_input& in) {
    const double width = 900, height = 330;
    bool any_failed = std::any_of(in.points().begin(), in.points().end(),
                                  [](const trial& t) { return t.state == trial_state::failed; });
    // Failed trials have no value: they get a strip of their own under the value axis.
    const double strip = any_failed ? 22 : 0;
    frame f{70, 30, width - 100, height - 80 - strip};

    double first = 0, last = 1;
    std::vector<double> values;
    bool any = false;
    for (const auto& t : in.points()) {
        if (!is_finished(t.state) && !t.value) continue;
        first = any ? std::min(first, static_cast<double>(t.number)) : t.number;
        last = any ? std::max(last, static_cast<double>(t.number)) : t.number;
        any = true;
        if (t.value) values.push_back(*t.value);
    }
    axis x = axis(axis_scale::linear, first - 0.5, last + 0.5, f.left, f.right(), true);
    auto y = make_objective_axis(values, in.study.objective.direction, f.bottom(), f.top);

    std::string out = svg_open("history", width, height, "optimisation history");
    out += x_axis(x, frame{f.left, f.top, f.width, f.height + strip}, "trial");
    out += y_axis(y.y, f, in.study.objective.metric);
    out += clipped_edges(y, f);
    if (any_failed)
        out += text(f.left - 7, f.bottom() + strip / 2 + 5, "failed", "end", "ticklabel");

    // Best so far over complete trials, as a step line.
    std::string path;
    std::optional<double> best;
    for (const auto& t : in.points()) {
        if (t.state != trial_state::complete || !t.value) continue;
        double px = x(static_cast<double>(t.number));
        if (!best || in.study.objective.better(*t.value, *best)) {
            if (best) path += "L" + num(px) + " " + num(y(*best));
            best = t.value;
            path += (path.empty() ? "M" : "L") + num(px) + " " + num(y(*best));
        }
    }
    if (best) path += "L" + num(x(last + 0.5)) + " " + num(y(*best));
    if (!path.empty()) out += "<path class=\"best\" d=\"" + path + "\"/>\n";

    for (const auto& t : in.points()) {
        double px = x(static_cast<double>(t.number));
        if (t.state == trial_state::failed)
            out += marker(marker_shape::cross, px, f.bottom() + strip / 2, 4.5,
                          state_colour(t.state), trial_attrs(t), trial_title(in, t));
        else if (t.value)
            out += marker(shape_of(t), px, y(*t.value), t.state == trial_state::complete ? 4.5 : 4,
                          state_colour(t.state),
                          trial_attrs(t, y.beyond(*t.value) ? "pt clipped" : "pt"),
                          trial_title(in, t));
    }
    out += state_legend(f.left, height - 8, in.points(), true);
    return out + svg_close();
}

}  // namespace caviar
