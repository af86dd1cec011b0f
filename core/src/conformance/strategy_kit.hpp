// The conformance kit every strategy plugin must pass: studies run through the real coordinator
// (in memory, workers simulated one step at a time so each run is reproducible), with a synthetic
// learning curve, while a simulated person pauses, resumes, updates and prunes trials and changes
// the budget at random steps. Every study must end with the budget honoured, no trial lost or
// run twice, every paused trial resumed or pruned, and events consistent with curves.
#pragma once

#include "conformance/report.hpp"

#include <caviar/strategy.hpp>

#include <cstdint>
#include <functional>
#include <memory>

namespace caviar::conformance {

struct strategy_kit_settings {
    int seeds = 6;           // studies per model variant (full, checkpoints only, neither)
    std::uint64_t seed = 1;  // of the studies' sizes, curves and commands
    bool commands = true;    // send commands from outside (false: the strategy alone)
};

/// Runs the kit on fresh strategies from make() (one per study, as the host builds one per
/// study). A study the strategy refuses in prepare() (std::invalid_argument: e.g. pbt with a
/// model that has no checkpoints) is a note, not a failure.
report check_strategy(const std::function<std::shared_ptr<strategy>()>& make,
                      const strategy_kit_settings& settings = {});

}  // namespace caviar::conformance
