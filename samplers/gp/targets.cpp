#include "targets.hpp"

#include <boost/math/special_functions/erf.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>

namespace caviar::gp {
namespace {

void half_rank_warp(std::vector<double>& v) {
    std::vector<double> sorted;
    for (double x : v)
        if (!std::isnan(x)) sorted.push_back(x);
    std::size_t k = sorted.size();
    if (k < 4) return;
    std::sort(sorted.begin(), sorted.end());
    double median = k % 2 ? sorted[k / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
    double spread = 0, tail = 0;
    std::size_t good = 0;
    for (double x : sorted) {
        if (x <= median) {
            spread += (x - median) * (x - median);
            ++good;
        } else {
            tail += (x - median) * (x - median);
        }
    }
    spread = std::sqrt(spread / static_cast<double>(good));
    tail = std::sqrt(tail / static_cast<double>(k - good));
    // Only a heavy tail is warped: where the worse half lies no farther from the median than
    // twice the better half, its values still say which way is better (ackley's slope).
    if (!(spread > 0) || tail <= 2 * spread) return;
    for (double& x : v) {
        if (std::isnan(x) || x <= median) continue;
        // Ties share their mean rank.
        auto first = std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin();
        auto last = std::upper_bound(sorted.begin(), sorted.end(), x) - sorted.begin();
        double q = (0.5 * static_cast<double>(first + last)) / static_cast<double>(k);
        double quantile = -std::numbers::sqrt2 * boost::math::erfc_inv(2 * q);
        x = median + spread * std::max(quantile, 0.0);
    }
}

}  // namespace

std::vector<double> targets(std::span<const double> scores, bool warp) {
    std::vector<double> v(scores.begin(), scores.end());
    if (warp) half_rank_warp(v);
    double sum = 0, count = 0;
    for (double x : v)
        if (!std::isnan(x)) {
            sum += x;
            ++count;
        }
    if (count == 0) return std::vector<double>(v.size(), 0.0);
    double mean = sum / count, var = 0, worst = -HUGE_VAL;
    for (double x : v)
        if (!std::isnan(x)) var += (x - mean) * (x - mean);
    double sd = count > 1 ? std::sqrt(var / count) : 0;
    if (!(sd > 0)) sd = 1;
    for (double& x : v)
        if (!std::isnan(x)) {
            x = (x - mean) / sd;
            worst = std::max(worst, x);
        }
    for (double& x : v)
        if (std::isnan(x)) x = worst;
    return v;
}

}  // namespace caviar::gp
