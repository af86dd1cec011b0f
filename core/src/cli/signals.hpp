// Ctrl-C and SIGTERM: the first asks for a clean stop, the second quits at once.
#pragma once

#include <atomic>

namespace caviar::cli {

/// The signal number that asked to stop, 0 while none did.
extern std::atomic<int> stop_signal;

/// Installs the handlers for SIGINT and SIGTERM.
void install_stop_handlers();

}  // namespace caviar::cli
