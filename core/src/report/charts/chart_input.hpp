// What every chart of the HTML report reads, and the helpers they share: hover titles, marker
// shapes per coarse-to-fine round, colours per objective value.
#pragma once

#include "report/importance.hpp"
#include "report/svg/plot.hpp"
#include "store/store.hpp"

#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace caviar {

/// A coarse-to-fine zoom: the box (per dimension, in unit space) a round sampled in. The
/// coarse_to_fine strategy records each round's box with its trials (attribute "box");
/// recorded_boxes() (zoom_boxes.hpp) reads them back into chart_input::boxes, and the slice and
/// scatter charts shade them.
struct zoom_box {
    int round = 0;
    std::vector<std::pair<double, double>> unit;  // one [low, high] per dimension, space order
};

/// One study of a line of retunes (caviar history), for the report's chain.
struct chain_link {
    std::string name;
    double created_at = 0;
    int depth = 0;  // 0 the original, 1 its retune, ...
    std::optional<double> best;
    std::string verdict;  // the retune's, empty for the original
};

struct chart_input {
    const study_record& study;
    const caviar::space& space;
    const std::vector<trial>& trials;
    const importance_result& importance;
    std::vector<zoom_box> boxes;
    /// The store's events (store::load_events): the curves chart draws each "exploit" (PBT) as
    /// a dashed jump from the donor's curve to the trial's next point.
    std::vector<trial_event> events;
    /// A retune's drift report (drift.hpp), null for other studies.
    nlohmann::json drift;
    /// The line of studies this one belongs to (empty when it has no parent and no retune).
    std::vector<chain_link> chain;
    /// The trials the charts draw, when not all of them (a big study: drawn_trials()); null
    /// means every trial. Tables and counts always use `trials`.
    const std::vector<trial>* drawn = nullptr;

    const std::vector<trial>& points() const { return drawn ? *drawn : trials; }
};

/// Charts draw at most this many trials; a bigger study is thinned by drawn_trials().
inline constexpr std::size_t max_drawn_trials = 2000;

/// The trials a chart of a big study draws: every trial up to max_drawn_trials, else the 100
/// best complete ones and a random sample of the others (seeded, the same each time), in number
/// order. Empty when every trial is drawn.
std::vector<trial> drawn_trials(const std::vector<trial>& trials, const objective& obj,
                                std::uint64_t seed);

/// "trial 12 (complete)\nval_accuracy = 0.98\nlayers = 2\n..." for a <title>.
std::string trial_title(const chart_input& in, const trial& t);
/// `class="pt STATE" data-trial="N"` (cls replaces "pt").
std::string trial_attrs(const trial& t, std::string_view cls = "pt");
/// N when origin reads "round N", else 0.
int round_of(const trial& t);
/// Whether any trial records a round: then markers differ by round and a legend says so.
bool has_rounds(const std::vector<trial>& trials);
/// The marker of t: its round's shape, or a circle.
marker_shape shape_of(const trial& t);

/// Range of the complete trials' values (lo == hi when only one; nan when none).
std::pair<double, double> value_range(const std::vector<trial>& trials);
/// The values the colour scale spans: the 5th to 95th percentile (nearest rank, rounded
/// inward) of the complete trials' values, or all of them when fewer than 10, so one very bad
/// (or lucky) trial does not wash out the colours of all the others; values beyond take the end
/// colours. nan when there is no complete trial.
std::pair<double, double> colour_range(const std::vector<trial>& trials);
/// Whether colour_range cut off values at either end (the colour bar then says "≤" / "≥").
std::pair<bool, bool> colour_range_clipped(const std::vector<trial>& trials,
                                           std::pair<double, double> range);
/// Colour of an objective value: yellow for the best end of [lo, hi], dark purple the worst;
/// values outside [lo, hi] are clamped.
std::string value_colour(const objective& obj, double v, std::pair<double, double> range);
/// A number as shown in titles and legends (6 significant digits).
std::string short_number(double v);

/// A value as a double on its dimension's axis: the choice index for categoricals.
double axis_value(const dimension& d, const value& v);

/// Legend text of the markers: complete / pruned / failed (and rounds when present).
std::string state_legend(double x, double y, const std::vector<trial>& trials, bool with_best_line);

}  // namespace caviar
