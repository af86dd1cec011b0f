#include "config/experiment.hpp"

#include "config/nesting.hpp"

#include "config/duration.hpp"
#include "config/overrides.hpp"
#include "config/params_reader.hpp"
#include "config/plugin_ref_reader.hpp"
#include "config/space_reader.hpp"
#include "config/toml_reader.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace caviar {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> top_tables = {"experiment", "space", "sampler",
                                             "strategy",   "model", "enqueue"};
const std::vector<std::string> experiment_keys = {
    "name",          "seed",        "trials", "threads",   "objective", "store",
    "trial_timeout", "time_budget", "serve",  "isolation", "durability"};
const std::vector<std::string> durabilities = {"process", "power"};
const std::vector<std::string> objective_keys = {"metric", "direction"};
constexpr std::int64_t max_threads = 1024;
constexpr double max_duration = 366.0 * 24 * 3600;
const std::vector<std::string> directions = {"minimize", "maximize"};
constexpr const char* objective_example =
    "objective = { metric = \"val_loss\", direction = \"minimize\" }";

// A key of a table with its position; null node when absent.
struct found {
    const toml::node* node = nullptr;
    source_pos where;
};

found find(const toml::table* t, std::string_view key, const source_pos& fallback,
           const toml_reader& r) {
    if (t)
        for (const auto& [k, n] : *t)
            if (k.str() == key) return {&n, r.pos(k, n, fallback)};
    return {nullptr, fallback};
}

// Every key's position by dotted path, for messages that come later (plugin options, metrics).
void record_positions(const toml::table& t, const std::string& prefix, const source_pos& parent,
                      const toml_reader& r, std::map<std::string, source_pos, std::less<>>& out) {
    for (const auto& [k, n] : t) {
        std::string path = (prefix.empty() ? "" : prefix + ".") + std::string(k.str());
        source_pos p = r.pos(k, n, parent);
        out[path] = p;
        if (const auto* sub = n.as_table()) record_positions(*sub, path, p, r, out);
    }
}

class experiment_reader {
public:
    experiment_reader(const toml::table* t, source_pos where, toml_reader& r)
        : t_(t), where_(std::move(where)), r_(r) {}

    void read(experiment& ex) {
        if (t_) r_.check_keys(*t_, experiment_keys, "[experiment] ", where_);
        if (auto n = find(t_, "name", where_, r_); n.node) {
            const auto* s = n.node->as_string();
            std::string why = s ? study_name_problem(s->get()) : "must be a non-empty string";
            if (why.empty())
                ex.name = s->get();
            else
                error(*n.node, n.where, "name " + why + ", got " + describe(*n.node));
        }
        if (auto v = integer("seed", 0, std::numeric_limits<std::int64_t>::max()))
            ex.seed = static_cast<std::uint64_t>(*v);
        if (auto v = integer("trials", 1, std::numeric_limits<std::int64_t>::max())) ex.trials = *v;
        // Far beyond any machine: OpenMP fails to make (or crashes making) tens of thousands.
        if (auto v = integer("threads", 0, max_threads)) ex.threads = static_cast<int>(*v);
        read_objective(ex.objective);
        if (auto n = find(t_, "store", where_, r_); n.node) {
            if (const auto* s = n.node->as_string(); s && !s->get().empty())
                ex.store = s->get();
            else
                error(*n.node, n.where,
                      "store must be a non-empty string (a file path), got " + describe(*n.node));
        }
        if (auto v = duration("trial_timeout")) ex.trial_timeout = *v;
        if (auto v = duration("time_budget")) ex.time_budget = *v;
        // Where trials run: on caviar's worker threads, or each in a trial process.
        if (auto n = find(t_, "isolation", where_, r_); n.node) {
            const auto* s = n.node->as_string();
            if (s && (s->get() == "thread" || s->get() == "process"))
                ex.process_isolation = s->get() == "process";
            else
                error(*n.node, n.where,
                      "isolation must be \"thread\" (trials on caviar's worker threads) or "
                      "\"process\" (each worker's trials in a process of its own), got " +
                          describe(*n.node));
        }
        // What a finished trial survives: the death of caviar, or a power cut too.
        if (auto n = find(t_, "durability", where_, r_); n.node) {
            const auto* s = n.node->as_string();
            if (s && (s->get() == "process" || s->get() == "power"))
                ex.power_durability = s->get() == "power";
            else
                error(*n.node, n.where,
                      "durability must be \"process\" (finished trials survive kill -9 of caviar) "
                      "or \"power\" (they survive a power cut too: each one synced to disk), got " +
                          describe(*n.node) + (s ? did_you_mean(s->get(), durabilities) : ""));
        }
        if (auto n = find(t_, "serve", where_, r_); n.node) {
            const auto* s = n.node->as_string();
            std::string why = s ? serve_address_problem(s->get()) : "";
            if (s && why.empty())
                ex.serve = s->get();
            else
                error(*n.node, n.where,
                      "serve must be \"ADDRESS:PORT\" (e.g. \"127.0.0.1:8787\", port 0 = any "
                      "free one), got " +
                          describe(*n.node) + (why.empty() ? "" : ": " + why));
        }
    }

private:
    void error(const toml::node& n, const source_pos& key_pos, const std::string& message) {
        r_.error(r_.pos(n, key_pos), "[experiment] " + message);
    }

    std::optional<std::int64_t> integer(const char* key, std::int64_t min, std::int64_t max) {
        auto n = find(t_, key, where_, r_);
        if (!n.node) return std::nullopt;
        if (const auto* i = n.node->as_integer(); i && i->get() >= min && i->get() <= max)
            return i->get();
        std::string rule = "an integer >= " + std::to_string(min);
        if (max < std::numeric_limits<std::int64_t>::max())
            rule += " and <= " + std::to_string(max);
        error(*n.node, n.where,
              std::string(key) + " must be " + rule + ", got " + describe(*n.node));
        return std::nullopt;
    }

    // A duration: "90s", "10m", "1h30m", or a number of seconds; must be > 0.
    std::optional<double> duration(const char* key) {
        auto n = find(t_, key, where_, r_);
        if (!n.node) return std::nullopt;
        std::optional<double> seconds;
        if (const auto* s = n.node->as_string())
            seconds = parse_duration(s->get());
        else if (const auto* i = n.node->as_integer())
            seconds = static_cast<double>(i->get());
        else if (const auto* d = n.node->as_floating_point())
            seconds = d->get();
        // At most a year: beyond that a clock's arithmetic overflows and every trial would time
        // out at once.
        if (seconds && *seconds > 0 && *seconds <= max_duration) return seconds;
        error(*n.node, n.where,
              std::string(key) +
                  " must be a duration > 0 and at most 366 days, such as \"90s\", \"10m\", "
                  "\"1h30m\" or a number of seconds, got " +
                  describe(*n.node));
        return std::nullopt;
    }

    void read_objective(objective& o) {
        auto n = find(t_, "objective", where_, r_);
        if (!n.node) {
            r_.error(where_,
                     std::string("[experiment] objective is required, e.g. ") + objective_example);
            return;
        }
        const auto* t = n.node->as_table();
        if (!t) {
            error(*n.node, n.where,
                  "objective must be a table such as { metric = \"val_loss\", direction = "
                  "\"minimize\" }, got " +
                      describe(*n.node));
            return;
        }
        r_.check_keys(*t, objective_keys, "[experiment] objective: ", n.where);
        auto metric = find(t, "metric", n.where, r_);
        if (!metric.node)
            r_.error(n.where, "[experiment] objective needs metric = \"NAME\", e.g. " +
                                  std::string(objective_example));
        else if (const auto* s = metric.node->as_string(); s && !s->get().empty())
            o.metric = s->get();
        else
            error(*metric.node, metric.where,
                  "objective metric must be a non-empty string, got " + describe(*metric.node));
        auto dir = find(t, "direction", n.where, r_);
        if (!dir.node) return;
        const auto* s = dir.node->as_string();
        try {
            if (s) {
                o.direction = direction_from_string(s->get());
                return;
            }
        } catch (const std::invalid_argument&) {
            // A string but not a direction: reported below, at the value, with a suggestion.
        }
        error(*dir.node, dir.where,
              "objective direction must be " + quoted_list(directions) + ", got " +
                  describe(*dir.node) + (s ? did_you_mean(s->get(), directions) : ""));
    }

    const toml::table* t_;
    source_pos where_;
    toml_reader& r_;
};

void check_top_level(const toml::table& root, toml_reader& r) {
    for (const auto& [k, n] : root) {
        const std::string name(k.str());
        if (std::find(top_tables.begin(), top_tables.end(), name) != top_tables.end()) continue;
        source_pos p = r.pos(k, n, r.file_pos());
        // `objective`, `trials`, ... at the top (often from --set objective.metric=...) are
        // keys of [experiment].
        bool of_experiment = std::find(experiment_keys.begin(), experiment_keys.end(), name) !=
                             experiment_keys.end();
        std::string hint = "; \"" + name + "\" is a key of [experiment] (with --set: experiment." +
                           name + (n.is_table() ? ".KEY=VALUE" : "=VALUE") + ")";
        if (n.is_table()) {
            std::string near = nearest(name, top_tables);
            r.error(p, "unknown table [" + name + "]" +
                           (of_experiment  ? hint
                            : near.empty() ? ""
                                           : " (did you mean [" + near + "]?)"));
        } else if (of_experiment) {
            r.error(p, "unknown top-level key \"" + name + "\"" + hint);
        } else {
            r.error(p, "unknown top-level key \"" + name + "\"" + did_you_mean(name, top_tables) +
                           "; settings belong in [experiment], [space], [sampler], [strategy] "
                           "or [model]");
        }
    }
}

std::optional<std::string> read_text(const fs::path& file, std::string& problem) {
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        problem = "experiment file not found";
        return std::nullopt;
    }
    if (fs::is_directory(file, ec)) {
        problem = "is a directory, not an experiment file";
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (!(in && text << in.rdbuf())) {
        problem = "cannot read the experiment file";
        return std::nullopt;
    }
    return text.str();
}

// File order for the user: the file's own positions first, then the file-wide ones, then --set.
void sort_in_file_order(std::vector<diagnostic>::iterator first,
                        std::vector<diagnostic>::iterator last, const std::string& file) {
    auto rank = [&](const diagnostic& d) {
        int group = d.where.file != file ? 2 : d.where.line == 0 ? 1 : 0;
        return std::tuple{group, d.where.line, d.where.column};
    };
    std::stable_sort(first, last,
                     [&](const diagnostic& a, const diagnostic& b) { return rank(a) < rank(b); });
}

// What is known of an experiment before its file is read: where it is and its default name.
experiment unread(const fs::path& file) {
    experiment ex;
    ex.file = fs::absolute(file).lexically_normal();
    ex.name = file.stem().string();
    ex.positions[""] = {file.string(), 0, 0};
    return ex;
}

}  // namespace

std::string study_name_problem(const std::string& name) {
    // The name is a folder beside the store (STORE-files/NAME): it must stay one folder there.
    if (name.empty()) return "must be a non-empty string";
    if (name.size() > 128) return "must be at most 128 characters";
    if (name == "." || name == "..") return "cannot be \".\" or \"..\"";
    if (name.front() == '.') return "cannot start with '.'";
    for (unsigned char c : name) {
        if (c == '/' || c == '\\') return "cannot have '/' or '\\' (it names a folder)";
        if (c < 0x20 || c == 0x7f) return "cannot have control characters";
    }
    return {};
}

std::string serve_address_problem(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return "no \":PORT\"";
    const std::string port = text.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stol(port) > 65535)
        return "the port must be a number from 0 to 65535";
    return {};
}

source_pos experiment::at(std::string_view key) const {
    for (std::string_view k = key; !k.empty();) {
        if (auto it = positions.find(k); it != positions.end()) return it->second;
        auto dot = k.rfind('.');
        k = dot == std::string_view::npos ? std::string_view{} : k.substr(0, dot);
    }
    // The file as the user typed it is kept under the empty key.
    if (auto it = positions.find(std::string_view{}); it != positions.end()) return it->second;
    return {file.string(), 0, 0};
}

experiment load_experiment(const fs::path& file, const std::vector<std::string>& overrides,
                           std::vector<diagnostic>& errors) {
    std::string problem;
    auto text = read_text(file, problem);
    if (!text) {
        errors.push_back({{file.string(), 0, 0}, problem});
        return unread(file);
    }
    return load_experiment_text(*text, file, overrides, errors);
}

experiment load_experiment_text(std::string_view text, const fs::path& file,
                                const std::vector<std::string>& overrides,
                                std::vector<diagnostic>& errors) {
    const std::size_t first_error = errors.size();
    const std::string shown = file.string();  // messages name the file as the user typed it
    experiment ex = unread(file);
    ex.overrides = overrides;
    const fs::path base_dir = ex.file.parent_path();
    toml_reader r(shown, errors);

    if (auto deep = too_deep(text)) {
        r.error({shown, deep->line, deep->column}, deep->message);
        return ex;
    }
    toml::table root;
    try {
        root = toml::parse(text, std::string(shown));
    } catch (const toml::parse_error& e) {
        r.error(r.pos(e.source()).value_or(r.file_pos()), std::string(e.description()));
        return ex;
    }
    apply_overrides(root, overrides, errors);
    // Basic strings only, every special character escaped: TOML++ 3.3.0 writes some strings as
    // literal strings that do not read back the same, or at all ("\n'''" as '''<newline>'''''',
    // "\n" as '''<newline>''', which reads back as ""), and reports and the next run parse this.
    constexpr auto text_flags = toml::toml_formatter::default_flags &
                                ~toml::format_flags::allow_literal_strings &
                                ~toml::format_flags::allow_multi_line_strings;
    std::ostringstream effective;
    effective << toml::toml_formatter(root, text_flags);
    ex.text = effective.str();
    record_positions(root, "", r.file_pos(), r, ex.positions);

    check_top_level(root, r);
    auto table = [&](const char* name) { return find(&root, name, r.file_pos(), r); };

    auto exp = table("experiment");
    if (exp.node && !exp.node->is_table())
        r.error(exp.where, "[experiment] must be a table, got " + describe(*exp.node));
    experiment_reader(exp.node ? exp.node->as_table() : nullptr, exp.where, r).read(ex);
    if (ex.store.empty()) ex.store = fs::path("runs") / (ex.name + ".db");
    if (ex.store != ":memory:") ex.store = (base_dir / ex.store).lexically_normal();

    auto space = table("space");
    ex.space = read_space(space.node, space.where, r);
    if (auto q = table("enqueue"); q.node) {
        // Known configurations are only checked against a sound space.
        if (std::none_of(errors.begin() + static_cast<std::ptrdiff_t>(first_error), errors.end(),
                         [](const diagnostic& d) { return d.message.rfind("[space", 0) == 0; }))
            ex.enqueue = read_enqueue(q.node, q.where, ex.space, r);
    }

    auto sampler = table("sampler");
    ex.sampler = read_plugin_ref("sampler", sampler.node, sampler.where, "random", base_dir, r);
    auto strategy = table("strategy");
    ex.strategy = read_plugin_ref("strategy", strategy.node, strategy.where, "batch", base_dir, r);
    auto model = table("model");
    ex.model = read_plugin_ref("model", model.node, model.where, "", base_dir, r);

    sort_in_file_order(errors.begin() + static_cast<std::ptrdiff_t>(first_error), errors.end(),
                       shown);
    return ex;
}

}  // namespace caviar
