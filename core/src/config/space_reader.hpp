// The [space] table: one dimension per key, in file order.
#pragma once

#include "config/toml_reader.hpp"

#include <caviar/space.hpp>

namespace caviar {

/// Reads [space] (node is null when the table is absent). Dimensions that have errors are left
/// out; every error is reported through r.
space read_space(const toml::node* node, const source_pos& where, toml_reader& r);

}  // namespace caviar
