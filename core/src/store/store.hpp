// The study store: one SQLite file (WAL mode) holding studies, trials, params, final metrics and
// learning curves. Not thread-safe: the run loop calls it under the coordinator's lock.
#pragma once

#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace caviar {

/// Any failure of the store, with SQLite's message and the file name.
class store_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct study_record {
    std::int64_t id = 0;
    std::string name;
    std::uint64_t seed = 0;
    std::int64_t budget = 0;  // trial budget ([experiment] trials)
    caviar::objective objective;
    std::uint64_t space_hash = 0;          // space::hash()
    std::string space;                     // space::describe()
    std::string config;                    // effective experiment file text
    std::string sampler, strategy, model;  // plugin names
    double created_at = 0;                 // unix seconds
};

/// A run's saved state: the bytes run::save wrote after `step` steps.
struct checkpoint_record {
    std::int64_t step = 0;
    std::string bytes;
};

/// What happened to a trial besides its steps, for lineage and for `caviar trials`.
struct trial_event {
    std::int64_t trial = 0;
    std::int64_t step = 0;  // the trial's steps when it happened
    /// "pause", "resume", "restart" (resumed without a checkpoint: from step 0), "exploit"
    /// (continued from another trial's checkpoint), "update" (params changed), "prune",
    /// "rollback" (interrupted: back to its last checkpoint).
    std::string kind;
    /// A JSON object, e.g. {"from": 3, "from_step": 10, "old": {...}, "new": {...}}.
    std::string detail;
    double at = 0;  // unix seconds
};

/// What requeue_unfinished did.
struct requeue_result {
    std::int64_t requeued = 0;     // back to queued, to run again from step 0
    std::int64_t rolled_back = 0;  // back to paused at their last checkpoint
};

class store {
public:
    /// Opens or creates the file (and its parent folders), WAL mode, schema created if missing.
    /// read_only: for the reporting commands; fails if the file does not exist.
    explicit store(const std::filesystem::path& file, bool read_only = false);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    const std::filesystem::path& file() const { return file_; }

    std::vector<study_record> studies();
    std::optional<study_record> find_study(std::string_view name);
    /// Inserts a new study (fills id and created_at in the returned record).
    study_record create_study(study_record s);
    void set_budget(std::int64_t study, std::int64_t budget);

    /// Every trial of the study in number order, with params, curve and final metrics.
    std::vector<trial> load_trials(std::int64_t study);

    /// Trials left `running` or `queued` by a process that stopped (interrupt, kill -9) go back to
    /// `queued` with their curve and metrics cleared, to run again with the same number, params
    /// and seed; a running trial with a checkpoint goes back to `paused` at the checkpoint's step
    /// instead (curve points after it deleted), so its strategy resumes it from there.
    requeue_result requeue_unfinished(std::int64_t study);

    /// Writes a new trial (any state) with its params.
    void insert_trial(std::int64_t study, const trial& t);
    /// Writes state, steps, value, metrics, error, timings of an existing trial (not params
    /// or curve), and `point` of its curve when given, in one transaction. A finished trial's
    /// checkpoint is deleted with it.
    void update_trial(std::int64_t study, const trial& t, const curve_point* point = nullptr);
    /// Appends one learning-curve point: one row per metric at this step.
    void add_point(std::int64_t study, std::int64_t trial, const curve_point& p);
    /// Deletes a trial's curve (a trial re-run from scratch).
    void clear_curve(std::int64_t study, std::int64_t trial);
    /// Deletes the curve points after `step` (a trial continuing from an earlier checkpoint).
    void truncate_curve(std::int64_t study, std::int64_t trial, std::int64_t step);
    /// Replaces a trial's params (a resume with new params).
    void update_params(std::int64_t study, const trial& t);

    /// Checkpoints: at most one per trial, its latest; BLOBs in the `checkpoints` table.
    void save_checkpoint(std::int64_t study, std::int64_t trial, const checkpoint_record& c);
    std::optional<checkpoint_record> load_checkpoint(std::int64_t study, std::int64_t trial);
    /// The step of a trial's checkpoint without reading its bytes.
    std::optional<std::int64_t> checkpoint_step(std::int64_t study, std::int64_t trial);
    /// Checkpoints kept for the study: how many and their total bytes.
    std::pair<std::int64_t, std::int64_t> checkpoint_usage(std::int64_t study);

    void add_event(std::int64_t study, const trial_event& e);
    /// Every event of the study, by trial then time.
    std::vector<trial_event> load_events(std::int64_t study);

private:
    struct impl;
    std::filesystem::path file_;
    std::unique_ptr<impl> impl_;
};

}  // namespace caviar
