// caviar check PLUGIN: runs a plugin through its conformance kit (samplers and strategies), the
// same kits caviar's own tests run over every shipped plugin, so an out-of-tree plugin's tests
// can call it (caviar_add_conformance_test in the CMake package).
#include "cli/commands.hpp"
#include "config/experiment.hpp"
#include "config/toml_reader.hpp"
#include "conformance/sampler_kit.hpp"
#include "conformance/strategy_kit.hpp"
#include "plugin/registry.hpp"
#include "report/counted.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace caviar::cli {

namespace po = boost::program_options;

namespace {

const char* usage_text =
    "Usage: caviar check PLUGIN [OPTIONS]\n\n"
    "Runs a sampler or strategy plugin through its conformance kit and says which checks it\n"
    "passed; exit code 0 when every check passed, 1 otherwise. PLUGIN is a library file\n"
    "(build/sampler_mine.so) or a plugin's name, looked up like an experiment's plugin = "
    "\"...\".\n\n"
    "  sampler kit: every kind of dimension and scale, conditional spaces, odd histories (failed,\n"
    "    pruned, NaN), pending and warm-start trials, narrowed spaces: each proposal must be a\n"
    "    point of the space, and the same request must give the same params.\n"
    "  strategy kit: studies through the real coordinator, alone and steered from outside\n"
    "    (pause, resume, update, prune, budget changes at random steps): the budget honoured, no\n"
    "    trial lost or run twice, every paused trial resumed or pruned, events consistent.\n\n"
    "Options";

// The plugin as PLUGIN names it: a file, or a name of any kind.
loaded_plugin find_plugin(const std::string& what) {
    if (what.find('/') != std::string::npos || what.ends_with(".so"))
        return registry::load_file(what);
    registry r(registry::default_dirs());
    for (auto kind : {plugin_kind::sampler, plugin_kind::strategy, plugin_kind::model}) {
        try {
            return r.find(kind, what);
        } catch (const plugin_error&) {
        }
    }
    throw po::error("no plugin named \"" + what +
                    "\" (give a library file, or see caviar plugins)");
}

}  // namespace

int check_command(const args& a) {
    po::options_description d(usage_text);
    d.add_options()("option,o", po::value<std::vector<std::string>>()->composing(),
                    "a plugin option, NAME=VALUE (repeatable; the value is read as TOML), for an "
                    "option without a default or to check another setting")(
        "seeds", po::value<int>()->default_value(10),
        "strategy kit: studies per model variant, alone and steered")(
        "verbose,v", "also list the kit's notes (spaces the plugin refused, studies run)")(
        "help,h", "show this help");
    po::options_description hidden;
    hidden.add_options()("plugin", po::value<std::string>());
    po::options_description all;
    all.add(d).add(hidden);
    po::positional_options_description pos;
    pos.add("plugin", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(a).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
        std::cout << d;
        return ok;
    }
    if (!vm.count("plugin")) throw po::error("missing the PLUGIN (a library file or a name)");
    const int seeds = vm["seeds"].as<int>();
    if (seeds < 1) throw po::error("--seeds must be at least 1");

    loaded_plugin p;
    try {
        p = find_plugin(vm["plugin"].as<std::string>());
    } catch (const plugin_error& e) {
        throw po::error(e.what());
    }
    if (p.info.kind == plugin_kind::model) {
        std::fprintf(stderr,
                     "caviar check: %s is a model plugin; there is no conformance kit for models "
                     "yet (run an experiment with it instead)\n",
                     p.file.c_str());
        return usage;
    }
    // Its options as an experiment's table would give them, checked against its schema.
    plugin_ref ref;
    ref.table = to_string(p.info.kind);
    if (vm.count("option"))
        for (const auto& kv : vm["option"].as<std::vector<std::string>>()) {
            auto eq = kv.find('=');
            if (eq == std::string::npos || eq == 0)
                throw po::error("--option needs NAME=VALUE, got \"" + kv + "\"");
            std::string name = kv.substr(0, eq), text = kv.substr(eq + 1);
            option_value v = text;
            try {
                auto parsed = toml::parse("v = " + text);
                const toml::node& n = *parsed.get("v");
                if (auto b = n.value<bool>(); n.is_boolean())
                    v = *b;
                else if (n.is_integer())
                    v = *n.value<std::int64_t>();
                else if (n.is_floating_point())
                    v = *n.value<double>();
                else if (n.is_string())
                    v = *n.value<std::string>();
                else if (const auto* array = n.as_array();
                         array &&
                         (array->empty() || array->is_homogeneous(toml::node_type::string))) {
                    std::vector<std::string> list;
                    for (const auto& e : *array) list.push_back(*e.value<std::string>());
                    v = std::move(list);
                }
            } catch (const toml::parse_error&) {
            }
            ref.options[name] = {v, {"--option", 0, 0}};
        }
    std::vector<diagnostic> errors;
    options opts = resolve_options(p.info, ref, std::filesystem::current_path(), errors);
    if (!errors.empty()) {
        for (const auto& e : errors) std::fprintf(stderr, "caviar check: %s\n", e.message.c_str());
        return usage;
    }

    std::vector<std::pair<std::string, conformance::report>> reports;
    if (p.info.kind == plugin_kind::sampler) {
        reports.emplace_back("sampler kit", conformance::check_sampler([&] {
                                 return registry::create<sampler>(p, opts);
                             }));
    } else {
        auto make = [&] { return registry::create<strategy>(p, opts); };
        reports.emplace_back("strategy kit, alone", conformance::check_strategy(
                                                        make, {.seeds = seeds, .commands = false}));
        reports.emplace_back("strategy kit, steered",
                             conformance::check_strategy(make, {.seeds = seeds, .commands = true}));
    }

    std::printf("%s %s %s (%s)\n", to_string(p.info.kind), p.info.name.c_str(),
                p.info.version.c_str(), p.file.c_str());
    bool passed = true;
    for (const auto& [kit, r] : reports) {
        std::printf("%s: %s passed, %s\n", kit.c_str(),
                    counted(static_cast<long long>(r.passed.size()), "check").c_str(),
                    counted(static_cast<long long>(r.failures.size()), "failure").c_str());
        for (const auto& name : r.passed) std::printf("  ok    %s\n", name.c_str());
        for (const auto& f : r.failures)
            std::printf("  FAIL  %s: %s\n", f.check.c_str(), f.message.c_str());
        if (vm.count("verbose"))
            for (const auto& n : r.notes) std::printf("  note  %s\n", n.c_str());
        passed = passed && r.ok() && !r.passed.empty();
    }
    return passed ? ok : study_failed;
}

}  // namespace caviar::cli
