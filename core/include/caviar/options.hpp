// Plugin options: the schema a plugin publishes, and the validated values it is built from.
#pragma once

#include <caviar/export.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace caviar {

/// path: a string the host resolves relative to the experiment file before the plugin sees it.
/// string_list: a TOML array of strings, `args = ["python3", "train.py"]`; a single string is
/// accepted too and kept as it was written, so a plugin may read it its own way (the command
/// model splits it like a shell).
enum class option_type { boolean, integer, real, string, path, string_list };

CAVIAR_API const char* to_string(option_type t);

/// string_list options hold a std::vector<std::string> (or a std::string, given as one).
using option_value =
    std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;

CAVIAR_API std::string to_string(const option_value& v);

/// One option a plugin accepts. Without a default the option is required.
struct option_spec {
    std::string name;
    option_type type = option_type::string;
    std::optional<option_value> default_value;
    std::string help;
    /// For string options: the accepted values (empty = any).
    std::vector<std::string> allowed;
    /// For numeric options: inclusive bounds.
    std::optional<double> min;
    std::optional<double> max;
};

/// Validated option values: every option of the schema is present (given or defaulted), has its
/// type, and meets its bounds. Getters throw std::invalid_argument naming the option on misuse.
class CAVIAR_API options {
public:
    void set(std::string name, option_value v) { values_[std::move(name)] = std::move(v); }
    bool has(std::string_view name) const { return values_.find(name) != values_.end(); }

    bool get_bool(std::string_view name) const;
    std::int64_t get_int(std::string_view name) const;
    /// Integers are accepted and converted.
    double get_real(std::string_view name) const;
    /// Strings and paths (paths already absolute).
    const std::string& get_string(std::string_view name) const;
    /// A string_list option: the array as given, or a single string as a list of one.
    std::vector<std::string> get_string_list(std::string_view name) const;
    /// Whether the option was given as a list rather than a single string.
    bool is_list(std::string_view name) const;

    const std::map<std::string, option_value, std::less<>>& values() const { return values_; }

private:
    const option_value& at(std::string_view name) const;
    std::map<std::string, option_value, std::less<>> values_;
};

}  // namespace caviar
