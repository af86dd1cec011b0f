// The grid sampler: every combination of a few values per dimension. Trial n gets the n-th
// point of the grid (mixed radix over the dimensions in space order, the last one turning
// fastest, as in nested loops), so params depend on the trial number only.
#include <caviar/caviar.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar {
namespace {

using axis = std::vector<value>;

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

// The i-th of a discrete dimension's values, counted from low (from_unit cannot enumerate
// them: an int on a log scale has cells of unequal width in unit space).
value nth_value(const dimension& d, std::int64_t i) {
    if (d.kind() == dimension_kind::categorical) return d.choices()[static_cast<std::size_t>(i)];
    double x = std::min(d.high(), d.low() + static_cast<double>(i) * d.step());
    if (d.kind() == dimension_kind::integer) return static_cast<std::int64_t>(std::llround(x));
    return x;
}

// The values one dimension takes on the grid: all of them when there are at most `points`
// (choices, ints, stepped floats), else `points` values evenly spaced in unit space, both
// ends included, so a log dimension gets log-spaced values.
axis make_axis(const dimension& d, std::int64_t points) {
    axis a;
    std::int64_t n = d.cardinality();
    if (n > 0 && n <= points) {
        for (std::int64_t i = 0; i < n; ++i) a.push_back(nth_value(d, i));
    } else if (points == 1) {
        a.push_back(d.from_unit(0.5));
    } else {
        for (std::int64_t i = 0; i < points; ++i) {
            value v = d.from_unit(static_cast<double>(i) / static_cast<double>(points - 1));
            // from_unit is monotone: rounding to ints or steps repeats values side by side.
            if (a.empty() || a.back() != v) a.push_back(std::move(v));
        }
    }
    return a;
}

// Product of the axis sizes, saturated at int64_max instead of overflowing.
std::int64_t grid_size(const std::vector<axis>& axes) {
    std::int64_t total = 1;
    for (const auto& a : axes) {
        auto n = static_cast<std::int64_t>(a.size());
        if (n == 0) return 0;
        if (total > int64_max / n) return int64_max;
        total *= n;
    }
    return total;
}

class grid_sampler : public sampler {
public:
    static plugin_info info() {
        return {.name = "grid",
                .version = "1.0.0",
                .summary =
                    "Every combination of a grid over the space; trial n is point n "
                    "(wrapping around past the last point)",
                .options = {
                    {.name = "points",
                     .type = option_type::integer,
                     .default_value = std::int64_t{5},
                     .help = "values per dimension: choices, ints and stepped floats with at "
                             "most this many values take all of them, the others this many, "
                             "evenly spaced on their scale with both ends included",
                     .min = 1.0,
                     .max = 1e6},
                    {.name = "allow_partial",
                     .type = option_type::boolean,
                     .default_value = false,
                     .help = "run even when the grid has more points than the study's trials "
                             "(only the first points are visited, the last dimension turning "
                             "fastest); when the trials exceed the "
                             "grid, trial numbers wrap around and points repeat"},
                }};
    }

    explicit grid_sampler(const options& o)
        : points_(o.get_int("points")), allow_partial_(o.get_bool("allow_partial")) {
        if (points_ < 1)
            throw std::invalid_argument("points must be at least 1, got points=" +
                                        std::to_string(points_));
    }

    void prepare(const space& s, std::int64_t budget) override {
        const auto& axes = axes_for(s);
        std::int64_t size = grid_size(axes);
        if (size == 0) throw std::invalid_argument("the grid is empty: a dimension has no values");
        if (size <= budget || allow_partial_) return;
        std::string count =
            size == int64_max ? "more than " + std::to_string(int64_max) : std::to_string(size);
        throw std::invalid_argument("the grid has " + count + " points but the study runs " +
                                    std::to_string(budget) +
                                    " trials: raise [experiment] trials, lower [sampler] "
                                    "points, or set allow_partial = true");
    }

    params propose(const sample_request& req) override {
        const auto& axes = axes_for(req.space);
        std::int64_t size = grid_size(axes);
        if (size == 0) throw std::invalid_argument("the grid is empty: a dimension has no values");
        // A budget beyond the grid wraps around rather than failing the extra trials.
        std::int64_t rest = req.number % size;
        if (rest < 0) rest += size;
        params p;
        for (std::size_t i = axes.size(); i-- > 0;) {
            auto n = static_cast<std::int64_t>(axes[i].size());
            p.emplace(req.space[i].name(), axes[i][static_cast<std::size_t>(rest % n)]);
            rest /= n;
        }
        return p;
    }

private:
    // Axes are cached per space: the strategy may hand in a narrowed copy, which gets its own.
    const std::vector<axis>& axes_for(const space& s) {
        std::uint64_t h = s.hash();
        if (!cached_ || h != cached_hash_) {
            axes_.clear();
            for (const auto& d : s) axes_.push_back(make_axis(d, points_));
            cached_hash_ = h;
            cached_ = true;
        }
        return axes_;
    }

    std::int64_t points_;
    bool allow_partial_;
    bool cached_ = false;
    std::uint64_t cached_hash_ = 0;
    std::vector<axis> axes_;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::grid_sampler)
