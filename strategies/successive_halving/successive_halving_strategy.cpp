// Synchronous successive halving (Jamieson & Talwalkar 2016; Li et al. 2018): n trials (the
// budget) run r steps and pause; when every one of them has, the best ⌊n/η⌋ run on to rη steps
// and the rest are pruned; and so on up to R steps, where the last ones complete. Each rung is a
// real barrier: workers wait until its last trial arrives.
#include "../common/rung_book.hpp"
#include "../common/rungs.hpp"

#include <caviar/caviar.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace caviar {
namespace {

using namespace strategies;

class successive_halving_strategy : public ladder_strategy {
public:
    static plugin_info info() {
        return {.name = "successive_halving",
                .version = "1.0.0",
                .summary =
                    "Synchronous successive halving: run the budget for min_steps, keep "
                    "the best 1/eta for eta times longer, up to max_steps; each rung waits "
                    "for all its trials",
                .options = rung_option_specs()};
    }

    explicit successive_halving_strategy(const options& o) : ladder_strategy(o) {}

    job next(study_view& study) override {
        set_up(study);
        if (auto j = resume_unfinished(book_, study)) return *j;
        auto all = study.trials();
        // Rung 0 first: starting trials is never blocked by a barrier.
        if (static_cast<std::int64_t>(all.size()) < study.budget()) {
            job j;
            j.what = job::kind::start;
            j.params = study.propose(study.space());
            j.steps = rungs_.front();  // the report rule pauses it there
            return j;
        }
        halving_group g{.members = {all.begin(), all.end()},
                        .rungs = &rungs_,
                        .eta = settings_.eta,
                        .closed = true};
        if (auto j = halving_pass(study, book_, g)) return *j;
        if (study.count(trial_state::running) > 0 || study.count(trial_state::queued) > 0)
            return job::of(job::kind::wait);
        prune_paused(study, book_, g.members);
        return {};
    }

private:
    std::string name() const override { return "successive_halving"; }
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::successive_halving_strategy)
