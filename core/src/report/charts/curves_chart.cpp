#include "report/charts/charts.hpp"

#include "report/svg/escape.hpp"
#include "report/svg/palette.hpp"

#include <cmath>

namespace caviar {

// Trials cut short (pruned, paused, failed) end in a cross at their last point. When a strategy
// copies another trial's checkpoint (PBT exploit), the curve jumps: the store would then need
// the parent's number per step to draw the jump as a dashed link, which it does not record yet.
std::string curves_chart(const chart_input& in) {
    const double width = 900, height = 360;
    frame f{70, 20, width - 100, height - 72};
    const std::string& metric = in.study.objective.metric;
    double lo = INFINITY, hi = -INFINITY, last_step = 1;
    for (const auto& t : in.trials) {
        for (const auto& p : t.curve)
            if (auto it = p.metrics.find(metric);
                it != p.metrics.end() && std::isfinite(it->second)) {
                lo = std::min(lo, it->second);
                hi = std::max(hi, it->second);
                last_step = std::max(last_step, static_cast<double>(p.step));
            }
    }
    if (!(lo <= hi)) lo = 0, hi = 1;
    axis x = axis(axis_scale::linear, 0, last_step, f.left, f.right(), true).nice();
    axis y = axis(axis_scale::linear, lo, hi, f.bottom(), f.top).nice();
    auto range = value_range(in.trials);

    std::string out = svg_open("curves", width, height, "learning curves of " + metric);
    out += x_axis(x, f, "step");
    out += y_axis(y, f, metric);
    for (const auto& t : in.trials) {
        std::string points;
        std::size_t n_points = 0;
        double ex = 0, ey = 0;
        for (const auto& p : t.curve) {
            auto it = p.metrics.find(metric);
            if (it == p.metrics.end() || !std::isfinite(it->second)) continue;
            ex = x(static_cast<double>(p.step));
            ey = y(it->second);
            points += (points.empty() ? "" : " ") + num(ex) + "," + num(ey);
            ++n_points;
        }
        if (points.empty()) continue;
        std::string colour = t.state == trial_state::complete && t.value
                                 ? value_colour(in.study.objective, *t.value, range)
                                 : state_colour(t.state);
        std::string title = trial_title(in, t) + "\nsteps: " + std::to_string(t.steps);
        // A one-step curve (a one-shot model) is a dot: a polyline of one point would not show.
        if (n_points == 1)
            out += marker(marker_shape::circle, ex, ey, 3.5, colour, trial_attrs(t, "dot"), title);
        else
            out += "<polyline " + trial_attrs(t, "curve") + " points=\"" + points + "\" stroke=\"" +
                   colour + "\"><title>" + xml_escape(title) + "</title></polyline>\n";
        bool cut = t.state == trial_state::pruned || t.state == trial_state::paused ||
                   t.state == trial_state::failed;
        if (cut)
            out += marker(marker_shape::cross, ex, ey, 4, state_colour(t.state),
                          trial_attrs(t, "end"), title);
    }
    if (!std::isnan(range.first))
        out += text(f.left, height - 8,
                    "colour: final " + metric +
                        " (yellow = best); × = cut short (pruned, paused or "
                        "failed)",
                    "start", "legend");
    return out + svg_close();
}

}  // namespace caviar
