#include "run/local_queue.hpp"

namespace caviar {

std::optional<assignment> local_queue::next() {
    std::unique_lock lock(mutex_);
    for (;;) {
        work w = c_.try_next();
        if (w.what == work::kind::run) return std::move(w.job);
        if (w.what == work::kind::done) {
            changed_.notify_all();  // the others see it too
            return std::nullopt;
        }
        changed_.wait(lock);
    }
}

decision local_queue::report(const step_report& r) {
    std::lock_guard lock(mutex_);
    decision d = c_.report(r);
    changed_.notify_all();
    return d;
}

void local_queue::end(const trial_end& e) {
    std::lock_guard lock(mutex_);
    c_.end(e);
    changed_.notify_all();
}

void local_queue::interrupt(std::int64_t trial) {
    std::lock_guard lock(mutex_);
    c_.interrupt(trial);
    changed_.notify_all();
}

void local_queue::fail(std::string message) {
    std::lock_guard lock(mutex_);
    c_.fail(std::move(message));
    changed_.notify_all();
}

void local_queue::poll() {
    std::lock_guard lock(mutex_);
    c_.poll_commands();
    // Also a tick for waiting workers: the time budget may have run out meanwhile.
    changed_.notify_all();
}

void local_queue::request_stop() {
    c_.request_stop();
    std::lock_guard lock(mutex_);
    changed_.notify_all();
}

}  // namespace caviar
