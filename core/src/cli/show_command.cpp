// caviar show STORE: a study at a glance in the terminal.
#include "cli/commands.hpp"
#include "cli/study_access.hpp"
#include "report/drift.hpp"
#include "report/importance.hpp"
#include "report/study_line.hpp"
#include "report/study_space.hpp"
#include "report/study_summary.hpp"
#include "run/environment.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace caviar::cli {

namespace po = boost::program_options;

namespace {

// What the study ran on, how that changed between its runs, and its drift report if it is a
// retune.
void print_environment(store& db, const study_record& s) {
    if (!s.parent.empty())
        std::cout << "\n"
                  << (s.link.empty() ? "made from" : "a " + s.link + " of") << " study \""
                  << s.parent << "\"" << (s.parent_store.empty() ? "" : " in " + s.parent_store)
                  << "\n";
    auto envs = db.load_environments(s.id);
    if (!envs.empty()) {
        auto last = nlohmann::json::parse(envs.back().fingerprint, nullptr, false);
        std::cout << "\nenvironment ("
                  << (envs.size() == 1 ? "the same in every run" : "of the last run") << "):\n"
                  << environment::describe(last, "  ");
        for (std::size_t i = 1; i < envs.size(); ++i) {
            auto a = nlohmann::json::parse(envs[i - 1].fingerprint, nullptr, false);
            auto b = nlohmann::json::parse(envs[i].fingerprint, nullptr, false);
            for (const auto& c : environment::changes(a, b))
                std::cout << "  changed between runs: " << c.line << "\n";
        }
    }
    if (auto r = retune_report(db, s.id); r.is_object()) std::cout << "\n" << drift::text(r);
}

}  // namespace

int show_command(const args& a) {
    po::options_description d(
        "Usage: caviar show STORE [OPTIONS]\n\n"
        "Summarises a study: its set-up, its trials by state, the best trials with their params\n"
        "and the importance of each parameter (fANOVA over a random forest).\n\nOptions");
    d.add_options()("top", po::value<std::size_t>()->default_value(10),
                    "how many of the best trials to list");
    po::variables_map vm;
    if (!parse_store_arguments(a, d, vm)) return ok;
    auto db = open_store(vm);
    study_record s = select_study(*db, vm);
    auto trials = db->load_trials(s.id);
    space sp = study_space(s);
    forest_options o;
    o.seed = s.seed;
    auto imp = parameter_importance(sp, trials, o);
    std::cout << study_summary(s, db->file().string(), sp, trials, imp, vm["top"].as<std::size_t>(),
                               db->load_events(s.id));
    print_environment(*db, s);
    return ok;
}

}  // namespace caviar::cli
