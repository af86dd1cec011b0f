// What the commands that read a store share: STORE [--study NAME] parsing, opening the store
// read-only, and choosing the study.
#pragma once

#include "cli/commands.hpp"
#include "store/store.hpp"

#include <boost/program_options.hpp>

#include <memory>

namespace caviar::cli {

/// When vm[operand] is an experiment file rather than a store, puts its store there and its
/// study in --study (unless given): `caviar show exp.toml` reads the study that file runs.
void resolve_experiment_operand(boost::program_options::variables_map& vm,
                                const std::string& operand);

/// Adds --study to d and parses STORE (or an experiment file, see above) plus the command's own
/// options; false after --help.
bool parse_store_arguments(const args& a, boost::program_options::options_description& d,
                           boost::program_options::variables_map& vm);

/// The store named by the STORE operand, read-only; a missing file is a usage error.
std::unique_ptr<store> open_store(const boost::program_options::variables_map& vm);
/// The same for a store file named otherwise (caviar retune --from STORE:STUDY).
std::unique_ptr<store> open_store(const std::string& file);

/// The study named --study, or the only one in the store; otherwise a usage error naming the
/// studies there are.
study_record select_study(store& db, const boost::program_options::variables_map& vm);

}  // namespace caviar::cli
