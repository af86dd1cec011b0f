#include "cli/command_line.hpp"

#include <iostream>

namespace caviar::cli {

namespace po = boost::program_options;

bool parse_command_line(const args& a, po::options_description& d, const std::string& operand,
                        const std::string& what, po::variables_map& vm,
                        const std::string& help_footer) {
    d.add_options()("help,h", "show this help");
    po::options_description hidden;
    hidden.add_options()(operand.c_str(), po::value<std::string>());
    po::options_description all;
    all.add(d).add(hidden);
    po::positional_options_description pos;
    pos.add(operand.c_str(), 1);
    po::store(po::command_line_parser(a).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
        std::cout << d << help_footer;
        return false;
    }
    if (!vm.count(operand)) throw po::error("missing the " + what);
    return true;
}

}  // namespace caviar::cli
