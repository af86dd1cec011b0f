#include "command_run.hpp"

#include "report_line.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace caviar::command {

namespace {

using clock = std::chrono::steady_clock;

// After the program exits, how long its output may stay open (a straggler holding the pipe)
// before we stop reading it.
constexpr auto drain_time = std::chrono::seconds(2);
// A "line" longer than this is cut and taken as is, so a program cannot exhaust our memory.
constexpr std::size_t max_line = std::size_t{1} << 20;

std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g s", s);
    return buf;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

}  // namespace

command_run::command_run(const launch_spec& spec, run_settings settings)
    : settings_(std::move(settings)),
      program_(spec.argv.empty() ? spec.program.string() : spec.argv[0]),
      log_(settings_.workdir / "stdout.log", settings_.log_limit),
      errors_(settings_.workdir / "stderr.log", settings_.log_limit) {
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
        throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
    try {
        child_ = std::make_unique<child_process>(spec);
    } catch (...) {
        ::close(wake_[0]);
        ::close(wake_[1]);
        throw;
    }
}

command_run::~command_run() {
    if (!status_) {
        if (!child_->exited())
            note("caviar: stopping the program (pid " + std::to_string(child_->pid()) +
                 "): its trial ended before it did");
        child_->stop(settings_.grace);
    }
    ::close(wake_[0]);
    ::close(wake_[1]);
}

metrics command_run::step() {
    if (stopped_at_end_) return last_;
    wait_for_report();
    if (!reports_.empty()) {
        last_ = std::move(reports_.front());
        reports_.pop_front();
        ++taken_;
        return last_;
    }
    if (!status_->success() || !reported_) fail();
    return last_;  // exited cleanly with nothing new: its last report is the result
}

bool command_run::done() const {
    if (settings_.max_steps > 0 && taken_ >= settings_.max_steps) {
        wait_for_exit();
        return true;
    }
    wait_for_report();
    if (!reports_.empty()) return false;
    if (!status_->success() || !reported_) fail();
    return true;
}

void command_run::wait_for_exit() const {
    const auto until = clock::now() + std::chrono::duration_cast<clock::duration>(settings_.grace);
    while (!status_) {
        reports_.clear();  // reports beyond max_steps are not the trial's
        wait_for_report(until);
        if (clock::now() >= until) break;
    }
    if (!status_ && exited_) {  // it exited in time, its last output still to read
        read_output();
        finish_output();
        status_ = child_->reap();
    }
    if (!status_) {
        // It had its chance to save its results; a trial is not held for a program that never
        // ends (a server it started, a loop after training).
        note("caviar: stopping the program (pid " + std::to_string(child_->pid()) +
             "): it was still running " + seconds(settings_.grace.count()) +
             " after its last expected report (max_steps = " + std::to_string(settings_.max_steps) +
             ")");
        status_ = child_->stop(settings_.grace);
        stopped_at_end_ = true;
        read_output();  // the tree is gone: whatever is left, then the end
        finish_output();
        return;
    }
    if (stopped_at_end_) return;
    if (!status_->success() || !reported_) fail();
}

void command_run::cancel() noexcept {
    cancelled_ = true;
    child_->signal_group(SIGTERM);
    char wake = 1;
    [[maybe_unused]] auto n = ::write(wake_[1], &wake, 1);
}

void command_run::wait_for_report(std::optional<clock::time_point> until) const {
    for (;;) {
        if (cancelled_) {
            if (!status_) status_ = child_->stop(settings_.grace);
            throw std::runtime_error("cancelled: " + program_ + " " + status_->describe());
        }
        if (!reports_.empty() || status_) return;
        if (exited_ && outputs_closed()) {
            finish_output();
            status_ = child_->reap();
            continue;
        }

        pollfd fds[4];
        nfds_t n = 0;
        int out = -1, err = -1, exit = -1;
        fds[n++] = {.fd = wake_[0], .events = POLLIN, .revents = 0};
        if (!output_closed_) {
            out = static_cast<int>(n);
            fds[n++] = {.fd = child_->stdout_fd(), .events = POLLIN, .revents = 0};
        }
        if (!errors_closed_) {
            err = static_cast<int>(n);
            fds[n++] = {.fd = child_->stderr_fd(), .events = POLLIN, .revents = 0};
        }
        if (!exited_ && child_->exit_fd() >= 0) {
            exit = static_cast<int>(n);
            fds[n++] = {.fd = child_->exit_fd(), .events = POLLIN, .revents = 0};
        }
        int timeout = -1;
        if (exited_) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(drain_deadline_ -
                                                                              clock::now());
            timeout = static_cast<int>(std::max<long long>(left.count(), 0));
        } else if (exit < 0) {
            timeout = 50;  // no pidfd: look for the exit now and then
        }
        if (until) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(*until - clock::now());
            int ms = static_cast<int>(std::max<long long>(left.count(), 0) + 1);
            timeout = timeout < 0 ? ms : std::min(timeout, ms);
        }
        if (::poll(fds, n, timeout) < 0 && errno != EINTR)
            throw std::runtime_error(std::string("poll: ") + std::strerror(errno));

        if (out >= 0 && fds[out].revents != 0) read_output();
        if (err >= 0 && fds[err].revents != 0) read_errors();
        if (!exited_ && child_->exited()) {
            exited_ = true;
            // Its keeper has killed what it left running (background children would hold the
            // output open forever), so the output ends soon.
            drain_deadline_ = clock::now() + drain_time;
        }
        if (exited_ && !outputs_closed() && clock::now() >= drain_deadline_) {
            note("caviar: warning: the program's output was still open " +
                 std::to_string(drain_time.count()) + " s after it exited; stopped reading it");
            output_closed_ = errors_closed_ = true;
        }
        if (until && clock::now() >= *until && reports_.empty()) return;
    }
}

void command_run::read_output() const {
    read_errors();  // first, so a failure message quotes what the program said before it ended
    if (output_closed_) return;
    char buf[1 << 16];
    for (;;) {
        ssize_t got = ::read(child_->stdout_fd(), buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;  // EAGAIN: all read for now
        if (got == 0) {
            output_closed_ = true;
            break;
        }
        partial_.append(buf, static_cast<std::size_t>(got));
        std::size_t begin = 0, end;
        while ((end = partial_.find('\n', begin)) != std::string::npos) {
            take_line(std::string_view(partial_).substr(begin, end - begin));
            begin = end + 1;
        }
        partial_.erase(0, begin);
        if (partial_.size() > max_line) {
            take_line(partial_);
            partial_.clear();
        }
    }
    log_.flush();
}

void command_run::read_errors() const {
    if (errors_closed_) return;
    char buf[1 << 16];
    for (;;) {
        ssize_t got = ::read(child_->stderr_fd(), buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;
        if (got == 0) {
            errors_closed_ = true;
            break;
        }
        errors_.write(std::string_view(buf, static_cast<std::size_t>(got)));
        errors_.flush();  // as it goes, so `tail -f stderr.log` works
    }
}

void command_run::take_line(std::string_view line) const {
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    log_.write(line);
    log_.write("\n");
    report_line r = read_report_line(line, settings_.metric_names);
    switch (r.what) {
        case report_line::kind::report:
            reports_.push_back(std::move(r.values));
            reported_ = true;
            break;
        case report_line::kind::malformed:
            note("caviar: warning: line " + std::to_string(line_number_) +
                 " ignored: " + r.problem);
            break;
        case report_line::kind::text:
            break;
    }
}

void command_run::finish_output() const {
    if (!partial_.empty()) take_line(partial_);  // a last line without its newline
    partial_.clear();
    log_.flush();
    errors_.flush();
}

void command_run::note(const std::string& line) const {
    log_.write(line);
    log_.write("\n");
}

void command_run::fail() const {
    std::string msg;
    if (status_->success())
        msg = program_ + " exited with status 0 without reporting any of its metrics (" +
              joined(settings_.metric_names) +
              ") on stdout: print lines like `name=value` or JSON objects (see " +
              (settings_.workdir / "stdout.log").string() + ")";
    else
        msg =
            program_ + " " + status_->describe() + (reported_ ? "" : " before reporting a metric");
    if (auto tail = stderr_tail(); !tail.empty()) msg += "; its stderr ends with:\n" + tail;
    throw std::runtime_error(msg);
}

std::string command_run::stderr_tail() const {
    if (settings_.stderr_tail == 0) return {};
    std::ifstream in(settings_.workdir / "stderr.log", std::ios::binary);
    if (!in) return {};
    // The last 64 KiB hold the last lines of any sane program.
    in.seekg(0, std::ios::end);
    auto size = static_cast<std::streamoff>(in.tellg());
    std::streamoff from = std::max<std::streamoff>(0, size - (std::streamoff{1} << 16));
    in.seekg(from);
    std::string text(static_cast<std::size_t>(size - from), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    std::vector<std::string_view> lines;
    std::string_view rest(text);
    if (from > 0) rest.remove_prefix(std::min(rest.size(), rest.find('\n') + 1));  // cut line
    while (!rest.empty()) {
        auto nl = rest.find('\n');
        lines.push_back(rest.substr(0, nl));
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    }
    std::string out;
    auto first = lines.size() > settings_.stderr_tail ? lines.size() - settings_.stderr_tail : 0;
    for (auto i = first; i < lines.size(); ++i)
        out += (i > first ? "\n" : "") + std::string(lines[i]);
    return out;
}

}  // namespace caviar::command
