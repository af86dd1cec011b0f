// The one interface through which workers reach the study: ask for work, report each step, say
// how a run ended. Its arguments and results are plain messages (messages.hpp), so the same calls
// can be served in-process (local_queue: a lock around the coordinator) or across a process
// boundary (an MPI rank, a socket). Waiting for work is the transport's business, not the
// coordinator's.
#pragma once

#include "run/messages.hpp"

#include <optional>
#include <string>

namespace caviar {

/// Thread: every method may be called from any worker thread at once.
class work_queue {
public:
    virtual ~work_queue() = default;

    /// The next trial to run, or nullopt when the study is over (or stopping). Blocks while
    /// there is nothing to hand out yet.
    virtual std::optional<assignment> next() = 0;
    /// After each step; the decision for the run (go on, maybe with new params; or stop).
    virtual decision report(const step_report& r) = 0;
    /// When a run stops.
    virtual void end(const trial_end& e) = 0;
    /// A running trial cut short by a stop request: what becomes of it is the study's rule
    /// (back to paused at its checkpoint, or queued to run again from step 0).
    virtual void interrupt(std::int64_t trial) = 0;
    /// Whether workers should stop at their next step boundary.
    virtual bool stop_requested() const = 0;
    /// A worker hit something it cannot recover from: the study ends with this error.
    virtual void fail(std::string message) = 0;
};

}  // namespace caviar
