// caviar: hyperparameter tuning with sampler, strategy and model plugins.
#include "cli/commands.hpp"

#include <boost/program_options/errors.hpp>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <iostream>
#include <map>

namespace {

const char* usage_text = R"(caviar - hyperparameter tuning with plugins

Usage: caviar COMMAND [ARGS] [OPTIONS]

Commands:
  run FILE       run the experiment in FILE, or resume it where it stopped
  validate FILE  check FILE and its plugins' options without running a trial
  plugins        list the sampler, strategy and model plugins found, with their options
  best STORE     show the best trial of a study in a store (a .db file)
  trials STORE   list every trial of a study (table, json or csv)
  enqueue STORE  queue a known configuration (-p NAME=VALUE...) to run first
  ctl STORE ACTION
                 steer a running study: status, pause N, set N -p ..., resume N, prune N,
                 stop, budget N
  serve STORE    serve a study's live page (curves, pause, new params, resume) in a browser
  check PLUGIN   run a sampler or strategy plugin through its conformance kit
  new plugin KIND NAME
                 write a plugin project to start from (KIND: sampler, strategy, model)
  show STORE     summarise a study: set-up, best trials, parameter importance
  report STORE   write a study as one HTML page with charts (-o FILE)
  curves STORE   print learning curves (csv or json)
  lineage STORE  show whose weights a trial carries after population-based training
  retune FILE --from STUDY
                 run a study's best configurations again in today's environment, report
                 the drift and search again (exit 3 when it drifted)
  history STORE  list the studies of a store as chains: original, then its retunes

STORE is a study's store (its .db file), or the experiment FILE itself, which names its store
and study. Run `caviar COMMAND --help` for the options of a command, `caviar --version` for
the version.

Plugins are looked up in CAVIAR_PLUGIN_PATH (colon-separated folders), then in caviar's own
plugin folder; an experiment may also name a library file with path = "...".

Exit codes: 0 done, 1 the study failed, 2 usage or configuration error, 3 caviar retune
found drift, 130/143 stopped by Ctrl-C/SIGTERM (run the same command again to resume).
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace caviar::cli;
    // `caviar run ... | head -1`: a closed pipe makes writes fail (and the summary is lost), it
    // does not kill the study mid-way with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    std::map<std::string, std::function<int(const args&)>> commands = {
        {"run", run_command},         {"validate", validate_command}, {"plugins", plugins_command},
        {"best", best_command},       {"trials", trials_command},     {"enqueue", enqueue_command},
        {"new", new_command},         {"show", show_command},         {"report", report_command},
        {"curves", curves_command},   {"lineage", lineage_command},   {"ctl", ctl_command},
        {"check", check_command},     {"serve", serve_command},       {"retune", retune_command},
        {"history", history_command}, {"__worker", worker_command}};
    if (argc < 2) {
        std::fputs(usage_text, stderr);
        return usage;
    }
    std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        std::fputs(usage_text, stdout);
        return ok;
    }
    if (name == "--version") {
        std::puts("caviar " CAVIAR_VERSION);
        return ok;
    }
    auto it = commands.find(name);
    if (it == commands.end()) {
        std::fprintf(stderr, "caviar: unknown command \"%s\"\n\n%s", name.c_str(), usage_text);
        return usage;
    }
    try {
        return it->second(args(argv + 2, argv + argc));
    } catch (const boost::program_options::error& e) {
        std::fprintf(stderr, "caviar %s: %s (see caviar %s --help)\n", name.c_str(), e.what(),
                     name.c_str());
        return usage;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "caviar %s: error: %s\n", name.c_str(), e.what());
        return study_failed;
    }
}
