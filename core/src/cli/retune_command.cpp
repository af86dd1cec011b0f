// caviar retune FILE --from OLD: re-evaluate an old study's best configurations in today's
// environment (the experiment file as it is now, after --set), report the drift, and search
// again warm-started from the old study. The old study is only read.
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/experiment_loading.hpp"
#include "cli/signals.hpp"
#include "cli/study_access.hpp"
#include "config/experiment.hpp"
#include "config/overrides.hpp"
#include "report/counted.hpp"
#include "report/drift.hpp"
#include "run/config_change.hpp"
#include "run/environment.hpp"
#include "run/retune_plan.hpp"
#include "run/study_lock.hpp"
#include "run/study_runner.hpp"

#include <caviar/seed.hpp>

#include <boost/program_options.hpp>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace caviar::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// --from STUDY (in the experiment's store) or STORE:STUDY: the first colon whose left part is a
// file, else, when the left part looks like a path (a / or .db), that store (missing: an error
// saying so); else a study name, colons and all.
std::pair<fs::path, std::string> parse_from(const std::string& from, const fs::path& store) {
    std::error_code ec;
    for (auto colon = from.find(':'); colon != std::string::npos;
         colon = from.find(':', colon + 1)) {
        fs::path file = from.substr(0, colon);
        if (colon > 0 && fs::is_regular_file(file, ec))
            return {fs::absolute(file), from.substr(colon + 1)};
    }
    if (auto colon = from.find(':'); colon != std::string::npos && colon > 0) {
        std::string left = from.substr(0, colon);
        if (left.find('/') != std::string::npos || left.ends_with(".db"))
            return {fs::absolute(left), from.substr(colon + 1)};
    }
    return {store, from};
}

std::string names_of(store& db) {
    std::string names;
    for (const auto& s : db.studies()) names += (names.empty() ? "" : ", ") + s.name;
    return names;
}

// OLD-retune-N with the first N no study of the store has.
std::string free_name(const fs::path& store_file, const std::string& old) {
    std::unique_ptr<caviar::store> db;
    std::error_code ec;
    if (fs::exists(store_file, ec)) db = open_store(store_file.string());
    for (int n = 1;; ++n) {
        std::string name = old + "-retune-" + std::to_string(n);
        if (!db || !db->find_study(name)) return name;
    }
}

// What the retune chose and why: said on stderr also with --quiet (which only drops progress).
void say(const std::string& text) {
    std::fprintf(stderr, "%s\n", text.c_str());
}

}  // namespace

int retune_command(const args& a) {
    po::options_description d(
        "Usage: caviar retune FILE --from STUDY [OPTIONS]\n\n"
        "Tunes again when the environment changed (new data, new code): runs the best\n"
        "configurations of the old study STUDY again in today's environment (FILE as it is now,\n"
        "after --set), each several times with different seeds, as trials of a new study linked\n"
        "to the old one; reports the drift (old value, today's mean with a 95% interval, old rank\n"
        "-> new rank, Kendall's tau, whether the old best is still the best, what changed); then\n"
        "searches again, warm-started from the old study. The old study is not changed.\n\n"
        "Exit codes: 0 the old best is still within --tolerance of today's best; 3 it drifted\n"
        "(another configuration, or the new search, beats it today by more); 1 a study failed\n"
        "or the retune stopped before its end; 2 usage or configuration error (nothing is\n"
        "written).\n\nOptions");
    d.add_options()("from", po::value<std::string>(),
                    "the old study: its name in FILE's store, or STORE:STUDY in another store "
                    "file (required)")("top", po::value<long long>()->default_value(5),
                                       "how many of its best configurations to run again")(
        "repeats", po::value<long long>()->default_value(3),
        "how many times each runs, with different seeds (2 or more give intervals)")(
        "trials", po::value<long long>()->default_value(20),
        "trials of the new search after the re-evaluation (0: none)")(
        "name", po::value<std::string>(),
        "the new study's name (default OLD-retune-N); naming an unfinished retune of the same "
        "study resumes it")("tolerance", po::value<std::string>(),
                            "how far today's best may be from the old best before it counts as "
                            "drift: a number (objective units) or a percentage (5%); default "
                            "the old best's 95% interval today")("threads", po::value<int>(),
                                                                 "worker threads (0 = all cores)")(
        "json", "print the drift report as one JSON object on stdout")("quiet,q",
                                                                       "no live progress");
    add_override_options(d);
    po::variables_map vm;
    if (!parse_command_line(
            a, d, "file", "experiment FILE", vm,
            "\nExample: caviar retune exp.toml --from digits-jan --set model.data=data/jun.csv "
            "--top 5 --repeats 3 --trials 40\n"))
        return ok;
    if (!vm.count("from")) throw po::error("--from STUDY is required: the study to re-tune");
    const auto top = vm["top"].as<long long>(), repeats = vm["repeats"].as<long long>(),
               search = vm["trials"].as<long long>();
    if (top < 1) throw po::error("--top must be at least 1, got " + std::to_string(top));
    if (repeats < 1 || repeats > 1000)
        throw po::error("--repeats must be 1 to 1000, got " + std::to_string(repeats));
    if (search < 0) throw po::error("--trials must be 0 or more, got " + std::to_string(search));
    drift::tolerance tol;
    if (vm.count("tolerance")) {
        try {
            tol = drift::tolerance::parse(vm["tolerance"].as<std::string>());
        } catch (const std::invalid_argument& e) {
            throw po::error(e.what());
        }
    }
    const bool json_out = vm.count("json") > 0, quiet = vm.count("quiet") > 0;
    const std::string file = vm["file"].as<std::string>();
    std::vector<std::string> overrides;
    if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
    if (vm.count("threads"))
        overrides.push_back("experiment.threads=" + std::to_string(vm["threads"].as<int>()));
    for (const auto& o : overrides)
        if (o.rfind("experiment.name=", 0) == 0 || o.rfind("experiment.seed=", 0) == 0)
            throw po::error("--set " + o.substr(0, o.find('=')) +
                            ": a retune names and seeds its own study (give --name NEW)");

    // The experiment as it is today, for its store (the plugins are loaded below).
    std::vector<diagnostic> errors;
    experiment today = load_experiment(file, overrides, errors);
    if (!errors.empty()) {
        for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.format().c_str());
        return usage;
    }
    if (store::is_memory(today.store))
        throw po::error(
            "caviar retune keeps the new study beside the old one: it needs a store "
            "file, not :memory:");

    // The old study, read only.
    auto [old_store, old_name] = parse_from(vm["from"].as<std::string>(), today.store);
    std::error_code ec;
    if (!fs::exists(old_store, ec))
        throw po::error("--from " + vm["from"].as<std::string>() + ": no store at " +
                        old_store.string());
    auto old_db = open_store(old_store.string());
    auto old = old_db->find_study(old_name);
    if (!old) {
        auto names = names_of(*old_db);
        throw po::error("--from: no study \"" + old_name + "\" in " + old_store.string() +
                        (names.empty() ? " (it holds none)" : " (it has: " + names + ")"));
    }
    if (old->objective.metric != today.objective.metric ||
        old->objective.direction != today.objective.direction)
        throw po::error("study \"" + old->name + "\" was tuned for " + old->objective.metric +
                        " (" + to_string(old->objective.direction) + "), the file now says " +
                        today.objective.metric + " (" + to_string(today.objective.direction) +
                        "): a retune compares the same objective");
    std::vector<trial> old_trials = old_db->load_trials(old->id);
    auto old_envs = old_db->load_environments(old->id);
    old_db.reset();

    // The new study: a name of its own, unless it names a retune of this study to go on with.
    const bool same_store = fs::weakly_canonical(old_store) == fs::weakly_canonical(today.store);
    std::string name =
        vm.count("name") ? vm["name"].as<std::string>() : free_name(today.store, old->name);
    std::optional<study_record> existing;
    std::vector<trial> existing_trials;
    if (fs::exists(today.store, ec)) {
        auto db = open_store(today.store.string());
        existing = db->find_study(name);
        if (existing) {
            if (existing->link != "retune" || existing->parent != old->name)
                throw po::error("a study named \"" + name + "\" exists already in " +
                                today.store.string() + " and is not a retune of \"" + old->name +
                                "\": give another --name");
            existing_trials = db->load_trials(existing->id);
        }
    }

    // Today's setup, with the plugins, named as the new study; its budget is set per phase. The
    // re-evaluations run to their full length under `batch` (a pruning strategy would cut them
    // short and spoil the comparison); the search uses the file's strategy, a change recorded
    // with the study.
    const bool other_strategy = today.strategy.name != "batch";
    // A seed of its own, from the old study's and the name: the new search must not propose the
    // old study's trials again number by number (random, sobol, lhs follow the trial number).
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : name) hash = (hash ^ c) * 0x100000001b3ULL;
    const auto seed = static_cast<std::int64_t>(derive_seed(old->seed, hash) >> 1);
    auto with = [&](std::int64_t trials, bool reevaluating) {
        auto o = overrides;
        o.push_back("experiment.name=" + toml_quoted(name));
        o.push_back("experiment.seed=" + std::to_string(seed));
        o.push_back("experiment.trials=" + std::to_string(trials));
        if (reevaluating && other_strategy) o.push_back("strategy={ plugin = \"batch\" }");
        return o;
    };
    if (existing && existing->space_hash != today.space.hash())
        throw po::error("study \"" + name +
                        "\" was started with another [space]; give another "
                        "--name for a new retune");

    // Which configurations run again.
    retune::choice picked;
    std::int64_t phase_one = 0;
    if (existing) {
        phase_one = retune::reevaluations(existing_trials);
        // Rebuilt from the study's own trials: what it re-evaluates is fixed when it starts.
        std::map<std::int64_t, bool> seen;
        for (const auto& t : existing_trials) {
            auto of = t.attrs.find(drift::retune_of_attr);
            if (of == t.attrs.end()) continue;
            std::int64_t n = std::stoll(of->second);
            if (seen[n]) continue;
            seen[n] = true;
            const trial* o = nullptr;
            for (const auto& ot : old_trials)
                if (ot.number == n) o = &ot;
            picked.configurations.push_back(
                {.old_trial = n, .p = t.params, .old_value = o && o->value ? *o->value : NAN});
        }
        std::stable_sort(picked.configurations.begin(), picked.configurations.end(),
                         [&](const auto& x, const auto& y) {
                             return old->objective.better(x.old_value, y.old_value);
                         });
    } else {
        picked = retune::choose(old_trials, old->objective, top, today.space);
        if (picked.complete == 0)
            throw po::error("study \"" + old->name + "\" has no complete trial to re-evaluate");
        for (const auto& n : picked.notes) say("caviar retune: " + n);
        for (const auto& [t, why] : picked.skipped)
            std::fprintf(stderr, "caviar retune: skipping trial %lld: %s\n",
                         static_cast<long long>(t), why.c_str());
        if (picked.configurations.empty())
            throw po::error("none of the best " + counted(top, "trial") + " of study \"" +
                            old->name + "\" fits today's [space]; nothing was written");
        if (picked.complete < top)
            say("caviar retune: study \"" + old->name + "\" has only " +
                counted(picked.complete, "complete trial") + ": re-evaluating " +
                (picked.complete == 1 ? "it" : "those"));
        phase_one = static_cast<std::int64_t>(picked.configurations.size()) * repeats;
    }
    // The shape of this retune: as asked, or, going on with one, as it started.
    const auto configs = static_cast<std::int64_t>(picked.configurations.size());
    const std::int64_t reps =
        existing ? std::max<std::int64_t>(phase_one / std::max<std::int64_t>(configs, 1), 1)
                 : repeats;

    if (existing)
        say("resuming retune \"" + name + "\" of study \"" + old->name + "\" (" +
            counted(configs, "configuration") + " × " + std::to_string(reps) +
            " repeats, as it started: --top and --repeats do not change a retune under way)");

    // Today's setup, with the plugins, for the re-evaluations (loaded once: the search loads
    // its own, with the file's strategy and its budget).
    auto setup = load_study(file, with(phase_one, true));
    if (!setup) return usage;

    // What changed: the options, and the environment fingerprints.
    // (against the file as it is, not the batch strategy the re-evaluations run under)
    auto as_file = other_strategy ? load_study(file, with(1, false)) : std::nullopt;
    if (other_strategy && !as_file) return usage;
    const study_setup& today_setup = as_file ? *as_file : *setup;
    std::vector<std::string> changes = config_changes(old->config, today_setup.exp.text);
    {
        nlohmann::json old_fp;
        if (!old_envs.empty())
            old_fp = nlohmann::json::parse(old_envs.back().fingerprint, nullptr, false);
        auto now_fp = environment::fingerprint(today_setup, old_fp, quiet ? nullptr : stderr);
        if (old_envs.empty())
            changes.push_back("environment: unknown for \"" + old->name +
                              "\" (it ran before caviar recorded environments)");
        else
            for (const auto& c : environment::changes(old_fp, now_fp)) changes.push_back(c.line);
    }

    if (!existing) {
        study_record r = new_study_record(*setup);
        r.budget = r.file_budget = phase_one;
        r.parent = old->name;
        r.parent_store = same_store ? "" : old_store.string();
        r.link = "retune";
        store db(today.store);
        retune::create(db, std::move(r), picked.configurations, reps);
    }

    install_stop_handlers();
    run_options opts;
    opts.progress = quiet ? nullptr : stderr;
    opts.interactive = isatty(fileno(stderr)) != 0;
    opts.stop_flag = &stop_signal;

    auto drift_of = [&](const std::vector<trial>& trials) {
        drift::inputs in{.study = name,
                         .from_study = old->name,
                         .from_store = same_store ? "" : old_store.string(),
                         .objective = old->objective,
                         .top = existing ? configs : top,
                         .repeats = reps,
                         .configurations = picked.configurations,
                         .skipped = picked.skipped,
                         .trials = trials,
                         .changes = changes,
                         .tol = tol};
        return drift::report(in);
    };
    // Runs the study up to `trials` (loading today's setup for it unless given), into r. A run
    // refused before its first trial (the study taken by another process, a changed
    // configuration on resume) is a usage error, as for `caviar run`; a failed or stopped one
    // ends the retune. Returns the exit code when it must end.
    run_result r;
    auto run_phase = [&](std::int64_t trials, bool reevaluating,
                         std::optional<study_setup> loaded = std::nullopt) -> std::optional<int> {
        if (!loaded) loaded = load_study(file, with(trials, reevaluating));
        if (!loaded) return int{usage};
        try {
            r = run_study(*loaded, opts);
        } catch (const study_mismatch& e) {
            std::fprintf(stderr, "caviar retune: error: %s\n", e.what());
            return int{usage};
        } catch (const study_busy& e) {
            std::fprintf(stderr, "caviar retune: error: %s\n", e.what());
            return int{usage};
        }
        if (r.error) {
            std::fprintf(stderr, "caviar retune: the study failed: %s\n", r.error->c_str());
            return int{study_failed};
        }
        if (r.interrupted) {
            std::fprintf(stderr,
                         "caviar retune: stopped; the same command with --name '%s' resumes it\n",
                         name.c_str());
            // Not 0: a scheduler must not read an unfinished retune as "no drift".
            return stop_signal.load() ? 128 + stop_signal.load() : int{study_failed};
        }
        return std::nullopt;
    };

    // Phase 1: the re-evaluations (queued trials, run first), unless a resumed retune has them.
    const bool reevaluated =
        existing &&
        std::count_if(existing_trials.begin(), existing_trials.end(), [](const trial& t) {
            return t.attrs.count(drift::retune_of_attr) && is_finished(t.state);
        }) == phase_one;
    if (reevaluated) {
        r.trials = existing_trials;
    } else if (auto code = run_phase(phase_one, true, std::move(setup))) {
        return *code;
    }
    // Kept at once, so `caviar show` has the re-evaluation's report even if the search stops.
    auto keep = [&](const nlohmann::json& report) {
        store db(today.store);
        auto study = db.find_study(name);
        db.add_study_event(study->id,
                           {.kind = "retune", .detail = report.dump(), .source = "host"});
    };
    auto report = drift_of(r.trials);
    keep(report);
    // The re-evaluation's report at once (the search may take long), the verdict again after it.
    const bool told = !json_out && search > 0;
    if (told) {
        std::printf("%s\n", drift::text(report).c_str());
        std::fflush(stdout);
    }

    // Phase 2: the new search, learning from the old study's trials as prior knowledge.
    // (confirmations of an earlier search's best, in a resumed retune, are not search trials)
    const std::int64_t budget =
        phase_one + search + std::count_if(r.trials.begin(), r.trials.end(), [](const trial& t) {
            return t.attrs.count(drift::confirms_attr) > 0;
        });
    if (budget > phase_one) {
        std::vector<trial> prior;
        for (auto& t : old_trials)
            if (t.state == trial_state::complete && t.value) prior.push_back(std::move(t));
        opts.prior = std::move(prior);
        opts.allow_config_change = other_strategy;  // batch for the re-evaluations, then the file's
        if (auto code = run_phase(budget, false)) return *code;
        report = drift_of(r.trials);
    }

    // Phase 3: when the search's best is what decides (one draw, the best of many), it runs
    // again with the repeats' seeds, and its mean decides instead.
    const auto& best_today = report["best_today"];
    if (report.value("drifted", false) && best_today.is_object() &&
        best_today.value("from", "") == "search") {
        const auto n = report["search"]["best"].value("trial", -1LL);
        auto it = std::find_if(r.trials.begin(), r.trials.end(),
                               [&](const trial& t) { return t.number == n; });
        if (it != r.trials.end()) {
            {
                store db(today.store);
                retune::confirm(db, *db.find_study(name), *it, reps);
            }
            opts.allow_config_change = other_strategy;
            if (auto code = run_phase(budget + reps, true)) return *code;
            report = drift_of(r.trials);
        }
    }
    keep(report);
    if (json_out)
        std::printf("%s\n", report.dump(2).c_str());
    else
        std::printf("%s%s", told ? "after the new search:\n" : "",
                    drift::text(report, told).c_str());
    return report.value("drifted", false) ? drifted : ok;
}

}  // namespace caviar::cli
