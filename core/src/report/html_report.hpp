// `caviar report`: one self-contained HTML file (inline CSS, inline SVG, a few lines of script
// for linked hover; nothing fetched) showing a study: summary, best trials, history, importance,
// one slice per parameter, the two most important parameters, learning curves and parallel
// coordinates. Printable: @media print drops the hover and keeps each chart on one page.
#pragma once

#include "report/charts/chart_input.hpp"

#include <string>

namespace caviar {

/// The whole page. store_file is shown in the header.
std::string html_report(const chart_input& in, const std::string& store_file);

}  // namespace caviar
