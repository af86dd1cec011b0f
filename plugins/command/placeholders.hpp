// {name} placeholders inside the program's arguments, replaced after splitting so that a value
// with spaces or quotes stays inside its one argument.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace caviar::command {

using substitutions = std::map<std::string, std::string, std::less<>>;

/// The names of the {name} placeholders in text, in order of appearance. A placeholder is a
/// name ([A-Za-z_][A-Za-z0-9_.-]*) in braces; "{{" and "}}" stand for literal braces, and any
/// other brace is kept as is (so `--json={"a": 1}` needs no escaping).
std::vector<std::string> placeholder_names(std::string_view text);

/// text with every placeholder replaced by its value; throws std::invalid_argument naming an
/// unknown placeholder.
std::string expand(std::string_view text, const substitutions& values);

}  // namespace caviar::command
