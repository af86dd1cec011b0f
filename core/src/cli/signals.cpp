#include "cli/signals.hpp"

#include "run/output_guard.hpp"

#include <unistd.h>
#include <csignal>

namespace caviar::cli {

std::atomic<int> stop_signal{0};

namespace {
extern "C" void on_stop_signal(int sig) {
    // Async-signal-safe only: an atomic store, or _exit on the second signal (after giving the
    // terminal back without a half-drawn progress line).
    int expected = 0;
    if (stop_signal.compare_exchange_strong(expected, sig)) return;
    output_guard::restore_for_exit();
    _exit(128 + sig);
}
}  // namespace

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace caviar::cli
