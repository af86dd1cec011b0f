// Reports of population-based training: lineage read back from the store's exploit events, and
// the learning-curves chart drawing each exploit as a dashed jump between two trials' curves.
#define BOOST_TEST_MODULE report_pbt
#include <boost/test/unit_test.hpp>

#include "report/charts/charts.hpp"
#include "report/html_report.hpp"
#include "report/importance.hpp"
#include "report/lineage.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace caviar;

namespace {

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto i = s.find(what); i != std::string::npos; i = s.find(what, i + what.size())) ++n;
    return n;
}

nlohmann::json to_json_params(const params& p) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : p) std::visit([&](const auto& x) { out[k] = x; }, v);
    return out;
}

params lr_units(double lr, std::int64_t units) {
    return {{"learning_rate", lr}, {"units", units}};
}

// Four members, 12 steps. Trial 3 copies trial 0 at step 4; at step 8 trial 2 copies trial 3
// and trial 1 copies trial 0. Every copy takes the donor's units (architecture) and scales its
// learning rate.
struct pbt_study {
    study_record study;
    space sp;
    std::vector<trial> trials;
    std::vector<trial_event> events;
    importance_result imp;

    pbt_study() {
        study.name = "pbt";
        study.objective = {"loss", direction::minimize};
        study.sampler = "random";
        study.strategy = "pbt";
        study.model = "learning_curve";
        study.budget = 4;
        sp.add(dimension::real("learning_rate", 1e-3, 1, scale::log));
        sp.add(dimension::integer("units", 8, 64, scale::log));
        std::vector<params> start = {lr_units(0.1, 8), lr_units(0.2, 16), lr_units(0.3, 32),
                                     lr_units(0.4, 64)};
        for (int n = 0; n < 4; ++n) {
            trial t;
            t.number = n;
            t.state = trial_state::complete;
            t.params = start[static_cast<std::size_t>(n)];
            t.steps = 12;
            t.origin = "pbt member";
            trials.push_back(t);
        }
        exploit(3, 0, 4, lr_units(0.08, 8), 1.0);
        exploit(2, 3, 8, lr_units(0.096, 8), 2.0);
        exploit(1, 0, 8, lr_units(0.12, 8), 3.0);
        // Curves: each member's own loss, continuing from the donor's after a copy.
        for (auto& t : trials)
            for (int s = 1; s <= 12; ++s)
                t.curve.push_back({s, {{"loss", 1.0 / s + 0.1 * static_cast<double>(t.number)}}});
        for (auto& t : trials) {
            t.metrics = t.curve.back().metrics;
            t.value = t.metrics.at("loss");
        }
        imp = parameter_importance(sp, trials);
    }

    void exploit(std::int64_t to, std::int64_t from, std::int64_t step, params next, double at) {
        trial& t = trials[static_cast<std::size_t>(to)];
        nlohmann::json d = {{"from", from},
                            {"from_step", step},
                            {"old", to_json_params(t.params)},
                            {"new", to_json_params(next)}};
        events.push_back({to, step, "exploit", d.dump(), at});
        events.push_back({to, step, "pause", R"({"reason": "pbt"})", at - 0.5});
        t.params = std::move(next);
    }

    chart_input input() const { return chart_input{study, sp, trials, imp, {}, events}; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(lineage_chain)

BOOST_AUTO_TEST_CASE(reads_exploit_events_only_in_time_order) {
    pbt_study s;
    auto e = exploits(s.events);
    BOOST_TEST_REQUIRE(e.size() == 3u);
    BOOST_TEST(e[0].trial == 3);
    BOOST_TEST(e[0].from == 0);
    BOOST_TEST(e[0].from_step == 4);
    BOOST_TEST((e[0].old_params == lr_units(0.4, 64)));
    BOOST_TEST((e[0].new_params == lr_units(0.08, 8)));
    BOOST_TEST(e[2].trial == 1);
}

BOOST_AUTO_TEST_CASE(follows_each_copy_back_to_a_start) {
    pbt_study s;
    auto chain = lineage(s.trials, exploits(s.events), 2);
    BOOST_TEST_REQUIRE(chain.size() == 3u);
    BOOST_TEST(chain[0].trial == 2);
    BOOST_TEST(chain[0].from_step == 8);
    BOOST_TEST(chain[0].to_step == 12);
    BOOST_TEST((chain[0].params == lr_units(0.096, 8)));
    BOOST_TEST_REQUIRE(chain[0].began.has_value());
    BOOST_TEST(chain[0].began->from == 3);
    // What trial 3 had when it was copied: its params after its own exploit at step 4.
    BOOST_TEST((chain[0].donor_params == lr_units(0.08, 8)));
    BOOST_TEST(chain[1].trial == 3);
    BOOST_TEST(chain[1].from_step == 4);
    BOOST_TEST(chain[1].to_step == 8);
    BOOST_TEST((chain[1].donor_params == lr_units(0.1, 8)));
    BOOST_TEST(chain[2].trial == 0);
    BOOST_TEST(chain[2].from_step == 0);
    BOOST_TEST(chain[2].to_step == 4);
    BOOST_TEST(!chain[2].began.has_value());
    BOOST_TEST((chain[2].params == lr_units(0.1, 8)));
}

BOOST_AUTO_TEST_CASE(a_trial_never_copied_is_one_stretch) {
    pbt_study s;
    auto chain = lineage(s.trials, exploits(s.events), 0);
    BOOST_TEST_REQUIRE(chain.size() == 1u);
    BOOST_TEST(chain[0].from_step == 0);
    BOOST_TEST(chain[0].to_step == 12);
    BOOST_TEST_CHECK(to_json(chain)[0].contains("exploit") == false);
    BOOST_CHECK_THROW(lineage(s.trials, {}, 42), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(names_the_params_that_changed) {
    BOOST_TEST(param_changes(lr_units(0.1, 8), lr_units(0.08, 8)) == "learning_rate 0.1 -> 0.08");
    BOOST_TEST(param_changes({{"a", std::int64_t{1}}}, {{"b", std::string("x")}}) ==
               "a 1 -> –, b – -> x");
}

BOOST_AUTO_TEST_CASE(lists_param_changes_within_each_stretch) {
    pbt_study s;
    // A person changed trial 2's learning rate at steps 6 and 10. Its own stretch is steps 8-12
    // (it copied trial 3 at step 8), so the change at step 10 is listed there; the one at step 6
    // is not in its lineage: the weights it had before step 8 came from trial 3.
    s.events.push_back({.trial = 2,
                        .step = 10,
                        .kind = "update",
                        .detail = nlohmann::json{{"old", to_json_params(lr_units(0.096, 8))},
                                                 {"new", to_json_params(lr_units(0.05, 8))}}
                                      .dump(),
                        .at = 2.5,
                        .source = "manual"});
    s.events.push_back({.trial = 2,
                        .step = 6,
                        .kind = "update",
                        .detail = nlohmann::json{{"old", to_json_params(lr_units(0.3, 32))},
                                                 {"new", to_json_params(lr_units(0.2, 32))}}
                                      .dump(),
                        .at = 1.5,
                        .source = "manual"});
    auto chain = lineage(s.trials, exploits(s.events), 2);
    add_updates(chain, s.events);
    BOOST_TEST_REQUIRE(chain.size() == 3u);
    BOOST_TEST_REQUIRE(chain[0].updates.size() == 1u);
    BOOST_TEST(chain[0].updates[0].step == 10);
    BOOST_TEST(chain[0].updates[0].source == "manual");
    BOOST_TEST(param_changes(chain[0].updates[0].before, chain[0].updates[0].after) ==
               "learning_rate 0.096 -> 0.05");
    BOOST_TEST(chain[1].updates.empty());
    BOOST_TEST(to_json(chain)[0]["updates"][0]["step"] == 10);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(curves_with_jumps)

BOOST_AUTO_TEST_CASE(draws_one_dashed_jump_per_exploit) {
    pbt_study s;
    std::string svg = curves_chart(s.input());
    BOOST_TEST(count(svg, "class=\"jump") == 3u);
    BOOST_TEST(count(svg, "data-from=\"0\"") == 2u);
    BOOST_TEST(count(svg, "data-from=\"3\"") == 1u);
    // Each copied member's curve breaks at the copy: trial 0 is one line, the others two.
    BOOST_TEST(count(svg, "<polyline") == 7u);
    BOOST_TEST(svg.find("dashed arrow: a trial continuing from another trial") !=
               std::string::npos);
    // Drawn over every curve, dark on a white outline, so they show where curves crowd.
    BOOST_TEST(svg.rfind("<polyline") < svg.find("class=\"outline\""));
    BOOST_TEST(count(svg, "class=\"outline\"") == 3u);
    BOOST_TEST(count(svg, "marker-end=\"url(#jump-arrow)\"") == 3u);
    BOOST_TEST(svg.find("<title>trial 2 continued from trial 3&#39;s checkpoint at step 8") !=
               std::string::npos);
    std::istringstream in(svg);
    boost::property_tree::ptree t;
    BOOST_CHECK_NO_THROW(boost::property_tree::read_xml(in, t));
}

BOOST_AUTO_TEST_CASE(a_study_without_exploits_has_no_jumps) {
    pbt_study s;
    s.events.clear();
    std::string svg = curves_chart(s.input());
    BOOST_TEST(count(svg, "class=\"jump") == 0u);
    BOOST_TEST(count(svg, "<polyline") == 4u);
    BOOST_TEST(svg.find("dashed:") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(marks_what_a_person_did_on_the_trials_curve) {
    pbt_study s;
    s.events.clear();
    // caviar ctl: trial 1 paused at step 3, given a new learning rate on its resume; trial 2's
    // learning rate changed at step 6 without a pause.
    s.events.push_back({.trial = 1,
                        .step = 3,
                        .kind = "pause",
                        .detail = R"({"reason":"manual"})",
                        .at = 1,
                        .source = "manual"});
    s.events.push_back({.trial = 2,
                        .step = 6,
                        .kind = "update",
                        .detail = R"({"changes":"learning_rate 0.3 → 0.03"})",
                        .at = 2,
                        .source = "manual"});
    s.events.push_back({.trial = 0, .step = 2, .kind = "exploit", .detail = "{}", .at = 3});
    std::string svg = curves_chart(s.input());
    BOOST_TEST(count(svg, "pt steered") == 2u);
    BOOST_TEST(svg.find("<title>trial 2 at step 6: update learning_rate 0.3 → 0.03, by caviar "
                        "ctl</title>") != std::string::npos,
               svg);
    BOOST_TEST(svg.find("blue ◆ = steered from outside") != std::string::npos);
    std::istringstream in(svg);
    boost::property_tree::ptree t;
    BOOST_CHECK_NO_THROW(boost::property_tree::read_xml(in, t));
    s.events.clear();
    BOOST_TEST(curves_chart(s.input()).find("◆") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(skips_a_jump_whose_donor_point_is_gone) {
    pbt_study s;
    s.trials[3].curve.resize(5);  // trial 3 stopped at step 5: no point at step 8 to jump from
    std::string svg = curves_chart(s.input());
    BOOST_TEST(count(svg, "class=\"jump") == 2u);
}

BOOST_AUTO_TEST_CASE(the_report_notes_the_best_trials_lineage) {
    pbt_study s;
    std::string html = html_report(s.input(), "pbt.db");
    BOOST_TEST(count(html, "class=\"jump") == 3u);
    auto at = html.find("Lineage of the best trial (0)");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    // Trial 0 was never copied: one stretch, from scratch.
    auto list = html.substr(at, html.find("</ol>", at) - at);
    BOOST_TEST(count(list, "<li") == 1u);
    BOOST_TEST(list.find("trained from scratch") != std::string::npos);
    // With trial 2 the best, its three stretches are listed.
    s.trials[2].value = -1.0;
    html = html_report(s.input(), "pbt.db");
    at = html.find("Lineage of the best trial (2)");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    list = html.substr(at, html.find("</ol>", at) - at);
    BOOST_TEST(count(list, "<li") == 3u);
    BOOST_TEST(list.find("continued from trial 3's checkpoint at step 8") != std::string::npos,
               list);
    BOOST_TEST(list.find("explored: learning_rate 0.08 -&gt; 0.096") != std::string::npos, list);
}

BOOST_AUTO_TEST_SUITE_END()
