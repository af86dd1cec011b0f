#include "run/recovery.hpp"

#include <cmath>

namespace caviar {

recovery recover_interrupted(trial_book& book, trial& t,
                             std::optional<std::int64_t> checkpoint_step, const objective& obj) {
    recovery r;
    r.from_step = t.steps;
    t.value.reset();
    t.finished_at = 0;
    if (checkpoint_step) {
        r.what = recovery::kind::rolled_back;
        r.to_step = *checkpoint_step;
        while (!t.curve.empty() && t.curve.back().step > r.to_step) t.curve.pop_back();
        t.steps = r.to_step;
        t.metrics = t.curve.empty() ? metrics{} : t.curve.back().metrics;
        if (auto it = t.metrics.find(obj.metric);
            it != t.metrics.end() && std::isfinite(it->second))
            t.value = it->second;
        t.error = "interrupted; resumes from its checkpoint";
        book.set_state(t, trial_state::paused);
        return r;
    }
    r.what = recovery::kind::requeued;
    t.curve.clear();
    t.metrics.clear();
    t.steps = 0;
    t.started_at = 0;
    t.error.clear();
    book.set_state(t, trial_state::queued);
    book.requeue(t.number);
    return r;
}

}  // namespace caviar
