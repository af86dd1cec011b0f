#include "report/charts/charts.hpp"

#include "report/svg/escape.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace caviar {

std::string drift_chart(const chart_input& in) {
    const auto& r = in.drift;
    if (!r.is_object() || !r.contains("configurations") || r["configurations"].empty()) return "";
    const auto& configs = r["configurations"];
    // Every value drawn: old values, today's intervals, the new search's best.
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    auto take = [&](const nlohmann::json& v) {
        if (!v.is_number()) return;
        lo = std::min(lo, v.get<double>());
        hi = std::max(hi, v.get<double>());
    };
    for (const auto& c : configs) {
        take(c["old_value"]);
        take(c["mean"]);
        if (c["ci"].is_array()) {
            take(c["ci"][0]);
            take(c["ci"][1]);
        }
    }
    const bool searched = r["search"].is_object() && r["search"]["best"].is_object();
    if (searched) take(r["search"]["best"]["value"]);
    if (!std::isfinite(lo)) return "";
    if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
    }

    std::vector<std::string> names;
    for (const auto& c : configs) names.push_back("#" + std::to_string(c.value("old_trial", 0LL)));
    const double width = 900, height = 360;
    frame f{.left = 80, .top = 20, .width = width - 260, .height = height - 80};
    axis x = axis::categorical(names, f.left, f.right());
    axis y = axis(axis_scale::linear, lo, hi, f.bottom(), f.top).nice();
    const std::string metric = r["objective"].value("metric", "");
    std::string out =
        svg_open("drift", width, height, "the old best configurations, then and today");
    out += x_axis(x, f, "old trial, in old rank order");
    out += y_axis(y, f, metric);
    for (std::size_t i = 0; i < configs.size(); ++i) {
        const auto& c = configs[i];
        const double cx = x(static_cast<double>(i));
        const std::string name = names[i];
        if (c["ci"].is_array()) {
            double y0 = y(c["ci"][0].get<double>()), y1 = y(c["ci"][1].get<double>());
            out += "<line class=\"interval\" x1=\"" + num(cx + 8) + "\" x2=\"" + num(cx + 8) +
                   "\" y1=\"" + num(y0) + "\" y2=\"" + num(y1) + "\"/>\n";
            for (double yy : {y0, y1})
                out += "<line class=\"interval\" x1=\"" + num(cx + 3) + "\" x2=\"" + num(cx + 13) +
                       "\" y1=\"" + num(yy) + "\" y2=\"" + num(yy) + "\"/>\n";
        }
        const bool then = c["old_value"].is_number();
        if (then)
            out += marker(marker_shape::circle, cx - 8, y(c["old_value"].get<double>()), 5, "none",
                          "class=\"then\"",
                          name + " then: " + short_number(c["old_value"].get<double>()) +
                              " (rank " + std::to_string(c.value("old_rank", 0LL)) + ")");
        if (c["mean"].is_number()) {
            std::string what = name + " today: " + short_number(c["mean"].get<double>());
            if (c["ci"].is_array())
                what += " [" + short_number(c["ci"][0].get<double>()) + ", " +
                        short_number(c["ci"][1].get<double>()) + "]";
            what += " (rank " + std::to_string(c.value("new_rank", 0LL)) + ")";
            out += marker(marker_shape::circle, cx + 8, y(c["mean"].get<double>()), 5, "#1f4e79",
                          "class=\"today\"", what);
            if (then)
                out += "<line class=\"moved\" x1=\"" + num(cx - 8) + "\" y1=\"" +
                       num(y(c["old_value"].get<double>())) + "\" x2=\"" + num(cx + 8) +
                       "\" y2=\"" + num(y(c["mean"].get<double>())) + "\"/>\n";
        } else {
            out += text(cx + 8, f.bottom() - 6, "failed", "middle", "legend");
        }
    }
    if (searched) {
        double v = r["search"]["best"]["value"].get<double>();
        out += "<line class=\"best\" x1=\"" + num(f.left) + "\" x2=\"" + num(f.right()) +
               "\" y1=\"" + num(y(v)) + "\" y2=\"" + num(y(v)) +
               "\"><title>the new search's best: " + xml_escape(short_number(v)) +
               "</title></line>\n";
    }
    // Legend.
    const double lx = f.right() + 24;
    out += marker(marker_shape::circle, lx, f.top + 10, 5, "none", "class=\"then\"", "then");
    out += text(lx + 12, f.top + 14, "then (old study)", "start", "legend");
    out += marker(marker_shape::circle, lx, f.top + 32, 5, "#1f4e79", "class=\"today\"", "today");
    out += text(lx + 12, f.top + 36, "today, 95% interval", "start", "legend");
    if (searched) {
        out += "<line class=\"best\" x1=\"" + num(lx - 6) + "\" x2=\"" + num(lx + 6) + "\" y1=\"" +
               num(f.top + 54) + "\" y2=\"" + num(f.top + 54) + "\"/>\n";
        out += text(lx + 12, f.top + 58, "the new search's best", "start", "legend");
    }
    return out + svg_close();
}

}  // namespace caviar
