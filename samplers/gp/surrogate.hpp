// The GP model of a study, kept up to date across proposals at O(n^2) per finished trial.
//
// - Kernel parameters are refitted on a schedule of the number of observations n: at every n
//   below 32, then every 2^k trials in [16 2^k, 32 2^k) (every 2 from 32, 4 from 64, ..., 32
//   from 512), about 16 fits per doubling. In between, new trials only add a row to the factor.
// - The fit sees at most `fit_points` observations (a seeded random subset beyond that): the
//   parameters are settled well before, and the fit is O(points^3) per step.
// - Above `max_trials` observations the model keeps, at each refit, the max_trials / 2 best and
//   the most recent others up to max_trials, then grows again until the next refit: the cost of
//   a proposal stays bounded and the region of the best trials stays modelled.
// Which parameters and rows the model has follows from the request alone (the refit point, the
// subset seeds), so a fresh sampler for a resumed study builds the same model.
#pragma once

#include "encoding.hpp"
#include "fit.hpp"
#include "history.hpp"
#include "posterior.hpp"

#include <caviar/sampler.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace caviar::gp {

struct surrogate_settings {
    bool warp = true;
    double prior_trust = 0.5;
    std::size_t max_trials = 1000;
    std::size_t fit_points = 128;
    fit_settings fit;
};

/// The refit point for n observations: the largest r <= n on the schedule above.
std::size_t refit_point(std::size_t n);

class surrogate {
public:
    explicit surrogate(const surrogate_settings& s) : settings_(s) {}

    /// Brings the model up to date with the request's space, prior and finished trials.
    void update(const sample_request& req);

    const history& data() const { return history_; }
    const encoding& features() const { return encoding_; }
    /// Observations with a finite score: the study's own, and the warm start's in use.
    std::size_t own_finite() const { return history_.own_finite(); }
    std::size_t prior_finite() const {
        return settings_.prior_trust > 0 ? history_.prior_finite() : 0;
    }
    const surrogate_settings& settings() const { return settings_; }

    /// Sets the targets and adds the running trials' params as observations at the model's own
    /// prediction (the kriging believer), so the acquisition looks elsewhere; undone by
    /// forget_pending(). Returns the incumbent: the best target among the study's own trials
    /// (the warm start's when it has none) and the believed values.
    double condition(const space& s, std::span<const params> pending);
    void forget_pending();

    const posterior& model() const { return posterior_; }
    /// Rows of the model for finished trials; the running ones' believed rows come after.
    std::size_t rows() const { return rows_.size(); }
    /// Unit points of the k best observations in the model, best first (after condition()).
    std::vector<std::vector<double>> best(std::size_t k) const;
    /// Refits so far in this process (for tests and the bench).
    std::size_t fits() const { return fits_; }

private:
    void refit(std::size_t r, std::uint64_t study_seed);
    void add_row(std::size_t observation);
    // Targets of every observation, each group (own, warm start) standardised apart.
    std::vector<double> all_targets(std::size_t upto) const;
    double extra_noise(std::size_t observation) const;
    bool used(std::size_t observation) const;

    surrogate_settings settings_;
    history history_;
    encoding encoding_;
    std::uint64_t space_hash_ = 0;
    std::size_t refit_at_ = std::numeric_limits<std::size_t>::max();
    std::size_t appended_ = 0;         // observations before this one have been considered
    std::vector<std::size_t> rows_;    // observation of each row of the posterior (finished)
    std::vector<double> targets_;      // per observation, set by condition()
    std::vector<double> row_targets_;  // per posterior row
    posterior posterior_;
    std::size_t fits_ = 0;
};

}  // namespace caviar::gp
