// Strategy plugins schedule the study: which trial runs next, for how many steps, and what
// happens after each reported step.
#pragma once

#include <caviar/errors.hpp>
#include <caviar/export.hpp>
#include <caviar/model.hpp>
#include <caviar/plugin_kind.hpp>
#include <caviar/space.hpp>
#include <caviar/trial.hpp>
#include <caviar/value.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace caviar {

/// What a worker should do next. Plain data, so it can cross a process boundary later.
struct job {
    enum class kind {
        start,   // start a new trial with `params`
        resume,  // resume paused trial `trial`
        wait,    // nothing to hand out now; ask again when a running trial reports or ends
        done     // the study is over
    };
    kind what = kind::done;
    /// start: the new trial's params. resume: new params for the trial (its non-architecture
    /// ones, or all of them together with `from`), or empty to keep its params.
    caviar::params params;
    std::int64_t trial = -1;  // resume: which trial
    /// resume: continue from trial `from`'s checkpoint instead of the trial's own (the exploit
    /// step of population-based training); -1 = its own. The host records the exploit.
    std::int64_t from = -1;
    /// Run until the trial has made this many steps in all; 0 = the model's full length.
    std::int64_t steps = 0;
    std::string origin;        // start: recorded with the trial, e.g. "round 2"
    caviar::attributes attrs;  // start: recorded with the trial, e.g. {"bracket", "1"}

    /// A job that is only its kind, e.g. job::of(job::kind::wait).
    static job of(kind what) {
        job j;
        j.what = what;
        return j;
    }
};

/// A strategy's answer to a reported step.
struct decision {
    enum class kind {
        go_on,     // keep stepping (up to the job's budget)
        complete,  // stop now; the trial is complete with its last metrics
        prune,     // stop now; the trial is pruned (it looked unpromising)
        pause      // stop now; the trial is paused and may be resumed later
    };
    kind what = kind::go_on;
    std::string reason;  // kept with the trial for prune/pause
    /// go_on: params to train with from the next step on, without a pause (run::update): the
    /// trial's new params, or the ones that change. Empty = keep them. Only for a model with
    /// capabilities().update(), and never an architecture param (the study fails otherwise).
    caviar::params params;
};

/// What a strategy is told once, before the first trial (strategy::prepare).
struct study_plan {
    const caviar::space& space;
    const caviar::objective& objective;
    std::int64_t budget = 0;     // the trial budget ([experiment] trials)
    std::int64_t max_steps = 1;  // the model's full length in steps
    model_capabilities capabilities;
    std::span<const std::string> architecture;  // model::architecture()
};

/// The study as a strategy sees it. Implemented by the host; valid during the call only.
class CAVIAR_API study_view {
public:
    virtual ~study_view();

    virtual const caviar::space& space() const = 0;
    virtual const caviar::objective& objective() const = 0;
    /// The trial budget ([experiment] trials).
    virtual std::int64_t budget() const = 0;
    /// The model's full length in steps (e.g. epochs); 1 for a one-shot model.
    virtual std::int64_t max_steps() const = 0;
    /// Every trial of the study in number order, including earlier runs of it (resume).
    virtual std::span<const trial* const> trials() const = 0;
    /// How many trials are in state s.
    virtual std::int64_t count(trial_state s) const = 0;
    /// Asks the sampler for the params of the next new trial, over `s` (the study's space or
    /// a narrowed copy of it). Calls before the next trial starts get different seeds, so a
    /// strategy may draw several candidates.
    virtual params propose(const caviar::space& s) = 0;

    /// The study's seed, for strategies that draw random numbers (derive_seed it).
    virtual std::uint64_t seed() const = 0;
    /// Whether the model saves checkpoints (a resumed trial continues where it paused; without
    /// them it restarts from step 0) and can change params mid-run.
    virtual model_capabilities capabilities() const = 0;
    /// Params that cannot change mid-run (model::architecture()).
    virtual std::span<const std::string> architecture() const = 0;
    /// Ends paused trial `trial` as pruned, e.g. "not promoted at rung 1 (rank 7 of 9)"; its
    /// checkpoint is deleted. Throws std::logic_error when the trial is not paused. A held trial
    /// (below) is left as it is.
    virtual void prune(std::int64_t trial, std::string reason) = 0;

    /// Whether a person paused this trial from outside (caviar ctl) and has not resumed it: it
    /// is theirs until they resume or prune it. A strategy should leave it out of its choices;
    /// the host ignores a resume or prune of it, and the study waits for the person rather than
    /// end while one is held.
    virtual bool held(std::int64_t trial) const = 0;
};

/// Thread: prepare() on the main thread; the others under the coordinator's lock, one call at
/// a time. Lifetime: built once per study from its options.
///
/// Trials may also be paused, resumed, given new params or pruned from outside (a person with
/// caviar ctl); the strategy sees that through on_report/on_end and the trials' states, and must
/// keep a consistent study: count a trial pruned from outside as done, treat new params as the
/// trial's own, leave held() trials alone.
class CAVIAR_API strategy {
public:
    using interface = strategy;
    static constexpr plugin_kind kind = plugin_kind::strategy;

    virtual ~strategy();

    /// Checks the strategy fits the study before any trial runs (caviar validate calls it too):
    /// throws option_error naming one of its options, dimension_error naming a dimension, or
    /// std::invalid_argument, each with a message for the user (e.g. "min_steps=40 is above the
    /// model's 30 steps"). The default accepts everything.
    virtual void prepare(const study_plan& plan);

    /// The next job for an idle worker.
    virtual job next(study_view& study) = 0;

    /// After each step of a running trial. The default lets it run its budget.
    virtual decision on_report(study_view& study, const trial& t, std::int64_t step,
                               const metrics& m);

    /// After a trial stops (complete, pruned, paused or failed). The default does nothing.
    virtual void on_end(study_view& study, const trial& t);
};

}  // namespace caviar
