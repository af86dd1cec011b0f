#include "cli/param_args.hpp"

#include "config/params_reader.hpp"
#include "config/toml_reader.hpp"

#include <boost/program_options/errors.hpp>

#include <cstdio>
#include <variant>

namespace caviar::cli {

namespace {

toml::table param_table(const std::vector<std::string>& pairs) {
    toml::table given;
    for (const auto& kv : pairs) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            throw boost::program_options::error("-p needs NAME=VALUE, got \"" + kv + "\"");
        std::string name = kv.substr(0, eq), text = kv.substr(eq + 1);
        try {
            auto parsed = toml::parse("v = " + text);
            given.insert_or_assign(name, *parsed.get("v"));
        } catch (const toml::parse_error&) {
            given.insert_or_assign(name, text);
        }
    }
    return given;
}

std::optional<params> read(const toml::table& t, const space& sp, const std::string& command) {
    std::vector<diagnostic> errors;
    toml_reader r("-p", errors);
    auto p = read_params(t, sp, "", {"-p", 0, 0}, r);
    if (p) return p;
    for (const auto& e : errors)
        std::fprintf(stderr, "caviar %s: %s\n", command.c_str(), e.message.c_str());
    return std::nullopt;
}

}  // namespace

std::optional<params> whole_params(const std::vector<std::string>& pairs, const space& sp,
                                   const std::string& command) {
    return read(param_table(pairs), sp, command);
}

std::optional<params> changed_params(const std::vector<std::string>& pairs, const params& current,
                                     const space& sp, const std::string& command) {
    toml::table given = param_table(pairs);
    toml::table whole;
    for (const auto& [k, v] : current)
        std::visit([&](const auto& x) { whole.insert_or_assign(k, x); }, v);
    for (auto&& [k, v] : given) whole.insert_or_assign(k, v);
    auto all = read(whole, sp, command);
    if (!all) return std::nullopt;
    params out;
    for (auto&& [k, v] : given) {
        auto it = all->find(std::string(k.str()));
        if (it != all->end()) out.insert(*it);
    }
    return out;
}

}  // namespace caviar::cli
