// While the progress line is redrawn in place on a terminal, anything else written to that
// terminal (a plugin's printf or std::cerr, a child process writing to fd 2) would land in the
// middle of it. The guard sends fds 1 and 2 through pipes instead, and a reader thread hands
// each whole line to the progress printer, which shows it above the progress line.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace caviar {

class output_guard {
public:
    /// Shows `lines` (one or more whole lines, each ending in '\n') on `to`, the real stream of
    /// the fd they were written to. [reader thread]
    using sink = std::function<void(std::FILE* to, std::string_view lines)>;

    /// `terminal`: the progress line's stream (usually stderr). Keeps the real fds 1 and 2 where
    /// they are that same terminal (a stdout redirected to a file is left alone); nothing is
    /// redirected until start().
    explicit output_guard(std::FILE* terminal);
    /// Restores, then closes the kept descriptors.
    ~output_guard();
    output_guard(const output_guard&) = delete;
    output_guard& operator=(const output_guard&) = delete;

    /// Where the progress line goes: the real terminal, also while fds 1 and 2 are pipes.
    std::FILE* terminal() const { return terminal_; }

    /// Redirects the kept fds through pipes and starts the reader. A partial line is held until
    /// its newline, for at most 200 ms. Without pipes (out of descriptors) nothing is guarded.
    /// One guard at a time per process. [main thread]
    void start(sink to);

    /// Flushes stdio, puts fds 1 and 2 back and hands every line still in the pipes to the
    /// sink, a partial last line included. Idempotent. [main thread]
    void restore();

    /// For a process about to _exit from a signal handler (the second Ctrl-C): puts fds 1 and 2
    /// back, clears the progress line and copies what is left in the pipes. Async-signal-safe;
    /// does nothing when no guard is started.
    static void restore_for_exit() noexcept;

private:
    // One guarded fd: 1 or 2.
    struct channel {
        int fd = -1;
        std::FILE* real = nullptr;  // on a dup of the real fd
        int read_end = -1;          // non-blocking
        bool open = false;          // no end of file yet
        std::string pending;        // a partial line
        std::chrono::steady_clock::time_point pending_since;
    };

    void read_loop();
    // Reads what is there now; hands on whole lines.
    void drain(channel& c);
    void emit(channel& c, std::string_view lines);
    void emit_pending(channel& c);

    channel channels_[2];
    std::FILE* terminal_;
    int wake_[2] = {-1, -1};
    sink sink_;
    std::thread reader_;
};

}  // namespace caviar
