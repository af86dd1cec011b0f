#include "conformance/strategy_kit.hpp"

#include "run/coordinator.hpp"
#include "store/store.hpp"

#include <caviar/caviar.hpp>

#include <algorithm>
#include <cmath>
#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace caviar::conformance {

namespace {

// A synthetic training run: the loss falls toward a floor the params set, a high learning rate
// falls fast and plateaus high (curves cross, as early stopping must cope with), with a little
// seeded noise. `width` is its architecture param.
class kit_run final : public run {
public:
    kit_run(const params& p, std::uint64_t seed) : rng_(seed) { set(p); }

    metrics step() override {
        ++step_;
        loss_ -= std::min(0.9, 2 * lr_) * (loss_ - floor_);
        double noisy = loss_ + 0.005 * (unit_draw(rng_) - 0.5);
        return {{"loss", noisy}, {"accuracy", 1 - noisy}};
    }
    bool done() const override { return false; }  // the host stops it at max_steps
    void save(std::ostream& out) const override {
        out.precision(17);
        out << step_ << ' ' << loss_ << ' ' << rng_;
    }
    void load(std::istream& in) override {
        in >> step_ >> loss_ >> rng_;
        if (!in) throw std::runtime_error("kit model: unreadable checkpoint");
    }
    void update(const params& p) override { set(p); }

private:
    void set(const params& p) {
        lr_ = to_double(p.at("learning_rate"));
        double x = to_double(p.at("x"));
        floor_ = 0.02 + 0.5 * (x - 0.3) * (x - 0.3) + 0.3 * lr_ +
                 0.01 * static_cast<double>(std::get<std::int64_t>(p.at("width")));
    }

    rng rng_;
    std::int64_t step_ = 0;
    double loss_ = 1, lr_ = 0.1, floor_ = 0.1;
};

class kit_model final : public model {
public:
    kit_model(std::int64_t steps, model_capabilities caps) : steps_(steps), caps_(caps) {}
    std::unique_ptr<run> start(const params& p, std::uint64_t seed) const override {
        return std::make_unique<kit_run>(p, seed);
    }
    std::int64_t max_steps() const override { return steps_; }
    std::vector<std::string> metric_names() const override { return {"loss", "accuracy"}; }
    model_capabilities capabilities() const override { return caps_; }
    std::vector<std::string> architecture() const override { return {"width"}; }

private:
    std::int64_t steps_;
    model_capabilities caps_;
};

class uniform_sampler final : public sampler {
public:
    params propose(const sample_request& req) override {
        rng r(req.seed);
        std::vector<double> u(req.space.size());
        for (double& x : u) x = unit_draw(r);
        return req.space.from_unit(u);
    }
};

space kit_space() {
    return space({dimension::real("learning_rate", 0.01, 0.5, scale::log),
                  dimension::real("x", 0, 1), dimension::integer("width", 1, 3)});
}

// One worker of the simulated executor: the executor's rules (executor.cpp), one step a tick.
struct worker {
    std::optional<assignment> job;
    std::unique_ptr<run> r;
    std::int64_t step = 0, limit = 0;
};

struct variant {
    const char* name;
    model_capabilities caps;
};

class study_run {
public:
    study_run(strategy& strat, const variant& v, std::uint64_t seed, bool commands)
        : strat_(strat), variant_(v), rng_(seed), commands_(commands) {
        std::uniform_int_distribution<std::int64_t> budget(5, 14), steps(6, 27), workers(1, 3);
        budget_ = budget(rng_);
        steps_ = steps(rng_);
        workers_.resize(static_cast<std::size_t>(workers(rng_)));
        model_ = std::make_unique<kit_model>(steps_, v.caps);
        where_ = std::string(v.name) + " model, budget " + std::to_string(budget_) + ", " +
                 std::to_string(steps_) + " steps, " + std::to_string(workers_.size()) +
                 " workers, seed " + std::to_string(seed);
    }

    const std::string& where() const { return where_; }
    std::int64_t commands_sent() const { return commands_sent_; }

    // The study's problems (empty: it passed). nullopt: the strategy refused the study.
    std::optional<std::vector<std::string>> go(std::string& refusal) {
        const space sp = kit_space();
        const objective obj{.metric = "loss", .direction = direction::minimize};
        const auto arch = model_->architecture();
        try {
            strat_.prepare({.space = sp,
                            .objective = obj,
                            .budget = budget_,
                            .max_steps = steps_,
                            .capabilities = variant_.caps,
                            .architecture = arch});
        } catch (const std::invalid_argument& e) {
            refusal = e.what();
            return std::nullopt;
        }
        store db(store::memory);
        study_record rec;
        rec.name = "kit";
        rec.budget = budget_;
        rec.objective = obj;
        rec.space_hash = sp.hash();
        rec.space = sp.describe();
        rec.sampler = "uniform";
        rec.strategy = "under test";
        rec.model = "kit";
        rec = db.create_study(rec);
        uniform_sampler smp;
        study_config cfg{.study_id = rec.id,
                         .name = "kit",
                         .seed = rng_(),
                         .budget = budget_,
                         .max_steps = steps_,
                         .objective = obj,
                         .space = sp,
                         .sampler_name = "uniform",
                         .model_name = "kit",
                         .fail_fast_after = 10,
                         .time_budget = 0,
                         .prior = {},
                         .capabilities = variant_.caps,
                         .architecture = arch};
        coordinator c(cfg, db, smp, strat_, {}, {});
        simulate(c);
        c.close("the study ended");
        check(c, db, rec.id);
        return problems_;
    }

private:
    void problem(std::string text) { problems_.push_back(std::move(text)); }

    void simulate(coordinator& c) {
        bool done = false;
        for (std::int64_t tick = 0; tick < 20000; ++tick) {
            if (commands_) outside(c);
            // Idle workers ask for work, in order.
            for (auto& w : workers_) {
                if (w.job || done) continue;
                work got = c.try_next();
                if (got.what == work::kind::done) {
                    done = true;
                } else if (got.what == work::kind::run) {
                    start(c, w, std::move(got.job));
                } else if (c.waiting_for_person()) {
                    release_all(c);  // the person comes back: everything held goes on or ends
                }
            }
            if (auto& f = c.fatal_error()) {
                problem("the study failed: " + *f);
                return;
            }
            bool busy = std::any_of(workers_.begin(), workers_.end(),
                                    [](auto& w) { return w.job.has_value(); });
            if (!busy) {
                if (done) return;
                if (!c.waiting_for_person()) {
                    auto p = c.progress();
                    problem("no worker has work and the study is not done (" +
                            std::to_string(p.running) + " running, " + std::to_string(p.paused) +
                            " paused, " + std::to_string(p.held) + " held, " +
                            std::to_string(p.queued) + " queued, " + std::to_string(p.finished()) +
                            " finished)");
                    return;
                }
                continue;
            }
            for (auto& w : workers_)
                if (w.job) advance(c, w);
            done = false;  // reports may have made work
        }
        problem("the study did not end within 20000 steps");
    }

    void start(coordinator& c, worker& w, assignment a) {
        for (const auto& other : workers_)
            if (other.job && other.job->number == a.number)
                problem("trial " + std::to_string(a.number) + " was handed out while it ran");
        w.limit = a.steps > 0 ? std::min(a.steps, steps_) : steps_;
        w.step = a.first_step;
        w.r = model_->start(a.params, a.seed);
        if (a.checkpoint) {
            if (!variant_.caps.checkpoints())
                problem("trial " + std::to_string(a.number) +
                        " was handed a checkpoint by a model without checkpoints");
            std::istringstream in(*a.checkpoint);
            w.r->load(in);
            if (a.update) w.r->update(a.params);
        }
        if (w.step > 0 && w.step >= w.limit && w.limit < steps_)
            problem("trial " + std::to_string(a.number) + " was resumed at step " +
                    std::to_string(w.step) + " with a job of " + std::to_string(w.limit) +
                    " steps: nothing to run, and the host would end it complete");
        w.job = std::move(a);
        if (w.step > 0 && w.step >= w.limit) finish(c, w, trial_state::complete, {});
    }

    void advance(coordinator& c, worker& w) {
        metrics m = w.r->step();
        ++w.step;
        const bool last = w.step >= w.limit;
        decision d = c.report({.trial = w.job->number, .step = w.step, .metrics = m, .last = last});
        switch (d.what) {
            case decision::kind::go_on:
                if (!d.params.empty() && !last) {
                    if (!variant_.caps.update())
                        problem("trial " + std::to_string(w.job->number) +
                                " was given new params mid-run by a model without update");
                    w.r->update(d.params);
                }
                if (last) finish(c, w, trial_state::complete, {});
                break;
            case decision::kind::complete:
                finish(c, w, trial_state::complete, d.reason);
                break;
            case decision::kind::prune:
                finish(c, w, trial_state::pruned, d.reason);
                break;
            case decision::kind::pause: {
                std::optional<std::string> ck;
                if (variant_.caps.checkpoints()) {
                    std::ostringstream out;
                    w.r->save(out);
                    ck = std::move(out).str();
                }
                finish(c, w, trial_state::paused, d.reason, std::move(ck));
                break;
            }
        }
    }

    void finish(coordinator& c, worker& w, trial_state s, std::string reason,
                std::optional<std::string> ck = {}) {
        c.end({.trial = w.job->number,
               .state = s,
               .error = std::move(reason),
               .checkpoint = std::move(ck)});
        w.job.reset();
        w.r.reset();
    }

    // A person at the keyboard: now and then a command, about a trial chosen at random.
    void outside(coordinator& c) {
        std::uniform_real_distribution<double> u(0, 1);
        // What the person asked that has not happened yet (a refusal then is right).
        std::erase_if(resuming_,
                      [&](std::int64_t n) { return c.book().at(n).state != trial_state::paused; });
        std::erase_if(stopping_,
                      [&](std::int64_t n) { return c.book().at(n).state != trial_state::running; });
        if (u(rng_) > 0.15 || c.book().size() == 0) return;
        std::uniform_int_distribution<std::int64_t> pick(0, c.book().size() - 1);
        const trial& t = c.book().at(pick(rng_));
        command_record cmd;
        cmd.trial = t.number;
        const double what = u(rng_);
        std::string expect;  // a command that must not be refused, and why
        if (what < 0.3) {
            cmd.kind = command_kind::pause;
            if (t.state == trial_state::running && !stopping_.count(t.number))
                expect = "pause of a running trial";
        } else if (what < 0.5) {
            cmd.kind = command_kind::set;
            cmd.params = {{"learning_rate", 0.01 + 0.4 * u(rng_)}};
            if (t.state == trial_state::running && variant_.caps.update())
                expect = "set of a running trial's learning_rate";
            if (u(rng_) < 0.2) {  // an architecture change is always refused
                cmd.params = {{"width", std::get<std::int64_t>(t.params.at("width")) % 3 + 1}};
                expect.clear();
                if (t.state == trial_state::running && !c.apply(cmd))
                    problem("a change of architecture param width was accepted");
                return;
            }
        } else if (what < 0.7) {
            cmd.kind = command_kind::resume;
            if (u(rng_) < 0.5) cmd.params = {{"learning_rate", 0.01 + 0.4 * u(rng_)}};
            if (t.state == trial_state::paused && !resuming_.count(t.number))
                expect = "resume of a paused trial";
        } else if (what < 0.85) {
            cmd.kind = command_kind::prune;
            if (!is_finished(t.state))
                expect = "prune of a " + std::string(to_string(t.state)) + " trial";
        } else {
            cmd.kind = command_kind::budget;
            cmd.trial = -1;
            std::uniform_int_distribution<std::int64_t> change(-2, 3);
            cmd.amount = std::max<std::int64_t>(1, c.budget() + change(rng_));
            if (cmd.amount >= c.book().size())
                expect = "budget change to " + std::to_string(cmd.amount);
        }
        ++commands_sent_;
        auto why = c.apply(cmd);
        if (why && !expect.empty()) problem("a " + expect + " was refused: " + *why);
        if (!why && cmd.kind == command_kind::resume) resuming_.insert(t.number);
        if (!why && (cmd.kind == command_kind::pause || cmd.kind == command_kind::prune) &&
            t.state == trial_state::running)
            stopping_.insert(t.number);
    }

    void release_all(coordinator& c) {
        std::uniform_real_distribution<double> u(0, 1);
        for (std::int64_t n : std::set<std::int64_t>(c.book().held_trials())) {
            command_record cmd;
            cmd.trial = n;
            cmd.kind = u(rng_) < 0.75 ? command_kind::resume : command_kind::prune;
            if (resuming_.count(n)) continue;
            if (auto why = c.apply(cmd))
                problem("releasing held trial " + std::to_string(n) + " was refused: " + *why);
            else if (cmd.kind == command_kind::resume)
                resuming_.insert(n);
        }
    }

    // The invariants of a finished study, in the coordinator and in the store.
    void check(const coordinator& c, store& db, std::int64_t id) {
        if (!problems_.empty()) return;
        auto trials = db.load_trials(id);
        auto events = db.load_events(id);
        const auto budget = c.budget();
        if (static_cast<std::int64_t>(trials.size()) != budget)
            problem(std::to_string(trials.size()) + " trials for a budget of " +
                    std::to_string(budget));
        auto book = c.snapshot();
        for (std::size_t i = 0; i < trials.size(); ++i) {
            const trial& t = trials[i];
            const std::string who = "trial " + std::to_string(t.number);
            if (!is_finished(t.state))
                problem(who + " was left " + to_string(t.state) +
                        (t.state == trial_state::paused ? " (never resumed or pruned)" : ""));
            if (t.state == trial_state::complete && t.steps != steps_)
                problem(who + " is complete after " + std::to_string(t.steps) + " of " +
                        std::to_string(steps_) + " steps");
            if (static_cast<std::int64_t>(t.curve.size()) != t.steps)
                problem(who + " has " + std::to_string(t.curve.size()) + " curve points for " +
                        std::to_string(t.steps) + " steps");
            for (std::size_t k = 0; k < t.curve.size(); ++k)
                if (t.curve[k].step != static_cast<std::int64_t>(k) + 1) {
                    problem(who + "'s curve has step " + std::to_string(t.curve[k].step) +
                            " in place " + std::to_string(k + 1));
                    break;
                }
            if (i < book.size() && (book[i].state != t.state || book[i].steps != t.steps ||
                                    book[i].params != t.params))
                problem(who + " differs between the coordinator and the store");
        }
        // Events: at steps the trial reached, and every resume after a pause.
        std::map<std::int64_t, int> paused;
        for (const auto& e : events) {
            if (e.trial < 0 || e.trial >= static_cast<std::int64_t>(trials.size())) {
                problem("an event of trial " + std::to_string(e.trial) + ", which does not exist");
                continue;
            }
            if (e.step > steps_)
                problem("an event at step " + std::to_string(e.step) + " of " +
                        std::to_string(steps_));
            if (e.kind == "pause" || e.kind == "rollback") ++paused[e.trial];
            if ((e.kind == "resume" || e.kind == "exploit" || e.kind == "restart") &&
                paused[e.trial]-- <= 0)
                problem("trial " + std::to_string(e.trial) + ": a " + e.kind +
                        " event without a pause before it");
        }
        for (const auto& cmd : db.load_commands(id))
            if (cmd.state == "pending" || cmd.state == "accepted")
                problem("command " + std::to_string(cmd.seq) + " was left " + cmd.state);
    }

    strategy& strat_;
    variant variant_;
    rng rng_;
    bool commands_;
    std::int64_t budget_ = 0, steps_ = 0;
    std::vector<worker> workers_;
    std::unique_ptr<kit_model> model_;
    std::string where_;
    std::vector<std::string> problems_;
    std::int64_t commands_sent_ = 0;
    std::set<std::int64_t> resuming_, stopping_;
};

}  // namespace

report check_strategy(const std::function<std::shared_ptr<strategy>()>& make,
                      const strategy_kit_settings& settings) {
    report out;
    const variant variants[] = {
        {"checkpoints+update", {capability::checkpoints, capability::update}},
        {"checkpoints", {capability::checkpoints}},
        {"plain", {}}};
    const char* check_name = settings.commands ? "studies_steered_from_outside_stay_consistent"
                                               : "studies_alone_stay_consistent";
    std::size_t failed_before = out.failures.size();
    int refused = 0, ran = 0;
    std::int64_t commands = 0;
    for (const auto& v : variants)
        for (int k = 0; k < settings.seeds; ++k) {
            auto strat = make();
            study_run study(*strat, v,
                            settings.seed * 1000003 + static_cast<std::uint64_t>(k) * 7919 +
                                static_cast<std::uint64_t>(&v - variants),
                            settings.commands);
            std::string refusal;
            try {
                auto found = study.go(refusal);
                if (!found) {
                    if (refused++ == 0)
                        out.notes.push_back(std::string("refuses the ") + v.name +
                                            " model: " + refusal);
                    continue;
                }
                ++ran;
                commands += study.commands_sent();
                for (const auto& p : *found)
                    if (out.failures.size() - failed_before < 8)
                        out.failures.push_back({check_name, study.where() + ": " + p});
            } catch (const std::exception& e) {
                out.failures.push_back({check_name, study.where() + ": " + e.what()});
            }
        }
    if (ran == 0) out.failures.push_back({check_name, "the strategy refused every study"});
    out.notes.push_back(
        std::to_string(ran) + " studies ran" +
        (settings.commands ? ", " + std::to_string(commands) + " commands sent" : ""));
    if (out.failures.size() == failed_before) out.passed.push_back(check_name);
    return out;
}

}  // namespace caviar::conformance
