#define BOOST_TEST_MODULE registry
#include <boost/test/unit_test.hpp>

#include "plugin/registry.hpp"

#include <caviar/space.hpp>

#include <dlfcn.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace caviar {
// Lets BOOST_TEST print the enums it compares.
std::ostream& boost_test_print_type(std::ostream& out, plugin_kind k) {
    return out << to_string(k);
}
std::ostream& boost_test_print_type(std::ostream& out, option_type t) {
    return out << to_string(t);
}
}  // namespace caviar

namespace fs = std::filesystem;
using caviar::plugin_error;
using caviar::plugin_kind;
using caviar::registry;

namespace {

const fs::path fixture_dir = CAVIAR_FIXTURE_PLUGIN_DIR;

fs::path fixture(const std::string& stem) {
    return fixture_dir / (stem + ".so");
}

// A fresh folder, removed at the end of the test.
struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string pattern = (fs::temp_directory_path() / "caviar-registry-XXXXXX").string();
        path = mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    // Copies a fixture plugin in under another file name.
    fs::path add(const std::string& stem, const std::string& as) const {
        const fs::path to = path / (as + ".so");
        fs::copy_file(fixture(stem), to);
        return to;
    }
};

// Runs f, which must throw plugin_error, and returns its message.
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const plugin_error& e) {
        return e.what();
    }
    BOOST_FAIL("expected a plugin_error");
    return {};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Whether the library at file is loaded in this process right now (without loading it).
bool is_loaded(const fs::path& file) {
    void* h = dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (h) dlclose(h);
    return h != nullptr;
}

const plugin_kind sampler_kind = plugin_kind::sampler;

}  // namespace

BOOST_AUTO_TEST_SUITE(registry_suite)

BOOST_AUTO_TEST_CASE(reads_info_of_working_plugin) {
    const auto p = registry::load_file(fixture("sampler_fixture_ok"), &sampler_kind);
    BOOST_TEST(p.file == fixture("sampler_fixture_ok"));
    BOOST_TEST(p.info.abi == caviar::abi_version);
    BOOST_TEST(p.info.kind == plugin_kind::sampler);
    BOOST_TEST(p.info.name == "fixture_ok");
    BOOST_TEST(p.info.version == "1.2.3");
    BOOST_TEST(p.info.summary == "Proposes the centre of every dimension.");
    BOOST_TEST_REQUIRE(p.info.options.size() == 2u);
    const auto& points = p.info.options[0];
    BOOST_TEST(points.name == "points");
    BOOST_TEST(points.type == caviar::option_type::integer);
    BOOST_TEST_REQUIRE(points.default_value.has_value());
    BOOST_TEST(std::get<std::int64_t>(*points.default_value) == 5);
    BOOST_TEST(points.help == "How many points.");
    BOOST_TEST(points.min.value_or(0) == 1.0);
    const auto& mode = p.info.options[1];
    BOOST_TEST(mode.name == "mode");
    BOOST_TEST(!mode.default_value.has_value());
    BOOST_TEST((mode.allowed == std::vector<std::string>{"fast", "slow"}));
}

BOOST_AUTO_TEST_CASE(created_object_keeps_library_loaded) {
    temp_dir dir;
    const fs::path file = dir.add("sampler_fixture_ok", "sampler_alive");
    std::shared_ptr<caviar::sampler> s;
    {
        registry r({dir.path});
        const auto p = r.find(plugin_kind::sampler, "alive");
        BOOST_TEST(p.file == file);
        s = registry::create<caviar::sampler>(p, caviar::options{});
        BOOST_TEST_REQUIRE(s != nullptr);
    }
    // The registry and the loaded_plugin are gone; the object still holds the library.
    BOOST_TEST(is_loaded(file));
    const caviar::space space(
        {caviar::dimension::integer("n", 0, 10), caviar::dimension::real("x", -1.0, 1.0)});
    const caviar::objective objective{.metric = "loss"};
    const caviar::sample_request req{.space = space, .objective = objective, .number = 0};
    const auto params = s->propose(req);
    BOOST_TEST(caviar::get_int(params, "n") == 5);
    BOOST_TEST(caviar::get_real(params, "x") == 0.0, boost::test_tools::tolerance(1e-12));
    s.reset();
    BOOST_TEST(!is_loaded(file));
}

BOOST_AUTO_TEST_CASE(refuses_file_that_is_not_a_library) {
    temp_dir dir;
    const fs::path file = dir.path / "sampler_not_a_library.so";
    std::ofstream(file) << "this is not an ELF file\n";
    const auto msg = error_of([&] { registry::load_file(file); });
    BOOST_TEST(contains(msg, file.string() + " cannot be loaded: "), msg);
    BOOST_TEST((contains(msg, "ELF") || contains(msg, "too short")), msg);
}

BOOST_AUTO_TEST_CASE(refuses_missing_file) {
    const fs::path file = fixture_dir / "sampler_nowhere.so";
    const auto msg = error_of([&] { registry::load_file(file); });
    BOOST_TEST(contains(msg, file.string() + " cannot be loaded: "), msg);
    BOOST_TEST(contains(msg, "No such file"), msg);
}

BOOST_AUTO_TEST_CASE(refuses_library_without_caviar_abi) {
    const fs::path file = fixture("sampler_no_symbols");
    const auto msg = error_of([&] { registry::load_file(file); });
    BOOST_TEST(msg == file.string() +
                          " is not a caviar plugin (no caviar_abi symbol); build it with "
                          "CAVIAR_PLUGIN(...)");
}

BOOST_AUTO_TEST_CASE(refuses_other_abi_version_before_calling_anything) {
    // The fixture's info and create abort the process: reaching them fails the test run.
    const fs::path file = fixture("sampler_wrong_abi");
    const auto msg = error_of([&] { registry::load_file(file, &sampler_kind); });
    BOOST_TEST(msg == file.string() +
                          " was built for caviar plugin ABI 999, this caviar uses ABI " +
                          std::to_string(caviar::abi_version) +
                          ": rebuild "
                          "the plugin against this caviar");
}

BOOST_AUTO_TEST_CASE(refuses_library_without_factory) {
    const fs::path file = fixture("sampler_no_factory");
    const auto msg = error_of([&] { registry::load_file(file); });
    BOOST_TEST(contains(msg, file.string() + " has no caviar_create symbol"), msg);
}

BOOST_AUTO_TEST_CASE(refuses_other_kind_than_expected) {
    const fs::path file = fixture("sampler_wrong_kind");
    const auto msg = error_of([&] { registry::load_file(file, &sampler_kind); });
    BOOST_TEST(msg == file.string() + " is a strategy plugin, [sampler] needs a sampler");
    // Without an expectation it loads, as what it is.
    BOOST_TEST(registry::load_file(file).info.kind == plugin_kind::strategy);
}

BOOST_AUTO_TEST_CASE(create_refuses_kind_mismatch) {
    const auto p = registry::load_file(fixture("sampler_fixture_ok"));
    const auto msg = error_of([&] { registry::create<caviar::strategy>(p, caviar::options{}); });
    BOOST_TEST(contains(msg, "plugin \"fixture_ok\""), msg);
    BOOST_TEST(contains(msg, "is a sampler plugin, not a strategy"), msg);
}

BOOST_AUTO_TEST_CASE(reports_throwing_constructor_with_plugin_name) {
    const fs::path file = fixture("sampler_throwing_factory");
    const auto p = registry::load_file(file, &sampler_kind);
    const auto msg = error_of([&] { registry::create<caviar::sampler>(p, caviar::options{}); });
    BOOST_TEST(msg == "plugin \"throwing_factory\" (" + file.string() +
                          ") failed to start: boom: no licence");
}

BOOST_AUTO_TEST_CASE(reports_throwing_info) {
    const fs::path file = fixture("model_throwing_info");
    const auto msg = error_of([&] { registry::load_file(file); });
    BOOST_TEST(msg == file.string() + ": caviar_info failed: info exploded");
}

BOOST_AUTO_TEST_CASE(find_takes_first_dir_that_has_the_name) {
    temp_dir first, second;
    const fs::path good = first.add("sampler_fixture_ok", "sampler_dup");
    const fs::path bad = second.add("sampler_wrong_abi", "sampler_dup");
    second.add("sampler_fixture_ok", "sampler_only_second");

    BOOST_TEST(registry({first.path, second.path}).find(plugin_kind::sampler, "dup").file == good);
    const auto msg = error_of([&] {
        registry({second.path, first.path}).find(plugin_kind::sampler, "dup");
    });
    BOOST_TEST(contains(msg, bad.string() + " was built for caviar plugin ABI 999"), msg);
    // Names missing from the first dir are found in the next.
    BOOST_TEST(registry({first.path, second.path}).find(plugin_kind::sampler, "only_second").file ==
               second.path / "sampler_only_second.so");
}

BOOST_AUTO_TEST_CASE(find_refuses_plugin_of_other_kind) {
    temp_dir dir;
    dir.add("sampler_wrong_kind", "sampler_sneaky");
    const auto msg = error_of([&] { registry({dir.path}).find(plugin_kind::sampler, "sneaky"); });
    BOOST_TEST(contains(msg, "is a strategy plugin, [sampler] needs a sampler"), msg);
}

BOOST_AUTO_TEST_CASE(find_suggests_close_name_and_lists_dirs) {
    temp_dir first, second;
    first.add("sampler_fixture_ok", "sampler_random");
    second.add("sampler_wrong_kind", "strategy_randomised");
    const fs::path missing = first.path / "missing";
    registry r({missing, first.path, second.path});
    const auto msg = error_of([&] { r.find(plugin_kind::sampler, "randm"); });
    BOOST_TEST(msg == "no sampler plugin named \"randm\" (did you mean \"random\"?); searched: " +
                          missing.string() + ", " + first.path.string() + ", " +
                          second.path.string() + "; set CAVIAR_PLUGIN_PATH or give path = \"...\"");
    // Only names of the wanted kind are suggested.
    const auto far = error_of([&] { r.find(plugin_kind::strategy, "zzz"); });
    BOOST_TEST(!contains(far, "did you mean"), far);
    BOOST_TEST(contains(far, "no strategy plugin named \"zzz\"; searched: "), far);
}

BOOST_AUTO_TEST_CASE(find_does_not_follow_paths_in_names) {
    temp_dir dir;
    const auto msg = error_of([&] {
        registry({dir.path})
            .find(plugin_kind::sampler,
                  "../" + fixture_dir.filename().string() + "/sampler_fixture_ok");
    });
    BOOST_TEST(contains(msg, "no sampler plugin named"), msg);
}

BOOST_AUTO_TEST_CASE(names_lists_one_kind_across_dirs) {
    temp_dir first, second;
    first.add("sampler_fixture_ok", "sampler_b");
    second.add("sampler_fixture_ok", "sampler_a");
    second.add("sampler_fixture_ok", "sampler_b");
    second.add("sampler_wrong_kind", "strategy_c");
    std::ofstream(second.path / "README.txt") << "not a plugin\n";
    registry r({first.path, second.path});
    BOOST_TEST((r.names(plugin_kind::sampler) == std::vector<std::string>{"a", "b"}));
    BOOST_TEST((r.names(plugin_kind::strategy) == std::vector<std::string>{"c"}));
    BOOST_TEST(r.names(plugin_kind::model).empty());
}

BOOST_AUTO_TEST_CASE(default_dirs_put_plugin_path_first) {
    setenv("CAVIAR_PLUGIN_PATH", "/opt/a::/opt/b:", 1);
    const auto dirs = registry::default_dirs();
    unsetenv("CAVIAR_PLUGIN_PATH");
    BOOST_TEST_REQUIRE(dirs.size() == 3u);
    BOOST_TEST(dirs[0] == fs::path("/opt/a"));
    BOOST_TEST(dirs[1] == fs::path("/opt/b"));
    // The last is beside libcaviar, which is where the build puts the plugins.
    BOOST_TEST(fs::weakly_canonical(dirs[2]) == fs::weakly_canonical(CAVIAR_PLUGIN_OUTPUT_DIR));
    BOOST_TEST(registry::default_dirs().size() == 1u);
}

BOOST_AUTO_TEST_CASE(list_loads_good_plugins_and_reports_broken_ones) {
    // Copies, so that fixtures other tests add to the fixture dir do not change the listing.
    temp_dir first, second;
    for (const char* stem :
         {"sampler_fixture_ok", "sampler_throwing_factory", "sampler_wrong_abi",
          "sampler_wrong_kind", "sampler_no_factory", "sampler_no_symbols", "model_throwing_info"})
        second.add(stem, stem);
    // Shadows second's broken sampler_wrong_abi.so: the first dir wins.
    first.add("sampler_fixture_ok", "sampler_wrong_abi");
    std::ofstream(first.path / "sampler_not_a_library.so") << "text\n";
    std::ofstream(first.path / "README.txt") << "not a plugin\n";
    std::vector<caviar::broken_plugin> broken;
    const auto loaded = registry({first.path, second.path}).list(&broken);

    BOOST_TEST_REQUIRE(loaded.size() == 3u);
    // Sorted by kind, then name (both copies of the ok fixture are named fixture_ok).
    BOOST_TEST(loaded[0].info.name == "fixture_ok");
    BOOST_TEST(loaded[1].info.name == "fixture_ok");
    BOOST_TEST(loaded[2].file == second.path / "sampler_throwing_factory.so");
    std::vector<fs::path> ok_files{loaded[0].file, loaded[1].file};
    std::sort(ok_files.begin(), ok_files.end());
    std::vector<fs::path> expected{second.path / "sampler_fixture_ok.so",
                                   first.path / "sampler_wrong_abi.so"};
    std::sort(expected.begin(), expected.end());
    BOOST_TEST((ok_files == expected));

    std::vector<std::string> bad;
    for (const auto& b : broken) {
        bad.push_back(b.file.filename().string());
        BOOST_TEST(contains(b.error, b.file.string()), b.error);
    }
    BOOST_TEST((bad == std::vector<std::string>{"model_throwing_info.so", "sampler_no_factory.so",
                                                "sampler_no_symbols.so", "sampler_not_a_library.so",
                                                "sampler_wrong_kind.so"}));
    // The list can be asked for without the broken ones.
    BOOST_TEST(registry({second.path}).list().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
