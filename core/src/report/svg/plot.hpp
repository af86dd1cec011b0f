// Pieces every chart draws: the <svg> element, a plot frame with labelled axes, point markers
// with a hover title, and a colour bar. Each returns SVG text; every text argument is escaped here.
#pragma once

#include "report/svg/axis.hpp"

#include <string>
#include <string_view>

namespace caviar {

/// A coordinate or length as SVG text: at most one decimal, no trailing ".0".
std::string num(double v);

/// The plot area inside a chart, in pixels.
struct frame {
    double left = 0, top = 0, width = 0, height = 0;
    double right() const { return left + width; }
    double bottom() const { return top + height; }
};

/// <svg ...> opening tag: a chart of the given size; `name` goes to data-chart, `title` to the
/// accessible label.
std::string svg_open(std::string_view name, double width, double height, std::string_view title);
inline std::string svg_close() {
    return "</svg>\n";
}

/// Grid lines, ticks and tick labels along the bottom (x) or the left (y) of f, and the label.
std::string x_axis(const axis& a, const frame& f, std::string_view label);
std::string y_axis(const axis& a, const frame& f, std::string_view label);

/// Marker shapes: one per coarse-to-fine round (round 1 circle, 2 square, ...); cross for
/// failed trials and for the end of a cut learning curve.
enum class marker_shape { circle, square, diamond, triangle, triangle_down, cross };
marker_shape round_marker(int round);

/// A point with a <title> (shown on hover) and data-trial for linking charts.
/// `attrs` is extra raw attribute text (already escaped), e.g. `class="pt pruned"`.
std::string marker(marker_shape shape, double x, double y, double r, std::string_view colour,
                   std::string_view attrs, std::string_view title);

/// A vertical viridis colour bar at (x, y) of the given height, labelled lo at the bottom and
/// hi at the top, with a caption above.
std::string colour_bar(double x, double y, double height, std::string_view lo_label,
                       std::string_view hi_label, std::string_view caption);

/// Text at (x, y); anchor is start, middle or end.
std::string text(double x, double y, std::string_view s, std::string_view anchor = "start",
                 std::string_view cls = "");

}  // namespace caviar
