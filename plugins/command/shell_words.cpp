#include "shell_words.hpp"

#include <stdexcept>

namespace caviar::command {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;  // "" is a word of its own, so track words apart from their text
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (is_space(c)) {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
            continue;
        }
        in_word = true;
        if (c == '\\') {
            if (++i == text.size()) throw std::invalid_argument("a backslash ends the text");
            word += text[i];
        } else if (c == '\'') {
            auto end = text.find('\'', i + 1);
            if (end == std::string_view::npos)
                throw std::invalid_argument("unterminated ' quote at column " +
                                            std::to_string(i + 1));
            word.append(text.substr(i + 1, end - i - 1));
            i = end;
        } else if (c == '"') {
            std::size_t j = i + 1;
            for (; j < text.size() && text[j] != '"'; ++j) {
                // Inside double quotes only \" and \\ are escapes, as in a POSIX shell ($ and `
                // mean nothing here: nothing is expanded).
                if (text[j] == '\\' && j + 1 < text.size() &&
                    (text[j + 1] == '"' || text[j + 1] == '\\'))
                    ++j;
                word += text[j];
            }
            if (j == text.size())
                throw std::invalid_argument("unterminated \" quote at column " +
                                            std::to_string(i + 1));
            i = j;
        } else {
            word += c;
        }
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

}  // namespace caviar::command
