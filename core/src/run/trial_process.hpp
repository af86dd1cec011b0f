// isolation = "process": each worker thread of caviar hands its trials to a trial process of its
// own (`caviar __worker`, which loads the same experiment and model), and relays the work
// queue's calls both ways over a socket. A plugin that crashes kills only its trial process:
// that trial fails with the cause ("the trial's process died: signal 11 (segmentation fault)"),
// a new process takes the next trial, and the study goes on.
//
// The protocol, in frames (frames.hpp): the trial process says 'H' (ready) once; then caviar
// sends 'A' (an assignment) and the process answers each step with 'R' (step_report), which
// caviar answers with 'D' (one byte: stop requested; then the decision), until 'E' (trial_end),
// 'I' (interrupted) or 'F' (a fatal error). 'Q' or a closed socket ends the process.
#pragma once

#include "run/work_queue.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace caviar {

class trial_process {
public:
    /// argv: the trial process's command (its argv[0] is the program), without the socket's
    /// file descriptor, which is added as "--socket FD".
    explicit trial_process(std::vector<std::string> argv);
    ~trial_process();
    trial_process(const trial_process&) = delete;
    trial_process& operator=(const trial_process&) = delete;

    /// Starts a trial process if none is running and waits until it is ready; the reason it
    /// could not start otherwise (its messages went to stderr).
    std::optional<std::string> start();
    /// Runs a on the trial process, relaying its reports to q and q's decisions back, until it
    /// ends. When the process dies, the trial fails with the cause (and the next start() makes
    /// a new one). Returns the steps the trial made.
    std::int64_t relay(work_queue& q, const assignment& a);

private:
    std::string reap();  // waits for the dead process: "signal 11 (segmentation fault)", ...

    std::vector<std::string> argv_;
    pid_t pid_ = -1;
    int socket_ = -1;
};

/// The trial process's end of the socket: a work_queue whose calls go to caviar. Thread: one
/// worker (the trial process runs one trial at a time).
class socket_queue final : public work_queue {
public:
    /// stop_flag: set asynchronously (the trial process's Ctrl-C handler), read with caviar's
    /// own "stop" from its last decision; the executor's watchdog then cancels the run.
    explicit socket_queue(int fd, const std::atomic<int>* stop_flag = nullptr)
        : fd_(fd), stop_flag_(stop_flag) {}
    std::optional<assignment> next() override;
    decision report(const step_report& r) override;
    void end(const trial_end& e) override;
    void interrupt(std::int64_t trial) override;
    bool stop_requested() const override {
        return stop_.load() || (stop_flag_ && stop_flag_->load() != 0);
    }
    void fail(std::string message) override;

private:
    int fd_;
    const std::atomic<int>* stop_flag_;
    std::atomic<bool> stop_{false};  // written by the worker, read by the watchdog too
};

}  // namespace caviar
