// The coordinator: the study's one decision maker. It owns the trial book, asks the strategy
// (and through it the sampler) for work, records reports and outcomes, and applies commands from
// outside (the inbox) at step boundaries through the same decisions a strategy makes. Each
// operation is one store transaction (store::unit), so a process killed at any point leaves a
// store the next run resumes from.
//
// Not thread-safe, and it never blocks: the transport (local_queue, in-process) locks around it
// and makes idle workers wait; another transport may serve the same calls to other machines.
#pragma once

#include "run/messages.hpp"
#include "run/strategy_view.hpp"
#include "run/study_config.hpp"
#include "run/trial_book.hpp"
#include "store/store.hpp"

#include <caviar/sampler.hpp>
#include <caviar/strategy.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace caviar {

/// What opening the study found of earlier runs.
struct study_recovery {
    std::int64_t finished = 0;     // finished in earlier runs
    std::int64_t requeued = 0;     // unfinished trials of earlier runs, to run again from step 0
    std::int64_t rolled_back = 0;  // ... or paused again at their checkpoints
    std::int64_t paused = 0;       // paused (including rolled back)
    std::int64_t held = 0;         // paused by a person, waiting for them
    /// Trials failed because the process died while they ran, again (crash_guard.hpp), each
    /// as "trial 3: the process died while this trial ran (2 times): signal 11 (...)".
    std::vector<std::string> died;
};

class coordinator {
public:
    /// trials and events: the study's, from the store, in number order. Trials an earlier
    /// process left running or queued are recovered first (recovery.hpp), in one transaction.
    coordinator(study_config cfg, store& db, caviar::sampler& smp, caviar::strategy& strat,
                std::vector<trial> trials, const std::vector<trial_event>& events);

    const study_recovery& recovered() const { return recovered_; }

    // The work queue's operations (each one store transaction).
    /// Work for an idle worker: a trial to run, wait (ask again after the next change), or done.
    work try_next();
    decision report(const step_report& r);
    void end(const trial_end& e);
    void interrupt(std::int64_t trial);

    /// Takes the commands posted to the inbox and applies them (or accepts them, to apply at
    /// the trial's next step). Returns whether any was taken.
    bool poll_commands();
    /// Takes one command as if it came from the inbox (seq 0: not in the store). Returns the
    /// refusal, or nullopt when it was accepted or applied.
    std::optional<std::string> apply(const command_record& c);
    /// Ends every command taken but not applied yet (the study is over): refused, saying why.
    void close(const std::string& why);

    /// Asks every worker to stop at its next step boundary. Thread-safe.
    void request_stop() { stop_.store(true, std::memory_order_relaxed); }
    bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }
    /// Whether the stop came from a command (caviar ctl stop) rather than a signal.
    bool stopped_by_command() const { return stopped_by_command_; }
    /// Ends the study with an error (a worker hit something it cannot recover from).
    void fail(std::string message);
    /// Set when the study cannot go on (sampler/strategy error, every trial failing).
    const std::optional<std::string>& fatal_error() const { return fatal_; }
    /// Whether the time budget stopped the study from starting more trials.
    bool time_budget_reached() const { return out_of_time_; }
    /// Whether the study only waits for trials a person holds (nothing else to do).
    bool waiting_for_person() const { return waiting_for_person_; }

    study_progress progress() const { return book_.progress(cfg_.budget); }
    std::int64_t budget() const { return cfg_.budget; }
    /// Called after each change; keep it quick.
    void on_change(std::function<void(const study_progress&)> f) { observer_ = std::move(f); }
    /// Called with a line for the person, e.g. that the study waits for a held trial.
    void on_message(std::function<void(const std::string&)> f) { messages_ = std::move(f); }
    /// A copy of every trial, in number order.
    std::vector<trial> snapshot() const;
    const trial_book& book() const { return book_; }

private:
    // A command taken from the inbox that applies at a trial's next step boundary.
    struct pending_command {
        std::int64_t seq = 0;
        command_kind kind = command_kind::pause;
        caviar::params params;  // set: the changes; resume: the trial's new params (or none)
    };

    void fail_study(std::string message);
    void broken(const std::exception& e);
    void notify();
    void say(const std::string& text);
    bool died_again(trial& t, const std::vector<trial_event>& events);
    void event(const trial& t, std::string kind, const nlohmann::json& detail,
               const std::string& source);
    void keep_curve_to(trial& t, std::int64_t step);
    std::variant<assignment, std::string> hand_out_resume(const job& j, const std::string& source);
    work start(job j);
    void prune_paused(std::int64_t trial, std::string reason, const std::string& source);
    std::optional<std::string> take(const command_record& c);
    // How a command ended: applied; refused (it broke a rule); dropped (it could not apply: the
    // trial ended first, the study stopped).
    enum class outcome { applied, refused, dropped };
    void settle(std::int64_t seq, outcome how, const std::string& result);
    void settle_all_for(std::int64_t trial, const std::string& why);
    std::optional<std::string> refusal_of_decision(const trial& t, const decision& d) const;

    study_config cfg_;
    store& db_;
    caviar::strategy& strategy_;
    trial_book book_;
    strategy_view view_;
    study_recovery recovered_;

    std::atomic<bool> stop_{false};
    bool out_of_time_ = false;
    bool waiting_for_person_ = false;
    bool announced_waiting_ = false;
    bool stopped_by_command_ = false;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::optional<std::string> fatal_;
    std::set<std::int64_t> unwritten_;  // trials whose last curve point end() writes
    std::function<void(const study_progress&)> observer_;
    std::function<void(const std::string&)> messages_;

    // Commands waiting for a step boundary, by trial; and manual resumes, in order.
    std::map<std::int64_t, pending_command> stops_;    // pause or prune at the next report
    std::map<std::int64_t, pending_command> updates_;  // set: new params at the next report
    std::map<std::int64_t, pending_command> ending_;   // told to stop by a command; end() settles
    std::deque<std::pair<std::int64_t, pending_command>> resumes_;
};

}  // namespace caviar
