// The conformance kit every sampler plugin must pass: each sampler_*.so found in the plugin
// output folder is loaded with its options' defaults and given the same requests (every kind of
// dimension, conditional spaces, odd histories, pending and warm-start trials). A new sampler is
// covered as soon as it is built. A sampler may refuse a space in prepare() with
// std::invalid_argument (that space is then skipped for it); anything else is a failure.
#define BOOST_TEST_MODULE sampler_conformance
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <caviar/caviar.hpp>
#include <plugin/registry.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;
using caviar::dimension;
using caviar::scale;

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

// File stems ("sampler_random", ...) of every sampler plugin built, sorted.
std::vector<std::string> sampler_stems() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(CAVIAR_PLUGIN_OUTPUT_DIR, ec)) {
        std::string name = e.path().filename().string();
        if (name.starts_with("sampler_") && e.path().extension() == ".so")
            out.push_back(e.path().stem().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Options a sampler needs to serve every space here, on top of its defaults.
const std::map<std::string, std::map<std::string, caviar::option_value>>& overrides() {
    static const std::map<std::string, std::map<std::string, caviar::option_value>> o{
        {"grid", {{"allow_partial", true}}},  // the grids below are larger than their budgets
    };
    return o;
}

// A sampler plugin, built as the host would: every option at its default.
struct subject {
    caviar::loaded_plugin plugin;
    caviar::options opts;

    explicit subject(const std::string& stem)
        : plugin(caviar::registry::load_file(fs::path(CAVIAR_PLUGIN_OUTPUT_DIR) / (stem + ".so"))) {
        for (const auto& spec : plugin.info.options) {
            BOOST_TEST_REQUIRE(spec.default_value.has_value(),
                               "option \"" << spec.name
                                           << "\" has no default: give it one, or an override "
                                              "in this test");
            opts.set(spec.name, *spec.default_value);
        }
        if (auto it = overrides().find(plugin.info.name); it != overrides().end())
            for (const auto& [name, v] : it->second) opts.set(name, v);
    }

    std::shared_ptr<caviar::sampler> make() const {
        return caviar::registry::create<caviar::sampler>(plugin, opts);
    }
};

std::string text(const caviar::params& p) {
    std::string out;
    for (const auto& [name, v] : p) out += name + "=" + caviar::to_string(v) + " ";
    return out;
}

// What is wrong with p as a point of sp (empty when nothing): a missing or extra name, an active
// dimension left out, an inactive one given, a value of the wrong type, out of range or off grid.
std::string problems(const caviar::space& sp, const caviar::params& p) {
    std::string out;
    for (const auto& d : sp) {
        auto it = p.find(d.name());
        bool on = sp.active(d, p);
        if (on && it == p.end()) out += d.name() + " is active but missing; ";
        if (!on && it != p.end()) out += d.name() + " is inactive but given; ";
        if (it != p.end() && !d.contains(it->second))
            out += d.name() + "=" + caviar::to_string(it->second) + " is not in " + d.describe() +
                   "; ";
    }
    for (const auto& [name, v] : p)
        if (!sp.find(name)) out += name + " is not a dimension; ";
    if (out.empty() && !sp.contains(p)) out = "space::contains refuses it";
    return out;
}

// Every kind of dimension and scale, with steps, mixed-type choices and negative ranges.
caviar::space every_kind() {
    return caviar::space({
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
caviar::space conditional_space() {
    caviar::space sp;
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

// A distance from a fixed point in unit space, over the dimensions present.
double objective_of(const caviar::space& sp, const caviar::params& p) {
    auto u = sp.to_unit(p);
    double f = 0;
    for (double x : u)
        if (!std::isnan(x)) f += (x - 0.3) * (x - 0.3);
    return f;
}

// The fields of a trial the host fills, with the objective's value (or none).
caviar::trial make_trial(std::int64_t number, caviar::trial_state state, caviar::params p,
                         std::optional<double> value) {
    caviar::trial t;
    t.number = number;
    t.state = state;
    t.params = std::move(p);
    t.seed = caviar::derive_seed(11, static_cast<std::uint64_t>(number));
    t.origin = "conformance";
    if (value) {
        t.metrics = {{"value", *value}};
        t.curve = {{.step = 1, .metrics = t.metrics}};
        t.value = value;
    }
    t.steps = state == caviar::trial_state::complete ? 3 : 1;
    t.started_at = 1000 + static_cast<double>(number);
    t.finished_at = t.started_at + 1;
    if (state == caviar::trial_state::failed) t.error = "conformance: made to fail";
    if (state == caviar::trial_state::pruned) t.error = "conformance: pruned";
    return t;
}

// Uniform params of sp from a seed (history and pending trials).
caviar::params draw(const caviar::space& sp, caviar::rng& r) {
    std::vector<double> u(sp.size());
    for (double& x : u) x = caviar::unit_draw(r);
    return sp.from_unit(u);
}

enum class history_kind { mixed, all_failed, constant };

// A study as a sampler sees it: the space, the objective, finished, pending and prior trials.
struct study {
    caviar::space space;
    caviar::objective objective{.metric = "value"};
    std::int64_t budget = 100;
    std::deque<caviar::trial> trials;  // deque: pointers to its elements stay valid
    std::vector<const caviar::trial*> finished;
    std::vector<caviar::params> pending;
    std::deque<caviar::trial> prior_trials;
    std::vector<const caviar::trial*> prior;

    explicit study(caviar::space sp, caviar::direction dir = caviar::direction::minimize)
        : space(std::move(sp)) {
        objective.direction = dir;
    }

    // count finished trials in number order. mixed: mostly complete, with failed ones (no value),
    // pruned ones, and complete ones whose value is NaN, infinite or missing.
    void add_history(int count, history_kind kind = history_kind::mixed) {
        caviar::rng r(12345);
        for (int i = 0; i < count; ++i) {
            auto number = static_cast<std::int64_t>(trials.size());
            caviar::params p = draw(space, r);
            double f = objective_of(space, p);
            using st = caviar::trial_state;
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
    }

    caviar::sample_request request(std::int64_t number) const {
        return {.space = space,
                .finished = finished,
                .pending = pending,
                .prior = prior,
                .objective = objective,
                .number = number,
                .seed = caviar::derive_seed(7, static_cast<std::uint64_t>(number)),
                .budget = budget};
    }
    std::int64_t next() const { return static_cast<std::int64_t>(trials.size()); }
};

// prepare() as the host calls it; false (and a note) when the sampler refuses the space with
// std::invalid_argument, which the kit allows. Any other exception fails the test.
bool prepared(caviar::sampler& s, const caviar::space& sp, std::int64_t budget) {
    try {
        s.prepare(sp, budget);
        return true;
    } catch (const std::invalid_argument& e) {
        BOOST_TEST_MESSAGE("refuses the space: " << e.what());
        return false;
    }
}

// Proposes trials first..last-1 of st and checks every one.
void propose_and_check(caviar::sampler& s, const study& st, std::int64_t first, std::int64_t last) {
    for (std::int64_t n = first; n < last; ++n) {
        caviar::params p = s.propose(st.request(n));
        std::string why = problems(st.space, p);
        BOOST_TEST(why.empty(), "trial " << n << ": " << text(p) << "-> " << why);
    }
}

// Every sampler's file and its context, for the data test cases.
#define CAVIAR_FOR_EVERY_SAMPLER(name)                               \
    BOOST_DATA_TEST_CASE(name, bdata::make(sampler_stems()), stem) { \
        BOOST_TEST_CONTEXT("sampler " << stem) {                     \
            name##_body(subject(stem));                              \
        }                                                            \
    }

}  // namespace

BOOST_AUTO_TEST_SUITE(sampler_conformance)

BOOST_AUTO_TEST_CASE(finds_the_shipped_samplers) {
    auto stems = sampler_stems();
    for (std::string name : {"random", "grid", "sobol", "lhs"})
        BOOST_TEST((std::find(stems.begin(), stems.end(), "sampler_" + name) != stems.end()),
                   "sampler_" << name << ".so is not in " << CAVIAR_PLUGIN_OUTPUT_DIR);
    std::string all;
    for (const auto& s : stems) all += s + " ";
    BOOST_TEST_MESSAGE("samplers under test: " << all);
}

namespace {

void proposes_values_in_range_and_on_grid_body(const subject& sub) {
    study st(every_kind());
    auto s = sub.make();
    if (!prepared(*s, st.space, st.budget)) return;
    propose_and_check(*s, st, 0, 40);  // no history: a model-based sampler's start-up
    st.add_history(60);
    propose_and_check(*s, st, st.next(), st.next() + 20);
}

void leaves_inactive_dimensions_out_body(const subject& sub) {
    study st(conditional_space());
    auto s = sub.make();
    if (!prepared(*s, st.space, st.budget)) return;
    std::set<std::string> optimizers, schedules;
    for (std::int64_t n = 0; n < st.budget; ++n) {
        caviar::params p = s->propose(st.request(n));
        std::string why = problems(st.space, p);
        BOOST_TEST(why.empty(), "trial " << n << ": " << text(p) << "-> " << why);
        if (p.count("optimizer")) optimizers.insert(caviar::to_string(p.at("optimizer")));
        if (p.count("schedule")) schedules.insert(caviar::to_string(p.at("schedule")));
    }
    // Over the budget with no history, every branch of the tree comes up.
    BOOST_TEST(optimizers.size() == 2u);
    BOOST_TEST(schedules.size() == 2u);
    // A history whose trials lack the inactive dimensions.
    st.add_history(60);
    propose_and_check(*s, st, st.next(), st.next() + 20);
    st.objective.direction = caviar::direction::maximize;
    propose_and_check(*s, st, st.next(), st.next() + 10);
}

void gives_the_same_params_for_the_same_request_body(const subject& sub) {
    for (auto sp : {every_kind(), conditional_space()}) {
        study st(sp);
        st.add_history(60);
        caviar::rng r(3);
        st.pending.push_back(draw(st.space, r));
        auto a = sub.make();
        auto b = sub.make();
        if (!prepared(*a, st.space, st.budget) || !prepared(*b, st.space, st.budget)) continue;
        const std::int64_t n = st.next();
        std::string first = text(a->propose(st.request(n)));
        std::string other = text(a->propose(st.request(n + 1)));
        // Asked again after another trial, and by a fresh sampler (a resumed study) asked in
        // the other order (another thread count): the same params.
        BOOST_TEST(text(a->propose(st.request(n))) == first);
        BOOST_TEST(text(b->propose(st.request(n + 1))) == other);
        BOOST_TEST(text(b->propose(st.request(n))) == first);
    }
}

void tolerates_failed_pruned_and_nan_trials_body(const subject& sub) {
    for (auto kind : {history_kind::mixed, history_kind::all_failed, history_kind::constant}) {
        for (auto dir : {caviar::direction::minimize, caviar::direction::maximize}) {
            study st(every_kind(), dir);
            auto s = sub.make();
            if (!prepared(*s, st.space, st.budget)) return;
            st.add_history(40, kind);
            BOOST_TEST_CONTEXT("history " << static_cast<int>(kind) << ", direction "
                                          << static_cast<int>(dir)) {
                propose_and_check(*s, st, st.next(), st.next() + 10);
            }
        }
    }
}

void serves_a_one_point_space_body(const subject& sub) {
    study st(caviar::space({dimension::integer("n", 3, 3), dimension::real("x", 2.5, 2.5),
                            dimension::categorical("only", {std::string("one")})}));
    st.budget = 10;
    auto s = sub.make();
    if (!prepared(*s, st.space, st.budget)) return;
    const caviar::params point{{"n", std::int64_t{3}}, {"x", 2.5}, {"only", std::string("one")}};
    for (std::int64_t n = 0; n < 5; ++n) BOOST_TEST(text(s->propose(st.request(n))) == text(point));
    st.add_history(12);  // every trial has the same params
    for (std::int64_t n = st.next(); n < st.next() + 5; ++n)
        BOOST_TEST(text(s->propose(st.request(n))) == text(point));
}

void serves_a_one_dimensional_space_body(const subject& sub) {
    std::vector<dimension> dims{
        dimension::real("x", -2, 3), dimension::integer("k", 1, 100, scale::log),
        dimension::categorical("c", {std::string("a"), std::string("b"), std::string("c")})};
    bool served = false;
    for (const auto& d : dims) {
        BOOST_TEST_CONTEXT("dimension " << d.describe()) {
            study st(caviar::space({d}));
            auto s = sub.make();
            if (!prepared(*s, st.space, st.budget)) continue;
            served |= d.kind() == caviar::dimension_kind::real;
            propose_and_check(*s, st, 0, 10);
            st.add_history(60);
            propose_and_check(*s, st, st.next(), st.next() + 10);
        }
    }
    // Refusing is allowed for some spaces, not for the simplest one.
    BOOST_TEST(served, "refuses a single float dimension");
}

void learns_from_a_long_history_in_both_directions_body(const subject& sub) {
    for (auto dir : {caviar::direction::minimize, caviar::direction::maximize}) {
        BOOST_TEST_CONTEXT("direction " << (dir == caviar::direction::minimize ? "min" : "max")) {
            study st(caviar::space({dimension::real("x", -5, 5), dimension::real("y", 0, 1),
                                    dimension::real("lr", 1e-5, 1e-1, scale::log),
                                    dimension::integer("units", 4, 64)}),
                     dir);
            auto s = sub.make();
            if (!prepared(*s, st.space, st.budget)) return;
            st.add_history(60);
            propose_and_check(*s, st, st.next(), st.next() + 20);
        }
    }
}

void accepts_pending_params_body(const subject& sub) {
    for (auto sp : {every_kind(), conditional_space()}) {
        study st(sp);
        auto s = sub.make();
        if (!prepared(*s, st.space, st.budget)) continue;
        caviar::rng r(99);
        for (int i = 0; i < 6; ++i) st.pending.push_back(draw(st.space, r));
        propose_and_check(*s, st, 0, 5);
        st.add_history(30);
        propose_and_check(*s, st, st.next(), st.next() + 10);
    }
}

void survives_prior_trials_outside_the_space_body(const subject& sub) {
    for (auto sp : {every_kind(), conditional_space()}) {
        study st(sp);
        auto s = sub.make();
        if (!prepared(*s, st.space, st.budget)) continue;
        caviar::rng r(5);
        auto add = [&](caviar::trial t) {
            t.number = static_cast<std::int64_t>(st.prior_trials.size());
            st.prior_trials.push_back(std::move(t));
            st.prior.push_back(&st.prior_trials.back());
        };
        using st_ = caviar::trial_state;
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
        for (auto& [name, v] : far) {
            if (std::holds_alternative<std::int64_t>(v)) v = std::int64_t{100000};
            if (std::holds_alternative<double>(v)) v = 1e9;
            if (std::holds_alternative<std::string>(v)) v = std::string("nonesuch");
        }
        add(make_trial(0, st_::complete, far, 0.01));
        auto wrong = draw(st.space, r);
        for (auto& [name, v] : wrong) {
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
        propose_and_check(*s, st, 0, 10);
        st.add_history(40);
        propose_and_check(*s, st, st.next(), st.next() + 10);
    }
}

void stays_inside_a_narrowed_space_body(const subject& sub) {
    // The strategy zooms into a sub-box (coarse to fine) after trials ran on the whole space.
    caviar::space full({dimension::real("x", -5, 5), dimension::integer("n", 1, 64, scale::log),
                        dimension::real("lr", 1e-5, 1, scale::log),
                        dimension::categorical("act", {std::string("relu"), std::string("tanh")})});
    caviar::space zoom({dimension::real("x", 1, 2), dimension::integer("n", 8, 16, scale::log),
                        dimension::real("lr", 1e-3, 1e-2, scale::log),
                        dimension::categorical("act", {std::string("relu"), std::string("tanh")})});
    study st(full);
    auto s = sub.make();
    if (!prepared(*s, full, st.budget)) return;
    st.add_history(60);
    study narrowed(zoom);
    narrowed.trials = st.trials;
    for (const auto& t : narrowed.trials) narrowed.finished.push_back(&t);
    propose_and_check(*s, narrowed, narrowed.next(), narrowed.next() + 10);
}

void runs_past_its_budget_body(const subject& sub) {
    // A resumed study may ask for trials beyond the budget given to prepare(), or lower it.
    study st(every_kind());
    st.budget = 10;
    auto s = sub.make();
    if (!prepared(*s, st.space, st.budget)) return;
    propose_and_check(*s, st, 0, 25);
    st.budget = 3;
    propose_and_check(*s, st, 25, 30);
}

}  // namespace

CAVIAR_FOR_EVERY_SAMPLER(proposes_values_in_range_and_on_grid)
CAVIAR_FOR_EVERY_SAMPLER(leaves_inactive_dimensions_out)
CAVIAR_FOR_EVERY_SAMPLER(gives_the_same_params_for_the_same_request)
CAVIAR_FOR_EVERY_SAMPLER(tolerates_failed_pruned_and_nan_trials)
CAVIAR_FOR_EVERY_SAMPLER(serves_a_one_point_space)
CAVIAR_FOR_EVERY_SAMPLER(serves_a_one_dimensional_space)
CAVIAR_FOR_EVERY_SAMPLER(learns_from_a_long_history_in_both_directions)
CAVIAR_FOR_EVERY_SAMPLER(accepts_pending_params)
CAVIAR_FOR_EVERY_SAMPLER(survives_prior_trials_outside_the_space)
CAVIAR_FOR_EVERY_SAMPLER(stays_inside_a_narrowed_space)
CAVIAR_FOR_EVERY_SAMPLER(runs_past_its_budget)

BOOST_AUTO_TEST_SUITE_END()
