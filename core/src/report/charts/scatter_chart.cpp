#include "report/charts/charts.hpp"

#include <cmath>
#include <set>
#include <utility>
#include <vector>

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
    auto range = colour_range(in.points());

    std::string out = svg_open("scatter", width, height, dx.name() + " against " + dy.name());
    // Coarse-to-fine boxes (when recorded), dashed, each labelled with its round.
    std::size_t ix = index_of(in.space, dx), iy = index_of(in.space, dy);
    std::string labels;  // drawn over the points
    std::vector<std::pair<double, double>> placed;
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
            // The label inside the top-left corner, moved down past earlier labels that
            // would overlap it (nested boxes often share a corner).
            double lx = std::min(x0, x1) + 3, ly = std::min(y0, y1) + 12;
            for (bool moved = true; moved;) {
                moved = false;
                for (auto [px, py] : placed)
                    if (std::abs(px - lx) < 50 && std::abs(py - ly) < 12)
                        ly = py + 12, moved = true;
            }
            placed.emplace_back(lx, ly);
            labels += text(lx, ly, "round " + std::to_string(b.round), "start", "boxlabel halo");
        }
    out += x_axis(x, f, dx.name());
    out += y_axis(y, f, dy.name());
    for (const auto& t : in.points()) {
        if (t.state != trial_state::complete || !t.value) continue;
        auto a = t.params.find(dx.name()), b = t.params.find(dy.name());
        if (a == t.params.end() || b == t.params.end()) continue;
        double px = x(axis_value(dx, a->second)), py = y(axis_value(dy, b->second));
        if (x.scale() == axis_scale::categorical) px += jitter(t.number, 1) * x.band() * 0.5;
        if (y.scale() == axis_scale::categorical) py += jitter(t.number, 2) * y.band() * 0.5;
        out += marker(shape_of(t), px, py, 5, value_colour(in.study.objective, *t.value, range),
                      trial_attrs(t), trial_title(in, t));
    }
    out += labels;
    if (!std::isnan(range.first)) {
        bool max = in.study.objective.direction == direction::maximize;
        auto [below, above] = colour_range_clipped(in.points(), range);
        // The ends of the bar stand for everything beyond them.
        std::string lo = (below ? "≤ " : "") + short_number(range.first);
        std::string hi = (above ? "≥ " : "") + short_number(range.second);
        out += colour_bar(f.right() + 40, f.top + 24, 200, (max ? lo : hi) + " (worst)",
                          (max ? hi : lo) + " (best)", in.study.objective.metric);
    }
    if (has_rounds(in.points())) {
        // Marker shape = round (coarse to fine), below the colour bar.
        std::set<int> rounds;
        for (const auto& t : in.points())
            if (round_of(t) > 0) rounds.insert(round_of(t));
        double ly = f.top + 270;
        out += "<g class=\"legend\">\n";
        for (int r : rounds) {
            std::string label = "round " + std::to_string(r);
            out += marker(round_marker(r), f.right() + 45, ly - 4, 4.5, "#5f6675", "class=\"key\"",
                          label);
            out += text(f.right() + 55, ly, label, "start", "legend");
            ly += 18;
        }
        out += "</g>\n";
    }
    return out + svg_close();
}

}  // namespace caviar
