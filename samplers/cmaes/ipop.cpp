#include "ipop.hpp"

#include "draws.hpp"

#include <caviar/seed.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

namespace caviar::cmaes {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// Ranking of a finished trial, smaller first: complete trials by value, then pruned ones by
// the value they had when stopped (the strategy judged them worse), then failed ones.
struct rank_key {
    int tier = 2;
    double value = inf;  // minimised (negated for maximize)
    std::int64_t number = 0;

    auto operator<=>(const rank_key&) const = default;
};

rank_key key_of(const trial& t, const objective& o) {
    rank_key k{.number = t.number};
    if (t.state == trial_state::failed || !t.value || !std::isfinite(*t.value)) {
        k.tier = t.state == trial_state::pruned ? 1 : 2;
        return k;
    }
    k.tier = t.state == trial_state::complete ? 0 : 1;
    k.value = o.direction == direction::minimize ? *t.value : -*t.value;
    return k;
}

std::int64_t default_population(Eigen::Index n) {
    return 4 + static_cast<std::int64_t>(std::floor(3 * std::log(static_cast<double>(n))));
}

}  // namespace

cma ipop::initial(const sample_request& req, const layout& l) const {
    const auto n = static_cast<Eigen::Index>(l.dims.size());
    const std::int64_t lambda =
        settings_.population > 0 ? settings_.population : default_population(n);
    Eigen::VectorXd mean = Eigen::VectorXd::Constant(n, 0.5);
    Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(n, n);

    // Warm start: the best warm_start_top of the prior trials that fit this space give the
    // mean and covariance (plus (sigma0 / 5)^2 I, so that a tight cluster still explores).
    std::vector<const trial*> prior;
    for (const trial* t : req.prior)
        if (t->state == trial_state::complete && t->value && std::isfinite(*t->value) &&
            req.space.contains(t->params))
            prior.push_back(t);
    if (settings_.warm_start_top <= 0 || prior.empty())
        return cma(mean, settings_.sigma0, identity, lambda, l.discrete);
    std::sort(prior.begin(), prior.end(), [&](const trial* a, const trial* b) {
        return key_of(*a, req.objective) < key_of(*b, req.objective);
    });
    auto top = static_cast<std::size_t>(
        std::ceil(settings_.warm_start_top * static_cast<double>(prior.size())));
    top = std::clamp<std::size_t>(top, 1, prior.size());

    Eigen::MatrixXd points(n, static_cast<Eigen::Index>(top));
    for (std::size_t j = 0; j < top; ++j) {
        std::vector<double> u = l.point(req.space, prior[j]->params);
        for (Eigen::Index i = 0; i < n; ++i)
            points(i, static_cast<Eigen::Index>(j)) = u[static_cast<std::size_t>(i)];
    }
    for (Eigen::Index i = 0; i < n; ++i) {
        // Inactive (NaN) coordinates take the mean of the others: they add no spread.
        double sum = 0;
        int count = 0;
        for (Eigen::Index j = 0; j < points.cols(); ++j)
            if (std::isfinite(points(i, j))) sum += points(i, j), ++count;
        mean(i) = count > 0 ? sum / count : 0.5;
        for (Eigen::Index j = 0; j < points.cols(); ++j)
            if (!std::isfinite(points(i, j))) points(i, j) = mean(i);
    }
    if (top < 2) return cma(mean, settings_.sigma0, identity, lambda, l.discrete);
    Eigen::MatrixXd centred = points.colwise() - mean;
    Eigen::MatrixXd cov = centred * centred.transpose() / static_cast<double>(top) +
                          std::pow(settings_.sigma0 / 5, 2) * identity;
    // sigma is the geometric mean of the spreads, so that C has determinant 1.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
    double sigma = std::exp(eig.eigenvalues().array().log().mean() / 2);
    return cma(mean, sigma, cov / (sigma * sigma), lambda, l.discrete);
}

ipop::generation ipop::tell(const cma& before, std::int64_t restarts, std::int64_t start,
                            std::vector<const trial*> members, const sample_request& req,
                            const layout& l) const {
    generation g{.start = start, .members = {}, .after = before, .restarts = restarts};
    for (const trial* t : members) g.members.push_back(t->number);
    if (members.size() < 2) return g;  // nothing to rank: the block passes unchanged

    std::sort(members.begin(), members.end(), [&](const trial* a, const trial* b) {
        return key_of(*a, req.objective) < key_of(*b, req.objective);
    });
    std::vector<ranked_point> ranked;
    for (const trial* t : members) {
        std::vector<double> u = l.point(req.space, t->params);
        Eigen::VectorXd x(before.dims());
        // An inactive conditional coordinate did not matter to the result: impute a draw from
        // its current marginal, as if the sample it was given were known, so its spread does
        // not shrink for want of data.
        rng r(mix64(t->seed ^ mix64(settings_.seed ^ 0x696d70757465ULL)));
        for (Eigen::Index i = 0; i < x.size(); ++i) {
            double v = u[static_cast<std::size_t>(i)];
            x(i) = std::isfinite(v)
                       ? v
                       : reflect_into_unit(before.mean()(i) + before.stddev(i) * normal_draw(r));
        }
        rank_key k = key_of(*t, req.objective);
        ranked.push_back({.x = std::move(x), .fitness = k.tier == 0 ? k.value : inf});
    }
    g.after.tell(ranked);
    if (g.after.should_stop() != stop_reason::none && restarts < settings_.max_restarts) {
        // IPOP: start again from a uniform point with twice the population.
        rng r(mix64(members.front()->seed ^
                    mix64(settings_.seed + static_cast<std::uint64_t>(restarts + 1))));
        Eigen::VectorXd mean(before.dims());
        for (Eigen::Index i = 0; i < mean.size(); ++i) mean(i) = unit_draw(r);
        g.after =
            cma(mean, settings_.sigma0, Eigen::MatrixXd::Identity(before.dims(), before.dims()),
                2 * before.lambda(), l.discrete);
        g.restarts = restarts + 1;
    }
    return g;
}

const cma& ipop::run_for(const sample_request& req, const layout& l) {
    if (!initial_ || space_hash_ != req.space.hash() || direction_ != req.objective.direction ||
        prior_size_ != req.prior.size()) {
        space_hash_ = req.space.hash();
        direction_ = req.objective.direction;
        prior_size_ = req.prior.size();
        initial_ = initial(req, l);
        told_.clear();
    }
    // req.finished is in the order trials finished (number order after a resume): index it.
    std::map<std::int64_t, const trial*> by_number;
    for (const trial* t : req.finished) by_number.emplace(t->number, t);

    const cma* state = &*initial_;
    std::int64_t restarts = 0, start = 0;
    for (std::size_t g = 0;; ++g) {
        const std::int64_t end = start + state->lambda();
        if (end > req.number) break;
        std::vector<const trial*> members;
        for (auto it = by_number.lower_bound(start); it != by_number.end() && it->first < end; ++it)
            members.push_back(it->second);
        const bool closed = static_cast<std::int64_t>(members.size()) == state->lambda() ||
                            req.number >= end + state->lambda();
        if (!closed) break;
        bool cached = g < told_.size() && told_[g].start == start &&
                      static_cast<std::int64_t>(told_[g].members.size()) ==
                          static_cast<std::int64_t>(members.size()) &&
                      std::equal(members.begin(), members.end(), told_[g].members.begin(),
                                 [](const trial* t, std::int64_t n) { return t->number == n; });
        if (!cached) {
            told_.erase(told_.begin() + static_cast<std::ptrdiff_t>(g), told_.end());
            told_.push_back(tell(*state, restarts, start, std::move(members), req, l));
        }
        state = &told_[g].after;
        restarts = told_[g].restarts;
        start = end;
    }
    return *state;
}

}  // namespace caviar::cmaes
