// The trials the GP learns from, as unit-space points with a score, kept across calls.
//
// Within a study the finished trials only grow between proposals, so each call converts only
// the new ones (caviar::seen_trials); a call whose trials do not extend the last call's (another
// space, objective or warm start) starts over, and says so, so the model is rebuilt from scratch
// too.
#pragma once

#include <caviar/seen_trials.hpp>
#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace caviar::gp {

class history {
public:
    /// Brings the points up to date; returns false when it had to start over.
    bool update(const space& s, std::span<const trial* const> prior,
                std::span<const trial* const> finished, const objective& obj);

    std::size_t size() const { return score_.size(); }
    std::size_t dims() const { return dims_; }
    /// Point i's unit coordinates (NaN for inactive dimensions).
    std::span<const double> unit(std::size_t i) const { return {units_.data() + i * dims_, dims_}; }
    /// Lower is better; NaN for a trial without a finite objective (failed, pruned before it
    /// reported, NaN or infinite).
    double score(std::size_t i) const { return score_[i]; }
    /// Whether point i is a warm-start trial (they come first).
    bool is_prior(std::size_t i) const { return i < prior_count_; }
    std::size_t prior_count() const { return prior_count_; }
    /// Points with a finite score: warm-start ones, and the study's own.
    std::size_t prior_finite() const { return prior_finite_; }
    std::size_t own_finite() const { return finite_ - prior_finite_; }

private:
    void add(const space& s, const trial& t);

    bool built_ = false;
    std::uint64_t space_hash_ = 0;
    direction direction_ = direction::minimize;
    seen_trials prior_seen_, finished_seen_;
    std::size_t dims_ = 0, prior_count_ = 0, finite_ = 0, prior_finite_ = 0;
    std::vector<double> units_, score_;
};

}  // namespace caviar::gp
