#include "run/executor.hpp"

#include "run/crash_guard.hpp"
#include "run/progress.hpp"
#include "run/trial_process.hpp"

#include <omp.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace caviar {

namespace {

using clock = std::chrono::steady_clock;

// The runs in progress, so a watchdog can cancel those past the trial timeout, and all of them
// when the study stops: a run blocked in a step (a program that is silent for an hour) must
// not hold the stop. An interrupted trial restarts from step 0 or its last checkpoint anyway,
// so the step in progress is worth nothing.
class watchlist {
public:
    enum class cut { none, timed_out, interrupted };

    struct entry {
        run* r = nullptr;
        std::optional<clock::time_point> deadline;
        cut why = cut::none;
    };

    void add(std::int64_t number, run* r, std::optional<clock::time_point> deadline) {
        std::lock_guard lock(mutex_);
        entries_[number] = {r, deadline, cut::none};
    }
    // Removes the entry (before the run is destroyed).
    void remove(std::int64_t number) {
        std::lock_guard lock(mutex_);
        entries_.erase(number);
    }
    // Why the watchdog cancelled the run, if it did.
    cut why(std::int64_t number) {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(number);
        return it == entries_.end() ? cut::none : it->second.why;
    }
    // Cancels overdue runs, or every run once the study stops; cancel() is quick and
    // thread-safe by contract.
    void check(clock::time_point now, bool stopping) {
        std::lock_guard lock(mutex_);
        for (auto& [n, e] : entries_) {
            if (e.why != cut::none) continue;
            if (e.deadline && now >= *e.deadline)
                e.why = cut::timed_out;
            else if (stopping)
                e.why = cut::interrupted;
            else
                continue;
            e.r->cancel();
        }
    }

private:
    std::mutex mutex_;
    std::map<std::int64_t, entry> entries_;
};

std::string timeout_message(double seconds) {
    return "timeout: the trial ran longer than its trial_timeout of " + format_duration(seconds) +
           " (" + to_string(value{seconds}) + " s)";
}

// One trial on the calling thread. Returns normally in every case.
void run_trial(work_queue& queue, const model& m, const execution_context& ctx, watchlist& watch,
               const assignment& a, std::int64_t& steps_run) {
    auto end = [&](trial_state s, std::string error, std::optional<std::string> checkpoint = {}) {
        queue.end({.trial = a.number,
                   .state = s,
                   .error = std::move(error),
                   .checkpoint = std::move(checkpoint)});
    };
    const std::string& model_name = ctx.model_name;
    // Which trial this worker runs, for the message and note if a plugin kills the process.
    struct running_slot {
        int slot = omp_get_thread_num();
        explicit running_slot(std::int64_t trial) { crash_guard::running(slot, trial); }
        ~running_slot() { crash_guard::idle(slot); }
    } slot(a.number);
    std::int64_t limit = a.steps > 0 ? a.steps : m.max_steps();
    std::int64_t step = a.first_step;
    try {
        run_context rc{.trial = a.number,
                       .study = ctx.study,
                       .workdir = ctx.files / ("trial-" + std::to_string(a.number))};
        auto started = clock::now();
        auto deadline = started + std::chrono::duration_cast<clock::duration>(
                                      std::chrono::duration<double>(ctx.trial_timeout));
        std::unique_ptr<run> r = m.start(a.params, a.seed, rc);
        // Unwatch before the run is destroyed, whatever way this scope is left.
        struct unwatch {
            watchlist& w;
            std::int64_t n;
            ~unwatch() { w.remove(n); }
        } guard{watch, a.number};
        watch.add(
            a.number, r.get(),
            ctx.trial_timeout > 0 ? std::optional<clock::time_point>(deadline) : std::nullopt);
        // A call the watchdog cut short threw because of it: the trial ends for the watchdog's
        // reason, with the step it completed, if any (done() may be the call that was cut).
        auto cut_short = [&](std::optional<metrics>& stepped) {
            switch (watch.why(a.number)) {
                case watchlist::cut::timed_out:
                    if (stepped)
                        queue.report({.trial = a.number,
                                      .step = step,
                                      .metrics = std::move(*stepped),
                                      .last = true});
                    end(trial_state::failed, timeout_message(ctx.trial_timeout));
                    return true;
                case watchlist::cut::interrupted:
                    queue.interrupt(a.number);
                    return true;
                case watchlist::cut::none:
                    break;
            }
            return false;
        };
        if (a.checkpoint) {
            std::istringstream in(*a.checkpoint);
            r->load(in);
            if (a.update) r->update(a.params);
        }
        // Paused trials keep their run state in the store; a model without checkpoints
        // cannot pause (it restarts from step 0 when resumed, which the host records).
        auto pause = [&](std::string reason) {
            std::optional<std::string> checkpoint;
            if (m.capabilities().checkpoints()) {
                std::ostringstream out;
                r->save(out);
                checkpoint = std::move(out).str();
            }
            end(trial_state::paused, std::move(reason), std::move(checkpoint));
        };
        if (step > 0) {
            std::optional<metrics> none;
            try {
                if (r->done() || (limit > 0 && step >= limit)) {
                    end(trial_state::complete, {});
                    return;
                }
            } catch (...) {
                if (cut_short(none)) return;
                throw;
            }
        }
        for (;;) {
            if (queue.stop_requested()) {
                queue.interrupt(a.number);
                return;
            }
            std::optional<metrics> stepped;
            bool last = false;
            try {
                stepped = r->step();
                ++step;
                ++steps_run;
                last = r->done() || (limit > 0 && step >= limit);
            } catch (const std::exception& e) {
                if (cut_short(stepped)) return;
                if (!stepped) throw;
                // The program failed after its step (done() looked ahead): the step counts.
                queue.report({.trial = a.number,
                              .step = step,
                              .metrics = std::move(*stepped),
                              .last = true});
                end(trial_state::failed, "model \"" + model_name + "\": " + e.what());
                return;
            } catch (...) {
                if (cut_short(stepped)) return;
                throw;
            }
            metrics values = std::move(*stepped);
            if (ctx.trial_timeout > 0 && clock::now() >= deadline) {
                queue.report(
                    {.trial = a.number, .step = step, .metrics = std::move(values), .last = true});
                end(trial_state::failed, timeout_message(ctx.trial_timeout));
                return;
            }
            decision d = queue.report(
                {.trial = a.number, .step = step, .metrics = std::move(values), .last = last});
            switch (d.what) {
                case decision::kind::go_on:
                    // New params from the next step on (a strategy's, or a person's).
                    if (!d.params.empty() && !last) r->update(d.params);
                    break;
                case decision::kind::complete:
                    end(trial_state::complete, d.reason);
                    return;
                case decision::kind::prune:
                    end(trial_state::pruned, d.reason);
                    return;
                case decision::kind::pause:
                    pause(d.reason);
                    return;
            }
            if (last) {
                end(trial_state::complete, {});
                return;
            }
        }
    } catch (const std::exception& e) {
        end(trial_state::failed, "model \"" + model_name + "\": " + e.what());
    } catch (...) {
        end(trial_state::failed, "model \"" + model_name + "\": unknown exception");
    }
}

}  // namespace

int worker_count(int threads) {
    return threads > 0 ? threads : omp_get_num_procs();
}

execution_stats execute(work_queue& queue, const model& m, const execution_context& ctx) {
    int workers = worker_count(ctx.threads);
    watchlist watch;
    std::atomic<bool> over{false};
    execution_stats stats;
    std::mutex stats_mutex;
    std::thread watchdog([&] {
        while (!over.load()) {
            watch.check(clock::now(), queue.stop_requested());
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
#pragma omp parallel num_threads(workers)
    {
        // Nothing may escape an OpenMP region: run_trial catches the model's exceptions, and
        // the coordinator turns its own failures into a fatal study error.
        double busy = 0;
        std::int64_t steps = 0;
        try {
            if (!ctx.trial_process.empty()) {
                // Each worker's trials in a process of its own: a crash fails only its trial.
                trial_process worker(ctx.trial_process);
                for (;;) {
                    if (auto why = worker.start()) {
                        queue.fail(*why);
                        break;
                    }
                    auto a = queue.next();
                    if (!a) break;
                    auto began = clock::now();
                    steps += worker.relay(queue, *a);
                    busy += std::chrono::duration<double>(clock::now() - began).count();
                }
            } else {
                while (auto a = queue.next()) {
                    auto began = clock::now();
                    run_trial(queue, m, ctx, watch, *a, steps);
                    busy += std::chrono::duration<double>(clock::now() - began).count();
                }
            }
        } catch (const std::exception& e) {
            queue.fail(std::string("worker failed: ") + e.what());
        }
        std::lock_guard lock(stats_mutex);
        stats.busy_seconds += busy;
        stats.steps += steps;
    }
    over = true;
    watchdog.join();
    return stats;
}

}  // namespace caviar
