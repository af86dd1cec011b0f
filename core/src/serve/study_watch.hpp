// A study as the live page follows it, read from the store: the trials (their states, params and
// learning curves), the events, and a log of what changed, each change numbered, so a page that
// saw change K asks only for what came after it. It reads only what can have changed since it
// last looked (unfinished and new trials, curve points after the last one, events after the last
// one), so a study of 10,000 trials stays cheap to follow.
//
// Thread: one thread at a time (the service's); it has its own store connection.
#pragma once

#include "store/store.hpp"

#include <caviar/space.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace caviar {

class study_watch {
public:
    /// running: whether a process runs the study now (asked at most every few seconds).
    study_watch(store& db, study_record study, std::function<bool()> running);

    /// Reads what changed since the last call; whether anything did.
    bool refresh();

    /// The number of the newest change (0 before any).
    std::int64_t cursor() const { return next_seq_ - 1; }
    /// The changes after `after`, each a JSON object as text ({"type": "point" | "trial" |
    /// "event" | "study", ...}), oldest first; nullopt when the log no longer reaches back to
    /// `after` (the page reloads the study instead).
    std::optional<std::vector<std::pair<std::int64_t, std::string>>> since(
        std::int64_t after) const;

    /// {"name", "objective", "budget", "running", "counts", "best", "space": [dimensions with
    /// their bounds, scale and whether they are architecture], "model", "strategy", ...}.
    nlohmann::json study_json() const;
    /// Every trial's summary, without curves.
    nlohmann::json trials_json() const;
    /// One trial with its whole curve (every metric) and events; nullopt: no such trial.
    std::optional<nlohmann::json> trial_json(std::int64_t number) const;
    /// The objective's curve of every trial, at most `points` points each (evenly thinned,
    /// keeping the first and the last).
    nlohmann::json curves_json(std::size_t points) const;

    const study_record& study() const { return study_; }
    const caviar::space& space() const { return space_; }
    const std::vector<trial>& trials() const { return trials_; }
    bool held(std::int64_t trial) const { return held_.count(trial) > 0; }
    bool running() const { return running_now_; }

private:
    nlohmann::json summary(const trial& t) const;
    void log(nlohmann::json item);
    void refresh_running(bool force);

    store& db_;
    study_record study_;
    caviar::space space_;
    std::function<bool()> running_;
    bool running_now_ = false;
    double running_checked_ = 0;
    std::vector<trial> trials_;  // by number
    std::vector<trial_event> events_;
    std::int64_t event_seq_ = 0;  // the last event read
    std::set<std::int64_t> held_;
    std::deque<std::pair<std::int64_t, std::string>> log_;
    std::int64_t next_seq_ = 1;
};

}  // namespace caviar
