// caviar best STORE / caviar trials STORE: read a study back from its store.
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/study_access.hpp"
#include "cli/terminal_width.hpp"
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
    auto trials = db->load_trials(s.id);
    auto names = param_names(s.space);
    auto events = db->load_events(s.id);
    auto study_events = db->load_study_events(s.id);
    if (format == "json") {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& t : trials) {
            nlohmann::json j = to_json(t);
            j["events"] = nlohmann::json::array();
            out.push_back(std::move(j));
        }
        for (const auto& e : events)
            if (e.trial >= 0 && static_cast<std::size_t>(e.trial) < out.size())
                out[static_cast<std::size_t>(e.trial)]["events"].push_back(to_json(e));
        std::cout << out.dump(2) << '\n';
    } else if (format == "csv") {
        write_csv(std::cout, trials, names);
    } else {
        std::cout << trials_table(trials, names,
                                  vm.count("wide") ? 0 : terminal_width(STDOUT_FILENO));
        if (vm.count("events")) {
            std::cout << '\n' << (events.empty() && study_events.empty() ? "no events\n" : "");
            for (const auto& e : study_events) std::cout << describe(e) << '\n';
            for (const auto& e : events) std::cout << describe(e) << '\n';
        } else if (!events.empty() || !study_events.empty()) {
            std::cout << "\n"
                      << events.size() + study_events.size()
                      << " events (pauses, resumes, exploits, ...): add --events to list them\n";
        }
    }
    return ok;
}

}  // namespace caviar::cli
