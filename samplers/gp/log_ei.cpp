#include "log_ei.hpp"

#include <boost/math/special_functions/erf.hpp>

#include <cmath>
#include <numbers>

namespace caviar::gp {
namespace {

const double log_sqrt_2pi = 0.5 * std::log(2 * std::numbers::pi);

// erfcx(x) = e^(x^2) erfc(x) for x >= 0.5: directly while e^(x^2) is finite, else its
// asymptotic series (error below 1e-12 for x >= 25).
double erfcx(double x) {
    if (x < 25) return std::exp(x * x) * boost::math::erfc(x);
    double t = 1 / (2 * x * x);
    return (1 - t + 3 * t * t - 15 * t * t * t) / (x * std::sqrt(std::numbers::pi));
}

}  // namespace

double log_h(double z) {
    if (z > -1) {
        double cdf = 0.5 * boost::math::erfc(-z / std::numbers::sqrt2);
        double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi);
        return std::log(pdf + z * cdf);
    }
    double log_pdf = -0.5 * z * z - log_sqrt_2pi;
    if (z > -100) {
        // h = phi(z) (1 + z Phi(z) / phi(z)), and Phi(z) / phi(z) = sqrt(pi / 2) erfcx(-z / sqrt2).
        double ratio = std::sqrt(std::numbers::pi / 2) * erfcx(-z / std::numbers::sqrt2);
        return log_pdf + std::log1p(z * ratio);
    }
    // h ~ phi(z) / z^2 (1 - 3 / z^2 + 15 / z^4): 1 + z ratio above cancels too much out here.
    double t = 1 / (z * z);
    return log_pdf + std::log(t) + std::log1p(-3 * t + 15 * t * t);
}

}  // namespace caviar::gp
