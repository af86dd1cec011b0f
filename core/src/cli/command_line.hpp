// Parsing a subcommand's arguments: its options plus one positional operand (FILE or STORE).
#pragma once

#include "cli/commands.hpp"

#include <boost/program_options.hpp>

#include <string>

namespace caviar::cli {

/// Adds --help to d and parses a into vm, taking the first positional argument as `operand`.
/// Prints d and returns false on --help; throws boost::program_options::error when the operand
/// is missing ("missing the " + what).
bool parse_command_line(const args& a, boost::program_options::options_description& d,
                        const std::string& operand, const std::string& what,
                        boost::program_options::variables_map& vm,
                        const std::string& help_footer = "");

}  // namespace caviar::cli
