// A small random forest of regression trees (bagging, random feature subsets), built to be
// taken apart: each tree's leaves are boxes of the input domain with a constant prediction,
// which is what the fANOVA decomposition in importance.cpp integrates over.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace caviar {

struct forest_options {
    int trees = 48;
    int max_depth = 10;
    int min_leaf = 2;            // fewest samples a leaf may hold
    double feature_share = 0.7;  // features tried at each split (at least one)
    std::uint64_t seed = 0;
    /// parameter_importance fits at most this many trials (0: all): beyond, a random sample
    /// drawn from `seed`, the same every time (bench/README.md: importance on big studies).
    std::size_t sample = 5000;
};

/// A leaf: the box [lo[i], hi[i]) of the domain it covers, and its prediction.
struct leaf_box {
    std::vector<double> lo, hi;
    double value = 0;
};

class regression_tree {
public:
    /// Fits on rows x (one vector per sample) and targets y, restricted to `rows` (a bootstrap).
    regression_tree(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                    std::vector<std::size_t> rows, const forest_options& o, std::uint64_t seed);

    double predict(const std::vector<double>& point) const;
    /// The leaves as boxes of domain = per-feature [low, high].
    std::vector<leaf_box> leaves(const std::vector<std::pair<double, double>>& domain) const;

private:
    struct node {
        int feature = -1;  // -1: a leaf
        double threshold = 0;
        int left = -1, right = -1;
        double value = 0;
    };
    int grow(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
             std::vector<std::size_t>& rows, std::size_t begin, std::size_t end, int depth,
             const forest_options& o, std::uint64_t& state);

    std::vector<node> nodes_;
};

/// `trees` trees, each on a bootstrap sample drawn with the forest's seed: the same data and
/// seed give the same forest.
std::vector<regression_tree> fit_forest(const std::vector<std::vector<double>>& x,
                                        const std::vector<double>& y, const forest_options& o);

}  // namespace caviar
