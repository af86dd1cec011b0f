// The search space of a stored study, rebuilt from its stored experiment text so that reports
// see each dimension's kind, bounds, scale and condition (the store keeps params by name only).
#pragma once

#include "store/store.hpp"

#include <caviar/space.hpp>

namespace caviar {

/// Reads [space] from s.config. Throws std::runtime_error when the text no longer gives the
/// space the study was created with (its hash differs).
space study_space(const study_record& s);

}  // namespace caviar
