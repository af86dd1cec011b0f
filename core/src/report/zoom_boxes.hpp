// The boxes a coarse-to-fine study zoomed into, read back from its trials for the charts.
#pragma once

#include "report/charts/chart_input.hpp"

#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <vector>

namespace caviar {

/// One box per round from round 2 on (round 1 is the whole space), in round order: the JSON of
/// the trial attribute "box" ({"name": [low, high]} in value space for numeric dimensions,
/// {"name": ["a", "b"]} for the choices kept) of the round's first trial, mapped into s's unit
/// space (a dimension absent from the box spans [0, 1]). The round is the "round" attribute,
/// else the origin "round N". A box that does not parse or does not fit s is skipped.
std::vector<zoom_box> recorded_boxes(const space& s, const std::vector<trial>& trials);

}  // namespace caviar
