// The logarithm of expected improvement, finite and accurate where EI itself underflows.
//
// EI(mean, sd) below the incumbent best = sd h(z), z = (best - mean) / sd, h(z) = phi(z) + z
// Phi(z). Far from the incumbent (z << 0) h(z) is below the smallest double, so every candidate
// would score 0 and the acquisition could not tell them apart; log h is computed instead with the
// scaled complementary error function (Ament et al., 2023, "Unexpected improvements to expected
// improvement for Bayesian optimization").
#pragma once

#include <cmath>

namespace caviar::gp {

/// log h(z), h(z) = phi(z) + z Phi(z), for any finite z.
double log_h(double z);

/// log EI of a point with posterior mean and standard deviation sd (> 0), minimising, against
/// the incumbent `best`.
inline double log_expected_improvement(double mean, double sd, double best) {
    return log_h((best - mean) / sd) + std::log(sd);
}

}  // namespace caviar::gp
