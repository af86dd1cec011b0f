// caviar run FILE / caviar validate FILE
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/experiment_loading.hpp"
#include "cli/signals.hpp"
#include "config/overrides.hpp"
#include "report/counted.hpp"
#include "report/trial_table.hpp"
#include "run/executor.hpp"
#include "run/progress.hpp"
#include "run/study_runner.hpp"

#include <boost/program_options.hpp>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace caviar::cli {

namespace po = boost::program_options;

namespace {

void print_summary(const run_result& r, const experiment& e) {
    std::int64_t counts[6] = {};
    for (const auto& t : r.trials) ++counts[static_cast<int>(t.state)];
    std::int64_t complete = counts[static_cast<int>(trial_state::complete)];
    std::int64_t failed = counts[static_cast<int>(trial_state::failed)];
    std::int64_t pruned = counts[static_cast<int>(trial_state::pruned)];
    const std::int64_t finished = complete + failed + pruned;
    // Trials enqueued by hand after the budget was spent run too: say so rather than "41 of 40".
    std::string budget = finished > r.study.budget
                             ? "budget " + std::to_string(r.study.budget) + ", plus " +
                                   std::to_string(finished - r.study.budget) + " enqueued"
                             : "budget " + std::to_string(r.study.budget);
    std::printf("\nstudy \"%s\" (%s): %s finished (%s): %lld complete", e.name.c_str(),
                e.store.c_str(), counted(finished, "trial").c_str(), budget.c_str(),
                static_cast<long long>(complete));
    if (pruned) std::printf(", %lld pruned", static_cast<long long>(pruned));
    if (failed) std::printf(", %lld failed", static_cast<long long>(failed));
    std::printf("; this run took %s on %s (%s, workers busy %.0f%%)\n",
                format_duration(r.seconds).c_str(), counted(r.workers, "thread").c_str(),
                counted(r.steps, "step").c_str(), 100 * std::min(1.0, r.busy_share));
    auto best = ranked(r.trials, e.objective);
    if (best.empty()) return;
    std::vector<std::string> names;
    for (const auto& d : e.space) names.push_back(d.name());
    std::printf("\nbest trials (%s, %s):\n%s", e.objective.metric.c_str(),
                to_string(e.objective.direction),
                ranking_table(r.trials, e.objective, names, 10).c_str());
    const trial& b = *best.front();
    std::printf("\nbest params (trial #%lld, %s = %s):\n", static_cast<long long>(b.number),
                e.objective.metric.c_str(), to_string(value{*b.value}).c_str());
    std::size_t width = 0;
    for (const auto& n : names) width = std::max(width, n.size());
    for (const auto& n : names)
        if (auto it = b.params.find(n); it != b.params.end())
            std::printf("  %-*s = %s\n", static_cast<int>(width), n.c_str(),
                        to_string(it->second).c_str());
}

}  // namespace

int run_command(const args& a) {
    po::options_description d(
        "Usage: caviar run FILE [OPTIONS]\n\n"
        "Runs the experiment in FILE (TOML) on all cores, keeping every trial in its store. If\n"
        "the store already holds a study of the same name, it is resumed up to its trial budget:\n"
        "finished trials are kept, interrupted ones run again. Ctrl-C stops cleanly.\n\nOptions");
    d.add_options()("threads", po::value<int>(),
                    "worker threads (0 = all cores); overrides [experiment] threads")(
        "trials", po::value<long long>(), "trial budget; overrides [experiment] trials")(
        "store", po::value<std::string>(),
        "SQLite store file, or :memory: for one kept in memory only (benchmarks); overrides "
        "[experiment] store")("quiet,q", "no live progress, only the final summary")(
        "serve", po::value<std::string>()->implicit_value("127.0.0.1:0"),
        "serve the live page (watch and steer the study in a browser) on ADDRESS:PORT, default "
        "127.0.0.1 on any free port; overrides [experiment] serve. Prints its address with a "
        "token")("serve-linger", "keep the live page up after the study ends, until Ctrl-C")(
        "retry-failed",
        "run the study's failed trials again, each with its number, params and seed (once the "
        "cause is fixed); they count towards the budget as before")(
        "allow-config-change",
        "resume the study although its model, sampler or strategy options (or its objective) "
        "changed since it was created; the change is recorded with the study")(
        "serve-public",
        "allow --serve on an address other than loopback (anyone who can reach it and has the "
        "token can steer the study)");
    add_override_options(d);
    po::variables_map vm;
    if (!parse_command_line(
            a, d, "file", "experiment FILE", vm,
            "\nExample: caviar run examples/quickstart.toml --set model.epochs=5 --set "
            "experiment.name=short (a new study: changed options do not mix into an old one)\n"))
        return ok;

    std::vector<std::string> overrides;
    if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
    if (vm.count("threads"))
        overrides.push_back("experiment.threads=" + std::to_string(vm["threads"].as<int>()));
    if (vm.count("trials"))
        overrides.push_back("experiment.trials=" + std::to_string(vm["trials"].as<long long>()));
    if (vm.count("store")) {
        std::filesystem::path store = vm["store"].as<std::string>();
        if (store != ":memory:") store = std::filesystem::absolute(store);
        overrides.push_back("experiment.store=" + toml_quoted(store.string()));
    }

    auto setup = load_study(vm["file"].as<std::string>(), overrides);
    if (!setup) return usage;

    install_stop_handlers();
    run_options opts;
    opts.progress = vm.count("quiet") ? nullptr : stderr;
    opts.interactive = isatty(fileno(stderr)) != 0;
    opts.stop_flag = &stop_signal;
    opts.serve = vm.count("serve") ? vm["serve"].as<std::string>() : setup->exp.serve;
    opts.serve_linger = vm.count("serve-linger") > 0;
    opts.serve_public = vm.count("serve-public") > 0;
    opts.allow_config_change = vm.count("allow-config-change") > 0;
    opts.retry_failed = vm.count("retry-failed") > 0;
    if (opts.serve.empty() && (opts.serve_linger || opts.serve_public))
        throw po::error("--serve-linger and --serve-public go with --serve");
    run_result r;
    try {
        r = run_study(*setup, opts);
    } catch (const study_mismatch& e) {
        std::fprintf(stderr, "caviar run: error: %s\n", e.what());
        return usage;
    }
    print_summary(r, setup->exp);
    if (r.error) {
        std::fprintf(stderr, "caviar run: the study failed: %s\n", r.error->c_str());
        if (r.ran == 0 && !r.interrupted)
            std::fprintf(stderr,
                         "caviar run: no trial ran this time: the budget of %s is spent. Once "
                         "the cause is fixed, add --retry-failed to run the failed trials again "
                         "with their params and seeds, or --trials N to add trials\n",
                         counted(r.study.budget, "trial").c_str());
        return study_failed;
    }
    if (r.out_of_time)
        std::fprintf(stderr,
                     "caviar run: the time budget of %s is spent; no new trial started after it "
                     "(run again to go on)\n",
                     format_duration(setup->exp.time_budget).c_str());
    if (r.interrupted && r.stopped_by_command && stop_signal.load() == 0) {
        std::fprintf(stderr,
                     "caviar run: stopped by caviar ctl stop; run the same command again to "
                     "resume\n");
        return ok;
    }
    if (r.interrupted) {
        std::fprintf(stderr, "caviar run: stopped; run the same command again to resume\n");
        return 128 + stop_signal.load();
    }
    return ok;
}

int validate_command(const args& a) {
    po::options_description d(
        "Usage: caviar validate FILE [OPTIONS]\n\n"
        "Checks FILE and every plugin's options, as `caviar run` would before its first trial,\n"
        "and prints all errors as FILE:LINE:COL: error: ... Nothing runs, no store is written.\n\n"
        "Options");
    add_override_options(d);
    po::variables_map vm;
    if (!parse_command_line(a, d, "file", "experiment FILE", vm)) return ok;
    std::vector<std::string> overrides;
    if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
    auto setup = load_study(vm["file"].as<std::string>(), overrides);
    if (!setup) return usage;
    const experiment& e = setup->exp;
    std::printf(
        "%s: ok: study \"%s\", %zu dimension%s, %lld trial%s on %d thread%s, sampler %s, "
        "strategy %s, model %s, objective %s (%s), store %s\n",
        vm["file"].as<std::string>().c_str(), e.name.c_str(), e.space.size(),
        e.space.size() == 1 ? "" : "s", static_cast<long long>(e.trials), e.trials == 1 ? "" : "s",
        worker_count(e.threads), worker_count(e.threads) == 1 ? "" : "s",
        setup->sampler_plugin.info.name.c_str(), setup->strategy_plugin.info.name.c_str(),
        setup->model_plugin.info.name.c_str(), e.objective.metric.c_str(),
        to_string(e.objective.direction), e.store.c_str());
    return ok;
}

}  // namespace caviar::cli
