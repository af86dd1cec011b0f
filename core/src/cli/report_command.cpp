// caviar report STORE -o FILE: a study as one self-contained HTML page with charts.
#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "cli/study_access.hpp"
#include "report/html_report.hpp"
#include "report/importance.hpp"
#include "report/study_line.hpp"
#include "report/study_space.hpp"
#include "report/zoom_boxes.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace caviar::cli {

namespace po = boost::program_options;

int report_command(const args& a) {
    po::options_description d(
        "Usage: caviar report STORE -o FILE [OPTIONS]\n\n"
        "Writes a study as one HTML file (no network, no other files): summary, best trials,\n"
        "history, parameter importance, a slice per parameter, the two most important\n"
        "parameters, learning curves and parallel coordinates.\n\nOptions");
    d.add_options()("output,o", po::value<std::string>(), "the HTML file to write")(
        "force", "replace FILE even when it is not a report caviar wrote");
    po::variables_map vm;
    if (!parse_store_arguments(a, d, vm)) return ok;
    if (!vm.count("output")) throw po::error("missing -o FILE, the HTML file to write");
    auto db = open_store(vm);
    study_record s = select_study(*db, vm);
    auto trials = db->load_trials(s.id);
    space sp = study_space(s);
    forest_options o;
    o.seed = s.seed;
    auto imp = parameter_importance(sp, trials, o);
    // A big study's charts draw a sample of its trials (said above each chart).
    const auto drawn = drawn_trials(trials, s.objective, s.seed);
    std::string html = html_report(chart_input{.study = s,
                                               .space = sp,
                                               .trials = trials,
                                               .importance = imp,
                                               .boxes = recorded_boxes(sp, trials),
                                               .events = db->load_events(s.id),
                                               .drift = retune_report(*db, s.id),
                                               .chain = study_line(*db, s),
                                               .drawn = drawn.empty() ? nullptr : &drawn},
                                   db->file().string());

    auto file = vm["output"].as<std::string>();
    write_output_file(file, html, vm.count("force") > 0, is_caviar_report);
    std::fprintf(stderr, "wrote %s (%zu trials of study \"%s\")\n", file.c_str(), trials.size(),
                 s.name.c_str());
    return ok;
}

}  // namespace caviar::cli
