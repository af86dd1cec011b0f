// The executor: an OpenMP team of workers, each asking the coordinator for a trial, stepping
// the model's run outside the lock, and reporting back after every step.
#pragma once

#include "run/coordinator.hpp"

#include <caviar/model.hpp>

#include <string>

namespace caviar {

/// Runs trials until the coordinator says the study is over or a stop is requested.
/// threads 0 = all cores. Exceptions from the model fail that trial only (state failed, message
/// kept, prefixed with model_name); nothing escapes a worker.
void execute(coordinator& coord, const model& m, const std::string& model_name, int threads);

/// The number of workers `threads` means (0 = all cores).
int worker_count(int threads);

}  // namespace caviar
