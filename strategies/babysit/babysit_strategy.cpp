// The babysit strategy, for the seed's one-model way of tuning: it keeps `parallel` trials
// training (one by default) and never prunes, pauses or changes them on its own. Every decision
// is the person's, through caviar ctl or the live page: watch the curve, pause, lower the
// learning rate, resume. When a trial ends and the budget allows, the next one starts.
#include <caviar/caviar.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace caviar {
namespace {

class babysit_strategy : public strategy {
public:
    static plugin_info info() {
        return {.name = "babysit",
                .version = "1.0.0",
                .summary =
                    "Keep `parallel` trials training and leave every decision to a person "
                    "(caviar ctl, the live page)",
                .options = {{.name = "parallel",
                             .type = option_type::integer,
                             .default_value = std::int64_t{1},
                             .help = "trials training at once (the others wait for them); the "
                                     "workers beyond it stay idle",
                             .min = 1.0}}};
    }

    explicit babysit_strategy(const options& o) : parallel_(o.get_int("parallel")) {
        if (parallel_ < 1)
            throw option_error("parallel", "parallel must be at least 1, got parallel=" +
                                               std::to_string(parallel_));
    }

    job next(study_view& study) override {
        const std::int64_t busy =
            study.count(trial_state::running) + study.count(trial_state::queued);
        if (busy >= parallel_) return job::of(job::kind::wait);
        // A trial paused by another strategy (an earlier run) goes on; one a person holds is
        // theirs to resume.
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
        return job::of(busy > 0 ? job::kind::wait : job::kind::done);
    }

private:
    std::int64_t parallel_;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::babysit_strategy)
