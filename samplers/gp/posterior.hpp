// The GP posterior over a growing set of points: a Cholesky factor that grows by one row per
// point, so a trial that finishes costs O(n^2) instead of a new O(n^3) factorisation.
//
// Same inputs, same bits: the rows of the first factorisation (Eigen's LLT) and every row added
// after it are computed by fixed code in a fixed order, so a sampler that grew its factor trial
// by trial and a fresh one that builds it for a resumed study agree exactly when they were given
// the same base and the same rows (the sampler decides both from the request alone).
#pragma once

#include "encoding.hpp"
#include "kernel.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <span>

namespace caviar::gp {

class posterior {
public:
    /// Starts over with these parameters and base points (features in columns, one extra noise
    /// variance per point on top of h's), factorised at once.
    void reset(const encoding& enc, const hyperparameters& h, const Eigen::MatrixXd& base,
               std::span<const double> extra_noise);
    /// Adds one point (features of enc.features() doubles) as the factor's next row.
    void add(const double* features, double extra_noise);
    /// Drops the points after the first n (they were added last, so the factor of the first n
    /// is what it was before they came).
    void truncate(std::size_t n);
    std::size_t size() const { return n_; }

    /// Sets the targets, one per point in order (standardised objective values), and solves
    /// for the weights of the mean.
    void set_targets(std::span<const double> y);

    /// Posterior mean and latent (noise-free) variance at each column of `points` (features).
    void predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean, Eigen::VectorXd& var) const;

    /// The smallest squared scaled distance from `features` to the points from `first` on.
    double nearest(const double* features, std::size_t first) const;

    const hyperparameters& parameters() const { return h_; }

private:
    void reserve(std::size_t n);
    // Features divided by their length scale, so r^2 is a plain squared distance.
    void scale_into(const double* features, double* out) const;
    double covariance(const double* a, const double* b) const;

    hyperparameters h_;
    std::vector<double> inverse_length_;  // per feature
    std::size_t features_ = 0, n_ = 0;
    double signal_ = 1, noise_ = 0;
    Eigen::MatrixXd x_;  // scaled features, one column per point (capacity columns)
    Eigen::MatrixXd l_;  // lower Cholesky factor, top-left n x n in use
    Eigen::VectorXd alpha_;
};

}  // namespace caviar::gp
