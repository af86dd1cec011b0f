#include "run/output_guard.hpp"

#include <atomic>
#include <cerrno>
#include <iostream>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace caviar {

namespace {

using std::chrono::steady_clock;

// A partial line waits this long for its newline before it is shown as a line.
constexpr auto partial_line_wait = std::chrono::milliseconds(200);
// A line longer than this is shown in pieces.
constexpr std::size_t max_line = 64 * 1024;

// What restore_for_exit() needs, readable from a signal handler (fds, -1 when none).
std::atomic<int> exit_saved[2] = {-1, -1};  // dups of the real fds 1 and 2
std::atomic<int> exit_read[2] = {-1, -1};   // the pipes' read ends
std::atomic<int> exit_terminal{-1};         // where the progress line is drawn
static_assert(std::atomic<int>::is_always_lock_free);

bool same_terminal(int a, int b) {
    struct stat sa {
    }, sb{};
    if (::isatty(a) == 0 || ::fstat(a, &sa) != 0 || ::fstat(b, &sb) != 0) return false;
    return S_ISCHR(sa.st_mode) && S_ISCHR(sb.st_mode) && sa.st_rdev == sb.st_rdev;
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

void write_all(int fd, const char* p, std::size_t n) noexcept {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

}  // namespace

output_guard::output_guard(std::FILE* terminal) : terminal_(terminal) {
    int terminal_fd = ::fileno(terminal);
    for (int i = 0; i < 2; ++i) {
        channel& c = channels_[i];
        c.fd = i + 1;
        if (terminal_fd < 0 || !same_terminal(c.fd, terminal_fd)) continue;
        int saved = ::fcntl(c.fd, F_DUPFD_CLOEXEC, 3);
        if (saved < 0) continue;
        c.real = ::fdopen(saved, "w");
        if (!c.real) {
            ::close(saved);
            continue;
        }
        if (c.fd == terminal_fd) terminal_ = c.real;
    }
}

output_guard::~output_guard() {
    restore();
    exit_terminal = -1;
    for (auto& c : channels_)
        if (c.real) std::fclose(c.real);
}

void output_guard::start(sink to) {
    if (reader_.joinable()) return;
    int pipes[2][2] = {{-1, -1}, {-1, -1}};
    bool ok = ::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) == 0;
    bool any = false;
    for (int i = 0; i < 2 && ok; ++i) {
        if (!channels_[i].real) continue;
        any = true;
        // Only the read end is non-blocking: a plugin's write must wait, not fail, when the
        // pipe is full.
        ok = ::pipe2(pipes[i], O_CLOEXEC) == 0 &&
             ::fcntl(pipes[i][0], F_SETFL, ::fcntl(pipes[i][0], F_GETFL) | O_NONBLOCK) == 0;
    }
    if (!ok || !any) {
        for (auto& p : pipes) {
            close_fd(p[0]);
            close_fd(p[1]);
        }
        close_fd(wake_[0]);
        close_fd(wake_[1]);
        return;
    }

    sink_ = std::move(to);
    std::fflush(nullptr);
    std::cout.flush();
    // Decided at stdout's first write from isatty(), which says "pipe" from now on: keep the
    // terminal's line buffering so a plugin's printf shows when its line ends.
    if (channels_[0].real) std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
    for (int i = 0; i < 2; ++i) {
        channel& c = channels_[i];
        if (!c.real) continue;
        ::dup2(pipes[i][1], c.fd);
        close_fd(pipes[i][1]);
        c.read_end = pipes[i][0];
        c.open = true;
        exit_read[i] = c.read_end;
        exit_saved[i] = ::fileno(c.real);
    }
    exit_terminal = ::fileno(terminal_);
    reader_ = std::thread([this] { read_loop(); });
}

void output_guard::restore() {
    if (!reader_.joinable()) return;
    std::fflush(nullptr);
    std::cout.flush();
    std::cerr.flush();
    for (int i = 0; i < 2; ++i) {
        channel& c = channels_[i];
        if (!c.real) continue;
        exit_saved[i] = -1;
        // Closes the pipe's write end: whatever was written is in the pipe now.
        ::dup2(::fileno(c.real), c.fd);
    }
    char wake = 0;
    write_all(wake_[1], &wake, 1);
    reader_.join();
    for (int i = 0; i < 2; ++i) {
        exit_read[i] = -1;
        close_fd(channels_[i].read_end);
    }
    close_fd(wake_[0]);
    close_fd(wake_[1]);
}

void output_guard::restore_for_exit() noexcept {
    for (int i = 0; i < 2; ++i)
        if (int saved = exit_saved[i].load(); saved >= 0) ::dup2(saved, i + 1);
    if (int t = exit_terminal.load(); t >= 0) write_all(t, "\r\033[K", 4);
    char buf[4096];
    for (int i = 0; i < 2; ++i) {
        int r = exit_read[i].load();
        if (r < 0) continue;
        for (ssize_t n; (n = ::read(r, buf, sizeof buf)) > 0;)
            write_all(i + 1, buf, static_cast<std::size_t>(n));
    }
}

void output_guard::read_loop() {
    std::vector<pollfd> fds;
    for (;;) {
        fds.assign(1, pollfd{wake_[0], POLLIN, 0});
        int timeout = -1;
        auto now = steady_clock::now();
        for (auto& c : channels_) {
            if (!c.open) continue;
            fds.push_back(pollfd{c.read_end, POLLIN, 0});
            if (!c.pending.empty()) {
                auto left = std::chrono::ceil<std::chrono::milliseconds>(c.pending_since +
                                                                         partial_line_wait - now);
                int ms = static_cast<int>(std::max<std::int64_t>(0, left.count()));
                timeout = timeout < 0 ? ms : std::min(timeout, ms);
            }
        }
        if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) break;
        // stdout first: within a burst, the order of the two streams is not known anyway.
        for (auto& c : channels_)
            if (c.open) drain(c);
        if (fds[0].revents != 0) break;  // restore(): the write ends are closed
        now = steady_clock::now();
        for (auto& c : channels_)
            if (!c.pending.empty() && now - c.pending_since >= partial_line_wait) emit_pending(c);
    }
    // Nothing more can come from this process; a child still holding fd 2 is not waited for.
    for (auto& c : channels_) {
        if (c.open) drain(c);
        emit_pending(c);
    }
}

void output_guard::drain(channel& c) {
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(c.read_end, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) c.open = false;
        if (n <= 0) return;
        bool was_empty = c.pending.empty();
        c.pending.append(buf, static_cast<std::size_t>(n));
        auto end = c.pending.rfind('\n');
        if (end != std::string::npos) {
            emit(c, std::string_view(c.pending).substr(0, end + 1));
            c.pending.erase(0, end + 1);
            c.pending_since = steady_clock::now();
        } else if (was_empty) {
            c.pending_since = steady_clock::now();
        }
        if (c.pending.size() >= max_line) emit_pending(c);
    }
}

void output_guard::emit_pending(channel& c) {
    if (c.pending.empty()) return;
    c.pending += '\n';
    emit(c, c.pending);
    c.pending.clear();
}

void output_guard::emit(channel& c, std::string_view lines) {
    try {
        sink_(c.real, lines);
    } catch (...) {
        // The reader must live on, or plugins would block on a full pipe; show the text raw.
        std::fwrite(lines.data(), 1, lines.size(), c.real);
        std::fflush(c.real);
    }
}

}  // namespace caviar
