// The median stopping rule (Golovin et al. 2017, Google Vizier): run the budget like batch, and
// stop a trial whose best value so far at step s is worse than the median of the other trials'
// best values up to step s. Every trial that reached step s counts (running, paused, complete or
// pruned; failed ones do not), so the rule bites from the first trials on, whatever their order.
#include "../common/curves.hpp"
#include "../common/rungs.hpp"

#include <caviar/caviar.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar {
namespace {

using strategies::best_until;
using strategies::number_text;
using strategies::steps_text;

class median_stop_strategy : public strategy {
public:
    static plugin_info info() {
        return {.name = "median_stop",
                .version = "1.0.0",
                .summary =
                    "Median stopping: run the budget, stopping a trial whose best value "
                    "so far is worse than the median of the other trials at that step",
                .options = {
                    {.name = "warmup_steps",
                     .type = option_type::integer,
                     .default_value = std::int64_t{5},
                     .help = "steps every trial runs before it may be stopped",
                     .min = 0.0},
                    {.name = "min_trials",
                     .type = option_type::integer,
                     .default_value = std::int64_t{5},
                     .help = "other trials that must have reached a step before it is judged",
                     .min = 1.0},
                    {.name = "interval",
                     .type = option_type::integer,
                     .default_value = std::int64_t{1},
                     .help = "judge every this many steps (after the warm-up)",
                     .min = 1.0},
                }};
    }

    explicit median_stop_strategy(const options& o)
        : warmup_(o.get_int("warmup_steps")),
          min_trials_(o.get_int("min_trials")),
          interval_(o.get_int("interval")) {
        if (warmup_ < 0)
            throw std::invalid_argument("warmup_steps must be 0 or above, got warmup_steps=" +
                                        std::to_string(warmup_));
        if (min_trials_ < 1)
            throw std::invalid_argument("min_trials must be at least 1, got min_trials=" +
                                        std::to_string(min_trials_));
        if (interval_ < 1)
            throw std::invalid_argument("interval must be at least 1, got interval=" +
                                        std::to_string(interval_));
    }

    void prepare(const study_plan& plan) override {
        if (plan.max_steps <= 1)
            throw std::invalid_argument(
                "median_stop judges trials by their learning curves, but the model runs one "
                "step: there is nothing to stop early (use batch for a one-shot model)");
        if (warmup_ >= plan.max_steps)
            throw option_error("warmup_steps", "warmup_steps=" + std::to_string(warmup_) +
                                                   " leaves no step to judge: the model runs " +
                                                   std::to_string(plan.max_steps) +
                                                   " steps and the last one is never judged");
        if (min_trials_ >= plan.budget)
            throw option_error("min_trials", "min_trials=" + std::to_string(min_trials_) +
                                                 " other trials can never be reached with a "
                                                 "budget of " +
                                                 std::to_string(plan.budget) + " trials");
    }

    job next(study_view& study) override {
        // A paused trial (paused by another strategy in an earlier run) runs to its end; one a
        // person holds waits for them.
        for (const trial* t : study.trials())
            if (t->state == trial_state::paused && !study.held(t->number)) {
                job j = job::of(job::kind::resume);
                j.trial = t->number;
                return j;
            }
        if (static_cast<std::int64_t>(study.trials().size()) < study.budget()) {
            job j = job::of(job::kind::start);
            j.params = study.propose(study.space());
            return j;
        }
        if (study.count(trial_state::queued) > 0 || study.count(trial_state::running) > 0)
            return job::of(job::kind::wait);
        return job::of(job::kind::done);
    }

    decision on_report(study_view& study, const trial& t, std::int64_t step,
                       const metrics&) override {
        // A one-shot model, the warm-up, off the interval, or the last step (which completes
        // the trial anyway): nothing to judge.
        if (study.max_steps() <= 1 || step < warmup_ || step >= study.max_steps() ||
            (step - warmup_) % interval_ != 0)
            return {};
        const objective& obj = study.objective();
        auto mine = best_until(t, obj, step);
        if (!mine) return {};
        std::vector<double> others;
        for (const trial* o : study.trials()) {
            if (o->number == t.number || o->state == trial_state::failed || o->steps < step)
                continue;
            if (auto b = best_until(*o, obj, step)) others.push_back(*b);
        }
        if (static_cast<std::int64_t>(others.size()) < min_trials_) return {};
        auto mid = others.begin() + static_cast<std::ptrdiff_t>(others.size() / 2);
        std::nth_element(others.begin(), mid, others.end());
        double median = *mid;
        if (others.size() % 2 == 0) median = (median + *std::max_element(others.begin(), mid)) / 2;
        if (!obj.better(median, *mine)) return {};
        return {decision::kind::prune, obj.metric + " best " + number_text(*mine) + " after " +
                                           steps_text(step) + " is worse than the median " +
                                           number_text(median) + " of " +
                                           std::to_string(others.size()) +
                                           " other trials at step " + std::to_string(step)};
    }

private:
    std::int64_t warmup_, min_trials_, interval_;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::median_stop_strategy)
