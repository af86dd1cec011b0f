// The messages of the work queue: what a worker is given (assignment), what it reports after a
// step (step_report, answered by a decision), and how its run ended (trial_end). Plain data with
// a binary serialisation (MessagePack), so the same calls can cross a process boundary: an MPI
// message or a socket. Checkpoint bytes travel with the assignment.
#pragma once

#include <caviar/strategy.hpp>
#include <caviar/trial.hpp>
#include <caviar/value.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace caviar {

/// A trial for a worker to run.
struct assignment {
    std::int64_t number = 0;
    caviar::params params;
    std::uint64_t seed = 0;
    std::int64_t steps = 0;  // run until this many steps; 0 = the model's full length
    /// A resumed trial: the checkpoint to load into the new run, and the steps it has made.
    std::optional<std::string> checkpoint;
    std::int64_t first_step = 0;
    /// After loading, call run::update(params): the params differ from the checkpoint's.
    bool update = false;

    bool operator==(const assignment&) const = default;
};

/// What the queue answers a worker that asks for work without blocking.
struct work {
    enum class kind { run, wait, done };
    kind what = kind::done;
    assignment job;  // run: the trial

    bool operator==(const work&) const = default;
};

/// After each step of a running trial. `last`: the run ends after this step whatever the
/// decision (an end follows at once), so the point may be written with the trial's end.
struct step_report {
    std::int64_t trial = 0;
    std::int64_t step = 0;
    caviar::metrics metrics;
    bool last = false;

    bool operator==(const step_report&) const = default;
};

/// How a trial's run ended, as the worker saw it.
struct trial_end {
    std::int64_t trial = 0;
    trial_state state = trial_state::complete;  // complete, pruned, paused or failed
    std::string error;                          // failed: the message; pruned/paused: reason
    std::optional<std::string> checkpoint;      // paused: what run::save wrote

    bool operator==(const trial_end&) const = default;
};

/// A message that cannot be decoded: truncated, of another kind, or from another version.
class message_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string encode(const assignment& m);
std::string encode(const work& m);
std::string encode(const step_report& m);
std::string encode(const decision& m);
std::string encode(const trial_end& m);

/// Each throws message_error on bytes that are not a message of its kind.
assignment decode_assignment(std::string_view bytes);
work decode_work(std::string_view bytes);
step_report decode_step_report(std::string_view bytes);
decision decode_decision(std::string_view bytes);
trial_end decode_trial_end(std::string_view bytes);

}  // namespace caviar
