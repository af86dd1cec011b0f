// The coarse_to_fine strategy: the box around the best trials (unit space, scales, ints,
// steps, choices, margins, conditions), the schedule of rounds in a simulated study, and real
// studies with the `caviar` program (every sampler, interrupt and resume, the HTML report's
// boxes).
#define BOOST_TEST_MODULE coarse_to_fine
#include <boost/test/unit_test.hpp>

#include "../strategies/coarse_to_fine/box.hpp"
#include "../strategies/coarse_to_fine/box_json.hpp"
#include "support/process.hpp"
#include "support/strategy_sim.hpp"

#include <caviar/caviar.hpp>
#include <plugin/registry.hpp>
#include <report/study_space.hpp>
#include <report/zoom_boxes.hpp>
#include <store/store.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace caviar;
using namespace caviar::coarse_to_fine;
using caviar::testing::sim_study;
using nlohmann::json;

namespace {

const std::string bin = CAVIAR_BIN;

std::string plugin_file(const std::string& name) {
    return std::string(CAVIAR_PLUGIN_OUTPUT_DIR) + "/" + name + ".so";
}

// The strategy with its defaults, some overridden.
std::shared_ptr<strategy> make_c2f(const std::map<std::string, option_value>& over = {}) {
    auto lib = registry::load_file(plugin_file("strategy_coarse_to_fine"));
    options o;
    for (const auto& spec : lib.info.options)
        if (spec.default_value) o.set(spec.name, *spec.default_value);
    for (const auto& [k, v] : over) o.set(k, v);
    return registry::create<strategy>(lib, o);
}

// A copy of the narrowed dimension called name.
dimension dim(const space& s, const std::string& name) {
    const dimension* d = s.find(name);
    BOOST_TEST_REQUIRE(d != nullptr, name << " is missing from\n" << s.describe());
    return *d;
}

space narrow_around(const space& full, const std::vector<params>& kept, double margin = 0.1) {
    std::vector<const params*> p;
    for (const auto& k : kept) p.push_back(&k);
    return narrow(full, p, margin);
}

value v(std::int64_t x) {
    return value{x};
}
value v(double x) {
    return value{x};
}
value v(const char* x) {
    return value{std::string(x)};
}

space branin_space() {
    return space({dimension::real("x", -5, 10), dimension::real("y", 0, 15)});
}

double branin(const params& p) {
    const double pi = 3.14159265358979323846;
    double x = get_real(p, "x"), y = get_real(p, "y");
    double a = y - 5.1 / (4 * pi * pi) * x * x + 5 / pi * x - 6;
    return a * a + 10 * (1 - 1 / (8 * pi)) * std::cos(x) + 10;
}

sim_study::config branin_config(std::int64_t budget, std::int64_t steps = 1) {
    sim_study::config c;
    c.space = branin_space();
    c.budget = budget;
    c.max_steps = steps;
    return c;
}

std::int64_t round_attr(const trial& t) {
    return std::stoll(t.attrs.at("round"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(box)

BOOST_AUTO_TEST_CASE(layers_1_to_50_best_at_10_and_19_zoom_to_10_to_19) {
    space full({dimension::integer("layers", 1, 50)});
    std::vector<params> kept = {{{"layers", v(std::int64_t{10})}},
                                {{"layers", v(std::int64_t{19})}}};
    dimension exact = dim(narrow_around(full, kept, 0.0), "layers");
    BOOST_TEST(exact.low() == 10);
    BOOST_TEST(exact.high() == 19);
    BOOST_TEST((exact.kind() == dimension_kind::integer));
    // With the default margin (10% of the width on each side): one more value at each end.
    dimension margin = dim(narrow_around(full, kept), "layers");
    BOOST_TEST(margin.low() == 9);
    BOOST_TEST(margin.high() == 20);
}

BOOST_AUTO_TEST_CASE(a_log_dimension_zooms_in_log_space) {
    space full({dimension::real("lr", 1e-5, 1, scale::log)});
    // 1e-4 and 1e-2 sit at 0.2 and 0.6 of the log axis: the box is [0.16, 0.64] there.
    std::vector<params> kept = {{{"lr", v(1e-4)}}, {{"lr", v(1e-2)}}};
    dimension d = dim(narrow_around(full, kept), "lr");
    BOOST_TEST(d.low() == std::pow(10.0, -5 + 0.16 * 5), boost::test_tools::tolerance(1e-9));
    BOOST_TEST(d.high() == std::pow(10.0, -5 + 0.64 * 5), boost::test_tools::tolerance(1e-9));
    BOOST_TEST((d.scale() == scale::log));
    // A linear zoom would have put the low end near 1e-4 - 0.001, below the range.
    BOOST_TEST(d.low() > 5e-5);
}

BOOST_AUTO_TEST_CASE(a_log1m_dimension_zooms_in_log_1_minus_x_space) {
    space full({dimension::real("beta", 0.9, 0.9999, scale::log1m)});
    std::vector<params> kept = {{{"beta", v(0.99)}}, {{"beta", v(0.999)}}};  // units 1/3, 2/3
    dimension d = dim(narrow_around(full, kept, 0.0), "beta");
    BOOST_TEST(d.low() == 0.99, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(d.high() == 0.999, boost::test_tools::tolerance(1e-12));
    BOOST_TEST((d.scale() == scale::log1m));
}

BOOST_AUTO_TEST_CASE(int_bounds_take_every_value_whose_cell_the_box_touches) {
    // 0..9: ten cells of 0.1. 3 and 5 are at 0.35 and 0.55; margin 0.3 of the width 0.2 gives
    // [0.29, 0.61], which touches the cells of 2 and 6.
    space full({dimension::integer("k", 0, 9)});
    std::vector<params> kept = {{{"k", v(std::int64_t{3})}}, {{"k", v(std::int64_t{5})}}};
    space s = narrow_around(full, kept, 0.3);
    BOOST_TEST(dim(s, "k").low() == 2);
    BOOST_TEST(dim(s, "k").high() == 6);
    BOOST_TEST(s.problems().empty());
    // A log int: the bounds stay ints around the kept values, zoomed on the log axis.
    space lg({dimension::integer("units", 1, 1000, scale::log)});
    std::vector<params> two = {{{"units", v(std::int64_t{10})}}, {{"units", v(std::int64_t{100})}}};
    dimension u = dim(narrow_around(lg, two), "units");
    BOOST_TEST((u.kind() == dimension_kind::integer && u.scale() == scale::log));
    BOOST_TEST(u.low() <= 10);
    BOOST_TEST(u.low() >= 7);  // 10^(1 - 0.1) ~ 7.9, rounded outward
    BOOST_TEST(u.high() >= 100);
    BOOST_TEST(u.high() <= 130);  // 10^(2 + 0.1) ~ 126
}

BOOST_AUTO_TEST_CASE(stepped_dimensions_keep_their_grid) {
    space full({dimension::integer("n", 0, 100, scale::linear, 10),
                dimension::real("q", 0, 1, scale::linear, 0.05)});
    std::vector<params> kept = {{{"n", v(std::int64_t{30})}, {"q", v(0.25)}},
                                {{"n", v(std::int64_t{50})}, {"q", v(0.4)}}};
    space s = narrow_around(full, kept);
    BOOST_TEST(s.problems().empty(), s.describe());
    dimension n = dim(s, "n");
    BOOST_TEST(n.step() == 10);
    BOOST_TEST(std::fmod(n.low(), 10.0) == 0.0);
    BOOST_TEST(std::fmod(n.high(), 10.0) == 0.0);
    BOOST_TEST(n.low() <= 30);
    BOOST_TEST(n.high() >= 50);
    dimension q = dim(s, "q");
    BOOST_TEST(q.step() == 0.05);
    BOOST_TEST(q.low() <= 0.25);
    BOOST_TEST(q.high() >= 0.4);
    // Every value the narrowed space proposes is on the original grid.
    for (double u = 0; u <= 1.0; u += 0.01) {
        params p = s.from_unit(std::vector<double>{u, u});
        BOOST_TEST(full.contains(p), u);
    }
}

BOOST_AUTO_TEST_CASE(categorical_dimensions_keep_the_choices_seen) {
    space full({dimension::categorical("act", {v("relu"), v("tanh"), v("gelu"), v("elu")})});
    std::vector<params> kept = {{{"act", v("elu")}}, {{"act", v("tanh")}}, {{"act", v("elu")}}};
    dimension d = dim(narrow_around(full, kept), "act");
    BOOST_TEST((d.choices() == std::vector<value>{v("tanh"), v("elu")}));  // the space's order
}

BOOST_AUTO_TEST_CASE(the_margin_widens_and_the_space_clips) {
    space full({dimension::real("x", 0, 10)});
    std::vector<params> mid = {{{"x", v(2.0)}}, {{"x", v(4.0)}}};
    dimension half = dim(narrow_around(full, mid, 0.5), "x");
    BOOST_TEST(half.low() == 1.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(half.high() == 5.0, boost::test_tools::tolerance(1e-12));
    std::vector<params> wide = {{{"x", v(0.5)}}, {{"x", v(9.5)}}};
    dimension clipped = dim(narrow_around(full, wide), "x");
    BOOST_TEST(clipped.low() == 0.0);
    BOOST_TEST(clipped.high() == 10.0);
}

BOOST_AUTO_TEST_CASE(a_zero_width_box_gets_the_minimal_width) {
    space full({dimension::real("x", 0, 10), dimension::integer("layers", 1, 50)});
    std::vector<params> same = {{{"x", v(5.0)}, {"layers", v(std::int64_t{10})}},
                                {{"x", v(5.0)}, {"layers", v(std::int64_t{10})}}};
    space s = narrow_around(full, same);
    BOOST_TEST(dim(s, "x").low() == 5 - 10 * min_width / 2, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(dim(s, "x").high() == 5 + 10 * min_width / 2, boost::test_tools::tolerance(1e-9));
    // 5% of 50 cells is 2.5 cells around 10's centre: 9..11.
    BOOST_TEST(dim(s, "layers").low() == 9);
    BOOST_TEST(dim(s, "layers").high() == 11);
    // At an edge the box is shifted inward, keeping its width.
    std::vector<params> edge = {{{"x", v(0.0)}, {"layers", v(std::int64_t{1})}}};
    space e = narrow_around(full, edge);
    BOOST_TEST(dim(e, "x").low() == 0.0);
    BOOST_TEST(dim(e, "x").high() == 10 * min_width, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(conditions_follow_their_narrowed_parents) {
    space full;
    full.add(dimension::categorical("optimizer", {v("sgd"), v("adam"), v("rms")}));
    full.add(dimension::real("momentum", 0, 1).when("optimizer", {v("sgd"), v("rms")}));
    full.add(dimension::real("beta", 0.5, 0.999).when("optimizer", {v("adam")}));
    full.add(dimension::integer("layers", 1, 20));
    full.add(dimension::real("deep_dropout", 0, 0.5).when("layers", {v(std::int64_t{3})}));
    full.add(dimension::real("nesterov_gain", 0, 1).when("momentum", {v(0.5)}));
    BOOST_TEST_REQUIRE(full.problems().empty());

    // sgd and adam kept: rms leaves, so momentum's condition keeps only sgd; layers 1..5 still
    // holds 3, so deep_dropout (never active among the kept) keeps its full range.
    std::vector<params> kept = {
        {{"optimizer", v("sgd")}, {"momentum", v(0.2)}, {"layers", v(std::int64_t{1})}},
        {{"optimizer", v("adam")}, {"beta", v(0.9)}, {"layers", v(std::int64_t{5})}}};
    space s = narrow_around(full, kept);
    BOOST_TEST(s.problems().empty(), s.describe());
    BOOST_TEST((dim(s, "optimizer").choices() == std::vector<value>{v("sgd"), v("adam")}));
    BOOST_TEST((dim(s, "momentum").when()->values == std::vector<value>{v("sgd")}));
    BOOST_TEST(dim(s, "momentum").high() < 1.0);  // zoomed around 0.2
    BOOST_TEST(dim(s, "deep_dropout").low() == 0.0);
    BOOST_TEST(dim(s, "deep_dropout").high() == 0.5);
    // nesterov_gain needs momentum = 0.5, which the box around 0.2 no longer holds: left out.
    BOOST_TEST(s.find("nesterov_gain") == nullptr);

    // Only adam kept: momentum can never be active, so it is left out, and so is its child.
    std::vector<params> adam = {
        {{"optimizer", v("adam")}, {"beta", v(0.9)}, {"layers", v(std::int64_t{10})}}};
    space a = narrow_around(full, adam);
    BOOST_TEST(a.problems().empty(), a.describe());
    BOOST_TEST(a.find("momentum") == nullptr);
    BOOST_TEST(a.find("nesterov_gain") == nullptr);
    BOOST_TEST(a.find("deep_dropout") == nullptr);  // layers 9..11 never takes 3
    BOOST_TEST(a.find("beta") != nullptr);
    // Params sampled in the narrowed space are params of the full space.
    for (double u = 0; u <= 1.0; u += 0.05) {
        params p = a.from_unit(std::vector<double>(a.size(), u));
        BOOST_TEST(full.contains(p), u);
    }
}

BOOST_AUTO_TEST_CASE(box_json_round_trips_to_the_same_space) {
    space full;
    full.add(dimension::integer("layers", 1, 50));
    full.add(dimension::real("lr", 1e-5, 1, scale::log));
    full.add(dimension::categorical("act", {v("relu"), v("tanh"), v("gelu")}));
    full.add(dimension::categorical("width", {v(std::int64_t{64}), v(std::int64_t{128})}));
    full.add(dimension::real("momentum", 0, 1).when("act", {v("gelu")}));
    std::vector<params> kept = {{{"layers", v(std::int64_t{10})},
                                 {"lr", v(1e-3)},
                                 {"act", v("tanh")},
                                 {"width", v(std::int64_t{128})}},
                                {{"layers", v(std::int64_t{19})},
                                 {"lr", v(3e-2)},
                                 {"act", v("relu")},
                                 {"width", v(std::int64_t{128})}}};
    space s = narrow_around(full, kept);
    std::string text = box_json(s);
    auto j = json::parse(text);
    BOOST_TEST(j["layers"] == json::parse("[9, 20]"), text);
    BOOST_TEST(j["act"] == json::parse(R"(["relu", "tanh"])"), text);
    BOOST_TEST(j["width"] == json::parse("[128]"), text);
    BOOST_TEST(!j.contains("momentum"), text);  // gelu left: momentum can never be active
    BOOST_TEST(space_of_box(full, text).describe() == s.describe());
    BOOST_TEST(space_of_box(full, box_json(full)).describe() == full.describe());
    for (std::string bad : {R"([1, 2])", R"({"layers": [0, 20]})", R"({"layers": [20, 9]})",
                            R"({"layers": [1.5, 20]})", R"({"act": ["swish"]})", "not json"})
        BOOST_CHECK_THROW(space_of_box(full, bad), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(schedule)

BOOST_AUTO_TEST_CASE(options_are_validated) {
    auto message = [](const std::map<std::string, option_value>& o) {
        try {
            make_c2f(o);
        } catch (const std::exception& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    BOOST_TEST(message({{"keep", 1.5}}).find("keep must be a fraction in (0, 1)") !=
               std::string::npos);
    BOOST_TEST(message({{"keep", 5.0}}).find("keep_count = 5") != std::string::npos,
               message({{"keep", 5.0}}));
    BOOST_TEST(message({{"keep", 0.0}}).find("keep must be a fraction") != std::string::npos);
    BOOST_TEST(message({{"rounds", std::int64_t{0}}}).find("rounds must be at least 1") !=
               std::string::npos);
    BOOST_TEST(message({{"margin", -0.5}}).find("margin must be") != std::string::npos);
    BOOST_TEST(message({{"keep_count", std::int64_t{-2}}}).find("keep_count") != std::string::npos);
    BOOST_TEST(message({{"keep_count", std::int64_t{5}}}) == "no error");
}

BOOST_AUTO_TEST_CASE(the_budget_is_split_evenly_over_the_rounds) {
    auto strat = make_c2f();
    sim_study study(branin_config(11));
    testing::simulate(*strat, study, 3, [](const params& p, std::int64_t) { return branin(p); });
    std::map<std::int64_t, int> per_round;
    for (const trial* t : study.trials()) {
        ++per_round[round_attr(*t)];
        BOOST_TEST(t->origin == "round " + t->attrs.at("round"));
        BOOST_TEST(t->attrs.count("box") == 1u);
    }
    BOOST_TEST(per_round == (std::map<std::int64_t, int>{{1, 4}, {2, 4}, {3, 3}}));
}

BOOST_AUTO_TEST_CASE(a_round_starts_after_the_one_before_has_finished) {
    auto strat = make_c2f({{"rounds", std::int64_t{3}}});
    sim_study study(branin_config(12, 5));
    // Trials of different lengths: a barrier leaves workers idle.
    auto result = testing::simulate(*strat, study, 4,
                                    [](const params& p, std::int64_t) { return branin(p); });
    // In the log, no trial of round R starts before every trial of rounds < R has completed.
    std::size_t completed = 0;
    for (const auto& line : study.log.lines) {
        if (line.rfind("complete", 0) == 0) ++completed;
        if (line.rfind("start ", 0) == 0) {
            auto n = std::stoll(line.substr(6));
            std::int64_t r = round_attr(*study.trials()[static_cast<std::size_t>(n)]);
            BOOST_TEST(completed >= static_cast<std::size_t>(4 * (r - 1)), line);
        }
    }
    BOOST_TEST(completed == 12u);
    BOOST_TEST(result.idle_ticks == 0);  // 4 workers, 4 trials a round, equal lengths
}

BOOST_AUTO_TEST_CASE(later_rounds_are_proposed_in_the_box_around_the_best) {
    auto strat = make_c2f({{"rounds", std::int64_t{3}}, {"keep", 0.25}});
    sim_study study(branin_config(60));
    testing::simulate(*strat, study, 2, [](const params& p, std::int64_t) { return branin(p); });
    auto trials = study.trials();
    BOOST_TEST_REQUIRE(study.proposed_in.size() == 60u);
    const space full = branin_space();
    for (std::size_t i = 0; i < 20; ++i) BOOST_TEST(study.proposed_in[i] == full.describe());
    for (std::int64_t r : {2, 3}) {
        // The box is around the 5 best complete trials of the rounds before (20 × 0.25).
        std::vector<const trial*> before;
        for (const trial* t : trials)
            if (round_attr(*t) < r) before.push_back(t);
        std::sort(before.begin(), before.end(),
                  [](const trial* a, const trial* b) { return *a->value < *b->value; });
        std::vector<const params*> best;
        for (std::size_t i = 0; i < 5; ++i) best.push_back(&before[i]->params);
        space expected = narrow(full, best, 0.1);
        for (std::size_t i = static_cast<std::size_t>(20 * (r - 1));
             i < static_cast<std::size_t>(20 * r); ++i) {
            BOOST_TEST(study.proposed_in[i] == expected.describe(), i);
            BOOST_TEST(trials[i]->attrs.at("box") == box_json(expected));
            BOOST_TEST(expected.contains(trials[i]->params));
        }
        BOOST_TEST(expected.describe() != full.describe());
    }
    // Zooming in pays: the last round's median beats the first's.
    auto median = [&](std::int64_t r) {
        std::vector<double> v;
        for (const trial* t : trials)
            if (round_attr(*t) == r) v.push_back(*t->value);
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    BOOST_TEST(median(3) < median(1));
}

BOOST_AUTO_TEST_CASE(keep_count_overrides_the_fraction) {
    auto strat =
        make_c2f({{"rounds", std::int64_t{2}}, {"keep_count", std::int64_t{1}}, {"margin", 0.0}});
    sim_study study(branin_config(20));
    testing::simulate(*strat, study, 1, [](const params& p, std::int64_t) { return branin(p); });
    const trial* best = nullptr;
    for (std::size_t i = 0; i < 10; ++i)
        if (!best || *study.trials()[i]->value < *best->value) best = study.trials()[i];
    // One trial kept: a box of the minimal width (5% of each range) around it.
    space s = space_of_box(branin_space(), study.trials()[10]->attrs.at("box"));
    BOOST_TEST(dim(s, "x").high() - dim(s, "x").low() <= 15 * min_width + 1e-9);
    BOOST_TEST(s.contains(best->params));
}

BOOST_AUTO_TEST_CASE(a_new_strategy_object_continues_the_round_from_the_trials) {
    // A resumed study: the strategy is rebuilt from scratch and must carry on in round 2 with
    // the box round 2's first trials recorded.
    auto first = make_c2f({{"rounds", std::int64_t{3}}});
    sim_study study(branin_config(9));
    auto run_one = [&](strategy& s) {
        job j = s.next(study);
        BOOST_TEST_REQUIRE((j.what == job::kind::start));
        trial& t = study.start(j);
        study.report(t, branin(t.params), s);
        study.end(t, trial_state::complete, "", s);
        return j;
    };
    for (int i = 0; i < 5; ++i) run_one(*first);  // round 1 (3 trials) and 2 of round 2
    std::string box = study.trials()[3]->attrs.at("box");
    auto second = make_c2f({{"rounds", std::int64_t{3}}});
    job j = run_one(*second);
    BOOST_TEST(j.origin == "round 2");
    BOOST_TEST(j.attrs.at("box") == box);
    BOOST_TEST(study.proposed_in.back() == space_of_box(branin_space(), box).describe());
    j = run_one(*second);
    BOOST_TEST(j.origin == "round 3");
    BOOST_TEST(j.attrs.at("box") != box);
}

BOOST_AUTO_TEST_CASE(paused_trials_are_resumed_before_anything_else) {
    auto strat = make_c2f();
    sim_study study(branin_config(6, 4));
    job j = strat->next(study);
    trial& t = study.start(j);
    study.report(t, 1.0, *strat);
    study.end(t, trial_state::paused, "interrupted", *strat);
    job again = strat->next(study);
    BOOST_TEST((again.what == job::kind::resume));
    BOOST_TEST(again.trial == t.number);
    BOOST_TEST(again.steps == 0);
}

BOOST_AUTO_TEST_CASE(a_round_after_only_failures_samples_the_whole_space) {
    auto strat = make_c2f({{"rounds", std::int64_t{2}}});
    sim_study study(branin_config(4));
    for (int i = 0; i < 2; ++i) {
        trial& t = study.start(strat->next(study));
        study.end(t, trial_state::failed, "boom", *strat);
    }
    job j = strat->next(study);
    BOOST_TEST(j.origin == "round 2");
    BOOST_TEST(study.proposed_in.back() == branin_space().describe());
}

BOOST_AUTO_TEST_CASE(fewer_trials_than_rounds_is_a_configuration_error) {
    auto strat = make_c2f({{"rounds", std::int64_t{5}}});
    auto sp = branin_space();
    try {
        strat->prepare({.space = sp, .objective = {"value"}, .budget = 3, .max_steps = 1});
        BOOST_FAIL("no error");
    } catch (const caviar::option_error& e) {
        BOOST_TEST(e.option() == "rounds");
        BOOST_TEST(std::string(e.what()).find("at least one trial per round") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(a_budget_lowered_below_the_rounds_ends_the_study_early) {
    // caviar ctl budget may lower it mid-run: the last rounds stay empty.
    auto strat = make_c2f({{"rounds", std::int64_t{5}}});
    sim_study study(branin_config(2));
    for (int i = 0; i < 2; ++i) {
        trial& t = study.start(strat->next(study));
        study.end(t, trial_state::complete, "", *strat);
    }
    BOOST_TEST((strat->next(study).what == job::kind::done));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(report)

BOOST_AUTO_TEST_CASE(recorded_boxes_are_read_into_unit_space_one_per_narrowed_round) {
    space full({dimension::integer("layers", 1, 50), dimension::real("lr", 1e-5, 1, scale::log),
                dimension::categorical("act", {v("relu"), v("tanh"), v("gelu"), v("elu")})});
    auto with = [](std::int64_t number, const std::string& round, const std::string& box) {
        trial t;
        t.number = number;
        t.origin = "round " + round;
        t.attrs = {{"round", round}, {"box", box}};
        return t;
    };
    std::vector<trial> trials = {
        with(0, "1", box_json(full)),
        with(1, "2", R"({"layers": [9, 20], "lr": [1e-4, 1e-2], "act": ["tanh", "gelu"]})"),
        with(2, "2", R"({"layers": [1, 2], "lr": [1e-4, 1e-2]})"),  // not the round's first
        with(3, "3", R"({"layers": [9.5, 20]})"),                   // malformed: skipped
        with(4, "4", R"({"layers": [10, 12]})")};                   // lr, act: whole range
    auto boxes = recorded_boxes(full, trials);
    BOOST_TEST_REQUIRE(boxes.size() == 2u);
    BOOST_TEST(boxes[0].round == 2);
    BOOST_TEST(boxes[0].unit[0].first == full[0].to_unit(v(std::int64_t{9})));
    BOOST_TEST(boxes[0].unit[0].second == full[0].to_unit(v(std::int64_t{20})));
    BOOST_TEST(boxes[0].unit[1].first == 0.2, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(boxes[0].unit[1].second == 0.6, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(boxes[0].unit[2].first == 0.25, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(boxes[0].unit[2].second == 0.75, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(boxes[1].round == 4);
    BOOST_TEST(boxes[1].unit[1].first == 0.0);
    BOOST_TEST(boxes[1].unit[1].second == 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(studies)

namespace {

using caviar::test::process;
using caviar::test::run;
using caviar::test::temp_dir;

std::string branin_study(const std::string& sampler, int trials, int rounds,
                         const std::string& y = "{ float = [0.0, 15.0] }") {
    return "[experiment]\nname = \"c2f\"\nseed = 4\ntrials = " + std::to_string(trials) +
           "\nobjective = { metric = \"value\", direction = \"minimize\" }\nstore = \"s.db\"\n"
           "[space]\nx = { float = [-5.0, 10.0] }\ny = " +
           y + "\n[sampler]\nplugin = \"" + sampler +
           "\"\n[strategy]\nplugin = \"coarse_to_fine\"\nrounds = " + std::to_string(rounds) +
           "\n[model]\nplugin = \"functions\"\nfunction = \"branin\"\n";
}

std::vector<trial> stored_trials(const std::filesystem::path& file, const std::string& name) {
    store db(file, true);
    auto s = db.find_study(name);
    BOOST_TEST_REQUIRE(s.has_value());
    return db.load_trials(s->id);
}

space stored_space(const std::filesystem::path& file, const std::string& name) {
    store db(file, true);
    auto s = db.find_study(name);
    BOOST_TEST_REQUIRE(s.has_value());
    return study_space(*s);
}

double median_of_round(const std::vector<trial>& trials, std::int64_t r) {
    std::vector<double> v;
    for (const auto& t : trials)
        if (t.attrs.count("round") && std::stoll(t.attrs.at("round")) == r && t.value)
            v.push_back(*t.value);
    std::sort(v.begin(), v.end());
    return v.empty() ? NAN : v[v.size() / 2];
}

// Every trial names its round and box; rounds have the planned sizes; each trial lies in its
// round's box, which is the same for the whole round.
void check_rounds(const std::vector<trial>& trials, const space& full,
                  const std::vector<int>& sizes) {
    std::map<std::int64_t, int> count;
    std::map<std::int64_t, std::string> boxes;
    for (const auto& t : trials) {
        BOOST_TEST_REQUIRE(t.attrs.count("round") == 1u, "trial " << t.number);
        BOOST_TEST_REQUIRE(t.attrs.count("box") == 1u, "trial " << t.number);
        auto r = std::stoll(t.attrs.at("round"));
        BOOST_TEST(t.origin == "round " + std::to_string(r));
        ++count[r];
        auto [it, fresh] = boxes.emplace(r, t.attrs.at("box"));
        BOOST_TEST(it->second == t.attrs.at("box"), "trial " << t.number << " round " << r);
        space box = space_of_box(full, t.attrs.at("box"));
        BOOST_TEST(box.contains(t.params), "trial " << t.number << " outside " << it->second);
    }
    for (std::size_t i = 0; i < sizes.size(); ++i)
        BOOST_TEST(count[static_cast<std::int64_t>(i + 1)] == sizes[i], "round " << i + 1);
    BOOST_TEST(count.size() == sizes.size());
    BOOST_TEST(boxes[1] == box_json(full));
    for (std::size_t r = 2; r <= sizes.size(); ++r)
        BOOST_TEST(boxes[static_cast<std::int64_t>(r)] != boxes[static_cast<std::int64_t>(r - 1)]);
}

}  // namespace

BOOST_AUTO_TEST_CASE(branin_zooms_in_with_every_sampler) {
    const space full = branin_space();
    for (std::string sampler : {"random", "tpe", "sobol", "lhs", "cmaes"}) {
        BOOST_TEST_CONTEXT("sampler " << sampler) {
            temp_dir dir;
            auto file = dir.write("c2f.toml", branin_study(sampler, 90, 3));
            auto r = run({bin, "run", file.string(), "--threads", "2", "-q"});
            BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
            auto trials = stored_trials(dir / "s.db", "c2f");
            BOOST_TEST_REQUIRE(trials.size() == 90u);
            check_rounds(trials, full, {30, 30, 30});
            double first = median_of_round(trials, 1), last = median_of_round(trials, 3);
            BOOST_TEST(last < first, "median round 1 " << first << ", round 3 " << last);
        }
    }
}

BOOST_AUTO_TEST_CASE(grid_lays_its_grid_over_each_round_box) {
    temp_dir dir;
    // 5 × 5 = 25 points in the first round of 25 trials, then the same grid inside each box.
    auto file = dir.write("c2f.toml", branin_study("grid", 75, 3));
    auto r = run({bin, "run", file.string(), "-q"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto trials = stored_trials(dir / "s.db", "c2f");
    BOOST_TEST_REQUIRE(trials.size() == 75u);
    check_rounds(trials, branin_space(), {25, 25, 25});
    std::set<std::string> points;
    for (const auto& t : trials)
        if (t.attrs.at("round") == "2")
            points.insert(to_string(t.params.at("x")) + "," + to_string(t.params.at("y")));
    BOOST_TEST(points.size() == 25u);  // the whole grid over round 2's box
}

BOOST_AUTO_TEST_CASE(an_interrupted_study_resumes_in_the_right_round) {
    // Slow trials (6 steps of 40 ms) on 2 threads, stopped in round 2: the trials cut short
    // come back queued and run first, then the new strategy object goes on with round 2's
    // box, then opens round 3.
    temp_dir dir;
    auto file = dir.write(
        "c2f.toml",
        "[experiment]\nname = \"c2f\"\nseed = 2\ntrials = 12\n"
        "objective = { metric = \"val_loss\", direction = \"minimize\" }\nstore = \"s.db\"\n"
        "[space]\nlearning_rate = { float = [0.001, 0.5], scale = \"log\" }\n"
        "units = { int = [8, 256], scale = \"log\" }\n"
        "[strategy]\nplugin = \"coarse_to_fine\"\nrounds = 3\n"
        "[model]\nplugin = \"learning_curve\"\nsteps = 6\nstep_ms = 40\n");
    process p({bin, "run", file.string(), "--threads", "2"});
    // Wait until round 2 runs (a fifth trial started), then stop.
    bool in_round_2 = false;
    for (int i = 0; i < 400 && !in_round_2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        if (!std::filesystem::exists(dir / "s.db")) continue;
        try {
            store db(dir / "s.db", true);
            auto s = db.find_study("c2f");
            in_round_2 = s && db.load_trials(s->id).size() >= 5;
        } catch (const std::exception&) {
        }
    }
    BOOST_TEST_REQUIRE(in_round_2);
    p.signal(SIGINT);
    auto stopped = p.wait();
    BOOST_TEST(stopped.exit_code == 128 + SIGINT, stopped.err);
    auto before = stored_trials(dir / "s.db", "c2f");
    BOOST_TEST_REQUIRE(before.size() < 12u);
    std::string box2;
    for (const auto& t : before)
        if (t.attrs.at("round") == "2") box2 = t.attrs.at("box");
    BOOST_TEST_REQUIRE(!box2.empty());

    auto resumed = run({bin, "run", file.string(), "--threads", "2", "-q"});
    BOOST_TEST_REQUIRE(resumed.exit_code == 0, resumed.err);
    auto after = stored_trials(dir / "s.db", "c2f");
    BOOST_TEST_REQUIRE(after.size() == 12u);
    for (const auto& t : after) BOOST_TEST((t.state == trial_state::complete), t.number);
    // Round 2's trials, before and after the stop, share one box.
    for (const auto& t : after)
        if (t.attrs.at("round") == "2") BOOST_TEST(t.attrs.at("box") == box2, t.number);
    check_rounds(after, stored_space(dir / "s.db", "c2f"), {4, 4, 4});
}

BOOST_AUTO_TEST_CASE(the_report_draws_each_narrowed_box_on_the_charts_axes) {
    // y on a log axis: the boxes must be drawn where the points of their rounds are.
    temp_dir dir;
    auto file = dir.write(
        "c2f.toml", branin_study("random", 60, 3, "{ float = [0.1, 15.0], scale = \"log\" }"));
    auto r = run({bin, "run", file.string(), "-q"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto rep = run({bin, "report", (dir / "s.db").string(), "-o", (dir / "r.html").string()});
    BOOST_TEST_REQUIRE(rep.exit_code == 0, rep.err);
    std::ifstream in(dir / "r.html");
    std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto at = html.find("class=\"chart\" data-chart=\"scatter\"");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    std::string svg = html.substr(at, html.find("</svg>", at) - at);
    bool x_across = svg.find("aria-label=\"x against y\"") != std::string::npos;
    BOOST_TEST_REQUIRE((x_across || svg.find("aria-label=\"y against x\"") != std::string::npos));

    // The axes' mappings, fitted to two round-1 points (circles) far apart on each axis:
    // pixel = a + b * t(value), t = the identity for x and log10 for y.
    auto trials = stored_trials(dir / "s.db", "c2f");
    std::map<std::int64_t, std::pair<double, double>> pixel;  // trial -> (cx, cy)
    std::regex circle(R"re(<circle cx="([-\d.]+)" cy="([-\d.]+)" r="5"[^>]*data-trial="(\d+)")re");
    for (std::sregex_iterator it(svg.begin(), svg.end(), circle), end; it != end; ++it)
        pixel[std::stoll((*it)[3])] = {std::stod((*it)[1]), std::stod((*it)[2])};
    BOOST_TEST_REQUIRE(pixel.size() >= 10u);
    struct fit {
        double a = 0, b = 0;
        double operator()(double t) const { return a + b * t; }
    };
    auto fit_axis = [&](const std::string& name, bool log, bool across) {
        std::int64_t lo = -1, hi = -1;
        auto t_of = [&](std::int64_t n) {
            double v = get_real(trials[static_cast<std::size_t>(n)].params, name);
            return log ? std::log10(v) : v;
        };
        for (const auto& [n, p] : pixel) {
            if (lo < 0 || t_of(n) < t_of(lo)) lo = n;
            if (hi < 0 || t_of(n) > t_of(hi)) hi = n;
        }
        double p_lo = across ? pixel[lo].first : pixel[lo].second;
        double p_hi = across ? pixel[hi].first : pixel[hi].second;
        fit f;
        f.b = (p_hi - p_lo) / (t_of(hi) - t_of(lo));
        f.a = p_lo - f.b * t_of(lo);
        return f;
    };
    fit fx = fit_axis("x", false, x_across), fy = fit_axis("y", true, !x_across);

    std::regex rect(
        R"re(<rect class="box" x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"><title>round (\d+) box</title>)re");
    int drawn = 0;
    for (std::sregex_iterator it(svg.begin(), svg.end(), rect), end; it != end; ++it) {
        ++drawn;
        std::string round = (*it)[5];
        double x0 = std::stod((*it)[1]), y0 = std::stod((*it)[2]);
        double x1 = x0 + std::stod((*it)[3]), y1 = y0 + std::stod((*it)[4]);
        std::string box;
        for (const auto& t : trials)
            if (t.attrs.at("round") == round) box = t.attrs.at("box");
        auto j = json::parse(box);
        double ex0 = fx(j["x"][0].get<double>()), ex1 = fx(j["x"][1].get<double>());
        double ey0 = fy(std::log10(j["y"][0].get<double>()));
        double ey1 = fy(std::log10(j["y"][1].get<double>()));
        if (!x_across) std::swap(ex0, ey0), std::swap(ex1, ey1);
        BOOST_TEST_CONTEXT("round " << round << " box " << box) {
            BOOST_TEST(std::abs(x0 - std::min(ex0, ex1)) < 0.6);
            BOOST_TEST(std::abs(x1 - std::max(ex0, ex1)) < 0.6);
            BOOST_TEST(std::abs(y0 - std::min(ey0, ey1)) < 0.6);
            BOOST_TEST(std::abs(y1 - std::max(ey0, ey1)) < 0.6);
        }
        BOOST_TEST(svg.find("class=\"boxlabel halo\">round " + round + "<") != std::string::npos);
    }
    BOOST_TEST(drawn == 2);  // rounds 2 and 3: round 1 is the whole space
    // Markers by round, with a legend.
    for (std::string label : {"round 1", "round 2", "round 3"})
        BOOST_TEST(svg.find("class=\"legend\">" + label + "<") != std::string::npos, label);
}

BOOST_AUTO_TEST_SUITE_END()
