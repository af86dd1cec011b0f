// A study without a model or a store: drives a strategy the way the coordinator and its workers
// do, with learning curves from a function and every step costing one tick of simulated time.
// Strategy tests use it to check schedules (rungs, promotions, exploits, idle workers) without
// training anything; the integration tests in cli_test run the real thing.
#pragma once

#include <caviar/caviar.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar::testing {

/// The objective's value of params after `step` steps.
using curve_fn = std::function<double(const params&, std::int64_t step)>;

/// What happened, in order, for assertions: "start 3", "pause 3 @9", "resume 3 @9 ->27",
/// "restart 3", "exploit 3 <- 5 @10", "prune 3", "complete 3 @81".
struct sim_log {
    std::vector<std::string> lines;
    void add(std::string s) { lines.push_back(std::move(s)); }
    std::size_t count(const std::string& prefix) const {
        return static_cast<std::size_t>(std::count_if(
            lines.begin(), lines.end(), [&](auto& l) { return l.rfind(prefix, 0) == 0; }));
    }
};

class sim_study : public study_view {
public:
    struct config {
        caviar::space space;
        caviar::objective objective{.metric = "value", .direction = direction::minimize};
        std::int64_t budget = 10;
        std::int64_t max_steps = 27;
        model_capabilities capabilities{capability::checkpoints, capability::update};
        std::vector<std::string> architecture;
        std::uint64_t seed = 1;
    };

    explicit sim_study(config c) : cfg_(std::move(c)), rng_(cfg_.seed) {}

    // study_view
    const caviar::space& space() const override { return cfg_.space; }
    const caviar::objective& objective() const override { return cfg_.objective; }
    std::int64_t budget() const override { return cfg_.budget; }
    std::int64_t max_steps() const override { return cfg_.max_steps; }
    std::span<const trial* const> trials() const override { return view_; }
    std::int64_t count(trial_state s) const override {
        std::int64_t n = 0;
        for (const auto& t : trials_) n += t.state == s;
        return n;
    }
    params propose(const caviar::space& s) override {
        ++proposals;
        std::uniform_real_distribution<double> u(0.0, 1.0);
        std::vector<double> x(s.size());
        for (auto& xi : x) xi = u(rng_);
        params p = s.from_unit(x);
        if (!s.contains(p)) throw std::logic_error("sim: proposal outside the space");
        proposed_in.push_back(s.describe());
        return p;
    }
    std::uint64_t seed() const override { return cfg_.seed; }
    model_capabilities capabilities() const override { return cfg_.capabilities; }
    std::span<const std::string> architecture() const override { return cfg_.architecture; }
    bool held(std::int64_t) const override { return false; }
    void prune(std::int64_t number, std::string reason) override {
        trial& t = at(number);
        if (t.state != trial_state::paused) throw std::logic_error("prune: not paused");
        t.state = trial_state::pruned;
        t.error = std::move(reason);
        checkpoints_.erase(number);
        log.add("prune " + std::to_string(number));
    }

    trial& at(std::int64_t n) { return trials_.at(static_cast<std::size_t>(n)); }

    // The host's side.
    trial& start(const job& j) {
        if (!cfg_.space.contains(j.params)) throw std::logic_error("sim: start outside the space");
        auto& t = trials_.emplace_back();
        t.number = static_cast<std::int64_t>(trials_.size()) - 1;
        t.params = j.params;
        t.state = trial_state::running;
        t.origin = j.origin;
        t.attrs = j.attrs;
        view_.push_back(&t);
        log.add("start " + std::to_string(t.number));
        return t;
    }
    trial& resume(const job& j) {
        trial& t = at(j.trial);
        if (t.state != trial_state::paused)
            throw std::logic_error("sim: resume of trial " + std::to_string(j.trial) + ", " +
                                   to_string(t.state));
        if (j.from >= 0) {
            if (!checkpoints_.count(j.from))
                throw std::logic_error("sim: exploit of trial " + std::to_string(j.from) +
                                       " without a checkpoint");
            std::int64_t s = checkpoints_[j.from];
            log.add("exploit " + std::to_string(t.number) + " <- " + std::to_string(j.from) + " @" +
                    std::to_string(s));
            t.params = j.params.empty() ? at(j.from).params : j.params;
            if (!cfg_.space.contains(t.params)) throw std::logic_error("sim: exploit params");
            while (!t.curve.empty() && t.curve.back().step > std::min(s, t.steps))
                t.curve.pop_back();
            t.steps = s;
            checkpoints_[t.number] = s;
            exploits.push_back({t.number, j.from, s});
        } else if (cfg_.capabilities.checkpoints() && checkpoints_.count(t.number)) {
            log.add("resume " + std::to_string(t.number) + " @" + std::to_string(t.steps) + " ->" +
                    std::to_string(j.steps));
            if (!j.params.empty()) t.params = j.params;
        } else {
            log.add("restart " + std::to_string(t.number) + " ->" + std::to_string(j.steps));
            t.steps = 0;
            t.curve.clear();
            if (!j.params.empty()) t.params = j.params;
        }
        t.state = trial_state::running;
        return t;
    }
    decision report(trial& t, double v, strategy& strat) {
        ++t.steps;
        ++steps_total;
        metrics m{{cfg_.objective.metric, v}};
        t.curve.push_back({t.steps, m});
        t.metrics = m;
        t.value = v;
        return strat.on_report(*this, t, t.steps, m);
    }
    void end(trial& t, trial_state s, std::string reason, strategy& strat) {
        t.state = s;
        t.error = std::move(reason);
        if (s == trial_state::paused) {
            if (cfg_.capabilities.checkpoints()) checkpoints_[t.number] = t.steps;
            log.add("pause " + std::to_string(t.number) + " @" + std::to_string(t.steps));
        } else {
            checkpoints_.erase(t.number);
            log.add(std::string(to_string(s)) + " " + std::to_string(t.number) + " @" +
                    std::to_string(t.steps));
        }
        strat.on_end(*this, t);
    }

    struct exploit_record {
        std::int64_t trial, from, step;
    };
    sim_log log;
    std::vector<std::string> proposed_in;  // describe() of the space of each proposal
    std::vector<exploit_record> exploits;
    std::int64_t proposals = 0;
    std::int64_t steps_total = 0;

private:
    config cfg_;
    std::mt19937_64 rng_;
    std::deque<trial> trials_;  // stable addresses
    std::vector<const trial*> view_;
    std::map<std::int64_t, std::int64_t> checkpoints_;  // trial -> step
};

struct sim_result {
    std::int64_t ticks = 0;       // simulated time until the study was over
    std::int64_t idle_ticks = 0;  // worker-ticks spent without a trial
    double idle_share() const {
        return ticks == 0 ? 0.0 : static_cast<double>(idle_ticks) / static_cast<double>(ticks);
    }
};

/// Runs the study to its end with `workers` workers, each step one tick. A worker's job ends
/// at the job's step budget, the model's max_steps, or the strategy's decision. Throws
/// std::logic_error on a schedule no host would accept (waiting with nothing running, ...).
inline sim_result simulate(strategy& strat, sim_study& study, int workers, const curve_fn& curve,
                           std::int64_t max_ticks = 1'000'000) {
    struct slot {
        trial* t = nullptr;
        std::int64_t limit = 0;
    };
    std::vector<slot> slots(static_cast<std::size_t>(workers));
    sim_result r;
    bool done = false;
    for (;;) {
        // Idle workers ask for work, in order.
        for (auto& s : slots) {
            if (s.t || done) continue;
            job j = strat.next(study);
            if (j.what == job::kind::done) {
                done = true;
            } else if (j.what == job::kind::wait) {
                if (study.count(trial_state::running) == 0)
                    throw std::logic_error("sim: the strategy waits while nothing runs");
            } else {
                trial& t = j.what == job::kind::start ? study.start(j) : study.resume(j);
                s.t = &t;
                s.limit = j.steps > 0 ? std::min(j.steps, study.max_steps()) : study.max_steps();
                if (t.steps >= s.limit) throw std::logic_error("sim: job with nothing to run");
            }
        }
        bool busy = std::any_of(slots.begin(), slots.end(), [](auto& s) { return s.t; });
        if (!busy) {
            if (done) return r;
            throw std::logic_error("sim: no worker busy and the study not done");
        }
        ++r.ticks;
        if (r.ticks > max_ticks) throw std::logic_error("sim: too many ticks");
        for (auto& s : slots) {
            if (!s.t) {
                ++r.idle_ticks;
                continue;
            }
            trial& t = *s.t;
            decision d = study.report(t, curve(t.params, t.steps + 1), strat);
            trial_state end = trial_state::running;
            if (d.what == decision::kind::complete) end = trial_state::complete;
            if (d.what == decision::kind::prune) end = trial_state::pruned;
            if (d.what == decision::kind::pause) end = trial_state::paused;
            if (end == trial_state::running && t.steps >= s.limit) end = trial_state::complete;
            if (end != trial_state::running) {
                study.end(t, end, d.reason, strat);
                s.t = nullptr;
            }
        }
        // A worker freed this tick may find work the others' reports made available.
        done = false;
    }
}

}  // namespace caviar::testing
