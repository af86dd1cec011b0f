// Runs a program on a pseudo-terminal (forkpty), as a user at a terminal would: isatty() holds
// for its stdin, stdout and stderr. Reads back the bytes it wrote there, and the lines a
// terminal would show for them.
#pragma once

#include "process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

namespace caviar::test {

/// The lines a terminal shows for `raw`: '\r' goes to column 0, '\n' down a line, '\b' back a
/// column, "\033[K" erases to the end of the line; other escape sequences show nothing. No
/// wrapping (the lines are as long as written) and no trailing blanks.
inline std::vector<std::string> screen_lines(const std::string& raw) {
    std::vector<std::string> rows(1);
    std::size_t row = 0, col = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\r') {
            col = 0;
        } else if (c == '\n') {
            if (++row == rows.size()) rows.emplace_back();
        } else if (c == '\b') {
            if (col > 0) --col;
        } else if (c == '\033') {
            // CSI: ESC [ parameters, then a final byte in @..~.
            if (i + 1 < raw.size() && raw[i + 1] == '[') {
                std::size_t j = i + 2;
                while (j < raw.size() && !(raw[j] >= '@' && raw[j] <= '~')) ++j;
                if (j < raw.size() && raw[j] == 'K' && j == i + 2 && rows[row].size() > col)
                    rows[row].resize(col);
                i = j;
            }
        } else {
            std::string& r = rows[row];
            if (r.size() < col) r.resize(col, ' ');
            if (col < r.size())
                r[col] = c;
            else
                r += c;
            ++col;
        }
    }
    for (auto& r : rows) r.erase(r.find_last_not_of(' ') + 1);
    return rows;
}

class terminal_process {
public:
    /// stdout_file: when not empty, stdout goes to this file and only stderr (and stdin) to
    /// the terminal.
    /// columns: the terminal's width.
    terminal_process(const std::vector<std::string>& argv,
                     const std::map<std::string, std::string>& env = {},
                     const std::string& stdout_file = "", unsigned short columns = 250) {
        winsize size{};
        size.ws_row = 50;
        size.ws_col = columns;
        pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
        if (pid_ == 0) {
            if (!stdout_file.empty()) {
                int out = ::open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
                ::dup2(out, 1);
                ::close(out);
            }
            exec_child(argv, env);
        }
    }
    ~terminal_process() {
        if (pid_ > 0 && !waited_) {
            ::kill(pid_, SIGKILL);
            wait();
        }
        if (master_ >= 0) ::close(master_);
    }
    terminal_process(const terminal_process&) = delete;
    terminal_process& operator=(const terminal_process&) = delete;

    bool started() const { return pid_ > 0 && master_ >= 0; }

    /// Reads until `done(raw output so far)` holds, the terminal closes or the time is up.
    bool read_until(const std::function<bool(const std::string&)>& done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
        auto until = std::chrono::steady_clock::now() + timeout;
        while (!done(raw_)) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now());
            if (closed_ || left.count() <= 0) return false;
            pollfd p{master_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buf[4096];
            ssize_t n = ::read(master_, buf, sizeof buf);
            if (n > 0)
                raw_.append(buf, static_cast<std::size_t>(n));
            else if (n == 0 || errno != EINTR)
                closed_ = true;  // EIO: every copy of the terminal's slave side is closed
        }
        return true;
    }

    void signal(int sig) { ::kill(pid_, sig); }

    /// Reads to the end (at most two minutes, then kills), reaps, and returns the exit code
    /// (128 + N when killed by signal N).
    int wait() {
        read_until([](const std::string&) { return false; }, std::chrono::minutes(2));
        if (!closed_) ::kill(pid_, SIGKILL);
        waited_ = true;
        return reap(pid_);
    }

    /// What the program wrote to the terminal (its "\n" arrive as "\r\n").
    const std::string& raw() const { return raw_; }

private:
    pid_t pid_ = -1;
    int master_ = -1;
    bool closed_ = false;
    bool waited_ = false;
    std::string raw_;
};

}  // namespace caviar::test
