// Steering a study from outside, shared by `caviar ctl`, `caviar enqueue` and the control
// service: whether a process runs the study, posting a command to its inbox and waiting until
// that process applies, refuses or drops it, and acting on the store directly when no process
// runs the study.
#pragma once

#include "run/study_lock.hpp"
#include "store/store.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace caviar {

/// The study's run lock when no process holds it (this one holds it then, so no run starts
/// while it acts on the store); nullopt when a `caviar run` runs the study.
std::optional<study_lock> take_if_idle(const std::filesystem::path& store_file,
                                       const study_record& s);

/// Whether the command is over: applied, refused or dropped.
bool ended(const command_record& c);

struct wait_options {
    bool wait = true;    // false: post and return (--no-wait)
    double timeout = 0;  // seconds; 0 = until the command is applied or refused
};

/// Posts c and, unless told not to, waits for its end, printing where it stands on stderr.
/// Returns the command as it ended (applied, refused or dropped), or as it stands after
/// --no-wait or the timeout (pending or accepted).
command_record post_and_wait(store& db, const std::filesystem::path& store_file,
                             const study_record& s, command_record c, const wait_options& w);

/// Applies c (prune, budget or enqueue) to the store of a study no process runs; the caller
/// holds the study's lock and has checked c. Returns what happened; for enqueue, sets c.trial.
std::string apply_to_store(store& db, const study_record& s, command_record& c);

}  // namespace caviar
