// A Parzen estimator over a block of dimensions in unit space: a weighted mixture of product
// kernels, one per observation, plus a uniform prior component. Numeric axes get Gaussians
// truncated to [0, 1]; categorical axes get a categorical distribution peaked on the observed
// choice. TPE builds two of these, l (good trials) and g (the rest), and ranks candidates drawn
// from l by log l - log g.
#pragma once

#include "unit_axis.hpp"

#include <caviar/seed.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace caviar::tpe {

/// How wide the kernels are. Scott's rule per axis, sigma = factor * sd * n^(-1/(d+4)), where
/// sd is the spread of the observations on that axis, clipped below by
/// max(floor, magic / min(100, n + 1)) (Optuna's "magic clip": few observations, wide kernels)
/// and by the width of the observation's cell on a discrete axis, and above by 1.
struct bandwidth_rule {
    double factor = 1.0;
    double magic = 1.0;
    double floor = 1e-3;
};

class parzen_estimator {
public:
    /// Starts a new mixture over these axes (kept by pointer until the next reset).
    void reset(std::span<const unit_axis> axes, double prior_weight);
    /// Adds one kernel per row (a full unit vector, read at each axis's index) with its weight,
    /// widths from the rule over these rows. Call once, before add_sharp.
    void fit(std::span<const double* const> rows, std::span<const double> weights,
             const bandwidth_rule& rule);
    /// Adds one kernel with the given numeric widths (one per axis; categorical ones ignored).
    void add_sharp(const double* row, double weight, std::span<const double> sigma);
    /// Normalises the weights; call after the last add and before sample / log_pdf.
    void finish();

    /// Draws a point (block coordinates, discrete ones at their cell's centre) into x.
    void sample(rng& r, std::span<double> x) const;
    /// Log density at x (block coordinates, as sample gives them).
    double log_pdf(std::span<const double> x) const;

    /// The Scott widths of the last fit, one per axis (before the per-cell clip).
    std::span<const double> widths() const { return widths_; }
    double total_weight() const { return total_; }

private:
    std::span<const unit_axis> axes_;
    double prior_weight_ = 1;
    double smoothing_ = 1;  // categorical: each choice gets this much beside the observed one
    std::vector<double> widths_;

    // Per kernel k and axis j at [k * d + j]: centre (a choice index on categorical axes) and
    // 1 / sigma; per kernel: raw weight, log normaliser, then log of normalised weight x
    // normaliser.
    std::vector<double> mu_, inv_sigma_, sigma_;
    std::vector<double> weight_, log_norm_, log_coef_;
    std::vector<double> cumulative_;          // for drawing a kernel; the prior is the last slot
    std::vector<double> log_hit_, log_miss_;  // per categorical axis
    double log_prior_ = 0;
    double total_ = 0;
};

}  // namespace caviar::tpe
