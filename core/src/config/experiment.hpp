// The experiment file, parsed and validated (everything that does not need the plugins).
#pragma once

#include "config/diagnostic.hpp"

#include <caviar/options.hpp>
#include <caviar/plugin.hpp>
#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace caviar {

/// A [sampler], [strategy] or [model] table: which plugin, and its options still unchecked
/// (they are checked against the plugin's schema once it is loaded: resolve_options).
struct plugin_ref {
    std::string table;  // "sampler", "strategy" or "model"
    std::string name;   // plugin = "..." (empty when path is given)
    /// [sampler] warm_start = "STUDY": learn from that study's finished trials (same store).
    std::string warm_start;
    source_pos warm_start_where;
    std::filesystem::path path;  // path = "..." made absolute (empty when name is given)
    source_pos where;            // of the plugin/path key, else of the table, else of the file
    struct raw_option {
        option_value value;
        source_pos where;
    };
    std::map<std::string, raw_option, std::less<>> options;  // every other key of the table
};

struct experiment {
    std::filesystem::path file;  // absolute path of the experiment file
    std::string name;            // default: the file's stem
    std::uint64_t seed = 0;
    std::int64_t trials = 20;
    int threads = 0;  // 0 = all cores
    caviar::objective objective;
    std::filesystem::path store;  // absolute; default: runs/<name>.db beside the file
    double trial_timeout = 0;     // seconds a trial may run; 0 = no limit
    double time_budget = 0;       // seconds after which no new trial starts; 0 = no limit
    std::string serve;            // "ADDRESS:PORT" of the live page (empty: none), see --serve
    /// Where trials run: false = on caviar's worker threads, true = each worker thread hands
    /// its trials to a trial process of its own (isolation = "process", trial_process.hpp).
    bool process_isolation = false;
    /// What a finished trial survives once it counts (durability = "process" | "power"):
    /// false = the death of the process (kill -9: SQLite's WAL with synchronous = NORMAL, a
    /// power cut may roll back the last commits), true = a power cut too (synchronous = FULL:
    /// every commit is synced to the disk before the trial counts).
    bool power_durability = false;
    /// The --set overrides it was loaded with: a trial process loads the same experiment.
    std::vector<std::string> overrides;
    caviar::space space;
    plugin_ref sampler;   // default plugin "random"
    plugin_ref strategy;  // default plugin "batch"
    plugin_ref model;     // required
    /// [[enqueue]]: configurations to run first (as trials "enqueued"), checked against space.
    std::vector<params> enqueue;
    /// The effective configuration (after --set) as TOML text, kept in the store.
    std::string text;
    /// Position of every key by dotted path ("experiment.trials", "space.units",
    /// "model.epochs"); see at().
    std::map<std::string, source_pos, std::less<>> positions;

    /// Position of key, else of its nearest parent table, else the file itself.
    source_pos at(std::string_view key) const;
};

/// Why a study name cannot be one (empty when it can): it names a folder beside the store.
std::string study_name_problem(const std::string& name);

/// Why "ADDRESS:PORT" is not one (empty when it is), for serve = and --serve.
std::string serve_address_problem(const std::string& text);

/// Parses and validates file with --set overrides ("experiment.trials=10"; the value is read as
/// TOML, or as a string when it is not valid TOML). Unknown keys get a did-you-mean. Every
/// problem found is appended to errors; the returned experiment is only meaningful when none was.
experiment load_experiment(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides,
                           std::vector<diagnostic>& errors);

/// load_experiment() on text already read: file names it in messages and is the base of its
/// relative paths (store, plugin paths), but is not read. For text that is not in a file yet
/// (the fuzz target in fuzz/ feeds it its inputs).
experiment load_experiment_text(std::string_view text, const std::filesystem::path& file,
                                const std::vector<std::string>& overrides,
                                std::vector<diagnostic>& errors);

/// Checks ref's options against the plugin's schema: unknown keys (with did-you-mean), types
/// (an int is accepted for a float), allowed values, bounds, required options; fills defaults;
/// makes path options absolute relative to base_dir. Problems are appended to errors.
options resolve_options(const plugin_info& info, const plugin_ref& ref,
                        const std::filesystem::path& base_dir, std::vector<diagnostic>& errors);

}  // namespace caviar
