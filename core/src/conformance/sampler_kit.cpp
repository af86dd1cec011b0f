// The sampler kit: each check builds its own samplers and studies, asks for proposals and records
// what is wrong with them. Only the public API is used, so the kit tests what a plugin sees.
#include "conformance/sampler_kit.hpp"

#include <caviar/caviar.hpp>

#include <cmath>
#include <cstdint>
#include <deque>
#include <exception>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace caviar::conformance {
namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

// A broken sampler fails the same way thousands of times; the first few say it all.
constexpr std::size_t max_messages = 5;

std::string text(const params& p) {
    if (p.empty()) return "(no params)";
    std::string out;
    for (const auto& [name, v] : p) out += (out.empty() ? "" : " ") + name + "=" + to_string(v);
    return out;
}

// What is wrong with p as a point of sp (empty when nothing): a missing or extra name, an active
// dimension left out, an inactive one given, a value of the wrong type, out of range or off grid.
std::string problems(const space& sp, const params& p) {
    std::string out = sp.problems(p);
    if (out.empty() && !sp.contains(p)) out = "space::contains refuses it";
    return out;
}

// Every kind of dimension and scale, with steps, mixed-type choices and negative ranges.
space every_kind() {
    return space({
        dimension::integer("layers", 1, 5),
        dimension::integer("units", 8, 256, scale::log),
        dimension::integer("batch", 0, 100, scale::linear, 10),
        dimension::integer("offset", -7, 3),
        dimension::real("dropout", 0, 0.5),
        dimension::real("shift", -2.5, -0.5),
        dimension::real("lr", 1e-4, 1, scale::log),
        dimension::real("beta", 0.9, 0.999, scale::log1m),
        dimension::real("ratio", 0, 1, scale::linear, 0.25),
        dimension::categorical("activation",
                               {std::string("relu"), std::string("tanh"), std::int64_t{3}}),
        dimension::categorical("width", {0.5, 1.5, 2.5}),
    });
}

// optimizer -> (momentum, nesterov) or (schedule -> warmup): two levels of conditions.
space conditional_space() {
    space sp;
    sp.add(dimension::categorical("optimizer", {std::string("sgd"), std::string("adam")}));
    sp.add(dimension::real("lr", 1e-4, 1, scale::log));
    sp.add(dimension::real("momentum", 0, 0.99).when("optimizer", {std::string("sgd")}));
    sp.add(dimension::categorical("nesterov", {std::string("yes"), std::string("no")})
               .when("optimizer", {std::string("sgd")}));
    sp.add(dimension::categorical("schedule", {std::string("constant"), std::string("cosine")})
               .when("optimizer", {std::string("adam")}));
    sp.add(dimension::integer("warmup", 0, 10).when("schedule", {std::string("cosine")}));
    return sp;
}

// The two rich spaces, by the names the messages use.
std::vector<std::pair<std::string, space>> both_spaces() {
    return {{"every_kind", every_kind()}, {"conditional", conditional_space()}};
}

// A distance from a fixed point in unit space, over the dimensions present.
double objective_of(const space& sp, const params& p) {
    auto u = sp.to_unit(p);
    double f = 0;
    for (double x : u)
        if (!std::isnan(x)) f += (x - 0.3) * (x - 0.3);
    return f;
}

// The fields of a trial the host fills, with the objective's value (or none).
trial make_trial(std::int64_t number, trial_state state, params p, std::optional<double> value) {
    trial t;
    t.number = number;
    t.state = state;
    t.params = std::move(p);
    t.seed = derive_seed(11, static_cast<std::uint64_t>(number));
    t.origin = "conformance";
    if (value) {
        t.metrics = {{"value", *value}};
        t.curve = {{.step = 1, .metrics = t.metrics}};
        t.value = value;
    }
    t.steps = state == trial_state::complete ? 3 : 1;
    t.started_at = 1000 + static_cast<double>(number);
    t.finished_at = t.started_at + 1;
    if (state == trial_state::failed) t.error = "conformance: made to fail";
    if (state == trial_state::pruned) t.error = "conformance: pruned";
    return t;
}

// Uniform params of sp from a seed (history and pending trials).
params draw(const space& sp, rng& r) {
    std::vector<double> u(sp.size());
    for (double& x : u) x = unit_draw(r);
    return sp.from_unit(u);
}

enum class history_kind { mixed, all_failed, constant };

const char* history_name(history_kind k) {
    switch (k) {
        case history_kind::mixed:
            return "mixed";
        case history_kind::all_failed:
            return "all-failed";
        case history_kind::constant:
            return "constant";
    }
    return "?";
}

// A study as a sampler sees it: the space, the objective, finished, pending and prior trials.
struct study {
    std::string space_name;  // for messages
    caviar::space space;
    caviar::objective objective{.metric = "value"};
    std::int64_t budget = 100;
    std::deque<trial> trials;  // deque: pointers to its elements stay valid
    std::vector<const trial*> finished;
    std::vector<params> pending;
    std::deque<trial> prior_trials;
    std::vector<const trial*> prior;
    std::string history = "no history";  // for messages

    study(std::string name, caviar::space sp, direction dir = direction::minimize)
        : space_name(std::move(name)), space(std::move(sp)) {
        objective.direction = dir;
    }

    // count finished trials in number order. mixed: mostly complete, with failed ones (no value),
    // pruned ones, and complete ones whose value is NaN, infinite or missing.
    void add_history(int count, history_kind kind = history_kind::mixed) {
        rng r(12345);
        for (int i = 0; i < count; ++i) {
            auto number = static_cast<std::int64_t>(trials.size());
            params p = draw(space, r);
            double f = objective_of(space, p);
            using st = trial_state;
            if (kind == history_kind::all_failed)
                trials.push_back(make_trial(number, st::failed, p, std::nullopt));
            else if (kind == history_kind::constant)
                trials.push_back(make_trial(number, st::complete, p, 1.0));
            else if (i % 10 == 3)
                trials.push_back(make_trial(number, st::failed, p, std::nullopt));
            else if (i % 10 == 7)
                trials.push_back(make_trial(number, st::pruned, p, f + 1));
            else if (i % 20 == 5)
                trials.push_back(make_trial(number, st::complete, p, not_a_number));
            else if (i % 20 == 15)
                trials.push_back(
                    make_trial(number, st::complete, p, i % 40 == 15 ? infinity : -infinity));
            else if (i % 20 == 9)
                trials.push_back(make_trial(number, st::complete, p, std::nullopt));
            else
                trials.push_back(make_trial(number, st::complete, p, f));
            finished.push_back(&trials.back());
        }
        history = std::string(history_name(kind)) + " history of " + std::to_string(trials.size()) +
                  " trials";
    }

    sample_request request(std::int64_t number) const {
        return {.space = space,
                .finished = finished,
                .pending = pending,
                .prior = prior,
                .objective = objective,
                .number = number,
                .seed = derive_seed(7, static_cast<std::uint64_t>(number)),
                .budget = budget};
    }
    std::int64_t next() const { return static_cast<std::int64_t>(trials.size()); }

    // What prepare() is given, e.g. "space every_kind, budget 100".
    std::string label() const {
        return "space " + space_name + ", budget " + std::to_string(budget);
    }
    // The whole case, e.g. "space every_kind, budget 100, mixed history of 60 trials, minimize".
    std::string situation() const {
        std::string out = label() + ", " + history + ", " + to_string(objective.direction);
        if (!pending.empty()) out += ", " + std::to_string(pending.size()) + " pending";
        if (!prior.empty()) out += ", " + std::to_string(prior.size()) + " prior trials";
        return out;
    }
};

// One check as it runs: its samplers, the case it is in, and its failures (capped).
class check {
public:
    check(std::string name, const std::function<std::shared_ptr<sampler>()>& make)
        : name_(std::move(name)), make_(make) {}

    // The case that failures and exceptions are reported in, e.g. st.situation().
    void at(std::string where) { where_ = std::move(where); }
    // The step an exception would interrupt, e.g. "proposing trial 3".
    void doing(std::string step) { step_ = std::move(step); }

    void fail(const std::string& what) {
        if (count_++ < max_messages)
            messages_.push_back(where_.empty() ? what : where_ + ": " + what);
    }

    // A fresh sampler, as the host builds one per study.
    std::shared_ptr<sampler> make() {
        at("");
        doing("make()");
        auto s = make_();
        if (!s) throw std::runtime_error("make() gave no sampler");
        return s;
    }

    // prepare() as the host calls it; false (and a note) when the sampler refuses the space with
    // std::invalid_argument, which the kit allows. Any other exception fails the check.
    bool prepared(sampler& s, const study& st) {
        at(st.label());
        doing("prepare()");
        try {
            s.prepare(st.space, st.budget);
            return true;
        } catch (const std::invalid_argument& e) {
            notes_.push_back(name_ + ": refuses the space: " + e.what() + " (" + st.label() + ")");
            return false;
        }
    }

    params propose(sampler& s, const study& st, std::int64_t number) {
        doing("proposing trial " + std::to_string(number));
        return s.propose(st.request(number));
    }

    // What the check found, added to out; an exception the check stopped at is its last failure.
    void record(report& out, const std::optional<std::string>& thrown) const {
        for (const auto& m : messages_) out.failures.push_back({name_, m});
        if (count_ > messages_.size())
            out.failures.push_back(
                {name_, "... and " + std::to_string(count_ - messages_.size()) + " more"});
        if (thrown) {
            std::string where = where_.empty() ? step_ : where_ + ", " + step_;
            out.failures.push_back({name_, where + ": threw: " + *thrown});
        }
        for (const auto& n : notes_) out.notes.push_back(n);
        if (count_ == 0 && !thrown) out.passed.push_back(name_);
    }

private:
    std::string name_;
    const std::function<std::shared_ptr<sampler>()>& make_;
    std::string where_;
    std::string step_;
    std::vector<std::string> messages_;
    std::size_t count_ = 0;
    std::vector<std::string> notes_;
};

// Proposes trials first..last-1 of st and checks every one.
void propose_and_check(check& c, sampler& s, const study& st, std::int64_t first,
                       std::int64_t last) {
    c.at(st.situation());
    for (std::int64_t n = first; n < last; ++n) {
        params p = c.propose(s, st, n);
        std::string why = problems(st.space, p);
        if (!why.empty()) c.fail("trial " + std::to_string(n) + ": " + text(p) + " -> " + why);
    }
}

void proposes_values_in_range_and_on_grid(check& c) {
    study st("every_kind", every_kind());
    auto s = c.make();
    if (!c.prepared(*s, st)) return;
    propose_and_check(c, *s, st, 0, 40);  // no history: a model-based sampler's start-up
    st.add_history(60);
    propose_and_check(c, *s, st, st.next(), st.next() + 20);
}

// "a, b" for the values a dimension took.
std::string joined(const std::set<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
    return out.empty() ? "nothing" : out;
}

void leaves_inactive_dimensions_out(check& c) {
    study st("conditional", conditional_space());
    auto s = c.make();
    if (!c.prepared(*s, st)) return;
    std::set<std::string> optimizers, schedules;
    c.at(st.situation());
    for (std::int64_t n = 0; n < st.budget; ++n) {
        params p = c.propose(*s, st, n);
        std::string why = problems(st.space, p);
        if (!why.empty()) c.fail("trial " + std::to_string(n) + ": " + text(p) + " -> " + why);
        if (p.count("optimizer")) optimizers.insert(to_string(p.at("optimizer")));
        if (p.count("schedule")) schedules.insert(to_string(p.at("schedule")));
    }
    // Over the budget with no history, every branch of the tree comes up.
    const std::string over = "over trials 0.." + std::to_string(st.budget - 1) + ", ";
    if (optimizers.size() != 2u)
        c.fail(over + "optimizer took " + joined(optimizers) + ", not both of its 2 choices");
    if (schedules.size() != 2u)
        c.fail(over + "schedule took " + joined(schedules) + ", not both of its 2 choices");
    // A history whose trials lack the inactive dimensions.
    st.add_history(60);
    propose_and_check(c, *s, st, st.next(), st.next() + 20);
    st.objective.direction = direction::maximize;
    propose_and_check(c, *s, st, st.next(), st.next() + 10);
}

void gives_the_same_params_for_the_same_request(check& c) {
    for (auto& [name, sp] : both_spaces()) {
        study st(name, sp);
        st.add_history(60);
        rng r(3);
        st.pending.push_back(draw(st.space, r));
        auto a = c.make();
        auto b = c.make();
        if (!c.prepared(*a, st) || !c.prepared(*b, st)) continue;
        c.at(st.situation());
        const std::int64_t n = st.next();
        const std::string trial_n = "trial " + std::to_string(n);
        const std::string trial_next = "trial " + std::to_string(n + 1);
        std::string first = text(c.propose(*a, st, n));
        std::string other = text(c.propose(*a, st, n + 1));
        // Asked again after another trial, and by a fresh sampler (a resumed study) asked in
        // the other order (another thread count): the same params.
        if (auto again = text(c.propose(*a, st, n)); again != first)
            c.fail(trial_n + " asked again after " + trial_next + ": " + again +
                   ", the first time: " + first);
        if (auto fresh = text(c.propose(*b, st, n + 1)); fresh != other)
            c.fail(trial_next + " asked first of a fresh sampler: " + fresh +
                   ", the first sampler: " + other);
        if (auto fresh = text(c.propose(*b, st, n)); fresh != first)
            c.fail(trial_n + " asked second of a fresh sampler: " + fresh +
                   ", the first sampler: " + first);
    }
}

void tolerates_failed_pruned_and_nan_trials(check& c) {
    for (auto kind : {history_kind::mixed, history_kind::all_failed, history_kind::constant}) {
        for (auto dir : {direction::minimize, direction::maximize}) {
            study st("every_kind", every_kind(), dir);
            auto s = c.make();
            if (!c.prepared(*s, st)) return;
            st.add_history(40, kind);
            propose_and_check(c, *s, st, st.next(), st.next() + 10);
        }
    }
}

void serves_a_one_point_space(check& c) {
    study st("one_point", space({dimension::integer("n", 3, 3), dimension::real("x", 2.5, 2.5),
                                 dimension::categorical("only", {std::string("one")})}));
    st.budget = 10;
    auto s = c.make();
    if (!c.prepared(*s, st)) return;
    const std::string point =
        text({{"n", std::int64_t{3}}, {"x", 2.5}, {"only", std::string("one")}});
    auto expect_the_point = [&](std::int64_t n) {
        if (auto got = text(c.propose(*s, st, n)); got != point)
            c.fail("trial " + std::to_string(n) + ": " + got + ", expected the only point " +
                   point);
    };
    c.at(st.situation());
    for (std::int64_t n = 0; n < 5; ++n) expect_the_point(n);
    st.add_history(12);  // every trial has the same params
    c.at(st.situation());
    for (std::int64_t n = st.next(); n < st.next() + 5; ++n) expect_the_point(n);
}

void serves_a_one_dimensional_space(check& c) {
    std::vector<dimension> dims{
        dimension::real("x", -2, 3), dimension::integer("k", 1, 100, scale::log),
        dimension::categorical("c", {std::string("a"), std::string("b"), std::string("c")})};
    bool served = false;
    for (const auto& d : dims) {
        study st("{" + d.describe() + "}", space({d}));
        auto s = c.make();
        if (!c.prepared(*s, st)) continue;
        served |= d.kind() == dimension_kind::real;
        propose_and_check(c, *s, st, 0, 10);
        st.add_history(60);
        propose_and_check(c, *s, st, st.next(), st.next() + 10);
    }
    // Refusing is allowed for some spaces, not for the simplest one.
    c.at("");
    if (!served) c.fail("refuses a single float dimension");
}

void learns_from_a_long_history_in_both_directions(check& c) {
    for (auto dir : {direction::minimize, direction::maximize}) {
        study st("four_numbers",
                 space({dimension::real("x", -5, 5), dimension::real("y", 0, 1),
                        dimension::real("lr", 1e-5, 1e-1, scale::log),
                        dimension::integer("units", 4, 64)}),
                 dir);
        auto s = c.make();
        if (!c.prepared(*s, st)) return;
        st.add_history(60);
        propose_and_check(c, *s, st, st.next(), st.next() + 20);
    }
}

void accepts_pending_params(check& c) {
    for (auto& [name, sp] : both_spaces()) {
        study st(name, sp);
        auto s = c.make();
        if (!c.prepared(*s, st)) continue;
        rng r(99);
        for (int i = 0; i < 6; ++i) st.pending.push_back(draw(st.space, r));
        propose_and_check(c, *s, st, 0, 5);
        st.add_history(30);
        propose_and_check(c, *s, st, st.next(), st.next() + 10);
    }
}

void survives_prior_trials_outside_the_space(check& c) {
    for (auto& [name, sp] : both_spaces()) {
        study st(name, sp);
        auto s = c.make();
        if (!c.prepared(*s, st)) continue;
        rng r(5);
        auto add = [&](trial t) {
            t.number = static_cast<std::int64_t>(st.prior_trials.size());
            st.prior_trials.push_back(std::move(t));
            st.prior.push_back(&st.prior_trials.back());
        };
        using st_ = trial_state;
        // Some that fit the space...
        for (int i = 0; i < 8; ++i) {
            auto p = draw(st.space, r);
            add(make_trial(0, st_::complete, p, objective_of(st.space, p)));
        }
        // ...and some that do not: an extra name, a missing one, out of range, the wrong type,
        // another space altogether, failed ones and a NaN value.
        auto extra = draw(st.space, r);
        extra["ghost"] = 1.0;
        add(make_trial(0, st_::complete, extra, 0.5));
        auto missing = draw(st.space, r);
        missing.erase(missing.begin());
        add(make_trial(0, st_::complete, missing, 0.1));
        auto far = draw(st.space, r);
        for (auto& [dim, v] : far) {
            if (std::holds_alternative<std::int64_t>(v)) v = std::int64_t{100000};
            if (std::holds_alternative<double>(v)) v = 1e9;
            if (std::holds_alternative<std::string>(v)) v = std::string("nonesuch");
        }
        add(make_trial(0, st_::complete, far, 0.01));
        auto wrong = draw(st.space, r);
        for (auto& [dim, v] : wrong) {
            if (std::holds_alternative<std::string>(v))
                v = 2.0;
            else
                v = std::string("text");
        }
        add(make_trial(0, st_::complete, wrong, 0.02));
        add(make_trial(0, st_::complete, {{"alpha", 1.0}, {"beta", std::string("b")}}, 0.03));
        add(make_trial(0, st_::complete, {}, 0.04));
        add(make_trial(0, st_::failed, draw(st.space, r), std::nullopt));
        add(make_trial(0, st_::complete, draw(st.space, r), not_a_number));
        propose_and_check(c, *s, st, 0, 10);
        st.add_history(40);
        propose_and_check(c, *s, st, st.next(), st.next() + 10);
    }
}

void stays_inside_a_narrowed_space(check& c) {
    // The strategy zooms into a sub-box (coarse to fine) after trials ran on the whole space.
    space full({dimension::real("x", -5, 5), dimension::integer("n", 1, 64, scale::log),
                dimension::real("lr", 1e-5, 1, scale::log),
                dimension::categorical("act", {std::string("relu"), std::string("tanh")})});
    space zoom({dimension::real("x", 1, 2), dimension::integer("n", 8, 16, scale::log),
                dimension::real("lr", 1e-3, 1e-2, scale::log),
                dimension::categorical("act", {std::string("relu"), std::string("tanh")})});
    study st("full", full);
    auto s = c.make();
    if (!c.prepared(*s, st)) return;
    st.add_history(60);
    study narrowed("zoom (prepared for full)", zoom);
    narrowed.trials = st.trials;
    for (const auto& t : narrowed.trials) narrowed.finished.push_back(&t);
    narrowed.history = st.history + " on the full space";
    propose_and_check(c, *s, narrowed, narrowed.next(), narrowed.next() + 10);
}

void runs_past_its_budget(check& c) {
    // A resumed study may ask for trials beyond the budget given to prepare(), or lower it.
    study st("every_kind", every_kind());
    st.budget = 10;
    auto s = c.make();
    if (!c.prepared(*s, st)) return;
    propose_and_check(c, *s, st, 0, 25);
    st.budget = 3;
    propose_and_check(c, *s, st, 25, 30);
}

// Runs one check, whatever it throws, and adds what it found to out.
void run(report& out, const char* name, void (*body)(check&),
         const std::function<std::shared_ptr<sampler>()>& make) {
    check c(name, make);
    std::optional<std::string> thrown;
    try {
        body(c);
    } catch (const std::exception& e) {
        thrown = e.what();
    } catch (...) {
        thrown = "an exception that is not a std::exception";
    }
    c.record(out, thrown);
}

}  // namespace

report check_sampler(const std::function<std::shared_ptr<sampler>()>& make) {
    report out;
#define CAVIAR_KIT_CHECK(name) run(out, #name, name, make)
    CAVIAR_KIT_CHECK(proposes_values_in_range_and_on_grid);
    CAVIAR_KIT_CHECK(leaves_inactive_dimensions_out);
    CAVIAR_KIT_CHECK(gives_the_same_params_for_the_same_request);
    CAVIAR_KIT_CHECK(tolerates_failed_pruned_and_nan_trials);
    CAVIAR_KIT_CHECK(serves_a_one_point_space);
    CAVIAR_KIT_CHECK(serves_a_one_dimensional_space);
    CAVIAR_KIT_CHECK(learns_from_a_long_history_in_both_directions);
    CAVIAR_KIT_CHECK(accepts_pending_params);
    CAVIAR_KIT_CHECK(survives_prior_trials_outside_the_space);
    CAVIAR_KIT_CHECK(stays_inside_a_narrowed_space);
    CAVIAR_KIT_CHECK(runs_past_its_budget);
#undef CAVIAR_KIT_CHECK
    return out;
}

}  // namespace caviar::conformance
