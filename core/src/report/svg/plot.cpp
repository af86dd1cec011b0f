#include "report/svg/plot.hpp"

#include "report/svg/escape.hpp"
#include "report/svg/palette.hpp"

#include <cmath>
#include <cstdio>

namespace caviar {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    if (s == "-0") s = "0";
    return s;
}

std::string svg_open(std::string_view name, double width, double height, std::string_view title) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"" +
           xml_escape(name) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\" width=\"" +
           num(width) + "\" height=\"" + num(height) + "\" role=\"img\" aria-label=\"" +
           xml_escape(title) + "\">\n";
}

std::string text(double x, double y, std::string_view s, std::string_view anchor,
                 std::string_view cls) {
    std::string out = "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"";
    if (anchor != "start") out += " text-anchor=\"" + std::string(anchor) + "\"";
    if (!cls.empty()) out += " class=\"" + std::string(cls) + "\"";
    return out + ">" + xml_escape(s) + "</text>\n";
}

std::string x_axis(const axis& a, const frame& f, std::string_view label) {
    std::string out = "<g class=\"axis x\">\n";
    bool cat = a.scale() == axis_scale::categorical;
    for (const auto& t : a.ticks()) {
        double x = a(t.value);
        if (!cat)
            out += "<line class=\"grid\" x1=\"" + num(x) + "\" y1=\"" + num(f.top) + "\" x2=\"" +
                   num(x) + "\" y2=\"" + num(f.bottom()) + "\"/>\n";
        out += "<line class=\"tick\" x1=\"" + num(x) + "\" y1=\"" + num(f.bottom()) + "\" x2=\"" +
               num(x) + "\" y2=\"" + num(f.bottom() + 4) + "\"/>\n";
        out += text(x, f.bottom() + 16, t.label, "middle", "ticklabel");
    }
    out += "<line class=\"frame\" x1=\"" + num(f.left) + "\" y1=\"" + num(f.bottom()) + "\" x2=\"" +
           num(f.right()) + "\" y2=\"" + num(f.bottom()) + "\"/>\n";
    out += text(f.left + f.width / 2, f.bottom() + 34, label, "middle", "axislabel");
    return out + "</g>\n";
}

std::string y_axis(const axis& a, const frame& f, std::string_view label) {
    std::string out = "<g class=\"axis y\">\n";
    bool cat = a.scale() == axis_scale::categorical;
    for (const auto& t : a.ticks()) {
        double y = a(t.value);
        if (!cat)
            out += "<line class=\"grid\" x1=\"" + num(f.left) + "\" y1=\"" + num(y) + "\" x2=\"" +
                   num(f.right()) + "\" y2=\"" + num(y) + "\"/>\n";
        out += "<line class=\"tick\" x1=\"" + num(f.left - 4) + "\" y1=\"" + num(y) + "\" x2=\"" +
               num(f.left) + "\" y2=\"" + num(y) + "\"/>\n";
        out += text(f.left - 7, y + 4, t.label, "end", "ticklabel");
    }
    out += "<line class=\"frame\" x1=\"" + num(f.left) + "\" y1=\"" + num(f.top) + "\" x2=\"" +
           num(f.left) + "\" y2=\"" + num(f.bottom()) + "\"/>\n";
    double cx = f.left - 50, cy = f.top + f.height / 2;
    out += "<text class=\"axislabel\" text-anchor=\"middle\" transform=\"translate(" + num(cx) +
           "," + num(cy) + ") rotate(-90)\">" + xml_escape(label) + "</text>\n";
    return out + "</g>\n";
}

marker_shape round_marker(int round) {
    static const marker_shape shapes[] = {marker_shape::circle, marker_shape::square,
                                          marker_shape::diamond, marker_shape::triangle,
                                          marker_shape::triangle_down};
    if (round < 1) return marker_shape::circle;
    return shapes[(round - 1) % 5];
}

std::string marker(marker_shape shape, double x, double y, double r, std::string_view colour,
                   std::string_view attrs, std::string_view title) {
    std::string fill = std::string(colour);
    std::string a = attrs.empty() ? "" : " " + std::string(attrs);
    std::string open;
    switch (shape) {
        case marker_shape::circle:
            open = "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + num(r) +
                   "\" fill=\"" + fill + "\"" + a + ">";
            return open + "<title>" + xml_escape(title) + "</title></circle>\n";
        case marker_shape::square:
            open = "<rect x=\"" + num(x - r) + "\" y=\"" + num(y - r) + "\" width=\"" + num(2 * r) +
                   "\" height=\"" + num(2 * r) + "\" fill=\"" + fill + "\"" + a + ">";
            return open + "<title>" + xml_escape(title) + "</title></rect>\n";
        case marker_shape::cross: {
            double d = r;
            std::string p = "M" + num(x - d) + " " + num(y - d) + "L" + num(x + d) + " " +
                            num(y + d) + "M" + num(x - d) + " " + num(y + d) + "L" + num(x + d) +
                            " " + num(y - d);
            // The colour as a style, not an attribute: a class rule (the white outline of
            // points) would override an attribute and draw the cross white on white.
            open = "<path d=\"" + p + "\" style=\"stroke:" + fill +
                   "\" stroke-width=\"2.2\" fill=\"none\"" + a + ">";
            return open + "<title>" + xml_escape(title) + "</title></path>\n";
        }
        default: {
            double d = r * 1.25;
            std::string p;
            if (shape == marker_shape::diamond)
                p = "M" + num(x) + " " + num(y - d) + "L" + num(x + d) + " " + num(y) + "L" +
                    num(x) + " " + num(y + d) + "L" + num(x - d) + " " + num(y) + "Z";
            else {
                double s = shape == marker_shape::triangle ? 1 : -1;
                p = "M" + num(x) + " " + num(y - s * d) + "L" + num(x + d) + " " +
                    num(y + s * d * 0.8) + "L" + num(x - d) + " " + num(y + s * d * 0.8) + "Z";
            }
            open = "<path d=\"" + p + "\" fill=\"" + fill + "\"" + a + ">";
            return open + "<title>" + xml_escape(title) + "</title></path>\n";
        }
    }
}

std::string colour_bar(double x, double y, double height, std::string_view lo_label,
                       std::string_view hi_label, std::string_view caption) {
    std::string out = "<g class=\"colourbar\">\n";
    out += text(x, y - 8, caption, "start", "legend");
    int n = 24;
    double h = height / n;
    for (int i = 0; i < n; ++i) {
        double t = 1.0 - (i + 0.5) / n;  // top = hi
        out += "<rect x=\"" + num(x) + "\" y=\"" + num(y + i * h) + "\" width=\"12\" height=\"" +
               num(h + 0.6) + "\" fill=\"" + viridis(t) + "\"/>\n";
    }
    out += text(x + 16, y + 9, hi_label, "start", "ticklabel");
    out += text(x + 16, y + height, lo_label, "start", "ticklabel");
    return out + "</g>\n";
}

}  // namespace caviar
