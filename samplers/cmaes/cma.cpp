#include "cma.hpp"

#include <caviar/seed.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace caviar::cmaes {
namespace {

constexpr double tol_x = 1e-5;
constexpr double tol_fun = 1e-12;
constexpr double max_condition = 1e14;

}  // namespace

cma::cma(Eigen::VectorXd mean, double sigma, const Eigen::MatrixXd& cov, std::int64_t lambda,
         std::vector<bool> discrete)
    : mean_(std::move(mean)),
      sigma_(sigma),
      cov_(cov),
      path_sigma_(Eigen::VectorXd::Zero(mean_.size())),
      path_cov_(Eigen::VectorXd::Zero(mean_.size())),
      lambda_(lambda),
      discrete_(std::move(discrete)) {
    decompose();
}

double cma::condition() const {
    double lo = scale_.minCoeff();
    double hi = scale_.maxCoeff();
    return (hi * hi) / (lo * lo);
}

Eigen::VectorXd cma::sample(rng& r) const {
    Eigen::VectorXd z(dims());
    for (Eigen::Index i = 0; i < z.size(); ++i) z(i) = normal_draw(r);
    return mean_ + sigma_ * (basis_ * scale_.cwiseProduct(z));
}

void cma::tell(const std::vector<ranked_point>& ranked) {
    const auto n = static_cast<double>(dims());
    const auto k = static_cast<double>(ranked.size());
    // Weights and learning rates for the members actually told (fewer than lambda when a
    // generation is closed early), with the tutorial's default constants.
    const std::size_t mu = ranked.size() / 2;
    Eigen::VectorXd w(static_cast<Eigen::Index>(mu));
    for (std::size_t i = 0; i < mu; ++i)
        w(static_cast<Eigen::Index>(i)) =
            std::log((k + 1) / 2) - std::log(static_cast<double>(i + 1));
    w /= w.sum();
    const double mueff = 1 / w.squaredNorm();
    const double cs = (mueff + 2) / (n + mueff + 5);
    const double ds = 1 + 2 * std::max(0.0, std::sqrt((mueff - 1) / (n + 1)) - 1) + cs;
    const double cc = (4 + mueff / n) / (n + 4 + 2 * mueff / n);
    const double c1 = 2 / ((n + 1.3) * (n + 1.3) + mueff);
    const double cmu = std::min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((n + 2) * (n + 2) + mueff));
    const double chi_n = std::sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    const double max_length = std::sqrt(n) + 2 * n / (n + 2);

    const Eigen::MatrixXd inv_sqrt_c =
        basis_ * scale_.cwiseInverse().asDiagonal() * basis_.transpose();
    std::vector<Eigen::VectorXd> steps;
    for (std::size_t i = 0; i < mu; ++i) {
        Eigen::VectorXd y = (ranked[i].x - mean_) / sigma_;
        double length = (inv_sqrt_c * y).norm();
        if (length > max_length) y *= max_length / length;
        steps.push_back(std::move(y));
    }
    Eigen::VectorXd y_w = Eigen::VectorXd::Zero(dims());
    for (std::size_t i = 0; i < mu; ++i) y_w += w(static_cast<Eigen::Index>(i)) * steps[i];

    mean_ += sigma_ * y_w;
    ++generation_;
    path_sigma_ = (1 - cs) * path_sigma_ + std::sqrt(cs * (2 - cs) * mueff) * (inv_sqrt_c * y_w);
    const double ps_norm = path_sigma_.norm();
    const bool stalled =
        ps_norm / std::sqrt(1 - std::pow(1 - cs, 2.0 * static_cast<double>(generation_))) / chi_n >=
        1.4 + 2 / (n + 1);
    const double h_sigma = stalled ? 0 : 1;
    path_cov_ = (1 - cc) * path_cov_ + h_sigma * std::sqrt(cc * (2 - cc) * mueff) * y_w;

    Eigen::MatrixXd rank_mu = Eigen::MatrixXd::Zero(dims(), dims());
    for (std::size_t i = 0; i < mu; ++i)
        rank_mu += w(static_cast<Eigen::Index>(i)) * steps[i] * steps[i].transpose();
    cov_ = (1 - c1 - cmu + (1 - h_sigma) * c1 * cc * (2 - cc)) * cov_ +
           c1 * path_cov_ * path_cov_.transpose() + cmu * rank_mu;

    sigma_ *= std::exp((cs / ds) * (ps_norm / chi_n - 1));
    // Flat fitness (the best and the 70th percentile equal): widen, or the run stalls on a
    // plateau, which grids of ints produce readily.
    const auto q = static_cast<std::size_t>(std::ceil(0.7 * k)) - 1;
    if (std::isfinite(ranked[0].fitness) && ranked[0].fitness == ranked[q].fitness)
        sigma_ *= std::exp(0.2 + cs / ds);

    best_history_.push_back(ranked[0].fitness);
    const auto history =
        static_cast<std::size_t>(10 + std::ceil(30 * n / static_cast<double>(lambda_)));
    while (best_history_.size() > history) best_history_.pop_front();
    decompose();
    // A step wider than the whole cube only produces reflected samples.
    if (sigma_ * scale_.maxCoeff() > 1) sigma_ = 1 / scale_.maxCoeff();
}

stop_reason cma::should_stop() const {
    if (condition() > max_condition) return stop_reason::condition;
    bool any_continuous = false, all_small = true;
    for (Eigen::Index i = 0; i < dims(); ++i) {
        if (discrete_[static_cast<std::size_t>(i)]) continue;
        any_continuous = true;
        if (sigma_ * std::max(std::abs(path_cov_(i)), std::sqrt(cov_(i, i))) >= tol_x)
            all_small = false;
    }
    if (any_continuous && all_small) return stop_reason::tol_x;
    const auto history = static_cast<std::size_t>(
        10 + std::ceil(30 * static_cast<double>(dims()) / static_cast<double>(lambda_)));
    if (best_history_.size() >= history) {
        auto [lo, hi] = std::minmax_element(best_history_.begin(), best_history_.end());
        if (std::isfinite(*hi) && *hi - *lo < tol_fun) return stop_reason::tol_fun;
    }
    return stop_reason::none;
}

void cma::decompose() {
    cov_ = (cov_ + cov_.transpose()) / 2;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov_);
    Eigen::VectorXd values = eig.eigenvalues();
    // Keep C positive definite: a condition beyond max_condition restarts the run anyway.
    const double floor = std::max(values.maxCoeff(), 1e-300) / (10 * max_condition);
    bool clamped = false;
    for (Eigen::Index i = 0; i < values.size(); ++i)
        if (!(values(i) >= floor)) {
            values(i) = floor;
            clamped = true;
        }
    basis_ = eig.eigenvectors();
    if (clamped) cov_ = basis_ * values.asDiagonal() * basis_.transpose();
    scale_ = values.cwiseSqrt();
}

}  // namespace caviar::cmaes
