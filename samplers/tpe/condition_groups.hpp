// Dimensions grouped by their condition: dimensions with the same `when` are active in exactly
// the same trials, so TPE fits one joint density per group on the trials where it is active.
#pragma once

#include "unit_axis.hpp"

#include <caviar/space.hpp>

#include <cstddef>
#include <optional>
#include <vector>

namespace caviar::tpe {

struct condition_group {
    std::vector<unit_axis> axes;      // in space order
    const condition* when = nullptr;  // null: always active
    std::size_t parent = 0;           // the parent's index in the space, when conditional
};

/// The groups of s in the order of their first dimension. A parent precedes its children in the
/// space, so the group holding a parent comes before the groups conditioned on it, and sampling
/// the groups in order always knows a condition's parent value.
std::vector<condition_group> group_by_condition(const space& s);

}  // namespace caviar::tpe
