// Sampler plugins propose the parameters of new trials.
#pragma once

#include <caviar/export.hpp>
#include <caviar/plugin_kind.hpp>
#include <caviar/space.hpp>
#include <caviar/trial.hpp>
#include <caviar/value.hpp>

#include <cstdint>
#include <span>

namespace caviar {

/// Everything a sampler may look at when it proposes trial `number`.
struct sample_request {
    /// The space to sample, possibly narrowed by the strategy (coarse to fine).
    const caviar::space& space;
    /// Finished trials (complete, pruned, failed) of the study, read-only: earlier runs' in
    /// number order, then this run's in the order they finished (look trials up by number).
    std::span<const trial* const> finished;
    /// Params of trials running now, so a sampler can avoid proposing them again.
    std::span<const params> pending;
    /// Finished trials of another study to learn from (warm start), possibly with params
    /// outside this space (skip those); empty unless the experiment asks for a warm start.
    std::span<const trial* const> prior;
    const caviar::objective& objective;
    /// The new trial's number and seed (derive_seed(study seed, number)).
    std::int64_t number = 0;
    std::uint64_t seed = 0;
    /// The study's trial budget.
    std::int64_t budget = 0;
    /// The study's seed, for a design every trial of the study shares (a scrambled sequence,
    /// strata permutations): the same in every request of a study, and across its resumes.
    std::uint64_t study_seed = 0;
};

/// Thread: every method is called under the coordinator's lock, one call at a time, so a
/// sampler need not be thread-safe. Lifetime: built once per study from its options.
class CAVIAR_API sampler {
public:
    using interface = sampler;
    static constexpr plugin_kind kind = plugin_kind::sampler;

    virtual ~sampler();

    /// Checks the sampler can serve this space and budget before any trial runs; throws
    /// std::invalid_argument with a message for the user (e.g. a grid larger than the budget).
    virtual void prepare(const space& s, std::int64_t budget);

    /// Params for trial req.number: one value per dimension of req.space, each contained in it.
    /// Must depend only on the request (same request -> same params).
    virtual params propose(const sample_request& req) = 0;
};

}  // namespace caviar
