#include "run/trial_book.hpp"

#include <stdexcept>

namespace caviar {

trial& trial_book::add(trial t) {
    if (t.number != size())
        throw std::logic_error("trial_book: trial " + std::to_string(t.number) +
                               " added as number " + std::to_string(size()));
    trials_.push_back(std::move(t));
    trial& added = trials_.back();
    all_.push_back(&added);
    ++counts_[static_cast<int>(added.state)];
    if (added.state == trial_state::running) running_.insert(added.number);
    if (is_finished(added.state)) {
        finished_.push_back(&added);
        note_finished(added);
    }
    return added;
}

trial* trial_book::find(std::int64_t number) {
    if (number < 0 || number >= size()) return nullptr;
    return &trials_[static_cast<std::size_t>(number)];
}

void trial_book::set_state(trial& t, trial_state s) {
    const trial_state old = t.state;
    if (is_finished(old) && old != s)
        throw std::logic_error("trial " + std::to_string(t.number) + " is " + to_string(old) +
                               ": a finished trial does not change state");
    --counts_[static_cast<int>(old)];
    ++counts_[static_cast<int>(s)];
    t.state = s;
    if (old == trial_state::running) running_.erase(t.number);
    if (s == trial_state::running) running_.insert(t.number);
    if (is_finished(s) && !is_finished(old)) {
        held_.erase(t.number);
        limits_.erase(t.number);
        finished_.push_back(&t);
        note_finished(t);
    }
}

std::optional<std::int64_t> trial_book::pop_requeued() {
    if (requeued_.empty()) return std::nullopt;
    auto n = requeued_.front();
    requeued_.pop_front();
    return n;
}

std::int64_t trial_book::limit(std::int64_t number) const {
    auto it = limits_.find(number);
    return it == limits_.end() ? 0 : it->second;
}

void trial_book::note_finished(const trial& t) {
    if (t.state == trial_state::complete) {
        ++complete_;
        if (t.value && (!best_value_ || objective_.better(*t.value, *best_value_))) {
            best_value_ = t.value;
            best_trial_ = t.number;
        }
    } else if (t.state == trial_state::pruned) {
        ++pruned_;
    } else if (t.state == trial_state::failed) {
        ++failed_;
        last_error_ = t.error;
    }
}

study_progress trial_book::progress(std::int64_t budget) const {
    study_progress p;
    p.budget = budget;
    p.complete = complete_;
    p.pruned = pruned_;
    p.failed = failed_;
    p.running = count(trial_state::running);
    p.queued = count(trial_state::queued);
    p.paused = count(trial_state::paused);
    p.held = static_cast<std::int64_t>(held_.size());
    p.best_value = best_value_;
    p.best_trial = best_trial_;
    return p;
}

}  // namespace caviar
