#include "config/nesting.hpp"

namespace caviar {

std::optional<nesting_problem> too_deep(std::string_view text) {
    int depth = 0;  // open [ and { outside strings and comments
    int dots = 0;   // dots in the key (or header) being read: each is a level
    int line = 1, column = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        ++column;
        if (c == '\n') {
            ++line;
            column = 0;
            dots = 0;
            continue;
        }
        if (c == '#') {  // a comment, to the end of the line
            while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
            continue;
        }
        if (c == '"' || c == '\'') {  // a string: skipped whole (multi-line too; escapes in "...")
            const std::string delim(text.compare(i, 3, std::string(3, c)) == 0 ? 3 : 1, c);
            i += delim.size();
            while (i < text.size()) {
                if (text[i] == '\n') {
                    if (delim.size() == 1) {  // an unclosed string: the parser says so
                        --i;
                        break;
                    }
                    ++line;
                    column = 0;
                } else if (c == '"' && text[i] == '\\') {
                    ++i;
                } else if (text.compare(i, delim.size(), delim) == 0) {
                    i += delim.size() - 1;
                    break;
                }
                ++i;
            }
            continue;
        }
        if (c == '[' || c == '{') ++depth;
        if (c == ']' || c == '}') --depth;
        if (c == '=' || c == ',') dots = 0;
        if (c == '.') ++dots;
        if (depth + dots > max_toml_nesting)
            return nesting_problem{line, column,
                                   "the file nests deeper than " +
                                       std::to_string(max_toml_nesting) +
                                       " levels (tables, arrays, inline tables and dotted keys "
                                       "together); no experiment needs that many"};
    }
    return std::nullopt;
}

}  // namespace caviar
