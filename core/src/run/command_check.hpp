// The rules a command must follow, in one place: `caviar ctl` checks a command against the
// store before posting it, and the running study checks it again when it takes it (the trial may
// have moved on in between). Each rule that is broken gives a message naming it.
#pragma once

#include "store/records.hpp"

#include <caviar/model.hpp>
#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <optional>
#include <set>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace caviar {

struct command_facts {
    const caviar::space& space;
    std::span<const std::string> architecture;
    model_capabilities capabilities;
    std::string model_name;
    std::int64_t trials = 0;  // trials the study has (started or queued)
};

/// Why command c cannot apply to trial t (null when the study has no such trial), or nullopt
/// when it can. held: whether a person holds t (paused by them, not resumed).
std::optional<std::string> check_command(const command_record& c, const trial* t, bool held,
                                         const command_facts& f);

/// t's params with the changes applied (set, resume -p), or why they cannot be: a param not in
/// the space, a value outside its dimension, an architecture param changed.
std::variant<params, std::string> changed_params(const trial& t, const params& changes,
                                                 const command_facts& f);

/// The trials a person holds, read from their events: paused, and the last of their pause,
/// resume, exploit, restart and rollback events is a pause from source "manual".
std::set<std::int64_t> held_trials(std::span<const trial> trials,
                                   std::span<const trial_event> events);

/// "layers is architecture for model mlp: a running trial keeps it; enqueue a new trial
/// instead".
std::string architecture_refusal(const std::string& name, const std::string& model);

}  // namespace caviar
