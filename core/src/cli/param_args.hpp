// -p NAME=VALUE arguments (caviar enqueue, caviar ctl set/resume): read as TOML values (a value
// that is not TOML is a string: act=relu) and checked against the study's space, with the same
// messages as [[enqueue]] tables in an experiment file.
#pragma once

#include <caviar/space.hpp>
#include <caviar/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace caviar::cli {

/// A whole configuration: every active dimension given, each value inside its dimension.
/// Prints each problem to stderr (prefixed "caviar COMMAND: ") and returns nullopt.
std::optional<params> whole_params(const std::vector<std::string>& pairs, const space& sp,
                                   const std::string& command);

/// The params that change (set, resume -p): each checked as part of `current` with the changes
/// applied, so a change that switches a conditional dimension on must give it too.
std::optional<params> changed_params(const std::vector<std::string>& pairs, const params& current,
                                     const space& sp, const std::string& command);

}  // namespace caviar::cli
