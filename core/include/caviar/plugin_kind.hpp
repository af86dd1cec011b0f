// The three kinds of plugin.
#pragma once

#include <caviar/export.hpp>

#include <string_view>

namespace caviar {

enum class plugin_kind { sampler, strategy, model };

CAVIAR_API const char* to_string(plugin_kind k);
/// Parses "sampler", "strategy" or "model"; throws std::invalid_argument otherwise.
CAVIAR_API plugin_kind plugin_kind_from_string(std::string_view s);

}  // namespace caviar
