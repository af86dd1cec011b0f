// What a run's end means for its trial: the objective's value, and whether a run that says it
// completed really did (a missing or non-finite objective fails it). Pure, so every way a run
// can end is tested without running one.
#pragma once

#include <caviar/trial.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace caviar {

struct evaluation {
    trial_state state = trial_state::complete;
    std::optional<double> value;  // the objective's last finite value, if any
    std::string error;
};

/// The trial's state, value and error after a run that ended in `state` (complete, pruned,
/// paused or failed) with `error`, its last metrics `last` after `steps` steps.
evaluation evaluate(const objective& obj, trial_state state, std::string error, const metrics& last,
                    std::int64_t steps);

}  // namespace caviar
