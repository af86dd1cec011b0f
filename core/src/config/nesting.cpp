#include "config/nesting.hpp"

#include <vector>

namespace caviar {

namespace {

// An open [ or { of a value: the level its next element or key starts from after a comma.
struct open_bracket {
    int level;
    bool array;
};

}  // namespace

std::optional<nesting_problem> too_deep(std::string_view text, int depth) {
    // A node's level is its depth in the tree the text builds: a top-level key is at depth + 1.
    // Dots are levels only in keys (not in 1.5 or 12:00:00.5); '=' ends a key.
    int table = depth;       // level of the table the statements are in ([a.b] -> depth + 2)
    int level = depth;       // level reached by the key or value being read
    bool in_key = true;      // reading a key (dots are levels), not a value
    bool header = false;     // reading a [table] or [[array]] header
    bool line_start = true;  // nothing but blanks since the last statement
    std::vector<open_bracket> open;
    int line = 1, column = 0;  // as TOML++ counts them: 1-based, columns in code points
    auto step = [&](char c) {
        if (c == '\n') {
            ++line;
            column = 0;
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {  // not inside a code point
            ++column;
        }
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        step(c);
        if (c == '\n') {
            if (!open.empty() && !header && open.back().array) continue;  // a multi-line array
            // A statement ends (an inline table or a header left open is the parser's error).
            if (header) table = level;
            open.clear();
            level = table;
            in_key = true;
            header = false;
            line_start = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') continue;
        const bool first = line_start;
        line_start = false;
        if (c == '#') {  // a comment, to the end of the line
            while (i + 1 < text.size() && text[i + 1] != '\n') step(text[++i]);
            continue;
        }
        if (c == '"' || c == '\'') {  // a string, skipped whole: multi-line too, escapes in "..."
            const std::size_t quotes = text.compare(i, 3, std::string(3, c)) == 0 ? 3 : 1;
            const std::string_view delim = text.substr(i, quotes);
            for (std::size_t q = 1; q < quotes; ++q) step(text[++i]);
            while (i + 1 < text.size()) {
                // An unclosed "..." or '...' ends at the line's end: the parser says so.
                if (quotes == 1 && text[i + 1] == '\n') break;
                step(text[++i]);
                if (c == '"' && text[i] == '\\') {
                    if (i + 1 < text.size()) step(text[++i]);  // \" or \\, or the line's end
                } else if (text.compare(i, quotes, delim) == 0) {
                    for (std::size_t q = 1; q < quotes; ++q) step(text[++i]);
                    break;
                }
            }
            continue;
        }
        if (first && c == '[' && open.empty()) {  // [table] or [[array.of.tables]]: from the root
            header = true;
            level = depth + 1;
            if (i + 1 < text.size() && text[i + 1] == '[') {
                ++level;  // the array, then the table that is its element
                step(text[++i]);
            }
        } else if (header) {
            if (c == '.') ++level;
        } else if (c == '.' && in_key) {
            ++level;
        } else if (c == '=' && in_key) {
            ++level;  // the key itself; its value is at this level
            in_key = false;
        } else if (c == '{') {
            open.push_back({level, false});
            in_key = true;
        } else if (c == '[') {
            open.push_back({++level, true});
        } else if (c == ',' && !open.empty()) {
            level = open.back().level;
            in_key = !open.back().array;
        } else if ((c == ']' || c == '}') && !open.empty()) {
            open.pop_back();
            in_key = false;
        }
        if (level > max_toml_nesting)
            return nesting_problem{line, column,
                                   "the file nests deeper than " +
                                       std::to_string(max_toml_nesting) +
                                       " levels (tables, arrays, inline tables and dotted keys "
                                       "together); no experiment needs that many"};
    }
    return std::nullopt;
}

}  // namespace caviar
