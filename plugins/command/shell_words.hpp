// Splitting the `args` option into a program and its arguments the way a shell would, without a
// shell: nothing is expanded or run, so a value can never become a command.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace caviar::command {

/// Splits text at unquoted whitespace. 'single quotes' keep everything literally, "double quotes"
/// keep everything but \" and \\, and a backslash outside quotes escapes the next character.
/// Throws std::invalid_argument on an unterminated quote or a trailing backslash.
std::vector<std::string> split_words(std::string_view text);

}  // namespace caviar::command
