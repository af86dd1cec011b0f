// The keeper: a small process of caviar's that stands between caviar and one program, so that
// nothing the program starts outlives its trial, even when caviar itself dies without a word
// (kill -9, a second Ctrl-C, a crash).
//
//   caviar ── socket ── keeper (subreaper) ── program (own process group) ── its children
//
// - The keeper is the program's parent and a child subreaper (PR_SET_CHILD_SUBREAPER): any
//   process the program starts that loses its parent becomes the keeper's child, whatever
//   process group or session it moved to, so the keeper can always find it (in /proc).
// - It holds one end of a socket whose other end only caviar holds. Bytes from caviar are
//   signals for the program's whole tree (its group, and the keeper's children). End of file
//   means caviar is gone: SIGTERM to the tree, `grace` later SIGKILL.
// - When the program exits, the keeper kills what is left of the tree with SIGKILL, reaps it
//   all, sends the program's wait status on the socket and exits. Caviar reaps the keeper.
//
// A fork of a threaded process may only make async-signal-safe calls: the keeper makes system
// calls alone (no allocation, no locks, no stdio) and never returns.
#pragma once

#include <cstdint>

namespace caviar::command::keeper {

/// What the keeper and the program say on the start pipe (each message one write).
struct start_message {
    enum kind : std::int32_t {
        started = 0,       // value: the program's pid
        chdir_failed = 1,  // value: errno (from the program, before exec)
        exec_failed = 2,   // value: errno
        fork_failed = 3,   // value: errno (from the keeper)
    };
    std::int32_t what = started;
    std::int32_t value = 0;
};

/// Everything the keeper needs, prepared before fork: it may not allocate.
struct plan {
    const char* program = nullptr;
    char* const* argv = nullptr;
    char* const* envp = nullptr;
    const char* cwd = nullptr;
    int stdio[3] = {-1, -1, -1};  // the program's stdin, stdout, stderr
    int start_fd = -1;            // write end of the start pipe (close-on-exec)
    int control_fd = -1;          // the keeper's end of the socket (close-on-exec)
    int grace_ms = 5000;          // SIGTERM -> SIGKILL when caviar is gone
};

/// Runs in the child of fork(); never returns.
[[noreturn]] void run(const plan& p) noexcept;

}  // namespace caviar::command::keeper
