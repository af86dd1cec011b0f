// The study store: one SQLite file (WAL mode) holding studies, trials, params, final metrics,
// learning curves, checkpoints, events and the command inbox; or an in-memory database
// (":memory:") for tests and benchmarks. Not thread-safe: the run loop calls it under the
// coordinator's lock. The schema is described in schema.cpp; each concern (studies, trials,
// curves, checkpoints, events, commands) is implemented in a file of its own.
#pragma once

#include "store/records.hpp"

#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace caviar {

class read_scope;
class write_scope;

/// Any failure of the store, with SQLite's message and the file name.
class store_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A store written by an older caviar, opened read-only: opening it read-write once upgrades it.
class store_outdated : public store_error {
public:
    using store_error::store_error;
};

class store {
public:
    /// The file name of an in-memory store: nothing is written to disk, and the data is gone
    /// when the store is closed.
    static constexpr const char* memory = ":memory:";
    static bool is_memory(const std::filesystem::path& file) { return file == memory; }

    /// Opens or creates the file (and its parent folders), WAL mode, schema created or upgraded.
    /// read_only: for the reporting commands; fails if the file does not exist.
    explicit store(const std::filesystem::path& file, bool read_only = false);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    const std::filesystem::path& file() const { return file_; }

    /// What a commit survives from now on (a file store; an in-memory one keeps nothing).
    /// false (the default: WAL with synchronous = NORMAL): the death of the process, kill -9
    /// included; a power cut or an OS crash may roll back the last commits since the WAL was
    /// last synced (at each checkpoint). true (synchronous = FULL): a power cut too: every
    /// commit syncs the WAL to the disk before it returns, at the cost of an fsync each.
    void sync_every_commit(bool on);

    /// Groups the writes of one operation into one transaction: every write method called while
    /// a unit is open joins it, and nothing is kept unless commit() is called. The transaction
    /// begins at the first write, so a unit that writes nothing costs nothing. Units nest: only
    /// the outermost commits.
    class unit {
    public:
        explicit unit(store& s);
        ~unit();
        unit(const unit&) = delete;
        unit& operator=(const unit&) = delete;
        void commit();

    private:
        store& s_;
        bool done_ = false;
    };

    /// One read transaction for the reads made while it is open (each of for_each_trial,
    /// load_trials opens its own otherwise): they all see the same state of a store that a run
    /// keeps writing. Not inside a unit. Snapshots nest: only the outermost begins and ends.
    class snapshot {
    public:
        explicit snapshot(store& s);
        ~snapshot();
        snapshot(const snapshot&) = delete;
        snapshot& operator=(const snapshot&) = delete;

    private:
        store& s_;
    };

    // Studies (studies.cpp).
    std::vector<study_record> studies();
    std::optional<study_record> find_study(std::string_view name);
    /// Inserts a new study (fills id and created_at in the returned record).
    study_record create_study(study_record s);
    /// The study's trial budget; file_budget: also what the experiment file said (a run).
    void set_budget(std::int64_t study, std::int64_t budget,
                    std::optional<std::int64_t> file_budget = std::nullopt);
    /// What the running model is (architecture, capabilities, max_steps), for `caviar ctl`.
    void set_model_facts(std::int64_t study, const study_record& facts);

    /// Records what the study runs on now (a JSON fingerprint, environment.hpp).
    void add_environment(std::int64_t study, const std::string& fingerprint);
    /// Every fingerprint recorded for the study, oldest first; the last is the latest.
    std::vector<environment_record> load_environments(std::int64_t study);

    // Trials (trials.cpp).
    /// Every trial of the study in number order, with params, curve and final metrics.
    std::vector<trial> load_trials(std::int64_t study);
    /// What for_each_trial reads of each trial besides its row, params, attrs and metrics.
    struct trial_reading {
        bool curves = false;               // its learning curve
        bool events = false;               // its events, handed to the callback beside it
        std::optional<std::int64_t> only;  // just the trial of this number
    };
    /// Reads the study's trials one at a time, in number order, and hands each to `each` as
    /// soon as it is whole (with its events, oldest first, when asked; else none): memory for
    /// one trial, however many the study has. One read transaction (or the open snapshot's or
    /// unit's). `each` may move from the trial; it must not write to the store.
    void for_each_trial(std::int64_t study, const trial_reading& what,
                        const std::function<void(trial&, const std::vector<trial_event>&)>& each);
    /// How many trials the study has.
    std::int64_t trial_count(std::int64_t study);
    /// The names of the final metrics any trial of the study has, sorted (bytewise).
    std::vector<std::string> metric_names(std::int64_t study);
    /// The number the next new trial of the study gets.
    std::int64_t next_trial_number(std::int64_t study);
    /// What a follower (the live page) reads again: trials numbered `from` or above, the
    /// unfinished ones below it, and the trials in `also` (those it saw unfinished), with params
    /// and final metrics but no curve, in number order.
    std::vector<trial> load_open_trials(std::int64_t study, std::int64_t from,
                                        const std::vector<std::int64_t>& also = {});
    /// Trial `trial`'s curve points after `step`.
    std::vector<curve_point> load_curve_after(std::int64_t study, std::int64_t trial,
                                              std::int64_t step);
    /// Writes a new trial (any state) with its params, attrs, metrics and curve.
    void insert_trial(std::int64_t study, const trial& t);
    /// Writes state, steps, value, metrics, error, timings of an existing trial (not params
    /// or curve), and `point` of its curve when given. A finished trial's checkpoint is deleted
    /// with it.
    void update_trial(std::int64_t study, const trial& t, const curve_point* point = nullptr);
    /// Replaces a trial's params (a resume or update with new params).
    void update_params(std::int64_t study, const trial& t);

    // Curves (curves.cpp).
    /// Appends one learning-curve point: one row per metric at this step.
    void add_point(std::int64_t study, std::int64_t trial, const curve_point& p);
    /// Deletes the curve points after `step` (0: the whole curve).
    void truncate_curve(std::int64_t study, std::int64_t trial, std::int64_t step);

    // Checkpoints (checkpoints.cpp): at most one per trial, its latest.
    void save_checkpoint(std::int64_t study, std::int64_t trial, const checkpoint_record& c);
    std::optional<checkpoint_record> load_checkpoint(std::int64_t study, std::int64_t trial);
    void delete_checkpoint(std::int64_t study, std::int64_t trial);
    /// The step of a trial's checkpoint without reading its bytes.
    std::optional<std::int64_t> checkpoint_step(std::int64_t study, std::int64_t trial);
    /// Checkpoints kept for the study: how many and their total bytes.
    std::pair<std::int64_t, std::int64_t> checkpoint_usage(std::int64_t study);

    // Events (events.cpp).
    void add_event(std::int64_t study, const trial_event& e);
    /// Every event of the study, by trial then time.
    std::vector<trial_event> load_events(std::int64_t study);
    /// The same, one at a time (memory for one event).
    void for_each_event(std::int64_t study, const std::function<void(const trial_event&)>& each);
    std::int64_t event_count(std::int64_t study);
    /// The events after `seq` (trial_event::seq), oldest first: what a follower has not seen.
    std::vector<trial_event> load_events_after(std::int64_t study, std::int64_t seq);

    /// Study-wide events (a budget change, a stop, a changed configuration), oldest first.
    void add_study_event(std::int64_t study, const study_event& e);
    std::vector<study_event> load_study_events(std::int64_t study);
    /// Replaces the study's stored configuration text (a run allowed to change it).
    void set_config(std::int64_t study, const std::string& text);

    // The command inbox (commands.cpp).
    /// Posts a command (state pending); returns its seq.
    std::int64_t post_command(std::int64_t study, const command_record& c);
    /// Commands of the study in state `state` (e.g. "pending"), oldest first.
    std::vector<command_record> commands_in_state(std::int64_t study, std::string_view state);
    /// Every command of the study, oldest first.
    std::vector<command_record> load_commands(std::int64_t study);
    std::optional<command_record> find_command(std::int64_t seq);
    /// Moves a command on: accepted (taken, waiting for a step boundary), applied, refused or
    /// dropped,
    /// with what happened; `trial` >= 0 records the trial it made (enqueue).
    void set_command_state(std::int64_t seq, std::string_view state, std::string_view result,
                           std::int64_t trial = -1);

private:
    friend class unit;
    friend class snapshot;
    friend class read_scope;
    friend class write_scope;
    struct impl;  // store_impl.hpp
    std::filesystem::path file_;
    std::unique_ptr<impl> impl_;
};

}  // namespace caviar
