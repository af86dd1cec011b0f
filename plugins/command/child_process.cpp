#include "child_process.hpp"

#include "keeper.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace caviar::command {

namespace {

std::string error_text(int err) {
    char buf[256];
    // The GNU strerror_r returns the message (maybe not in buf); thread-safe either way.
    return ::strerror_r(err, buf, sizeof buf);
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// A pipe whose ends close on exec, so a program started by another thread never inherits it
// (an inherited write end would keep our stdout from ever reaching end of file).
void make_pipe(int fds[2]) {
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error("cannot create a pipe: " + error_text(errno));
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    long fd = ::syscall(SYS_pidfd_open, pid, 0);  // close-on-exec by definition
    if (fd >= 0) return static_cast<int>(fd);
#endif
    (void)pid;
    return -1;
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
    std::vector<char*> out;
    out.reserve(v.size() + 1);
    for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

}  // namespace

std::string exit_status::describe() const {
    if (!signalled) return "exited with status " + std::to_string(code);
    const char* what = ::sigdescr_np(code);
    return "was killed by signal " + std::to_string(code) +
           (what ? " (" + std::string(what) + ")" : std::string());
}

child_process::child_process(const launch_spec& spec) {
    // Everything the keeper and the program need is prepared before fork: they may not
    // allocate.
    auto argv = c_strings(spec.argv);
    auto envp = c_strings(spec.env);
    std::string program = spec.program.string(), cwd = spec.cwd.string();

    int stdio[3] = {-1, -1, -1};
    int out[2] = {-1, -1}, err[2] = {-1, -1}, start[2] = {-1, -1}, control[2] = {-1, -1};
    auto close_all = [&] {
        for (int* fd : {&stdio[0], &out[0], &out[1], &err[0], &err[1], &start[0], &start[1],
                        &control[0], &control[1]})
            close_fd(*fd);
    };
    try {
        stdio[0] = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (stdio[0] < 0) throw std::runtime_error("cannot open /dev/null: " + error_text(errno));
        make_pipe(out);
        make_pipe(err);
        make_pipe(start);
        // Close-on-exec too: only caviar and the keeper may hold it, or the keeper would not
        // see caviar die.
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, control) != 0)
            throw std::runtime_error("cannot create a socket: " + error_text(errno));
    } catch (...) {
        close_all();
        throw;
    }
    stdio[1] = out[1];
    stdio[2] = err[1];

    const double grace_ms = std::clamp(spec.grace.count() * 1000.0, 0.0, 1e9);
    const keeper::plan plan{.program = program.c_str(),
                            .argv = argv.data(),
                            .envp = envp.data(),
                            .cwd = cwd.c_str(),
                            .stdio = {stdio[0], stdio[1], stdio[2]},
                            .start_fd = start[1],
                            .control_fd = control[1],
                            .grace_ms = static_cast<int>(grace_ms)};
    keeper_ = ::fork();
    if (keeper_ == 0) keeper::run(plan);
    int fork_error = errno;
    close_fd(stdio[0]);
    close_fd(out[1]);
    close_fd(err[1]);
    close_fd(start[1]);
    close_fd(control[1]);
    if (keeper_ < 0) {
        close_all();
        throw std::runtime_error("cannot start a process: " + error_text(fork_error));
    }
    control_ = control[0];
    control[0] = -1;

    // The start pipe reaches end of file once the keeper has forked the program and the
    // program has exec'd (close-on-exec) or failed to: after that it runs in its own group.
    keeper::start_message failure{};
    bool failed = false;
    std::size_t have = 0;
    char buf[sizeof(keeper::start_message) * 4];
    for (;;) {
        ssize_t n = ::read(start[0], buf + have, sizeof buf - have);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        have += static_cast<std::size_t>(n);
        while (have >= sizeof(keeper::start_message)) {
            keeper::start_message m;
            std::memcpy(&m, buf, sizeof m);
            std::memmove(buf, buf + sizeof m, have - sizeof m);
            have -= sizeof m;
            if (m.what == keeper::start_message::started) {
                pid_ = m.value;
            } else if (!failed) {
                failure = m;
                failed = true;
            }
        }
    }
    close_fd(start[0]);
    if (failed || pid_ <= 0) {
        reap_locked();  // the keeper ends on its own once the program has
        close_fd(out[0]);
        close_fd(err[0]);
        auto why = [&](const std::string& what) { return what + ": " + error_text(failure.value); };
        throw std::runtime_error(!failed ? "cannot start a process: its keeper ended early"
                                 : failure.what == keeper::start_message::fork_failed
                                     ? why("cannot start a process")
                                 : failure.what == keeper::start_message::chdir_failed
                                     ? why("cannot enter the folder " + cwd)
                                     : why("cannot execute " + program));
    }
    out_fd_ = out[0];
    err_fd_ = err[0];
    for (int fd : {out_fd_, err_fd_}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    pid_fd_ = open_pidfd(keeper_);
}

child_process::~child_process() {
    {
        std::lock_guard lock(mutex_);
        if (!reaped_) reap_locked();
    }
    close_fd(out_fd_);
    close_fd(err_fd_);
    close_fd(pid_fd_);
}

bool child_process::exited() {
    std::lock_guard lock(mutex_);
    if (reaped_) return true;
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(keeper_), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
        return errno == ECHILD;  // reaped behind our back (SIGCHLD ignored): gone all the same
    return info.si_pid == keeper_;
}

exit_status child_process::reap() {
    std::lock_guard lock(mutex_);
    return reap_locked();
}

exit_status child_process::reap_locked() {
    if (reaped_) return status_;
    // Anything of the tree still running (the program after its grace) dies now; the keeper
    // then reaps it all, sends the program's status and exits.
    char kill = SIGKILL;
    [[maybe_unused]] auto sent = ::send(control_, &kill, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    int keeper_status = 0;
    pid_t r;
    while ((r = ::waitpid(keeper_, &keeper_status, 0)) < 0 && errno == EINTR) {
    }
    int status = 0;
    ssize_t got;
    while ((got = ::recv(control_, &status, sizeof status, MSG_DONTWAIT)) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    close_fd(control_);
    close_fd(pid_fd_);
    if (got != static_cast<ssize_t>(sizeof status))
        status_ = {.signalled = true, .code = SIGKILL};  // status lost (the keeper was killed)
    else if (WIFSIGNALED(status))
        status_ = {.signalled = true, .code = WTERMSIG(status)};
    else
        status_ = {.signalled = false, .code = WEXITSTATUS(status)};
    return status_;
}

exit_status child_process::stop(std::chrono::duration<double> grace) {
    signal_group(SIGTERM);
    signal_group(SIGCONT);  // a stopped program must run to act on SIGTERM
    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + std::chrono::duration_cast<clock::duration>(grace);
    while (!exited()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) break;
        int wait_ms = static_cast<int>(std::min<long long>(left.count(), 50));
        if (pid_fd_ >= 0) {
            pollfd p{.fd = pid_fd_, .events = POLLIN, .revents = 0};
            ::poll(&p, 1, wait_ms);
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
        }
    }
    return reap();
}

void child_process::signal_group(int sig) noexcept {
    try {
        std::lock_guard lock(mutex_);
        // The keeper signals the tree: it alone knows whether the program's pid is still its.
        char byte = static_cast<char>(sig);
        if (!reaped_) {
            [[maybe_unused]] auto sent = ::send(control_, &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        }
    } catch (...) {
        // A mutex that cannot lock leaves the signal to the destructor's SIGKILL.
    }
}

}  // namespace caviar::command
