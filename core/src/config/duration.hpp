// Durations in experiment files: "90s", "10m", "2h", "1h30m", "1.5h", or a number of seconds.
#pragma once

#include <optional>
#include <string_view>

namespace caviar {

/// Seconds, or nullopt when text is not a duration (no unit-less text: "10" is ambiguous here,
/// numbers are given as TOML numbers instead).
std::optional<double> parse_duration(std::string_view text);

}  // namespace caviar
