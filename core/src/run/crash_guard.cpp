#include "run/crash_guard.hpp"

#include <array>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

namespace caviar::crash_guard {

namespace {

constexpr int slots = 1024;  // the most worker threads an experiment may ask for
// Trial number + 1 per worker; 0 = idle (so the array needs no initialiser). With the thread of
// each, so the handler, which runs on the thread that faulted (or called exit), knows which
// trial killed the process and which only ran beside it.
std::array<std::atomic<std::int64_t>, slots> running_trials{};
std::array<std::atomic<std::uintptr_t>, slots> slot_threads{};
// The lowest address of each worker's stack: a fault just below it is a stack overflow.
std::array<std::atomic<std::uintptr_t>, slots> slot_stack_low{};

// Fixed buffers, written before the handlers are installed and only read by them.
char model[256] = "";
char note_path[4096] = "";
std::atomic<bool> armed{false};
const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

// A small async-signal-safe text buffer: no allocation, no locale, no stdio.
struct line {
    char text[1024];
    std::size_t size = 0;
    void add(const char* s) {
        while (*s && size < sizeof text - 1) text[size++] = *s++;
    }
    void add(std::int64_t v) {
        char digits[24];
        int n = 0;
        bool negative = v < 0;
        std::uint64_t u =
            negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
        do {
            digits[n++] = static_cast<char>('0' + u % 10);
            u /= 10;
        } while (u && n < 23);
        if (negative) add("-");
        while (n && size < sizeof text - 1) text[size++] = digits[--n];
    }
    void write_to(int fd) const {
        std::size_t done = 0;
        while (done < size) {
            ssize_t w = ::write(fd, text + done, size - done);
            if (w <= 0) return;
            done += static_cast<std::size_t>(w);
        }
    }
};

const char* signal_name(int sig) {
    switch (sig) {
        case SIGSEGV:
            return "segmentation fault";
        case SIGBUS:
            return "bus error";
        case SIGFPE:
            return "floating-point exception";
        case SIGILL:
            return "illegal instruction";
        case SIGABRT:
            return "abort";
        default:
            return "fatal signal";
    }
}

// A stack overflow faults on the guard page below the stack, where the handler cannot run: each
// worker gets a small stack of its own for the handler (sigaltstack is per thread).
struct signal_stack {
    static constexpr std::size_t size = 64 * 1024;
    std::unique_ptr<char[]> memory{new char[size]};
    std::uintptr_t low = 0;  // of the thread's own stack, 0 when unknown

    signal_stack() {
        stack_t ss{};
        ss.ss_sp = memory.get();
        ss.ss_size = size;
        ::sigaltstack(&ss, nullptr);
        pthread_attr_t attr;
        if (::pthread_getattr_np(::pthread_self(), &attr) == 0) {
            void* base = nullptr;
            std::size_t bytes = 0;
            if (::pthread_attr_getstack(&attr, &base, &bytes) == 0)
                low = reinterpret_cast<std::uintptr_t>(base);
            ::pthread_attr_destroy(&attr);
        }
    }
    ~signal_stack() {
        stack_t ss{};
        ss.ss_flags = SS_DISABLE;
        ::sigaltstack(&ss, nullptr);
    }
    signal_stack(const signal_stack&) = delete;
    signal_stack& operator=(const signal_stack&) = delete;
};

std::uintptr_t this_thread_signal_stack() {
    thread_local signal_stack stack;
    return stack.low;
}

// Whether a fault at `address` on the calling thread hit the guard below its stack.
bool stack_overflow(std::uintptr_t address) {
    const auto self = static_cast<std::uintptr_t>(::pthread_self());
    for (int i = 0; i < slots; ++i) {
        if (slot_threads[i].load(std::memory_order_relaxed) != self) continue;
        std::uintptr_t low = slot_stack_low[i].load(std::memory_order_relaxed);
        // The guard is a page or a few; a frame may skip past it with a big local array.
        constexpr std::uintptr_t reach = 1 << 20;
        return low != 0 && address < low + 4096 && address + reach >= low;
    }
    return false;
}

// Says what died, on stderr and in the note. `cause` is e.g. "signal 11 (segmentation fault)".
void report(const line& cause) {
    line trials;
    int count = 0;
    std::int64_t culprit = -1;
    const auto self = static_cast<std::uintptr_t>(::pthread_self());
    for (int i = 0; i < slots; ++i) {
        std::int64_t t = running_trials[i].load(std::memory_order_relaxed) - 1;
        if (t < 0) continue;
        if (slot_threads[i].load(std::memory_order_relaxed) == self) culprit = t;
        if (count++) trials.add(" ");
        trials.add(t);
    }
    if (count == 0) return;  // not while a trial ran: the plugin is not to blame
    line say;
    say.add("\ncaviar: ");
    for (std::size_t i = 0; i < cause.size; ++i) say.text[say.size++] = cause.text[i];
    say.add(" while model plugin \"");
    say.add(model);
    if (culprit >= 0) {
        say.add("\" ran trial ");
        say.add(culprit);
        if (count > 1) say.add(" (and others beside it)");
    } else {
        say.add(count == 1 ? "\" ran trial " : "\" ran trials ");
        for (std::size_t i = 0; i < trials.size; ++i)
            if (say.size < sizeof say.text - 1) say.text[say.size++] = trials.text[i];
    }
    say.add(
        "; `caviar run` resumes the study, and a trial that was running when the process died "
        "twice is failed, not run again\n");
    say.write_to(STDERR_FILENO);

    if (note_path[0] == '\0') return;
    int fd = ::open(note_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    line note = cause;
    note.add("\n");
    if (culprit >= 0)
        note.add(culprit);
    else
        note.add("-");
    note.add("\n");
    for (std::size_t i = 0; i < trials.size; ++i)
        if (note.size < sizeof note.text - 1) note.text[note.size++] = trials.text[i];
    note.add("\n");
    note.write_to(fd);
    ::close(fd);
}

void on_fatal_signal(int sig, siginfo_t* info, void*) {
    if (armed.exchange(false)) {
        line cause;
        cause.add("signal ");
        cause.add(static_cast<std::int64_t>(sig));
        cause.add(" (");
        cause.add(signal_name(sig));
        if (sig == SIGSEGV && info &&
            stack_overflow(reinterpret_cast<std::uintptr_t>(info->si_addr)))
            cause.add(": stack overflow");
        cause.add(")");
        report(cause);
    }
    // The default action, so the exit status and a core dump are the signal's.
    std::signal(sig, SIG_DFL);
    ::raise(sig);
}

void on_exit() {
    if (!armed.exchange(false)) return;
    line cause;
    cause.add("exit() called");
    report(cause);
}

}  // namespace

void install(const std::string& model_name, const std::filesystem::path& note) {
    std::strncpy(model, model_name.c_str(), sizeof model - 1);
    std::strncpy(note_path, note.c_str(), sizeof note_path - 1);
    static bool exit_hook = [] { return std::atexit(on_exit) == 0; }();
    (void)exit_hook;
    this_thread_signal_stack();
    struct sigaction sa {};
    sa.sa_sigaction = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_SIGINFO | SA_ONSTACK;
    for (int sig : fatal_signals) ::sigaction(sig, &sa, nullptr);
    armed = true;
}

void uninstall() {
    armed = false;
    for (int sig : fatal_signals) std::signal(sig, SIG_DFL);
}

void running(int slot, std::int64_t trial) {
    if (slot < 0 || slot >= slots) return;
    slot_stack_low[slot].store(this_thread_signal_stack(), std::memory_order_relaxed);
    slot_threads[slot].store(static_cast<std::uintptr_t>(::pthread_self()),
                             std::memory_order_relaxed);
    running_trials[slot].store(trial + 1, std::memory_order_relaxed);
}

void idle(int slot) {
    if (slot >= 0 && slot < slots) running_trials[slot].store(0, std::memory_order_relaxed);
}

std::optional<death> take_note(const std::filesystem::path& note) {
    std::ifstream in(note);
    if (!in) return std::nullopt;
    death d;
    std::getline(in, d.cause);
    std::string culprit;
    std::getline(in, culprit);
    if (!culprit.empty() && culprit != "-") d.culprit = std::stoll(culprit);
    std::string numbers;
    std::getline(in, numbers);
    std::istringstream ns(numbers);
    for (std::int64_t t; ns >> t;) d.trials.push_back(t);
    in.close();
    std::error_code ec;
    std::filesystem::remove(note, ec);
    return d;
}

}  // namespace caviar::crash_guard
