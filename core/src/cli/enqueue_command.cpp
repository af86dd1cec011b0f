// caviar enqueue STORE -p NAME=VALUE...: queue a known configuration to run first.
#include "cli/commands.hpp"
#include "cli/study_access.hpp"
#include "config/params_reader.hpp"
#include "config/space_reader.hpp"
#include "config/toml_reader.hpp"

#include <caviar/seed.hpp>

#include <boost/program_options.hpp>

#include <cstdio>
#include <filesystem>

namespace caviar::cli {

namespace po = boost::program_options;

int enqueue_command(const args& a) {
    po::options_description d(
        "Usage: caviar enqueue STORE -p NAME=VALUE... [OPTIONS]\n\n"
        "Queues one configuration in a study; the next `caviar run` of the study runs it before\n"
        "any new trial (it counts towards the trial budget). Values are read as TOML\n"
        "(-p units=64 -p lr=0.01 -p act='\"relu\"', or act=relu) and checked against the study's\n"
        "space: every active dimension must be given.\n\nOptions");
    d.add_options()("param,p", po::value<std::vector<std::string>>()->composing(),
                    "a param of the configuration, NAME=VALUE (repeatable)");
    po::variables_map vm;
    if (!parse_store_arguments(a, d, vm)) return ok;
    auto file = vm["store"].as<std::string>();
    if (!std::filesystem::exists(file)) throw po::error("no store at " + file);
    if (!vm.count("param")) throw po::error("give the configuration with -p NAME=VALUE");

    store db(file);
    study_record s = select_study(db, vm);

    // The study's space, from the experiment text kept with it.
    std::vector<diagnostic> errors;
    toml_reader r("study \"" + s.name + "\"", errors);
    toml::table config;
    try {
        config = toml::parse(s.config, r.file());
    } catch (const toml::parse_error& e) {
        throw std::runtime_error("the study's stored configuration is unreadable: " +
                                 std::string(e.description()));
    }
    space sp = read_space(config.get("space"), r.file_pos(), r);

    // NAME=VALUE pairs as a TOML table; a value that is not TOML is a string (act=relu).
    toml::table given;
    for (const auto& kv : vm["param"].as<std::vector<std::string>>()) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            throw po::error("-p needs NAME=VALUE, got \"" + kv + "\"");
        std::string name = kv.substr(0, eq), text = kv.substr(eq + 1);
        try {
            auto parsed = toml::parse("v = " + text);
            given.insert_or_assign(name, *parsed.get("v"));
        } catch (const toml::parse_error&) {
            given.insert_or_assign(name, text);
        }
    }
    toml_reader cli_reader("-p", errors);
    auto p = read_params(given, sp, "", {"-p", 0, 0}, cli_reader);
    if (!p) {
        for (const auto& e : errors)
            std::fprintf(stderr, "caviar enqueue: %s\n", e.message.c_str());
        return usage;
    }
    trial t;
    t.number = static_cast<std::int64_t>(db.load_trials(s.id).size());
    t.seed = derive_seed(s.seed, static_cast<std::uint64_t>(t.number));
    t.params = *p;
    t.state = trial_state::queued;
    t.origin = "enqueued";
    db.insert_trial(s.id, t);
    std::string text;
    for (const auto& [k, v] : t.params) text += (text.empty() ? "" : ", ") + k + "=" + to_string(v);
    std::printf("queued trial #%lld in study \"%s\": %s\n", static_cast<long long>(t.number),
                s.name.c_str(), text.c_str());
    return ok;
}

}  // namespace caviar::cli
