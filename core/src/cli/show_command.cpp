// caviar show STORE: a study at a glance in the terminal.
#include "cli/commands.hpp"
#include "cli/study_access.hpp"
#include "report/importance.hpp"
#include "report/study_space.hpp"
#include "report/study_summary.hpp"

#include <iostream>

namespace caviar::cli {

namespace po = boost::program_options;

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
    return ok;
}

}  // namespace caviar::cli
