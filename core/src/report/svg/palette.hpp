// Colours: a viridis-like ramp for continuous values (readable in grey and by most colour-blind
// readers), and fixed colours for trial states.
#pragma once

#include <caviar/trial.hpp>

#include <string>

namespace caviar {

/// t in [0, 1] (clamped; NaN -> grey) -> "#rrggbb" along viridis: dark purple -> yellow.
std::string viridis(double t);

/// The colour a trial's state is drawn in where colour does not encode a value.
std::string state_colour(trial_state s);

}  // namespace caviar
