#include "observations.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace caviar::tpe {

bool observations::project(const space& s, const params& p, double* out) {
    params kept;  // activity is judged on the values kept so far, parents first
    for (std::size_t i = 0; i < s.size(); ++i) {
        const dimension& d = s[i];
        if (!s.active(d, kept)) {
            out[i] = std::numeric_limits<double>::quiet_NaN();
            continue;
        }
        auto it = p.find(d.name());
        if (it == p.end() || !d.contains(it->second)) return false;
        out[i] = d.to_unit(it->second);
        if (i + 1 < s.size()) kept.emplace(d.name(), it->second);
    }
    return true;
}

void observations::clear(const space& s, const objective& obj) {
    space_hash_ = s.hash();
    direction_ = obj.direction;
    built_ = true;
    prior_seen_.clear();
    finished_seen_.clear();
    prior_count_ = 0;
    dims_ = s.size();
    units_.clear();
    score_.clear();
    ranked_.clear();
    failed_.clear();
    arrived_.clear();
}

void observations::add(const space& s, const trial& t) {
    std::size_t at = units_.size();
    units_.resize(at + dims_);
    if (!project(s, t.params, units_.data() + at)) {  // e.g. outside a narrowed space
        units_.resize(at);
        return;
    }
    auto i = static_cast<std::uint32_t>(score_.size());
    bool usable = (t.state == trial_state::complete || t.state == trial_state::pruned) && t.value &&
                  std::isfinite(*t.value);
    if (!usable) {
        score_.push_back(std::numeric_limits<double>::infinity());
        failed_.push_back(i);
        return;
    }
    score_.push_back(direction_ == direction::minimize ? *t.value : -*t.value);
    arrived_.push_back(i);  // ranked by rank_arrived()
}

void observations::rank_arrived() {
    // After every equal score: ties rank by arrival, whether built at once or call by call.
    auto by_score = [this](std::uint32_t a, std::uint32_t b) { return score_[a] < score_[b]; };
    if (arrived_.size() == 1) {
        auto pos = std::upper_bound(ranked_.begin(), ranked_.end(), score_[arrived_[0]],
                                    [this](double v, std::uint32_t j) { return v < score_[j]; });
        ranked_.insert(pos, arrived_[0]);
    } else if (!arrived_.empty()) {
        // Many at once (the first call, a resume): sort them and merge, instead of one insert
        // (a move of everything after it) each. Both are stable, so ties keep arrival order.
        std::stable_sort(arrived_.begin(), arrived_.end(), by_score);
        const auto old = static_cast<std::ptrdiff_t>(ranked_.size());
        ranked_.insert(ranked_.end(), arrived_.begin(), arrived_.end());
        std::inplace_merge(ranked_.begin(), ranked_.begin() + old, ranked_.end(), by_score);
    }
    arrived_.clear();
}

void observations::update(const space& s, std::span<const trial* const> prior,
                          std::span<const trial* const> finished, const objective& obj) {
    bool same = built_ && obj.direction == direction_ && s.size() == dims_ &&
                prior.size() == prior_seen_.size() && prior_seen_.extended_by(prior) &&
                finished_seen_.extended_by(finished) && s.hash() == space_hash_;
    if (!same) {
        clear(s, obj);
        for (const trial* t : prior_seen_.take_new(prior)) add(s, *t);
        rank_arrived();  // the prior ranks before the study's own on equal scores
        prior_count_ = score_.size();
    }
    for (const trial* t : finished_seen_.take_new(finished)) add(s, *t);
    rank_arrived();
}

}  // namespace caviar::tpe
