#include "categorical_model.hpp"

#include "draws.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace caviar::cmaes {
namespace {

// The best `fraction` (rounded up) of the complete trials among `trials`; with `s`, only
// those that fit it (warm-start trials may come from another space).
std::vector<const trial*> best_of(std::span<const trial* const> trials, const space* s,
                                  const objective& o, double fraction) {
    std::vector<const trial*> complete;
    for (const trial* t : trials)
        if (t->state == trial_state::complete && t->value && std::isfinite(*t->value) &&
            (!s || s->contains(t->params)))
            complete.push_back(t);
    std::sort(complete.begin(), complete.end(), [&](const trial* a, const trial* b) {
        if (*a->value != *b->value) return o.better(*a->value, *b->value);
        return a->number < b->number;
    });
    auto n = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(complete.size())));
    complete.resize(std::min(n, complete.size()));
    return complete;
}

}  // namespace

categorical_model::categorical_model(const sample_request& req, double warm_start_top) {
    const space& s = req.space;
    probabilities_.resize(s.size());
    if (std::none_of(s.begin(), s.end(),
                     [](const dimension& d) { return d.kind() == dimension_kind::categorical; }))
        return;
    std::vector<const trial*> good = best_of(req.finished, nullptr, req.objective, 0.25);
    if (warm_start_top > 0) {
        auto prior = best_of(req.prior, &s, req.objective, warm_start_top);
        good.insert(good.end(), prior.begin(), prior.end());
    }
    for (std::size_t d = 0; d < s.size(); ++d) {
        const dimension& dim = s[d];
        if (dim.kind() != dimension_kind::categorical) continue;
        const auto& choices = dim.choices();
        std::vector<double> count(choices.size(), 1.0);
        double total = static_cast<double>(choices.size());
        for (const trial* t : good) {
            auto it = t->params.find(dim.name());
            if (it == t->params.end()) continue;
            auto c = std::find(choices.begin(), choices.end(), it->second);
            if (c == choices.end()) continue;
            count[static_cast<std::size_t>(c - choices.begin())] += 1;
            total += 1;
        }
        auto k = static_cast<double>(choices.size());
        for (double& p : count) p = 0.9 * p / total + 0.1 / k;
        probabilities_[d] = std::move(count);
    }
}

void categorical_model::draw(rng& r, std::vector<double>& u) const {
    for (std::size_t d = 0; d < probabilities_.size(); ++d) {
        const auto& p = probabilities_[d];
        if (p.empty()) continue;
        double x = unit_draw(r), sum = 0;
        std::size_t c = 0;
        for (; c + 1 < p.size(); ++c) {
            sum += p[c];
            if (x < sum) break;
        }
        u[d] = (static_cast<double>(c) + 0.5) / static_cast<double>(p.size());
    }
}

}  // namespace caviar::cmaes
