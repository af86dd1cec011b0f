#include "acquisition.hpp"

#include "halton.hpp"
#include "log_ei.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace caviar::gp {
namespace {

// Equal as snapped points: inactive coordinates (NaN) match each other.
bool same(const std::vector<double>& a, const std::vector<double>& b) {
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
    return true;
}

// Perturbation sizes in the unit cube, cycled over the local candidates.
constexpr double spreads[] = {0.02, 0.08, 0.25};

}  // namespace

search_settings search_settings::for_model_of(std::size_t n, std::size_t full) const {
    if (n <= full) return *this;
    search_settings s = *this;
    double share = std::max(0.25, static_cast<double>(full) / static_cast<double>(n));
    s.candidates = std::max<std::size_t>(1, static_cast<std::size_t>(share * candidates));
    s.local = static_cast<std::size_t>(share * local);
    s.refined = std::min<std::size_t>(refined, 3);
    return s;
}

std::vector<double> acquisition::score(const std::vector<std::vector<double>>& points) const {
    const auto f = static_cast<Eigen::Index>(encoding_.features());
    Eigen::MatrixXd x(f, static_cast<Eigen::Index>(points.size()));
    for (std::size_t i = 0; i < points.size(); ++i)
        encoding_.encode(points[i], x.col(static_cast<Eigen::Index>(i)).data());
    Eigen::VectorXd mean, var;
    posterior_.predict(x, mean, var);
    std::vector<double> out(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        auto c = static_cast<Eigen::Index>(i);
        bool beside =
            running_ < posterior_.size() && posterior_.nearest(x.col(c).data(), running_) < 0.01;
        out[i] = beside ? -HUGE_VAL : log_expected_improvement(mean(c), std::sqrt(var(c)), best_);
    }
    return out;
}

std::vector<std::vector<double>> acquisition::maximise(const std::vector<std::vector<double>>& top,
                                                       rng& r,
                                                       const search_settings& settings) const {
    const std::size_t dims = space_.size();
    std::vector<std::vector<double>> points;
    halton h(dims, r());
    for (std::size_t i = 0; i < settings.candidates; ++i) {
        std::vector<double> u = h.point(i);
        snap(space_, u);
        points.push_back(std::move(u));
    }
    // Around the best trials, each coordinate moves with probability about 3 / dims (at least
    // one does), so in many dimensions a candidate changes a few of them, as a person would.
    const double move = std::min(1.0, 3.0 / static_cast<double>(dims));
    for (std::size_t i = 0; i < settings.local && !top.empty(); ++i) {
        std::vector<double> u = top[i % top.size()];
        double spread = spreads[(i / top.size()) % std::size(spreads)];
        std::size_t forced = static_cast<std::size_t>(unit_draw(r) * static_cast<double>(dims));
        for (std::size_t d = 0; d < dims; ++d) {
            bool moves = d == forced || unit_draw(r) < move;
            if (std::isnan(u[d]))
                u[d] = unit_draw(r);  // becomes active if its parent changes
            else if (moves && space_[d].kind() == dimension_kind::categorical)
                u[d] = unit_draw(r);
            else if (moves)
                u[d] = reflect_into_unit(u[d] + spread * normal_draw(r));
        }
        snap(space_, u);
        points.push_back(std::move(u));
    }
    std::vector<double> scores = score(points);

    // The best few distinct points, refined.
    std::vector<std::size_t> order(points.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    std::vector<std::vector<double>> starts;
    std::vector<double> start_scores;
    for (std::size_t i : order) {
        if (starts.size() == settings.refined) break;
        if (std::any_of(starts.begin(), starts.end(),
                        [&](const auto& p) { return same(p, points[i]); }))
            continue;
        starts.push_back(points[i]);
        start_scores.push_back(scores[i]);
    }
    refine(starts, start_scores, settings.rounds);
    for (std::size_t i = 0; i < starts.size(); ++i) {
        points.push_back(std::move(starts[i]));
        scores.push_back(start_scores[i]);
    }

    order.resize(points.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    std::vector<std::vector<double>> ranked;
    for (std::size_t i : order) {
        if (ranked.size() == 32) break;
        if (std::none_of(ranked.begin(), ranked.end(),
                         [&](const auto& p) { return same(p, points[i]); }))
            ranked.push_back(points[i]);
    }
    return ranked;
}

void acquisition::refine(std::vector<std::vector<double>>& points, std::vector<double>& scores,
                         int rounds) const {
    double step = 0.1;
    for (int round = 0; round < rounds && step >= 1e-3; ++round) {
        std::vector<std::vector<double>> next;
        std::vector<std::size_t> owner;
        for (std::size_t k = 0; k < points.size(); ++k) {
            const std::vector<double>& p = points[k];
            auto push = [&](std::vector<double> u) {
                snap(space_, u);
                if (same(u, p)) return;
                next.push_back(std::move(u));
                owner.push_back(k);
            };
            for (std::size_t d = 0; d < p.size(); ++d) {
                const dimension& dim = space_[d];
                if (std::isnan(p[d]) || dim.cardinality() == 1) continue;
                if (dim.kind() == dimension_kind::categorical) {
                    auto n = static_cast<double>(dim.cardinality());
                    for (std::int64_t c = 0; c < dim.cardinality(); ++c) {
                        std::vector<double> u = p;
                        u[d] = (static_cast<double>(c) + 0.5) / n;
                        push(std::move(u));
                    }
                    continue;
                }
                for (double sign : {-1.0, 1.0}) {
                    std::vector<double> u = p;
                    u[d] = std::clamp(p[d] + sign * step, 0.0, 1.0);
                    push(std::move(u));
                }
            }
        }
        if (next.empty()) return;
        std::vector<double> s = score(next);
        bool improved = false;
        std::vector<std::size_t> best(points.size(), next.size());
        for (std::size_t i = 0; i < next.size(); ++i) {
            std::size_t k = owner[i];
            double against = best[k] < next.size() ? s[best[k]] : scores[k];
            if (s[i] > against) best[k] = i;
        }
        for (std::size_t k = 0; k < points.size(); ++k) {
            if (best[k] == next.size()) continue;
            points[k] = next[best[k]];
            scores[k] = s[best[k]];
            improved = true;
        }
        if (!improved) step /= 2;
    }
}

}  // namespace caviar::gp
