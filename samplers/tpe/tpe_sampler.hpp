// The Tree-structured Parzen Estimator sampler (Bergstra et al. 2011; Optuna's TPESampler),
// working in the space's unit cube so scales and steps are the space's business.
#pragma once

#include "condition_groups.hpp"
#include "observations.hpp"
#include "parzen_estimator.hpp"

#include <caviar/sampler.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace caviar::tpe {

struct tpe_settings {
    /// Random proposals until this many trials have a finite objective.
    std::int64_t startup_trials = 10;
    /// The good fraction; 0 means Optuna's default, min(ceil(0.1 n), 25) good trials.
    double gamma = 0;
    /// Points drawn from l, of which the one with the best log l - log g is proposed.
    std::int64_t candidates = 24;
    /// One joint density per condition group (true) or one per dimension.
    bool multivariate = true;
    /// Weight of the uniform prior component, in observations.
    double prior_weight = 1.0;
    /// Count running trials as bad, with sharp kernels, so parallel proposals spread out.
    bool constant_liar = true;
    /// Weight of each warm-start trial's kernel against 1 for the study's own. Warm-start trials
    /// are split into good and bad among themselves, by their own study's values, never ranked
    /// against today's: after a retune their values come from another environment.
    double prior_trust = 0.5;

    /// magic 0.5: half Optuna's clip, measured better on branin and hartmann6 (bench/README.md).
    bandwidth_rule bandwidth{.factor = 1.0, .magic = 0.5, .floor = 1e-3};
    /// At most this many kernels in g: beyond it, a subsample stratified by rank (each kernel
    /// standing for its share of the bad trials) keeps a proposal's cost flat as trials grow.
    std::size_t max_bad_kernels = 128;
};

class tpe_sampler : public sampler {
public:
    explicit tpe_sampler(tpe_settings s) : settings_(s) {}
    params propose(const sample_request& req) override;

private:
    std::size_t good_count(std::size_t n) const;
    void sample_group(const condition_group& g, rng& r, std::vector<double>& u);
    // Appends the good and bad kernels of one set of observations (the study's own, or the
    // warm start's), each kernel weighted `weight`.
    void split(std::span<const std::uint32_t> ok, std::span<const std::uint32_t> failed,
               double weight);
    void sample_block(std::span<const unit_axis> axes, rng& r, std::vector<double>& u);

    tpe_settings settings_;
    observations seen_;

    // Scratch, kept to avoid allocating on every proposal.
    std::vector<double> pending_;  // unit vectors of running trials that fit the space
    std::vector<const double*> good_, bad_, liars_;
    std::vector<double> bad_weights_, good_weights_;
    std::vector<std::uint32_t> ok_scratch_, failed_scratch_, ok_prior_, failed_prior_;
    std::vector<double> candidates_;
    parzen_estimator l_, g_;
};

}  // namespace caviar::tpe
