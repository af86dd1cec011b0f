// The plugin tables of a stored experiment text ([sampler], [strategy], [model]) as flat
// "key" -> "TOML value" maps: what resume compares and what the report shows as the options a
// study ran with.
#pragma once

#include <toml++/toml.h>

#include <map>
#include <string>

namespace caviar {

using flat_table = std::map<std::string, std::string>;

/// Each key of root's table `name` as TOML text ("epochs" -> "30", "data" -> "\"d.csv\""),
/// nested tables flattened ("a.b"); empty when there is no such table.
flat_table flat_table_of(const toml::table& root, const char* name);

/// The same, parsing text first; empty when text does not parse.
flat_table flat_table_of(const std::string& text, const char* name);

}  // namespace caviar
