#include "config/toml_reader.hpp"

#include <caviar/value.hpp>

#include <algorithm>
#include <sstream>

namespace caviar {

std::optional<source_pos> toml_reader::pos(const toml::source_region& region) const {
    if (!region.path) return std::nullopt;
    // Anything not from the file itself was parsed from a --set argument: its line and column
    // are within the argument, which would only mislead.
    if (*region.path != file_) return source_pos{*region.path, 0, 0};
    if (region.begin.line == 0) return std::nullopt;
    return source_pos{file_, static_cast<int>(region.begin.line),
                      static_cast<int>(region.begin.column)};
}

source_pos toml_reader::pos(const toml::node& n, const source_pos& fallback) const {
    return pos(n.source()).value_or(fallback);
}

source_pos toml_reader::pos(const toml::key& k, const toml::node& n,
                            const source_pos& fallback) const {
    auto value_pos = pos(n.source());
    if (value_pos && value_pos->file != file_) return *value_pos;
    if (auto key_pos = pos(k.source())) return *key_pos;
    return value_pos.value_or(fallback);
}

void toml_reader::check_keys(const toml::table& t, const std::vector<std::string>& allowed,
                             std::string_view prefix, const source_pos& fallback) {
    for (const auto& [k, n] : t) {
        if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
        error(pos(k, n, fallback), std::string(prefix) + "unknown key \"" + std::string(k.str()) +
                                       "\"" + did_you_mean(k.str(), allowed));
    }
}

std::string describe(const toml::node& n) {
    if (const auto* s = n.as_string()) return '"' + s->get() + '"';
    if (const auto* i = n.as_integer()) return std::to_string(i->get());
    if (const auto* d = n.as_floating_point()) return to_string(value{d->get()});
    if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
    if (n.is_array()) return "an array";
    if (n.is_table()) return "a table";
    std::ostringstream os;  // dates and times, as written
    n.visit([&](const auto& v) { os << v; });
    return os.str();
}

std::string quoted_list(const std::vector<std::string>& words) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
        out += '"' + words[i] + '"';
    }
    return out;
}

}  // namespace caviar
