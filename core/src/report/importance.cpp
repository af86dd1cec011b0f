#include "report/importance.hpp"

#include "report/counted.hpp"

#include <caviar/seed.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace caviar {

namespace {

constexpr double absent = -0.5;  // feature value of an inactive conditional dimension

// The main-effect variance share of every feature for one tree (all zero for a constant tree).
std::vector<double> tree_shares(const std::vector<leaf_box>& leaves,
                                const std::vector<std::pair<double, double>>& domain) {
    std::size_t d = domain.size();
    std::vector<double> shares(d, 0.0);
    // Each leaf's share of the domain's volume, and its width fraction along each feature.
    std::vector<double> volume(leaves.size(), 1.0);
    std::vector<std::vector<double>> width(leaves.size(), std::vector<double>(d));
    for (std::size_t l = 0; l < leaves.size(); ++l)
        for (std::size_t f = 0; f < d; ++f) {
            double span = domain[f].second - domain[f].first;
            width[l][f] = (leaves[l].hi[f] - leaves[l].lo[f]) / span;
            volume[l] *= width[l][f];
        }
    double mean = 0;
    for (std::size_t l = 0; l < leaves.size(); ++l) mean += volume[l] * leaves[l].value;
    double total = 0;
    for (std::size_t l = 0; l < leaves.size(); ++l)
        total += volume[l] * (leaves[l].value - mean) * (leaves[l].value - mean);
    if (!(total > 1e-300)) return shares;

    for (std::size_t f = 0; f < d; ++f) {
        // Between consecutive leaf edges along f the marginal prediction is constant: the mean
        // over the leaves the slab crosses, each weighted by its volume across the other features.
        std::vector<double> cuts;
        for (const auto& leaf : leaves) {
            cuts.push_back(leaf.lo[f]);
            cuts.push_back(leaf.hi[f]);
        }
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        double span = domain[f].second - domain[f].first, effect = 0;
        for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
            double a = cuts[c], b = cuts[c + 1], mid = (a + b) / 2, marginal = 0;
            for (std::size_t l = 0; l < leaves.size(); ++l)
                if (leaves[l].lo[f] <= mid && mid < leaves[l].hi[f] && width[l][f] > 0)
                    marginal += leaves[l].value * volume[l] / width[l][f];
            effect += (b - a) / span * (marginal - mean) * (marginal - mean);
        }
        shares[f] = std::clamp(effect / total, 0.0, 1.0);
    }
    return shares;
}

}  // namespace

std::vector<double> fanova_main_effects(const std::vector<std::vector<double>>& x,
                                        const std::vector<double>& y,
                                        const std::vector<std::pair<double, double>>& domain,
                                        const forest_options& o) {
    std::vector<double> sum(domain.size(), 0.0);
    auto forest = fit_forest(x, y, o);
    if (forest.empty()) return sum;
    for (const auto& tree : forest) {
        auto s = tree_shares(tree.leaves(domain), domain);
        for (std::size_t f = 0; f < sum.size(); ++f) sum[f] += s[f];
    }
    for (auto& v : sum) v /= static_cast<double>(forest.size());
    return sum;
}

std::string importance_basis(const importance_result& r) {
    if (r.trials >= r.complete) return counted(static_cast<long long>(r.trials), "complete trial");
    return "a random " + grouped(static_cast<long long>(r.trials)) + " of " +
           grouped(static_cast<long long>(r.complete)) +
           " complete trials (the same sample each time)";
}

importance_result parameter_importance(const space& s, const std::vector<trial>& trials,
                                       const forest_options& o) {
    importance_result r;
    std::vector<std::pair<double, double>> domain;
    for (const auto& d : s) domain.push_back({d.when() ? -1.0 : 0.0, 1.0});
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    for (const auto& t : trials) {
        if (t.state != trial_state::complete || !t.value || !std::isfinite(*t.value)) continue;
        std::vector<double> u;
        try {
            u = s.to_unit(t.params);
        } catch (const std::invalid_argument&) {
            continue;  // params from another space (should not happen within one study)
        }
        for (auto& v : u)
            if (std::isnan(v)) v = absent;
        x.push_back(std::move(u));
        y.push_back(*t.value);
    }
    r.complete = r.trials = x.size();
    if (o.sample > 0 && x.size() > o.sample) {
        // A seeded partial shuffle: the first `sample` rows are a uniform random sample.
        rng g(derive_seed(o.seed, 0x696d70ULL));
        for (std::size_t i = 0; i < o.sample; ++i) {
            auto j = i + static_cast<std::size_t>(unit_draw(g) * static_cast<double>(x.size() - i));
            j = std::min(j, x.size() - 1);
            std::swap(x[i], x[j]);
            std::swap(y[i], y[j]);
        }
        x.resize(o.sample);
        y.resize(o.sample);
        r.trials = o.sample;
    }
    std::vector<double> shares(s.size(), 0.0);
    if (s.empty()) {
        r.note = "the space has no dimension";
    } else if (x.size() < 4) {
        r.note = "needs at least 4 complete trials, has " + std::to_string(x.size());
    } else if (std::all_of(y.begin(), y.end(), [&](double v) { return v == y.front(); })) {
        r.note = "every complete trial has the same value";
    } else {
        forest_options fo = o;
        // Fewer samples per leaf on small studies, so a tree can split at all.
        fo.min_leaf = std::max(1, std::min(o.min_leaf, static_cast<int>(x.size() / 4)));
        shares = fanova_main_effects(x, y, domain, fo);
        r.trees = fo.trees;
    }
    for (std::size_t i = 0; i < s.size(); ++i) r.params.push_back({s[i].name(), shares[i]});
    std::stable_sort(r.params.begin(), r.params.end(),
                     [](const auto& a, const auto& b) { return a.importance > b.importance; });
    return r;
}

}  // namespace caviar
