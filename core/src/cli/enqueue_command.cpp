// caviar enqueue STORE -p NAME=VALUE...: queue a known configuration to run first. On a study a
// process runs, through its command inbox (so the trial number comes from that process); else
// straight into the store.
#include "cli/commands.hpp"
#include "cli/param_args.hpp"
#include "cli/study_access.hpp"
#include "report/study_space.hpp"
#include "serve/study_control.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <filesystem>

namespace caviar::cli {

namespace po = boost::program_options;

int enqueue_command(const args& a) {
    po::options_description d(
        "Usage: caviar enqueue STORE -p NAME=VALUE... [OPTIONS]\n\n"
        "Queues one configuration in a study: it runs before any new trial and counts towards\n"
        "the trial budget. On a study that `caviar run` is running, it goes through the study's\n"
        "command inbox and runs as soon as a worker is free; otherwise the next run runs it "
        "first.\n"
        "Values are read as TOML (-p units=64 -p lr=0.01 -p act='\"relu\"', or act=relu) and\n"
        "checked against the study's space: every active dimension must be given.\n\nOptions");
    d.add_options()("param,p", po::value<std::vector<std::string>>()->composing(),
                    "a param of the configuration, NAME=VALUE (repeatable)");
    po::variables_map vm;
    if (!parse_store_arguments(a, d, vm)) return ok;
    const std::filesystem::path file = vm["store"].as<std::string>();
    if (!std::filesystem::exists(file)) throw po::error("no store at " + file.string());
    if (!vm.count("param")) throw po::error("give the configuration with -p NAME=VALUE");

    store db(file);
    study_record s = select_study(db, vm);
    auto p = whole_params(vm["param"].as<std::vector<std::string>>(), study_space(s), "enqueue");
    if (!p) return usage;
    command_record c;
    c.kind = command_kind::enqueue;
    c.source = "enqueue";
    c.params = *p;
    std::string text;
    for (const auto& [k, v] : c.params) text += (text.empty() ? "" : ", ") + k + "=" + to_string(v);
    if (auto lock = take_if_idle(file, s)) {
        apply_to_store(db, s, c);
    } else {
        command_record done = post_and_wait(db, file, s, c, {});
        if (done.state == "dropped") {
            // The study ended before it took the configuration: queue it for the next run.
            auto idle = take_if_idle(file, s);
            if (!idle) {
                std::fprintf(stderr, "caviar enqueue: not applied: %s\n", done.result.c_str());
                return study_failed;
            }
            apply_to_store(db, s, c);
        } else if (done.state != "applied") {
            std::fprintf(stderr, "caviar enqueue: refused: %s\n", done.result.c_str());
            return usage;
        } else {
            c.trial = done.trial;
        }
    }
    std::printf("queued trial #%lld in study \"%s\": %s\n", static_cast<long long>(c.trial),
                s.name.c_str(), text.c_str());
    return ok;
}

}  // namespace caviar::cli
