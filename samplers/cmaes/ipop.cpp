#include "ipop.hpp"

#include <caviar/seed.hpp>

#include <caviar/seed.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
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
    generation g{.start = start,
                 .size = before.lambda(),
                 .members = {},
                 .after = before,
                 .restarts = restarts};
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
    const bool extends = indexed_ <= req.finished.size() &&
                         (indexed_ == 0 || (req.finished[0] == first_indexed_ &&
                                            req.finished[indexed_ - 1] == last_indexed_));
    if (!initial_ || space_hash_ != req.space.hash() || direction_ != req.objective.direction ||
        prior_size_ != req.prior.size() || !extends) {
        space_hash_ = req.space.hash();
        direction_ = req.objective.direction;
        prior_size_ = req.prior.size();
        initial_ = initial(req, l);
        told_.clear();
        by_number_.clear();
        indexed_ = 0;
        final_ = 0;
    }
    // req.finished is in the order trials finished (number order after a resume): index the
    // new ones by number. A told generation whose block one of them falls in had other members
    // then: it and every later one are told again.
    std::int64_t changed = std::numeric_limits<std::int64_t>::max();
    for (std::size_t i = indexed_; i < req.finished.size(); ++i) {
        const trial* t = req.finished[i];
        if (t->number < 0) continue;  // never a member of a block
        const auto n = static_cast<std::size_t>(t->number);
        if (n >= by_number_.size()) by_number_.resize(n + 1, nullptr);
        if (by_number_[n]) continue;  // listed twice: the first counts
        by_number_[n] = t;
        changed = std::min(changed, t->number);
    }
    indexed_ = req.finished.size();
    if (indexed_ > 0) first_indexed_ = req.finished[0], last_indexed_ = req.finished.back();
    auto stale = std::find_if(told_.begin(), told_.end(),
                              [&](const generation& g) { return g.start + g.size > changed; });
    told_.erase(stale, told_.end());
    final_ = std::min(final_, told_.size());

    const cma* state = &*initial_;
    std::int64_t restarts = 0, start = 0;
    // The final generations that end by req.number are closed for it, whatever else finished:
    // start after the last of them (their ends grow with g, so a binary search finds it).
    std::size_t g = static_cast<std::size_t>(
        std::partition_point(told_.begin(), told_.begin() + static_cast<std::ptrdiff_t>(final_),
                             [&](const generation& x) { return x.start + x.size <= req.number; }) -
        told_.begin());
    if (g > 0) {
        state = &told_[g - 1].after;
        restarts = told_[g - 1].restarts;
        start = told_[g - 1].start + told_[g - 1].size;
    }
    std::vector<const trial*> members;
    for (;; ++g) {
        const std::int64_t size = state->lambda(), end = start + size;
        if (end > req.number) break;
        if (g < told_.size() && told_[g].start == start) {
            // Told before, and nothing of its block finished since (see above): the same
            // members; closed when all of them finished or req.number is a block past it.
            if (static_cast<std::int64_t>(told_[g].members.size()) != size &&
                req.number < end + size)
                break;
        } else {
            members.clear();
            for (std::int64_t n = start;
                 n < end && n < static_cast<std::int64_t>(by_number_.size()); ++n)
                if (const trial* t = by_number_[static_cast<std::size_t>(n)]) members.push_back(t);
            const bool closed =
                static_cast<std::int64_t>(members.size()) == size || req.number >= end + size;
            if (!closed) break;
            told_.erase(told_.begin() + static_cast<std::ptrdiff_t>(g), told_.end());
            told_.push_back(tell(*state, restarts, start, members, req, l));
        }
        state = &told_[g].after;
        restarts = told_[g].restarts;
        start = end;
    }
    while (final_ < told_.size() &&
           static_cast<std::int64_t>(told_[final_].members.size()) == told_[final_].size)
        ++final_;
    return *state;
}

}  // namespace caviar::cmaes
