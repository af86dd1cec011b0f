// The executor: an OpenMP team of workers, each asking the work queue for a trial, stepping the
// model's run (outside any lock), and reporting back after every step.
#pragma once

#include "run/work_queue.hpp"

#include <caviar/model.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace caviar {

/// Where trials run: the names and folders handed to model::start in a run_context.
struct execution_context {
    std::string model_name;  // prefixes the messages of failed trials
    std::string study;
    std::filesystem::path files;  // trial N's workdir is files / "trial-N"
    int threads = 0;              // 0 = all cores
    /// Seconds a trial may run (0 = no limit). An overdue run is cancelled (run::cancel) and
    /// stopped at its next step boundary at the latest; the trial fails with reason "timeout",
    /// with the steps it completed. When the study stops, every run is cancelled the same way
    /// and its trial interrupted.
    double trial_timeout = 0;
    /// isolation = "process": the command of a trial process (trial_process.hpp), one per
    /// worker; empty: trials run on the worker threads themselves.
    std::vector<std::string> trial_process;
};

/// What the workers did, for the summary and the benchmarks.
struct execution_stats {
    double busy_seconds = 0;  // summed over workers: time spent inside trials
    std::int64_t steps = 0;   // run::step() calls
};

/// Runs trials until the queue says the study is over or a stop is requested.
/// Exceptions from the model fail that trial only (state failed, message kept, prefixed with the
/// model's name); nothing escapes a worker.
execution_stats execute(work_queue& queue, const model& m, const execution_context& ctx);

/// The number of workers `threads` means (0 = all cores).
int worker_count(int threads);

}  // namespace caviar
