// Parameter importance: which parameters explain the objective, by fANOVA (Hutter, Hoos &
// Leyton-Brown, ICML 2014) over a random forest. Each tree is a piecewise-constant function on
// the unit cube; its variance splits exactly into main effects and interactions. A parameter's
// importance is the share of the variance explained by its main effect alone (the marginal
// prediction as that parameter varies, averaged over all others), averaged over the trees.
#pragma once

#include "report/regression_forest.hpp"

#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <string>
#include <utility>
#include <vector>

namespace caviar {

struct param_importance {
    std::string name;
    double importance = 0;  // share of the objective's variance, in [0, 1]
};

struct importance_result {
    /// One entry per dimension, most important first (ties: space order). Shares add up to at
    /// most 1; the rest is interactions between parameters.
    std::vector<param_importance> params;
    std::size_t trials = 0;    // complete trials with a value that were used
    std::size_t complete = 0;  // complete trials with a value (more than `trials`: a sample)
    int trees = 0;             // trees in the forest (0 when not computed)
    /// Empty when the numbers mean something; otherwise why there are none (all zero).
    std::string note;
};

/// What the shares were fitted on, for people: "40 complete trials", or "a random 5,000 of
/// 100,000 complete trials (the same sample each time)".
std::string importance_basis(const importance_result& r);

/// fANOVA main-effect shares for features x (one row per sample) in domain (per feature
/// [low, high]) and targets y. Deterministic for a given seed.
std::vector<double> fanova_main_effects(const std::vector<std::vector<double>>& x,
                                        const std::vector<double>& y,
                                        const std::vector<std::pair<double, double>>& domain,
                                        const forest_options& o = {});

/// Importance of each dimension of s for the objective, from the complete trials. Features are
/// the params in unit space (a categorical is its choice's cell centre, which trees split like
/// any ordered value); a conditional dimension's feature spans [-1, 1], with -0.5 standing for
/// "absent", so being inactive counts as one more value the parameter can take.
importance_result parameter_importance(const space& s, const std::vector<trial>& trials,
                                       const forest_options& o = {});

}  // namespace caviar
