// The Matern-5/2 kernel with one length scale per dimension (automatic relevance
// determination), and its parameters.
#pragma once

#include <cmath>
#include <vector>

namespace caviar::gp {

/// Kernel and noise parameters, on the log scale the fit searches: the covariance of two points
/// at scaled distance r is signal * m52(r), plus noise on the diagonal.
struct hyperparameters {
    std::vector<double> log_length;  // one per length scale of the encoding
    double log_signal = 0;
    double log_noise = std::log(1e-4);

    double signal() const { return std::exp(log_signal); }
    double noise() const { return std::exp(log_noise); }
};

/// Added to the covariance's diagonal, so that a factor of points closer than the noise can
/// resolve stays positive definite (the fit and the posterior add the same).
inline constexpr double jitter = 1e-9;

/// Matern-5/2 correlation at squared scaled distance r2: (1 + sqrt5 r + 5/3 r^2) e^(-sqrt5 r).
inline double m52(double r2) {
    double r = std::sqrt(r2), a = std::sqrt(5.0) * r;
    return (1 + a + 5.0 / 3.0 * r2) * std::exp(-a);
}

/// d m52 / d log(length_d) = m52_length_factor(r2) * s_d, where s_d is dimension d's share of
/// r2: the factor is 5/3 (1 + sqrt5 r) e^(-sqrt5 r), finite at r = 0.
inline double m52_length_factor(double r2) {
    double a = std::sqrt(5.0 * r2);
    return 5.0 / 3.0 * (1 + a) * std::exp(-a);
}

}  // namespace caviar::gp
