// The objective's axis on every chart that plots it. Ranged to the data, not to the metric's
// possible range, and with far-out values on the worse side left out of the range: a few
// diverged trials (accuracy 0.1 among 0.95s) would otherwise squash the trials that matter into
// a few pixels. Values beyond the axis are drawn on its edge, which the chart marks.
#pragma once

#include "report/svg/plot.hpp"

#include <caviar/trial.hpp>

#include <string>
#include <vector>

namespace caviar {

struct objective_axis {
    axis y;  // linear, widened to nice ticks
    /// Whether some value lies beyond the axis's low or high end (only ever the worse end).
    bool clipped_low = false, clipped_high = false;

    /// The pixel of v, clamped to the axis's ends.
    double operator()(double v) const;
    /// Whether v lies beyond the axis, drawn on its edge.
    bool beyond(double v) const { return v < y.lo() || v > y.hi(); }
};

/// The axis over `values` (NaN and infinities ignored) from pixel p0 (low end) to p1. With at
/// least 10 values, those more than three interquartile ranges beyond the quartile on the worse
/// side (Tukey's "far out") are left out of the range; the best end is never cut.
objective_axis make_objective_axis(const std::vector<double>& values, direction d, double p0,
                                   double p1);

/// A dashed line on each clipped end of a chart's frame and a note at the top right:
/// "▼ values below 0.88 are drawn on the dashed edge".
std::string clipped_edges(const objective_axis& a, const frame& f);

}  // namespace caviar
