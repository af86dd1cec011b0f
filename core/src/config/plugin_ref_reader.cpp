#include "config/plugin_ref_reader.hpp"

#include <optional>
#include <string>
#include <vector>

namespace caviar {

namespace {

// A non-empty string value, or an error naming the key.
std::string read_name(const std::string& prefix, const char* key, const toml::node& n,
                      const source_pos& where, toml_reader& r) {
    if (const auto* s = n.as_string(); s && !s->get().empty()) return s->get();
    r.error(where, prefix + key + " must be a non-empty string, got " + describe(n));
    return {};
}

// An array option: strings only (whether the plugin takes a list is its schema's business).
// The error points at the first element that is not a string.
std::optional<std::vector<std::string>> read_string_list(const std::string& prefix,
                                                         std::string_view key,
                                                         const toml::array& array,
                                                         const source_pos& where, toml_reader& r) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const auto* s = array[i].as_string();
        if (!s) {
            r.error(r.pos(array[i], where), prefix + "option \"" + std::string(key) +
                                                "\": element " + std::to_string(i + 1) + " is " +
                                                describe(array[i]) +
                                                "; an array option holds strings only");
            return std::nullopt;
        }
        out.push_back(s->get());
    }
    return out;
}

}  // namespace

plugin_ref read_plugin_ref(std::string_view name, const toml::node* node, const source_pos& where,
                           std::string_view default_plugin, const std::filesystem::path& base_dir,
                           toml_reader& r) {
    plugin_ref ref;
    ref.table = std::string(name);
    ref.where = where;
    const std::string prefix = "[" + ref.table + "] ";
    const std::string needs = prefix + "needs plugin = \"NAME\" or path = \"FILE.so\"";
    const toml::table* t = node ? node->as_table() : nullptr;
    if (node && !t) {
        r.error(where, prefix + "must be a table, got " + describe(*node));
        return ref;
    }
    if (!t) {
        if (default_plugin.empty()) r.error(where, needs + "; the table is missing");
        ref.name = std::string(default_plugin);
        return ref;
    }

    const toml::node* plugin = nullptr;
    const toml::node* path = nullptr;
    source_pos plugin_pos, path_pos;
    for (const auto& [k, n] : *t) {
        source_pos p = r.pos(k, n, where);
        if (k.str() == "plugin") {
            plugin = &n;
            plugin_pos = p;
        } else if (k.str() == "path") {
            path = &n;
            path_pos = p;
        } else if (k.str() == "warm_start" && ref.table == "sampler") {
            // Read by the host (it loads that study's trials), not an option of the plugin.
            ref.warm_start = read_name(prefix, "warm_start", n, r.pos(n, p), r);
            ref.warm_start_where = p;
        } else if (n.is_string()) {
            ref.options[std::string(k.str())] = {n.as_string()->get(), p};
        } else if (n.is_integer()) {
            ref.options[std::string(k.str())] = {n.as_integer()->get(), p};
        } else if (n.is_floating_point()) {
            ref.options[std::string(k.str())] = {n.as_floating_point()->get(), p};
        } else if (n.is_boolean()) {
            ref.options[std::string(k.str())] = {n.as_boolean()->get(), p};
        } else if (const auto* array = n.as_array()) {
            if (auto list = read_string_list(prefix, k.str(), *array, p, r))
                ref.options[std::string(k.str())] = {std::move(*list), p};
        } else {
            r.error(r.pos(n, p),
                    prefix + "option \"" + std::string(k.str()) + "\" is " + describe(n) +
                        "; options must be a bool, number, string or array of strings");
        }
    }

    if (plugin && path) {
        r.error(path_pos, prefix + "give plugin or path, not both");
        ref.where = plugin_pos;
    } else if (plugin) {
        ref.where = plugin_pos;
        ref.name = read_name(prefix, "plugin", *plugin, r.pos(*plugin, plugin_pos), r);
    } else if (path) {
        ref.where = path_pos;
        std::string file = read_name(prefix, "path", *path, r.pos(*path, path_pos), r);
        if (!file.empty()) ref.path = (base_dir / file).lexically_normal();
    } else if (default_plugin.empty()) {
        r.error(where, needs);
    } else {
        ref.name = std::string(default_plugin);
    }
    return ref;
}

}  // namespace caviar
