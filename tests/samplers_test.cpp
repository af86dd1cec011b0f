// The random and grid samplers and the batch strategy, loaded as plugins through the registry.
#define BOOST_TEST_MODULE samplers
#include <boost/test/unit_test.hpp>

#include <caviar/caviar.hpp>
#include <plugin/registry.hpp>

#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using caviar::dimension;
using caviar::scale;

std::string plugin_file(const std::string& name) {
    return std::string(CAVIAR_PLUGIN_OUTPUT_DIR) + "/" + name + ".so";
}

std::shared_ptr<caviar::sampler> make_random() {
    return caviar::registry::create<caviar::sampler>(
        caviar::registry::load_file(plugin_file("sampler_random")), {});
}

std::shared_ptr<caviar::sampler> make_grid(std::int64_t points, bool allow_partial = false) {
    caviar::options o;
    o.set("points", points);
    o.set("allow_partial", allow_partial);
    return caviar::registry::create<caviar::sampler>(
        caviar::registry::load_file(plugin_file("sampler_grid")), o);
}

// Proposes trial `number` of a study seeded 7, as the host would.
caviar::params propose(caviar::sampler& s, const caviar::space& sp, std::int64_t number,
                       std::int64_t budget = 100) {
    static const caviar::objective objective{.metric = "value"};
    caviar::sample_request req{.space = sp,
                               .finished = {},
                               .pending = {},
                               .objective = objective,
                               .number = number,
                               .seed = caviar::derive_seed(7, static_cast<std::uint64_t>(number)),
                               .budget = budget};
    return s.propose(req);
}

std::string text(const caviar::params& p) {
    std::string out;
    for (const auto& [name, v] : p) out += name + "=" + caviar::to_string(v) + " ";
    return out;
}

caviar::space every_kind() {
    return caviar::space({
        dimension::integer("layers", 1, 5),
        dimension::integer("units", 8, 256, scale::log),
        dimension::integer("batch", 0, 100, scale::linear, 10),
        dimension::real("dropout", 0, 0.5),
        dimension::real("lr", 1e-4, 1, scale::log),
        dimension::real("beta", 0.9, 0.999, scale::log1m),
        dimension::real("ratio", 0, 1, scale::linear, 0.25),
        dimension::categorical("activation",
                               {std::string("relu"), std::string("tanh"), std::int64_t{3}}),
    });
}

bool near(double a, double b, double rel = 1e-9) {
    return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(random_sampler)

BOOST_AUTO_TEST_CASE(values_lie_in_every_kind_of_dimension) {
    auto s = make_random();
    auto sp = every_kind();
    BOOST_REQUIRE(sp.problems().empty());
    std::set<std::int64_t> layers;
    std::set<std::string> activations;
    for (std::int64_t n = 0; n < 2000; ++n) {
        auto p = propose(*s, sp, n);
        BOOST_TEST_REQUIRE(sp.contains(p), "trial " << n << ": " << text(p));
        layers.insert(caviar::get_int(p, "layers"));
        activations.insert(caviar::to_string(p.at("activation")));
    }
    // Both ends of an int range and every choice come up.
    BOOST_TEST(layers == (std::set<std::int64_t>{1, 2, 3, 4, 5}));
    BOOST_TEST(activations.size() == 3u);
}

BOOST_AUTO_TEST_CASE(same_trial_gives_same_params) {
    auto sp = every_kind();
    auto a = make_random();
    auto b = make_random();
    for (std::int64_t n : {0, 1, 17, 1000})
        BOOST_TEST(text(propose(*a, sp, n)) == text(propose(*b, sp, n)));
    // The order in which trials are asked for (thread count) does not matter.
    std::vector<std::string> forward, backward(50);
    for (std::int64_t n = 0; n < 50; ++n) forward.push_back(text(propose(*a, sp, n)));
    for (std::int64_t n = 49; n >= 0; --n)
        backward[static_cast<std::size_t>(n)] = text(propose(*b, sp, n));
    BOOST_TEST(forward == backward, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(different_trials_give_different_params) {
    auto s = make_random();
    caviar::space sp({dimension::real("x", 0, 1), dimension::real("lr", 1e-5, 1, scale::log)});
    std::set<double> xs, lrs;
    for (std::int64_t n = 0; n < 500; ++n) {
        auto p = propose(*s, sp, n);
        xs.insert(caviar::get_real(p, "x"));
        lrs.insert(caviar::get_real(p, "lr"));
    }
    BOOST_TEST(xs.size() == 500u);
    BOOST_TEST(lrs.size() == 500u);
}

BOOST_AUTO_TEST_CASE(is_roughly_uniform_in_unit_space) {
    auto s = make_random();
    caviar::space sp({dimension::real("x", -3, 5), dimension::real("lr", 1e-6, 1, scale::log),
                      dimension::real("beta", 0.9, 0.9999, scale::log1m)});
    constexpr int trials = 20000, bins = 10;
    std::vector<std::vector<int>> counts(sp.size(), std::vector<int>(bins));
    for (std::int64_t n = 0; n < trials; ++n) {
        auto u = sp.to_unit(propose(*s, sp, n));
        for (std::size_t d = 0; d < u.size(); ++d)
            ++counts[d][std::min(bins - 1, static_cast<int>(u[d] * bins))];
    }
    // 2000 expected per bin, standard deviation ~42: 5 sigma either way.
    for (std::size_t d = 0; d < sp.size(); ++d)
        for (int b = 0; b < bins; ++b)
            BOOST_TEST(std::abs(counts[d][b] - trials / bins) < 210,
                       sp[d].name() << " bin " << b << " has " << counts[d][b]);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(grid_sampler)

BOOST_AUTO_TEST_CASE(enumerates_every_combination_of_a_mixed_space) {
    caviar::space sp({dimension::categorical(
                          "act", {std::string("relu"), std::string("tanh"), std::string("gelu")}),
                      dimension::integer("layers", 1, 4), dimension::real("x", 0, 1),
                      dimension::real("step", 0, 1, scale::linear, 0.5)});
    auto s = make_grid(4);
    const std::int64_t size = 3 * 4 * 4 * 3;
    BOOST_CHECK_NO_THROW(s->prepare(sp, size));

    std::set<std::string> expected;
    for (std::string act : {"relu", "tanh", "gelu"})
        for (std::int64_t layers = 1; layers <= 4; ++layers)
            for (double x : {0.0, 1.0 / 3, 2.0 / 3, 1.0})
                for (double step : {0.0, 0.5, 1.0})
                    expected.insert(text({{"act", act},
                                          {"layers", layers},
                                          {"x", sp[2].from_unit(x)},
                                          {"step", step}}));
    std::set<std::string> seen;
    for (std::int64_t n = 0; n < size; ++n) {
        auto p = propose(*s, sp, n, size);
        BOOST_TEST_REQUIRE(sp.contains(p), text(p));
        BOOST_TEST(seen.insert(text(p)).second, "trial " << n << " repeats " << text(p));
    }
    BOOST_TEST(seen == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(takes_every_choice_of_a_categorical_whatever_points_says) {
    // points thins numbers; 12 choices are 12 grid values (5 of them, then repeats, before).
    std::vector<caviar::value> choices;
    for (int i = 0; i < 12; ++i) choices.push_back(std::string(1, static_cast<char>('a' + i)));
    caviar::space sp({dimension::categorical("c", choices)});
    auto s = make_grid(5);
    BOOST_CHECK_NO_THROW(s->prepare(sp, 12));
    std::set<std::string> seen;
    for (std::int64_t n = 0; n < 12; ++n) seen.insert(text(propose(*s, sp, n, 12)));
    BOOST_TEST(seen.size() == 12u);
}

BOOST_AUTO_TEST_CASE(spaces_float_points_on_the_dimension_scale) {
    auto s = make_grid(5);
    caviar::space log_space({dimension::real("lr", 1e-4, 1, scale::log)});
    std::vector<double> expected{1e-4, 1e-3, 1e-2, 1e-1, 1};
    for (std::int64_t n = 0; n < 5; ++n) {
        double lr = caviar::get_real(propose(*s, log_space, n, 5), "lr");
        BOOST_TEST(near(lr, expected[static_cast<std::size_t>(n)]), "point " << n << " is " << lr);
    }
    caviar::space beta_space({dimension::real("beta", 0.9, 0.99999, scale::log1m)});
    std::vector<double> betas{0.9, 0.99, 0.999, 0.9999, 0.99999};
    for (std::int64_t n = 0; n < 5; ++n) {
        double beta = caviar::get_real(propose(*s, beta_space, n, 5), "beta");
        BOOST_TEST(near(beta, betas[static_cast<std::size_t>(n)]), "point " << n << " is " << beta);
    }
}

BOOST_AUTO_TEST_CASE(takes_all_values_of_small_discrete_dimensions_and_spaces_large_ones) {
    auto s = make_grid(5);
    auto values = [&](const dimension& d) {
        caviar::space sp({d});
        std::vector<std::string> out;
        for (std::int64_t n = 0; n < 5; ++n)
            out.push_back(caviar::to_string(propose(*s, sp, n).at(d.name())));
        return out;
    };
    using v = std::vector<std::string>;
    BOOST_TEST(
        values(dimension::integer("k", 0, 20, scale::linear, 5)) == (v{"0", "5", "10", "15", "20"}),
        boost::test_tools::per_element());
    BOOST_TEST(values(dimension::integer("k", 0, 100)) == (v{"0", "25", "50", "75", "100"}),
               boost::test_tools::per_element());
    BOOST_TEST(
        values(dimension::integer("k", 10, 12, scale::log)) == (v{"10", "11", "12", "10", "11"}),
        boost::test_tools::per_element());
    BOOST_TEST(values(dimension::real("r", 0, 1, scale::linear, 0.25)) ==
                   (v{"0", "0.25", "0.5", "0.75", "1"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(drops_int_points_that_round_to_the_same_value) {
    // On a log scale the small ints own wide cells: many of 100 points round to 1, 2, 3...
    auto s = make_grid(100);
    caviar::space sp({dimension::integer("units", 1, 200, scale::log)});
    std::vector<std::int64_t> axis;
    for (std::int64_t n = 0; n < 100; ++n) {
        auto k = caviar::get_int(propose(*s, sp, n, 100), "units");
        if (!axis.empty() && k == axis.front()) break;  // wrapped around
        BOOST_TEST_REQUIRE((axis.empty() || k > axis.back()), "point " << n << " is " << k);
        axis.push_back(k);
    }
    BOOST_TEST(axis.size() < 100u);
    BOOST_TEST(axis.front() == 1);
    BOOST_TEST(axis.back() == 200);
}

BOOST_AUTO_TEST_CASE(refuses_a_grid_larger_than_the_budget) {
    caviar::space sp;
    for (auto name : {"a", "b", "c", "d", "e"}) sp.add(dimension::real(name, 0, 1));
    auto s = make_grid(5);
    BOOST_CHECK_EXCEPTION(s->prepare(sp, 40), std::invalid_argument, [](const auto& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "the grid has 3125 points but the study runs 40 trials: raise [experiment] "
                   "trials, lower [sampler] points, or set allow_partial = true");
        return true;
    });
    BOOST_CHECK_NO_THROW(s->prepare(sp, 3125));
    BOOST_CHECK_NO_THROW(make_grid(5, true)->prepare(sp, 40));
}

BOOST_AUTO_TEST_CASE(survives_a_grid_size_beyond_int64) {
    caviar::space sp;
    for (int i = 0; i < 40; ++i) sp.add(dimension::real("x" + std::to_string(i), 0, 1));
    auto strict = make_grid(5);
    BOOST_CHECK_EXCEPTION(strict->prepare(sp, 1000), std::invalid_argument, [](const auto& e) {
        return std::string(e.what()).starts_with(
            "the grid has more than 9223372036854775807 points");
    });
    auto partial = make_grid(5, true);
    BOOST_CHECK_NO_THROW(partial->prepare(sp, 1000));
    std::set<std::string> seen;
    for (std::int64_t n = 0; n < 1000; ++n) seen.insert(text(propose(*partial, sp, n, 1000)));
    BOOST_TEST(seen.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(wraps_around_when_the_budget_exceeds_the_grid) {
    caviar::space sp(
        {dimension::categorical("c", {std::string("a"), std::string("b"), std::string("c")})});
    auto s = make_grid(5);
    BOOST_CHECK_NO_THROW(s->prepare(sp, 7));
    for (std::int64_t n = 0; n < 7; ++n)
        BOOST_TEST(text(propose(*s, sp, n, 7)) == text(propose(*s, sp, n % 3, 7)));
    BOOST_TEST(caviar::get_string(propose(*s, sp, 4, 7), "c") == "b");
}

BOOST_AUTO_TEST_CASE(serves_a_one_point_space) {
    caviar::space sp({dimension::categorical("only", {std::string("x")}),
                      dimension::real("fixed", 2, 2), dimension::integer("k", 3, 3)});
    auto s = make_grid(5);
    BOOST_CHECK_NO_THROW(s->prepare(sp, 1));
    for (std::int64_t n = 0; n < 4; ++n) {
        auto p = propose(*s, sp, n, 4);
        BOOST_TEST(caviar::get_string(p, "only") == "x");
        BOOST_TEST(caviar::get_real(p, "fixed") == 2.0);
        BOOST_TEST(caviar::get_int(p, "k") == 3);
    }
    // One point per float dimension is its centre on its scale.
    caviar::space wide({dimension::real("lr", 1e-4, 1, scale::log)});
    BOOST_TEST(near(caviar::get_real(propose(*make_grid(1), wide, 0, 1), "lr"), 1e-2));
}

BOOST_AUTO_TEST_CASE(enumerates_distinct_params_of_a_conditional_space) {
    // sgd: 2 momentums x 2 nesterovs; adam: constant, or cosine x 2 warmups (0 and 2: the ends
    // of the int). An inactive dimension must not multiply the grid: 4 + 1 + 2 = 7 points, not
    // 2 * 2 * 2 * 2 * 2 = 32.
    caviar::space sp;
    sp.add(dimension::categorical("opt", {std::string("sgd"), std::string("adam")}));
    sp.add(dimension::real("momentum", 0, 0.9).when("opt", {std::string("sgd")}));
    sp.add(dimension::categorical("nesterov", {std::string("yes"), std::string("no")})
               .when("opt", {std::string("sgd")}));
    sp.add(dimension::categorical("schedule", {std::string("constant"), std::string("cosine")})
               .when("opt", {std::string("adam")}));
    sp.add(dimension::integer("warmup", 0, 2).when("schedule", {std::string("cosine")}));
    BOOST_REQUIRE(sp.problems().empty());
    auto s = make_grid(2);
    BOOST_CHECK_EXCEPTION(s->prepare(sp, 6), std::invalid_argument, [](const auto& e) {
        return std::string(e.what()).starts_with("the grid has 7 points");
    });
    BOOST_CHECK_NO_THROW(s->prepare(sp, 7));
    std::vector<std::string> seen;
    for (std::int64_t n = 0; n < 7; ++n) {
        auto p = propose(*s, sp, n, 7);
        BOOST_TEST_REQUIRE(sp.contains(p), text(p));
        seen.push_back(text(p));
    }
    // Space order, the last active dimension turning fastest.
    std::vector<std::string> expected{
        "momentum=0 nesterov=yes opt=sgd ",   "momentum=0 nesterov=no opt=sgd ",
        "momentum=0.9 nesterov=yes opt=sgd ", "momentum=0.9 nesterov=no opt=sgd ",
        "opt=adam schedule=constant ",        "opt=adam schedule=cosine warmup=0 ",
        "opt=adam schedule=cosine warmup=2 "};
    BOOST_TEST(seen == expected, boost::test_tools::per_element());
    BOOST_TEST(text(propose(*s, sp, 7, 7)) == expected[0]);  // wraps around
}

BOOST_AUTO_TEST_CASE(a_condition_on_a_value_off_the_grid_leaves_its_dimension_out) {
    // y is active only at x = 0.25: with 5 points x takes it (4 points + 3 values of y), with 3
    // points x takes 0, 0.5 and 1 only, so y never comes up.
    caviar::space sp;
    sp.add(dimension::real("x", 0, 1, scale::linear, 0.25));
    sp.add(dimension::integer("y", 1, 3).when("x", {0.25}));
    auto fine = make_grid(5);
    BOOST_CHECK_NO_THROW(fine->prepare(sp, 7));
    BOOST_CHECK_THROW(fine->prepare(sp, 6), std::invalid_argument);
    std::set<std::string> seen;
    for (std::int64_t n = 0; n < 7; ++n) seen.insert(text(propose(*fine, sp, n, 7)));
    BOOST_TEST(seen.size() == 7u);
    BOOST_TEST(seen.count("x=0.25 y=2 ") == 1u);
    auto coarse = make_grid(3);
    BOOST_CHECK_NO_THROW(coarse->prepare(sp, 3));
    BOOST_CHECK_THROW(coarse->prepare(sp, 2), std::invalid_argument);
    for (std::int64_t n = 0; n < 3; ++n) BOOST_TEST(propose(*coarse, sp, n, 3).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// The host's side of a study, reduced to what the batch strategy reads.
class fake_study : public caviar::study_view {
public:
    explicit fake_study(std::int64_t budget) : budget_(budget) {}

    const caviar::space& space() const override { return space_; }
    const caviar::objective& objective() const override { return objective_; }
    std::int64_t budget() const override { return budget_; }
    std::int64_t max_steps() const override { return 10; }
    std::span<const caviar::trial* const> trials() const override { return view_; }
    std::int64_t count(caviar::trial_state s) const override {
        std::int64_t n = 0;
        for (const auto& t : trials_) n += t.state == s;
        return n;
    }
    caviar::params propose(const caviar::space&) override {
        return {{"x", static_cast<std::int64_t>(proposals_++)}};
    }
    std::uint64_t seed() const override { return 1; }
    caviar::model_capabilities capabilities() const override { return {}; }
    std::span<const std::string> architecture() const override { return {}; }
    void prune(std::int64_t, std::string) override {}
    bool held(std::int64_t n) const override { return held_trials.count(n) > 0; }
    std::set<std::int64_t> held_trials;

    // What the host does with a start job.
    caviar::trial& add(const caviar::params& p, caviar::trial_state s) {
        auto& t = trials_.emplace_back();
        t.number = static_cast<std::int64_t>(trials_.size()) - 1;
        t.params = p;
        t.state = s;
        view_.push_back(&t);
        return t;
    }
    caviar::trial& at(std::size_t i) { return trials_[i]; }
    int proposals() const { return proposals_; }

private:
    caviar::space space_{{dimension::integer("x", 0, 100)}};
    caviar::objective objective_{.metric = "value"};
    std::int64_t budget_;
    std::deque<caviar::trial> trials_;  // stable addresses
    std::vector<const caviar::trial*> view_;
    int proposals_ = 0;
};

std::shared_ptr<caviar::strategy> make_batch() {
    return caviar::registry::create<caviar::strategy>(
        caviar::registry::load_file(plugin_file("strategy_batch")), {});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(batch_strategy)

BOOST_AUTO_TEST_CASE(starts_the_budget_then_waits_then_is_done) {
    auto strategy = make_batch();
    fake_study study(3);
    for (std::int64_t n = 0; n < 3; ++n) {
        auto j = strategy->next(study);
        BOOST_TEST_REQUIRE((j.what == caviar::job::kind::start));
        BOOST_TEST(j.steps == 0);
        BOOST_TEST(j.origin.empty());
        BOOST_TEST(caviar::get_int(j.params, "x") == n);
        study.add(j.params, caviar::trial_state::running);
    }
    BOOST_TEST((strategy->next(study).what == caviar::job::kind::wait));
    BOOST_TEST(study.proposals() == 3);

    study.at(0).state = caviar::trial_state::complete;
    study.at(1).state = caviar::trial_state::failed;
    BOOST_TEST((strategy->next(study).what == caviar::job::kind::wait));
    // A paused trial runs to its end; one a person holds waits for them.
    study.at(2).state = caviar::trial_state::paused;
    auto resume = strategy->next(study);
    BOOST_TEST((resume.what == caviar::job::kind::resume));
    BOOST_TEST(resume.trial == 2);
    study.held_trials.insert(2);
    BOOST_TEST((strategy->next(study).what == caviar::job::kind::wait));
    study.at(2).state = caviar::trial_state::pruned;
    BOOST_TEST((strategy->next(study).what == caviar::job::kind::done));
    BOOST_TEST(study.proposals() == 3);
}

BOOST_AUTO_TEST_CASE(lets_every_trial_run_its_full_length) {
    auto strategy = make_batch();
    fake_study study(1);
    auto& t = study.add({{"x", std::int64_t{1}}}, caviar::trial_state::running);
    for (std::int64_t step = 1; step <= 10; ++step)
        BOOST_TEST((strategy->on_report(study, t, step, {{"value", 1.0 / step}}).what ==
                    caviar::decision::kind::go_on));
}

BOOST_AUTO_TEST_CASE(counts_trials_of_earlier_runs_against_the_budget) {
    auto strategy = make_batch();
    fake_study study(2);
    study.add({{"x", std::int64_t{1}}}, caviar::trial_state::complete);
    study.add({{"x", std::int64_t{2}}}, caviar::trial_state::queued);
    BOOST_TEST((strategy->next(study).what == caviar::job::kind::wait));
    study.at(1).state = caviar::trial_state::complete;
    BOOST_TEST((strategy->next(study).what == caviar::job::kind::done));
    BOOST_TEST(study.proposals() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(unit_draws)

// Every sampler's params for a seed rest on this mapping, so it must not drift.
BOOST_AUTO_TEST_CASE(keep_the_top_53_bits_and_stay_below_one) {
    static_assert(caviar::unit_from_bits(0) == 0.0);
    BOOST_TEST(caviar::unit_from_bits(0x7ff) == 0.0);  // the low 11 bits are dropped
    BOOST_TEST(caviar::unit_from_bits(std::uint64_t{1} << 63) == 0.5);
    BOOST_TEST(caviar::unit_from_bits(std::uint64_t{1} << 11) == 0x1.0p-53);
    BOOST_TEST(caviar::unit_from_bits(~std::uint64_t{0}) == 1 - 0x1.0p-53);
}

BOOST_AUTO_TEST_CASE(take_one_engine_output_per_draw) {
    caviar::rng a(3), b(3);
    for (int i = 0; i < 100; ++i) BOOST_TEST(caviar::unit_draw(a) == caviar::unit_from_bits(b()));
}

BOOST_AUTO_TEST_SUITE_END()

// caviar::seen_trials, which caching samplers (tpe, gp) use to convert only new trials.
BOOST_AUTO_TEST_CASE(seen_trials_tell_an_extended_history_from_another) {
    std::deque<caviar::trial> trials(5);
    for (std::size_t i = 0; i < trials.size(); ++i) {
        trials[i].number = static_cast<std::int64_t>(i);
        trials[i].state = caviar::trial_state::complete;
        trials[i].value = i == 2 ? std::nan("") : static_cast<double>(i);
    }
    std::vector<const caviar::trial*> finished{&trials[0], &trials[1], &trials[2]};
    caviar::seen_trials seen;
    BOOST_TEST(seen.extended_by(finished));
    BOOST_TEST(seen.take_new(finished).size() == 3u);
    BOOST_TEST(seen.take_new(finished).empty());  // nothing new the second time
    // A NaN value (the last seen) still matches itself.
    BOOST_TEST(seen.extended_by(finished));
    finished.push_back(&trials[3]);
    BOOST_TEST(seen.extended_by(finished));
    auto fresh = seen.take_new(finished);
    BOOST_TEST_REQUIRE(fresh.size() == 1u);
    BOOST_TEST(fresh[0] == &trials[3]);
    // Another history: shorter, another first trial, or a seen trial changed.
    BOOST_TEST(!seen.extended_by(std::vector<const caviar::trial*>{&trials[0], &trials[1]}));
    std::vector<const caviar::trial*> other{&trials[4], &trials[1], &trials[2], &trials[3]};
    BOOST_TEST(!seen.extended_by(other));
    trials[3].value = 30.0;
    BOOST_TEST(!seen.extended_by(finished));
    seen.clear();
    BOOST_TEST(seen.size() == 0u);
    BOOST_TEST(seen.extended_by(other));
}
