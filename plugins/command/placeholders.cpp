#include "placeholders.hpp"

#include <functional>
#include <stdexcept>

namespace caviar::command {

namespace {

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

// Walks text once, calling on_text for literal runs and on_name for placeholders.
void scan(std::string_view text, const std::function<void(std::string_view)>& on_text,
          const std::function<void(std::string_view)>& on_name) {
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            on_text(text.substr(i, 1));
            i += 2;
            continue;
        }
        if (c == '{' && i + 1 < text.size() && is_name_start(text[i + 1])) {
            std::size_t j = i + 1;
            while (j < text.size() && is_name_char(text[j])) ++j;
            if (j < text.size() && text[j] == '}') {
                on_name(text.substr(i + 1, j - i - 1));
                i = j + 1;
                continue;
            }
        }
        on_text(text.substr(i, 1));
        ++i;
    }
}

}  // namespace

std::vector<std::string> placeholder_names(std::string_view text) {
    std::vector<std::string> names;
    scan(
        text, [](std::string_view) {}, [&](std::string_view n) { names.emplace_back(n); });
    return names;
}

std::string expand(std::string_view text, const substitutions& values) {
    std::string out;
    scan(
        text, [&](std::string_view t) { out += t; },
        [&](std::string_view n) {
            auto it = values.find(n);
            if (it == values.end())
                throw std::invalid_argument("unknown placeholder {" + std::string(n) + "}");
            out += it->second;
        });
    return out;
}

}  // namespace caviar::command
