// What a plugin library publishes, and the one macro that publishes it.
//
//     class my_sampler : public caviar::sampler {
//     public:
//         static caviar::plugin_info info() {
//             return {.name = "mine", .version = "1.0.0", .summary = "One line.",
//                     .options = {{.name = "points", .type = caviar::option_type::integer,
//                                  .default_value = std::int64_t{5}, .help = "..."}}};
//         }
//         explicit my_sampler(const caviar::options& o);
//         caviar::params propose(const caviar::sample_request& req) override;
//     };
//     CAVIAR_PLUGIN(my_sampler)
//
// The host reads caviar_abi first and refuses a library built for another ABI version, then
// reads caviar_info (no plugin object is created for `caviar plugins`), then calls caviar_create
// with the options it validated against info().options.
#pragma once

#include <caviar/export.hpp>
#include <caviar/model.hpp>
#include <caviar/options.hpp>
#include <caviar/plugin_kind.hpp>
#include <caviar/sampler.hpp>
#include <caviar/strategy.hpp>

#include <boost/dll/alias.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace caviar {

/// Bumped whenever a public header changes in a way that breaks built plugins.
inline constexpr std::uint32_t abi_version = 4;

/// A plugin's descriptor, readable without creating the plugin.
struct plugin_info {
    std::uint32_t abi = abi_version;        // filled by CAVIAR_PLUGIN
    plugin_kind kind = plugin_kind::model;  // filled by CAVIAR_PLUGIN
    std::string name;
    std::string version;
    std::string summary;
    std::vector<option_spec> options;
};

/// The exported symbols' signatures (the host imports them by these names).
using abi_function = std::uint32_t();
using info_function = plugin_info();
template <class Interface>
using create_function = std::unique_ptr<Interface>(const options&);

}  // namespace caviar

// Exports the plugin class TYPE: TYPE derives from caviar::sampler, caviar::strategy or
// caviar::model, has `static caviar::plugin_info info()` and a constructor from
// `const caviar::options&`. Use once per library, at namespace scope.
#define CAVIAR_PLUGIN(TYPE)                                               \
    namespace caviar_plugin_entry {                                       \
    std::uint32_t abi() {                                                 \
        return ::caviar::abi_version;                                     \
    }                                                                     \
    ::caviar::plugin_info info() {                                        \
        ::caviar::plugin_info i = TYPE::info();                           \
        i.abi = ::caviar::abi_version;                                    \
        i.kind = TYPE::kind;                                              \
        return i;                                                         \
    }                                                                     \
    std::unique_ptr<TYPE::interface> create(const ::caviar::options& o) { \
        return std::make_unique<TYPE>(o);                                 \
    }                                                                     \
    }                                                                     \
    BOOST_DLL_ALIAS(caviar_plugin_entry::abi, caviar_abi)                 \
    BOOST_DLL_ALIAS(caviar_plugin_entry::info, caviar_info)               \
    BOOST_DLL_ALIAS(caviar_plugin_entry::create, caviar_create)
