// The plain records the store reads and writes besides trials: studies, checkpoints, events and
// commands.
#pragma once

#include <caviar/model.hpp>
#include <caviar/trial.hpp>
#include <caviar/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace caviar {

struct study_record {
    std::int64_t id = 0;
    std::string name;
    std::uint64_t seed = 0;
    std::int64_t budget = 0;  // trial budget ([experiment] trials)
    caviar::objective objective;
    std::uint64_t space_hash = 0;          // space::hash()
    std::string space;                     // space::describe()
    std::string config;                    // effective experiment file text
    std::string sampler, strategy, model;  // plugin names
    double created_at = 0;                 // unix seconds
    // What the model said when the study last ran, so other processes can check commands.
    std::vector<std::string> architecture;
    model_capabilities capabilities;
    std::int64_t max_steps = 0;  // 0 = not known yet
    /// The budget the experiment file (or --trials) gave at the last run; the study's budget
    /// differs when `caviar ctl budget` changed it since.
    std::int64_t file_budget = 0;
    /// The study this one was made from ("" = none), its store when another one ("" = this
    /// store), and how: "retune".
    std::string parent, parent_store, link;
};

/// What a study ran on, once per change: a JSON object (environment.hpp says its fields).
struct environment_record {
    std::int64_t seq = 0;
    double at = 0;  // unix seconds
    std::string fingerprint;
};

/// A run's saved state: the bytes run::save wrote after `step` steps.
struct checkpoint_record {
    std::int64_t step = 0;
    std::string bytes;
};

/// What happened to a trial besides its steps, for lineage and for `caviar trials`.
struct trial_event {
    std::int64_t trial = 0;
    std::int64_t step = 0;  // the trial's steps when it happened
    /// "pause", "resume", "restart" (resumed without a checkpoint: from step 0), "exploit"
    /// (continued from another trial's checkpoint), "update" (params changed), "prune",
    /// "rollback" (interrupted: back to its last checkpoint), "enqueue", "retry" (failed, queued
    /// again by --retry-failed; detail has the error), "died" (the process died while it ran:
    /// detail has the cause, and "beside" when another trial's thread faulted).
    std::string kind;
    /// A JSON object, e.g. {"from": 3, "from_step": 10, "old": {...}, "new": {...}}.
    std::string detail;
    double at = 0;  // unix seconds
    /// Who decided it: "strategy", "manual" (a person, through caviar ctl), "enqueue", "host"
    /// (an interrupt's roll-back).
    std::string source = "strategy";
    std::int64_t seq = 0;  // its place in the study's history (set when read back)
};

/// What happened to a study as a whole (not to one trial): a budget change, a stop, a run with a
/// changed configuration.
struct study_event {
    std::int64_t seq = 0;
    std::string kind;             // "budget", "stop", "config"
    std::string detail;           // a JSON object
    std::string source = "host";  // "manual" (caviar ctl), "host"
    double at = 0;
};

/// What a command asks of a running study.
enum class command_kind { pause, set, resume, prune, stop, budget, enqueue };

const char* to_string(command_kind k);
/// Throws std::invalid_argument on an unknown name.
command_kind command_kind_from_string(std::string_view s);

/// One command in the inbox. Plain data: posted by `caviar ctl` (another process), taken and
/// applied by the process that runs the study.
struct command_record {
    std::int64_t seq = 0;  // set by the store
    command_kind kind = command_kind::stop;
    std::int64_t trial = -1;  // pause, set, resume, prune
    caviar::params params;    // set, resume: the params that change; enqueue: all of them
    std::int64_t amount = 0;  // budget: the new trial budget
    std::string source = "manual";
    /// pending (posted), accepted (taken; waits for the trial's next step), applied, refused (it
    /// broke a rule), dropped (it could not apply: the trial ended first, the study stopped).
    std::string state = "pending";
    std::string result;  // what happened, or why it was refused
    double posted_at = 0, applied_at = 0;
};

}  // namespace caviar
