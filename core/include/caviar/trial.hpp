// Trials and objectives: what samplers and strategies read.
#pragma once

#include <caviar/export.hpp>
#include <caviar/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caviar {

/// Metrics a run reports after a step, by name (e.g. "val_loss" -> 0.21).
using metrics = std::map<std::string, double, std::less<>>;

/// Facts a strategy records with a trial, by name (e.g. "round" -> "2", "bracket" -> "1").
using attributes = std::map<std::string, std::string, std::less<>>;

enum class trial_state { queued, running, paused, complete, pruned, failed };

CAVIAR_API const char* to_string(trial_state s);
/// Parses "complete" etc.; throws std::invalid_argument on anything else.
CAVIAR_API trial_state trial_state_from_string(std::string_view s);
/// complete, pruned or failed: the trial will not run again.
CAVIAR_API bool is_finished(trial_state s);

enum class direction { minimize, maximize };

/// "minimize" or "maximize", as written in experiment files.
CAVIAR_API const char* to_string(direction d);
/// Parses "minimize" or "maximize"; throws std::invalid_argument on anything else.
CAVIAR_API direction direction_from_string(std::string_view s);

/// What the study optimises: one metric and its direction.
struct objective {
    std::string metric;
    caviar::direction direction = direction::minimize;

    /// Whether a is strictly better than b under this direction.
    bool better(double a, double b) const {
        return direction == direction::minimize ? a < b : a > b;
    }
};

/// One point of a learning curve: the metrics reported after `step` steps (1-based).
struct curve_point {
    std::int64_t step = 0;
    caviar::metrics metrics;
};

struct trial {
    std::int64_t number = 0;
    trial_state state = trial_state::queued;
    caviar::params params;
    std::uint64_t seed = 0;
    std::vector<curve_point> curve;
    /// The last metrics reported; for a finished trial, its result.
    caviar::metrics metrics;
    /// The objective metric's last value, when there is one and it is finite.
    std::optional<double> value;
    /// Which decision made this trial, e.g. "random", "grid", "enqueued", "round 2".
    std::string origin;
    /// Why it failed, was pruned or paused.
    std::string error;
    /// What the strategy recorded when it started the trial (job::attrs).
    caviar::attributes attrs;
    std::int64_t steps = 0;  // steps run so far
    double started_at = 0;   // unix seconds, 0 = not started
    double finished_at = 0;
};

}  // namespace caviar
