// `caviar curves`: learning curves for other tools, as CSV rows or JSON.
#pragma once

#include <caviar/trial.hpp>

#include <nlohmann/json.hpp>

#include <ostream>
#include <vector>

namespace caviar {

/// Header "trial,step,metric,value"; then write_curves_csv of each trial, in the order wanted.
void write_curves_csv_header(std::ostream& out);
/// One row per metric per step of the trial's curve, metrics by name. Non-finite values are
/// written as nan/inf.
void write_curves_csv(std::ostream& out, const trial& t);

/// {"trial": N, "state": "...", "points": [{"step": S, "metrics": {...}}]}, one element of the
/// array `caviar curves --format json` prints; non-finite values are null.
nlohmann::json curves_json(const trial& t);

}  // namespace caviar
