// A cheap look at a TOML text before the parser sees it: how deeply it nests (tables, arrays,
// inline tables, dotted keys). TOML++ recurses once per level, and a file 40,000 levels deep
// (an 80 KB file) overflows the stack inside it; no experiment file needs more than a few.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace caviar {

/// The deepest nesting allowed in an experiment file or a --set value.
inline constexpr int max_toml_nesting = 64;

struct nesting_problem {
    int line = 0, column = 0;  // 1-based, where the limit is passed
    std::string message;
};

/// Where `text` nests deeper than max_toml_nesting, or nullopt.
std::optional<nesting_problem> too_deep(std::string_view text);

}  // namespace caviar
