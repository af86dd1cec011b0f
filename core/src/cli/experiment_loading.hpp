// Loading an experiment file for `run` and `validate`: config, plugins, all errors printed.
#pragma once

#include "run/study_setup.hpp"

#include <boost/program_options/options_description.hpp>

#include <optional>
#include <string>
#include <vector>

namespace caviar::cli {

/// --set KEY=VALUE (repeatable), shared by run and validate.
void add_override_options(boost::program_options::options_description& d);

/// Loads and validates everything; prints every diagnostic to stderr and returns nullopt when
/// there was one.
std::optional<study_setup> load_study(const std::string& file,
                                      const std::vector<std::string>& overrides);

}  // namespace caviar::cli
