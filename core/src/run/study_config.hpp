// What the coordinator knows of a study besides its trials: set once when the study opens
// (the budget may change while it runs, by a command).
#pragma once

#include <caviar/model.hpp>
#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace caviar {

struct study_config {
    std::int64_t study_id = 0;
    std::string name;
    std::uint64_t seed = 0;
    std::int64_t budget = 0;
    std::int64_t max_steps = 1;
    caviar::objective objective;
    caviar::space space;
    std::string sampler_name;
    std::string model_name;
    /// Stop handing out work after this many finished trials when all of them failed.
    std::int64_t fail_fast_after = 10;
    /// Seconds after which no new trial starts (0 = no limit); counted from construction.
    double time_budget = 0;
    /// Finished trials of another study, for samplers that warm-start (sample_request::prior).
    std::vector<trial> prior;
    model_capabilities capabilities;
    std::vector<std::string> architecture;
    /// Unix seconds when this process took the study: commands posted before it were meant for
    /// a process that is gone.
    double opened_at = 0;
    /// What the process that last died while it ran the study wrote (crash_guard's note): the
    /// cause and the trials that were running. Empty when it left none (kill -9, power loss).
    std::string last_death_cause = {};
    std::vector<std::int64_t> last_death_trials = {};
    /// Of those, the one whose thread faulted; the others only ran beside it. -1: not known.
    std::int64_t last_death_culprit = -1;
    /// A trial that was running when the process died this many times is failed, not run again.
    int deaths_before_failing = 2;
};

}  // namespace caviar
