#include "plugin/registry.hpp"

#include <caviar/errors.hpp>

#include "config/diagnostic.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <boost/filesystem/path.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

namespace caviar {

namespace fs = std::filesystem;
namespace dll = boost::dll;

namespace {

constexpr std::string_view plugin_suffix = ".so";

// Boost.DLL 1.74 works on boost::filesystem paths.
boost::filesystem::path to_boost(const fs::path& p) {
    return boost::filesystem::path(p.native());
}

std::string file_name(plugin_kind kind, std::string_view name) {
    return std::string(to_string(kind)) + "_" + std::string(name) + std::string(plugin_suffix);
}

// "sampler_random.so" -> (sampler, "random"); nullopt for any other file name.
std::optional<std::pair<plugin_kind, std::string>> parse_file_name(const fs::path& file) {
    const std::string n = file.filename().string();
    if (n.size() <= plugin_suffix.size() || !n.ends_with(plugin_suffix)) return std::nullopt;
    const std::string stem = n.substr(0, n.size() - plugin_suffix.size());
    const auto underscore = stem.find('_');
    if (underscore == std::string::npos || underscore + 1 == stem.size()) return std::nullopt;
    try {
        return std::pair{plugin_kind_from_string(stem.substr(0, underscore)),
                         stem.substr(underscore + 1)};
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
}

// Plugin files in dir, by file name; a missing or unreadable dir has none (CAVIAR_PLUGIN_PATH
// may name folders that do not exist).
std::vector<fs::path> plugin_files(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec)) continue;  // follows symlinks
        if (parse_file_name(it->path())) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// Boost.DLL 1.74 reports a failed load as a bare error code and drops dlerror()'s text, which
// is the part that helps ("invalid ELF header", "undefined symbol: ..."). Opening the file
// again reproduces the failure and lets us read it.
std::string dlopen_error(const fs::path& file) {
    const fs::path p = file.has_parent_path() ? file : fs::path(".") / file;
    ::dlerror();
    if (void* h = ::dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL)) {
        ::dlclose(h);
        return "unknown error";
    }
    const char* e = ::dlerror();
    std::string text = e ? e : "unknown error";
    // dlerror() usually starts with the path, which our message already gives.
    const std::string prefix = p.string() + ": ";
    if (text.starts_with(prefix)) text.erase(0, prefix.size());
    return text;
}

std::string missing_symbol(const fs::path& file, const char* symbol) {
    return file.string() + " has no " + symbol +
           " symbol; build it with CAVIAR_PLUGIN(...) against this caviar";
}

}  // namespace

registry::registry(std::vector<fs::path> dirs) : dirs_(std::move(dirs)) {}

std::vector<fs::path> registry::default_dirs() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("CAVIAR_PLUGIN_PATH")) {
        std::string_view rest(env);
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const std::string_view part = rest.substr(0, colon);
            if (!part.empty()) dirs.emplace_back(part);
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
    }
    // this_line_location() is the file holding this code: libcaviar, wherever it was installed.
    const fs::path lib = dll::this_line_location().string();
    dirs.push_back(lib.parent_path() / "caviar" / "plugins");
    return dirs;
}

loaded_plugin registry::load_file(const fs::path& file, const plugin_kind* expected) {
    // rtld_now: a plugin built against another libcaviar fails here with "undefined symbol"
    // rather than crashing mid-study. rtld_local: plugins do not see each other's symbols; their
    // shared vtables and typeinfo come from libcaviar, which they link to.
    auto library = std::make_shared<dll::shared_library>();
    boost::system::error_code ec;
    library->load(to_boost(file), dll::load_mode::rtld_now | dll::load_mode::rtld_local, ec);
    if (ec || !library->is_loaded())
        throw plugin_error(file.string() + " cannot be loaded: " + dlopen_error(file));

    // The ABI comes first: nothing else in a library built for another ABI can be trusted.
    if (!library->has("caviar_abi"))
        throw plugin_error(file.string() +
                           " is not a caviar plugin (no caviar_abi symbol); build it with "
                           "CAVIAR_PLUGIN(...)");
    std::uint32_t abi = 0;
    try {
        abi = library->get_alias<abi_function>("caviar_abi")();
    } catch (const std::exception& e) {
        throw plugin_error(file.string() + ": caviar_abi failed: " + e.what());
    }
    if (abi != abi_version)
        throw plugin_error(file.string() + " was built for caviar plugin ABI " +
                           std::to_string(abi) + ", this caviar uses ABI " +
                           std::to_string(abi_version) +
                           ": rebuild the plugin against this caviar");
    if (!library->has("caviar_info")) throw plugin_error(missing_symbol(file, "caviar_info"));
    if (!library->has("caviar_create")) throw plugin_error(missing_symbol(file, "caviar_create"));

    loaded_plugin p{.file = file, .info = {}, .library = library};
    try {
        p.info = library->get_alias<info_function>("caviar_info")();
    } catch (const std::exception& e) {
        throw plugin_error(file.string() + ": caviar_info failed: " + e.what());
    } catch (...) {
        throw plugin_error(file.string() + ": caviar_info failed with an unknown exception");
    }
    if (expected && p.info.kind != *expected) {
        const char* want = to_string(*expected);
        throw plugin_error(file.string() + " is a " + to_string(p.info.kind) + " plugin, [" + want +
                           "] needs a " + want);
    }
    return p;
}

loaded_plugin registry::find(plugin_kind kind, const std::string& name) const {
    const std::string wanted = file_name(kind, name);
    // A name is a file name, never a path into another folder.
    if (name.find('/') == std::string::npos) {
        for (const auto& dir : dirs_) {
            const fs::path candidate = dir / wanted;
            std::error_code ec;
            if (fs::is_regular_file(candidate, ec)) return load_file(candidate, &kind);
        }
    }
    std::string searched;
    for (const auto& dir : dirs_) searched += (searched.empty() ? "" : ", ") + dir.string();
    if (searched.empty()) searched = "(no plugin folders)";
    throw plugin_error("no " + std::string(to_string(kind)) + " plugin named \"" + name + "\"" +
                       did_you_mean(name, names(kind)) + "; searched: " + searched +
                       "; set CAVIAR_PLUGIN_PATH or give path = \"...\"");
}

std::vector<std::string> registry::names(plugin_kind kind) const {
    std::set<std::string> found;
    for (const auto& dir : dirs_)
        for (const auto& file : plugin_files(dir))
            if (auto parsed = parse_file_name(file); parsed && parsed->first == kind)
                found.insert(parsed->second);
    return {found.begin(), found.end()};
}

std::vector<loaded_plugin> registry::list(std::vector<broken_plugin>* broken) const {
    std::vector<loaded_plugin> loaded;
    std::vector<broken_plugin> failed;
    std::set<fs::path> seen;  // file names; the first dir wins
    for (const auto& dir : dirs_) {
        for (const auto& file : plugin_files(dir)) {
            if (!seen.insert(file.filename()).second) continue;
            const plugin_kind kind = parse_file_name(file)->first;
            try {
                loaded.push_back(load_file(file, &kind));
            } catch (const plugin_error& e) {
                failed.push_back({file, e.what()});
            }
        }
    }
    std::sort(loaded.begin(), loaded.end(), [](const loaded_plugin& a, const loaded_plugin& b) {
        return std::tie(a.info.kind, a.info.name, a.file) <
               std::tie(b.info.kind, b.info.name, b.file);
    });
    std::sort(failed.begin(), failed.end(), [](const broken_plugin& a, const broken_plugin& b) {
        return a.file.filename() < b.file.filename();
    });
    if (broken) *broken = std::move(failed);
    return loaded;
}

template <class Interface>
std::shared_ptr<Interface> registry::create(const loaded_plugin& p, const options& o) {
    const std::string who = "plugin \"" + p.info.name + "\" (" + p.file.string() + ")";
    if (p.info.kind != Interface::kind)
        throw plugin_error(who + " is a " + to_string(p.info.kind) + " plugin, not a " +
                           to_string(Interface::kind));
    if (!p.library || !p.library->is_loaded()) throw plugin_error(who + " is not loaded");

    std::unique_ptr<Interface> object;
    try {
        object = p.library->get_alias<create_function<Interface>>("caviar_create")(o);
    } catch (const option_error&) {
        throw;  // names the option it is about: the caller points at that key
    } catch (const dimension_error&) {
        throw;
    } catch (const std::exception& e) {
        throw plugin_error(who + " failed to start: " + e.what());
    } catch (...) {
        throw plugin_error(who + " failed to start: unknown exception");
    }
    if (!object) throw plugin_error(who + " failed to start: its factory returned nothing");

    // The object's code (its destructor included) lives in the library: the deleter holds the
    // library so it is unloaded only after the object is gone.
    return std::shared_ptr<Interface>(object.release(),
                                      [library = p.library](Interface* x) { delete x; });
}

template std::shared_ptr<sampler> registry::create<sampler>(const loaded_plugin&, const options&);
template std::shared_ptr<strategy> registry::create<strategy>(const loaded_plugin&, const options&);
template std::shared_ptr<model> registry::create<model>(const loaded_plugin&, const options&);

}  // namespace caviar
