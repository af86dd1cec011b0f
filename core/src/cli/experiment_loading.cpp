#include "cli/experiment_loading.hpp"

#include "config/experiment.hpp"
#include "plugin/registry.hpp"

#include <boost/program_options.hpp>

#include <cstdio>

namespace caviar::cli {

namespace po = boost::program_options;

void add_override_options(po::options_description& d) {
    d.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                    "override a key of the file, e.g. --set model.epochs=5 or "
                    "--set 'space.units={ int = [8, 64] }' (repeatable; the value is read as "
                    "TOML, or as a string)");
}

std::optional<study_setup> load_study(const std::string& file,
                                      const std::vector<std::string>& overrides) {
    std::vector<diagnostic> errors;
    experiment e = load_experiment(file, overrides, errors);
    std::optional<study_setup> setup =
        set_up_study(std::move(e), registry(registry::default_dirs()), errors);
    if (errors.empty()) return setup;
    for (const auto& d : errors) std::fprintf(stderr, "%s\n", d.format().c_str());
    std::fprintf(stderr, "%zu error%s in %s\n", errors.size(), errors.size() == 1 ? "" : "s",
                 file.c_str());
    return std::nullopt;
}

}  // namespace caviar::cli
