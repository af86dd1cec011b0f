#include "config/plugin_tables.hpp"

#include <sstream>

namespace caviar {

namespace {

void flatten(const toml::table& t, const std::string& prefix, flat_table& out) {
    for (auto&& [k, v] : t) {
        std::string key = prefix + std::string(k.str());
        if (const auto* sub = v.as_table()) {
            flatten(*sub, key + ".", out);
            continue;
        }
        std::ostringstream text;
        v.visit([&](auto&& n) { text << n; });
        out[key] = text.str();
    }
}

}  // namespace

flat_table flat_table_of(const toml::table& root, const char* name) {
    flat_table out;
    if (const auto* t = root.get_as<toml::table>(name)) flatten(*t, "", out);
    return out;
}

flat_table flat_table_of(const std::string& text, const char* name) {
    try {
        return flat_table_of(toml::parse(text), name);
    } catch (const toml::parse_error&) {
        return {};
    }
}

}  // namespace caviar
