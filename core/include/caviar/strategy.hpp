// Strategy plugins schedule the study: which trial runs next, for how many steps, and what
// happens after each reported step.
#pragma once

#include <caviar/export.hpp>
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
    caviar::params params;    // start: the new trial's params
    std::int64_t trial = -1;  // resume: which trial
    /// Run until the trial has made this many steps in all; 0 = the model's full length.
    std::int64_t steps = 0;
    std::string origin;  // start: recorded with the trial, e.g. "round 2"
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
    /// a narrowed copy of it).
    virtual params propose(const caviar::space& s) = 0;
};

/// Thread: every method is called under the coordinator's lock, one call at a time.
/// Lifetime: built once per study from its options.
class CAVIAR_API strategy {
public:
    using interface = strategy;
    static constexpr plugin_kind kind = plugin_kind::strategy;

    virtual ~strategy();

    /// The next job for an idle worker.
    virtual job next(study_view& study) = 0;

    /// After each step of a running trial. The default lets it run its budget.
    virtual decision on_report(study_view& study, const trial& t, std::int64_t step,
                               const metrics& m);

    /// After a trial stops (complete, pruned, paused or failed). The default does nothing.
    virtual void on_end(study_view& study, const trial& t);
};

}  // namespace caviar
