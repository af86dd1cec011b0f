// Asynchronous successive halving, ASHA (Li et al. 2020): the rungs of successive halving without
// its barriers. A worker that asks for work gets, from the highest rung down, a paused trial in
// the top ⌊m/η⌋ of the m results at its rung that has not been promoted yet; failing that, a new
// trial while the budget lasts. Promotions are decided on the results so far, so no worker waits
// for a rung to fill. When nothing runs and nothing can be promoted, the paused rest is pruned;
// but if no trial reached the last rung by then, the best paused one of the highest rung is run
// on to it first (Li et al. assume an endless stream of trials; a finite budget needs a winner).
#include "../common/rung_book.hpp"
#include "../common/rungs.hpp"

#include <caviar/caviar.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace caviar {
namespace {

using namespace strategies;

class asha_strategy : public ladder_strategy {
public:
    static plugin_info info() {
        return {.name = "asha",
                .version = "1.0.0",
                .summary =
                    "Asynchronous successive halving (ASHA): promote a paused trial as "
                    "soon as it is in the top 1/eta of its rung, else start a new one; "
                    "no worker waits for a rung to fill",
                .options = rung_option_specs()};
    }

    explicit asha_strategy(const options& o) : ladder_strategy(o) {}

    job next(study_view& study) override {
        set_up(study);
        if (auto j = resume_unfinished(book_, study)) return *j;
        auto all = study.trials();
        std::vector<const trial*> everyone(all.begin(), all.end());
        for (int k = static_cast<int>(rungs_.size()) - 2; k >= 0; --k)
            if (auto j = promotion(study, everyone, k)) return *j;
        if (static_cast<std::int64_t>(all.size()) < study.budget()) {
            job j;
            j.what = job::kind::start;
            j.params = study.propose(study.space());
            j.steps = rungs_.front();  // the report rule pauses it there
            return j;
        }
        if (study.count(trial_state::running) > 0 || study.count(trial_state::queued) > 0)
            return job::of(job::kind::wait);
        if (auto j = finish(study, everyone)) return *j;
        prune_paused(study, book_, everyone);
        return {};
    }

private:
    std::string name() const override { return "asha"; }

    // A paused trial of rung k in the top ⌊m/η⌋ of the m results there (counting the trials
    // already promoted beyond it), not promoted yet.
    std::optional<job> promotion(const study_view& study, const std::vector<const trial*>& all,
                                 int k) {
        auto ranked = rank_at(book_, study.objective(), all, k);
        std::size_t top = ranked.size() / static_cast<std::size_t>(settings_.eta);
        for (std::size_t i = 0; i < top; ++i) {
            const trial& t = *ranked[i].t;
            if (t.state == trial_state::paused && book_.at(t).assigned == k &&
                !study.held(t.number))
                return promote(book_, t, k + 1);
        }
        return std::nullopt;
    }

    // The study is over but no trial reached the last rung (a budget below η^rungs leaves the
    // top rungs with fewer than η results): the best paused trial of the highest rung runs on,
    // so the study ends with at least one fully trained trial.
    std::optional<job> finish(const study_view& study, const std::vector<const trial*>& all) {
        int last = static_cast<int>(rungs_.size()) - 1;
        if (!rank_at(book_, study.objective(), all, last).empty()) return std::nullopt;
        for (int k = last - 1; k >= 0; --k)
            for (const auto& r : rank_at(book_, study.objective(), all, k))
                if (r.t->state == trial_state::paused && book_.at(*r.t).assigned == k &&
                    !study.held(r.t->number))
                    return promote(book_, *r.t, k + 1);
        return std::nullopt;
    }
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::asha_strategy)
