#include "run/study_runner.hpp"

#include "config/experiment.hpp"
#include "report/counted.hpp"
#include "run/config_change.hpp"
#include "run/coordinator.hpp"
#include "run/crash_guard.hpp"
#include "run/environment.hpp"
#include "run/executor.hpp"
#include "run/local_queue.hpp"
#include "run/output_guard.hpp"
#include "run/progress.hpp"
#include "run/study_lock.hpp"
#include "serve/control_service.hpp"

#include <caviar/seed.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <unistd.h>

namespace caviar {

namespace {

double store_clock() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

// Opens the named study, or creates it; refuses one whose space or seed differ from the file's.
study_record open_study(store& db, const study_setup& s, bool allow_change) {
    const experiment& e = s.exp;
    auto how_to_start_new =
        "; to start a new study, give it another name (--set experiment.name=" + e.name +
        "-2) or use another store (--store PATH)";
    if (auto found = db.find_study(e.name)) {
        if (found->space_hash != e.space.hash())
            throw study_mismatch("study \"" + e.name + "\" in " + db.file().string() +
                                 " was created with a different [space]:\n" + found->space +
                                 "the file now says:\n" + e.space.describe() +
                                 "resuming it would mix trials of two spaces" + how_to_start_new);
        if (found->seed != e.seed)
            throw study_mismatch("study \"" + e.name + "\" in " + db.file().string() +
                                 " was created with seed " + std::to_string(found->seed) +
                                 ", the file now says " + std::to_string(e.seed) +
                                 how_to_start_new);
        // The plugins' options and the objective are the study's: a change would mix trials
        // of two configurations, unless the person says it is meant (recorded with the study).
        if (auto changes = config_changes(found->config, e.text); !changes.empty()) {
            std::string list;
            for (const auto& c : changes) list += "  " + c + "\n";
            if (!allow_change)
                throw study_mismatch(
                    "study \"" + e.name + "\" in " + db.file().string() +
                    " was run with another configuration:\n" + list +
                    "resuming it would mix trials of two configurations" + how_to_start_new +
                    ", or add --allow-config-change to go on with the new one (the change is "
                    "recorded with the study)");
            nlohmann::json detail = {{"changes", changes}, {"old", found->config}, {"new", e.text}};
            db.add_study_event(found->id,
                               {.kind = "config", .detail = detail.dump(), .source = "manual"});
            db.set_config(found->id, e.text);
            found->config = e.text;
        }
        // The file's budget (or --trials) when it changed since the last run; else the
        // study's, which `caviar ctl budget` may have changed meanwhile.
        if (found->file_budget != e.trials) {
            db.set_budget(found->id, e.trials, e.trials);
            found->budget = found->file_budget = e.trials;
        }
        found->architecture = s.model->architecture();
        found->capabilities = s.model->capabilities();
        found->max_steps = s.model->max_steps();
        db.set_model_facts(found->id, *found);
        return *found;
    }
    return db.create_study(new_study_record(s));
}

// Adds the file's [[enqueue]] configurations not queued before, as queued trials that run first.
std::int64_t enqueue(store& db, const study_record& study, const std::vector<params>& wanted,
                     std::vector<trial>& trials) {
    std::int64_t added = 0;
    for (const auto& p : wanted) {
        bool known = std::any_of(trials.begin(), trials.end(), [&](const trial& t) {
            return t.origin == "enqueued" && t.params == p;
        });
        if (known) continue;
        trial t;
        t.number = static_cast<std::int64_t>(trials.size());
        t.seed = derive_seed(study.seed, static_cast<std::uint64_t>(t.number));
        t.params = p;
        t.state = trial_state::queued;
        t.origin = "enqueued";
        db.insert_trial(study.id, t);
        trials.push_back(std::move(t));
        ++added;
    }
    return added;
}

// Queues the failed trials again with their number, params and seed, as they were before their
// first run; the failure is kept as a "retry" event.
std::int64_t retry_failed(store& db, const study_record& study, std::vector<trial>& trials) {
    store::unit u(db);
    std::int64_t n = 0;
    for (auto& t : trials) {
        if (t.state != trial_state::failed) continue;
        db.add_event(study.id, {.trial = t.number,
                                .step = t.steps,
                                .kind = "retry",
                                .detail = nlohmann::json{{"error", t.error}}.dump(),
                                .at = store_clock(),
                                .source = "manual"});
        t.state = trial_state::queued;
        t.value.reset();
        t.metrics.clear();
        t.curve.clear();
        t.steps = 0;
        t.error.clear();
        t.started_at = t.finished_at = 0;
        db.update_trial(study.id, t);
        db.truncate_curve(study.id, t.number, 0);
        db.delete_checkpoint(study.id, t.number);
        ++n;
    }
    u.commit();
    return n;
}

// The complete trials of the study named by [sampler] warm_start, for the sampler to learn from.
std::vector<trial> warm_start_trials(store& db, const plugin_ref& sampler) {
    if (sampler.warm_start.empty()) return {};
    auto other = db.find_study(sampler.warm_start);
    if (!other) {
        std::string names;
        for (const auto& s : db.studies()) names += (names.empty() ? "" : ", ") + s.name;
        throw study_mismatch(diagnostic{sampler.warm_start_where,
                                        "[sampler] warm_start: no study \"" + sampler.warm_start +
                                            "\" in " + db.file().string() +
                                            (names.empty() ? "" : " (it has: " + names + ")")}
                                 .format());
    }
    std::vector<trial> out;
    for (auto& t : db.load_trials(other->id))
        if (t.state == trial_state::complete && t.value) out.push_back(std::move(t));
    return out;
}

// Keeps what the study runs on now when it differs from the last run's, and warns when a study
// with finished trials now runs on other data or plugins: its trials would mix two environments.
void record_environment(store& db, const study_setup& setup, const study_record& study,
                        const std::vector<trial>& trials, std::FILE* progress) {
    auto before = db.load_environments(study.id);
    nlohmann::json last;
    if (!before.empty()) last = nlohmann::json::parse(before.back().fingerprint, nullptr, false);
    auto now = environment::fingerprint(setup, last, progress);
    if (!before.empty() && now == last) return;
    auto diff = environment::changes(last, now);
    db.add_environment(study.id, now.dump());
    bool finished = std::any_of(trials.begin(), trials.end(),
                                [](const trial& t) { return is_finished(t.state); });
    std::string list;
    for (const auto& c : diff)
        if (c.significant) list += "  " + c.line + "\n";
    if (!finished || list.empty()) return;
    std::fprintf(stderr,
                 "caviar: warning: study \"%s\" now runs in another environment than its "
                 "finished trials did:\n%sits trials now mix two environments; `caviar retune` "
                 "re-evaluates the best configurations in a new study linked to this one\n",
                 study.name.c_str(), list.c_str());
}

// `caviar __worker FILE --set ...`: the same experiment, loaded by a trial process (the
// program's own file, so it is the same caviar), which prints nothing but its plugins' output.
std::vector<std::string> trial_process_command(const experiment& e) {
    if (!e.process_isolation) return {};
    std::vector<std::string> argv = {"/proc/self/exe", "__worker", "--parent",
                                     std::to_string(::getpid()), e.file.string()};
    for (const auto& o : e.overrides) argv.insert(argv.end(), {"--set", o});
    return argv;
}

}  // namespace

study_record new_study_record(const study_setup& s) {
    const experiment& e = s.exp;
    study_record r;
    r.name = e.name;
    r.seed = e.seed;
    r.budget = r.file_budget = e.trials;
    r.objective = e.objective;
    r.space_hash = e.space.hash();
    r.space = e.space.describe();
    r.config = e.text;
    r.sampler = s.sampler_plugin.info.name;
    r.strategy = s.strategy_plugin.info.name;
    r.model = s.model_plugin.info.name;
    r.architecture = s.model->architecture();
    r.capabilities = s.model->capabilities();
    r.max_steps = s.model->max_steps();
    return r;
}

run_result run_study(study_setup& setup, const run_options& opts) {
    const experiment& e = setup.exp;
    // Trials' folders (STORE-files/STUDY/trial-N) and the lock that keeps a second process off,
    // taken before the study is touched. An in-memory store is this process's alone: it needs
    // no lock, its files go to /tmp.
    const bool in_memory = store::is_memory(e.store);
    const auto files = trials_folder(e.store, e.name, ::getpid());
    std::optional<study_lock> lock;
    if (!in_memory)
        lock.emplace(study_lock_file(e.store, e.name), e.name, std::chrono::milliseconds(1000));
    const double opened_at = store_clock();
    store db(e.store);
    db.sync_every_commit(e.power_durability);
    run_result result;
    result.study = open_study(db, setup, opts.allow_config_change);
    std::vector<trial> trials = db.load_trials(result.study.id);
    record_environment(db, setup, result.study, trials, opts.progress);
    result.enqueued = enqueue(db, result.study, e.enqueue, trials);
    if (opts.retry_failed) result.retried = retry_failed(db, result.study, trials);
    std::vector<trial> prior = opts.prior ? *opts.prior : warm_start_trials(db, e.sampler);

    study_config cfg{.study_id = result.study.id,
                     .name = e.name,
                     .seed = e.seed,
                     .budget = result.study.budget,
                     .max_steps = setup.model->max_steps(),
                     .objective = e.objective,
                     .space = e.space,
                     .sampler_name = setup.sampler_plugin.info.name,
                     .model_name = setup.model_plugin.info.name,
                     .fail_fast_after = 10,
                     .time_budget = e.time_budget,
                     .prior = std::move(prior),
                     .capabilities = setup.model->capabilities(),
                     .architecture = setup.model->architecture(),
                     .opened_at = opened_at};
    // The note a process that died while running this study left (crash_guard.hpp).
    const auto crash_note = files / "crash";
    if (auto death = crash_guard::take_note(crash_note)) {
        cfg.last_death_cause = death->cause;
        cfg.last_death_trials = death->trials;
        cfg.last_death_culprit = death->culprit.value_or(-1);
    }
    coordinator coord(std::move(cfg), db, *setup.sampler, *setup.strategy, std::move(trials),
                      db.load_events(result.study.id));
    const study_recovery& rec = coord.recovered();
    result.finished_before = rec.finished;
    result.requeued = rec.requeued;
    result.rolled_back = rec.rolled_back;
    local_queue queue(coord);

    // The live page, on a thread of its own with its own store connection.
    std::optional<control_service> service;
    if (!opts.serve.empty()) {
        if (in_memory)
            throw study_mismatch(
                "--serve reads the study from its store: it needs a store file, "
                "not :memory:");
        if (auto why = serve_address_problem(opts.serve); !why.empty())
            throw study_mismatch("--serve " + opts.serve + ": " + why);
        auto colon = opts.serve.rfind(':');
        service_settings settings;
        settings.address = opts.serve.substr(0, colon);
        settings.port = static_cast<unsigned short>(std::stoi(opts.serve.substr(colon + 1)));
        settings.allow_public = opts.serve_public;
        settings.store = e.store;
        settings.study = e.name;
        try {
            service.emplace(std::move(settings));
        } catch (const store_error&) {
            throw;
        } catch (const std::runtime_error& x) {
            throw study_mismatch(x.what());  // an address in use, or not loopback: exit 2
        }
        std::fprintf(opts.progress ? opts.progress : stderr, "live view: %s\n",
                     service->url().c_str());
        std::fflush(opts.progress ? opts.progress : stderr);
    }

    // The printer outlives the guard, which hands it the last lines when it ends.
    std::optional<progress_printer> printer;
    std::optional<output_guard> guard;
    if (opts.progress) {
        // A line redrawn in place: plugins' output to the same terminal must go around it.
        if (opts.interactive) guard.emplace(opts.progress);
        printer.emplace(guard ? guard->terminal() : opts.progress, opts.interactive, e.objective,
                        result.finished_before);
        if (guard)
            guard->start(
                [&](std::FILE* to, std::string_view lines) { printer->show_above(to, lines); });
        coord.on_change([&](const study_progress& p) { printer->update(p); });
        coord.on_message([&](const std::string& text) { printer->message(text); });
        for (const auto& d : rec.died) printer->message(d + "; it is failed, not run again");
        if (result.finished_before > 0 || result.requeued > 0 || rec.paused > 0 ||
            result.retried > 0)
            printer->message(
                "resuming study \"" + e.name + "\": " + counted(result.finished_before, "trial") +
                " finished earlier" +
                (result.retried ? ", " + counted(result.retried, "failed trial") +
                                      " run again (--retry-failed)"
                                : std::string()) +
                (result.requeued
                     ? ", " + counted(result.requeued, "interrupted trial") + " to run again"
                     : std::string()) +
                (rec.paused
                     ? ", " + std::to_string(rec.paused) + " paused" +
                           (result.rolled_back
                                ? " (" + std::to_string(result.rolled_back) +
                                      " of them interrupted and back at their last checkpoint)"
                                : std::string()) +
                           (rec.held ? " (" + std::to_string(rec.held) +
                                           " of them held by you: caviar ctl resumes them)"
                                     : std::string())
                     : std::string()));
    }

    // A watcher turns the asynchronous stop flag into a clean stop, takes the commands posted to
    // the inbox, and ticks the clock.
    std::mutex watch_mutex;
    std::condition_variable watch_cv;
    bool over = false;
    std::thread watcher([&] {
        std::unique_lock lock(watch_mutex);
        bool announced = false;
        while (!over) {
            watch_cv.wait_for(lock, std::chrono::milliseconds(100));
            if (over) break;
            if (opts.stop_flag && opts.stop_flag->load() != 0 && !announced) {
                announced = true;
                queue.request_stop();
                if (printer)
                    printer->message(
                        "stopping: running trials end at their next step and will run again "
                        "on resume (press Ctrl-C again to quit at once)");
            }
            try {
                queue.poll();
            } catch (const std::exception& e) {
                queue.fail(std::string("command inbox: ") + e.what());
            }
            if (printer) printer->tick();
        }
    });

    auto start = std::chrono::steady_clock::now();
    result.workers = worker_count(e.threads);
    std::filesystem::create_directories(files);
    crash_guard::install(setup.model_plugin.info.name, crash_note);
    auto stats = execute(queue, *setup.model,
                         {.model_name = setup.model_plugin.info.name,
                          .study = e.name,
                          .files = files,
                          .threads = e.threads,
                          .trial_timeout = e.trial_timeout,
                          .trial_process = trial_process_command(e)});
    crash_guard::uninstall();
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.steps = stats.steps;
    result.busy_share = result.seconds > 0 && result.workers > 0
                            ? stats.busy_seconds / (result.seconds * result.workers)
                            : 0.0;
    {
        std::lock_guard lock(watch_mutex);
        over = true;
    }
    watch_cv.notify_all();
    watcher.join();
    queue.with([](coordinator& c) {
        c.close("the study ended before the command could apply");
        return 0;
    });
    if (guard) guard->restore();
    if (printer) printer->finish();
    if (service && opts.serve_linger) {
        std::fprintf(stderr, "the study is over; the live view stays up until Ctrl-C: %s\n",
                     service->url().c_str());
        while (!(opts.stop_flag && opts.stop_flag->load() != 0))
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (service) service->stop();

    result.study.budget = coord.budget();  // a command may have changed it
    result.interrupted = coord.stop_requested();
    result.stopped_by_command = coord.stopped_by_command();
    result.out_of_time = coord.time_budget_reached();
    result.error = coord.fatal_error();
    result.trials = coord.snapshot();
    // After a store failure the book may be ahead of the store: the summary says what the
    // store holds, which is what the next run resumes from.
    if (result.error && result.error->rfind("store: ", 0) == 0) {
        try {
            result.trials = db.load_trials(result.study.id);
        } catch (const store_error&) {
            // Unreadable too: the book is all there is.
        }
    }
    result.ran = -result.finished_before;
    for (const auto& t : result.trials) result.ran += is_finished(t.state);
    auto p = coord.progress();
    if (!result.error && !result.interrupted && p.complete == 0 && p.failed > 0) {
        std::string last;
        for (const auto& t : result.trials)
            if (t.state == trial_state::failed) last = t.error;
        result.error = "every trial failed; the last error: " + last;
    }
    return result;
}

}  // namespace caviar
