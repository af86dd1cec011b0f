// When a plugin kills the process (a segfault, an abort, exit() inside run::step), caviar says on
// stderr which plugin and which trials were running, and leaves a note in the study's folder that
// the next run reads: a trial that was running when the process died twice is failed instead of
// being run first, and killing the process, at every resume.
//
// The fatal-signal handler only does async-signal-safe work (atomics, write(2), open(2)), then
// re-raises the signal with its default action: the exit status stays the signal's (139 for
// SIGSEGV, 134 for SIGABRT in a shell), so scripts and core dumps work as usual.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace caviar::crash_guard {

/// Installs the handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT, and an atexit check
/// for exit() called while trials run. `note` is the file the handler writes (the study's
/// folder/"crash"). Thread: call from the main thread, before the workers start.
void install(const std::string& model_name, const std::filesystem::path& note);
/// Puts back the default handlers; no note is written after this.
void uninstall();

/// Worker `slot` (its OpenMP thread number, below 1024) runs `trial` / runs nothing. Lock-free.
void running(int slot, std::int64_t trial);
void idle(int slot);

/// What the note of a process that died says.
struct death {
    std::string cause;  // "signal 11 (segmentation fault)", "exit() called"
    /// The trial whose thread faulted (or called exit), when the handler could tell.
    std::optional<std::int64_t> culprit;
    std::vector<std::int64_t> trials;  // every trial that was running, the culprit too
};
/// Reads the note left by a process that died, and removes it. nullopt when there is none.
std::optional<death> take_note(const std::filesystem::path& note);

}  // namespace caviar::crash_guard
