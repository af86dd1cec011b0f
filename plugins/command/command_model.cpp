// The command model: each trial runs an external program with the trial's params (in its
// arguments, its environment and a params.json file) and reads its learning curve from the
// lines it prints. Any program in any language can be tuned this way.
#include "command_run.hpp"
#include "placeholders.hpp"
#include "shell_words.hpp"

#include <caviar/caviar.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

extern char** environ;

namespace caviar::command {
namespace {

namespace fs = std::filesystem;

// Placeholders every trial has besides its params.
const std::vector<std::string> builtin_names = {"trial", "seed", "workdir", "params_json"};

// One metric name, checked; `names` holds those before it.
std::string checked_metric_name(const std::string& n, const std::vector<std::string>& names) {
    bool ok = !n.empty() && (std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_');
    for (char c : n)
        ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
                    c == '-' || c == '/');
    if (!ok)
        throw option_error("metrics", "metric name \"" + n +
                                          "\" must start with a letter and hold only letters, "
                                          "digits and _ . - /");
    if (n == "step")
        throw option_error("metrics", "\"step\" numbers the reports and cannot be a metric name");
    if (std::find(names.begin(), names.end(), n) != names.end())
        throw option_error("metrics", "metric \"" + n + "\" is listed twice in metrics");
    return n;
}

// metrics = "val_loss, val_accuracy" (names separated by commas) or ["val_loss", "val_accuracy"].
std::vector<std::string> read_metric_names(const options& o) {
    std::vector<std::string> names;
    if (o.is_list("metrics")) {
        for (const auto& n : o.get_string_list("metrics"))
            names.push_back(checked_metric_name(n, names));
        if (names.empty()) throw option_error("metrics", "metrics lists no metric");
        return names;
    }
    const std::string& text = o.get_string("metrics");
    std::string name;
    auto flush = [&] {
        auto first = name.find_first_not_of(" \t"), last = name.find_last_not_of(" \t");
        std::string n = first == std::string::npos ? "" : name.substr(first, last - first + 1);
        if (n.empty())
            throw option_error(
                "metrics",
                "metrics must be metric names separated by commas, got \"" + text + "\"");
        names.push_back(checked_metric_name(n, names));
        name.clear();
    };
    for (char c : text) {
        if (c == ',')
            flush();
        else
            name += c;
    }
    flush();
    return names;
}

// args = "python3 train.py --lr={lr}" (split like a shell would) or an array, each element one
// argument as it is (no splitting, no quotes to honour).
std::vector<std::string> read_args(const options& o) {
    std::vector<std::string> words;
    try {
        words = o.is_list("args") ? o.get_string_list("args") : split_words(o.get_string("args"));
    } catch (const option_error&) {
        throw;
    } catch (const std::invalid_argument& e) {
        throw option_error("args", std::string("args: ") + e.what());  // an unterminated quote
    }
    if (words.empty() || words[0].empty()) throw option_error("args", "args names no program");
    return words;
}

// Small enough to keep a head and a tail worth reading; 0 keeps everything.
constexpr std::int64_t min_log_limit = 4096;

// CAVIAR_PARAM_<NAME>: the name upper-cased, anything but letters and digits as '_'.
std::string env_name(const std::string& param) {
    std::string out = "CAVIAR_PARAM_";
    for (char c : param)
        out += std::isalnum(static_cast<unsigned char>(c))
                   ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                   : '_';
    return out;
}

nlohmann::json params_json(const params& p) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [name, v] : p) std::visit([&, &n = name](const auto& x) { j[n] = x; }, v);
    return j;
}

// The file exec will run: a name with a slash is a path (relative to the program's folder),
// anything else is looked up in PATH, as a shell would.
fs::path find_program(const std::string& name, const fs::path& cwd) {
    auto runnable = [](const fs::path& p) {
        std::error_code ec;
        return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
    };
    if (name.find('/') != std::string::npos) {
        fs::path p = fs::path(name).is_absolute() ? fs::path(name) : cwd / name;
        if (!runnable(p))
            throw std::invalid_argument("program \"" + name + "\" is not an executable file (" +
                                        p.string() + ")");
        return p;
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t begin = 0;
    for (;;) {
        auto end = dirs.find(':', begin);
        std::string dir = dirs.substr(begin, end == std::string::npos ? end : end - begin);
        fs::path p = (dir.empty() ? cwd : fs::path(dir)) / name;
        if (runnable(p)) return p;
        if (end == std::string::npos) break;
        begin = end + 1;
    }
    throw std::invalid_argument("program \"" + name + "\" not found in PATH (" + dirs + ")");
}

class command_model final : public model {
public:
    static plugin_info info() {
        return {.name = "command",
                .version = "1.0.0",
                .summary =
                    "Runs an external program per trial and reads the metrics it prints "
                    "(JSON lines or name=value)",
                .options = {
                    {.name = "args",
                     .type = option_type::string_list,
                     .help = "the program and its arguments: an array, one argument each, or a "
                             "string split like a shell would (quotes honoured; no shell runs "
                             "either way); {param} is replaced inside each argument, as are "
                             "{trial}, {seed}, {workdir} and {params_json}"},
                    {.name = "metrics",
                     .type = option_type::string_list,
                     .help = "the metrics the program reports: an array of names, or one string "
                             "with names separated by commas (e.g. \"val_loss, val_accuracy\")"},
                    {.name = "max_steps",
                     .type = option_type::integer,
                     .default_value = std::int64_t{0},
                     .help = "the reports (epochs) of a full run, for strategies that schedule "
                             "steps; a run is stopped after this many; 0 = until the program "
                             "exits",
                     .min = 0.0},
                    {.name = "cwd",
                     .type = option_type::path,
                     .default_value = std::string("."),
                     .help = "the folder the program runs in (default: the experiment file's)"},
                    {.name = "env",
                     .type = option_type::boolean,
                     .default_value = true,
                     .help = "set CAVIAR_PARAM_<NAME> for each param, CAVIAR_TRIAL, CAVIAR_SEED, "
                             "CAVIAR_WORKDIR"},
                    {.name = "params_file",
                     .type = option_type::boolean,
                     .default_value = true,
                     .help = "write the params to params.json in the trial's folder, its path in "
                             "CAVIAR_PARAMS_FILE"},
                    {.name = "grace",
                     .type = option_type::real,
                     .default_value = 5.0,
                     .help = "seconds a program is given: to exit after its last expected "
                             "report, and between SIGTERM and SIGKILL when it is stopped",
                     .min = 0.0},
                    {.name = "stderr_tail",
                     .type = option_type::integer,
                     .default_value = std::int64_t{20},
                     .help = "lines of the program's stderr quoted when its trial fails",
                     .min = 0.0},
                    {.name = "log_limit",
                     .type = option_type::integer,
                     .default_value = std::int64_t{10} << 20,
                     .help = "bytes kept of the program's stdout (stdout.log) and of its stderr "
                             "(stderr.log): the head and the tail, with a line saying how much "
                             "was left out between them "
                             "(0 = keep all; else at least 4096)",
                     .min = 0.0},
                }};
    }

    explicit command_model(const options& o)
        : words_(read_args(o)),
          metric_names_(read_metric_names(o)),
          max_steps_(o.get_int("max_steps")),
          cwd_(o.get_string("cwd")),
          env_(o.get_bool("env")),
          params_file_(o.get_bool("params_file")),
          grace_(o.get_real("grace")),
          stderr_tail_(static_cast<std::size_t>(o.get_int("stderr_tail"))),
          log_limit_(o.get_int("log_limit")) {
        if (!std::isfinite(grace_) || grace_ < 0)
            throw option_error("grace", "grace must be a number of seconds >= 0");
        if (log_limit_ != 0 && log_limit_ < min_log_limit)
            throw option_error("log_limit", "log_limit must be 0 (keep all) or at least " +
                                                std::to_string(min_log_limit) + " bytes, got " +
                                                std::to_string(log_limit_));
        std::error_code ec;
        if (!fs::is_directory(cwd_, ec))
            throw std::invalid_argument("cwd \"" + cwd_.string() + "\" is not a folder");
        // A program named without placeholders is looked up now: a typo is a configuration
        // error before any trial, not one failed trial after another.
        if (placeholder_names(words_[0]).empty()) program_ = find_program(words_[0], cwd_);
    }

    void prepare(const space& s) override {
        dimensions_.clear();
        for (const auto& d : s) dimensions_.push_back(d.name());
        // Two params must not share a variable: one value would be lost.
        if (env_) {
            std::map<std::string, std::string> by_variable;
            for (const auto& name : dimensions_) {
                auto [it, fresh] = by_variable.emplace(env_name(name), name);
                if (!fresh)
                    throw dimension_error(name, "its environment variable " + it->first +
                                                    " is also " + it->second +
                                                    "'s: rename one of them (or set env = false)");
            }
        }
        std::set<std::string> known(dimensions_.begin(), dimensions_.end());
        known.insert(builtin_names.begin(), builtin_names.end());
        for (const auto& w : words_)
            for (const auto& n : placeholder_names(w))
                if (!known.count(n)) {
                    std::string available;
                    for (const auto& k : known) available += (available.empty() ? "" : ", ") + k;
                    // A typo in args, not a problem of the space: it points at `args =`.
                    throw option_error("args", "args: unknown placeholder {" + n +
                                                   "}: the space has no dimension \"" + n +
                                                   "\" (placeholders: " + available + ")");
                }
    }

    std::unique_ptr<run> start(const params& p, std::uint64_t seed,
                               const run_context& ctx) const override {
        // Reads only members fixed before trials run: many threads may start runs at once.
        if (ctx.workdir.empty()) throw std::logic_error("command: the host gave no trial folder");
        fs::create_directories(ctx.workdir);
        fs::path workdir = fs::absolute(ctx.workdir);

        std::string json = params_json(p).dump();
        substitutions subs;
        for (const auto& d : dimensions_) subs[d] = "";  // an inactive conditional dimension
        subs["trial"] = std::to_string(ctx.trial);
        subs["seed"] = std::to_string(seed);
        subs["workdir"] = workdir.string();
        subs["params_json"] = json;
        for (const auto& [name, v] : p) subs[name] = to_string(v);  // a param named seed wins

        launch_spec spec;
        for (const auto& w : words_) spec.argv.push_back(expand(w, subs));
        spec.program = program_.empty() ? find_program(spec.argv[0], cwd_) : program_;
        spec.cwd = cwd_;
        spec.grace = std::chrono::duration<double>(grace_);

        std::vector<std::pair<std::string, std::string>> extra;
        if (env_) {
            for (const auto& [name, v] : p) extra.emplace_back(env_name(name), to_string(v));
            extra.emplace_back("CAVIAR_TRIAL", std::to_string(ctx.trial));
            extra.emplace_back("CAVIAR_SEED", std::to_string(seed));
            extra.emplace_back("CAVIAR_STUDY", ctx.study);
            extra.emplace_back("CAVIAR_WORKDIR", workdir.string());
        }
        if (params_file_) {
            fs::path file = workdir / "params.json";
            std::ofstream(file) << params_json(p).dump(2) << '\n';
            extra.emplace_back("CAVIAR_PARAMS_FILE", file.string());
        }
        // The host's environment, less the variables we set.
        for (char** e = environ; *e; ++e) {
            std::string_view var(*e);
            auto name = var.substr(0, var.find('='));
            if (std::none_of(extra.begin(), extra.end(),
                             [&](const auto& x) { return x.first == name; }))
                spec.env.emplace_back(var);
        }
        for (const auto& [k, v] : extra) spec.env.push_back(k + "=" + v);

        return std::make_unique<command_run>(
            spec, run_settings{.metric_names = metric_names_,
                               .max_steps = max_steps_,
                               .grace = std::chrono::duration<double>(grace_),
                               .stderr_tail = stderr_tail_,
                               .log_limit = static_cast<std::uint64_t>(log_limit_),
                               .workdir = workdir});
    }

    std::int64_t max_steps() const override { return max_steps_; }
    std::vector<std::string> metric_names() const override { return metric_names_; }

private:
    std::vector<std::string> words_;
    std::vector<std::string> metric_names_;
    std::int64_t max_steps_;
    fs::path cwd_;
    bool env_;
    bool params_file_;
    double grace_;
    std::size_t stderr_tail_;
    std::int64_t log_limit_;
    fs::path program_;                     // found in the constructor, or per trial
    std::vector<std::string> dimensions_;  // set by prepare()
};

}  // namespace
}  // namespace caviar::command

CAVIAR_PLUGIN(caviar::command::command_model)
