#include "run/trial_process.hpp"

#include "run/frames.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace caviar {

namespace {

std::string signal_cause(int sig) {
    const char* name = sig == SIGSEGV   ? "segmentation fault"
                       : sig == SIGABRT ? "abort"
                       : sig == SIGBUS  ? "bus error"
                       : sig == SIGFPE  ? "floating-point exception"
                       : sig == SIGILL  ? "illegal instruction"
                       : sig == SIGKILL ? "killed"
                                        : ::strsignal(sig);
    return "signal " + std::to_string(sig) + " (" + name + ")";
}

}  // namespace

trial_process::trial_process(std::vector<std::string> argv) : argv_(std::move(argv)) {}

trial_process::~trial_process() {
    if (socket_ < 0) return;
    send_frame(socket_, 'Q', {});
    ::close(socket_);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
}

std::optional<std::string> trial_process::start() {
    if (socket_ >= 0) return std::nullopt;
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return std::string("socketpair: ") + std::strerror(errno);
    // The child's end becomes fd 3 (dup2 clears close-on-exec); everything else stays closed.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 3);
    std::vector<std::string> args = argv_;
    args.insert(args.begin() + 2, {"--socket", "3"});
    std::vector<char*> c_args;
    for (auto& a : args) c_args.push_back(a.data());
    c_args.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, c_args[0], &actions, nullptr, c_args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        pid_ = -1;
        return "cannot start " + args[0] + ": " + std::strerror(rc);
    }
    socket_ = fds[0];
    auto hello = receive_frame(socket_);
    if (hello && hello->kind == 'H') return std::nullopt;
    std::string cause = reap();
    return "the trial process did not start (" + cause + "); its messages are above";
}

std::string trial_process::reap() {
    if (socket_ >= 0) ::close(socket_);
    socket_ = -1;
    int status = 0;
    pid_t pid = pid_;
    pid_ = -1;
    if (pid <= 0 || ::waitpid(pid, &status, 0) != pid) return "it is gone";
    if (WIFSIGNALED(status)) return signal_cause(WTERMSIG(status));
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    return "it stopped";
}

std::int64_t trial_process::relay(work_queue& q, const assignment& a) {
    std::int64_t steps = 0;
    auto died = [&] {
        q.end({.trial = a.number,
               .state = trial_state::failed,
               .error = "the trial's process died: " + reap(),
               .checkpoint = {}});
        return steps;
    };
    if (!send_frame(socket_, 'A', encode(a))) return died();
    for (;;) {
        auto f = receive_frame(socket_);
        if (!f) return died();
        switch (f->kind) {
            case 'R': {
                ++steps;
                decision d = q.report(decode_step_report(f->bytes));
                std::string reply(1, q.stop_requested() ? '1' : '0');
                reply += encode(d);
                send_frame(socket_, 'D', reply);  // a dead process is seen at the next receive
                break;
            }
            case 'E':
                q.end(decode_trial_end(f->bytes));
                return steps;
            case 'I':
                q.interrupt(a.number);
                return steps;
            case 'F':
                q.fail(f->bytes);
                return steps;
            default:
                q.end({.trial = a.number,
                       .state = trial_state::failed,
                       .error = "the trial's process sent an unknown message",
                       .checkpoint = {}});
                reap();
                return steps;
        }
    }
}

std::optional<assignment> socket_queue::next() {
    auto f = receive_frame(fd_);
    if (!f || f->kind != 'A') return std::nullopt;  // 'Q', or caviar is gone
    stop_ = false;
    return decode_assignment(f->bytes);
}

decision socket_queue::report(const step_report& r) {
    if (!send_frame(fd_, 'R', encode(r))) throw std::runtime_error("caviar is gone");
    auto f = receive_frame(fd_);
    if (!f || f->kind != 'D' || f->bytes.empty()) throw std::runtime_error("caviar is gone");
    stop_ = f->bytes[0] == '1';
    return decode_decision(std::string_view(f->bytes).substr(1));
}

void socket_queue::end(const trial_end& e) {
    send_frame(fd_, 'E', encode(e));
}

void socket_queue::interrupt(std::int64_t) {
    send_frame(fd_, 'I', {});
}

void socket_queue::fail(std::string message) {
    send_frame(fd_, 'F', message);
}

}  // namespace caviar
