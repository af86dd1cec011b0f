#include "keeper.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace caviar::command::keeper {

namespace {

// Everything here runs in a fork of a threaded process: system calls only.

long long now_ms() {
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<long long>(t.tv_sec) * 1000 + t.tv_nsec / 1000000;
}

void say(int fd, start_message::kind what, int value) {
    start_message m{what, value};
    [[maybe_unused]] auto n = ::write(fd, &m, sizeof m);
}

pid_t fork_now() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return ::_Fork();  // no atfork handlers: their locks may be held by threads that are not here
#else
    return ::fork();
#endif
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) return static_cast<int>(fd);
#endif
    (void)pid;
    return -1;
}

void close_between(unsigned first, unsigned last) {
    if (first > last) return;
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, first, last, 0U) == 0) return;
#endif
    rlimit limit{};
    unsigned top = 4096;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        limit.rlim_cur < (1U << 20))
        top = static_cast<unsigned>(limit.rlim_cur);
    for (unsigned fd = first; fd <= last && fd < top; ++fd) ::close(static_cast<int>(fd));
}

// The fork inherited every descriptor caviar had open at that moment, among them other
// keepers' sockets and other programs' pipes: holding those would keep a keeper from seeing
// caviar die, or a program's output from ending. Keeps only `keep` (all above 2).
void close_all_but(int (&keep)[5]) {
    int sorted[5];
    for (int i = 0; i < 5; ++i) sorted[i] = keep[i];
    for (int i = 1; i < 5; ++i)
        for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; --j) {
            int t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    unsigned from = 3;
    for (int fd : sorted) {
        if (fd < 3) continue;
        close_between(from, static_cast<unsigned>(fd) - 1);
        from = static_cast<unsigned>(fd) + 1;
    }
    close_between(from, ~0U);
}

// Calls f on each child of the keeper (the program, and the orphans of its tree, whatever
// group they are in); the number listed, or -1 when the kernel does not list children.
template <class F>
int for_each_child(F&& f) {
    int fd = ::open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int count = 0;
    long pid = 0;
    bool in_number = false;
    char buf[512];
    ssize_t got;
    while ((got = ::read(fd, buf, sizeof buf)) > 0 || (got < 0 && errno == EINTR)) {
        for (ssize_t i = 0; i < got; ++i) {
            if (buf[i] >= '0' && buf[i] <= '9') {
                pid = pid * 10 + (buf[i] - '0');
                in_number = true;
            } else if (in_number) {
                f(static_cast<pid_t>(pid));
                ++count;
                pid = 0;
                in_number = false;
            }
        }
    }
    if (in_number) {
        f(static_cast<pid_t>(pid));
        ++count;
    }
    ::close(fd);
    return count;
}

// sig to the program's whole tree: its process group while it is not reaped (until then its
// pid, so the group id, cannot be reused), and every child of ours, whichever group it is in.
void signal_tree(int sig, pid_t program) {
    ::kill(-program, sig);
    for_each_child([sig](pid_t c) { ::kill(c, sig); });
}

void reset_signals() {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    const int defaults[] = {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGCHLD};
    for (int s : defaults) ::sigaction(s, &dfl, nullptr);
}

// In the program, between fork and exec.
[[noreturn]] void exec_program(const plan& p, const int (&stdio)[3], int start_fd, pid_t keeper) {
    ::setpgid(0, 0);
    // The keeper's death (someone killed it) takes the program with it. The check closes the
    // race with a keeper that died before the prctl.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != keeper) ::_exit(127);
    // The host may block or ignore signals in its threads; a program must start with neither,
    // or SIGTERM would not reach it.
    reset_signals();
    for (int i = 0; i < 3; ++i) ::dup2(stdio[i], i);  // all above 2: dup2 clears close-on-exec
#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
    if (::chdir(p.cwd) != 0) {
        say(start_fd, start_message::chdir_failed, errno);
    } else {
        ::execve(p.program, p.argv, p.envp);
        say(start_fd, start_message::exec_failed, errno);
    }
    ::_exit(127);
}

}  // namespace

void run(const plan& p) noexcept {
    // Out of caviar's process group: Ctrl-C at the terminal is for caviar alone.
    ::setpgid(0, 0);
    ::prctl(PR_SET_NAME, "caviar-keeper");
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    reset_signals();
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, nullptr);  // caviar may be gone when the status is sent

    // Above 2, so that 0-2 can become /dev/null: the keeper must not hold caviar's terminal or
    // the pipes caviar's own output goes to.
    int fds[5] = {p.stdio[0], p.stdio[1], p.stdio[2], p.start_fd, p.control_fd};
    for (int& fd : fds)
        if (fd <= 2) fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    for (int i = 0; i < 3; ++i) ::dup2(fds[0], i);  // fds[0] is /dev/null
    close_all_but(fds);
    const int stdio[3] = {fds[0], fds[1], fds[2]};
    const int start_fd = fds[3], control = fds[4];

    const pid_t self = ::getpid();
    const pid_t program = fork_now();
    if (program == 0) exec_program(p, stdio, start_fd, self);
    if (program < 0) {
        say(start_fd, start_message::fork_failed, errno);
        ::_exit(0);
    }
    ::setpgid(program, program);  // as the program does itself: whichever runs first
    say(start_fd, start_message::started, program);
    for (int fd : fds)
        if (fd != control) ::close(fd);

    const int pid_fd = open_pidfd(program);
    bool host_gone = false;
    long long kill_at = 0;
    for (;;) {
        siginfo_t info{};
        if (::waitid(P_PID, static_cast<id_t>(program), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
            info.si_pid == program)
            break;
        pollfd watch[2];
        nfds_t n = 0;
        int from_host = -1;
        if (!host_gone) {
            from_host = static_cast<int>(n);
            watch[n++] = {.fd = control, .events = POLLIN, .revents = 0};
        }
        if (pid_fd >= 0) watch[n++] = {.fd = pid_fd, .events = POLLIN, .revents = 0};
        int timeout = pid_fd >= 0 ? -1 : 50;
        if (host_gone) {
            long long left = kill_at - now_ms();
            timeout = left > 50 ? 50 : (left > 0 ? static_cast<int>(left) : 50);
        }
        ::poll(watch, n, timeout);
        if (from_host >= 0 && watch[from_host].revents != 0) {
            unsigned char sigs[64];
            ssize_t got = ::recv(control, sigs, sizeof sigs, MSG_DONTWAIT);
            if (got > 0) {
                for (ssize_t i = 0; i < got; ++i)
                    if (sigs[i] > 0 && sigs[i] < NSIG) signal_tree(sigs[i], program);
            } else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                // Caviar is gone without stopping its program: stop it the polite way.
                host_gone = true;
                signal_tree(SIGTERM, program);
                signal_tree(SIGCONT, program);  // a stopped program must run to act on it
                kill_at = now_ms() + p.grace_ms;
            }
        }
        if (host_gone && now_ms() >= kill_at) signal_tree(SIGKILL, program);
    }

    // The program has exited: what is left of its group dies now, then every orphan of its
    // tree, which the kernel hands to us (a subreaper) as each parent dies.
    ::kill(-program, SIGKILL);
    int status = 0;
    while (::waitpid(program, &status, 0) < 0 && errno == EINTR) {
    }
    for (;;) {
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        if (for_each_child([](pid_t c) { ::kill(c, SIGKILL); }) <= 0) break;
        ::waitpid(-1, nullptr, 0);
    }
    [[maybe_unused]] auto sent = ::send(control, &status, sizeof status, MSG_NOSIGNAL);
    ::_exit(0);
}

}  // namespace caviar::command::keeper
