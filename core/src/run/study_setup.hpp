// Turns a validated experiment into live plugin objects, checking every plugin's options and its
// fit with the space and objective before any trial runs.
#pragma once

#include "config/experiment.hpp"
#include "plugin/registry.hpp"

#include <caviar/model.hpp>
#include <caviar/sampler.hpp>
#include <caviar/strategy.hpp>

#include <memory>
#include <vector>

namespace caviar {

struct study_setup {
    experiment exp;
    loaded_plugin sampler_plugin, strategy_plugin, model_plugin;
    std::shared_ptr<caviar::sampler> sampler;
    std::shared_ptr<caviar::strategy> strategy;
    std::shared_ptr<caviar::model> model;
    /// Each plugin's options as checked (defaults filled, paths absolute).
    options sampler_options, strategy_options, model_options;
};

/// Loads the three plugins, validates their options, creates them and lets them check the space
/// (sampler::prepare, model::prepare) and the objective metric. Every problem is appended to
/// errors as a diagnostic at the place in the file that caused it; the result is usable only when
/// none was.
study_setup set_up_study(experiment exp, const registry& plugins, std::vector<diagnostic>& errors);

}  // namespace caviar
