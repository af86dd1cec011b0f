// The grid sampler: every combination of a few values per dimension. Trial n gets the n-th
// point of the grid (mixed radix over the dimensions in space order, the last one turning
// fastest, as in nested loops), so params depend on the trial number only. In a conditional
// space the grid holds distinct params: a dimension multiplies only the points where it is
// active.
#include <caviar/caviar.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
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

// The values one dimension takes on the grid: every choice of a categorical (there is no
// "between" to thin them to); for numbers, all of them when there are at most `points` (ints,
// stepped floats), else `points` values evenly spaced in unit space, both ends included, so a
// log dimension gets log-spaced values.
axis make_axis(const dimension& d, std::int64_t points) {
    axis a;
    std::int64_t n = d.cardinality();
    if (d.kind() == dimension_kind::categorical || (n > 0 && n <= points)) {
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

// a * b saturated at int64_max instead of overflowing (both >= 0).
std::int64_t times(std::int64_t a, std::int64_t b) {
    if (a != 0 && b > int64_max / a) return int64_max;
    return a * b;
}

std::int64_t plus(std::int64_t a, std::int64_t b) {
    return a > int64_max - b ? int64_max : a + b;
}

// The grid as distinct params. A dimension contributes its axis only where it is active (an
// inactive one is absent from the params, so it must not multiply the grid): the points are
// the leaves of a tree with one level per dimension, in space order, the last turning fastest.
// Activity depends on the parents' values only, so subtree sizes are memoised by the dimension
// and the axis positions chosen for the parents so far; point n is found by descending through
// the sizes, without enumerating the grid.
class grid_plan {
public:
    grid_plan(const space& s, std::int64_t points) : space_(s) {
        for (const auto& d : s) axes_.push_back(make_axis(d, points));
        slot_.assign(s.size(), -1);
        parent_.assign(s.size(), -1);
        enables_.resize(s.size());
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (!s[i].when()) continue;
            for (std::size_t j = 0; j < i; ++j)
                if (s[j].name() == s[i].when()->parent) parent_[i] = static_cast<int>(j);
            // A broken condition (refused when the space is validated) leaves i never active.
            if (parent_[i] < 0) continue;
            auto p = static_cast<std::size_t>(parent_[i]);
            if (slot_[p] < 0) slot_[p] = slots_++;
            const auto& values = s[i].when()->values;
            for (const auto& v : axes_[p])
                enables_[i].push_back(std::find(values.begin(), values.end(), v) != values.end());
        }
    }

    // Number of distinct points, saturated at int64_max.
    std::int64_t size() { return count(0, std::vector<int>(static_cast<std::size_t>(slots_), -1)); }

    params point(std::int64_t n) {
        params p;
        std::vector<int> state(static_cast<std::size_t>(slots_), -1);
        for (std::size_t i = 0; i < axes_.size(); ++i) {
            if (!active(i, state)) continue;
            const axis& a = axes_[i];
            std::size_t k = 0;
            if (slot_[i] < 0) {
                // Not a parent: every value has a subtree of the same size.
                std::int64_t sub = count(i + 1, state);
                k = static_cast<std::size_t>(n / sub);
                n %= sub;
            } else {
                for (;; ++k) {
                    state[static_cast<std::size_t>(slot_[i])] = static_cast<int>(k);
                    std::int64_t sub = count(i + 1, state);
                    if (n < sub || k + 1 == a.size()) break;
                    n -= sub;
                }
            }
            p.emplace(space_[i].name(), a[std::min(k, a.size() - 1)]);
        }
        return p;
    }

private:
    // state[slot] is the axis position chosen for a parent dimension, -1 while unset or inactive.
    bool active(std::size_t i, const std::vector<int>& state) const {
        if (!space_[i].when()) return true;
        if (parent_[i] < 0) return false;
        int k = state[static_cast<std::size_t>(slot_[static_cast<std::size_t>(parent_[i])])];
        return k >= 0 && enables_[i][static_cast<std::size_t>(k)];
    }

    // Leaves below dimension i given the parents' positions.
    std::int64_t count(std::size_t i, const std::vector<int>& state) {
        if (i == axes_.size()) return 1;
        auto key = std::make_pair(i, state);
        if (auto it = memo_.find(key); it != memo_.end()) return it->second;
        std::int64_t total = 0;
        auto n = static_cast<std::int64_t>(axes_[i].size());
        if (!active(i, state)) {
            total = count(i + 1, state);
        } else if (slot_[i] < 0) {
            total = times(n, count(i + 1, state));
        } else {
            std::vector<int> next = state;
            for (std::int64_t k = 0; k < n; ++k) {
                next[static_cast<std::size_t>(slot_[i])] = static_cast<int>(k);
                total = plus(total, count(i + 1, next));
            }
        }
        memo_.emplace(std::move(key), total);
        return total;
    }

    space space_;
    std::vector<axis> axes_;
    std::vector<int> slot_;    // per dimension: its place in the state if it is a parent, else -1
    std::vector<int> parent_;  // per dimension: the index of its condition's parent, else -1
    std::vector<std::vector<bool>> enables_;  // per conditional dimension: per parent value
    int slots_ = 0;
    std::map<std::pair<std::size_t, std::vector<int>>, std::int64_t> memo_;
};

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
        std::int64_t size = plan_for(s).size();
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
        grid_plan& plan = plan_for(req.space);
        std::int64_t size = plan.size();
        if (size == 0) throw std::invalid_argument("the grid is empty: a dimension has no values");
        // A budget beyond the grid wraps around rather than failing the extra trials.
        std::int64_t rest = req.number % size;
        if (rest < 0) rest += size;
        return plan.point(rest);
    }

private:
    // Plans are cached per space: the strategy may hand in a narrowed copy, which gets its own.
    grid_plan& plan_for(const space& s) {
        std::uint64_t h = s.hash();
        if (!plan_ || h != cached_hash_) {
            plan_ = std::make_unique<grid_plan>(s, points_);
            cached_hash_ = h;
        }
        return *plan_;
    }

    std::int64_t points_;
    bool allow_partial_;
    std::uint64_t cached_hash_ = 0;
    std::unique_ptr<grid_plan> plan_;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::grid_sampler)
