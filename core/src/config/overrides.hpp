// --set KEY=VALUE: changes to the parsed experiment file, applied before validation.
#pragma once

#include "config/diagnostic.hpp"

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

namespace caviar {

/// Sets each "a.b.c=VALUE" in root, creating tables on the way and replacing what was there.
/// VALUE is read as a TOML value, or taken as a string when it is not one. The nodes it adds
/// carry the source path "--set a.b.c", so errors about them point at the argument.
void apply_overrides(toml::table& root, const std::vector<std::string>& overrides,
                     std::vector<diagnostic>& errors);

/// s as a TOML basic string ("..." with \", \\ and control characters escaped): a --set VALUE
/// that stays the string it is, e.g. a path or a study name.
std::string toml_quoted(std::string_view s);

}  // namespace caviar
