// Parameter importance (fANOVA over a random forest): known dominant parameters, equal ones,
// categoricals, conditionals, determinism, and too little data.
#define BOOST_TEST_MODULE importance
#include <boost/test/unit_test.hpp>

#include "report/importance.hpp"

#include <cmath>
#include <functional>
#include <random>

using namespace caviar;

namespace {

// n complete trials at uniform random points of s, valued by f(params) plus Gaussian noise.
std::vector<trial> sample(const space& s, int n, const std::function<double(const params&)>& f,
                          double noise = 0.0, std::uint64_t seed = 1) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::normal_distribution<double> e(0, 1);
    std::vector<trial> out;
    for (int i = 0; i < n; ++i) {
        std::vector<double> point(s.size());
        for (auto& p : point) p = u(rng);
        trial t;
        t.number = i;
        t.state = trial_state::complete;
        t.params = s.from_unit(point);
        t.value = f(t.params) + noise * e(rng);
        out.push_back(std::move(t));
    }
    return out;
}

double share(const importance_result& r, const std::string& name) {
    for (const auto& p : r.params)
        if (p.name == name) return p.importance;
    BOOST_FAIL("no importance for " << name);
    return 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_dominant_parameter_explains_almost_everything) {
    space s({dimension::real("x", 0, 1), dimension::real("y", 0, 1)});
    auto trials = sample(
        s, 200, [](const params& p) { return 10 * get_real(p, "x") + 0.1 * get_real(p, "y"); },
        0.05);
    auto r = parameter_importance(s, trials);
    BOOST_TEST(r.note.empty());
    BOOST_TEST(r.trials == 200u);
    BOOST_TEST(r.params.front().name == "x");
    BOOST_TEST(share(r, "x") > 0.9);
    BOOST_TEST(share(r, "y") < 0.02);
    BOOST_TEST(share(r, "x") + share(r, "y") <= 1.0 + 1e-9);
}

BOOST_AUTO_TEST_CASE(two_equal_parameters_share_the_variance) {
    space s(
        {dimension::real("a", 0, 1), dimension::real("b", 0, 1), dimension::real("unused", 0, 1)});
    auto trials = sample(
        s, 300, [](const params& p) { return get_real(p, "a") + get_real(p, "b"); }, 0.01);
    auto r = parameter_importance(s, trials);
    double a = share(r, "a"), b = share(r, "b");
    BOOST_TEST(a > 0.35);
    BOOST_TEST(b > 0.35);
    BOOST_TEST(std::abs(a - b) < 0.1);
    BOOST_TEST(share(r, "unused") < 0.03);
    BOOST_TEST(r.params.back().name == "unused");
}

BOOST_AUTO_TEST_CASE(parameters_are_judged_on_their_own_scale) {
    // lr matters per decade (log scale): a linear reading would see a step near 0.
    space s({dimension::real("lr", 1e-5, 1, scale::log), dimension::real("noise", 0, 1)});
    auto trials = sample(s, 150, [](const params& p) {
        return std::log10(get_real(p, "lr")) + 0.05 * get_real(p, "noise");
    });
    auto r = parameter_importance(s, trials);
    BOOST_TEST(share(r, "lr") > 0.9);
}

BOOST_AUTO_TEST_CASE(categorical_parameters_are_handled) {
    space s({dimension::categorical(
                 "opt", {std::string("sgd"), std::string("adam"), std::string("rmsprop")}),
             dimension::real("z", 0, 1)});
    auto trials = sample(s, 150, [](const params& p) {
        const auto& o = get_string(p, "opt");
        return (o == "sgd" ? 0.0 : o == "adam" ? 5.0 : 1.0) + 0.1 * get_real(p, "z");
    });
    auto r = parameter_importance(s, trials);
    BOOST_TEST(r.params.front().name == "opt");
    BOOST_TEST(share(r, "opt") > 0.9);
}

BOOST_AUTO_TEST_CASE(conditional_parameters_count_absence_as_a_value) {
    dimension momentum = dimension::real("momentum", 0, 1);
    momentum.when("opt", {std::string("sgd")});
    space s({dimension::categorical("opt", {std::string("sgd"), std::string("adam")}),
             std::move(momentum), dimension::real("z", 0, 1)});
    auto trials = sample(s, 200, [](const params& p) {
        auto it = p.find("momentum");
        return (it == p.end() ? 0.5 : 3 * std::get<double>(it->second)) + 0.01 * get_real(p, "z");
    });
    std::size_t without = 0;
    for (const auto& t : trials) without += !t.params.count("momentum");
    BOOST_TEST_REQUIRE(without > 50u);
    auto r = parameter_importance(s, trials);
    BOOST_TEST(r.note.empty());
    BOOST_TEST(r.trials == 200u);
    BOOST_TEST(r.params.front().name == "momentum");
    BOOST_TEST(share(r, "momentum") > 0.5);
    BOOST_TEST(share(r, "z") < 0.05);
}

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_numbers) {
    space s({dimension::real("x", 0, 1), dimension::integer("k", 1, 50)});
    auto trials = sample(
        s, 80,
        [](const params& p) {
            return std::sin(6 * get_real(p, "x")) + 0.02 * static_cast<double>(get_int(p, "k"));
        },
        0.1);
    forest_options o;
    o.seed = 42;
    auto a = parameter_importance(s, trials, o), b = parameter_importance(s, trials, o);
    for (std::size_t i = 0; i < a.params.size(); ++i) {
        BOOST_TEST(a.params[i].name == b.params[i].name);
        BOOST_TEST(a.params[i].importance == b.params[i].importance);
    }
    o.seed = 43;
    auto c = parameter_importance(s, trials, o);
    BOOST_TEST(c.params.front().name == a.params.front().name);  // same conclusion
}

BOOST_AUTO_TEST_CASE(only_complete_trials_count_and_too_few_give_a_note) {
    space s({dimension::real("x", 0, 1), dimension::real("y", 0, 1)});
    auto trials = sample(s, 3, [](const params& p) { return get_real(p, "x"); });
    auto r = parameter_importance(s, trials);
    BOOST_TEST(!r.note.empty());
    BOOST_TEST(r.params.size() == 2u);
    BOOST_TEST(r.params[0].importance == 0.0);

    auto more = sample(s, 40, [](const params& p) { return get_real(p, "x"); });
    for (std::size_t i = 0; i < more.size(); i += 2) {
        more[i].state = trial_state::pruned;  // partial values must not be used
        more[i].value = 1e6;
    }
    auto q = parameter_importance(s, more);
    BOOST_TEST(q.trials == 20u);
    BOOST_TEST(share(q, "x") > 0.8);

    auto flat = sample(s, 20, [](const params&) { return 1.0; });
    BOOST_TEST(!parameter_importance(s, flat).note.empty());
}

BOOST_AUTO_TEST_CASE(main_effects_of_a_known_tree_function_are_exact) {
    // y = 1 where x0 >= 0.5, else 0 (x1 irrelevant): a tree learns it exactly, and x0 explains
    // all of the variance.
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    for (int i = 0; i < 40; ++i)
        for (int j = 0; j < 5; ++j) {
            double a = (i + 0.5) / 40, b = (j + 0.5) / 5;
            x.push_back({a, b});
            y.push_back(a >= 0.5 ? 1.0 : 0.0);
        }
    auto s = fanova_main_effects(x, y, {{0, 1}, {0, 1}});
    BOOST_TEST(s[0] == 1.0, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(s[1] == 0.0, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(a_big_study_is_fitted_on_a_stated_sample_whose_shares_hold) {
    // 40,000 trials of a function where three of five parameters matter in different measure,
    // with noise: the 5,000-trial sample gives the shares that 20,000 trials give, within 0.03,
    // and says it is a sample.
    space s({dimension::real("a", 0, 1), dimension::real("b", 0, 1), dimension::real("c", 0, 1),
             dimension::real("d", 0, 1),
             dimension::categorical("e", {std::string("x"), std::string("y")})});
    auto f = [](const params& p) {
        double a = get_real(p, "a"), b = get_real(p, "b"), c = get_real(p, "c");
        return 3 * a + 2 * (b - 0.5) * (b - 0.5) * 8 + std::sin(6 * c) + a * b;
    };
    auto trials = sample(s, 40000, f, 0.3, 5);
    forest_options o;
    o.seed = 9;
    auto sampled = parameter_importance(s, trials, o);
    BOOST_TEST(sampled.trials == 5000u);
    BOOST_TEST(sampled.complete == 40000u);
    BOOST_TEST(importance_basis(sampled) ==
               "a random 5,000 of 40,000 complete trials (the same sample each time)");
    o.sample = 20000;
    auto more = parameter_importance(s, trials, o);
    BOOST_TEST(more.trials == 20000u);
    for (const char* name : {"a", "b", "c", "d", "e"}) {
        BOOST_TEST_MESSAGE(name << ": " << share(sampled, name) << " on 5,000, "
                                << share(more, name) << " on 20,000");
        BOOST_TEST(std::abs(share(sampled, name) - share(more, name)) < 0.03, name);
    }
    BOOST_TEST(sampled.params.front().name == more.params.front().name);
    // The same sample each time.
    o.sample = 5000;
    auto again = parameter_importance(s, trials, o);
    for (const char* name : {"a", "b", "c", "d", "e"})
        BOOST_TEST(share(again, name) == share(sampled, name), name);
    // Under the sample size, every trial counts and the basis says so.
    auto small =
        parameter_importance(s, std::vector<trial>(trials.begin(), trials.begin() + 300), o);
    BOOST_TEST(importance_basis(small) == "300 complete trials");
}
