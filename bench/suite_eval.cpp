// Evaluates points of a `functions` experiment with the experiment's own model plugin, for
// another optimiser (bench/optuna_suite.py) to search exactly the problem caviar searches: the
// same file, options (shift, rotate, choice_shift) and code.
//
//     suite_eval EXPERIMENT.toml
//
// Reads one point a line on stdin, the values of the space's dimensions in space order,
// separated by spaces (a choice as written in the file); writes "VALUE REGRET" a line, flushed.
#include <caviar/caviar.hpp>
#include <run/study_setup.hpp>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: suite_eval EXPERIMENT.toml\n");
        return 2;
    }
    std::vector<caviar::diagnostic> errors;
    caviar::experiment e = caviar::load_experiment(argv[1], {}, errors);
    caviar::study_setup setup = caviar::set_up_study(
        std::move(e), caviar::registry(caviar::registry::default_dirs()), errors);
    if (!errors.empty()) {
        for (const auto& d : errors) std::fprintf(stderr, "%s\n", d.format().c_str());
        return 1;
    }
    const caviar::space& s = setup.exp.space;
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        caviar::params p;
        for (const auto& d : s) {
            std::string word;
            if (!(in >> word)) {
                std::fprintf(stderr, "suite_eval: no value for %s in \"%s\"\n",
                             std::string(d.name()).c_str(), line.c_str());
                return 1;
            }
            switch (d.kind()) {
                case caviar::dimension_kind::integer:
                    p[std::string(d.name())] = std::int64_t{std::stoll(word)};
                    break;
                case caviar::dimension_kind::real:
                    p[std::string(d.name())] = std::stod(word);
                    break;
                case caviar::dimension_kind::categorical:
                    p[std::string(d.name())] = word;
                    break;
            }
        }
        caviar::metrics m = setup.model->start(p, 0)->step();
        std::printf("%.17g %.17g\n", m.at("value"), m.at("regret"));
        std::fflush(stdout);
    }
    return 0;
}
