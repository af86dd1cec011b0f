// The coordinator: the one place workers meet. It owns the study's trials, asks the strategy
// (and through it the sampler) for work, records reports and outcomes in the store, and hands
// the strategy each step. Every public method takes the lock briefly; nothing slow (training)
// happens under it. Jobs and outcomes are plain data, so the same interface can later be reached
// over a message from another machine.
#pragma once

#include "store/store.hpp"

#include <caviar/sampler.hpp>
#include <caviar/strategy.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace caviar {

/// A trial for a worker to run.
struct assignment {
    std::int64_t number = 0;
    caviar::params params;
    std::uint64_t seed = 0;
    std::int64_t steps = 0;  // run until this many steps; 0 = the model's full length
    /// A resumed trial: the checkpoint to load into the new run, and the steps it has made.
    std::optional<std::string> checkpoint;
    std::int64_t first_step = 0;
    /// After loading, call run::update(params): the params differ from the checkpoint's.
    bool update = false;
};

/// How a trial's run ended, as the worker saw it.
struct outcome {
    outcome(trial_state s, std::string e = {}) : state(s), error(std::move(e)) {}
    trial_state state = trial_state::complete;  // complete, pruned, paused or failed
    std::string error;                          // failed: the message; pruned/paused: reason
    std::optional<std::string> checkpoint;      // paused: what run::save wrote
};

/// Counts by state and the best trial so far, for progress and summaries.
struct study_progress {
    std::int64_t budget = 0;
    std::int64_t complete = 0, pruned = 0, failed = 0, running = 0, queued = 0, paused = 0;
    std::optional<double> best_value;
    std::int64_t best_trial = -1;
    std::int64_t finished() const { return complete + pruned + failed; }
};

struct coordinator_config {
    std::int64_t study_id = 0;
    std::uint64_t seed = 0;
    std::int64_t budget = 0;
    std::int64_t max_steps = 1;
    caviar::objective objective;
    caviar::space space;
    std::string sampler_name;
    /// Stop handing out work after this many finished trials when all of them failed.
    std::int64_t fail_fast_after = 10;
    /// Seconds after which no new trial starts (0 = no limit); counted from construction.
    double time_budget = 0;
    /// Finished trials of another study, for samplers that warm-start (sample_request::prior).
    std::vector<trial> prior;
    model_capabilities capabilities;
    std::vector<std::string> architecture;
};

class coordinator final : public study_view {
public:
    /// trials: the study's trials from the store (earlier runs), in number order; queued ones
    /// are handed out again first.
    coordinator(coordinator_config cfg, store& db, caviar::sampler& smp, caviar::strategy& strat,
                std::vector<trial> trials);

    /// The next trial to run, or nullopt when the study is over (or stopping). Blocks while the
    /// strategy says wait.
    std::optional<assignment> next();
    /// After each step; the strategy's decision. `last`: the run ends after this step whatever
    /// the decision (end() follows at once), so the point is written with the trial's end, in
    /// one transaction instead of two.
    decision report(std::int64_t number, std::int64_t step, const metrics& m, bool last = false);
    /// When a run stops.
    void end(std::int64_t number, const outcome& o);
    /// A running trial cut short by a stop request: back to paused at its checkpoint when it has
    /// one, else back to queued, to run again from step 0 on resume.
    void interrupt(std::int64_t number);

    /// Asks every worker to stop at its next step boundary.
    void request_stop();
    /// Ends the study with an error (a worker hit something it cannot recover from).
    void fail(std::string message);
    bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }
    /// Set when the study cannot go on (sampler/strategy error, every trial failing).
    std::optional<std::string> fatal_error() const;

    /// Whether the time budget stopped the study from starting more trials.
    bool time_budget_reached() const { return out_of_time_.load(); }

    study_progress progress() const;
    /// Called (under the lock) after each trial ends; keep it quick.
    void on_change(std::function<void(const study_progress&)> f) { observer_ = std::move(f); }
    /// A copy of every trial, in number order.
    std::vector<trial> snapshot() const;

    // study_view, for the strategy (called with the lock held).
    const caviar::space& space() const override { return cfg_.space; }
    const caviar::objective& objective() const override { return cfg_.objective; }
    std::int64_t budget() const override { return cfg_.budget; }
    std::int64_t max_steps() const override { return cfg_.max_steps; }
    std::span<const trial* const> trials() const override { return all_; }
    std::int64_t count(trial_state s) const override;
    params propose(const caviar::space& s) override;
    std::uint64_t seed() const override { return cfg_.seed; }
    model_capabilities capabilities() const override { return cfg_.capabilities; }
    std::span<const std::string> architecture() const override { return cfg_.architecture; }
    void prune(std::int64_t trial, std::string reason) override;

private:
    trial& at(std::int64_t number) { return trials_[static_cast<std::size_t>(number)]; }
    void set_state(trial& t, trial_state s);
    void fail_study(std::string message);
    void note_finished(const trial& t);
    void notify();
    std::optional<assignment> resume(const job& j);
    void event(const trial& t, std::string kind, std::string detail = {});
    void truncate(trial& t, std::int64_t step);

    coordinator_config cfg_;
    store& db_;
    caviar::sampler& sampler_;
    caviar::strategy& strategy_;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> out_of_time_{false};
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::optional<std::string> fatal_;

    std::deque<trial> trials_;            // deque: pointers stay valid as it grows
    std::vector<const trial*> all_;       // every trial, in number order
    std::vector<const trial*> finished_;  // complete, pruned, failed
    std::vector<const trial*> prior_;     // into cfg_.prior
    std::int64_t counts_[6] = {};         // by trial_state
    std::deque<std::int64_t> requeued_;   // queued trials to hand out before new ones
    std::set<std::int64_t> unwritten_;    // trials whose last curve point end() writes
    study_progress progress_;
    std::function<void(const study_progress&)> observer_;
    std::string last_error_;
    std::int64_t proposal_number_ = -1, proposal_calls_ = 0;  // propose() calls per trial number
};

}  // namespace caviar
