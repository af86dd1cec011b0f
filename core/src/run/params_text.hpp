// Params in messages and events: "lr=0.1, layers=2", and what a change did:
// "learning_rate 0.1 → 0.01".
#pragma once

#include <caviar/value.hpp>

#include <string>

namespace caviar {

/// "lr=0.1, layers=2", every value in full.
std::string describe(const params& p);
/// The params that differ, "learning_rate 0.1 → 0.01, units 64 → (none)", reals to six
/// significant digits.
std::string changes_text(const params& before, const params& after);

}  // namespace caviar
