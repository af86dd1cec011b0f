#include "run/config_change.hpp"

#include "config/toml_reader.hpp"

#include <map>
#include <sstream>

namespace caviar {

namespace {

// Each key of a table as TOML text ("epochs" -> "30"), nested tables flattened ("a.b").
void flatten(const toml::table& t, const std::string& prefix,
             std::map<std::string, std::string>& out) {
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

std::map<std::string, std::string> table_of(const toml::table& root, const char* name) {
    std::map<std::string, std::string> out;
    if (const auto* t = root.get_as<toml::table>(name)) flatten(*t, "", out);
    return out;
}

}  // namespace

std::vector<std::string> config_changes(const std::string& before, const std::string& after) {
    toml::table a, b;
    try {
        a = toml::parse(before);
        b = toml::parse(after);
    } catch (const toml::parse_error&) {
        return {};  // a stored text that does not parse is reported by the reports
    }
    std::vector<std::string> out;
    auto compare = [&](const char* table, const std::map<std::string, std::string>& x,
                       const std::map<std::string, std::string>& y, bool only_objective) {
        for (const auto& [k, v] : x) {
            if (only_objective && k.rfind("objective", 0) != 0) continue;
            auto it = y.find(k);
            if (it == y.end())
                out.push_back("[" + std::string(table) + "] " + k + " " + v + " → (not given)");
            else if (it->second != v)
                out.push_back("[" + std::string(table) + "] " + k + " " + v + " → " + it->second);
        }
        for (const auto& [k, v] : y) {
            if (only_objective && k.rfind("objective", 0) != 0) continue;
            if (!x.count(k))
                out.push_back("[" + std::string(table) + "] " + k + " (not given) → " + v);
        }
    };
    compare("experiment", table_of(a, "experiment"), table_of(b, "experiment"), true);
    for (const char* t : {"sampler", "strategy", "model"})
        compare(t, table_of(a, t), table_of(b, t), false);
    return out;
}

}  // namespace caviar
