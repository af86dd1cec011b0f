// The drift report of a retune: how the best configurations of an old study fare in today's
// environment. Computed by `caviar retune` from the new study's re-evaluation trials, kept with
// the new study (a "retune" study event), and printed by retune, `caviar show` and the report.
//
// One JSON object, the same that `caviar retune --json` prints:
//   {"study", "from": {"study", "store"}, "objective": {"metric", "direction"},
//    "top", "repeats",
//    "configurations": [{"old_trial", "params", "old_value", "old_rank", "trials", "values",
//                        "mean", "ci": [low, high], "new_rank"}],      (in old rank order)
//    "skipped": [{"old_trial", "reason"}],
//    "kendall_tau",                          (null with fewer than 2 configurations)
//    "old_best": {"old_trial", "old_value", "mean", "ci", "still_best", "best_now",
//                 "compared_with", "difference", "difference_ci", "p_value", "pairs",
//                 "moved"},       (moved: how much better today than then, < 0 worse)
//    "search": {"trials", "best": {"trial", "value", "params"} | null,
//               "confirmed": {"trial", "trials", "values", "mean", "ci"} | null} | null,
//    "changes": ["data: …", "model.shift: 0 → 1.5"],
//    "best_today": {"value", "from": "old best" | "re-evaluation" | "search" |
//                   "confirmed search"} | null,
//    "tolerance", "tolerance_rule", "gap", "drifted", "verdict"}
// Drift is decided on today's values only: today's best (a re-evaluated configuration or the new
// search) against the old best's mean today, beyond the tolerance. The old value was the best of
// many noisy draws, so the old best's loss against it is reported, not judged.
// The seeds pair up: repeat r of every configuration runs with the same seed, so the old best
// and today's best are compared by a paired t-test over the repeats.
#pragma once

#include <caviar/trial.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace caviar::drift {

/// One old configuration to re-evaluate.
struct configuration {
    std::int64_t old_trial = 0;
    params p;
    double old_value = 0;
};

/// --tolerance: absolute ("0.01"), relative to the old best's value today ("5%"), or, when not
/// given, the half-width of the old best's 95% interval today.
struct tolerance {
    std::optional<double> absolute;
    std::optional<double> percent;
    /// Reads "0.01" or "5%"; throws std::invalid_argument with the rule.
    static tolerance parse(const std::string& text);
};

struct inputs {
    std::string study, from_study, from_store;
    caviar::objective objective;
    std::int64_t top = 0, repeats = 0;
    std::vector<configuration> configurations;  // in old rank order
    std::vector<std::pair<std::int64_t, std::string>> skipped;
    /// Every trial of the new study: re-evaluations have attrs retune_of (the old trial) and
    /// repeat; the others are the new search.
    std::vector<trial> trials;
    std::vector<std::string> changes;
    tolerance tol;
};

/// The report (the JSON object above).
nlohmann::json report(const inputs& in);

/// The report as text for the terminal: the table, τ, the comparison, the changes, the verdict;
/// or only the new search's result and the verdict.
std::string text(const nlohmann::json& report, bool verdict_only = false);

/// The attributes marking a re-evaluation trial.
inline constexpr const char* retune_of_attr = "retune_of";
inline constexpr const char* repeat_attr = "repeat";
/// The attribute marking a confirmation: the new search's best (trial T) run again.
inline constexpr const char* confirms_attr = "confirms";

}  // namespace caviar::drift
