// The charts of the HTML report, each an inline <svg class="chart" data-chart="NAME"> whose
// points carry data-trial and a <title> naming the trial and its params.
#pragma once

#include "report/charts/chart_input.hpp"

#include <string>

namespace caviar {

/// Objective per trial in number order and the best-so-far line; pruned trials in another
/// colour, failed ones as crosses in a strip below the values. data-chart="history".
std::string history_chart(const chart_input& in);

/// Objective against one parameter on that parameter's scale (log decades, log1m 0.9/0.99/...,
/// categorical strips with jitter); colour = trial number. data-chart="slice".
std::string slice_chart(const chart_input& in, const dimension& d);

/// Two parameters against each other, colour = objective, with a colour bar.
/// data-chart="scatter".
std::string scatter_chart(const chart_input& in, const dimension& x, const dimension& y);

/// The objective metric per step of every trial; a trial cut short (pruned, paused, failed)
/// ends in a cross. data-chart="curves".
std::string curves_chart(const chart_input& in);

/// One vertical axis per parameter plus the objective; a line per complete trial, coloured by
/// objective. data-chart="parallel".
std::string parallel_chart(const chart_input& in);

/// Horizontal bars of in.importance with their numbers. data-chart="importance".
std::string importance_chart(const chart_input& in);
/// A retune's configurations: old value and today's mean with its interval, in old rank order,
/// and the new search's best as a line. data-chart="drift"; empty when in.drift is null.
std::string drift_chart(const chart_input& in);

}  // namespace caviar
