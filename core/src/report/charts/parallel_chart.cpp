#include "report/charts/charts.hpp"

#include "report/charts/objective_axis.hpp"
#include "report/svg/escape.hpp"

#include <algorithm>
#include <cmath>

namespace caviar {

std::string parallel_chart(const chart_input& in) {
    std::size_t n = in.space.size() + 1;  // the parameters, then the objective
    const double gap = 150;
    const double width = std::max(900.0, 80 + gap * static_cast<double>(n - 1) + 60);
    const double height = 380;
    const double top = 40, bottom = height - 50;
    bool conditional = in.space.conditional();
    // An inactive conditional parameter is drawn below its axis, at "absent".
    const double absent_y = bottom + 22;
    auto range = colour_range(in.points());
    std::vector<double> values;
    for (const auto& t : in.points())
        if (t.state == trial_state::complete && t.value) values.push_back(*t.value);
    auto objective = make_objective_axis(values, in.study.objective.direction, bottom, top);

    std::vector<axis> axes;
    std::vector<double> xs;
    for (std::size_t i = 0; i < n; ++i) {
        double x = 80 + (width - 140) * static_cast<double>(i) / static_cast<double>(n - 1);
        xs.push_back(x);
        axes.push_back(i + 1 < n ? axis::of(in.space[i], bottom, top) : objective.y);
    }

    std::string out = svg_open("parallel", width, height, "parallel coordinates");
    for (const auto& t : in.points()) {
        if (t.state != trial_state::complete || !t.value) continue;
        std::string points;
        for (std::size_t i = 0; i < n; ++i) {
            double y;
            if (i + 1 == n) {
                y = objective(*t.value);
            } else {
                auto it = t.params.find(in.space[i].name());
                double v =
                    it == t.params.end() ? std::nan("") : axis_value(in.space[i], it->second);
                y = std::isnan(v) ? absent_y : axes[i](v);
            }
            points += (i ? " " : "") + num(xs[i]) + "," + num(y);
        }
        out += "<polyline " + trial_attrs(t, "line") + " points=\"" + points + "\" stroke=\"" +
               value_colour(in.study.objective, *t.value, range) + "\"><title>" +
               xml_escape(trial_title(in, t)) + "</title></polyline>\n";
    }
    for (std::size_t i = 0; i < n; ++i) {
        double x = xs[i];
        std::string name = i + 1 < n ? in.space[i].name() : in.study.objective.metric;
        out += "<g class=\"paxis\">\n<line class=\"frame\" x1=\"" + num(x) + "\" y1=\"" + num(top) +
               "\" x2=\"" + num(x) + "\" y2=\"" + num(bottom) + "\"/>\n";
        for (const auto& t : axes[i].ticks()) {
            double y = axes[i](t.value);
            out += "<line class=\"tick\" x1=\"" + num(x - 4) + "\" y1=\"" + num(y) + "\" x2=\"" +
                   num(x) + "\" y2=\"" + num(y) + "\"/>\n";
            out += text(x - 7, y + 4, t.label, "end", "ticklabel halo");
        }
        if (i + 1 == n && (objective.clipped_low || objective.clipped_high)) {
            // Lines of far-out values end on the axis's end, which says so.
            bool low = objective.clipped_low;
            double y = low ? bottom : top;
            out += text(x, low ? y + 20 : y - 28,
                        low ? "▼ and everything below" : "▲ and everything above", "middle",
                        "ticklabel halo");
        }
        if (conditional && i + 1 < n && in.space[i].when())
            out += text(x - 7, absent_y + 4, "absent", "end", "ticklabel halo");
        std::string scale_note;
        if (i + 1 < n && in.space[i].kind() != dimension_kind::categorical &&
            in.space[i].scale() != scale::linear)
            scale_note = " (" + std::string(to_string(in.space[i].scale())) + ")";
        out += text(x, top - 14, name + scale_note, "middle",
                    i + 1 < n ? "axislabel" : "axislabel objective");
        out += "</g>\n";
    }
    return out + svg_close();
}

}  // namespace caviar
