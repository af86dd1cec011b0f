// One CMA-ES run: the (mu/mu_w, lambda)-CMA-ES of Hansen's tutorial ("The CMA Evolution
// Strategy: A Tutorial", 2016) over the unit cube, driven by ranked points rather than by an
// ask/tell loop, so the sampler can replay it from a study's history.
#pragma once

#include <caviar/seed.hpp>

#include <Eigen/Dense>

#include <cstdint>
#include <deque>
#include <vector>

namespace caviar::cmaes {

/// A generation member as the update sees it: its point in the unit cube and its fitness
/// (smaller is better; +inf for a failed trial).
struct ranked_point {
    Eigen::VectorXd x;
    double fitness = 0;
};

/// Why a run should stop and restart; none while it is still making progress.
enum class stop_reason { none, tol_x, tol_fun, condition };

class cma {
public:
    /// A run from N(mean, sigma^2 cov) with `lambda` samples per generation. `discrete[i]` marks
    /// coordinates on a grid (ints, stepped floats): they are left out of the tol_x test, as
    /// their spread is held up by the sampler's margin.
    cma(Eigen::VectorXd mean, double sigma, const Eigen::MatrixXd& cov, std::int64_t lambda,
        std::vector<bool> discrete);

    Eigen::Index dims() const { return mean_.size(); }
    std::int64_t lambda() const { return lambda_; }
    const Eigen::VectorXd& mean() const { return mean_; }
    double sigma() const { return sigma_; }
    /// Standard deviation of coordinate i: sigma * sqrt(C_ii).
    double stddev(Eigen::Index i) const { return sigma_ * std::sqrt(cov_(i, i)); }
    /// Largest over smallest eigenvalue of C.
    double condition() const;

    /// mean + sigma * B D z, with z standard normal drawn from r.
    Eigen::VectorXd sample(rng& r) const;

    /// One generation's update from its members, best first (at least 2). Members need not
    /// come from this distribution (stale samples of parallel workers, enqueued trials): each
    /// step's Mahalanobis length is clipped, as for injected solutions in pycma.
    void tell(const std::vector<ranked_point>& ranked);

    /// The IPOP restart tests, checked after each tell: tol_x (every continuous coordinate's
    /// spread and path below 1e-5 of the unit range), tol_fun (the best fitness of the last
    /// 10 + 30 n / lambda generations within 1e-12), condition (cond(C) above 1e14).
    stop_reason should_stop() const;

private:
    void decompose();

    Eigen::VectorXd mean_;
    double sigma_;
    Eigen::MatrixXd cov_;
    Eigen::MatrixXd basis_;       // B: eigenvectors of C
    Eigen::VectorXd scale_;       // D: square roots of the eigenvalues of C
    Eigen::VectorXd path_sigma_;  // p_sigma, the conjugate evolution path
    Eigen::VectorXd path_cov_;    // p_c
    std::int64_t lambda_;
    std::vector<bool> discrete_;
    std::int64_t generation_ = 0;
    std::deque<double> best_history_;  // best fitness of the latest generations
};

}  // namespace caviar::cmaes
