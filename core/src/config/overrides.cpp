#include "config/overrides.hpp"

#include <cstdio>

#include "config/nesting.hpp"

#include <memory>
#include <optional>
#include <sstream>

namespace caviar {

namespace {

std::string trim(std::string_view s) {
    const char* space = " \t\r\n";
    auto b = s.find_first_not_of(space);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(space);
    return std::string(s.substr(b, e - b + 1));
}

// "a.b.c" -> {"a", "b", "c"}; nothing when a part is empty.
std::optional<std::vector<std::string>> split_key(std::string_view key) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        auto dot = key.find('.', start);
        auto part = trim(key.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (part.empty()) return std::nullopt;
        parts.push_back(std::move(part));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

// VALUE parsed as the value of `v = VALUE`, so that it carries source as its position; a
// string when that is not exactly one TOML value, or when it would nest too deeply where it goes
// (the document `v = VALUE` at level depth).
toml::table parse_value(const std::string& text, const std::string& source, int depth) {
    try {
        const std::string doc_text = "v = " + text;
        if (too_deep(doc_text, depth)) throw std::invalid_argument("nested too deeply");
        toml::table doc = toml::parse(std::string_view(doc_text), std::string(source));
        if (doc.size() == 1 && doc.contains("v")) return doc;
    } catch (const std::exception&) {
        // not a TOML value (or one nested too deeply to read): a plain string, below
    }
    std::ostringstream quoted;  // TOML++ escapes the string for us
    quoted << toml::value<std::string>(text);
    return toml::parse(std::string_view("v = " + quoted.str()), std::string(source));
}

}  // namespace

void apply_overrides(toml::table& root, const std::vector<std::string>& overrides,
                     std::vector<diagnostic>& errors) {
    for (const auto& arg : overrides) {
        auto eq = arg.find('=');
        auto parts = eq == std::string::npos ? std::nullopt : split_key(arg.substr(0, eq));
        if (!parts) {
            errors.push_back({{"--set " + arg, 0, 0},
                              "an override must look like KEY=VALUE with a dotted KEY, e.g. "
                              "experiment.trials=10, got \"" +
                                  arg + "\""});
            continue;
        }
        std::string key;
        for (const auto& p : *parts) key += (key.empty() ? "" : ".") + p;
        // Each part is a table the value goes into: 40,000 of them overflowed the stack (in
        // TOML++, printing the effective file) just like a file nested that deep.
        if (parts->size() > static_cast<std::size_t>(max_toml_nesting)) {
            const std::string shown = key.size() > 80 ? key.substr(0, 77) + "..." : key;
            errors.push_back({{"--set " + shown, 0, 0},
                              "cannot set " + shown + ": its key has " +
                                  std::to_string(parts->size()) + " parts, more than the " +
                                  std::to_string(max_toml_nesting) +
                                  " levels an experiment may nest"});
            continue;
        }
        const std::string source = "--set " + key;
        auto source_path = std::make_shared<const std::string>(source);
        auto key_from_set = [&](const std::string& part) {
            return toml::key(part, toml::source_region{{}, {}, source_path});
        };

        toml::table* t = &root;
        std::string walked;
        for (std::size_t i = 0; t && i + 1 < parts->size(); ++i) {
            const std::string& part = (*parts)[i];
            walked += (walked.empty() ? "" : ".") + part;
            toml::node* n = t->get(part);
            if (!n) n = &t->insert_or_assign(key_from_set(part), toml::table{}).first->second;
            t = n->as_table();
            if (!t)
                errors.push_back(
                    {{source, 0, 0}, "cannot set " + key + ": " + walked + " is not a table"});
        }
        if (!t) continue;

        toml::table parsed =
            parse_value(trim(arg.substr(eq + 1)), source, static_cast<int>(parts->size()) - 1);
        toml::node& v = *parsed.get("v");
        if (t->contains(parts->back()))
            t->insert_or_assign(parts->back(), std::move(v));  // keeps the key, so the file order
        else
            t->insert_or_assign(key_from_set(parts->back()), std::move(v));
    }
}

std::string toml_quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + '"';
}

}  // namespace caviar
