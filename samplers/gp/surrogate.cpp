#include "surrogate.hpp"

#include "targets.hpp"

#include <caviar/seed.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace caviar::gp {

std::size_t refit_point(std::size_t n) {
    if (n < 32) return n;
    std::size_t step = 2;
    while (n >= 32 * step) step *= 2;
    return n - n % step;
}

bool surrogate::used(std::size_t i) const {
    return !history_.is_prior(i) || settings_.prior_trust > 0;
}

double surrogate::extra_noise(std::size_t i) const {
    // A warm-start trial is an observation of a related study: believed with extra variance
    // 0.25 (1 - t) / t in standardised units for trust t, 0 for the study's own.
    if (!history_.is_prior(i)) return 0;
    double t = settings_.prior_trust;
    return 0.25 * (1 - t) / t;
}

std::vector<double> surrogate::all_targets(std::size_t upto) const {
    std::size_t p = std::min(history_.prior_count(), upto);
    std::vector<double> scores(upto);
    for (std::size_t i = 0; i < upto; ++i) scores[i] = history_.score(i);
    std::vector<double> prior = targets(std::span(scores).first(p), settings_.warp);
    std::vector<double> own = targets(std::span(scores).subspan(p), settings_.warp);
    prior.insert(prior.end(), own.begin(), own.end());
    return prior;
}

void surrogate::update(const sample_request& req) {
    const space& s = req.space;
    bool kept = history_.update(s, req.prior, req.finished, req.objective);
    if (!kept || s.hash() != space_hash_) {
        encoding_ = encoding(s);
        space_hash_ = s.hash();
        refit_at_ = std::numeric_limits<std::size_t>::max();
    }
    const std::size_t n = history_.size();
    if (encoding_.scales() == 0 || n == 0) return;

    if (std::size_t r = refit_point(n); r != refit_at_) refit(r, req.study_seed);
    for (; appended_ < n; ++appended_)
        if (used(appended_)) add_row(appended_);
}

void surrogate::refit(std::size_t r, std::uint64_t study_seed) {
    refit_at_ = r;
    ++fits_;
    std::vector<double> y = all_targets(r);
    std::vector<std::size_t> window;
    for (std::size_t i = 0; i < r; ++i)
        if (used(i)) window.push_back(i);
    if (window.size() > settings_.max_trials) {
        // The best half by target, then the most recent others.
        std::vector<std::size_t> by_target = window;
        std::stable_sort(by_target.begin(), by_target.end(),
                         [&](std::size_t a, std::size_t b) { return y[a] < y[b]; });
        std::vector<bool> kept(r, false);
        std::size_t count = 0;
        for (std::size_t i = 0; i < settings_.max_trials / 2; ++i, ++count)
            kept[by_target[i]] = true;
        for (auto it = window.rbegin(); it != window.rend() && count < settings_.max_trials; ++it)
            if (!kept[*it]) {
                kept[*it] = true;
                ++count;
            }
        window.clear();
        for (std::size_t i = 0; i < r; ++i)
            if (kept[i]) window.push_back(i);
    }

    // The fit's subset: a seeded partial shuffle of the window.
    std::vector<std::size_t> subset = window;
    rng g(derive_seed(study_seed, r));
    if (subset.size() > settings_.fit_points) {
        for (std::size_t i = 0; i < settings_.fit_points; ++i) {
            auto j =
                i + static_cast<std::size_t>(unit_draw(g) * static_cast<double>(subset.size() - i));
            std::swap(subset[i], subset[std::min(j, subset.size() - 1)]);
        }
        subset.resize(settings_.fit_points);
        std::sort(subset.begin(), subset.end());
    }
    const auto f = static_cast<Eigen::Index>(encoding_.features());
    auto features_of = [&](const std::vector<std::size_t>& which, Eigen::MatrixXd& x,
                           std::vector<double>& t, std::vector<double>& noise) {
        x.resize(f, static_cast<Eigen::Index>(which.size()));
        t.clear();
        noise.clear();
        for (std::size_t k = 0; k < which.size(); ++k) {
            encoding_.encode(history_.unit(which[k]), x.col(static_cast<Eigen::Index>(k)).data());
            t.push_back(y[which[k]]);
            noise.push_back(extra_noise(which[k]));
        }
    };
    Eigen::MatrixXd x;
    std::vector<double> t, noise;
    features_of(subset, x, t, noise);
    hyperparameters h = fit(encoding_, x, t, noise, g(), settings_.fit);

    features_of(window, x, t, noise);
    posterior_.reset(encoding_, h, x, noise);
    rows_ = window;
    appended_ = r;
}

void surrogate::add_row(std::size_t i) {
    std::vector<double> f(encoding_.features());
    encoding_.encode(history_.unit(i), f.data());
    posterior_.add(f.data(), extra_noise(i));
    rows_.push_back(i);
}

double surrogate::condition(const space& s, std::span<const params> pending) {
    targets_ = all_targets(history_.size());
    const std::vector<double>& y = targets_;
    row_targets_.clear();
    double incumbent = HUGE_VAL, prior_incumbent = HUGE_VAL;
    for (std::size_t i : rows_) {
        row_targets_.push_back(y[i]);
        if (std::isnan(history_.score(i))) continue;
        double& best = history_.is_prior(i) ? prior_incumbent : incumbent;
        best = std::min(best, y[i]);
    }
    posterior_.set_targets(row_targets_);
    if (!std::isfinite(incumbent)) incumbent = std::isfinite(prior_incumbent) ? prior_incumbent : 0;
    Eigen::MatrixXd point(static_cast<Eigen::Index>(encoding_.features()), 1);
    for (const params& p : pending) {
        if (!s.contains(p)) continue;
        encoding_.encode(s.to_unit(p), point.data());
        Eigen::VectorXd mean, var;
        posterior_.predict(point, mean, var);
        posterior_.add(point.data(), 0);
        row_targets_.push_back(mean(0));
        posterior_.set_targets(row_targets_);
        // A believed value counts as observed: a point beside a running trial that the model
        // expects to improve on the incumbent then promises nothing more than that trial does.
        incumbent = std::min(incumbent, mean(0));
    }
    return incumbent;
}

void surrogate::forget_pending() {
    posterior_.truncate(rows_.size());
}

std::vector<std::vector<double>> surrogate::best(std::size_t k) const {
    std::vector<std::size_t> finite;
    for (std::size_t i : rows_)
        if (!std::isnan(history_.score(i))) finite.push_back(i);
    std::stable_sort(finite.begin(), finite.end(),
                     [&](std::size_t a, std::size_t b) { return targets_[a] < targets_[b]; });
    std::vector<std::vector<double>> out;
    for (std::size_t j = 0; j < std::min(k, finite.size()); ++j) {
        auto u = history_.unit(finite[j]);
        out.emplace_back(u.begin(), u.end());
    }
    return out;
}

}  // namespace caviar::gp
