// One external program, started in its own process group with its stdout and stderr on pipes, under
// a keeper process (keeper.hpp) that kills whatever the program leaves behind, also when caviar
// dies; stopped the polite way (SIGTERM to its tree, SIGKILL after a grace period) so no
// process outlives its trial. POSIX fork/exec rather than Boost.Process: the keeper, the
// process group, the signal mask the child must not inherit, the exec error and the pidfd that
// makes exits pollable all need hooks that Boost.Process v1 does not give.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace caviar::command {

/// How to start the program.
struct launch_spec {
    std::filesystem::path program;  // the file to execute (already looked up in PATH)
    std::vector<std::string> argv;  // argv[0] is the name as the user wrote it
    std::vector<std::string> env;   // the whole environment, "NAME=value" each
    std::filesystem::path cwd;
    /// When caviar dies without stopping the program, its keeper sends SIGTERM and this long
    /// after SIGKILL.
    std::chrono::duration<double> grace{5.0};
};

/// How a program ended.
struct exit_status {
    bool signalled = false;
    int code = 0;  // the exit status, or the signal number

    bool success() const { return !signalled && code == 0; }
    /// "exited with status 3", "was killed by signal 11 (Segmentation fault)".
    std::string describe() const;
};

/// The program's "tree" is its process group and every process of it that lost its parent
/// (the keeper inherits those, whatever group they moved to).
/// Thread: one thread drives the process; signal_group() may be called from any thread.
class child_process {
public:
    /// Starts the program; throws std::runtime_error when it cannot be executed.
    explicit child_process(const launch_spec& spec);
    /// Kills what is left (SIGKILL to the tree) and reaps, if stop() or reap() did not.
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const { return pid_; }
    /// The read end of the program's stdout (non-blocking).
    int stdout_fd() const { return out_fd_; }
    /// The read end of its stderr (non-blocking): read through caviar so its log is capped too.
    int stderr_fd() const { return err_fd_; }
    /// Readable once the program has exited and its tree is gone (a pidfd of the keeper), or
    /// -1 where the kernel has none: then poll with a timeout and ask exited().
    int exit_fd() const { return pid_fd_; }

    /// Whether the program has exited and what it left running was killed; does not reap.
    bool exited();
    /// Waits for the program's end (SIGKILL to its tree first, for what may still run) and
    /// reaps it.
    exit_status reap();
    /// SIGTERM to the tree, up to `grace` for the program to exit, then SIGKILL to the tree;
    /// reaps it.
    exit_status stop(std::chrono::duration<double> grace);
    /// Sends sig to the tree unless the program has been reaped. Thread-safe.
    void signal_group(int sig) noexcept;

private:
    exit_status reap_locked();

    std::mutex mutex_;   // the socket closes when the keeper is reaped
    pid_t pid_ = -1;     // the program
    pid_t keeper_ = -1;  // its parent, our child
    int out_fd_ = -1;
    int err_fd_ = -1;
    int pid_fd_ = -1;   // the keeper's
    int control_ = -1;  // our end of the keeper's socket: signals to it, the status from it
    bool reaped_ = false;
    exit_status status_;
};

}  // namespace caviar::command
