// `caviar curves`: learning curves for other tools, as CSV rows or JSON.
#pragma once

#include <caviar/trial.hpp>

#include <nlohmann/json.hpp>

#include <ostream>
#include <vector>

namespace caviar {

/// Header "trial,step,metric,value", then one row per metric per step, trials in the given
/// order, metrics by name. Non-finite values are written as nan/inf.
void write_curves_csv(std::ostream& out, const std::vector<const trial*>& trials);

/// [{"trial": N, "state": "...", "points": [{"step": S, "metrics": {...}}]}]; non-finite
/// values are null.
nlohmann::json curves_json(const std::vector<const trial*>& trials);

}  // namespace caviar
