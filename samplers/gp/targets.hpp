// What the GP is fitted to: the scores of one group of trials (the study's own, or a warm
// start's), warped so a heavy tail of bad values does not flatten the good region, then
// standardised.
//
// The warp is half-rank (as in Google Vizier): scores better than the median are kept; each
// worse one is replaced by median + s * Phi^-1(q), q its rank quantile and s the spread of the
// better half around the median, so a loss 1000 times the median counts as about 2-3 spreads
// worse, not 1000. The order of the scores is kept. Only a heavy tail is warped: when the worse
// half lies more than twice as far from the median (root mean square) as the better half; a
// bounded objective keeps the slope its worse half shows.
#pragma once

#include <span>
#include <vector>

namespace caviar::gp {

/// Targets for scores (lower is better; NaN for none), with mean 0 and variance 1 over the
/// finite ones; a NaN score gets the worst (largest) target, so the model steers away from
/// where trials failed. All 0 when no score is finite.
std::vector<double> targets(std::span<const double> scores, bool warp);

}  // namespace caviar::gp
