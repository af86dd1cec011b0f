// The in-process transport of the work queue: worker threads of this process reach the
// coordinator through one lock, and an idle worker waits here (not in the coordinator) until a
// report, an end or a command changes what there is to hand out.
#pragma once

#include "run/coordinator.hpp"
#include "run/work_queue.hpp"

#include <condition_variable>
#include <mutex>

namespace caviar {

class local_queue final : public work_queue {
public:
    explicit local_queue(coordinator& c) : c_(c) {}

    std::optional<assignment> next() override;
    decision report(const step_report& r) override;
    void end(const trial_end& e) override;
    void interrupt(std::int64_t trial) override;
    bool stop_requested() const override { return c_.stop_requested(); }
    void fail(std::string message) override;

    /// Applies the commands posted to the study's inbox and wakes waiting workers; called from a
    /// timer thread (every 100 ms) while the study runs.
    void poll();
    /// Asks every worker to stop at its next step boundary, and wakes the waiting ones.
    void request_stop();
    /// Runs f(coordinator) under the lock (progress, snapshots).
    template <class F>
    auto with(F&& f) {
        std::lock_guard lock(mutex_);
        return f(c_);
    }

private:
    coordinator& c_;
    std::mutex mutex_;
    std::condition_variable changed_;
};

}  // namespace caviar
