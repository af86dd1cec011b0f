#include "run/coordinator.hpp"
#include "report/counted.hpp"

#include "run/command_check.hpp"
#include "run/evaluation.hpp"
#include "run/params_text.hpp"
#include "run/recovery.hpp"
#include "run/resume_plan.hpp"
#include "store/params_json.hpp"

#include <caviar/seed.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <variant>

namespace caviar {

namespace {

double now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

assignment assign(const trial& t, std::int64_t steps) {
    assignment a;
    a.number = t.number;
    a.params = t.params;
    a.seed = t.seed;
    a.steps = steps;
    return a;
}

work run_work(assignment a) {
    return {work::kind::run, std::move(a)};
}

work kind_only(work::kind k) {
    work w;
    w.what = k;
    return w;
}

std::string trial_name(std::int64_t n) {
    return "trial " + std::to_string(n);
}

}  // namespace

coordinator::coordinator(study_config cfg, store& db, caviar::sampler& smp, caviar::strategy& strat,
                         std::vector<trial> trials, const std::vector<trial_event>& events)
    : cfg_(std::move(cfg)),
      db_(db),
      strategy_(strat),
      book_(cfg_.objective),
      view_(cfg_, book_, smp, [this](std::int64_t n, std::string reason) {
          prune_paused(n, std::move(reason), "strategy");
      }) {
    const auto holds = held_trials(trials, events);
    for (auto& t : trials) book_.add(std::move(t));
    for (auto n : holds) book_.hold(n);
    store::unit u(db_);
    for (std::int64_t n = 0; n < book_.size(); ++n) {
        trial& t = book_.at(n);
        if (is_finished(t.state)) ++recovered_.finished;
        if (t.state != trial_state::running && t.state != trial_state::queued) continue;
        const bool was_running = t.state == trial_state::running;
        // The process that ran it died (a crash, kill -9): the trial may be what killed it.
        if (was_running && died_again(t, events)) continue;
        std::optional<std::int64_t> saved;
        if (cfg_.capabilities.checkpoints()) saved = db_.checkpoint_step(cfg_.study_id, n);
        recovery r = recover_interrupted(book_, t, saved, cfg_.objective);
        if (r.what == recovery::kind::rolled_back) {
            ++recovered_.rolled_back;
            event(t, "rollback", {{"from_step", r.from_step}}, "host");
        } else if (was_running) {
            ++recovered_.requeued;
        }
        if (was_running || r.what == recovery::kind::rolled_back || !t.curve.empty() ||
            r.from_step > 0) {
            db_.update_trial(cfg_.study_id, t);
            db_.truncate_curve(cfg_.study_id, n, r.to_step);
        }
    }
    // Commands posted while no process ran the study were checked against a study that has
    // moved on since; those taken by a process that died were never applied.
    for (const auto& c : db_.commands_in_state(cfg_.study_id, "pending"))
        if (c.posted_at < cfg_.opened_at)
            db_.set_command_state(c.seq, "dropped",
                                  "no caviar process was running the study when it was posted");
    for (const auto& c : db_.commands_in_state(cfg_.study_id, "accepted"))
        db_.set_command_state(c.seq, "dropped",
                              "the process that took it stopped before it could be applied");
    u.commit();
    recovered_.paused = book_.count(trial_state::paused);
    recovered_.held = static_cast<std::int64_t>(book_.held_trials().size());
}

// Records that the process died while t ran; fails t when that happened often enough that t
// itself is the likely cause, so it cannot kill every resume. A trial that only ran beside the
// one whose thread faulted (crash_guard's note says which) is not counted. Whether it failed t.
bool coordinator::died_again(trial& t, const std::vector<trial_event>& events) {
    const auto& named = cfg_.last_death_trials;
    const bool in_note = std::find(named.begin(), named.end(), t.number) != named.end();
    const std::string cause = in_note ? cfg_.last_death_cause : std::string();
    const std::int64_t culprit = in_note ? cfg_.last_death_culprit : -1;
    if (culprit >= 0 && culprit != t.number) {
        event(t, "died", {{"cause", cause}, {"beside", culprit}}, "host");
        return false;
    }
    event(t, "died", {{"cause", cause}}, "host");
    auto deaths = 1 + std::count_if(events.begin(), events.end(), [&](const trial_event& e) {
                      if (e.trial != t.number || e.kind != "died") return false;
                      auto d = nlohmann::json::parse(e.detail, nullptr, false);
                      return !(d.is_object() && d.contains("beside"));
                  });
    if (deaths < cfg_.deaths_before_failing) return false;
    t.error = "the process died while this trial ran (" + std::to_string(deaths) + " times)" +
              (cause.empty() ? "" : ": " + cause);
    // A running trial's row is written at its start and end, its steps only as curve points
    // (report()): it failed after the steps its curve holds, with their last metrics.
    t.steps = t.curve.empty() ? 0 : t.curve.back().step;
    t.metrics = t.curve.empty() ? metrics{} : t.curve.back().metrics;
    t.finished_at = now();
    book_.set_state(t, trial_state::failed);
    db_.update_trial(cfg_.study_id, t);
    recovered_.died.push_back(trial_name(t.number) + ": " + t.error);
    return true;
}

// ---- The work queue's operations ------------------------------------------------------------

work coordinator::try_next() {
    if (stop_requested() || fatal_) return kind_only(work::kind::done);
    if (cfg_.time_budget > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count() >=
            cfg_.time_budget) {
        out_of_time_ = true;
        return kind_only(work::kind::done);
    }
    waiting_for_person_ = false;
    std::optional<work> out;
    try {
        store::unit u(db_);
        // Resumes a person asked for go first, then trials queued earlier, then the strategy.
        while (!out && !resumes_.empty()) {
            auto [n, pc] = resumes_.front();
            resumes_.pop_front();
            trial* t = book_.find(n);
            if (!t || t->state != trial_state::paused) {
                settle(pc.seq, outcome::dropped,
                       trial_name(n) + " is " + (t ? to_string(t->state) : "gone") +
                           " now: only a paused trial resumes");
                continue;
            }
            job j = job::of(job::kind::resume);
            j.trial = n;
            j.params = pc.params;
            // The job it had when a person paused it; a job it had finished runs to the end.
            std::int64_t limit = book_.limit(n);
            j.steps = limit > t->steps ? limit : 0;
            const bool was_held = book_.held(n);
            book_.release(n);
            auto a = hand_out_resume(j, "manual");
            if (auto* why = std::get_if<std::string>(&a)) {
                if (was_held) book_.hold(n);
                settle(pc.seq, outcome::refused, *why);
                continue;
            }
            auto& job_out = std::get<assignment>(a);
            settle(pc.seq, outcome::applied,
                   job_out.checkpoint
                       ? trial_name(n) + " resumed at step " + std::to_string(job_out.first_step) +
                             " from its checkpoint"
                       : trial_name(n) + " restarted from step 0");
            out = run_work(std::move(job_out));
        }
        while (!out) {
            auto n = book_.pop_requeued();
            if (!n) break;
            trial& t = book_.at(*n);
            if (t.state != trial_state::queued) continue;  // pruned from outside meanwhile
            book_.set_state(t, trial_state::running);
            book_.set_limit(t.number, 0);
            t.started_at = now();
            db_.update_trial(cfg_.study_id, t);
            out = run_work(assign(t, 0));
        }
        if (!out) {
            job j;
            try {
                j = strategy_.next(view_);
            } catch (const store_error&) {
                throw;  // a prune it asked for failed: the operation fails as a whole
            } catch (const std::exception& e) {
                u.commit();  // what it pruned before it failed
                fail_study(std::string("strategy failed: ") + e.what());
                return kind_only(work::kind::done);
            }
            const bool held_resume = j.what == job::kind::resume && book_.held(j.trial);
            if (j.what == job::kind::start) {
                out = start(std::move(j));
            } else if (j.what == job::kind::resume && !held_resume) {
                auto a = hand_out_resume(j, "strategy");
                if (auto* why = std::get_if<std::string>(&a)) {
                    fail_study("the strategy asked to resume " + trial_name(j.trial) +
                               ", which cannot be: " + *why);
                    out = kind_only(work::kind::done);
                } else {
                    out = run_work(std::move(std::get<assignment>(a)));
                }
            } else if (j.what == job::kind::wait || held_resume) {
                if (book_.count(trial_state::running) == 0 && book_.held_trials().empty()) {
                    fail_study("the strategy waits while no trial is running");
                    out = kind_only(work::kind::done);
                } else {
                    waiting_for_person_ = book_.count(trial_state::running) == 0;
                    out = kind_only(work::kind::wait);
                }
            } else if (!book_.held_trials().empty()) {
                // The strategy is done, but a person holds trials: the study waits for them.
                waiting_for_person_ = true;
                out = kind_only(work::kind::wait);
            } else {
                out = kind_only(work::kind::done);
            }
        }
        u.commit();
    } catch (const std::exception& e) {
        broken(e);
        return kind_only(work::kind::done);
    }
    if (waiting_for_person_ && !announced_waiting_) {
        std::string held;
        for (auto n : book_.held_trials()) held += (held.empty() ? "" : ", ") + std::to_string(n);
        say("waiting for you: nothing else to run while you hold trial" +
            std::string(book_.held_trials().size() == 1 ? " " : "s ") + held +
            " (caviar ctl STORE resume N, or prune N; Ctrl-C stops and keeps them paused)");
    }
    announced_waiting_ = waiting_for_person_;
    if (out->what != work::kind::wait || waiting_for_person_) notify();
    return *out;
}

work coordinator::start(job j) {
    trial t;
    t.number = book_.size();
    t.seed = derive_seed(cfg_.seed, static_cast<std::uint64_t>(t.number));
    t.params = std::move(j.params);
    t.state = trial_state::running;
    t.origin = j.origin.empty() ? cfg_.sampler_name : j.origin;
    t.attrs = std::move(j.attrs);
    t.started_at = now();
    if (!cfg_.space.contains(t.params)) {
        fail_study("strategy started a trial whose params do not match the space: " +
                   describe(t.params));
        return kind_only(work::kind::done);
    }
    db_.insert_trial(cfg_.study_id, t);
    trial& added = book_.add(std::move(t));
    book_.set_limit(added.number, j.steps);
    return run_work(assign(added, j.steps));
}

// A paused trial back to running, by the plan (resume_plan.hpp); the refusal when it cannot be.
std::variant<assignment, std::string> coordinator::hand_out_resume(const job& j,
                                                                   const std::string& source) {
    trial* t = book_.find(j.trial);
    if (!t) return "there is no " + trial_name(j.trial);
    const trial* donor = j.from >= 0 ? book_.find(j.from) : nullptr;
    const bool checkpoints = cfg_.capabilities.checkpoints();
    resume_facts f{.space = cfg_.space,
                   .capabilities = cfg_.capabilities,
                   .architecture = cfg_.architecture,
                   .own_checkpoint =
                       checkpoints ? db_.checkpoint_step(cfg_.study_id, t->number) : std::nullopt,
                   .donor_checkpoint = checkpoints && donor
                                           ? db_.checkpoint_step(cfg_.study_id, donor->number)
                                           : std::nullopt,
                   .manual = source == "manual"};
    resume_plan plan = plan_resume(*t, j, donor, f);
    if (!plan.refusal.empty()) return plan.refusal;
    // Read before anything is written, so a refusal writes nothing.
    std::optional<checkpoint_record> ck;
    if (plan.checkpoint_of >= 0) {
        ck = db_.load_checkpoint(cfg_.study_id, plan.checkpoint_of);
        if (!ck) return trial_name(plan.checkpoint_of) + " has no checkpoint";
    }
    for (const auto& [kind, detail] : plan.events) event(*t, kind, detail, source);
    if (plan.params_changed) {
        t->params = plan.params;
        db_.update_params(cfg_.study_id, *t);
    }
    assignment a = assign(*t, j.steps);
    if (ck) {
        // The copy is this trial's own now: an interrupt rolls back to it.
        if (plan.copy_checkpoint) db_.save_checkpoint(cfg_.study_id, t->number, *ck);
        a.checkpoint = std::move(ck->bytes);
        a.first_step = plan.first_step;
        a.update = plan.update;
    }
    // A restart replaces the run the checkpoint came from: an interrupt must not roll back to it.
    if (plan.drop_checkpoint) db_.delete_checkpoint(cfg_.study_id, t->number);
    keep_curve_to(*t, plan.keep_curve_to);
    t->steps = plan.first_step;
    book_.set_state(*t, trial_state::running);
    book_.set_limit(t->number, j.steps);
    t->error.clear();
    t->finished_at = 0;
    db_.update_trial(cfg_.study_id, *t);
    return a;
}

decision coordinator::report(const step_report& r) {
    trial& t = book_.at(r.trial);
    t.curve.push_back({r.step, r.metrics});
    t.metrics = r.metrics;
    t.steps = r.step;
    decision d;
    try {
        store::unit u(db_);
        if (r.last)
            unwritten_.insert(r.trial);
        else
            db_.add_point(cfg_.study_id, r.trial, t.curve.back());
        try {
            d = strategy_.on_report(view_, t, r.step, r.metrics);
        } catch (const store_error&) {
            throw;
        } catch (const std::exception& e) {
            fail_study(std::string("strategy failed: ") + e.what());
            d = {decision::kind::prune, "strategy failure", {}};
        }
        if (d.what != decision::kind::go_on || r.last) d.params.clear();
        if (!d.params.empty()) {
            if (auto why = refusal_of_decision(t, d)) {
                fail_study("the strategy changed the params of " + trial_name(t.number) +
                           " at step " + std::to_string(r.step) + ", which cannot be: " + *why);
                d = {decision::kind::prune, "strategy failure", {}};
            }
        }
        std::string source = "strategy";
        // Commands waiting for this trial's step boundary.
        if (auto it = stops_.find(r.trial); it != stops_.end()) {
            pending_command pc = it->second;
            stops_.erase(it);
            const bool ends =
                d.what == decision::kind::complete || d.what == decision::kind::prune || r.last;
            if (pc.kind == command_kind::prune) {
                d = {decision::kind::prune, "manual", {}};
                ending_[r.trial] = pc;
            } else if (ends) {
                settle(pc.seq, outcome::dropped,
                       trial_name(r.trial) + " ended at step " + std::to_string(r.step) +
                           " before it could pause (" +
                           (d.what == decision::kind::prune      ? "the strategy pruned it"
                            : d.what == decision::kind::complete ? "the strategy completed it"
                                                                 : "it was its last step") +
                           ")");
            } else {
                d = {decision::kind::pause, "manual", {}};
                ending_[r.trial] = pc;
            }
        }
        if (auto it = updates_.find(r.trial); it != updates_.end()) {
            pending_command pc = it->second;
            updates_.erase(it);
            if (d.what == decision::kind::go_on && !r.last) {
                params next = t.params;
                for (const auto& [k, v] : d.params) next[k] = v;
                for (const auto& [k, v] : pc.params) next[k] = v;
                decision manual{decision::kind::go_on, {}, next};
                if (auto why = refusal_of_decision(t, manual)) {
                    settle(pc.seq, outcome::refused, *why);
                } else {
                    d.params = std::move(next);
                    source = "manual";
                    settle(pc.seq, outcome::applied,
                           trial_name(r.trial) + ": " + changes_text(t.params, d.params) +
                               " at step " + std::to_string(r.step));
                }
            } else {
                const bool paused = d.what == decision::kind::pause;
                settle(pc.seq, outcome::dropped,
                       trial_name(r.trial) + " stopped at step " + std::to_string(r.step) +
                           " before its params could change" +
                           (paused ? ": give them when you resume it (resume " +
                                         std::to_string(r.trial) + " -p ...)"
                                   : std::string()));
            }
        }
        if (!d.params.empty()) {
            params next = t.params;
            for (const auto& [k, v] : d.params) next[k] = v;
            if (next != t.params) {
                event(t, "update",
                      {{"old", params_to_json(t.params)},
                       {"new", params_to_json(next)},
                       {"changes", changes_text(t.params, next)}},
                      source);
                t.params = next;
                db_.update_params(cfg_.study_id, t);
            }
            d.params = t.params;  // the worker updates its run with all of them
        }
        u.commit();
    } catch (const std::exception& e) {
        broken(e);
        d = {decision::kind::prune, "store failure", {}};
    }
    notify();
    return d;
}

void coordinator::end(const trial_end& e) {
    trial& t = book_.at(e.trial);
    evaluation ev = evaluate(cfg_.objective, e.state, e.error, t.metrics, t.steps);
    t.value = ev.value;
    t.error = ev.error;
    t.finished_at = now();
    try {
        store::unit u(db_);
        if (ev.state == trial_state::paused && e.checkpoint)
            db_.save_checkpoint(cfg_.study_id, t.number, {t.steps, *e.checkpoint});
        const bool point = unwritten_.erase(t.number) > 0 && !t.curve.empty();
        book_.set_state(t, ev.state);
        db_.update_trial(cfg_.study_id, t, point ? &t.curve.back() : nullptr);
        std::optional<pending_command> by;
        if (auto it = ending_.find(t.number); it != ending_.end()) {
            by = it->second;
            ending_.erase(it);
        }
        const std::string source = by ? "manual" : "strategy";
        if (ev.state == trial_state::paused)
            event(t, "pause", {{"reason", ev.error}, {"checkpoint", e.checkpoint.has_value()}},
                  source);
        else if (ev.state == trial_state::pruned)
            event(t, "prune", {{"reason", ev.error}}, source);
        const std::string at_step = " at step " + std::to_string(t.steps);
        if (by) {
            const bool paused = by->kind == command_kind::pause && ev.state == trial_state::paused;
            const bool pruned = by->kind == command_kind::prune && ev.state == trial_state::pruned;
            if (paused) book_.hold(t.number);
            settle(by->seq, paused || pruned ? outcome::applied : outcome::dropped,
                   trial_name(t.number) +
                       (paused   ? " paused"
                        : pruned ? " pruned"
                                 : " " + std::string(to_string(ev.state))) +
                       at_step +
                       (paused ? ": resume it (resume " + std::to_string(t.number) +
                                     " [-p NAME=VALUE]) or prune it"
                        : paused || pruned ? std::string()
                                           : ": " + ev.error));
        }
        settle_all_for(t.number, trial_name(t.number) + " " + to_string(ev.state) + at_step +
                                     " before the command could apply");
        try {
            strategy_.on_end(view_, t);
        } catch (const store_error&) {
            throw;
        } catch (const std::exception& x) {
            fail_study(std::string("strategy failed: ") + x.what());
        }
        auto p = book_.progress(cfg_.budget);
        if (p.complete + p.pruned == 0 && p.failed >= cfg_.fail_fast_after && !fatal_)
            fail_study("the first " + std::to_string(p.failed) +
                       " trials all failed, stopping; the last error: " + book_.last_error());
        u.commit();
    } catch (const std::exception& x) {
        broken(x);
    }
    notify();
}

void coordinator::interrupt(std::int64_t number) {
    trial& t = book_.at(number);
    unwritten_.erase(number);  // (never set here: a last step is followed by end())
    try {
        store::unit u(db_);
        if (auto it = ending_.find(number); it != ending_.end()) {
            settle(it->second.seq, outcome::dropped,
                   "the study stopped before " + trial_name(number) + " reached its next step");
            ending_.erase(it);
        }
        settle_all_for(number,
                       "the study stopped before " + trial_name(number) + " reached its next step");
        std::optional<std::int64_t> saved;
        if (cfg_.capabilities.checkpoints()) saved = db_.checkpoint_step(cfg_.study_id, number);
        recovery r = recover_interrupted(book_, t, saved, cfg_.objective);
        // Work since the checkpoint is lost; the strategy resumes the trial from it.
        if (r.what == recovery::kind::rolled_back)
            event(t, "rollback", {{"from_step", r.from_step}}, "host");
        db_.update_trial(cfg_.study_id, t);
        db_.truncate_curve(cfg_.study_id, number, r.to_step);
        u.commit();
    } catch (const std::exception& e) {
        broken(e);
    }
    notify();
}

// ---- Commands --------------------------------------------------------------------------------

bool coordinator::poll_commands() {
    try {
        auto posted = db_.commands_in_state(cfg_.study_id, "pending");
        if (posted.empty()) return false;
        store::unit u(db_);
        for (const auto& c : posted)
            if (auto why = take(c)) {
                settle(c.seq, outcome::refused, *why);
            }
        u.commit();
    } catch (const std::exception& e) {
        broken(e);
    }
    notify();
    return true;
}

std::optional<std::string> coordinator::apply(const command_record& c) {
    std::optional<std::string> why;
    try {
        store::unit u(db_);
        command_record own = c;
        own.seq = 0;
        why = take(own);
        u.commit();
    } catch (const std::exception& e) {
        broken(e);
        why = std::string("store: ") + e.what();
    }
    notify();
    return why;
}

void coordinator::close(const std::string& why) {
    try {
        store::unit u(db_);
        for (auto& [n, pc] : ending_) settle(pc.seq, outcome::dropped, why);
        for (auto& [n, pc] : stops_) settle(pc.seq, outcome::dropped, why);
        for (auto& [n, pc] : updates_) settle(pc.seq, outcome::dropped, why);
        for (auto& [n, pc] : resumes_) settle(pc.seq, outcome::dropped, why);
        ending_.clear();
        stops_.clear();
        updates_.clear();
        resumes_.clear();
        u.commit();
    } catch (const std::exception&) {
        // The study is over; the commands stay accepted and the next run drops them.
    }
}

// Takes command c: applies it now, or accepts it to apply at the trial's next step boundary.
// Returns the refusal.
std::optional<std::string> coordinator::take(const command_record& c) {
    command_facts facts{.space = cfg_.space,
                        .architecture = cfg_.architecture,
                        .capabilities = cfg_.capabilities,
                        .model_name = cfg_.model_name,
                        .trials = book_.size()};
    trial* t = c.trial >= 0 ? book_.find(c.trial) : nullptr;
    if (auto why = check_command(c, t, t && book_.held(t->number), facts)) return why;
    const pending_command pc{c.seq, c.kind, c.params};
    auto accept = [&](const std::string& text) {
        if (c.seq > 0) db_.set_command_state(c.seq, "accepted", text);
        say("ctl: " + text);
    };
    switch (c.kind) {
        case command_kind::stop:
            stopped_by_command_ = true;
            request_stop();
            db_.add_study_event(cfg_.study_id,
                                {.kind = "stop", .detail = "{}", .source = c.source, .at = now()});
            settle(c.seq, outcome::applied,
                   "the study stops: running trials end at their next step");
            return std::nullopt;
        case command_kind::budget: {
            const std::int64_t old = cfg_.budget;
            cfg_.budget = c.amount;
            db_.set_budget(cfg_.study_id, c.amount);
            db_.add_study_event(cfg_.study_id,
                                {.kind = "budget",
                                 .detail = nlohmann::json{{"old", old}, {"new", c.amount}}.dump(),
                                 .source = c.source,
                                 .at = now()});
            settle(c.seq, outcome::applied,
                   "budget " + std::to_string(old) + " → " + counted(c.amount, "trial"));
            return std::nullopt;
        }
        case command_kind::enqueue: {
            trial q;
            q.number = book_.size();
            q.seed = derive_seed(cfg_.seed, static_cast<std::uint64_t>(q.number));
            q.params = c.params;
            q.state = trial_state::queued;
            q.origin = "enqueued";
            db_.insert_trial(cfg_.study_id, q);
            trial& added = book_.add(std::move(q));
            book_.requeue(added.number);
            event(added, "enqueue", {{"params", params_to_json(added.params)}}, "enqueue");
            if (c.seq > 0)
                db_.set_command_state(c.seq, "applied", "queued as " + trial_name(added.number),
                                      added.number);
            say("ctl: queued " + trial_name(added.number) + ": " + describe(added.params));
            return std::nullopt;
        }
        case command_kind::pause:
            for (const auto& [n, other] : resumes_)
                if (n == t->number) return trial_name(n) + " is being resumed already";
            if (t->state == trial_state::paused) {
                // Paused by the strategy: a person takes it over, so it waits for them.
                book_.hold(t->number);
                event(*t, "pause", {{"reason", "manual"}, {"checkpoint", true}}, "manual");
                settle(c.seq, outcome::applied,
                       trial_name(t->number) + " was paused by the strategy at step " +
                           std::to_string(t->steps) + "; it waits for you now");
                return std::nullopt;
            }
            if (auto it = stops_.find(t->number); it != stops_.end())
                return trial_name(t->number) + " is being " +
                       (it->second.kind == command_kind::prune ? "pruned" : "paused") + " already";
            stops_[t->number] = pc;
            accept(trial_name(t->number) + " pauses at its next step");
            return std::nullopt;
        case command_kind::set:
            if (auto it = updates_.find(t->number); it != updates_.end()) {
                // The newer values win; the older command is folded into this one.
                settle(it->second.seq, outcome::dropped,
                       "replaced by a later set of the same trial");
                pending_command merged = pc;
                for (const auto& [k, v] : it->second.params) merged.params.emplace(k, v);
                updates_[t->number] = merged;
            } else {
                updates_[t->number] = pc;
            }
            accept(trial_name(t->number) + " takes " + describe(c.params) + " at its next step");
            return std::nullopt;
        case command_kind::resume: {
            for (const auto& [n, other] : resumes_)
                if (n == t->number) return trial_name(n) + " is being resumed already";
            pending_command r = pc;
            r.params.clear();
            if (!c.params.empty()) r.params = std::get<params>(changed_params(*t, c.params, facts));
            resumes_.emplace_back(t->number, std::move(r));
            accept(trial_name(t->number) + " resumes when a worker is free");
            return std::nullopt;
        }
        case command_kind::prune:
            if (t->state == trial_state::running) {
                if (auto it = stops_.find(t->number); it != stops_.end())
                    settle(it->second.seq, outcome::dropped,
                           "replaced by a prune of the same trial");
                stops_[t->number] = pc;
                accept(trial_name(t->number) + " is pruned at its next step");
                return std::nullopt;
            }
            if (t->state == trial_state::paused) {
                prune_paused(t->number, "manual", "manual");
            } else {  // queued: it never ran
                book_.set_state(*t, trial_state::pruned);
                t->error = "manual";
                t->finished_at = now();
                db_.update_trial(cfg_.study_id, *t);
                event(*t, "prune", {{"reason", "manual"}}, "manual");
            }
            settle_all_for(t->number, trial_name(t->number) + " was pruned");
            try {
                strategy_.on_end(view_, *t);
            } catch (const store_error&) {
                throw;
            } catch (const std::exception& e) {
                fail_study(std::string("strategy failed: ") + e.what());
            }
            settle(c.seq, outcome::applied,
                   trial_name(t->number) + " pruned at step " + std::to_string(t->steps));
            return std::nullopt;
    }
    return std::nullopt;
}

void coordinator::settle(std::int64_t seq, outcome how, const std::string& result) {
    const char* state = how == outcome::applied   ? "applied"
                        : how == outcome::refused ? "refused"
                                                  : "dropped";
    if (seq > 0) db_.set_command_state(seq, state, result);
    say(std::string("ctl: ") +
        (how == outcome::applied   ? ""
         : how == outcome::refused ? "refused: "
                                   : "dropped: ") +
        result);
}

// Refuses every command still waiting for trial n (it ended, or the study stops).
void coordinator::settle_all_for(std::int64_t n, const std::string& why) {
    if (auto it = stops_.find(n); it != stops_.end()) {
        settle(it->second.seq, outcome::dropped, why);
        stops_.erase(it);
    }
    if (auto it = updates_.find(n); it != updates_.end()) {
        settle(it->second.seq, outcome::dropped, why);
        updates_.erase(it);
    }
    for (auto it = resumes_.begin(); it != resumes_.end();)
        if (it->first == n) {
            settle(it->second.seq, outcome::dropped, why);
            it = resumes_.erase(it);
        } else {
            ++it;
        }
}

// Why the params a decision gives trial t cannot be used, or nullopt.
std::optional<std::string> coordinator::refusal_of_decision(const trial& t,
                                                            const decision& d) const {
    if (!cfg_.capabilities.update())
        return "model " + cfg_.model_name + " cannot change params mid-run (it has no run::update)";
    params next = t.params;
    for (const auto& [k, v] : d.params) next[k] = v;
    if (auto name = architecture_change(t.params, next, cfg_.architecture))
        return architecture_refusal(*name, cfg_.model_name);
    if (!cfg_.space.contains(next)) return "the params do not match the space: " + describe(next);
    return std::nullopt;
}

// ---- The study_view's prune, and helpers ------------------------------------------------------

void coordinator::prune_paused(std::int64_t number, std::string reason, const std::string& source) {
    trial* t = book_.find(number);
    if (!t || t->state != trial_state::paused)
        throw std::logic_error("prune(" + std::to_string(number) +
                               "): only a paused trial can be pruned");
    if (source == "strategy" && book_.held(number)) return;  // a person's, until they decide
    book_.set_state(*t, trial_state::pruned);
    t->error = std::move(reason);
    t->finished_at = now();
    db_.update_trial(cfg_.study_id, *t);
    event(*t, "prune", {{"reason", t->error}}, source);
}

// Drops the curve points after `step` (memory and store); metrics become that step's.
void coordinator::keep_curve_to(trial& t, std::int64_t step) {
    while (!t.curve.empty() && t.curve.back().step > step) t.curve.pop_back();
    t.steps = step;
    t.metrics = t.curve.empty() ? metrics{} : t.curve.back().metrics;
    db_.truncate_curve(cfg_.study_id, t.number, step);
}

void coordinator::event(const trial& t, std::string kind, const nlohmann::json& detail,
                        const std::string& source) {
    // Reasons come from plugins and programs: invalid UTF-8 is replaced, not a failure.
    db_.add_event(cfg_.study_id,
                  {.trial = t.number,
                   .step = t.steps,
                   .kind = std::move(kind),
                   .detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                   .at = now(),
                   .source = source});
}

void coordinator::fail(std::string message) {
    fail_study(std::move(message));
}

// The store (or the host itself) failed in the middle of an operation: the unit rolled back, so
// the book may be ahead of the store. Nothing more is handed out, and running trials stop at
// their next step, where the interrupt rule applies.
void coordinator::broken(const std::exception& e) {
    const bool store = dynamic_cast<const store_error*>(&e) != nullptr;
    fail_study((store ? "store: " : "internal error: ") + std::string(e.what()));
    request_stop();
}

void coordinator::fail_study(std::string message) {
    if (!fatal_) fatal_ = std::move(message);
}

void coordinator::notify() {
    if (observer_) observer_(book_.progress(cfg_.budget));
}

void coordinator::say(const std::string& text) {
    if (messages_) messages_(text);
}

std::vector<trial> coordinator::snapshot() const {
    std::vector<trial> out;
    out.reserve(static_cast<std::size_t>(book_.size()));
    for (const trial* t : book_.all()) out.push_back(*t);
    return out;
}

}  // namespace caviar
