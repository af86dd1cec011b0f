// caviar curves STORE: learning curves as CSV or JSON, for plotting elsewhere.
#include "cli/commands.hpp"
#include "cli/study_access.hpp"
#include "report/curves_export.hpp"

#include <iostream>

namespace caviar::cli {

namespace po = boost::program_options;

int curves_command(const args& a) {
    po::options_description d(
        "Usage: caviar curves STORE [OPTIONS]\n\n"
        "Prints the learning curves of a study's trials (every metric at every step).\n\n"
        "Options");
    d.add_options()("trial", po::value<std::int64_t>(), "only this trial (its number)")(
        "format", po::value<std::string>()->default_value("csv"),
        "csv (trial,step,metric,value) or json ([{trial, state, points: [{step, metrics}]}])");
    po::variables_map vm;
    if (!parse_store_arguments(a, d, vm)) return ok;
    auto format = vm["format"].as<std::string>();
    if (format != "csv" && format != "json")
        throw po::error("--format must be csv or json, got \"" + format + "\"");
    auto db = open_store(vm);
    study_record s = select_study(*db, vm);
    auto trials = db->load_trials(s.id);
    std::vector<const trial*> chosen;
    for (const auto& t : trials)
        if (!vm.count("trial") || t.number == vm["trial"].as<std::int64_t>()) chosen.push_back(&t);
    if (vm.count("trial") && chosen.empty())
        throw po::error("study \"" + s.name + "\" has no trial " +
                        std::to_string(vm["trial"].as<std::int64_t>()) + " (it has " +
                        std::to_string(trials.size()) + ")");
    if (format == "json")
        std::cout << curves_json(chosen).dump(2) << '\n';
    else
        write_curves_csv(std::cout, chosen);
    return ok;
}

}  // namespace caviar::cli
