// The installed package: `cmake --install` into a prefix, an out-of-tree plugin built against it
// with find_package(caviar), and the installed program finding both kinds of plugin.
#define BOOST_TEST_MODULE install
#include <boost/test/unit_test.hpp>

#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <set>

using namespace caviar::test;
using nlohmann::json;

BOOST_AUTO_TEST_CASE(an_out_of_tree_plugin_builds_against_the_installed_package) {
    temp_dir dir;
    const std::string cmake = CAVIAR_CMAKE;
    auto prefix = dir / "prefix";
    auto install = run({cmake, "--install", CAVIAR_BINARY_DIR, "--prefix", prefix.string()});
    BOOST_TEST_REQUIRE(install.exit_code == 0, install.out << install.err);
    BOOST_TEST(std::filesystem::exists(prefix / "include/caviar/caviar.hpp"));

    auto build = dir / "template-build";
    auto configure = run({cmake, "-S", std::string(CAVIAR_SOURCE_DIR) + "/examples/plugin-template",
                          "-B", build.string(), "-G", CAVIAR_CMAKE_GENERATOR,
                          "-DCMAKE_PREFIX_PATH=" + prefix.string()});
    BOOST_TEST_REQUIRE(configure.exit_code == 0, configure.out << configure.err);
    auto compile = run({cmake, "--build", build.string()});
    BOOST_TEST_REQUIRE(compile.exit_code == 0, compile.out << compile.err);
    BOOST_TEST_REQUIRE(std::filesystem::exists(build / "sampler_halton.so"));

    const std::string caviar = (prefix / "bin/caviar").string();
    std::map<std::string, std::string> env = {{"CAVIAR_PLUGIN_PATH", build.string()}};
    auto listed = run({caviar, "plugins", "--json"}, env);
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.err);
    std::set<std::string> names;
    auto listing = json::parse(listed.out);
    for (const auto& p : listing["plugins"]) names.insert(p["name"].get<std::string>());
    BOOST_TEST(names.count("halton") == 1u);     // from CAVIAR_PLUGIN_PATH
    BOOST_TEST(names.count("functions") == 1u);  // from the installed plugin folder

    auto file = dir.write("halton.toml",
                          "[experiment]\ntrials = 4\nobjective = { metric = \"value\" }\n"
                          "store = \"h.db\"\n[space]\nx = { float = [-5.0, 10.0] }\n"
                          "y = { float = [0.0, 15.0] }\n[sampler]\nplugin = \"halton\"\n"
                          "[model]\nplugin = \"functions\"\nfunction = \"branin\"\n");
    auto ran = run({caviar, "run", file.string(), "--threads", "1", "-q"}, env);
    BOOST_TEST_REQUIRE(ran.exit_code == 0, ran.err);
    auto trials =
        json::parse(run({caviar, "trials", (dir / "h.db").string(), "--format", "json"}).out);
    BOOST_TEST_REQUIRE(trials.size() == 4u);
    // Halton point 1 is (1/2, 1/3): x = -5 + 15/2, y = 15/3.
    BOOST_TEST(trials[0]["params"]["x"].get<double>() == 2.5, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(trials[0]["params"]["y"].get<double>() == 5.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(trials[0]["origin"] == "halton");
}
