// Trials as text for people (aligned tables) and for tools (JSON, CSV).
#pragma once

#include "store/store.hpp"

#include <caviar/trial.hpp>

#include <nlohmann/json.hpp>

#include <functional>

#include <ostream>
#include <string>
#include <vector>

namespace caviar {

/// Complete trials with a value, best first (ties: lower number first).
std::vector<const trial*> ranked(const std::vector<trial>& trials, const objective& obj);

/// Parameter names in space order, read from space::describe() text (one dimension a line).
std::vector<std::string> param_names(const std::string& space_description);

/// An aligned table: rank, trial, value, then one column per param; at most `top` rows.
std::string ranking_table(const std::vector<trial>& trials, const objective& obj,
                          const std::vector<std::string>& names, std::size_t top);

/// Trials one at a time: calls `each` for every trial, in number order. It may be called more
/// than once, each call reading them again (e.g. from the store: store::for_each_trial).
using trial_source = std::function<void(const std::function<void(const trial&)>& each)>;

/// Every trial in number order: trial, state, value, steps, params, then the reason it failed,
/// was pruned or is paused, in full: on one line (width 0), or wrapped onto further lines so
/// that the table fits `width` columns (a terminal's). Reads `trials` twice (the columns'
/// widths, then the rows), keeping none: memory for one row, however many there are.
void write_trials_table(std::ostream& out, const trial_source& trials,
                        const std::vector<std::string>& names, std::size_t width = 0);

/// {"number", "state", "params": {...}, "value", "metrics": {...}, "seed", "error", ...}
nlohmann::json to_json(const trial& t);
/// {"step", "kind", "detail": {...}, "at"}.
nlohmann::json to_json(const trial_event& e);
/// One line for people: "trial 3 at step 9: pause (not promoted at rung 1: rank 5 of 9)".
std::string describe(const trial_event& e);
/// One line for people: "study: budget 50 → 80 trials, by caviar ctl".
std::string describe(const study_event& e);

/// Header "number,state,value,<params>,<metrics>,seed,steps,origin,error"; params and metrics
/// columns are prefixed "params." and "metrics."; RFC 4180 quoting. metric_names: every final
/// metric any trial has, sorted (store::metric_names).
void write_csv_header(std::ostream& out, const std::vector<std::string>& names,
                      const std::vector<std::string>& metric_names);
/// One row under that header.
void write_csv_row(std::ostream& out, const trial& t, const std::vector<std::string>& names,
                   const std::vector<std::string>& metric_names);

}  // namespace caviar
