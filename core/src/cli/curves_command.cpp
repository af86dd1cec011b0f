// caviar curves STORE: learning curves as CSV or JSON, for plotting elsewhere.
#include "cli/commands.hpp"
#include "cli/study_access.hpp"
#include "report/curves_export.hpp"
#include "report/json_array_writer.hpp"
#include "store/store.hpp"

#include <iostream>
#include <optional>

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
    std::optional<std::int64_t> only;
    if (vm.count("trial")) only = vm["trial"].as<std::int64_t>();
    // Each trial's curve goes out as it is read, none kept: the memory of one trial's curve
    // however many trials the study has.
    store::snapshot same(*db);
    if (only) {  // checked first: nothing is printed for a trial that is not there
        bool found = false;
        db->for_each_trial(s.id, {.only = only},
                           [&](trial&, const std::vector<trial_event>&) { found = true; });
        if (!found)
            throw po::error("study \"" + s.name + "\" has no trial " + std::to_string(*only) +
                            " (it has " + std::to_string(db->trial_count(s.id)) + ")");
    }
    const store::trial_reading what{.curves = true, .only = only};
    if (format == "json") {
        json_array_writer out(std::cout, 2);
        db->for_each_trial(s.id, what, [&](trial& t, const std::vector<trial_event>&) {
            out.add(curves_json(t));
        });
        out.finish();
        std::cout << '\n';
    } else {
        write_curves_csv_header(std::cout);
        db->for_each_trial(s.id, what, [&](trial& t, const std::vector<trial_event>&) {
            write_curves_csv(std::cout, t);
        });
    }
    return ok;
}

}  // namespace caviar::cli
