// A [sampler], [strategy] or [model] table: which plugin, and its raw options.
#pragma once

#include "config/experiment.hpp"
#include "config/toml_reader.hpp"

#include <filesystem>
#include <string_view>

namespace caviar {

/// Reads the table called name (node is null when absent; where is its position). Without
/// plugin/path the plugin is default_plugin; an empty default_plugin makes one required.
/// path = "..." is made absolute relative to base_dir.
plugin_ref read_plugin_ref(std::string_view name, const toml::node* node, const source_pos& where,
                           std::string_view default_plugin, const std::filesystem::path& base_dir,
                           toml_reader& r);

}  // namespace caviar
