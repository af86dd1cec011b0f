#include "posterior.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace caviar::gp {

void posterior::scale_into(const double* features, double* out) const {
    for (std::size_t f = 0; f < features_; ++f) out[f] = features[f] * inverse_length_[f];
}

double posterior::covariance(const double* a, const double* b) const {
    double r2 = 0;
    for (std::size_t f = 0; f < features_; ++f) {
        double d = a[f] - b[f];
        r2 += d * d;
    }
    return signal_ * m52(r2);
}

void posterior::reserve(std::size_t n) {
    auto cap = static_cast<std::size_t>(l_.rows());
    if (n <= cap) return;
    std::size_t grown = std::max<std::size_t>({n, 2 * cap, 64});
    auto g = static_cast<Eigen::Index>(grown), m = static_cast<Eigen::Index>(n_);
    Eigen::MatrixXd l(g, g), x(static_cast<Eigen::Index>(features_), g);
    l.topLeftCorner(m, m) = l_.topLeftCorner(m, m);
    x.leftCols(m) = x_.leftCols(m);
    l_.swap(l);
    x_.swap(x);
}

void posterior::reset(const encoding& enc, const hyperparameters& h, const Eigen::MatrixXd& base,
                      std::span<const double> extra_noise) {
    h_ = h;
    features_ = enc.features();
    inverse_length_.resize(features_);
    for (std::size_t f = 0; f < features_; ++f)
        inverse_length_[f] = std::exp(-h.log_length[enc.scale_of(f)]);
    signal_ = h.signal();
    noise_ = h.noise();
    n_ = 0;
    auto m = base.cols();
    reserve(static_cast<std::size_t>(m));
    for (Eigen::Index i = 0; i < m; ++i) scale_into(base.col(i).data(), x_.col(i).data());
    Eigen::MatrixXd k(m, m);
    for (Eigen::Index j = 0; j < m; ++j) {
        for (Eigen::Index i = j; i < m; ++i)
            k(i, j) = covariance(x_.col(i).data(), x_.col(j).data());
        k(j, j) += noise_ + extra_noise[static_cast<std::size_t>(j)] + jitter;
    }
    Eigen::LLT<Eigen::MatrixXd> llt(k);
    if (llt.info() != Eigen::Success) {
        // Points closer than the jitter resolves: add them one row at a time instead, which
        // floors each pivot.
        for (Eigen::Index i = 0; i < m; ++i) add(base.col(i).data(), extra_noise[i]);
        return;
    }
    l_.topLeftCorner(m, m) = llt.matrixL();
    n_ = static_cast<std::size_t>(m);
    alpha_.resize(0);
}

void posterior::add(const double* features, double extra_noise) {
    reserve(n_ + 1);
    auto i = static_cast<Eigen::Index>(n_);
    double* xi = x_.col(i).data();
    scale_into(features, xi);
    // Forward substitution by columns: each entry's sum runs in the same order every time.
    Eigen::VectorXd row(i);
    for (Eigen::Index t = 0; t < i; ++t) row(t) = covariance(x_.col(t).data(), xi);
    for (Eigen::Index t = 0; t < i; ++t) {
        row(t) /= l_(t, t);
        const double rt = row(t), *lt = l_.col(t).data();
        for (Eigen::Index j = t + 1; j < i; ++j) row(j) -= rt * lt[j];
    }
    double diagonal = signal_ + noise_ + extra_noise + jitter, d = diagonal;
    for (Eigen::Index t = 0; t < i; ++t) {
        l_(i, t) = row(t);
        d -= row(t) * row(t);
    }
    l_(i, i) = std::sqrt(std::max(d, 1e-12 * diagonal));
    ++n_;
    alpha_.resize(0);
}

void posterior::truncate(std::size_t n) {
    n_ = std::min(n, n_);
    alpha_.resize(0);
}

void posterior::set_targets(std::span<const double> y) {
    if (y.size() != n_) throw std::logic_error("gp posterior: one target per point");
    auto n = static_cast<Eigen::Index>(n_);
    alpha_ = Eigen::Map<const Eigen::VectorXd>(y.data(), n);
    auto l = l_.topLeftCorner(n, n).triangularView<Eigen::Lower>();
    l.solveInPlace(alpha_);
    l.transpose().solveInPlace(alpha_);
}

double posterior::nearest(const double* features, std::size_t first) const {
    std::vector<double> scaled(features_);
    scale_into(features, scaled.data());
    double best = HUGE_VAL;
    for (std::size_t i = first; i < n_; ++i) {
        const double* x = x_.col(static_cast<Eigen::Index>(i)).data();
        double r2 = 0;
        for (std::size_t f = 0; f < features_; ++f) r2 += (x[f] - scaled[f]) * (x[f] - scaled[f]);
        best = std::min(best, r2);
    }
    return best;
}

void posterior::predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean,
                        Eigen::VectorXd& var) const {
    auto n = static_cast<Eigen::Index>(n_), m = points.cols();
    if (alpha_.size() != n) throw std::logic_error("gp posterior: targets not set");
    Eigen::MatrixXd k(n, m);
    std::vector<double> scaled(features_);
    for (Eigen::Index c = 0; c < m; ++c) {
        scale_into(points.col(c).data(), scaled.data());
        for (Eigen::Index i = 0; i < n; ++i) k(i, c) = covariance(x_.col(i).data(), scaled.data());
    }
    mean = k.transpose() * alpha_;
    if (n > 0) l_.topLeftCorner(n, n).triangularView<Eigen::Lower>().solveInPlace(k);
    var.resize(m);
    for (Eigen::Index c = 0; c < m; ++c)
        var(c) = std::max(signal_ - (n > 0 ? k.col(c).squaredNorm() : 0.0), 1e-12 * signal_);
}

}  // namespace caviar::gp
