// A cheap look at a TOML text before the parser sees it: how deeply the tree it builds nests
// (tables, arrays, inline tables, dotted keys). TOML++ recurses once per level, parsing,
// printing and freeing it, and a file 40,000 levels deep (an 80 KB file) overflows the stack
// inside it; no experiment file needs more than a few.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace caviar {

/// The deepest nesting allowed in an experiment file, or made by a --set.
inline constexpr int max_toml_nesting = 64;

struct nesting_problem {
    int line = 0, column = 0;  // 1-based, where the limit is passed
    std::string message;
};

/// Where the tree of the TOML document `text`, its root `depth` levels deep, nests deeper than
/// max_toml_nesting, or nullopt. A node's level is its depth from the root of the experiment:
/// in `[a.b]` then `c.d = [{ e = 1 }]`, e is at level 6 (a, b, c, d: the array, its table, e).
/// depth is where text goes: 0 for a file; 1 for `--set a.b=VALUE`, read as the document
/// `v = VALUE` that takes the place of table a (so VALUE is at level 2).
std::optional<nesting_problem> too_deep(std::string_view text, int depth = 0);

}  // namespace caviar
