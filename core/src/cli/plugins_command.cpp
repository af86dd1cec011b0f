// caviar plugins [--json]
#include "cli/commands.hpp"
#include "plugin/registry.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace caviar::cli {

namespace po = boost::program_options;

namespace {

nlohmann::json option_json(const option_value& v) {
    if (const auto* b = std::get_if<bool>(&v)) return *b;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* list = std::get_if<std::vector<std::string>>(&v)) return *list;
    return std::get<std::string>(v);
}

}  // namespace

int plugins_command(const args& a) {
    po::options_description d(
        "Usage: caviar plugins [OPTIONS]\n\n"
        "Lists the plugins found in CAVIAR_PLUGIN_PATH and caviar's plugin folder, with the\n"
        "options each accepts in its [sampler], [strategy] or [model] table.\n\nOptions");
    d.add_options()("help,h", "show this help")("json", "print JSON instead of text");
    po::variables_map vm;
    po::store(po::command_line_parser(a).options(d).run(), vm);
    if (vm.count("help")) {
        std::cout << d;
        return ok;
    }
    registry reg(registry::default_dirs());
    std::vector<broken_plugin> broken;
    auto found = reg.list(&broken);

    if (vm.count("json")) {
        nlohmann::json out = {{"plugins", nlohmann::json::array()},
                              {"broken", nlohmann::json::array()},
                              {"search_path", nlohmann::json::array()}};
        for (const auto& dir : reg.dirs()) out["search_path"].push_back(dir.string());
        for (const auto& p : found) {
            nlohmann::json opts = nlohmann::json::array();
            for (const auto& o : p.info.options) {
                nlohmann::json j = {
                    {"name", o.name}, {"type", to_string(o.type)}, {"help", o.help}};
                j["default"] =
                    o.default_value ? option_json(*o.default_value) : nlohmann::json(nullptr);
                j["required"] = !o.default_value.has_value();
                if (!o.allowed.empty()) j["allowed"] = o.allowed;
                if (o.min) j["min"] = *o.min;
                if (o.max) j["max"] = *o.max;
                opts.push_back(j);
            }
            out["plugins"].push_back({{"kind", to_string(p.info.kind)},
                                      {"name", p.info.name},
                                      {"version", p.info.version},
                                      {"summary", p.info.summary},
                                      {"file", p.file.string()},
                                      {"abi", p.info.abi},
                                      {"options", opts}});
        }
        for (const auto& b : broken)
            out["broken"].push_back({{"file", b.file.string()}, {"error", b.error}});
        std::cout << out.dump(2) << '\n';
        return ok;
    }

    plugin_kind current{};
    bool first = true;
    for (const auto& p : found) {
        if (first || p.info.kind != current) {
            const char* heading = p.info.kind == plugin_kind::sampler    ? "samplers"
                                  : p.info.kind == plugin_kind::strategy ? "strategies"
                                                                         : "models";
            std::printf("%s%s:\n", first ? "" : "\n", heading);
            current = p.info.kind;
            first = false;
        }
        std::printf("  %-16s %-8s %s\n", p.info.name.c_str(), p.info.version.c_str(),
                    p.info.summary.c_str());
        for (const auto& o : p.info.options) {
            std::string spec = std::string(to_string(o.type));
            spec += o.default_value ? ", default " + to_string(*o.default_value) : ", required";
            if (!o.allowed.empty()) {
                spec += ", one of";
                for (const auto& v : o.allowed) spec += " " + v;
            }
            std::printf("      %-14s %s\n", o.name.c_str(), ("(" + spec + ")").c_str());
            if (!o.help.empty()) std::printf("      %-14s %s\n", "", o.help.c_str());
        }
    }
    if (found.empty()) std::printf("no plugins found\n");
    for (const auto& b : broken)
        std::printf("\nunusable: %s: %s\n", b.file.c_str(), b.error.c_str());
    std::printf("\nsearched:");
    for (const auto& dir : reg.dirs()) std::printf(" %s", dir.c_str());
    std::printf("\n");
    return ok;
}

}  // namespace caviar::cli
