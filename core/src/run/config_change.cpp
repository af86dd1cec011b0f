#include "run/config_change.hpp"

#include "config/plugin_tables.hpp"

namespace caviar {

std::vector<std::string> config_changes(const std::string& before, const std::string& after) {
    toml::table a, b;
    try {
        a = toml::parse(before);
        b = toml::parse(after);
    } catch (const toml::parse_error&) {
        return {};  // a stored text that does not parse is reported by the reports
    }
    std::vector<std::string> out;
    auto compare = [&](const char* table, const flat_table& x, const flat_table& y,
                       bool only_objective) {
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
    compare("experiment", flat_table_of(a, "experiment"), flat_table_of(b, "experiment"), true);
    for (const char* t : {"sampler", "strategy", "model"})
        compare(t, flat_table_of(a, t), flat_table_of(b, t), false);
    return out;
}

}  // namespace caviar
