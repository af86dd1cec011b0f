// Kernel parameters by maximising the log marginal likelihood plus weak log-normal priors.
//
// - Length scales: log l ~ N(sqrt2 + ln(d) / 2, 3) for d length scales, the prior of Hvarfner
//   et al. (2024, "Vanilla Bayesian optimization performs great in high dimensions"), which
//   scales the expected length with the dimension so that a 10-D space is not modelled as
//   noise. Bounded to [0.01, 100] in the unit cube.
// - Signal variance (targets are standardised): log s ~ N(0, 1), in [0.01, 100].
// - Noise variance: log n ~ N(ln 1e-4, 2.5^2), in [1e-6, 2]: noiseless objectives are fitted
//   as such, noisy ones move it up.
// The optimiser is L-BFGS-B (LBFGS++, Debian's liblbfgspp-dev: header-only on Eigen, which the
// sampler already uses) with analytic gradients, from the prior's centre and, while it sees fewer
// than 64 trials, `restarts` more seeded starts; the best of all is kept, and a start that fails (a
// line search that cannot go on) still gives the best point it reached.
#pragma once

#include "encoding.hpp"
#include "kernel.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <span>

namespace caviar::gp {

/// Fits of at least this many points start from the prior's centre only.
inline constexpr Eigen::Index restart_below = 64;

struct fit_settings {
    int restarts = 1;  // below restart_below points
    int max_iterations = 50;
};

/// The parameters for points `x` (features in columns), targets `y` and per-point extra noise.
hyperparameters fit(const encoding& enc, const Eigen::MatrixXd& x, std::span<const double> y,
                    std::span<const double> extra_noise, std::uint64_t seed,
                    const fit_settings& settings);

/// -(log marginal likelihood + log prior) and its gradient with respect to
/// (log_length..., log_signal, log_noise); exposed for the test that checks the gradient.
double negative_log_posterior(const encoding& enc, const Eigen::MatrixXd& x,
                              std::span<const double> y, std::span<const double> extra_noise,
                              const Eigen::VectorXd& theta, Eigen::VectorXd& gradient);

}  // namespace caviar::gp
