// The trial book: every trial of the study in memory, with what the run loop asks of it often
// (counts by state, the running trials, the finished ones in the order they finished, the best
// so far) kept current on each change, so no question costs a scan of the study.
#pragma once

#include <caviar/trial.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace caviar {

/// Counts by state and the best trial so far, for progress and summaries.
struct study_progress {
    std::int64_t budget = 0;
    std::int64_t complete = 0, pruned = 0, failed = 0, running = 0, queued = 0, paused = 0;
    std::int64_t held = 0;  // paused by a person, waiting for them
    std::optional<double> best_value;
    std::int64_t best_trial = -1;
    std::int64_t finished() const { return complete + pruned + failed; }
};

class trial_book {
public:
    explicit trial_book(caviar::objective obj) : objective_(std::move(obj)) {}

    /// Adds a trial; its number must be size(). Pointers to trials stay valid as the book grows.
    trial& add(trial t);
    std::int64_t size() const { return static_cast<std::int64_t>(trials_.size()); }
    trial& at(std::int64_t number) { return trials_.at(static_cast<std::size_t>(number)); }
    const trial& at(std::int64_t number) const {
        return trials_.at(static_cast<std::size_t>(number));
    }
    /// The trial, or null when there is no such number.
    trial* find(std::int64_t number);

    /// Moves t to state s, keeping every count current. A trial that becomes finished joins
    /// finished() and the progress (set its value first).
    void set_state(trial& t, trial_state s);

    std::int64_t count(trial_state s) const { return counts_[static_cast<int>(s)]; }
    /// Every trial, in number order.
    std::span<const trial* const> all() const { return all_; }
    /// Complete, pruned and failed trials: earlier runs' in number order, then in the order
    /// they finished.
    std::span<const trial* const> finished() const { return finished_; }
    /// The numbers of the running trials.
    const std::set<std::int64_t>& running() const { return running_; }

    /// Queued trials hand out before new ones, first in first out.
    void requeue(std::int64_t number) { requeued_.push_back(number); }
    std::optional<std::int64_t> pop_requeued();
    bool has_requeued() const { return !requeued_.empty(); }

    /// Trials a person paused and has not resumed: theirs until they resume or prune them.
    void hold(std::int64_t number) { held_.insert(number); }
    void release(std::int64_t number) { held_.erase(number); }
    bool held(std::int64_t number) const { return held_.count(number) > 0; }
    const std::set<std::int64_t>& held_trials() const { return held_; }

    /// The step budget of each running trial's current job (0 = the model's full length), so a
    /// trial paused from outside resumes with the job it had.
    void set_limit(std::int64_t number, std::int64_t steps) { limits_[number] = steps; }
    std::int64_t limit(std::int64_t number) const;

    study_progress progress(std::int64_t budget) const;
    /// The message of the last failed trial.
    const std::string& last_error() const { return last_error_; }

private:
    void note_finished(const trial& t);

    caviar::objective objective_;
    std::deque<trial> trials_;  // deque: pointers stay valid as it grows
    std::vector<const trial*> all_;
    std::vector<const trial*> finished_;
    std::set<std::int64_t> running_, held_;
    std::deque<std::int64_t> requeued_;
    std::map<std::int64_t, std::int64_t> limits_;
    std::int64_t counts_[6] = {};
    std::int64_t complete_ = 0, pruned_ = 0, failed_ = 0;
    std::optional<double> best_value_;
    std::int64_t best_trial_ = -1;
    std::string last_error_;
};

}  // namespace caviar
