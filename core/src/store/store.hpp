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
    /// and seed. Returns how many.
    std::int64_t requeue_unfinished(std::int64_t study);

    /// Writes a new trial (any state) with its params.
    void insert_trial(std::int64_t study, const trial& t);
    /// Writes state, steps, value, metrics, error, timings of an existing trial (not params
    /// or curve).
    void update_trial(std::int64_t study, const trial& t);
    /// Appends one learning-curve point: one row per metric at this step.
    void add_point(std::int64_t study, std::int64_t trial, const curve_point& p);
    /// Deletes a trial's curve (a trial re-run from scratch).
    void clear_curve(std::int64_t study, std::int64_t trial);

private:
    struct impl;
    std::filesystem::path file_;
    std::unique_ptr<impl> impl_;
};

}  // namespace caviar
