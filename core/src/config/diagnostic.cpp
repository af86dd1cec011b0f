#include "config/diagnostic.hpp"

#include <algorithm>
#include <cctype>

namespace caviar {

std::string diagnostic::format() const {
    if (where.line == 0) return where.file + ": error: " + message;
    return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
           ": error: " + message;
}

namespace {

std::string join_messages(const std::vector<diagnostic>& d) {
    std::string out;
    for (const auto& x : d) {
        if (!out.empty()) out += '\n';
        out += x.format();
    }
    return out.empty() ? "invalid configuration" : out;
}

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Edit distance ignoring case ("Trials" is a typo of "trials", not a new word). Levenshtein,
// plus swapping two neighbours as one edit (optimal string alignment): "sacle" is one typo away
// from "scale", not two.
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

config_error::config_error(std::vector<diagnostic> d)
    : std::runtime_error(join_messages(d)), diagnostics_(std::move(d)) {}

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
    const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
    const std::string* best = nullptr;
    std::size_t best_distance = limit + 1;
    for (const auto& c : candidates) {
        std::size_t d = distance(word, c);
        if (d < best_distance) {
            best = &c;
            best_distance = d;
        }
    }
    if (best) return *best;
    // An abbreviation ("val_acc" for "val_accuracy"): the one candidate it starts.
    const std::string* only = nullptr;
    for (const auto& c : candidates)
        if (word.size() >= 3 && c.size() > word.size() && c.compare(0, word.size(), word) == 0) {
            if (only) return {};
            only = &c;
        }
    return only ? *only : std::string{};
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    std::string n = nearest(word, candidates);
    return n.empty() ? std::string{} : " (did you mean \"" + n + "\"?)";
}

}  // namespace caviar
