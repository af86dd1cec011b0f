#include "run/coordinator.hpp"

#include <caviar/seed.hpp>

#include <chrono>
#include <cmath>

namespace caviar {

namespace {

double now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string describe(const params& p) {
    std::string out;
    for (const auto& [k, v] : p) out += (out.empty() ? "" : ", ") + k + "=" + to_string(v);
    return out;
}

}  // namespace

coordinator::coordinator(coordinator_config cfg, store& db, caviar::sampler& smp,
                         caviar::strategy& strat, std::vector<trial> trials)
    : cfg_(std::move(cfg)), db_(db), sampler_(smp), strategy_(strat) {
    progress_.budget = cfg_.budget;
    for (const auto& t : cfg_.prior) prior_.push_back(&t);
    for (auto& t : trials) {
        trials_.push_back(std::move(t));
        const trial& added = trials_.back();
        all_.push_back(&added);
        ++counts_[static_cast<int>(added.state)];
        if (added.state == trial_state::queued) requeued_.push_back(added.number);
        if (is_finished(added.state)) {
            finished_.push_back(&added);  // samplers learn from earlier runs too
            note_finished(added);
        }
    }
    fatal_.reset();  // earlier runs' failures do not stop a resumed study by themselves
}

std::int64_t coordinator::count(trial_state s) const {
    return counts_[static_cast<int>(s)];
}

void coordinator::set_state(trial& t, trial_state s) {
    --counts_[static_cast<int>(t.state)];
    t.state = s;
    ++counts_[static_cast<int>(s)];
}

params coordinator::propose(const caviar::space& s) {
    std::vector<params> pending;
    for (const trial* t : all_)
        if (t->state == trial_state::running) pending.push_back(t->params);
    auto number = static_cast<std::int64_t>(trials_.size());
    sample_request req{.space = s,
                       .finished = finished_,
                       .pending = pending,
                       .prior = prior_,
                       .objective = cfg_.objective,
                       .number = number,
                       .seed = derive_seed(cfg_.seed, static_cast<std::uint64_t>(number)),
                       .budget = cfg_.budget};
    params p = sampler_.propose(req);
    if (!s.contains(p))
        throw std::runtime_error("proposed params outside the space: " + describe(p));
    return p;
}

std::optional<assignment> coordinator::next() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (stop_requested() || fatal_) return std::nullopt;
        if (cfg_.time_budget > 0 &&
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count() >=
                cfg_.time_budget) {
            out_of_time_ = true;
            return std::nullopt;
        }
        if (!requeued_.empty()) {
            trial& t = at(requeued_.front());
            requeued_.pop_front();
            set_state(t, trial_state::running);
            t.started_at = now();
            try {
                db_.update_trial(cfg_.study_id, t);
            } catch (const std::exception& e) {
                fail_study(std::string("store: ") + e.what());
                return std::nullopt;
            }
            notify();
            return assignment{t.number, t.params, t.seed, 0};
        }
        job j;
        try {
            j = strategy_.next(*this);
        } catch (const std::exception& e) {
            fail_study(std::string("strategy failed: ") + e.what());
            return std::nullopt;
        }
        switch (j.what) {
            case job::kind::start: {
                trial t;
                t.number = static_cast<std::int64_t>(trials_.size());
                t.seed = derive_seed(cfg_.seed, static_cast<std::uint64_t>(t.number));
                t.params = std::move(j.params);
                t.state = trial_state::running;
                t.origin = j.origin.empty() ? cfg_.sampler_name : j.origin;
                t.started_at = now();
                if (!cfg_.space.contains(t.params)) {
                    fail_study("strategy started a trial whose params do not match the space: " +
                               describe(t.params));
                    return std::nullopt;
                }
                try {
                    db_.insert_trial(cfg_.study_id, t);
                } catch (const std::exception& e) {
                    fail_study(std::string("store: ") + e.what());
                    return std::nullopt;
                }
                trials_.push_back(std::move(t));
                trial& added = trials_.back();
                all_.push_back(&added);
                ++counts_[static_cast<int>(trial_state::running)];
                notify();
                return assignment{added.number, added.params, added.seed, j.steps};
            }
            case job::kind::resume:
                fail_study("the strategy asked to resume paused trial " + std::to_string(j.trial) +
                           ": resuming paused trials is not supported yet");
                return std::nullopt;
            case job::kind::wait:
                if (count(trial_state::running) == 0) {
                    fail_study("the strategy waits while no trial is running");
                    return std::nullopt;
                }
                changed_.wait(lock);
                continue;
            case job::kind::done:
                return std::nullopt;
        }
    }
}

decision coordinator::report(std::int64_t number, std::int64_t step, const metrics& m) {
    std::lock_guard lock(mutex_);
    trial& t = at(number);
    t.curve.push_back({step, m});
    t.metrics = m;
    t.steps = step;
    try {
        db_.add_point(cfg_.study_id, number, t.curve.back());
    } catch (const std::exception& e) {
        fail_study(std::string("store: ") + e.what());
        return {decision::kind::prune, "store failure"};
    }
    decision d;
    try {
        d = strategy_.on_report(*this, t, step, m);
    } catch (const std::exception& e) {
        fail_study(std::string("strategy failed: ") + e.what());
        d = {decision::kind::prune, "strategy failure"};
    }
    notify();
    return d;
}

void coordinator::end(std::int64_t number, const outcome& o) {
    std::lock_guard lock(mutex_);
    trial& t = at(number);
    trial_state state = o.state;
    std::string error = o.error;
    t.value.reset();
    auto it = t.metrics.find(cfg_.objective.metric);
    if (state == trial_state::complete || state == trial_state::pruned ||
        state == trial_state::paused) {
        if (it == t.metrics.end()) {
            if (state == trial_state::complete) {
                std::string names;
                for (const auto& [k, v] : t.metrics) names += (names.empty() ? "" : ", ") + k;
                state = trial_state::failed;
                error = "the model reported no metric \"" + cfg_.objective.metric + "\"" +
                        (names.empty() ? std::string() : " (it reported " + names + ")");
            }
        } else if (!std::isfinite(it->second)) {
            if (state == trial_state::complete) {
                state = trial_state::failed;
                std::string others;
                for (const auto& [k, v] : t.metrics)
                    if (k != cfg_.objective.metric)
                        others += (others.empty() ? "" : ", ") + k + " = " + to_string(value{v});
                error = "objective " + cfg_.objective.metric + " is " +
                        to_string(value{it->second}) + " after step " + std::to_string(t.steps) +
                        (others.empty() ? std::string() : " (" + others + ")");
            }
        } else {
            t.value = it->second;
        }
    }
    set_state(t, state);
    t.error = error;
    t.finished_at = now();
    if (state == trial_state::failed) last_error_ = error;
    try {
        db_.update_trial(cfg_.study_id, t);
    } catch (const std::exception& e) {
        fail_study(std::string("store: ") + e.what());
    }
    if (is_finished(state)) {
        finished_.push_back(&t);
        note_finished(t);
    }
    try {
        strategy_.on_end(*this, t);
    } catch (const std::exception& e) {
        fail_study(std::string("strategy failed: ") + e.what());
    }
    if (progress_.complete + progress_.pruned == 0 && progress_.failed >= cfg_.fail_fast_after &&
        !fatal_)
        fail_study("the first " + std::to_string(progress_.failed) +
                   " trials all failed, stopping; the last error: " + last_error_);
    notify();
}

void coordinator::interrupt(std::int64_t number) {
    std::lock_guard lock(mutex_);
    trial& t = at(number);
    set_state(t, trial_state::queued);
    t.curve.clear();
    t.metrics.clear();
    t.value.reset();
    t.steps = 0;
    t.started_at = 0;
    t.error.clear();
    try {
        db_.clear_curve(cfg_.study_id, number);
        db_.update_trial(cfg_.study_id, t);
    } catch (const std::exception& e) {
        fail_study(std::string("store: ") + e.what());
    }
    requeued_.push_back(number);
    notify();
}

void coordinator::note_finished(const trial& t) {
    if (t.state == trial_state::complete) {
        ++progress_.complete;
        if (t.value &&
            (!progress_.best_value || cfg_.objective.better(*t.value, *progress_.best_value))) {
            progress_.best_value = t.value;
            progress_.best_trial = t.number;
        }
    } else if (t.state == trial_state::pruned) {
        ++progress_.pruned;
    } else if (t.state == trial_state::failed) {
        ++progress_.failed;
        if (last_error_.empty()) last_error_ = t.error;
    }
}

void coordinator::fail_study(std::string message) {
    if (!fatal_) fatal_ = std::move(message);
    changed_.notify_all();
}

void coordinator::notify() {
    if (observer_) {
        study_progress p = progress_;
        p.running = count(trial_state::running);
        p.queued = count(trial_state::queued);
        p.paused = count(trial_state::paused);
        observer_(p);
    }
    changed_.notify_all();
}

void coordinator::request_stop() {
    stop_.store(true, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    changed_.notify_all();
}

void coordinator::fail(std::string message) {
    std::lock_guard lock(mutex_);
    fail_study(std::move(message));
}

std::optional<std::string> coordinator::fatal_error() const {
    std::lock_guard lock(mutex_);
    return fatal_;
}

study_progress coordinator::progress() const {
    std::lock_guard lock(mutex_);
    study_progress p = progress_;
    p.running = count(trial_state::running);
    p.queued = count(trial_state::queued);
    p.paused = count(trial_state::paused);
    return p;
}

std::vector<trial> coordinator::snapshot() const {
    std::lock_guard lock(mutex_);
    return {trials_.begin(), trials_.end()};
}

}  // namespace caviar
