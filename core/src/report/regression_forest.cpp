#include "report/regression_forest.hpp"

#include <caviar/seed.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace caviar {

namespace {

// splitmix64: a small, well-mixed generator whose stream depends on the seed alone.
std::uint64_t next(std::uint64_t& s) {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::size_t below(std::uint64_t& s, std::size_t n) {
    return static_cast<std::size_t>(next(s) % n);
}

}  // namespace

regression_tree::regression_tree(const std::vector<std::vector<double>>& x,
                                 const std::vector<double>& y, std::vector<std::size_t> rows,
                                 const forest_options& o, std::uint64_t seed) {
    std::uint64_t state = seed;
    grow(x, y, rows, 0, rows.size(), 0, o, state);
}

int regression_tree::grow(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                          std::vector<std::size_t>& rows, std::size_t begin, std::size_t end,
                          int depth, const forest_options& o, std::uint64_t& state) {
    int id = static_cast<int>(nodes_.size());
    nodes_.push_back({});
    double sum = 0;
    for (std::size_t i = begin; i < end; ++i) sum += y[rows[i]];
    std::size_t n = end - begin;
    nodes_[id].value = sum / static_cast<double>(n);
    if (depth >= o.max_depth || n < 2 * static_cast<std::size_t>(o.min_leaf)) return id;

    // A random subset of the features (partial Fisher-Yates).
    std::size_t d = x[rows[begin]].size();
    std::vector<std::size_t> features(d);
    std::iota(features.begin(), features.end(), 0);
    std::size_t tried = std::clamp<std::size_t>(
        static_cast<std::size_t>(std::ceil(o.feature_share * static_cast<double>(d))), 1, d);
    for (std::size_t i = 0; i < tried; ++i)
        std::swap(features[i], features[i + below(state, d - i)]);

    // Best split: the largest drop in squared error, threshold midway between distinct values.
    double best_gain = 1e-12 * (1 + std::abs(sum)), best_threshold = 0;
    int best_feature = -1;
    std::vector<std::pair<double, double>> sorted(n);
    double total_sq = 0;
    for (std::size_t i = begin; i < end; ++i) total_sq += y[rows[i]] * y[rows[i]];
    double parent_sse = total_sq - sum * sum / static_cast<double>(n);
    for (std::size_t fi = 0; fi < tried; ++fi) {
        std::size_t f = features[fi];
        for (std::size_t i = 0; i < n; ++i) sorted[i] = {x[rows[begin + i]][f], y[rows[begin + i]]};
        std::sort(sorted.begin(), sorted.end());
        double left_sum = 0, left_sq = 0;
        for (std::size_t i = 0; i + 1 < n; ++i) {
            left_sum += sorted[i].second;
            left_sq += sorted[i].second * sorted[i].second;
            std::size_t nl = i + 1, nr = n - nl;
            if (sorted[i].first == sorted[i + 1].first) continue;
            if (nl < static_cast<std::size_t>(o.min_leaf) ||
                nr < static_cast<std::size_t>(o.min_leaf))
                continue;
            double right_sum = sum - left_sum, right_sq = total_sq - left_sq;
            double sse = left_sq - left_sum * left_sum / static_cast<double>(nl) + right_sq -
                         right_sum * right_sum / static_cast<double>(nr);
            double gain = parent_sse - sse;
            if (gain > best_gain) {
                best_gain = gain;
                best_feature = static_cast<int>(f);
                best_threshold = (sorted[i].first + sorted[i + 1].first) / 2;
            }
        }
    }
    if (best_feature < 0) return id;

    auto mid =
        std::partition(rows.begin() + static_cast<std::ptrdiff_t>(begin),
                       rows.begin() + static_cast<std::ptrdiff_t>(end), [&](std::size_t r) {
                           return x[r][static_cast<std::size_t>(best_feature)] < best_threshold;
                       });
    auto split = static_cast<std::size_t>(mid - rows.begin());
    int left = grow(x, y, rows, begin, split, depth + 1, o, state);
    int right = grow(x, y, rows, split, end, depth + 1, o, state);
    nodes_[id].feature = best_feature;
    nodes_[id].threshold = best_threshold;
    nodes_[id].left = left;
    nodes_[id].right = right;
    return id;
}

double regression_tree::predict(const std::vector<double>& point) const {
    int i = 0;
    while (nodes_[i].feature >= 0)
        i = point[static_cast<std::size_t>(nodes_[i].feature)] < nodes_[i].threshold
                ? nodes_[i].left
                : nodes_[i].right;
    return nodes_[i].value;
}

std::vector<leaf_box> regression_tree::leaves(
    const std::vector<std::pair<double, double>>& domain) const {
    std::vector<leaf_box> out;
    leaf_box root;
    for (const auto& [lo, hi] : domain) {
        root.lo.push_back(lo);
        root.hi.push_back(hi);
    }
    // Depth-first, narrowing the box at each split.
    std::vector<std::pair<int, leaf_box>> stack = {{0, root}};
    while (!stack.empty()) {
        auto [i, box] = std::move(stack.back());
        stack.pop_back();
        const node& n = nodes_[i];
        if (n.feature < 0) {
            box.value = n.value;
            out.push_back(std::move(box));
            continue;
        }
        auto f = static_cast<std::size_t>(n.feature);
        leaf_box l = box, r = box;
        l.hi[f] = std::clamp(n.threshold, box.lo[f], box.hi[f]);
        r.lo[f] = l.hi[f];
        stack.push_back({n.right, std::move(r)});
        stack.push_back({n.left, std::move(l)});
    }
    return out;
}

std::vector<regression_tree> fit_forest(const std::vector<std::vector<double>>& x,
                                        const std::vector<double>& y, const forest_options& o) {
    std::vector<regression_tree> forest;
    if (x.empty()) return forest;
    for (int t = 0; t < o.trees; ++t) {
        std::uint64_t s = derive_seed(o.seed, static_cast<std::uint64_t>(t));
        std::vector<std::size_t> rows(x.size());
        for (auto& r : rows) r = below(s, x.size());
        forest.emplace_back(x, y, std::move(rows), o, s);
    }
    return forest;
}

}  // namespace caviar
