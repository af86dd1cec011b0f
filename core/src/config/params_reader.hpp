// Known configurations written by hand: [[enqueue]] tables in the experiment file and
// `caviar enqueue`, read as params of a space.
#pragma once

#include "config/toml_reader.hpp"

#include <caviar/space.hpp>

#include <optional>
#include <string>
#include <vector>

namespace caviar {

/// One configuration (name = value, ...) checked against the space: names must be dimensions,
/// each value of its dimension's type (an int is fine for a float) and inside it, every active
/// dimension given and no inactive one. Errors go through r, prefixed with prefix.
std::optional<params> read_params(const toml::table& t, const space& s, const std::string& prefix,
                                  const source_pos& where, toml_reader& r);

/// [[enqueue]]: an array of tables, each read with read_params.
std::vector<params> read_enqueue(const toml::node* node, const source_pos& where, const space& s,
                                 toml_reader& r);

}  // namespace caviar
