// A study's line of retunes: the study it was re-tuned from, and the retunes made from it, as
// `caviar history` lists them and the report shows them; and a retune's drift report, kept with
// the study as its "retune" study event.
#pragma once

#include "report/charts/chart_input.hpp"
#include "store/store.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace caviar {

/// The latest drift report of a retune (drift.hpp), null for a study that is not one.
nlohmann::json retune_report(store& db, std::int64_t study);

/// The line `s` belongs to, in this store: its oldest ancestor first, then depth first through
/// the retunes. Empty when `s` has neither a parent nor a retune here.
std::vector<chain_link> study_line(store& db, const study_record& s);

}  // namespace caviar
