// caviar best STORE / caviar trials STORE: read a study back from its store.
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/study_access.hpp"
#include "cli/terminal_width.hpp"
#include "report/json_array_writer.hpp"
#include "report/trial_table.hpp"
#include "store/store.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include <unistd.h>

namespace caviar::cli {

namespace po = boost::program_options;

int best_command(const args& a) {
    po::options_description d(
        "Usage: caviar best STORE [OPTIONS]\n\n"
        "Shows the best complete trial of a study: its params and metrics.\n\nOptions");
    d.add_options()("json", "print the trial as one JSON object");
    po::variables_map vm;
    if (!parse_store_arguments(a, d, vm)) return ok;
    auto db = open_store(vm);
    study_record s = select_study(*db, vm);
    auto trials = db->load_trials(s.id);
    auto best = ranked(trials, s.objective);
    if (best.empty()) {
        std::fprintf(stderr, "caviar best: study \"%s\" has no complete trial yet\n",
                     s.name.c_str());
        return study_failed;
    }
    const trial& b = *best.front();
    if (vm.count("json")) {
        std::cout << to_json(b).dump(2) << '\n';
        return ok;
    }
    std::printf("study \"%s\": best of %zu trials is #%lld with %s = %s (%s)\n", s.name.c_str(),
                trials.size(), static_cast<long long>(b.number), s.objective.metric.c_str(),
                to_string(value{*b.value}).c_str(), to_string(s.objective.direction));
    std::printf("params:\n");
    for (const auto& n : param_names(s.space))
        if (auto it = b.params.find(n); it != b.params.end())
            std::printf("  %s = %s\n", n.c_str(), to_string(it->second).c_str());
    std::printf("metrics:\n");
    for (const auto& [k, v] : b.metrics)
        std::printf("  %s = %s\n", k.c_str(), to_string(value{v}).c_str());
    std::printf("seed: %llu\n", static_cast<unsigned long long>(b.seed));
    return ok;
}

int trials_command(const args& a) {
    po::options_description d(
        "Usage: caviar trials STORE [OPTIONS]\n\n"
        "Lists every trial of a study in number order.\n\nOptions");
    d.add_options()("format", po::value<std::string>()->default_value("table"),
                    "table, json (an array of {number, state, params, value, metrics, seed, "
                    "error, steps, origin, attrs, events, ...}) or csv")(
        "wide", "reasons on one line in full, however long (on a terminal they wrap to fit it)")(
        "events",
        "after the table, list what happened besides the trials' steps: budget changes, "
        "stops, configuration changes, then pauses, resumes, restarts, exploits, prunes");
    po::variables_map vm;
    if (!parse_store_arguments(a, d, vm)) return ok;
    auto format = vm["format"].as<std::string>();
    if (format != "table" && format != "json" && format != "csv")
        throw po::error("--format must be table, json or csv, got \"" + format + "\"");
    auto db = open_store(vm);
    study_record s = select_study(*db, vm);
    auto names = param_names(s.space);
    // Trials go out as they are read, none kept: the memory of one trial however many the
    // study has. One snapshot, so that every pass sees the same trials while a run goes on.
    store::snapshot same(*db);
    if (format == "json") {
        json_array_writer out(std::cout, 2);
        db->for_each_trial(s.id, {.events = true, .only = {}},
                           [&](trial& t, const std::vector<trial_event>& events) {
                               nlohmann::json j = to_json(t);
                               j["events"] = nlohmann::json::array();
                               for (const auto& e : events) j["events"].push_back(to_json(e));
                               out.add(j);
                           });
        out.finish();
        std::cout << '\n';
    } else if (format == "csv") {
        auto metrics = db->metric_names(s.id);
        write_csv_header(std::cout, names, metrics);
        db->for_each_trial(s.id, {}, [&](trial& t, const std::vector<trial_event>&) {
            write_csv_row(std::cout, t, names, metrics);
        });
    } else {
        write_trials_table(
            std::cout,
            [&](const std::function<void(const trial&)>& each) {
                db->for_each_trial(s.id, {},
                                   [&](trial& t, const std::vector<trial_event>&) { each(t); });
            },
            names, vm.count("wide") ? 0 : terminal_width(STDOUT_FILENO));
        auto study_events = db->load_study_events(s.id);
        if (vm.count("events")) {
            std::int64_t events = db->event_count(s.id);
            std::cout << '\n' << (events == 0 && study_events.empty() ? "no events\n" : "");
            for (const auto& e : study_events) std::cout << describe(e) << '\n';
            db->for_each_event(s.id,
                               [&](const trial_event& e) { std::cout << describe(e) << '\n'; });
        } else if (std::int64_t events = db->event_count(s.id);
                   events > 0 || !study_events.empty()) {
            std::cout << "\n"
                      << static_cast<std::size_t>(events) + study_events.size()
                      << " events (pauses, resumes, exploits, ...): add --events to list them\n";
        }
    }
    return ok;
}

}  // namespace caviar::cli
