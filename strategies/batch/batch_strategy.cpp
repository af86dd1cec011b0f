// The batch strategy: start trials until the budget is spent, each for the model's full
// length, then wait for the last ones to finish. No early stopping, no pausing.
#include <caviar/caviar.hpp>

#include <cstdint>

namespace caviar {
namespace {

class batch_strategy : public strategy {
public:
    static plugin_info info() {
        return {.name = "batch",
                .version = "1.0.0",
                .summary = "Run the trial budget, each trial for its full number of steps",
                .options = {}};
    }

    explicit batch_strategy(const options&) {}

    job next(study_view& study) override {
        // trials() includes earlier runs of a resumed study, so the budget counts them too.
        if (static_cast<std::int64_t>(study.trials().size()) < study.budget()) {
            job j;
            j.what = job::kind::start;
            j.params = study.propose(study.space());
            j.steps = 0;  // the model's full length
            // origin stays empty: the host records the sampler that made the params.
            return j;
        }
        // A paused trial (another strategy's, in an earlier run) runs to its end; one a person
        // holds is theirs to resume.
        for (const trial* t : study.trials())
            if (t->state == trial_state::paused && !study.held(t->number)) {
                job j = job::of(job::kind::resume);
                j.trial = t->number;
                return j;
            }
        if (study.count(trial_state::queued) > 0 || study.count(trial_state::running) > 0 ||
            study.count(trial_state::paused) > 0)
            return job::of(job::kind::wait);
        return job::of(job::kind::done);
    }
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::batch_strategy)
