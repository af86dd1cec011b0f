// The coarse_to_fine strategy: rounds of sampling, each zoomed into the box around the best
// trials so far (layers 1..50, best at 10 and 19 -> the next round samples about 10..19).
//
// - The trial budget is split over the rounds as evenly as possible, earlier rounds taking the
//   remainder (10 trials in 3 rounds: 4, 3, 3).
// - Round 1 samples the study's space. Round R > 1 starts once every earlier trial has finished
//   (a barrier): it keeps the best `keep` complete trials of all rounds so far, takes their box
//   in unit space (box.hpp) and asks the sampler for params over that narrowed space.
// - Each trial records origin "round R" and attributes round = R and box = the round's box as
//   JSON (box_json.hpp). The schedule is derived from the trials alone: a resumed study counts
//   each round's trials by their "round" attribute and rebuilds the round's space from "box".
// - Paused trials (a run interrupted with a checkpoint) are resumed first: the barrier needs them.
#include "box.hpp"
#include "box_json.hpp"

#include <caviar/caviar.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar {
namespace {

// The "round" attribute of t, or 0 when it has none (an enqueued trial, another strategy's).
std::int64_t round_attr(const trial& t) {
    auto it = t.attrs.find("round");
    if (it == t.attrs.end()) return 0;
    try {
        return std::stoll(it->second);
    } catch (const std::exception&) {
        return 0;
    }
}

class coarse_to_fine_strategy : public strategy {
public:
    static plugin_info info() {
        return {.name = "coarse_to_fine",
                .version = "1.0.0",
                .summary =
                    "Rounds of sampling, each inside the box (in unit space) around the best "
                    "trials of the rounds before",
                .options = {
                    {.name = "rounds",
                     .type = option_type::integer,
                     .default_value = std::int64_t{3},
                     .help = "number of rounds; the trial budget is split evenly over them",
                     .min = 1.0,
                     .max = 1e6},
                    {.name = "keep",
                     .type = option_type::real,
                     .default_value = 0.2,
                     .help = "the box of the next round is around this fraction (in (0, 1), "
                             "rounded up) of the finished round's trial count: the best complete "
                             "trials of all rounds so far",
                     // No max: keep = 5 gets a hint towards keep_count from the constructor.
                     .min = 0.0},
                    {.name = "keep_count",
                     .type = option_type::integer,
                     .default_value = std::int64_t{0},
                     .help = "keep this many best trials instead of the fraction `keep`; 0 = use "
                             "`keep`",
                     .min = 0.0},
                    {.name = "margin",
                     .type = option_type::real,
                     .default_value = 0.1,
                     .help = "the box is widened by this fraction of its width on each side (in "
                             "unit space), then clipped to the space",
                     .min = 0.0,
                     .max = 100.0},
                }};
    }

    explicit coarse_to_fine_strategy(const options& o)
        : rounds_(o.get_int("rounds")),
          keep_(o.get_real("keep")),
          keep_count_(o.get_int("keep_count")),
          margin_(o.get_real("margin")) {
        if (rounds_ < 1)
            throw std::invalid_argument("rounds must be at least 1, got rounds=" +
                                        std::to_string(rounds_));
        if (!(keep_ > 0 && keep_ < 1))
            throw std::invalid_argument(
                "keep must be a fraction in (0, 1), got keep=" + to_string(value{keep_}) +
                (keep_ >= 1 ? "; to keep a number of trials, set keep_count = " +
                                  std::to_string(static_cast<std::int64_t>(keep_))
                            : std::string()));
        if (keep_count_ < 0)
            throw std::invalid_argument(
                "keep_count must be 0 (use keep) or at least 1, got "
                "keep_count=" +
                std::to_string(keep_count_));
        if (!(margin_ >= 0) || !std::isfinite(margin_))
            throw std::invalid_argument("margin must be a finite number >= 0, got margin=" +
                                        to_string(value{margin_}));
    }

    void prepare(const study_plan& plan) override {
        if (plan.budget < rounds_)
            throw option_error("rounds",
                               "coarse_to_fine needs at least one trial per round: "
                               "rounds=" +
                                   std::to_string(rounds_) + " but the study has " +
                                   std::to_string(plan.budget) +
                                   " trials; lower rounds or raise [experiment] trials");
    }

    job next(study_view& study) override {
        const std::int64_t budget = study.budget();
        // prepare() refused fewer trials than rounds; a budget lowered mid-run (caviar ctl)
        // leaves the last rounds empty, and the study ends when the budget is spent.
        auto all = study.trials();
        // A paused trial holds its round's barrier: finish it first (one a person holds waits
        // for them).
        for (const trial* t : all)
            if (t->state == trial_state::paused && !study.held(t->number)) {
                job j;
                j.what = job::kind::resume;
                j.trial = t->number;
                j.steps = 0;  // the model's full length
                return j;
            }
        if (static_cast<std::int64_t>(all.size()) >= budget) return finish(study);

        // Trials per round so far; trials without a round count for round 1.
        std::vector<std::int64_t> started(static_cast<std::size_t>(rounds_) + 1, 0);
        std::int64_t round = 1;
        for (const trial* t : all) {
            std::int64_t r = std::clamp<std::int64_t>(round_attr(*t), 1, rounds_);
            ++started[static_cast<std::size_t>(r)];
            round = std::max(round, r);
        }
        // The last round takes whatever budget is left (a resumed study may have raised it).
        if (round < rounds_ &&
            started[static_cast<std::size_t>(round)] >= round_size(budget, round)) {
            // The barrier: the next round's box needs every earlier trial's result.
            if (unfinished(study) > 0) return job::of(job::kind::wait);
            ++round;
            open_round(study, round, budget);
        } else if (cached_round_ != round) {
            rebuild_round(study, round);
        }

        job j;
        j.what = job::kind::start;
        j.params = study.propose(round == 1 ? study.space() : space_);
        j.steps = 0;
        j.origin = "round " + std::to_string(round);
        j.attrs = {{"round", std::to_string(round)}, {"box", box_}};
        return j;
    }

private:
    // Trials of round r (1-based) out of the budget: earlier rounds take the remainder.
    std::int64_t round_size(std::int64_t budget, std::int64_t r) const {
        return budget / rounds_ + (r <= budget % rounds_ ? 1 : 0);
    }

    static std::int64_t unfinished(study_view& study) {
        return study.count(trial_state::queued) + study.count(trial_state::running) +
               study.count(trial_state::paused);
    }

    job finish(study_view& study) const {
        return job::of(unfinished(study) > 0 ? job::kind::wait : job::kind::done);
    }

    // Round r starts: its box is around the best complete trials so far.
    void open_round(study_view& study, std::int64_t r, std::int64_t budget) {
        std::vector<const trial*> complete;
        for (const trial* t : study.trials())
            if (t->state == trial_state::complete && t->value) complete.push_back(t);
        const objective& obj = study.objective();
        std::stable_sort(complete.begin(), complete.end(), [&](const trial* a, const trial* b) {
            return obj.better(*a->value, *b->value);
        });
        auto keep = keep_count_ > 0
                        ? keep_count_
                        : static_cast<std::int64_t>(std::ceil(
                              keep_ * static_cast<double>(round_size(budget, r - 1)) - 1e-9));
        std::vector<const params*> kept;
        for (std::int64_t i = 0; i < static_cast<std::int64_t>(complete.size()) && i < keep; ++i)
            kept.push_back(&complete[static_cast<std::size_t>(i)]->params);
        // No complete trial to zoom around (all failed): the round samples the whole space.
        set_round(
            r, kept.empty() ? study.space() : coarse_to_fine::narrow(study.space(), kept, margin_));
    }

    // A resumed study: round r's space from the box its first trials recorded.
    void rebuild_round(study_view& study, std::int64_t r) {
        for (const trial* t : study.trials()) {
            auto box = t->attrs.find("box");
            if (round_attr(*t) != r || box == t->attrs.end()) continue;
            set_round(r, coarse_to_fine::space_of_box(study.space(), box->second));
            return;
        }
        set_round(r, study.space());  // round 1, or trials that recorded no box
    }

    void set_round(std::int64_t r, space s) {
        cached_round_ = r;
        box_ = coarse_to_fine::box_json(s);
        space_ = std::move(s);
    }

    std::int64_t rounds_;
    double keep_;
    std::int64_t keep_count_;
    double margin_;
    // The current round's space and its box, rebuilt from the trials when the object is new.
    std::int64_t cached_round_ = 0;
    space space_;
    std::string box_;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::coarse_to_fine_strategy)
