// The rule for a trial whose run was cut short (Ctrl-C, SIGTERM, kill -9, a crash), in one place:
// used when a worker is interrupted and when a study opens with trials an earlier process left
// running or queued.
#pragma once

#include "run/trial_book.hpp"

#include <cstdint>
#include <optional>

namespace caviar {

struct recovery {
    enum class kind { rolled_back, requeued };
    kind what = kind::requeued;
    std::int64_t from_step = 0;  // the steps it had made when it was cut short
    std::int64_t to_step = 0;    // where it goes on from: its checkpoint's step, or 0
};

/// A trial with a checkpoint (at `checkpoint_step`) goes back to paused at that step: curve
/// points after it are dropped, its metrics and value are that step's, and its strategy resumes
/// it from there. A trial without one goes back to queued with no curve, to run again from step
/// 0 with the same number, params and seed. Changes t in the book; the caller writes it to the
/// store (update_trial, truncate_curve to to_step, and a "rollback" event when rolled back).
recovery recover_interrupted(trial_book& book, trial& t,
                             std::optional<std::int64_t> checkpoint_step, const objective& obj);

}  // namespace caviar
