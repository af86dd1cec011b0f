#include "report/charts/charts.hpp"

#include "report/charts/objective_axis.hpp"
#include "report/lineage.hpp"
#include "report/svg/escape.hpp"
#include "report/svg/palette.hpp"
#include "report/trial_table.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace caviar {

namespace {

std::optional<double> metric_at(const trial& t, const std::string& metric, std::int64_t step) {
    for (const auto& p : t.curve)
        if (p.step == step) {
            auto it = p.metrics.find(metric);
            if (it != p.metrics.end() && std::isfinite(it->second)) return it->second;
            return std::nullopt;
        }
    return std::nullopt;
}

// What the colours mean: a complete trial's curve is coloured by its final value, the others by
// their state; only the states the study has are listed.
std::string curve_legend(double x, double y, const std::vector<trial>& trials,
                         const std::string& metric) {
    std::set<trial_state> states;
    for (const auto& t : trials)
        if (!t.curve.empty()) states.insert(t.state);
    std::string out = "<g class=\"legend\">\n";
    auto swatch = [&](const std::string& colour) {
        out += "<line class=\"curve\" x1=\"" + num(x) + "\" y1=\"" + num(y - 4) + "\" x2=\"" +
               num(x + 16) + "\" y2=\"" + num(y - 4) + "\" stroke=\"" + colour + "\"/>\n";
        x += 16;
    };
    auto label = [&](const std::string& s) {
        out += text(x + 5, y, s, "start", "legend");
        x += 18 + 6.6 * static_cast<double>(s.size());
    };
    if (states.count(trial_state::complete)) {
        for (double t : {0.0, 0.5, 1.0}) swatch(viridis(t));
        label("complete, by final " + metric + " (yellow = best)");
    }
    for (auto s :
         {trial_state::pruned, trial_state::paused, trial_state::failed, trial_state::running})
        if (states.count(s)) {
            swatch(state_colour(s));
            label(to_string(s));
        }
    if (states.count(trial_state::pruned) || states.count(trial_state::paused) ||
        states.count(trial_state::failed)) {
        out +=
            marker(marker_shape::cross, x + 4, y - 4, 4, "#5f6675", "class=\"key\"", "cut short");
        x += 8;
        label("= where a curve was cut short");
    }
    return out + "</g>\n";
}

}  // namespace

// Trials cut short (pruned, paused, failed) end in a cross at their last point. When a strategy
// copied another trial's checkpoint (a PBT exploit, from the store's events), the trial's curve
// breaks there and a dashed jump goes from the donor's curve at the copied step to the trial's
// next point: the weights behind that point came from the donor.
std::string curves_chart(const chart_input& in) {
    const double width = 900, height = 360;
    frame f{70, 20, width - 100, height - 72};
    const std::string& metric = in.study.objective.metric;
    double last_step = 1;
    std::vector<double> values;  // every point of every curve: the axis covers where they lie
    for (const auto& t : in.points()) {
        for (const auto& p : t.curve)
            if (auto it = p.metrics.find(metric);
                it != p.metrics.end() && std::isfinite(it->second)) {
                values.push_back(it->second);
                last_step = std::max(last_step, static_cast<double>(p.step));
            }
    }
    axis x = axis(axis_scale::linear, 0, last_step, f.left, f.right(), true).nice();
    auto y = make_objective_axis(values, in.study.objective.direction, f.bottom(), f.top);
    auto range = colour_range(in.points());

    auto jumps = exploits(in.events);
    // What a person did from outside (caviar ctl), and a strategy's mid-run param changes.
    auto steered = [](const trial_event& e) {
        if (e.step < 1 || (e.source != "manual" && e.kind != "update")) return false;
        return e.kind == "pause" || e.kind == "update" || e.kind == "resume" || e.kind == "prune" ||
               e.kind == "restart";
    };
    const bool any_steered = std::any_of(in.events.begin(), in.events.end(), steered);
    // More legend lines below the first when there are jumps or changes.
    // The colour legend's line under the step axis, then one more per kind of mark shown.
    const double legend_room = 12 + (jumps.empty() ? 0 : 16) + (any_steered ? 16 : 0);
    std::string out =
        svg_open("curves", width, height + legend_room, "learning curves of " + metric);
    out += x_axis(x, f, "step");
    out += y_axis(y.y, f, metric);
    out += clipped_edges(y, f);
    std::map<std::int64_t, std::set<std::int64_t>> cuts;  // trial -> steps it was copied at
    for (const auto& e : jumps) cuts[e.trial].insert(e.from_step);
    std::map<std::int64_t, std::string> colours;
    for (const auto& t : in.points()) {
        // One segment per stretch between exploits.
        std::vector<std::vector<std::pair<double, double>>> segments(1);
        const auto& copied_at = cuts[t.number];
        std::int64_t previous = 0;
        double ex = 0, ey = 0;
        for (const auto& p : t.curve) {
            auto it = p.metrics.find(metric);
            if (it == p.metrics.end() || !std::isfinite(it->second)) continue;
            auto c = copied_at.lower_bound(previous);
            if (c != copied_at.end() && *c < p.step && !segments.back().empty())
                segments.emplace_back();
            previous = p.step;
            ex = x(static_cast<double>(p.step));
            ey = y(it->second);
            segments.back().push_back({ex, ey});
        }
        if (segments.front().empty()) continue;
        std::string colour = t.state == trial_state::complete && t.value
                                 ? value_colour(in.study.objective, *t.value, range)
                                 : state_colour(t.state);
        colours[t.number] = colour;
        std::string title = trial_title(in, t) + "\nsteps: " + std::to_string(t.steps);
        for (const auto& seg : segments) {
            // A one-step curve (a one-shot model) is a dot: a polyline of one point would not
            // show.
            if (seg.size() == 1) {
                out += marker(marker_shape::circle, seg[0].first, seg[0].second, 3.5, colour,
                              trial_attrs(t, "dot"), title);
                continue;
            }
            std::string points;
            for (const auto& [px, py] : seg)
                points += (points.empty() ? "" : " ") + num(px) + "," + num(py);
            out += "<polyline " + trial_attrs(t, "curve") + " points=\"" + points + "\" stroke=\"" +
                   colour + "\"><title>" + xml_escape(title) + "</title></polyline>\n";
        }
        bool cut = t.state == trial_state::pruned || t.state == trial_state::paused ||
                   t.state == trial_state::failed;
        if (cut)
            out += marker(marker_shape::cross, ex, ey, 4, state_colour(t.state),
                          trial_attrs(t, "end"), title);
    }
    std::map<std::int64_t, const trial*> by_number;
    for (const auto& t : in.points()) by_number[t.number] = &t;
    std::size_t drawn = 0;
    std::string jump_lines;
    for (const auto& e : jumps) {
        auto to = by_number.find(e.trial), from = by_number.find(e.from);
        if (to == by_number.end() || from == by_number.end()) continue;
        auto y0 = metric_at(*from->second, metric, e.from_step);
        auto y1 = metric_at(*to->second, metric, e.from_step + 1);
        if (!y0 || !y1) continue;  // the donor's point or the trial's next one is gone
        std::string changes = param_changes(e.old_params, e.new_params);
        std::string title = "trial " + std::to_string(e.trial) + " continued from trial " +
                            std::to_string(e.from) + "'s checkpoint at step " +
                            std::to_string(e.from_step) + " (PBT exploit)" +
                            (changes.empty() ? "" : "\nparams: " + changes);
        std::string ends = "x1=\"" + num(x(static_cast<double>(e.from_step))) + "\" y1=\"" +
                           num(y(*y0)) + "\" x2=\"" + num(x(static_cast<double>(e.from_step + 1))) +
                           "\" y2=\"" + num(y(*y1)) + "\"";
        // Dark on a white halo, with an arrowhead: it must show where curves crowd together.
        jump_lines += "<line class=\"outline\" " + ends + "/>\n";
        jump_lines += "<line " + trial_attrs(*to->second, "jump") + " " + ends +
                      " marker-end=\"url(#jump-arrow)\" data-from=\"" + std::to_string(e.from) +
                      "\"><title>" + xml_escape(title) + "</title></line>\n";
        ++drawn;
    }
    if (drawn > 0)
        out +=
            "<defs><marker id=\"jump-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
            "markerWidth=\"4\" markerHeight=\"4\" orient=\"auto-start-reverse\">"
            "<path d=\"M0 0L10 5L0 10z\" fill=\"#1f2430\"/></marker></defs>\n" +
            jump_lines;
    // A diamond on the trial's curve at that step, the event in its tooltip.
    for (const auto& e : in.events) {
        if (!steered(e)) continue;
        auto t = by_number.find(e.trial);
        if (t == by_number.end()) continue;
        auto at = metric_at(*t->second, metric, e.step);
        if (!at) continue;
        const bool manual = e.source == "manual";
        out += marker(marker_shape::diamond, x(static_cast<double>(e.step)), y(*at), 4.5,
                      manual ? "#1f77b4" : colours[e.trial],
                      trial_attrs(*t->second, manual ? "pt steered" : "pt changed"), describe(e));
    }
    if (any_steered)
        out += text(f.left, height + legend_room - 8,
                    "◆ = params changed mid-run; blue ◆ = steered from outside (caviar ctl: "
                    "pause, new params, resume, prune)",
                    "start", "legend");
    if (drawn > 0)
        out += text(f.left, height + legend_room - (any_steered ? 24 : 8),
                    "dashed arrow: a trial continuing from another trial's checkpoint (PBT "
                    "exploit: its weights, explored params)",
                    "start", "legend");
    out += curve_legend(f.left, height + 4, in.points(), metric);
    return out + svg_close();
}

}  // namespace caviar
