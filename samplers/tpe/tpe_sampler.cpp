#include "tpe_sampler.hpp"

#include "random_draws.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace caviar::tpe {

std::size_t tpe_sampler::good_count(std::size_t n) const {
    auto by = [n](double fraction) {
        return static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(n)));
    };
    std::size_t good =
        settings_.gamma > 0 ? by(settings_.gamma) : std::min<std::size_t>(by(0.1), 25);
    return std::max<std::size_t>(good, 1);
}

params tpe_sampler::propose(const sample_request& req) {
    const space& s = req.space;
    rng r(req.seed);
    std::vector<double> u(s.size(), 0.5);
    seen_.update(s, req.prior, req.finished, req.objective);

    if (static_cast<std::int64_t>(seen_.ranked().size()) < settings_.startup_trials) {
        // Start-up: the same uniform draws as the random sampler.
        for (double& x : u) x = unit_draw(r);
        return s.from_unit(u);
    }

    pending_.clear();
    if (settings_.constant_liar) {
        for (const params& p : req.pending) {
            std::size_t at = pending_.size();
            pending_.resize(at + s.size());
            if (!observations::project(s, p, pending_.data() + at)) pending_.resize(at);
        }
    }

    // Groups in space order: a condition's parent is sampled before the group that needs it.
    std::vector<bool> active(s.size(), false);
    for (const condition_group& g : group_by_condition(s)) {
        if (g.when) {
            if (!active[g.parent]) continue;
            value parent = s[g.parent].from_unit(u[g.parent]);
            const auto& values = g.when->values;
            if (std::find(values.begin(), values.end(), parent) == values.end()) continue;
        }
        for (const unit_axis& a : g.axes) active[a.index()] = true;
        sample_group(g, r, u);
    }
    return s.from_unit(u);
}

void tpe_sampler::sample_group(const condition_group& g, rng& r, std::vector<double>& u) {
    // The trials where this group is active; every trial, for an unconditional group.
    const std::size_t first = g.axes.front().index();
    auto on = [&](std::uint32_t i) { return !g.when || !std::isnan(seen_.row(i)[first]); };
    // An unconditional group without warm-start trials learns from every trial: the ranked
    // lists are used as they are, not copied (at 100,000 trials the copy was most of a call).
    std::span<const std::uint32_t> ok = seen_.ranked(), failed = seen_.failed();
    std::span<const std::uint32_t> ok_prior, failed_prior;
    const bool any_prior = seen_.size() > 0 && seen_.is_prior(0);
    if (g.when || any_prior) {
        ok_scratch_.clear();
        failed_scratch_.clear();
        ok_prior_.clear();
        failed_prior_.clear();
        for (std::uint32_t i : seen_.ranked())
            if (on(i)) (seen_.is_prior(i) ? ok_prior_ : ok_scratch_).push_back(i);
        for (std::uint32_t i : seen_.failed())
            if (on(i)) (seen_.is_prior(i) ? failed_prior_ : failed_scratch_).push_back(i);
        ok = ok_scratch_;
        failed = failed_scratch_;
        ok_prior = ok_prior_;
        failed_prior = failed_prior_;
    }

    if (ok.empty() && ok_prior.empty()) {  // nothing to learn from yet
        for (const unit_axis& a : g.axes) u[a.index()] = unit_draw(r);
        return;
    }
    good_.clear();
    good_weights_.clear();
    bad_.clear();
    bad_weights_.clear();
    split(ok, failed, 1.0);
    // The warm start guides the first proposals; the study's own trials take over as they come
    // (each prior kernel counts prior_trust while the study has at most startup_trials of its
    // own, then less in proportion).
    const double own = static_cast<double>(ok.size() + failed.size());
    const double startup = static_cast<double>(std::max<std::int64_t>(settings_.startup_trials, 1));
    split(ok_prior, failed_prior,
          settings_.prior_trust * std::min(1.0, startup / std::max(own, 1.0)));

    liars_.clear();
    for (std::size_t at = 0; at < pending_.size(); at += seen_.dims())
        if (!g.when || !std::isnan(pending_[at + first])) liars_.push_back(pending_.data() + at);

    std::span<const unit_axis> axes = g.axes;
    if (settings_.multivariate) {
        sample_block(axes, r, u);
    } else {
        for (std::size_t j = 0; j < axes.size(); ++j) sample_block(axes.subspan(j, 1), r, u);
    }
}

void tpe_sampler::split(std::span<const std::uint32_t> ok, std::span<const std::uint32_t> failed,
                        double weight) {
    if ((ok.empty() && failed.empty()) || !(weight > 0)) return;
    // Good: the best gamma(n); bad: the other ranked ones, then those without a value.
    const std::size_t n = ok.size() + failed.size();
    const std::size_t n_good = std::min(good_count(n), ok.size());
    for (std::size_t i = 0; i < n_good; ++i) {
        good_.push_back(seen_.row(ok[i]));
        good_weights_.push_back(weight);
    }
    const std::size_t n_bad = n - n_good;
    auto bad_at = [&](std::size_t k) {
        std::size_t j = n_good + k;
        return j < ok.size() ? ok[j] : failed[j - ok.size()];
    };
    const std::size_t kept = std::min(n_bad, settings_.max_bad_kernels);
    for (std::size_t k = 0; k < kept; ++k) {
        // Stratified by rank: the k-th of `kept` equal slices of the bad trials, at its middle.
        std::size_t pick = kept == n_bad ? k : (2 * k + 1) * n_bad / (2 * kept);
        bad_.push_back(seen_.row(bad_at(pick)));
        bad_weights_.push_back(weight * static_cast<double>(n_bad) / static_cast<double>(kept));
    }
}

void tpe_sampler::sample_block(std::span<const unit_axis> axes, rng& r, std::vector<double>& u) {
    const std::size_t d = axes.size();
    l_.reset(axes, settings_.prior_weight);
    l_.fit(good_, good_weights_, settings_.bandwidth);
    l_.finish();

    g_.reset(axes, settings_.prior_weight);
    g_.fit(bad_, bad_weights_, settings_.bandwidth);
    // A running trial is a liar: one more bad trial, at its point, with l's narrow widths, so
    // g rises where a worker is already looking and the next proposal moves elsewhere.
    for (const double* row : liars_) g_.add_sharp(row, 1.0, l_.widths());
    g_.finish();

    const auto count = static_cast<std::size_t>(settings_.candidates);
    candidates_.resize(count * d);
    std::size_t best = 0;
    double best_score = -std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < count; ++c) {
        std::span<double> x(candidates_.data() + c * d, d);
        l_.sample(r, x);
        // A candidate on a running trial's point, within a tenth of l's width on every axis
        // (the same cell or choice on discrete ones), is a near-duplicate: never proposed.
        bool taken = false;
        for (const double* row : liars_) {
            bool same = true;
            for (std::size_t j = 0; j < d && same; ++j)
                same = std::abs(x[j] - row[axes[j].index()]) <= 0.1 * l_.widths()[j];
            taken = taken || same;
        }
        double score = taken ? -std::numeric_limits<double>::max() : l_.log_pdf(x) - g_.log_pdf(x);
        if (score > best_score) {
            best_score = score;
            best = c;
        }
    }
    for (std::size_t j = 0; j < d; ++j) u[axes[j].index()] = candidates_[best * d + j];
}

}  // namespace caviar::tpe
