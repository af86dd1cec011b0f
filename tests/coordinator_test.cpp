// The real coordinator driven in-process, one call at a time, over an in-memory store: the work
// queue's operations, recovery of interrupted trials, resume plans, and commands from outside
// applied at step boundaries. Plugins are small in-test classes, so each case controls exactly
// what the strategy asks for.
#define BOOST_TEST_MODULE coordinator
#include <boost/test/unit_test.hpp>

#include "run/coordinator.hpp"
#include "run/messages.hpp"
#include "run/resume_plan.hpp"
#include "store/store.hpp"
#include "support/print.hpp"

#include <caviar/caviar.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

using namespace caviar;

namespace {

class uniform_sampler final : public sampler {
public:
    params propose(const sample_request& req) override {
        rng r(req.seed);
        std::vector<double> u(req.space.size());
        for (double& x : u) x = unit_draw(r);
        return req.space.from_unit(u);
    }
};

// Runs the budget like batch; pauses every trial once at `pause_at` (0: never) and resumes paused
// trials it did not hand to a person. Records what it saw.
class test_strategy final : public strategy {
public:
    std::int64_t pause_at = 0;
    std::vector<std::string> seen;

    job next(study_view& s) override {
        for (const trial* t : s.trials())
            if (t->state == trial_state::paused && !s.held(t->number) &&
                !resumed_.count(t->number)) {
                resumed_.insert(t->number);
                job j = job::of(job::kind::resume);
                j.trial = t->number;
                return j;
            }
        if (static_cast<std::int64_t>(s.trials().size()) < s.budget()) {
            job j = job::of(job::kind::start);
            j.params = s.propose(s.space());
            return j;
        }
        if (s.count(trial_state::running) + s.count(trial_state::queued) +
                s.count(trial_state::paused) >
            0)
            return job::of(job::kind::wait);
        return job::of(job::kind::done);
    }
    decision on_report(study_view&, const trial& t, std::int64_t step, const metrics&) override {
        seen.push_back("report " + std::to_string(t.number) + " @" + std::to_string(step));
        if (pause_at > 0 && step == pause_at && !resumed_.count(t.number))
            return {decision::kind::pause, "test pause", {}};
        return {};
    }
    void on_end(study_view&, const trial& t) override {
        seen.push_back(std::string("end ") + std::to_string(t.number) + " " + to_string(t.state));
    }

private:
    std::set<std::int64_t> resumed_;
};

space test_space() {
    return space({dimension::real("learning_rate", 0.001, 1.0, scale::log),
                  dimension::integer("layers", 1, 4)});
}

struct harness {
    store db{store::memory};
    study_record study;
    uniform_sampler smp;
    test_strategy strat;
    study_config cfg;
    std::unique_ptr<coordinator> c;

    explicit harness(std::int64_t budget = 3,
                     model_capabilities caps = {capability::checkpoints, capability::update}) {
        study.name = "s";
        study.budget = budget;
        study.objective = {"loss", direction::minimize};
        study.space_hash = test_space().hash();
        study.space = test_space().describe();
        study.sampler = "uniform";
        study.strategy = "test";
        study.model = "toy";
        study = db.create_study(study);
        cfg.study_id = study.id;
        cfg.name = "s";
        cfg.seed = 11;
        cfg.budget = budget;
        cfg.max_steps = 10;
        cfg.objective = study.objective;
        cfg.space = test_space();
        cfg.sampler_name = "uniform";
        cfg.model_name = "toy";
        cfg.capabilities = caps;
        cfg.architecture = {"layers"};
    }
    coordinator& open() {
        c = std::make_unique<coordinator>(cfg, db, smp, strat, db.load_trials(study.id),
                                          db.load_events(study.id));
        return *c;
    }
    assignment next() {
        work w = c->try_next();
        BOOST_TEST_REQUIRE((w.what == work::kind::run));
        return w.job;
    }
    decision step(const assignment& a, std::int64_t step, double loss, bool last = false) {
        return c->report(
            {.trial = a.number, .step = step, .metrics = {{"loss", loss}}, .last = last});
    }
    trial stored(std::int64_t n) {
        return db.load_trials(study.id).at(static_cast<std::size_t>(n));
    }
    std::vector<trial_event> events_of(std::int64_t n) {
        std::vector<trial_event> out;
        for (auto& e : db.load_events(study.id))
            if (e.trial == n) out.push_back(e);
        return out;
    }
    std::int64_t post(command_record c) { return db.post_command(study.id, c); }
    command_record command(std::int64_t seq) { return *db.find_command(seq); }
};

command_record cmd(command_kind k, std::int64_t trial = -1, params p = {}) {
    command_record c;
    c.kind = k;
    c.trial = trial;
    c.params = std::move(p);
    return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(work_queue_operations)

BOOST_AUTO_TEST_CASE(runs_the_budget_and_records_each_trial_in_the_store) {
    harness h(2);
    auto& c = h.open();
    auto a = h.next(), b = h.next();
    BOOST_TEST(a.number == 0);
    BOOST_TEST(b.number == 1);
    BOOST_TEST(a.seed == derive_seed(11, 0));
    BOOST_TEST((c.try_next().what == work::kind::wait));  // budget spent, two running
    BOOST_TEST(h.stored(0).state == trial_state::running);
    h.step(a, 1, 0.5);
    h.step(a, 2, 0.25, true);
    c.end({.trial = 0, .state = trial_state::complete});
    auto t = h.stored(0);
    BOOST_TEST((t.state == trial_state::complete));
    BOOST_TEST(t.curve.size() == 2u);  // the last point was written with the end
    BOOST_TEST(*t.value == 0.25);
    c.end({.trial = 1, .state = trial_state::failed, .error = "boom"});
    BOOST_TEST((c.try_next().what == work::kind::done));
    auto p = c.progress();
    BOOST_TEST(p.complete == 1);
    BOOST_TEST(p.failed == 1);
    BOOST_TEST(p.best_trial == 0);
}

BOOST_AUTO_TEST_CASE(a_complete_run_without_its_objective_fails) {
    harness h(1);
    auto& c = h.open();
    auto a = h.next();
    c.report({.trial = a.number, .step = 1, .metrics = {{"acc", 0.5}}, .last = true});
    c.end({.trial = 0, .state = trial_state::complete});
    auto t = h.stored(0);
    BOOST_TEST((t.state == trial_state::failed));
    BOOST_TEST(t.error == "the model reported no metric \"loss\" (it reported acc)");
}

BOOST_AUTO_TEST_CASE(a_pause_saves_the_checkpoint_and_a_resume_hands_it_back) {
    harness h(1);
    h.strat.pause_at = 2;
    auto& c = h.open();
    auto a = h.next();
    h.step(a, 1, 0.5);
    auto d = h.step(a, 2, 0.4);
    BOOST_TEST((d.what == decision::kind::pause));
    c.end({.trial = 0, .state = trial_state::paused, .error = d.reason, .checkpoint = "weights@2"});
    BOOST_TEST(h.db.checkpoint_step(h.study.id, 0).value_or(-1) == 2);
    auto r = h.next();  // the strategy resumes it
    BOOST_TEST(r.number == 0);
    BOOST_TEST_REQUIRE(r.checkpoint.has_value());
    BOOST_TEST(*r.checkpoint == "weights@2");
    BOOST_TEST(r.first_step == 2);
    BOOST_TEST(r.update);  // the run takes the trial's params as the store has them
    auto kinds = h.events_of(0);
    BOOST_TEST_REQUIRE(kinds.size() == 2u);
    BOOST_TEST(kinds[0].kind == "pause");
    BOOST_TEST(kinds[1].kind == "resume");
    BOOST_TEST(kinds[1].source == "strategy");
}

BOOST_AUTO_TEST_CASE(an_interrupted_trial_rolls_back_to_its_checkpoint_or_requeues) {
    harness h(2);
    h.strat.pause_at = 2;
    auto& c = h.open();
    auto a = h.next(), b = h.next();
    h.step(a, 1, 0.5);
    h.step(a, 2, 0.4);
    c.end({.trial = 0, .state = trial_state::paused, .error = "p", .checkpoint = "w"});
    auto r = h.next();  // resumed from step 2
    h.step(r, 3, 0.3);
    h.step(b, 1, 0.9);
    c.request_stop();
    c.interrupt(0);
    c.interrupt(1);
    auto t0 = h.stored(0), t1 = h.stored(1);
    BOOST_TEST((t0.state == trial_state::paused));
    BOOST_TEST(t0.steps == 2);
    BOOST_TEST(t0.curve.size() == 2u);
    BOOST_TEST(*t0.value == 0.4);
    BOOST_TEST(t0.error == "interrupted; resumes from its checkpoint");
    BOOST_TEST((t1.state == trial_state::queued));
    BOOST_TEST(t1.curve.empty());
    BOOST_TEST(t1.steps == 0);
    auto ev = h.events_of(0);
    BOOST_TEST(ev.back().kind == "rollback");
    BOOST_TEST(ev.back().source == "host");
    BOOST_TEST(ev.back().step == 2);
    BOOST_TEST((c.try_next().what == work::kind::done));  // stopping
}

BOOST_AUTO_TEST_CASE(opening_a_study_recovers_what_a_killed_process_left) {
    harness h(6);
    const trial_state states[] = {trial_state::running,  trial_state::queued, trial_state::paused,
                                  trial_state::complete, trial_state::pruned, trial_state::running};
    for (std::int64_t n = 0; n < 6; ++n) {
        trial t;
        t.number = n;
        t.state = states[n];
        t.params = {{"learning_rate", 0.01}, {"layers", std::int64_t{2}}};
        t.error = "something";
        t.steps = 5;
        h.db.insert_trial(h.study.id, t);
        for (std::int64_t s = 1; s <= 5; ++s)
            h.db.add_point(h.study.id, n, {s, {{"loss", 1.0 / double(s)}}});
    }
    h.db.save_checkpoint(h.study.id, 5, {3, "at 3"});
    auto& c = h.open();
    BOOST_TEST(c.recovered().requeued == 1);  // trial 0; trial 1 was only queued
    BOOST_TEST(c.recovered().rolled_back == 1);
    BOOST_TEST(c.recovered().finished == 2);
    auto trials = h.db.load_trials(h.study.id);
    for (std::int64_t n : {0, 1}) {
        const trial& t = trials[static_cast<std::size_t>(n)];
        BOOST_TEST((t.state == trial_state::queued));
        BOOST_TEST(t.curve.empty());
        BOOST_TEST(t.metrics.empty());
        BOOST_TEST(t.steps == 0);
        BOOST_TEST(t.error.empty());
        BOOST_TEST(t.params.size() == 2u);  // same params and number, to run again
    }
    for (std::int64_t n : {2, 3, 4}) {
        BOOST_TEST((trials[static_cast<std::size_t>(n)].state == states[n]));
        BOOST_TEST(trials[static_cast<std::size_t>(n)].curve.size() == 5u);
    }
    const trial& back = trials[5];
    BOOST_TEST((back.state == trial_state::paused));
    BOOST_TEST(back.steps == 3);
    BOOST_TEST(back.curve.size() == 3u);
    BOOST_TEST(*back.value == 1.0 / 3, boost::test_tools::tolerance(1e-12));
    // Queued trials run first, in number order.
    BOOST_TEST(h.next().number == 0);
    BOOST_TEST(h.next().number == 1);
}

BOOST_AUTO_TEST_CASE(a_strategy_that_waits_with_nothing_running_fails_the_study) {
    harness h(0);
    auto& c = h.open();
    h.strat.pause_at = 0;
    // budget 0 and nothing in the study: the test strategy says done at once.
    BOOST_TEST((c.try_next().what == work::kind::done));
    BOOST_TEST(!c.fatal_error());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(commands)

BOOST_AUTO_TEST_CASE(pause_stops_a_running_trial_at_its_next_step_and_holds_it) {
    harness h(1);
    auto& c = h.open();
    auto a = h.next();
    h.step(a, 1, 0.5);
    auto seq = h.post(cmd(command_kind::pause, 0));
    BOOST_TEST(c.poll_commands());
    BOOST_TEST(h.command(seq).state == "accepted");
    auto d = h.step(a, 2, 0.4);
    BOOST_TEST((d.what == decision::kind::pause));
    BOOST_TEST(d.reason == "manual");
    c.end({.trial = 0, .state = trial_state::paused, .error = d.reason, .checkpoint = "w2"});
    BOOST_TEST(h.command(seq).state == "applied");
    BOOST_TEST(h.command(seq).result.find("paused at step 2") != std::string::npos);
    BOOST_TEST(c.book().held(0));
    auto ev = h.events_of(0);
    BOOST_TEST(ev.back().kind == "pause");
    BOOST_TEST(ev.back().source == "manual");
    // The strategy leaves a held trial alone, and with nothing else to do the study waits for
    // the person instead of ending.
    BOOST_TEST((c.try_next().what == work::kind::wait));
    BOOST_TEST(c.waiting_for_person());
    BOOST_TEST(!c.fatal_error());
    // resume hands it out from its checkpoint, with the job it had.
    auto r = h.post(cmd(command_kind::resume, 0));
    c.poll_commands();
    auto job = h.next();
    BOOST_TEST(job.number == 0);
    BOOST_TEST(*job.checkpoint == "w2");
    BOOST_TEST(job.first_step == 2);
    BOOST_TEST(h.command(r).state == "applied");
    BOOST_TEST(!c.book().held(0));
    BOOST_TEST(h.events_of(0).back().source == "manual");
}

BOOST_AUTO_TEST_CASE(set_changes_params_at_the_next_step_without_a_pause) {
    harness h(1);
    auto& c = h.open();
    auto a = h.next();
    const double old_lr = std::get<double>(a.params.at("learning_rate"));
    auto seq = h.post(cmd(command_kind::set, 0, {{"learning_rate", 0.01}}));
    c.poll_commands();
    auto d = h.step(a, 1, 0.5);
    BOOST_TEST((d.what == decision::kind::go_on));
    BOOST_TEST(std::get<double>(d.params.at("learning_rate")) == 0.01);
    BOOST_TEST(d.params.count("layers") == 1u);  // the worker gets all of them
    BOOST_TEST(std::get<double>(h.stored(0).params.at("learning_rate")) == 0.01);
    auto cm = h.command(seq);
    BOOST_TEST(cm.state == "applied");
    BOOST_TEST(cm.result.starts_with("trial 0: learning_rate "), cm.result);
    BOOST_TEST(cm.result.ends_with(" → 0.01 at step 1"), cm.result);
    BOOST_TEST(old_lr != 0.01);
    auto ev = h.events_of(0);
    BOOST_TEST_REQUIRE(ev.size() == 1u);
    BOOST_TEST(ev[0].kind == "update");
    BOOST_TEST(ev[0].source == "manual");
    BOOST_TEST(ev[0].step == 1);
}

BOOST_AUTO_TEST_CASE(a_restart_with_new_params_drops_the_old_runs_checkpoint) {
    harness h(1, {capability::checkpoints});  // checkpoints, no update
    auto& c = h.open();
    auto a = h.next();
    c.apply(cmd(command_kind::pause, 0));
    auto d = h.step(a, 1, 0.5);
    c.end({.trial = 0, .state = trial_state::paused, .error = d.reason, .checkpoint = "old run"});
    BOOST_TEST(h.db.checkpoint_step(h.study.id, 0).has_value());
    BOOST_TEST(!c.apply(cmd(command_kind::resume, 0, {{"learning_rate", 0.02}})));
    auto r = h.next();
    BOOST_TEST(!r.checkpoint);
    BOOST_TEST(r.first_step == 0);
    // Interrupted now, it goes back to queued (from step 0), not to the old run at step 1.
    BOOST_TEST(!h.db.checkpoint_step(h.study.id, 0).has_value());
    c.request_stop();
    c.interrupt(0);
    BOOST_TEST(h.stored(0).state == trial_state::queued);
}

BOOST_AUTO_TEST_CASE(commands_that_break_a_rule_are_refused_with_the_rule) {
    harness h(2, {capability::checkpoints});  // no update
    auto& c = h.open();
    auto a = h.next();
    (void)a;
    auto no_update = h.post(cmd(command_kind::set, 0, {{"learning_rate", 0.01}}));
    auto arch = h.post(cmd(command_kind::resume, 0, {{"layers", std::int64_t{3}}}));
    auto unknown = h.post(cmd(command_kind::pause, 9));
    auto outside = h.post(cmd(command_kind::budget, -1));
    c.poll_commands();
    BOOST_TEST(h.command(no_update).state == "refused");
    BOOST_TEST(h.command(no_update).result.find("cannot change params mid-run") !=
               std::string::npos);
    BOOST_TEST(h.command(arch).result ==
               "trial 0 is running, not paused: only a paused trial resumes");
    BOOST_TEST(h.command(unknown).result == "no trial 9 in the study (it has trials 0 to 0)");
    BOOST_TEST(h.command(outside).state == "refused");
    // An architecture param never changes mid-run.
    harness g(1);
    auto& c2 = g.open();
    auto running = g.next();
    std::int64_t other = std::get<std::int64_t>(running.params.at("layers")) % 4 + 1;
    auto why = c2.apply(cmd(command_kind::set, 0, {{"layers", other}}));
    BOOST_TEST_REQUIRE(why.has_value());
    BOOST_TEST(*why ==
               "layers is architecture for model toy: a running trial keeps it; enqueue a "
               "new trial instead");
    why = c2.apply(cmd(command_kind::set, 0, {{"learning_rate", 5.0}}));
    BOOST_TEST(why->find("outside its dimension") != std::string::npos);
    why = c2.apply(cmd(command_kind::set, 0, {{"lr", 0.1}}));
    BOOST_TEST(why->find("no param \"lr\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(prune_ends_a_running_paused_or_queued_trial) {
    harness h(3);
    h.strat.pause_at = 1;
    auto& c = h.open();
    auto a = h.next(), b = h.next();
    auto d = h.step(b, 1, 0.5);
    c.end({.trial = b.number, .state = trial_state::paused, .error = d.reason, .checkpoint = "w"});
    BOOST_TEST(!c.apply(cmd(command_kind::prune, 0)));
    BOOST_TEST(!c.apply(cmd(command_kind::prune, 1)));  // paused: pruned at once
    BOOST_TEST(h.stored(1).state == trial_state::pruned);
    BOOST_TEST(!h.db.checkpoint_step(h.study.id, 1));
    d = h.step(a, 1, 0.7);
    BOOST_TEST((d.what == decision::kind::prune));
    c.end({.trial = 0, .state = trial_state::pruned, .error = d.reason});
    auto t = h.stored(0);
    BOOST_TEST((t.state == trial_state::pruned));
    BOOST_TEST(t.error == "manual");
    BOOST_TEST(h.events_of(0).back().source == "manual");
    // A trial enqueued from outside is queued and runs before new ones; pruned while queued, it
    // never runs.
    BOOST_TEST(!c.apply(cmd(command_kind::budget, -1, {})) == false);  // below 1
    command_record grow = cmd(command_kind::budget);
    grow.amount = 5;
    BOOST_TEST(!c.apply(grow));
    BOOST_TEST(c.budget() == 5);
    BOOST_TEST(h.db.find_study("s")->budget == 5);
    BOOST_TEST(!c.apply(
        cmd(command_kind::enqueue, -1, {{"learning_rate", 0.5}, {"layers", std::int64_t{1}}})));
    BOOST_TEST(h.stored(2).origin == "enqueued");
    BOOST_TEST(!c.apply(cmd(command_kind::prune, 2)));
    BOOST_TEST(h.stored(2).state == trial_state::pruned);
    auto next = h.next();
    BOOST_TEST(next.number == 3);  // a new trial: the queued one was pruned
    command_record shrink = cmd(command_kind::budget);
    shrink.amount = 2;
    auto why = c.apply(shrink);
    BOOST_TEST_REQUIRE(why.has_value());
    BOOST_TEST(*why == "budget 2 is below the 4 trials the study has already");
}

BOOST_AUTO_TEST_CASE(commands_posted_while_nothing_ran_are_dropped_on_open) {
    harness h(1);
    auto seq = h.post(cmd(command_kind::stop));
    h.cfg.opened_at = 1e12;  // opened after it was posted
    h.open();
    BOOST_TEST(h.command(seq).state == "dropped");
    BOOST_TEST(h.command(seq).result.find("no caviar process") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_held_trial_stays_held_when_the_study_is_reopened) {
    harness h(1);
    {
        auto& c = h.open();
        auto a = h.next();
        c.apply(cmd(command_kind::pause, 0));
        auto d = h.step(a, 1, 0.5);
        c.end({.trial = 0, .state = trial_state::paused, .error = d.reason, .checkpoint = "w"});
    }
    auto& c = h.open();
    BOOST_TEST(c.recovered().held == 1);
    BOOST_TEST((c.try_next().what == work::kind::wait));  // the strategy may not resume it
}

BOOST_AUTO_TEST_CASE(a_pending_command_is_dropped_when_its_trial_ends_first) {
    harness h(1);
    auto& c = h.open();
    auto a = h.next();
    auto seq = h.post(cmd(command_kind::pause, 0));
    c.poll_commands();
    h.step(a, 1, 0.5, true);  // its last step: it completes instead
    c.end({.trial = 0, .state = trial_state::complete});
    BOOST_TEST(h.command(seq).state == "dropped");  // not a rule: it came too late
    BOOST_TEST(h.command(seq).result.find("before it could pause (it was its last step)") !=
               std::string::npos);
    auto stop = h.post(cmd(command_kind::stop));
    c.poll_commands();
    BOOST_TEST(c.stop_requested());
    BOOST_TEST(h.command(stop).state == "applied");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(resume_plans)

trial paused_trial(std::int64_t steps) {
    trial t;
    t.number = 0;
    t.state = trial_state::paused;
    t.steps = steps;
    t.params = {{"learning_rate", 0.1}, {"layers", std::int64_t{2}}};
    return t;
}

BOOST_AUTO_TEST_CASE(resumes_from_its_own_checkpoint) {
    auto sp = test_space();
    std::vector<std::string> arch{"layers"};
    job j = job::of(job::kind::resume);
    j.trial = 0;
    auto p = plan_resume(paused_trial(5), j, nullptr,
                         {.space = sp,
                          .capabilities = {capability::checkpoints, capability::update},
                          .architecture = arch,
                          .own_checkpoint = 5});
    BOOST_TEST(p.refusal.empty());
    BOOST_TEST(p.checkpoint_of == 0);
    BOOST_TEST(p.first_step == 5);
    BOOST_TEST(p.update);  // the checkpoint may hold older params than the trial's
    BOOST_TEST(!p.drop_checkpoint);
    BOOST_TEST_REQUIRE(p.events.size() == 1u);
    BOOST_TEST(p.events[0].first == "resume");
}

BOOST_AUTO_TEST_CASE(new_params_without_update_restart_from_step_0) {
    auto sp = test_space();
    std::vector<std::string> arch{"layers"};
    job j = job::of(job::kind::resume);
    j.trial = 0;
    j.params = {{"learning_rate", 0.01}, {"layers", std::int64_t{2}}};
    auto p = plan_resume(paused_trial(5), j, nullptr,
                         {.space = sp,
                          .capabilities = {capability::checkpoints},
                          .architecture = arch,
                          .own_checkpoint = 5});
    BOOST_TEST(p.refusal.empty());
    BOOST_TEST(p.checkpoint_of == -1);
    BOOST_TEST(p.first_step == 0);
    BOOST_TEST(p.drop_checkpoint);  // the old run's checkpoint must not come back on a rollback
    BOOST_TEST_REQUIRE(p.events.size() == 2u);
    BOOST_TEST(p.events[0].first == "update");
    BOOST_TEST(p.events[1].first == "restart");
    BOOST_TEST(p.events[1].second["reason"].get<std::string>().find("cannot change params") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_architecture_change_is_refused_when_the_run_continues) {
    auto sp = test_space();
    std::vector<std::string> arch{"layers"};
    job j = job::of(job::kind::resume);
    j.trial = 0;
    j.params = {{"learning_rate", 0.1}, {"layers", std::int64_t{3}}};
    resume_facts f{.space = sp,
                   .capabilities = {capability::checkpoints, capability::update},
                   .architecture = arch,
                   .own_checkpoint = 5};
    BOOST_TEST(
        plan_resume(paused_trial(5), j, nullptr, f).refusal.find("architecture param layers") !=
        std::string::npos);
    // Without checkpoints the run restarts anyway: a strategy may change it, a person may not.
    f.capabilities = {};
    BOOST_TEST(plan_resume(paused_trial(5), j, nullptr, f).refusal.empty());
    f.manual = true;
    BOOST_TEST(!plan_resume(paused_trial(5), j, nullptr, f).refusal.empty());
}

BOOST_AUTO_TEST_CASE(an_exploit_copies_the_donors_checkpoint) {
    auto sp = test_space();
    std::vector<std::string> arch{"layers"};
    trial donor = paused_trial(6);
    donor.number = 1;
    donor.params = {{"learning_rate", 0.3}, {"layers", std::int64_t{3}}};
    job j = job::of(job::kind::resume);
    j.trial = 0;
    j.from = 1;
    auto p = plan_resume(paused_trial(4), j, &donor,
                         {.space = sp,
                          .capabilities = {capability::checkpoints, capability::update},
                          .architecture = arch,
                          .own_checkpoint = 4,
                          .donor_checkpoint = 6});
    BOOST_TEST(p.refusal.empty());
    BOOST_TEST(p.checkpoint_of == 1);
    BOOST_TEST(p.copy_checkpoint);
    BOOST_TEST(p.first_step == 6);
    BOOST_TEST(p.keep_curve_to == 4);
    BOOST_TEST((p.params == donor.params));
    BOOST_TEST(p.events[0].first == "exploit");
    j.from = 5;
    BOOST_TEST(!plan_resume(paused_trial(4), j, nullptr, {.space = sp}).refusal.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(messages)

BOOST_AUTO_TEST_CASE(every_message_round_trips_bit_for_bit) {
    assignment a{.number = 7,
                 .params = {{"lr", 0.1},
                            {"layers", std::int64_t{3}},
                            {"act", std::string("relu")},
                            {"whole", 3.0}},
                 .seed = 0xffffffffffffffffULL,
                 .steps = 27,
                 .checkpoint = std::string("\0\x01\xff weights", 11),
                 .first_step = 9,
                 .update = true};
    BOOST_TEST((decode_assignment(encode(a)) == a));
    auto back = decode_assignment(encode(a));
    BOOST_TEST(std::holds_alternative<double>(back.params.at("whole")));  // 3.0 stays a real
    assignment fresh{.number = 0, .params = {{"x", 0.5}}};
    BOOST_TEST((decode_assignment(encode(fresh)) == fresh));
    BOOST_TEST(!decode_assignment(encode(fresh)).checkpoint);

    work w{work::kind::run, a};
    BOOST_TEST((decode_work(encode(w)) == w));
    work wait;
    wait.what = work::kind::wait;
    BOOST_TEST((decode_work(encode(wait)).what == work::kind::wait));

    step_report r{.trial = 3,
                  .step = 12,
                  .metrics = {{"loss", 0.25},
                              {"nan", std::numeric_limits<double>::quiet_NaN()},
                              {"inf", -std::numeric_limits<double>::infinity()}},
                  .last = true};
    auto r2 = decode_step_report(encode(r));
    BOOST_TEST(r2.trial == 3);
    BOOST_TEST(r2.step == 12);
    BOOST_TEST(r2.last);
    BOOST_TEST(r2.metrics.at("loss") == 0.25);
    BOOST_TEST(std::isnan(r2.metrics.at("nan")));
    BOOST_TEST(r2.metrics.at("inf") == -std::numeric_limits<double>::infinity());

    decision d{decision::kind::go_on, "why", {{"lr", 0.01}}};
    auto d2 = decode_decision(encode(d));
    BOOST_TEST((d2.what == d.what));
    BOOST_TEST(d2.reason == "why");
    BOOST_TEST((d2.params == d.params));

    trial_end e{.trial = 2, .state = trial_state::paused, .error = "manual", .checkpoint = "ck"};
    BOOST_TEST((decode_trial_end(encode(e)) == e));
    trial_end f{.trial = 2, .state = trial_state::failed, .error = "boom"};
    BOOST_TEST((decode_trial_end(encode(f)) == f));
}

BOOST_AUTO_TEST_CASE(refuses_bytes_that_are_not_its_message) {
    auto bytes = encode(step_report{.trial = 1, .step = 1, .metrics = {}});
    BOOST_CHECK_THROW(decode_assignment(bytes), message_error);
    BOOST_CHECK_THROW(decode_trial_end("not msgpack at all"), message_error);
    BOOST_CHECK_THROW(decode_decision(bytes.substr(0, bytes.size() / 2)), message_error);
    try {
        decode_assignment(bytes);
    } catch (const message_error& e) {
        BOOST_TEST(std::string(e.what()) == "not a assignment message");
    }
}

BOOST_AUTO_TEST_SUITE_END()
