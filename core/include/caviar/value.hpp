// Parameter values and parameter sets: what a sampler proposes and a model receives.
#pragma once

#include <caviar/export.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <variant>

namespace caviar {

/// One parameter value: an integer, a real number or a string (a categorical choice).
using value = std::variant<std::int64_t, double, std::string>;

/// A trial's parameters by name, ordered by name so that text forms are stable.
using params = std::map<std::string, value, std::less<>>;

/// Text form of a value: integers plainly, reals with up to 17 significant digits, strings as is.
CAVIAR_API std::string to_string(const value& v);

/// The value as a double (integers converted); throws std::invalid_argument for strings.
CAVIAR_API double to_double(const value& v);

/// Named values looked up with a clear error: "missing parameter 'units'" or
/// "parameter 'units' is a string, expected a number".
CAVIAR_API std::int64_t get_int(const params& p, std::string_view name);
CAVIAR_API double get_real(const params& p, std::string_view name);
CAVIAR_API const std::string& get_string(const params& p, std::string_view name);

}  // namespace caviar
