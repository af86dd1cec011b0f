// One trial of the command model: the running program, read line by line for reports.
#pragma once

#include "capped_log.hpp"
#include "child_process.hpp"

#include <caviar/model.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace caviar::command {

struct run_settings {
    std::vector<std::string> metric_names;
    std::int64_t max_steps = 0;                // the reports of a full run (0: until it exits)
    std::chrono::duration<double> grace{5.0};  // SIGTERM -> SIGKILL, and the time to exit
    std::size_t stderr_tail = 20;              // lines of stderr quoted in an error
    std::uint64_t log_limit = 0;    // bytes of stdout.log and of stderr.log kept (0: all)
    std::filesystem::path workdir;  // holds stdout.log and stderr.log
};

/// step() returns the next point the program reports, blocking until it reports or exits.
/// done() looks ahead the same way: it waits for the next report or the program's exit, so a
/// program that reports its last point and then saves its results is let finish; it throws,
/// as step() would, when the program then fails. After the last expected report (max_steps)
/// that wait is bounded: `grace` to exit, then the program is stopped and the run is done.
/// Destroying the run or cancel() stops the program: SIGTERM to its tree, SIGKILL after the
/// grace period, reaped.
class command_run final : public run {
public:
    command_run(const launch_spec& spec, run_settings settings);
    ~command_run() override;

    metrics step() override;
    bool done() const override;
    void cancel() noexcept override;

    pid_t pid() const { return child_->pid(); }

private:
    // Reads output until a report is queued or the program has ended (or, with a deadline,
    // until then); throws once cancelled. Const because done() must look ahead; the reading
    // state is mutable for that alone.
    void wait_for_report(std::optional<std::chrono::steady_clock::time_point> until = {}) const;
    // After the last expected report: up to `grace` for the program to exit, then stops it.
    void wait_for_exit() const;
    void read_output() const;
    void read_errors() const;
    bool outputs_closed() const { return output_closed_ && errors_closed_; }
    void take_line(std::string_view line) const;
    void finish_output() const;
    [[noreturn]] void fail() const;
    void note(const std::string& line) const;  // a line of ours in stdout.log
    std::string stderr_tail() const;

    run_settings settings_;
    std::string program_;  // argv[0], for messages
    std::unique_ptr<child_process> child_;
    std::atomic<bool> cancelled_{false};
    int wake_[2] = {-1, -1};  // cancel() writes a byte to wake a blocked poll

    mutable capped_log log_;     // stdout.log: the program's stdout plus our warnings
    mutable capped_log errors_;  // stderr.log
    mutable std::string partial_;
    mutable std::size_t line_number_ = 0;
    mutable std::deque<metrics> reports_;
    mutable metrics last_;
    mutable bool reported_ = false;
    mutable std::int64_t taken_ = 0;       // reports step() returned
    mutable bool stopped_at_end_ = false;  // we stopped it after its last expected report
    mutable bool output_closed_ = false;
    mutable bool errors_closed_ = false;
    mutable bool exited_ = false;
    mutable std::chrono::steady_clock::time_point drain_deadline_;
    mutable std::optional<exit_status> status_;
};

}  // namespace caviar::command
