#include "report_line.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace caviar::command {

namespace {

bool known(const std::vector<std::string>& names, std::string_view key) {
    return std::find(names.begin(), names.end(), key) != names.end();
}

std::string_view trim(std::string_view s) {
    auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The whole text as a number ("0.21", "1e-3", "nan", "inf"), or nothing.
std::optional<double> number(std::string_view text) {
    std::string s(trim(text));
    if (s.empty()) return std::nullopt;
    if (s == "NaN" || s == "nan") return std::nan("");
    if (s == "Infinity" || s == "inf") return HUGE_VAL;
    if (s == "-Infinity" || s == "-inf") return -HUGE_VAL;
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || errno == ERANGE) return std::nullopt;
    return v;
}

// Python's json.dumps writes NaN, Infinity and -Infinity bare; quote them outside strings so a
// diverging run still reports (and fails on its NaN) instead of going silent.
std::string quote_non_finite(std::string_view line) {
    std::string out;
    bool in_string = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < line.size())
                out += line[++i];
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        bool matched = false;
        for (std::string_view word : {"-Infinity", "Infinity", "NaN"}) {
            if (line.substr(i, word.size()) == word) {
                out += '"';
                out += word;
                out += '"';
                i += word.size() - 1;
                matched = true;
                break;
            }
        }
        if (!matched) out += c;
    }
    return out;
}

report_line read_json(std::string_view line, const std::vector<std::string>& names) {
    report_line r;
    nlohmann::json j = nlohmann::json::parse(quote_non_finite(line), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        r.what = report_line::kind::malformed;
        r.problem = j.is_discarded() ? "not valid JSON" : "JSON but not an object";
        return r;
    }
    for (const auto& [key, v] : j.items()) {
        if (!known(names, key)) continue;
        std::optional<double> x;
        if (v.is_number())
            x = v.get<double>();
        else if (v.is_string())
            x = number(v.get<std::string>());
        if (!x) {
            r.what = report_line::kind::malformed;
            r.problem = "metric \"" + key + "\" is not a number: " + v.dump();
            return r;
        }
        r.values[key] = *x;
    }
    if (!r.values.empty()) r.what = report_line::kind::report;
    return r;
}

report_line read_pairs(std::string_view line, const std::vector<std::string>& names) {
    report_line r;
    // "val_loss = 0.2" reads as "val_loss=0.2": drop blanks around each '='.
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (c == ' ' || c == '\t') {
            auto next = line.find_first_not_of(" \t", i);
            if (next != std::string_view::npos && line[next] == '=') continue;
            if (!text.empty() && text.back() == '=') continue;
        }
        text += c;
    }
    std::size_t i = 0;
    while (i < text.size()) {
        auto start = text.find_first_not_of(" \t,;", i);
        if (start == std::string::npos) break;
        auto end = text.find_first_of(" \t,;", start);
        if (end == std::string::npos) end = text.size();
        std::string_view word(text.data() + start, end - start);
        i = end;
        auto eq = word.find('=');
        if (eq == std::string_view::npos || !known(names, word.substr(0, eq))) continue;
        auto x = number(word.substr(eq + 1));
        if (!x) {
            r.what = report_line::kind::malformed;
            r.problem = "metric \"" + std::string(word.substr(0, eq)) +
                        "\" is not a number: " + std::string(word.substr(eq + 1));
            return r;
        }
        r.values[std::string(word.substr(0, eq))] = *x;
    }
    if (!r.values.empty()) r.what = report_line::kind::report;
    return r;
}

}  // namespace

report_line read_report_line(std::string_view line, const std::vector<std::string>& names) {
    std::string_view t = trim(line);
    if (!t.empty() && t.front() == '{') return read_json(t, names);
    return read_pairs(t, names);
}

}  // namespace caviar::command
