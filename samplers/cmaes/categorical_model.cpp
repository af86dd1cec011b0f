#include "categorical_model.hpp"

#include <caviar/seed.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

namespace caviar::cmaes {
namespace {

constexpr double good_fraction = 0.25;

bool counts(const trial& t) {
    return t.state == trial_state::complete && t.value && std::isfinite(*t.value);
}

// The index of t's choice of d, -1 when it has none.
int pick_of(const dimension& d, const trial& t) {
    auto it = t.params.find(d.name());
    if (it == t.params.end()) return -1;
    const auto& choices = d.choices();
    auto c = std::find(choices.begin(), choices.end(), it->second);
    return c == choices.end() ? -1 : static_cast<int>(c - choices.begin());
}

// How many of n complete trials are good: `fraction` of them, rounded up.
std::size_t good_count(std::size_t n, double fraction) {
    auto g = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(n)));
    return std::min(g, n);
}

}  // namespace

void categorical_model::count(const ranked_trial& t, double sign) {
    for (std::size_t k = 0; k < categorical_.size(); ++k)
        if (t.picks[k] >= 0) good_[k][static_cast<std::size_t>(t.picks[k])] += sign;
}

void categorical_model::add(const space& s, const trial& t, const objective& o) {
    if (!counts(t)) return;
    ranked_trial r{.score = o.direction == direction::minimize ? *t.value : -*t.value,
                   .number = t.number,
                   .picks = {}};
    for (std::size_t d : categorical_) r.picks.push_back(pick_of(s[d], t));
    if (!best_.empty() && r < *best_.rbegin()) {
        count(r, +1);
        best_.insert(std::move(r));
    } else {
        rest_.insert(std::move(r));
    }
    // Keep best_ the best good_count(n) of them: move the trials at the border across.
    const std::size_t want = good_count(best_.size() + rest_.size(), good_fraction);
    while (best_.size() > want) {
        auto node = best_.extract(std::prev(best_.end()));
        count(node.value(), -1);
        rest_.insert(std::move(node));
    }
    while (best_.size() < want && !rest_.empty()) {
        auto node = rest_.extract(rest_.begin());
        count(node.value(), +1);
        best_.insert(std::move(node));
    }
}

void categorical_model::reset(const sample_request& req, double warm_start_top) {
    const space& s = req.space;
    space_hash_ = s.hash();
    direction_ = req.objective.direction;
    prior_size_ = req.prior.size();
    warm_start_top_ = warm_start_top;
    built_ = true;
    indexed_ = 0;
    categorical_.clear();
    for (std::size_t d = 0; d < s.size(); ++d)
        if (s[d].kind() == dimension_kind::categorical) categorical_.push_back(d);
    best_.clear();
    rest_.clear();
    good_.assign(categorical_.size(), {});
    prior_.assign(categorical_.size(), {});
    for (std::size_t k = 0; k < categorical_.size(); ++k) {
        good_[k].assign(s[categorical_[k]].choices().size(), 0.0);
        prior_[k] = good_[k];
    }
    if (categorical_.empty() || warm_start_top <= 0) return;
    // The prior's good trials: its best warm_start_top of those that fit the space, once.
    std::vector<ranked_trial> prior;
    for (const trial* t : req.prior)
        if (counts(*t) && s.contains(t->params)) {
            ranked_trial r{
                .score = req.objective.direction == direction::minimize ? *t->value : -*t->value,
                .number = t->number,
                .picks = {}};
            for (std::size_t d : categorical_) r.picks.push_back(pick_of(s[d], *t));
            prior.push_back(std::move(r));
        }
    std::sort(prior.begin(), prior.end());
    prior.resize(good_count(prior.size(), warm_start_top));
    for (const auto& r : prior)
        for (std::size_t k = 0; k < categorical_.size(); ++k)
            if (r.picks[k] >= 0) prior_[k][static_cast<std::size_t>(r.picks[k])] += 1;
}

void categorical_model::update(const sample_request& req, double warm_start_top) {
    const space& s = req.space;
    const bool extends = indexed_ <= req.finished.size() &&
                         (indexed_ == 0 || (req.finished[0] == first_indexed_ &&
                                            req.finished[indexed_ - 1] == last_indexed_));
    if (!built_ || space_hash_ != s.hash() || direction_ != req.objective.direction ||
        prior_size_ != req.prior.size() || warm_start_top_ != warm_start_top || !extends)
        reset(req, warm_start_top);
    for (std::size_t i = indexed_; i < req.finished.size(); ++i)
        add(s, *req.finished[i], req.objective);
    indexed_ = req.finished.size();
    if (indexed_ > 0) first_indexed_ = req.finished[0], last_indexed_ = req.finished.back();

    probabilities_.assign(s.size(), {});
    for (std::size_t k = 0; k < categorical_.size(); ++k) {
        const auto choices = static_cast<double>(good_[k].size());
        std::vector<double> count(good_[k].size(), 1.0);
        double total = choices;
        for (std::size_t c = 0; c < count.size(); ++c) {
            const double g = good_[k][c] + prior_[k][c];
            count[c] += g;
            total += g;
        }
        for (double& p : count) p = 0.9 * p / total + 0.1 / choices;
        probabilities_[categorical_[k]] = std::move(count);
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
