#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
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

// In the child, between fork and exec: async-signal-safe calls only (the parent has threads).
// On failure it writes {stage, errno} to report_fd, which exec would otherwise close.
[[noreturn]] void exec_child(const char* program, char* const* argv, char* const* envp,
                             const char* cwd, const int (&stdio)[3], int report_fd, pid_t host) {
    ::setpgid(0, 0);
    // If the host dies without stopping it (kill -9, a second Ctrl-C), the program gets
    // SIGTERM instead of running on as an orphan. The check closes the race with a host that
    // died before the prctl.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != host) ::_exit(127);
    // The host may block or ignore signals in its threads; a program must start with neither,
    // or SIGTERM would not reach it.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGCHLD})
        ::sigaction(s, &dfl, nullptr);
    for (int i = 0; i < 3; ++i) {
        if (stdio[i] == i)
            ::fcntl(i, F_SETFD, 0);
        else
            ::dup2(stdio[i], i);
    }
#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
    // Descriptors the host opened without close-on-exec (its store, ...) stay out of the program.
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
    int failure[2] = {0, 0};
    if (::chdir(cwd) != 0) {
        failure[0] = 1;
    } else {
        ::execve(program, argv, envp);
        failure[0] = 2;
    }
    failure[1] = errno;
    [[maybe_unused]] auto n = ::write(report_fd, failure, sizeof failure);
    ::_exit(127);
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
    // Everything the child needs is prepared before fork: it may not allocate.
    auto argv = c_strings(spec.argv);
    auto envp = c_strings(spec.env);
    std::string program = spec.program.string(), cwd = spec.cwd.string();

    int stdio[3] = {-1, -1, -1};
    int out[2] = {-1, -1}, report[2] = {-1, -1};
    auto close_all = [&] {
        close_fd(stdio[0]);
        close_fd(stdio[2]);
        close_fd(out[0]);
        close_fd(out[1]);
        close_fd(report[0]);
        close_fd(report[1]);
    };
    try {
        stdio[0] = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (stdio[0] < 0) throw std::runtime_error("cannot open /dev/null: " + error_text(errno));
        stdio[2] = ::open(spec.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (stdio[2] < 0)
            throw std::runtime_error("cannot create " + spec.stderr_file.string() + ": " +
                                     error_text(errno));
        make_pipe(out);
        make_pipe(report);
    } catch (...) {
        close_all();
        throw;
    }
    stdio[1] = out[1];

    const pid_t host = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0)
        exec_child(program.c_str(), argv.data(), envp.data(), cwd.c_str(), stdio, report[1], host);
    int fork_error = errno;
    close_fd(stdio[0]);
    close_fd(stdio[2]);
    close_fd(out[1]);
    close_fd(report[1]);
    if (pid_ < 0) {
        close_all();
        throw std::runtime_error("cannot start a process: " + error_text(fork_error));
    }

    // The report pipe reaches end of file when exec succeeds (close-on-exec), so after this
    // read the program runs in its own group and may be signalled.
    int failure[2] = {0, 0};
    ssize_t n;
    while ((n = ::read(report[0], failure, sizeof failure)) < 0 && errno == EINTR) {
    }
    close_fd(report[0]);
    if (n == static_cast<ssize_t>(sizeof failure)) {
        int status;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        reaped_ = true;
        close_fd(out[0]);
        throw std::runtime_error(
            (failure[0] == 1 ? "cannot enter the folder " + cwd : "cannot execute " + program) +
            ": " + error_text(failure[1]));
    }
    out_fd_ = out[0];
    ::fcntl(out_fd_, F_SETFL, ::fcntl(out_fd_, F_GETFL) | O_NONBLOCK);
    pid_fd_ = open_pidfd(pid_);
}

child_process::~child_process() {
    {
        std::lock_guard lock(mutex_);
        if (!reaped_) reap_locked();
    }
    close_fd(out_fd_);
    close_fd(pid_fd_);
}

bool child_process::exited() {
    std::lock_guard lock(mutex_);
    if (reaped_) return true;
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
        return errno == ECHILD;  // reaped behind our back (SIGCHLD ignored): gone all the same
    return info.si_pid == pid_;
}

exit_status child_process::reap() {
    std::lock_guard lock(mutex_);
    return reap_locked();
}

exit_status child_process::reap_locked() {
    if (reaped_) return status_;
    // Until the program is reaped its pid cannot be reused, so the group id is still ours:
    // anything left in it (a background child, or the program after its grace) dies now.
    ::kill(-pid_, SIGKILL);
    int status = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    close_fd(pid_fd_);
    if (r != pid_)
        status_ = {.signalled = true, .code = SIGKILL};  // status lost (reaped elsewhere)
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
        if (!reaped_) ::kill(-pid_, sig);
    } catch (...) {
        // A mutex that cannot lock leaves the signal to the destructor's SIGKILL.
    }
}

}  // namespace caviar::command
