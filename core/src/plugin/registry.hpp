// Finds plugin libraries, reads their info, and creates plugin objects that keep their library
// loaded for as long as they live.
#pragma once

#include <caviar/plugin.hpp>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace boost::dll {
class shared_library;
}

namespace caviar {

/// A plugin that could not be found or loaded; the message names the file and the cause.
class plugin_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A loaded library and the info it publishes. Copies share the library.
struct loaded_plugin {
    std::filesystem::path file;
    plugin_info info;
    std::shared_ptr<boost::dll::shared_library> library;
};

/// A plugin library that could not be used, for listings.
struct broken_plugin {
    std::filesystem::path file;
    std::string error;
};

class registry {
public:
    /// Searches dirs in order (first match wins).
    explicit registry(std::vector<std::filesystem::path> dirs);

    /// CAVIAR_PLUGIN_PATH (colon-separated) first, then caviar/plugins beside libcaviar (the
    /// build tree and the install tree share this layout).
    static std::vector<std::filesystem::path> default_dirs();

    const std::vector<std::filesystem::path>& dirs() const { return dirs_; }

    /// The plugin KIND_NAME.so from the first dir that has it. Throws plugin_error: not found
    /// (listing the dirs searched, with a did-you-mean among the names of that kind), or the
    /// library's own problem (see load_file).
    loaded_plugin find(plugin_kind kind, const std::string& name) const;

    /// Loads one library: refuses, naming the file, a missing caviar_abi/caviar_info/
    /// caviar_create symbol, another ABI version (saying which), or a kind other than expected
    /// (when expected is given).
    static loaded_plugin load_file(const std::filesystem::path& file,
                                   const plugin_kind* expected = nullptr);

    /// Every *.so in the dirs named KIND_NAME.so, loaded (first dir wins per name), and the ones
    /// that failed to load. Sorted by kind, then name.
    std::vector<loaded_plugin> list(std::vector<broken_plugin>* broken = nullptr) const;

    /// Names of available plugins of a kind (for did-you-mean).
    std::vector<std::string> names(plugin_kind kind) const;

    /// Creates the plugin object. The returned pointer's deleter keeps p.library alive, so the
    /// object may outlive the registry and p. Exceptions from the plugin's constructor are
    /// rethrown as plugin_error naming the plugin, but for option_error and dimension_error,
    /// which pass unchanged so the host can point at what they name. Call on the main thread.
    template <class Interface>
    static std::shared_ptr<Interface> create(const loaded_plugin& p, const options& o);

private:
    std::vector<std::filesystem::path> dirs_;
};

extern template std::shared_ptr<sampler> registry::create<sampler>(const loaded_plugin&,
                                                                   const options&);
extern template std::shared_ptr<strategy> registry::create<strategy>(const loaded_plugin&,
                                                                     const options&);
extern template std::shared_ptr<model> registry::create<model>(const loaded_plugin&,
                                                               const options&);

}  // namespace caviar
