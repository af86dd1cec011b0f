#include "report/charts/charts.hpp"

#include "report/svg/escape.hpp"

#include <algorithm>
#include <cstdio>

namespace caviar {

std::string importance_chart(const chart_input& in) {
    const auto& imp = in.importance;
    const double row = 28, width = 900, label_w = 170, bar_w = width - label_w - 90;
    const double height =
        30 + row * static_cast<double>(std::max<std::size_t>(imp.params.size(), 1));
    std::string out = svg_open("importance", width, height, "parameter importance");
    double y = 16;
    for (const auto& p : imp.params) {
        char share[16];
        std::snprintf(share, sizeof share, "%.3f", p.importance);
        double w = bar_w * p.importance;
        out += text(label_w - 10, y + 14, p.name, "end", "barlabel");
        out += "<rect class=\"bar\" x=\"" + num(label_w) + "\" y=\"" + num(y) + "\" width=\"" +
               num(std::max(w, 1.0)) + "\" height=\"" + num(row - 8) + "\"><title>" +
               xml_escape(p.name) + ": " + share + " of the variance</title></rect>\n";
        out += text(label_w + std::max(w, 1.0) + 6, y + 14, share, "start", "barvalue");
        y += row;
    }
    if (!imp.note.empty()) out += text(label_w, height - 6, imp.note, "start", "legend");
    return out + svg_close();
}

}  // namespace caviar
