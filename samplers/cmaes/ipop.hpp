// IPOP-CMA-ES replayed from a study's history, so that the distribution a trial is drawn from
// depends on the finished trials only: the same history gives the same proposal, in the
// process that ran the study or in a fresh one that resumes it.
//
// Generations are blocks of consecutive trial numbers: the first run's first generation is
// trials 0 .. lambda-1, the next generation the following lambda trials, and so on; a restart
// doubles lambda for the blocks after it (IPOP, Auger & Hansen 2005). Trial n is drawn from
// the distribution after every block that is closed for it: a block ending at or before n
// is closed once all its trials have finished or, to get past a straggler, once n reaches
// one more block beyond it (then it is told with the members that have finished). A parallel
// worker that asks while its predecessors still run is thus given a sample of the latest
// closed generation, and its result counts for the block of its own number.
//
// The replay is kept across calls, so a proposal costs the same at 100,000 finished trials as
// at 100: within a study req.finished only grows, so each call indexes only the trials that
// finished since the last one, drops the told generations whose block one of them falls in
// (and those after), and starts its walk after the leading generations whose every member has
// finished (nothing can change them). A call whose finished trials are not an extension of
// the last call's (another history) replays from the start.
#pragma once

#include "cma.hpp"
#include "layout.hpp"

#include <caviar/sampler.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace caviar::cmaes {

struct ipop_settings {
    double sigma0 = 0.2;
    std::int64_t population = 0;  // 0: 4 + floor(3 ln n)
    std::int64_t max_restarts = 9;
    std::uint64_t seed = 0;       // mixed into the draws the replay makes
    double warm_start_top = 0.1;  // fraction of req.prior the first run starts from
};

class ipop {
public:
    explicit ipop(ipop_settings s) : settings_(s) {}

    /// The run to draw trial req.number from (valid until the next call).
    const cma& run_for(const sample_request& req, const layout& l);

private:
    // A told generation: its block, the members that were finished when it closed, and the
    // state after it (cached, since told generations never change).
    struct generation {
        std::int64_t start = 0;
        std::int64_t size = 0;  // lambda of the state before it: the block is [start, start + size)
        std::vector<std::int64_t> members;
        cma after;
        std::int64_t restarts = 0;
    };

    cma initial(const sample_request& req, const layout& l) const;
    generation tell(const cma& before, std::int64_t restarts, std::int64_t start,
                    std::vector<const trial*> members, const sample_request& req,
                    const layout& l) const;

    ipop_settings settings_;
    // What the cache was built for: the space (narrowed spaces differ), the direction and
    // the warm-start trials.
    std::uint64_t space_hash_ = 0;
    direction direction_ = direction::minimize;
    std::size_t prior_size_ = 0;
    std::optional<cma> initial_;
    std::vector<generation> told_;
    // The finished trials by number (null: not finished), from the first `indexed_` entries of
    // req.finished, whose first and last entries were these.
    std::vector<const trial*> by_number_;
    std::size_t indexed_ = 0;
    const trial* first_indexed_ = nullptr;
    const trial* last_indexed_ = nullptr;
    // Leading generations of told_ with every member of their block finished: final.
    std::size_t final_ = 0;
};

}  // namespace caviar::cmaes
