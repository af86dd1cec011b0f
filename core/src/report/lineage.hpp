// Lineage of a trial under population-based training: whose weights it carries. Each exploit
// (the store's "exploit" events) made a trial continue from another trial's checkpoint, so the
// model a trial ends with was trained by a chain of trials, one stretch of steps each. Read by
// `caviar lineage` and by the HTML report (the jumps in the learning curves, the best trial's
// chain).
#pragma once

#include "store/store.hpp"

#include <caviar/trial.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace caviar {

/// One "exploit" event, read back: trial `trial` (at step `step`) continued from trial `from`'s
/// checkpoint at step `from_step`, its params going from `old_params` to `new_params`.
struct exploit_record {
    std::int64_t trial = 0;
    std::int64_t step = 0;
    std::int64_t from = 0;
    std::int64_t from_step = 0;
    params old_params, new_params;
    double at = 0;
};

/// The exploit events among `events`, oldest first; events whose detail cannot be read are
/// skipped.
std::vector<exploit_record> exploits(const std::vector<trial_event>& events);

/// One stretch of the chain: trial `trial` trained steps (from_step, to_step] with `params`.
/// `began` is the exploit that started the stretch (from the next stretch's trial); none for the
/// first stretch, where the trial started from scratch.
struct lineage_stretch {
    std::int64_t trial = 0;
    std::int64_t from_step = 0;
    std::int64_t to_step = 0;
    caviar::params params;
    /// The params of the trial it copied from, at the copy (what explore started from).
    caviar::params donor_params;
    std::optional<exploit_record> began;
    /// Params changed during the stretch without a copy ("update" events: a person with caviar
    /// ctl, or a strategy), oldest first.
    struct update {
        std::int64_t step = 0;
        std::string source;  // "manual", "strategy"
        caviar::params before, after;
    };
    std::vector<update> updates;
};

/// The chain of trial `number`, newest stretch first: its own steps since its last exploit, then
/// the donor's steps before that, and so on back to a trial's start. A trial never exploited
/// is one stretch. Throws std::out_of_range when there is no such trial.
std::vector<lineage_stretch> lineage(const std::vector<trial>& trials,
                                     const std::vector<exploit_record>& exploits,
                                     std::int64_t number);

/// Fills each stretch's updates from the study's events: the trial's "update" events within its
/// steps, before the copy that ended the stretch.
void add_updates(std::vector<lineage_stretch>& chain, const std::vector<trial_event>& events);

/// {"trial", "from_step", "to_step", "params", "updates": [{"step", "source", "old", "new"}],
/// "exploit": {"from", "from_step", "step", "old", "new", "donor"}} per stretch (no "exploit"
/// on the first).
nlohmann::json to_json(const std::vector<lineage_stretch>& chain);

/// The params that differ between a and b as "lr 0.1 -> 0.08, units 64 -> 32" (absent: "–").
std::string param_changes(const params& a, const params& b);

/// "lr=0.1, units=64".
std::string param_list(const params& p);

/// When some trials' params changed mid-run (PBT exploits, updates by a strategy or by a person
/// with caviar ctl), what parameter importance means there: it relates each trial's final
/// params to its result. Empty when no trial's params changed.
std::string importance_caveat(const std::vector<trial_event>& events);

}  // namespace caviar
