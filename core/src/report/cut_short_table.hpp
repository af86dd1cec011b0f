// The report's table of the trials that did not complete (failed, pruned, paused), with the
// reason each stopped: the reason is what a user reads first when a study went wrong.
#pragma once

#include "report/charts/chart_input.hpp"

#include <string>

namespace caviar {

/// An HTML <table> per state: failed trials first, then pruned, then paused, each by number, at
/// most `limit` rows of each state and a note saying how many more `caviar trials` lists; more
/// than a few pruned or paused trials fold into a <details>. A note instead of a table when
/// every trial completed.
std::string cut_short_table(const chart_input& in, std::size_t limit);

}  // namespace caviar
