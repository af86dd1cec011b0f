#include "parzen_estimator.hpp"

#include "random_draws.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace caviar::tpe {

namespace {

// log of 1 / (sigma sqrt(2 pi)) / Z, Z the mass of N(mu, sigma) inside [0, 1].
double log_truncated_normaliser(double mu, double sigma) {
    double z = normal_cdf((1 - mu) / sigma) - normal_cdf(-mu / sigma);
    return -std::log(sigma) - 0.5 * std::log(2 * std::numbers::pi) - std::log(std::max(z, 1e-300));
}

}  // namespace

void parzen_estimator::reset(std::span<const unit_axis> axes, double prior_weight) {
    axes_ = axes;
    prior_weight_ = prior_weight;
    widths_.clear();  // categorical axes have no width: only the same choice is near
    for (const unit_axis& a : axes) widths_.push_back(a.categorical() ? 0.0 : 1.0);
    mu_.clear();
    inv_sigma_.clear();
    sigma_.clear();
    weight_.clear();
    log_norm_.clear();
    log_coef_.clear();
    cumulative_.clear();
    log_hit_.assign(axes.size(), 0.0);
    log_miss_.assign(axes.size(), 0.0);
    total_ = 0;
}

void parzen_estimator::fit(std::span<const double* const> rows, std::span<const double> weights,
                           const bandwidth_rule& rule) {
    const std::size_t d = axes_.size();
    const auto n = static_cast<double>(rows.size());
    // Optuna's categorical smoothing: prior_weight spread over the observations.
    smoothing_ = rows.empty() ? 1.0 : prior_weight_ / n;
    if (rows.empty()) return;

    double weight_sum = 0;
    for (double w : weights) weight_sum += w;
    const double shrink = std::pow(n, -1.0 / (static_cast<double>(d) + 4));
    const double low = std::max(rule.floor, rule.magic / std::min(100.0, n + 1));
    for (std::size_t j = 0; j < d; ++j) {
        if (axes_[j].categorical()) continue;
        std::size_t at = axes_[j].index();
        double mean = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) mean += weights[i] * rows[i][at];
        mean /= weight_sum;
        double var = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            double e = rows[i][at] - mean;
            var += weights[i] * e * e;
        }
        double sd = std::sqrt(var / weight_sum);
        widths_[j] = std::clamp(rule.factor * sd * shrink, low, 1.0);
    }
    for (std::size_t i = 0; i < rows.size(); ++i) add_sharp(rows[i], weights[i], widths_);
}

void parzen_estimator::add_sharp(const double* row, double weight, std::span<const double> sigma) {
    double log_norm = 0;
    for (std::size_t j = 0; j < axes_.size(); ++j) {
        const unit_axis& a = axes_[j];
        double u = row[a.index()];
        if (a.categorical()) {
            mu_.push_back(static_cast<double>(a.choice(u)));
            inv_sigma_.push_back(0);
            sigma_.push_back(0);
            continue;
        }
        double s = std::clamp(std::max(sigma[j], a.cell_width(u)), 1e-12, 1.0);
        mu_.push_back(u);
        inv_sigma_.push_back(1 / s);
        sigma_.push_back(s);
        log_norm += log_truncated_normaliser(u, s);
    }
    weight_.push_back(weight);
    log_norm_.push_back(log_norm);
}

void parzen_estimator::finish() {
    total_ = prior_weight_;
    for (double w : weight_) total_ += w;
    log_coef_.resize(weight_.size());
    cumulative_.resize(weight_.size() + 1);
    double run = 0;
    for (std::size_t k = 0; k < weight_.size(); ++k) {
        log_coef_[k] = std::log(weight_[k] / total_) + log_norm_[k];
        run += weight_[k] / total_;
        cumulative_[k] = run;
    }
    cumulative_.back() = 1.0;
    log_prior_ = std::log(prior_weight_ / total_);
    for (std::size_t j = 0; j < axes_.size(); ++j) {
        if (!axes_[j].categorical()) continue;
        auto c = static_cast<double>(axes_[j].count());
        // A kernel gives its choice 1 + s and every choice s, normalised: (delta + s) / (1 + c s).
        log_hit_[j] = std::log((1 + smoothing_) / (1 + c * smoothing_));
        log_miss_[j] = std::log(smoothing_ / (1 + c * smoothing_));
        log_prior_ -= std::log(c);
    }
}

void parzen_estimator::sample(rng& r, std::span<double> x) const {
    const std::size_t d = axes_.size();
    double pick = unit_draw(r);
    auto k = static_cast<std::size_t>(
        std::upper_bound(cumulative_.begin(), cumulative_.end() - 1, pick) - cumulative_.begin());
    for (std::size_t j = 0; j < d; ++j) {
        const unit_axis& a = axes_[j];
        if (k == weight_.size()) {  // the prior: uniform
            x[j] = a.categorical() ? a.centre(index_draw(r, static_cast<std::size_t>(a.count())))
                                   : a.snap(unit_draw(r));
        } else if (a.categorical()) {
            // With probability 1 / (1 + c s) the kernel's choice, else a uniform choice: together
            // (delta + s) / (1 + c s), the kernel's distribution.
            auto c = static_cast<double>(a.count());
            bool own = unit_draw(r) * (1 + c * smoothing_) < 1;
            std::size_t i = own ? static_cast<std::size_t>(mu_[k * d + j])
                                : index_draw(r, static_cast<std::size_t>(a.count()));
            x[j] = a.centre(i);
        } else {
            x[j] = a.snap(truncated_normal_draw(r, mu_[k * d + j], sigma_[k * d + j]));
        }
    }
}

double parzen_estimator::log_pdf(std::span<const double> x) const {
    const std::size_t d = axes_.size();
    // Streaming log-sum-exp over the kernels, the prior first (its density is 1 on numeric axes).
    double top = log_prior_, sum = 1;
    const double* mu = mu_.data();
    const double* inv = inv_sigma_.data();
    for (std::size_t k = 0; k < weight_.size(); ++k, mu += d, inv += d) {
        double t = log_coef_[k];
        for (std::size_t j = 0; j < d; ++j) {
            if (inv[j] == 0) {  // categorical
                t += static_cast<double>(axes_[j].choice(x[j])) == mu[j] ? log_hit_[j]
                                                                         : log_miss_[j];
            } else {
                double z = (x[j] - mu[j]) * inv[j];
                t -= 0.5 * z * z;
            }
        }
        if (t > top) {
            sum = sum * std::exp(top - t) + 1;
            top = t;
        } else {
            sum += std::exp(t - top);
        }
    }
    return top + std::log(sum);
}

}  // namespace caviar::tpe
