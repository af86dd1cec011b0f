// Errors a plugin throws to say which part of the experiment file is wrong, so the host can point
// at it (FILE:LINE:COL) instead of at the plugin's table. Thrown by a plugin's constructor,
// sampler::prepare, strategy::prepare or model::prepare; any other std::invalid_argument from
// them points at the plugin's table.
#pragma once

#include <caviar/export.hpp>

#include <stdexcept>
#include <string>

namespace caviar {

/// One of the plugin's own options does not fit: `option` is its key in the plugin's table,
/// e.g. option_error("min_steps", "min_steps=40 is above the model's 30 steps").
class CAVIAR_API option_error : public std::invalid_argument {
public:
    option_error(std::string option, const std::string& message);
    ~option_error() override;
    const std::string& option() const noexcept { return option_; }

private:
    std::string option_;
};

/// A dimension of [space] does not fit the plugin: `dimension` is its name, e.g.
/// dimension_error("learning_rate", "must be a float range above 0").
class CAVIAR_API dimension_error : public std::invalid_argument {
public:
    dimension_error(std::string dimension, const std::string& message);
    ~dimension_error() override;
    const std::string& dimension() const noexcept { return dimension_; }

private:
    std::string dimension_;
};

}  // namespace caviar
