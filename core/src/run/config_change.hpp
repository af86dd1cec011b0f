// What changed in a study's configuration between the run that created it and this one: the
// plugins, their options and the objective. A changed [space] or seed is refused elsewhere; the
// budget, threads, timeouts and [[enqueue]] may change freely. Resuming a study whose model,
// sampler or strategy options changed would mix trials of two configurations without a word.
#pragma once

#include <string>
#include <vector>

namespace caviar {

/// The differences between two effective experiment texts (TOML), one line each, e.g.
/// "[model] epochs 30 → 2", "[strategy] plugin \"batch\" → \"asha\"". Empty when none matter.
std::vector<std::string> config_changes(const std::string& before, const std::string& after);

}  // namespace caviar
