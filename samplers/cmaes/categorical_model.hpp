// Categorical dimensions, sampled apart from CMA-ES and from each other by how often each
// choice appears among good trials.
#pragma once

#include <caviar/sampler.hpp>
#include <caviar/seed.hpp>

#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

namespace caviar::cmaes {

/// A dimension with K choices takes choice c with probability
///     0.9 * (1 + g_c) / (K + G) + 0.1 / K,
/// where G good trials are the best quarter (rounded up) of the complete trials in
/// req.finished plus the best warm_start_top of the req.prior trials that fit the space, and
/// g_c of them have choice c (trials where the dimension is inactive are not counted). With no
/// good trials this is uniform; the 0.1 / K floor keeps every choice in play.
///
/// Kept across calls: within a study req.finished only grows, so each update() ranks only the
/// trials finished since the last one, into the best quarter or the rest (ordered sets), and
/// moves the trials at the border as the quarter grows: a call costs the log of the study's
/// size, not a sort of it. A call whose finished trials are not an extension of the last
/// call's (or with another space, objective or prior) counts again from scratch.
class categorical_model {
public:
    /// Brings the counts up to date with req.
    void update(const sample_request& req, double warm_start_top);

    /// Sets u[d] for each categorical dimension d to the centre of a drawn choice's cell.
    void draw(rng& r, std::vector<double>& u) const;

private:
    // A complete trial: its rank (minimised value, then number) and, for each categorical
    // dimension in order, the index of its choice (-1 where inactive or not a choice).
    struct ranked_trial {
        double score;
        std::int64_t number;
        std::vector<int> picks;
        bool operator<(const ranked_trial& o) const {
            return score != o.score ? score < o.score : number < o.number;
        }
    };

    void reset(const sample_request& req, double warm_start_top);
    void add(const space& s, const trial& t, const objective& o);
    void count(const ranked_trial& t, double sign);

    std::uint64_t space_hash_ = 0;
    direction direction_ = direction::minimize;
    std::size_t prior_size_ = 0;
    double warm_start_top_ = -1;
    bool built_ = false;
    std::size_t indexed_ = 0;  // entries of req.finished counted
    const trial* first_indexed_ = nullptr;
    const trial* last_indexed_ = nullptr;

    std::vector<std::size_t> categorical_;    // the categorical dimensions' indexes
    std::vector<std::vector<double>> prior_;  // choice counts of the good prior trials
    std::vector<std::vector<double>> good_;   // choice counts of `best_`
    std::set<ranked_trial> best_, rest_;      // the best quarter, and the other complete ones
    std::vector<std::vector<double>> probabilities_;  // by dimension index
};

}  // namespace caviar::cmaes
