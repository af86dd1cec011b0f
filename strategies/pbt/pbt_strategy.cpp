// Population-based training (Jaderberg et al. 2017): the trial budget is a population whose
// members train side by side and, every `interval` steps, the bottom quantile copies a member
// of the top quantile (its checkpoint and params: exploit) and nudges or resamples the copied
// non-architecture params (explore). With fewer workers than members the population advances
// in generations: each member pauses at every multiple of the interval, and a generation is
// ranked once every unfinished member has reached it; recipients resume first (the host copies
// the donor's checkpoint when the job is handed out, so donors must still be at that step),
// then the rest. The schedule is read from the trials' states and steps, so a resumed study
// carries on from its paused members.
#include "../common/curves.hpp"
#include "explore.hpp"

#include <caviar/caviar.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar {
namespace {

using strategies::value_at;

class pbt_strategy : public strategy {
public:
    static plugin_info info() {
        return {.name = "pbt",
                .version = "1.0.0",
                .summary =
                    "Population-based training: the budget is a population; every "
                    "`interval` steps the bottom quantile continues from a top member's "
                    "checkpoint with its params perturbed (needs checkpoints)",
                .options = {{.name = "interval",
                             .type = option_type::integer,
                             .default_value = std::int64_t{0},
                             .help = "steps between exploit/explore decisions; 0 = a tenth of "
                                     "the model's max_steps (at least 1)",
                             .min = 0.0},
                            {.name = "quantile",
                             .type = option_type::real,
                             .default_value = 0.25,
                             .help = "the bottom fraction of the population that exploits, and "
                                     "the top fraction it copies from; 0 = never exploit",
                             .min = 0.0,
                             .max = 0.5},
                            {.name = "resample_probability",
                             .type = option_type::real,
                             .default_value = 0.25,
                             .help = "chance that an explored param is drawn anew from its "
                                     "dimension rather than perturbed",
                             .min = 0.0,
                             .max = 1.0},
                            {.name = "perturb_down",
                             .type = option_type::real,
                             .default_value = 0.8,
                             .help = "factor that nudges a param down, on its dimension's scale",
                             .min = 0.01,
                             .max = 1.0},
                            {.name = "perturb_up",
                             .type = option_type::real,
                             .default_value = 1.2,
                             .help = "factor that nudges a param up, on its dimension's scale",
                             .min = 1.0,
                             .max = 100.0}}};
    }

    explicit pbt_strategy(const options& o)
        : interval_option_(o.get_int("interval")),
          quantile_(o.get_real("quantile")),
          settings_{.resample_probability = o.get_real("resample_probability"),
                    .down = o.get_real("perturb_down"),
                    .up = o.get_real("perturb_up")} {}

    void prepare(const study_plan& plan) override {
        if (!plan.capabilities.checkpoints()) throw std::invalid_argument(no_checkpoints);
        const std::int64_t interval =
            interval_option_ > 0
                ? interval_option_
                : std::max<std::int64_t>(1, std::llround(static_cast<double>(plan.max_steps) / 10));
        if (interval >= plan.max_steps)
            throw option_error("interval", "interval=" + std::to_string(interval) +
                                               " is not below the model's " +
                                               std::to_string(plan.max_steps) +
                                               " steps: no member would ever exploit another");
        if (plan.budget < 2)
            throw std::invalid_argument(
                "pbt trains the trial budget as one population, and a population of " +
                std::to_string(plan.budget) +
                " cannot exploit itself: raise [experiment] trials to 2 or more");
    }

    job next(study_view& study) override {
        if (!study.capabilities().checkpoints()) throw std::invalid_argument(no_checkpoints);
        auto all = study.trials();
        // Exploits decided for this generation go out before any donor moves on.
        // Both still where the generation found them: a person may have moved either since.
        while (!exploits_.empty()) {
            auto [s, j] = exploits_.front();
            exploits_.pop_front();
            if (paused(all, j.trial) && paused(all, j.from) && !study.held(j.trial) &&
                all[static_cast<std::size_t>(j.from)]->steps == s &&
                all[static_cast<std::size_t>(j.trial)]->steps == s) {
                // A model that cannot update continues with the donor's params as they are now
                // (a person may have changed them on a resume since).
                if (!study.capabilities().update())
                    j.params = all[static_cast<std::size_t>(j.from)]->params;
                return j;
            }
        }
        const std::int64_t interval = interval_of(study);
        if (static_cast<std::int64_t>(all.size()) < study.budget()) {
            job j;
            j.what = job::kind::start;
            j.params = study.propose(study.space());
            j.steps = boundary_after(0, interval, study.max_steps());
            j.origin = "pbt member";
            return j;
        }

        // The generation to close: the lowest step a member is paused at.
        std::optional<std::int64_t> lowest;
        bool running = false;
        // A member a person holds sits out until they release it.
        for (const trial* t : all) {
            if (t->state == trial_state::paused && !study.held(t->number)) {
                if (!lowest || t->steps < *lowest) lowest = t->steps;
            } else if (t->state == trial_state::running || t->state == trial_state::queued) {
                running = true;
            }
        }
        if (!lowest) return job::of(running ? job::kind::wait : job::kind::done);
        const std::int64_t s = *lowest;
        // It is complete when no member is still on its way to s (or about to pause there).
        for (const trial* t : all) {
            bool moving = t->state == trial_state::running || t->state == trial_state::queued;
            if (moving && (t->steps < s || (t->steps == s && pausing_.count(t->number))))
                return job::of(job::kind::wait);
        }
        if (decided_.insert(s).second) {
            decide(study, s, interval);
            if (!exploits_.empty()) return next(study);
        }
        for (const trial* t : all)
            if (t->state == trial_state::paused && t->steps == s && !study.held(t->number)) {
                job j;
                j.what = job::kind::resume;
                j.trial = t->number;
                j.steps = boundary_after(s, interval, study.max_steps());
                return j;
            }
        return job::of(job::kind::wait);  // not reached: a member is paused at s
    }

    decision on_report(study_view& study, const trial& t, std::int64_t step,
                       const metrics&) override {
        std::int64_t interval = interval_of(study);
        if (step < study.max_steps() && step % interval == 0) {
            pausing_.insert(t.number);
            return {decision::kind::pause, "pbt: generation " + std::to_string(step / interval) +
                                               " (step " + std::to_string(step) + ")"};
        }
        return {};
    }

    void on_end(study_view&, const trial& t) override { pausing_.erase(t.number); }

private:
    static constexpr const char* no_checkpoints =
        "pbt needs a model that saves checkpoints (an exploit continues from another member's "
        "weights); this study's model does not: use a model with checkpoints (e.g. mlp) or "
        "another strategy";

    // Trial numbers are positions in trials() (the host numbers them 0, 1, ...).
    static bool paused(std::span<const trial* const> all, std::int64_t number) {
        auto i = static_cast<std::size_t>(number);
        return number >= 0 && i < all.size() && all[i]->number == number &&
               all[i]->state == trial_state::paused;
    }

    std::int64_t interval_of(const study_view& study) const {
        if (interval_option_ > 0) return interval_option_;
        return std::max<std::int64_t>(1, std::llround(static_cast<double>(study.max_steps()) / 10));
    }

    // The next decision step after s, or the end of training.
    static std::int64_t boundary_after(std::int64_t s, std::int64_t interval,
                                       std::int64_t max_steps) {
        return std::min(max_steps, (s / interval + 1) * interval);
    }

    // Ranks the members paused at step s by their value there and queues one exploit per
    // member of the bottom quantile, from a donor drawn uniformly from the top quantile.
    void decide(study_view& study, std::int64_t s, std::int64_t interval) {
        const objective& obj = study.objective();
        struct ranked {
            const trial* t;
            std::optional<double> v;
        };
        std::vector<ranked> members;
        for (const trial* t : study.trials())
            if (t->state == trial_state::paused && t->steps == s && !study.held(t->number))
                members.push_back({t, value_at(*t, obj.metric, s)});
        // Best first; a member without a finite value at s ranks last.
        std::stable_sort(members.begin(), members.end(), [&](const ranked& a, const ranked& b) {
            if (a.v && b.v) return obj.better(*a.v, *b.v);
            return a.v.has_value() && !b.v.has_value();
        });
        auto n = members.size();
        auto k = std::min(
            n / 2, static_cast<std::size_t>(std::ceil(static_cast<double>(n) * quantile_ - 1e-9)));
        // Donors need a value: with many failed curves the top quantile shrinks to the valued.
        auto valued = static_cast<std::size_t>(
            std::count_if(members.begin(), members.end(), [](const ranked& m) { return m.v; }));
        k = std::min(k, valued);
        if (k == 0) return;
        rng r(derive_seed(study.seed(), static_cast<std::uint64_t>(s / interval)));
        std::uniform_int_distribution<std::size_t> pick(0, k - 1);
        auto fixed = strategies::pbt::architecture_closure(study.space(), study.architecture());
        bool update = study.capabilities().update();
        for (std::size_t i = n - k; i < n; ++i) {
            const trial& donor = *members[pick(r)].t;
            job j;
            j.what = job::kind::resume;
            j.trial = members[i].t->number;
            j.from = donor.number;
            // A model that cannot take new params mid-run continues with the donor's.
            j.params =
                update ? strategies::pbt::explore(study.space(), fixed, donor.params, settings_, r)
                       : donor.params;
            j.steps = boundary_after(s, interval, study.max_steps());
            exploits_.emplace_back(s, std::move(j));
        }
    }

    std::int64_t interval_option_;
    double quantile_;
    strategies::pbt::explore_settings settings_;
    std::set<std::int64_t> pausing_;  // told to pause, not ended yet
    std::set<std::int64_t> decided_;  // generations (steps) whose exploits were decided
    std::deque<std::pair<std::int64_t, job>> exploits_;  // decided at step s, not handed out yet
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::pbt_strategy)
