// caviar new plugin KIND NAME [--dir DIR]: writes an out-of-tree plugin project to start from,
// with a working minimal plugin of that kind, an example experiment and a CTest test that runs
// it through the installed caviar.
#include "cli/commands.hpp"

#include <boost/program_options.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// The sources of each kind. @NAME@ is the plugin's name.
const char* sampler_source =
    R"src(// @NAME@: a sampler plugin for caviar. It draws uniform random points, each dimension on its
// own scale; change propose() to make it yours. See caviar/sampler.hpp for the contract.
#include <caviar/caviar.hpp>

#include <cstdint>
#include <vector>

namespace {

class @NAME@_sampler final : public caviar::sampler {
public:
    // Read by `caviar plugins` without creating the plugin; the host checks the experiment's
    // [sampler] table against these options.
    static caviar::plugin_info info() {
        return {.name = "@NAME@",
                .version = "0.1.0",
                .summary = "Uniform random points",
                .options = {{.name = "center_first",
                             .type = caviar::option_type::boolean,
                             .default_value = false,
                             .help = "give trial 0 the centre of the space"}}};
    }

    explicit @NAME@_sampler(const caviar::options& o) : center_first_(o.get_bool("center_first")) {}

    // Called under the host's lock, one call at a time. Same request, same params: draw from
    // the trial's seed, in the unit cube, and let the space map each coordinate on its scale.
    caviar::params propose(const caviar::sample_request& req) override {
        std::vector<double> u(req.space.size(), 0.5);
        if (!(center_first_ && req.number == 0)) {
            caviar::rng r(req.seed);
            for (double& x : u) x = caviar::unit_draw(r);  // [0, 1), the same on any std library
        }
        return req.space.from_unit(u);
    }

private:
    bool center_first_;
};

}  // namespace

CAVIAR_PLUGIN(@NAME@_sampler)
)src";

const char* strategy_source =
    R"src(// @NAME@: a strategy plugin for caviar. It starts trials until the budget is spent, each for a
// fixed number of steps, and stops a trial early once its objective is not finite; change next()
// and on_report() to make it yours. See caviar/strategy.hpp for the contract.
#include <caviar/caviar.hpp>

#include <cmath>
#include <cstdint>

namespace {

class @NAME@_strategy final : public caviar::strategy {
public:
    static caviar::plugin_info info() {
        return {.name = "@NAME@",
                .version = "0.1.0",
                .summary = "Runs the budget, each trial for a fixed number of steps",
                .options = {{.name = "steps",
                             .type = caviar::option_type::integer,
                             .default_value = std::int64_t{0},
                             .help = "steps per trial (0: the model's full length)",
                             .min = 0}}};
    }

    explicit @NAME@_strategy(const caviar::options& o) : steps_(o.get_int("steps")) {}

    // Called under the host's lock whenever a worker is idle.
    caviar::job next(caviar::study_view& study) override {
        caviar::job j;
        if (static_cast<std::int64_t>(study.trials().size()) < study.budget()) {
            j.what = caviar::job::kind::start;
            j.params = study.propose(study.space());  // the sampler's params
            j.steps = steps_;
            return j;
        }
        bool running = study.count(caviar::trial_state::queued) > 0 ||
                       study.count(caviar::trial_state::running) > 0;
        return caviar::job::of(running ? caviar::job::kind::wait : caviar::job::kind::done);
    }

    // After each step of a running trial.
    caviar::decision on_report(caviar::study_view& study, const caviar::trial&, std::int64_t,
                               const caviar::metrics& m) override {
        auto it = m.find(study.objective().metric);
        if (it != m.end() && !std::isfinite(it->second))
            return {.what = caviar::decision::kind::prune, .reason = "objective not finite"};
        return {};
    }

private:
    std::int64_t steps_;
};

}  // namespace

CAVIAR_PLUGIN(@NAME@_strategy)
)src";

const char* model_source =
    R"src(// @NAME@: a model plugin for caviar. A run trains by gradient descent with momentum on a
// stretched quadratic bowl, one iteration per step, and reports its loss after each, so the
// learning curve shows what learning_rate and momentum do (and a strategy can stop a bad run
// early). Replace the run with your training. See caviar/model.hpp for the contract.
#include <caviar/caviar.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

// One trial's state. Used by one thread at a time.
class @NAME@_run final : public caviar::run {
public:
    @NAME@_run(double learning_rate, double momentum, double condition, std::int64_t steps)
        : lr_(learning_rate), beta_(momentum), curvature_{condition, 1.0}, steps_(steps) {}

    // One step = one iteration of heavy-ball momentum on f(w) = (c w0^2 + w1^2) / 2.
    caviar::metrics step() override {
        for (std::size_t i = 0; i < w_.size(); ++i) {
            v_[i] = beta_ * v_[i] - lr_ * curvature_[i] * w_[i];
            w_[i] += v_[i];
        }
        ++step_;
        double loss = 0;
        for (std::size_t i = 0; i < w_.size(); ++i) loss += curvature_[i] * w_[i] * w_[i] / 2;
        return {{"loss", loss}};  // a diverging run reports inf: the host records it as failed
    }
    bool done() const override { return step_ >= steps_; }

private:
    double lr_, beta_;
    std::array<double, 2> curvature_;
    std::array<double, 2> w_{1.0, 1.0}, v_{0.0, 0.0};
    std::int64_t steps_, step_ = 0;
};

class @NAME@_model final : public caviar::model {
public:
    static caviar::plugin_info info() {
        return {.name = "@NAME@",
                .version = "0.1.0",
                .summary = "Gradient descent with momentum on a quadratic bowl; params "
                           "learning_rate and momentum",
                .options = {{.name = "steps",
                             .type = caviar::option_type::integer,
                             .default_value = std::int64_t{30},
                             .help = "iterations per run (one step each)",
                             .min = 1},
                            {.name = "condition",
                             .type = caviar::option_type::real,
                             .default_value = 10.0,
                             .help = "how stretched the bowl is (its largest curvature / its "
                                     "smallest): the larger, the harder",
                             .min = 1.0}}};
    }

    explicit @NAME@_model(const caviar::options& o)
        : steps_(o.get_int("steps")), condition_(o.get_real("condition")) {}

    // Main thread, before any trial: check the space suits the model (throw to refuse it; a
    // dimension_error points at that dimension in the experiment file).
    void prepare(const caviar::space& s) override {
        const caviar::dimension* lr = s.find("learning_rate");
        if (!lr || lr->kind() != caviar::dimension_kind::real || !(lr->low() > 0))
            throw caviar::dimension_error(
                "learning_rate",
                "@NAME@ needs learning_rate = { float = [low, high], scale = \"log\" } with "
                "low > 0");
        has_momentum_ = s.find("momentum") != nullptr;
    }

    // Called from many threads at once: read members, change none.
    std::unique_ptr<caviar::run> start(const caviar::params& p, std::uint64_t) const override {
        double momentum = has_momentum_ ? caviar::get_real(p, "momentum") : 0.0;
        return std::make_unique<@NAME@_run>(caviar::get_real(p, "learning_rate"), momentum,
                                            condition_, steps_);
    }

    std::int64_t max_steps() const override { return steps_; }
    std::vector<std::string> metric_names() const override { return {"loss"}; }

private:
    std::int64_t steps_;
    double condition_;
    bool has_momentum_ = false;
};

}  // namespace

CAVIAR_PLUGIN(@NAME@_model)
)src";

// The experiment each kind's project runs as its test: a study that makes sense for the kind,
// the other two plugins shipped ones. Its store goes under runs/, which .gitignore leaves out.
std::string experiment(const std::string& kind, const std::string& name) {
    std::string text = "# Runs the " + name + " " + kind +
                       " plugin (the project's CTest test runs this file too):\n"
                       "#   CAVIAR_PLUGIN_PATH=build caviar run example.toml\n"
                       "#   caviar show example.toml\n\n"
                       "[experiment]\nname = \"" +
                       name + "-example\"\nseed = 1\n";
    if (kind == "sampler")
        // A 2-D function with a known minimum (0.397887): the sampler's points are easy to judge.
        return text +
               "trials = 30\nthreads = 2\n"
               "objective = { metric = \"value\", direction = \"minimize\" }\n"
               "store = \"runs/example.db\"\n\n"
               "[space]\nx = { float = [-5.0, 10.0] }\ny = { float = [0.0, 15.0] }\n\n"
               "[sampler]\nplugin = \"" +
               name +
               "\"\ncenter_first = true\n\n"
               "[model]\nplugin = \"functions\"\nfunction = \"branin\"   # minimum 0.397887\n";
    if (kind == "strategy")
        // Synthetic learning curves: a strategy's step schedule shows in seconds.
        return text +
               "trials = 12\nthreads = 2\n"
               "objective = { metric = \"val_loss\", direction = \"minimize\" }\n"
               "store = \"runs/example.db\"\n\n"
               "[space]\nlearning_rate = { float = [1e-3, 1.0], scale = \"log\" }\n"
               "dropout = { float = [0.0, 0.5] }\n\n"
               "[strategy]\nplugin = \"" +
               name +
               "\"\nsteps = 9                # of the model's 27\n\n"
               "[model]\nplugin = \"learning_curve\"\n";
    // The template model's two params, each on its right scale: the step size spans decades,
    // and momentum matters as 1 - beta does (0.9 vs 0.99), which log1m samples evenly.
    return text +
           "trials = 20\nthreads = 2\n"
           "objective = { metric = \"loss\", direction = \"minimize\" }\n"
           "store = \"runs/example.db\"\n\n"
           "[space]\nlearning_rate = { float = [1e-3, 0.2], scale = \"log\" }\n"
           "momentum = { float = [0.5, 0.99], scale = \"log1m\" }\n\n"
           "[model]\nplugin = \"" +
           name + "\"\nsteps = 30\ncondition = 10.0\n";
}

std::string cmake_lists(const std::string& kind, const std::string& name) {
    std::string origin = kind == "sampler" ? "\n    -DORIGIN=" + name : "";
    return "# The " + name + " " + kind +
           " plugin for caviar, built out of tree against an installed caviar:\n"
           "#   cmake -S . -B build -DCMAKE_PREFIX_PATH=/path/to/caviar/prefix\n"
           "#   cmake --build build && ctest --test-dir build\n"
           "cmake_minimum_required(VERSION 3.25)\n"
           "project(caviar_" +
           name +
           " LANGUAGES CXX)\n\n"
           "set(CMAKE_CXX_STANDARD 20)\nset(CMAKE_CXX_STANDARD_REQUIRED ON)\n\n"
           "find_package(caviar 0.1 REQUIRED)\n\n"
           "# " +
           kind + "_" + name +
           ".so, hidden visibility, linked to caviar::caviar; `cmake --install` puts it in\n"
           "# caviar's plugin folder. Built into the build folder itself, so that\n"
           "# CAVIAR_PLUGIN_PATH=build finds it.\n"
           "caviar_add_plugin(" +
           name + " " + kind + " SOURCES " + name + "_" + kind +
           ".cpp)\n"
           "set_target_properties(caviar_" +
           kind + "_" + name +
           " PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})\n\n"
           "# The test: the installed caviar runs example.toml with this plugin.\n"
           "enable_testing()\n"
           "if(NOT CAVIAR_EXECUTABLE)\n  find_program(CAVIAR_EXECUTABLE caviar REQUIRED)\n"
           "endif()\n"
           "add_test(NAME example COMMAND ${CMAKE_COMMAND}\n"
           "    -DCAVIAR=${CAVIAR_EXECUTABLE} -DEXPERIMENT=${PROJECT_SOURCE_DIR}/example.toml\n"
           "    -DSTORE=${PROJECT_BINARY_DIR}/example.db -DPLUGIN_DIR=${PROJECT_BINARY_DIR}" +
           origin + "\n    -P ${CAVIAR_RUN_EXAMPLE})\n" +
           (kind == "model" ? std::string()
                            : "\n# The " + kind +
                                  " conformance kit through the installed caviar (caviar check).\n"
                                  "caviar_add_conformance_test(caviar_" +
                                  kind + "_" + name + ")\n");
}

std::string readme(const std::string& kind, const std::string& name) {
    std::string use = kind == "sampler"    ? "[sampler]\nplugin = \"" + name + "\""
                      : kind == "strategy" ? "[strategy]\nplugin = \"" + name + "\""
                                           : "[model]\nplugin = \"" + name + "\"";
    return "# " + name + ": a caviar " + kind +
           " plugin\n\n"
           "Written by `caviar new plugin " +
           kind + " " + name +
           "`: a working minimal plugin to make your own.\n\n"
           "| file | what |\n|---|---|\n"
           "| `" +
           name + "_" + kind +
           ".cpp` | the plugin: one class and `CAVIAR_PLUGIN(...)` |\n"
           "| `CMakeLists.txt` | builds `" +
           kind + "_" + name +
           ".so` with `caviar_add_plugin()` and declares the test |\n"
           "| `example.toml` | an experiment that uses the plugin |\n"
           "\nThe test (`ctest`) runs `example.toml` with the installed `caviar` through the "
           "package's `${CAVIAR_RUN_EXAMPLE}` script and checks every trial completed" +
           (kind == "model" ? std::string(".\n\n")
                            : std::string("; a second one (`caviar_add_conformance_test`) runs "
                                          "the " +
                                          kind +
                                          " conformance kit on the plugin (`caviar check`), the "
                                          "checks every shipped " +
                                          kind + " passes.\n\n")) +
           "```sh\n"
           "cmake -S . -B build -DCMAKE_PREFIX_PATH=/path/to/caviar/prefix   # where caviar is "
           "installed\n"
           "cmake --build build\n"
           "ctest --test-dir build --output-on-failure\n"
           "CAVIAR_PLUGIN_PATH=$PWD/build caviar plugins          # lists \"" +
           name +
           "\"\n"
           "CAVIAR_PLUGIN_PATH=$PWD/build caviar run example.toml\n"
           "```\n\n"
           "Use it from any experiment file with\n\n```toml\n" +
           use +
           "\n```\n\n"
           "while `CAVIAR_PLUGIN_PATH` names the build folder, or for good after\n"
           "`cmake --install build --prefix /path/to/caviar/prefix`. The interfaces, their "
           "threads and\nthe error rules are in `include/caviar/*.hpp` under caviar's prefix.\n";
}

std::string replace_name(std::string text, const std::string& name) {
    for (std::size_t at; (at = text.find("@NAME@")) != std::string::npos;)
        text.replace(at, 6, name);
    return text;
}

bool valid_name(const std::string& name) {
    if (name.empty() || !std::islower(static_cast<unsigned char>(name[0]))) return false;
    for (char c : name)
        if (!(std::islower(static_cast<unsigned char>(c)) ||
              std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return true;
}

}  // namespace

int new_command(const args& a) {
    po::options_description d(
        "Usage: caviar new plugin KIND NAME [--dir DIR]\n\n"
        "Writes an out-of-tree plugin project to start from: a working minimal plugin of KIND\n"
        "(sampler: uniform random; strategy: a fixed number of steps per trial; model: gradient\n"
        "descent with momentum, reporting its loss at each step), its CMakeLists.txt, an example\n"
        "experiment that makes sense for the kind, a CTest test that runs it, a .gitignore and a\n"
        "README.\n"
        "NAME is lower case letters, digits and _. Build it against an installed caviar.\n\n"
        "Options");
    d.add_options()("help,h", "show this help")(
        "dir", po::value<std::string>(), "the project's folder (default: ./NAME); must be empty");
    po::options_description hidden;
    hidden.add_options()("what", po::value<std::string>())("kind", po::value<std::string>())(
        "name", po::value<std::string>());
    po::options_description all;
    all.add(d).add(hidden);
    po::positional_options_description pos;
    pos.add("what", 1).add("kind", 1).add("name", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(a).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
        std::cout << d;
        return ok;
    }
    if (!vm.count("what") || vm["what"].as<std::string>() != "plugin")
        throw po::error("expected `new plugin KIND NAME`");
    if (!vm.count("name")) throw po::error("missing the plugin's KIND and NAME");
    std::string kind = vm["kind"].as<std::string>(), name = vm["name"].as<std::string>();
    if (kind != "sampler" && kind != "strategy" && kind != "model")
        throw po::error("KIND must be sampler, strategy or model, got \"" + kind + "\"");
    if (!valid_name(name))
        throw po::error(
            "NAME must be lower case letters, digits and _, starting with a letter, "
            "got \"" +
            name + "\"");

    fs::path dir = vm.count("dir") ? fs::path(vm["dir"].as<std::string>()) : fs::path(name);
    if (fs::exists(dir) && !(fs::is_directory(dir) && fs::is_empty(dir)))
        throw std::runtime_error(dir.string() +
                                 " exists and is not an empty folder: nothing was written");

    const char* source = kind == "sampler"    ? sampler_source
                         : kind == "strategy" ? strategy_source
                                              : model_source;
    std::map<fs::path, std::string> files = {
        {name + "_" + kind + ".cpp", replace_name(source, name)},
        {"CMakeLists.txt", cmake_lists(kind, name)},
        {"example.toml", experiment(kind, name)},
        {".gitignore", "# What building and running the example write.\nbuild/\nruns/\n"},
        {"README.md", readme(kind, name)}};
    for (const auto& [file, text] : files) {
        fs::create_directories((dir / file).parent_path());
        std::ofstream out(dir / file);
        out << text;
        if (!out) throw std::runtime_error("cannot write " + (dir / file).string());
    }
    std::cout << "wrote a " << kind << " plugin project in " << dir.string() << "/:";
    for (const auto& [file, text] : files) std::cout << ' ' << file.string();
    std::cout << "\nbuild and test it against an installed caviar:\n"
              << "  cmake -S " << dir.string() << " -B " << (dir / "build").string()
              << " -DCMAKE_PREFIX_PATH=/path/to/caviar/prefix\n"
              << "  cmake --build " << (dir / "build").string() << " && ctest --test-dir "
              << (dir / "build").string() << " --output-on-failure\n";
    return ok;
}

}  // namespace caviar::cli
