// Tables, JSON and CSV of trials, the progress line, and the names of states and directions.
#define BOOST_TEST_MODULE report
#include <boost/test/unit_test.hpp>

#include "report/trial_table.hpp"
#include "run/progress.hpp"

#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

using namespace caviar;

namespace {

trial make(std::int64_t n, trial_state s, std::optional<double> v, params p, std::string err = "") {
    trial t;
    t.number = n;
    t.state = s;
    t.value = v;
    t.params = std::move(p);
    t.error = std::move(err);
    t.seed = 42 + static_cast<std::uint64_t>(n);
    if (v) t.metrics = {{"acc", *v}};
    return t;
}

std::vector<trial> sample() {
    return {make(0, trial_state::complete, 0.5, {{"lr", 0.1}, {"act", std::string("relu")}}),
            make(1, trial_state::failed, std::nullopt, {{"lr", 0.2}, {"act", std::string("tanh")}},
                 "boom, \"quoted\"\nsecond line"),
            make(2, trial_state::complete, 0.9, {{"lr", 0.3}, {"act", std::string("relu")}}),
            make(3, trial_state::pruned, 0.95, {{"lr", 0.4}, {"act", std::string("relu")}}),
            make(4, trial_state::complete, 0.9, {{"lr", 0.5}, {"act", std::string("tanh")}})};
}

// The table and the CSV of trials in memory, through the writers the commands stream with.
std::string trials_table(const std::vector<trial>& trials, const std::vector<std::string>& names,
                         std::size_t width = 0) {
    std::ostringstream out;
    write_trials_table(
        out,
        [&](const std::function<void(const trial&)>& each) {
            for (const auto& t : trials) each(t);
        },
        names, width);
    return out.str();
}

void write_csv(std::ostream& out, const std::vector<trial>& trials,
               const std::vector<std::string>& names) {
    std::set<std::string> metrics;
    for (const auto& t : trials)
        for (const auto& [k, v] : t.metrics) metrics.insert(k);
    const std::vector<std::string> metric_names(metrics.begin(), metrics.end());
    write_csv_header(out, names, metric_names);
    for (const auto& t : trials) write_csv_row(out, t, names, metric_names);
}

}  // namespace

BOOST_AUTO_TEST_CASE(ranks_complete_trials_only_best_first_ties_by_number) {
    auto trials = sample();
    auto max = ranked(trials, {"acc", direction::maximize});
    BOOST_TEST_REQUIRE(max.size() == 3u);
    BOOST_TEST(max[0]->number == 2);  // 0.9, ties with 4: lower number first
    BOOST_TEST(max[1]->number == 4);
    BOOST_TEST(max[2]->number == 0);
    auto min = ranked(trials, {"acc", direction::minimize});
    BOOST_TEST(min[0]->number == 0);
}

BOOST_AUTO_TEST_CASE(ranking_table_is_aligned_with_params_in_space_order) {
    auto trials = sample();
    std::string t = ranking_table(trials, {"acc", direction::maximize}, {"lr", "act"}, 2);
    std::istringstream in(t);
    std::string head, first, second, extra;
    std::getline(in, head);
    std::getline(in, first);
    std::getline(in, second);
    BOOST_TEST(!std::getline(in, extra));  // top 2 only
    BOOST_TEST(head.find("rank") == 0u);
    BOOST_TEST(head.find("lr") < head.find("act"));
    BOOST_TEST(first.find("#2") != std::string::npos);
    BOOST_TEST(second.find("#4") != std::string::npos);
    // Columns line up: "act" values start where the header's "act" starts.
    BOOST_TEST(first.find("relu") == head.find("act"));
}

BOOST_AUTO_TEST_CASE(param_names_come_from_the_space_description) {
    space s({dimension::integer("layers", 1, 5), dimension::real("lr", 1e-4, 1, scale::log),
             dimension::categorical("act", {std::string("relu")})});
    auto names = param_names(s.describe());
    BOOST_TEST((names == std::vector<std::string>{"layers", "lr", "act"}));
}

BOOST_AUTO_TEST_CASE(json_has_the_documented_fields_and_types) {
    auto trials = sample();
    auto j = to_json(trials[0]);
    for (auto key : {"number", "state", "params", "value", "metrics", "seed", "error"})
        BOOST_TEST(j.contains(key), key);
    BOOST_TEST(j["params"]["lr"].is_number_float());
    BOOST_TEST(j["params"]["act"] == "relu");
    BOOST_TEST(j["state"] == "complete");
    BOOST_TEST(to_json(trials[1])["value"].is_null());
}

BOOST_AUTO_TEST_CASE(csv_quotes_commas_quotes_and_newlines) {
    auto trials = sample();
    std::ostringstream out;
    write_csv(out, trials, {"lr", "act"});
    std::string csv = out.str();
    BOOST_TEST(
        csv.rfind("number,state,value,params.lr,params.act,metrics.acc,seed,steps,origin,error\n",
                  0) == 0u);
    BOOST_TEST(csv.find("\"boom, \"\"quoted\"\"\nsecond line\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(trials_table_keeps_errors_on_one_line) {
    auto t = trials_table(sample(), {"lr", "act"});
    BOOST_TEST(std::count(t.begin(), t.end(), '\n') == 6);
    BOOST_TEST(t.find("boom") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(trials_table_wraps_long_reasons_to_the_width_and_hides_nothing) {
    auto trials = sample();
    const std::string reason =
        "bracket 3: not promoted at rung 0 (budget 1 step): rank 2 of 3, the top 1 go on; "
        "the rest of this reason is what a user wants to read → all of it";
    trials[0].error = reason;
    auto full = trials_table(trials, {"lr", "act"});  // a pipe: one line per trial
    BOOST_TEST(full.find(reason) != std::string::npos);
    auto fitted = trials_table(trials, {"lr", "act"}, 80);
    std::istringstream lines(fitted);
    std::string line, joined;
    std::size_t count = 0, reason_at = fitted.find("reason");
    while (std::getline(lines, line)) {
        ++count;
        std::size_t cols = 0;
        for (unsigned char c : line) cols += (c & 0xC0) != 0x80;
        BOOST_TEST(cols <= 80u, line);
        if (line.find("bracket") != std::string::npos ||
            (count > 2 && line.rfind("      ", 0) == 0))
            joined += (joined.empty() ? "" : " ") + line.substr(reason_at);
    }
    BOOST_TEST(count > 7u);        // the long reason took further lines
    BOOST_TEST(joined == reason);  // ... and every word of it is there, in order
}

BOOST_AUTO_TEST_CASE(progress_line_counts_best_and_eta) {
    study_progress p;
    p.budget = 40;
    p.complete = 9;
    p.failed = 1;
    p.running = 2;
    p.best_value = 0.961;
    p.best_trial = 7;
    auto line = progress_printer::line(p, {"val_accuracy", direction::maximize}, 50.0, 0);
    BOOST_TEST(line.find("[10/40]") == 0u, line);
    BOOST_TEST(line.find("2 running") != std::string::npos);
    BOOST_TEST(line.find("1 failed") != std::string::npos);
    BOOST_TEST(line.find("best val_accuracy 0.961 (trial 7)") != std::string::npos, line);
    BOOST_TEST(line.find("0:50") != std::string::npos);
    BOOST_TEST(line.find("ETA 2:30") != std::string::npos, line);  // 5 s a trial, 30 left
    // Trials finished in an earlier run do not speed up the ETA.
    auto resumed = progress_printer::line(p, {"val_accuracy", direction::maximize}, 50.0, 5);
    BOOST_TEST(resumed.find("ETA 5:00") != std::string::npos, resumed);
}

BOOST_AUTO_TEST_CASE(durations_read_as_clock_times) {
    BOOST_TEST(format_duration(0) == "0:00");
    BOOST_TEST(format_duration(65) == "1:05");
    BOOST_TEST(format_duration(3723) == "1:02:03");
}

BOOST_AUTO_TEST_CASE(states_and_directions_read_back_from_their_names) {
    for (auto st : {trial_state::queued, trial_state::running, trial_state::paused,
                    trial_state::complete, trial_state::pruned, trial_state::failed})
        BOOST_TEST((trial_state_from_string(to_string(st)) == st));
    BOOST_TEST(std::string(to_string(trial_state::complete)) == "complete");
    BOOST_CHECK_THROW(trial_state_from_string("done"), std::invalid_argument);

    BOOST_TEST(std::string(to_string(direction::minimize)) == "minimize");
    BOOST_TEST(std::string(to_string(direction::maximize)) == "maximize");
    BOOST_TEST((direction_from_string("minimize") == direction::minimize));
    BOOST_TEST((direction_from_string("maximize") == direction::maximize));
    BOOST_CHECK_EXCEPTION(direction_from_string("Maximize"), std::invalid_argument,
                          [](const std::invalid_argument& e) {
                              return std::string(e.what()) ==
                                     "unknown direction \"Maximize\" (minimize or maximize)";
                          });
}
