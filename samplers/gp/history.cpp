#include "history.hpp"

#include <cmath>
#include <limits>

namespace caviar::gp {

void history::add(const space& s, const trial& t) {
    // A point of another space (a warm start's, or outside a narrowed box) is left out.
    if (!s.contains(t.params)) return;
    std::vector<double> u = s.to_unit(t.params);
    units_.insert(units_.end(), u.begin(), u.end());
    bool usable = (t.state == trial_state::complete || t.state == trial_state::pruned) && t.value &&
                  std::isfinite(*t.value);
    double nan = std::numeric_limits<double>::quiet_NaN();
    score_.push_back(!usable ? nan : direction_ == direction::minimize ? *t.value : -*t.value);
    if (usable) ++finite_;
}

bool history::update(const space& s, std::span<const trial* const> prior,
                     std::span<const trial* const> finished, const objective& obj) {
    bool same = built_ && obj.direction == direction_ && s.size() == dims_ &&
                prior.size() == prior_seen_.size() && prior_seen_.extended_by(prior) &&
                finished_seen_.extended_by(finished) && s.hash() == space_hash_;
    if (!same) {
        built_ = true;
        space_hash_ = s.hash();
        direction_ = obj.direction;
        dims_ = s.size();
        prior_seen_.clear();
        finished_seen_.clear();
        units_.clear();
        score_.clear();
        finite_ = 0;
        for (const trial* t : prior_seen_.take_new(prior)) add(s, *t);
        prior_count_ = score_.size();
        prior_finite_ = finite_;
    }
    for (const trial* t : finished_seen_.take_new(finished)) add(s, *t);
    return same;
}

}  // namespace caviar::gp
