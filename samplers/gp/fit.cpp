#include "fit.hpp"

#include <caviar/seed.hpp>

#include <LBFGSB.h>
#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace caviar::gp {
namespace {

struct prior {
    double mean, sd, low, high;  // on the log scale

    double log_density(double v, double& gradient) const {
        double z = (v - mean) / sd;
        gradient = -z / sd;
        return -0.5 * z * z;
    }
};

prior length_prior(std::size_t scales) {
    double d = static_cast<double>(std::max<std::size_t>(scales, 1));
    return {std::numbers::sqrt2 + 0.5 * std::log(d), std::sqrt(3.0), std::log(0.01),
            std::log(100.0)};
}
const prior signal_prior{0.0, 1.0, std::log(0.01), std::log(100.0)};
const prior noise_prior{std::log(1e-4), 2.5, std::log(1e-6), std::log(2.0)};

// The objective L-BFGS-B minimises, with the pairwise distances per length scale computed once.
class objective {
public:
    objective(const encoding& enc, const Eigen::MatrixXd& x, std::span<const double> y,
              std::span<const double> extra)
        : scales_(enc.scales()),
          n_(x.cols()),
          y_(Eigen::Map<const Eigen::VectorXd>(y.data(), n_)),
          extra_(extra.begin(), extra.end()),
          length_prior_(length_prior(scales_)) {
        // share_[d](i, j): squared distance of points i and j over dimension d's features.
        share_.assign(scales_, Eigen::MatrixXd::Zero(n_, n_));
        for (Eigen::Index j = 0; j < n_; ++j)
            for (Eigen::Index i = j + 1; i < n_; ++i)
                for (std::size_t f = 0; f < enc.features(); ++f) {
                    double d =
                        x(static_cast<Eigen::Index>(f), i) - x(static_cast<Eigen::Index>(f), j);
                    share_[enc.scale_of(f)](i, j) += d * d;
                }
    }

    double operator()(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) {
        double v = evaluate(theta, gradient);
        if (v < best_value_) {
            best_value_ = v;
            best_ = theta;
        }
        return v;
    }

    double evaluate(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) const {
        const auto s = static_cast<Eigen::Index>(scales_);
        gradient.setZero(s + 2);
        std::vector<double> inv2(scales_);
        for (std::size_t d = 0; d < scales_; ++d)
            inv2[d] = std::exp(-2 * theta(static_cast<Eigen::Index>(d)));
        const double signal = std::exp(theta(s)), noise = std::exp(theta(s + 1));

        Eigen::MatrixXd k(n_, n_), r2(n_, n_);
        for (Eigen::Index j = 0; j < n_; ++j) {
            for (Eigen::Index i = j + 1; i < n_; ++i) {
                double r = 0;
                for (std::size_t d = 0; d < scales_; ++d) r += share_[d](i, j) * inv2[d];
                r2(i, j) = r;
                k(i, j) = signal * m52(r);
            }
            k(j, j) = signal + noise + extra_[static_cast<std::size_t>(j)] + jitter;
        }
        Eigen::LLT<Eigen::MatrixXd> llt(k);  // reads the lower triangle only
        if (llt.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
        Eigen::VectorXd alpha = llt.solve(y_);
        double log_det = 0;
        for (Eigen::Index i = 0; i < n_; ++i) log_det += std::log(llt.matrixL()(i, i));
        double nll = 0.5 * y_.dot(alpha) + log_det +
                     0.5 * static_cast<double>(n_) * std::log(2 * std::numbers::pi);

        // d nll / d theta = -1/2 tr(W dK/dtheta), W = alpha alpha^T - K^-1 (symmetric).
        Eigen::MatrixXd w = llt.solve(Eigen::MatrixXd::Identity(n_, n_));
        w = alpha * alpha.transpose() - w;
        double g_signal = 0, g_noise = 0;
        std::vector<double> g_length(scales_, 0.0);
        for (Eigen::Index j = 0; j < n_; ++j) {
            g_signal += 0.5 * w(j, j) * signal;
            g_noise += 0.5 * w(j, j) * noise;
            for (Eigen::Index i = j + 1; i < n_; ++i) {
                double wij = w(i, j);  // counted twice: (i, j) and (j, i)
                g_signal += wij * signal * m52(r2(i, j));
                double factor = wij * signal * m52_length_factor(r2(i, j));
                for (std::size_t d = 0; d < scales_; ++d)
                    g_length[d] += factor * share_[d](i, j) * inv2[d];
            }
        }
        for (std::size_t d = 0; d < scales_; ++d)
            gradient(static_cast<Eigen::Index>(d)) = -g_length[d];
        gradient(s) = -g_signal;
        gradient(s + 1) = -g_noise;

        double g;
        for (std::size_t d = 0; d < scales_; ++d) {
            auto i = static_cast<Eigen::Index>(d);
            nll -= length_prior_.log_density(theta(i), g);
            gradient(i) -= g;
        }
        nll -= signal_prior.log_density(theta(s), g);
        gradient(s) -= g;
        nll -= noise_prior.log_density(theta(s + 1), g);
        gradient(s + 1) -= g;
        return nll;
    }

    const prior& length() const { return length_prior_; }
    double best_value() const { return best_value_; }
    const Eigen::VectorXd& best() const { return best_; }

private:
    std::size_t scales_;
    Eigen::Index n_;
    Eigen::VectorXd y_;
    std::vector<double> extra_;
    prior length_prior_;
    std::vector<Eigen::MatrixXd> share_;
    double best_value_ = std::numeric_limits<double>::infinity();
    Eigen::VectorXd best_;
};

}  // namespace

double negative_log_posterior(const encoding& enc, const Eigen::MatrixXd& x,
                              std::span<const double> y, std::span<const double> extra_noise,
                              const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) {
    return objective(enc, x, y, extra_noise).evaluate(theta, gradient);
}

hyperparameters fit(const encoding& enc, const Eigen::MatrixXd& x, std::span<const double> y,
                    std::span<const double> extra_noise, std::uint64_t seed,
                    const fit_settings& settings) {
    objective f(enc, x, y, extra_noise);
    const auto s = static_cast<Eigen::Index>(enc.scales());
    Eigen::VectorXd low(s + 2), high(s + 2), start(s + 2);
    for (Eigen::Index d = 0; d < s; ++d) {
        low(d) = f.length().low;
        high(d) = f.length().high;
    }
    low(s) = signal_prior.low;
    high(s) = signal_prior.high;
    low(s + 1) = noise_prior.low;
    high(s + 1) = noise_prior.high;

    LBFGSpp::LBFGSBParam<double> param;
    param.max_iterations = settings.max_iterations;
    param.epsilon = 1e-5;
    param.epsilon_rel = 1e-5;
    param.max_linesearch = 30;
    LBFGSpp::LBFGSBSolver<double> solver(param);
    rng r(mix64(seed));
    // With many points the likelihood has one clear peak; the restarts are for the few-point
    // fits early in a study, where it can have several.
    const int restarts = x.cols() < restart_below ? settings.restarts : 0;
    for (int attempt = 0; attempt <= restarts; ++attempt) {
        for (Eigen::Index d = 0; d < s; ++d)  // the prior's centre, then log-uniform lengths
            start(d) = attempt == 0 ? std::clamp(f.length().mean, low(d), high(d))
                                    : std::log(0.05) + unit_draw(r) * std::log(100.0);
        start(s) = 0;
        start(s + 1) = std::log(1e-3);
        double value = 0;
        try {
            solver.minimize(f, start, value, low, high);
        } catch (const std::exception&) {
            // The line search gave up: f kept the best point it saw.
        }
    }
    hyperparameters h;
    const Eigen::VectorXd& best = f.best();
    if (best.size() == s + 2 && std::isfinite(f.best_value())) {
        for (Eigen::Index d = 0; d < s; ++d) h.log_length.push_back(best(d));
        h.log_signal = best(s);
        h.log_noise = best(s + 1);
    } else {  // nothing finite (cannot happen with the jitter): the prior's centre
        h.log_length.assign(static_cast<std::size_t>(s), f.length().mean);
    }
    return h;
}

}  // namespace caviar::gp
