// For a sampler that converts a study's trials once and keeps them across proposals (tpe's
// ranked unit vectors, gp's model): which of a request's trials it has seen, and whether the
// trials of the next request extend those or are another history, to rebuild from.
//
//     if (!seen.extended_by(req.finished)) { start_over(); seen.clear(); }
//     for (const trial* t : seen.take_new(req.finished)) convert(*t);
//
// Within a study the host only appends to sample_request::finished, and a finished trial never
// changes, so the ends of what was seen decide: the first and the last trial seen (address,
// number, state and value) must be where they were. Another history (another study, a copy of
// this one, a narrowed space's) differs at its ends. Checking every trial again would cost a
// pass over all of them per proposal: half a tpe proposal's time at 100,000 trials.
#pragma once

#include <caviar/trial.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace caviar {

class seen_trials {
public:
    /// Whether `now` begins with the trials seen so far (always, when none were).
    bool extended_by(std::span<const trial* const> now) const {
        if (now.size() < count_) return false;
        if (count_ == 0) return true;
        return first_ == of(now.front()) && last_ == of(now[count_ - 1]);
    }

    /// The trials of `now` after those seen, which count as seen from here on. `now` must
    /// extend what was seen (extended_by), or the seen ones be cleared first.
    std::span<const trial* const> take_new(std::span<const trial* const> now) {
        std::span<const trial* const> fresh = now.subspan(count_);
        if (!now.empty()) {
            if (count_ == 0) first_ = of(now.front());
            last_ = of(now.back());
        }
        count_ = now.size();
        return fresh;
    }

    void clear() { count_ = 0; }
    std::size_t size() const { return count_; }

private:
    struct fingerprint {
        const trial* at = nullptr;
        std::int64_t number = 0;
        trial_state state = trial_state::queued;
        bool has_value = false;
        std::uint64_t value = 0;  // the bits, so that a NaN value matches itself
        bool operator==(const fingerprint&) const = default;
    };
    static fingerprint of(const trial* t) {
        return {t, t->number, t->state, t->value.has_value(),
                std::bit_cast<std::uint64_t>(t->value.value_or(0.0))};
    }

    std::size_t count_ = 0;
    fingerprint first_, last_;
};

}  // namespace caviar
