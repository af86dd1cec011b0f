// The [space] table: one dimension per key, in file order.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/toml_reader.hpp"

#include <caviar/space.hpp>

namespace caviar {

/// Reads [space] (node is null when the table is absent). Dimensions that have errors are left
/// out; every error is reported through r. They are read in file order, or, given `order`, in
/// that order (names not in it last, in file order): a stored text, written back by TOML++, has
/// its keys sorted, and a condition's parent must come before the dimension it conditions.
space read_space(const toml::node* node, const source_pos& where, toml_reader& r,
                 const std::vector<std::string>* order = nullptr);

/// Why `name` cannot be a param's name (it must read back the same in tables, CSV, TOML and
/// environment variables), or nullopt.
std::optional<std::string> param_name_problem(const std::string& name);

/// s with control characters shown as \xNN, for messages.
std::string printable(const std::string& s);

}  // namespace caviar
