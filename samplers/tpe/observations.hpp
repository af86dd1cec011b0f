// The trials TPE learns from, as unit-space vectors ranked by objective, kept across calls.
//
// Within one study the finished trials only grow between proposals, so each call converts only
// the new ones (to_unit and a sorted insert) instead of all of them: at 10,000 trials that is
// the difference between microseconds and milliseconds per proposal. A call whose trials are
// not an extension of the last call's (another space, objective, prior or history) rebuilds.
// Whether they extend is judged by caviar::seen_trials (the ends of what was seen).
#pragma once

#include <caviar/seen_trials.hpp>
#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace caviar::tpe {

class observations {
public:
    /// Brings the cache up to date with the prior (warm-start) and finished trials.
    void update(const space& s, std::span<const trial* const> prior,
                std::span<const trial* const> finished, const objective& obj);

    /// Writes p's unit vector (NaN for inactive dimensions) into out, when p's active subset
    /// fits the space: every dimension active given p has a contained value (names outside the
    /// space are ignored). Returns false otherwise.
    static bool project(const space& s, const params& p, double* out);

    std::size_t dims() const { return dims_; }
    std::size_t size() const { return score_.size(); }
    const double* row(std::size_t i) const { return units_.data() + i * dims_; }
    /// Observations with a finite objective, best first (ties: earlier first).
    std::span<const std::uint32_t> ranked() const { return ranked_; }
    /// Observations without one (failed, or pruned before reporting): TPE counts them as bad.
    std::span<const std::uint32_t> failed() const { return failed_; }
    /// Whether observation i is a warm-start (prior) trial rather than one of the study's own:
    /// the prior ones come first.
    bool is_prior(std::uint32_t i) const { return i < prior_count_; }

private:
    void clear(const space& s, const objective& obj);
    void add(const space& s, const trial& t);
    /// Puts the usable observations add() made since the last call into ranked_.
    void rank_arrived();

    std::uint64_t space_hash_ = 0;
    direction direction_ = direction::minimize;
    bool built_ = false;
    seen_trials prior_seen_, finished_seen_;
    std::size_t prior_count_ = 0;  // observations made from prior trials (some may not fit)

    std::size_t dims_ = 0;
    std::vector<double> units_;  // size() x dims_
    std::vector<double> score_;  // lower is better; +inf without a value
    std::vector<std::uint32_t> ranked_, failed_;
    std::vector<std::uint32_t> arrived_;  // added, not ranked yet
};

}  // namespace caviar::tpe
