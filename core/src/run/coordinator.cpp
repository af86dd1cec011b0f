#include "run/coordinator.hpp"

#include <caviar/seed.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

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

assignment assign(const trial& t, std::int64_t steps) {
    assignment a;
    a.number = t.number;
    a.params = t.params;
    a.seed = t.seed;
    a.steps = steps;
    return a;
}

nlohmann::json to_json(const params& p) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : p) std::visit([&](const auto& x) { out[k] = x; }, v);
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
    // A narrowed space (coarse to fine) is shown only the trials inside it: samplers map the
    // history into s's unit cube, where trials outside it would fall off [0, 1].
    const bool narrowed = &s != &cfg_.space && s.hash() != cfg_.space.hash();
    std::vector<const trial*> inside;
    if (narrowed)
        for (const trial* t : finished_)
            if (s.contains(t->params)) inside.push_back(t);
    std::vector<params> pending;
    for (const trial* t : all_)
        if (t->state == trial_state::running && (!narrowed || s.contains(t->params)))
            pending.push_back(t->params);
    auto number = static_cast<std::int64_t>(trials_.size());
    // Several proposals before the next trial starts (a strategy drawing candidates) get
    // different seeds; the first keeps the seed of the trial number, as it always had.
    if (number != proposal_number_) proposal_number_ = number, proposal_calls_ = 0;
    std::uint64_t seed = derive_seed(cfg_.seed, static_cast<std::uint64_t>(number));
    if (proposal_calls_ > 0) seed = derive_seed(seed, static_cast<std::uint64_t>(proposal_calls_));
    ++proposal_calls_;
    sample_request req{.space = s,
                       .finished = narrowed ? std::span<const trial* const>(inside)
                                            : std::span<const trial* const>(finished_),
                       .pending = pending,
                       .prior = prior_,
                       .objective = cfg_.objective,
                       .number = number,
                       .seed = seed,
                       .budget = cfg_.budget,
                       .study_seed = cfg_.seed};
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
            return assign(t, 0);
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
                t.attrs = std::move(j.attrs);
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
                return assign(added, j.steps);
            }
            case job::kind::resume:
                return resume(j);
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

decision coordinator::report(std::int64_t number, std::int64_t step, const metrics& m, bool last) {
    std::lock_guard lock(mutex_);
    trial& t = at(number);
    t.curve.push_back({step, m});
    t.metrics = m;
    t.steps = step;
    try {
        if (last)
            unwritten_.insert(number);
        else
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
        // The checkpoint first: a process killed in between leaves a running trial with a
        // checkpoint, which the next run rolls back to paused; never a paused one without.
        if (state == trial_state::paused && o.checkpoint)
            db_.save_checkpoint(cfg_.study_id, number, {t.steps, *o.checkpoint});
        bool point = unwritten_.erase(number) > 0 && !t.curve.empty();
        db_.update_trial(cfg_.study_id, t, point ? &t.curve.back() : nullptr);
        if (state == trial_state::paused) {
            nlohmann::json d = {{"reason", error}, {"checkpoint", o.checkpoint.has_value()}};
            event(t, "pause", d.dump());
        } else if (state == trial_state::pruned) {
            event(t, "prune", nlohmann::json{{"reason", error}}.dump());
        }
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
    unwritten_.erase(number);  // (never set here: a last step is followed by end())
    std::optional<std::int64_t> saved;
    try {
        if (cfg_.capabilities.checkpoints) saved = db_.checkpoint_step(cfg_.study_id, number);
    } catch (const std::exception& e) {
        fail_study(std::string("store: ") + e.what());
    }
    if (saved) {
        // Work since the checkpoint is lost; the strategy resumes the trial from it.
        event(t, "rollback", nlohmann::json{{"from_step", t.steps}}.dump());
        truncate(t, *saved);
        set_state(t, trial_state::paused);
        t.error = "interrupted; resumes from its checkpoint";
        t.value.reset();
        if (auto it = t.metrics.find(cfg_.objective.metric);
            it != t.metrics.end() && std::isfinite(it->second))
            t.value = it->second;
        try {
            db_.update_trial(cfg_.study_id, t);
        } catch (const std::exception& e) {
            fail_study(std::string("store: ") + e.what());
        }
        notify();
        return;
    }
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

// A paused trial back to running: from its own checkpoint, another trial's (exploit), or from
// step 0 when there is none (a model without checkpoints).
std::optional<assignment> coordinator::resume(const job& j) {
    auto n = static_cast<std::int64_t>(trials_.size());
    if (j.trial < 0 || j.trial >= n) {
        fail_study("the strategy asked to resume trial " + std::to_string(j.trial) +
                   ", which does not exist");
        return std::nullopt;
    }
    trial& t = at(j.trial);
    if (t.state != trial_state::paused) {
        fail_study("the strategy asked to resume trial " + std::to_string(j.trial) + ", which is " +
                   to_string(t.state) + ", not paused");
        return std::nullopt;
    }
    if (j.from >= 0 && (j.from >= n || j.from == j.trial)) {
        fail_study("the strategy asked trial " + std::to_string(j.trial) +
                   " to continue from trial " + std::to_string(j.from) + "'s checkpoint");
        return std::nullopt;
    }
    params next = j.params;
    if (next.empty() && j.from >= 0) next = at(j.from).params;
    if (!next.empty() && !cfg_.space.contains(next)) {
        fail_study("the strategy resumed trial " + std::to_string(j.trial) +
                   " with params that do not match the space: " + describe(next));
        return std::nullopt;
    }
    assignment a = assign(t, j.steps);
    try {
        std::optional<checkpoint_record> ck;
        if (j.from >= 0) {
            if (!cfg_.capabilities.checkpoints) {
                fail_study("the strategy asked trial " + std::to_string(j.trial) +
                           " to continue from another trial's checkpoint, but the model has no "
                           "checkpoints");
                return std::nullopt;
            }
            ck = db_.load_checkpoint(cfg_.study_id, j.from);
            if (!ck) {
                fail_study("the strategy asked trial " + std::to_string(j.trial) +
                           " to continue from trial " + std::to_string(j.from) +
                           ", which has no checkpoint");
                return std::nullopt;
            }
            event(t, "exploit",
                  nlohmann::json{{"from", j.from},
                                 {"from_step", ck->step},
                                 {"old", to_json(t.params)},
                                 {"new", to_json(next)}}
                      .dump());
            t.params = next;
            db_.update_params(cfg_.study_id, t);
            // The copy is this trial's own now: an interrupt rolls back to it.
            db_.save_checkpoint(cfg_.study_id, t.number, *ck);
            truncate(t, std::min(t.steps, ck->step));
            t.steps = ck->step;
            a.update = cfg_.capabilities.update;
        } else {
            if (!next.empty() && next != t.params) {
                for (const auto& name : cfg_.architecture) {
                    auto before = t.params.find(name), after = next.find(name);
                    bool same = (before == t.params.end()) == (after == next.end()) &&
                                (before == t.params.end() || before->second == after->second);
                    if (!same && cfg_.capabilities.checkpoints) {
                        fail_study("the strategy resumed trial " + std::to_string(j.trial) +
                                   " with a new value of architecture param " + name);
                        return std::nullopt;
                    }
                }
                event(t, "update",
                      nlohmann::json{{"old", to_json(t.params)}, {"new", to_json(next)}}.dump());
                t.params = next;
                db_.update_params(cfg_.study_id, t);
                a.update = cfg_.capabilities.update;
            }
            if (cfg_.capabilities.checkpoints) ck = db_.load_checkpoint(cfg_.study_id, t.number);
            if (ck) {
                event(t, "resume", nlohmann::json{{"from_step", ck->step}}.dump());
                truncate(t, ck->step);
            } else {
                event(t, "restart",
                      nlohmann::json{{"from_step", t.steps},
                                     {"reason", cfg_.capabilities.checkpoints
                                                    ? "no checkpoint was saved"
                                                    : "the model has no checkpoints"}}
                          .dump());
                truncate(t, 0);
                db_.clear_curve(cfg_.study_id, t.number);
            }
        }
        a.params = t.params;
        if (ck) {
            a.first_step = ck->step;
            a.checkpoint = std::move(ck->bytes);
        } else {
            a.update = false;  // a fresh run starts with these params already
        }
        set_state(t, trial_state::running);
        t.error.clear();
        t.finished_at = 0;
        db_.update_trial(cfg_.study_id, t);
    } catch (const std::exception& e) {
        fail_study(std::string("store: ") + e.what());
        return std::nullopt;
    }
    notify();
    return a;
}

// Drops the curve points after `step` (memory and store); metrics become that step's.
void coordinator::truncate(trial& t, std::int64_t step) {
    while (!t.curve.empty() && t.curve.back().step > step) t.curve.pop_back();
    t.steps = step;
    t.metrics = t.curve.empty() ? metrics{} : t.curve.back().metrics;
    if (step > 0) db_.truncate_curve(cfg_.study_id, t.number, step);
}

void coordinator::event(const trial& t, std::string kind, std::string detail) {
    db_.add_event(cfg_.study_id, {t.number, t.steps, std::move(kind), std::move(detail), now()});
}

void coordinator::prune(std::int64_t number, std::string reason) {
    if (number < 0 || number >= static_cast<std::int64_t>(trials_.size()) ||
        at(number).state != trial_state::paused)
        throw std::logic_error("prune(" + std::to_string(number) +
                               "): only a paused trial can be pruned");
    trial& t = at(number);
    set_state(t, trial_state::pruned);
    t.error = std::move(reason);
    t.finished_at = now();
    db_.update_trial(cfg_.study_id, t);
    event(t, "prune", nlohmann::json{{"reason", t.error}}.dump());
    finished_.push_back(&t);
    note_finished(t);
    notify();
}

}  // namespace caviar
