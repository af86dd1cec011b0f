// `caviar show`: a study at a glance in the terminal — its set-up, its trials by state, the best
// trials with their params, and parameter importance as bars of characters.
#pragma once

#include "report/importance.hpp"
#include "store/store.hpp"

#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <string>
#include <vector>

namespace caviar {

/// "12 trials: 10 complete, 1 pruned, 1 failed" (states with no trial left out).
std::string state_counts(const std::vector<trial>& trials);

/// A bar of `width` cells for share in [0, 1], drawn with Unicode eighth blocks.
std::string share_bar(double share, int width);

/// The whole summary: set-up (with each plugin's options), counts, top `top` trials,
/// importance (with what it means when events show params changed mid-run).
std::string study_summary(const study_record& s, const std::string& store_file, const space& sp,
                          const std::vector<trial>& trials, const importance_result& imp,
                          std::size_t top, const std::vector<trial_event>& events = {});

}  // namespace caviar
