// One `caviar run`: open (or resume) the study in its store, run trials until the budget is
// spent, a stop is requested or the study fails, and hand back what happened.
#pragma once

#include "run/study_setup.hpp"
#include "store/store.hpp"

#include <atomic>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar {

/// The experiment does not match the study already in the store (changed space or seed).
class study_mismatch : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct run_options {
    /// Progress goes here (nullptr: none).
    std::FILE* progress = stderr;
    /// Redraw progress in place (a terminal) rather than printing lines.
    bool interactive = false;
    /// Set asynchronously (e.g. by a signal handler) to ask for a clean stop.
    const std::atomic<int>* stop_flag = nullptr;
    /// The live page: "ADDRESS:PORT" to serve it on (empty: none), whether a non-loopback
    /// address is meant, and whether it stays up after the study ends (until the stop flag).
    std::string serve;
    bool serve_public = false;
    bool serve_linger = false;
    /// Resume a study whose plugins' options or objective changed (recorded with it), instead
    /// of refusing.
    bool allow_config_change = false;
    /// Run the study's failed trials again, each with its number, params and seed (the cause
    /// was fixed); they count towards the budget as before.
    bool retry_failed = false;
    /// Finished trials of another study for the sampler to learn from, instead of the ones
    /// [sampler] warm_start names (caviar retune hands over the old study's).
    std::optional<std::vector<trial>> prior;
};

struct run_result {
    study_record study;
    std::vector<trial> trials;         // every trial, in number order
    std::int64_t finished_before = 0;  // finished in earlier runs (resume)
    std::int64_t requeued = 0;         // unfinished trials of earlier runs run again
    std::int64_t rolled_back = 0;      // ... or paused again at their checkpoints
    std::int64_t enqueued = 0;         // [[enqueue]] configurations added as queued trials
    std::int64_t retried = 0;          // failed trials queued again (--retry-failed)
    std::int64_t ran = 0;              // trials that finished in this run
    int workers = 0;
    double seconds = 0;
    std::int64_t steps = 0;  // steps trained in this run, over all trials
    double busy_share = 0;   // the workers' time spent in trials rather than idle, 0..1
    bool interrupted = false;
    bool stopped_by_command = false;   // the stop was caviar ctl stop, not a signal
    bool out_of_time = false;          // the time budget ended the study before its trial budget
    std::optional<std::string> error;  // the study failed (exit 1)
};

/// The record of a new study of this experiment, as run_study creates it (not yet stored).
study_record new_study_record(const study_setup& s);

/// Throws study_mismatch, store_error.
run_result run_study(study_setup& setup, const run_options& opts);

}  // namespace caviar
