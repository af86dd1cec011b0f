// The installed package: `cmake --install` into a prefix, out-of-tree plugins built against it
// with find_package(caviar) (the template and projects written by `caviar new plugin`), their
// CTest tests, and the installed program finding both kinds of plugin.
#define BOOST_TEST_MODULE install
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>

#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <set>

using namespace caviar::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string cmake = CAVIAR_CMAKE;
const std::string ctest = (fs::path(CAVIAR_CMAKE).parent_path() / "ctest").string();

// caviar installed once for all cases, into a folder removed at exit.
const fs::path& installed_prefix() {
    static temp_dir dir;
    static const fs::path prefix = [] {
        auto p = dir / "prefix";
        auto install = run({cmake, "--install", CAVIAR_BINARY_DIR, "--prefix", p.string()});
        BOOST_TEST_REQUIRE(install.exit_code == 0, install.out << install.err);
        return p;
    }();
    return prefix;
}

// Configures and builds a plugin project against the installed caviar, then runs its tests;
// returns what ctest printed.
std::string build_and_test(const fs::path& source, const fs::path& build) {
    auto configure =
        run({cmake, "-S", source.string(), "-B", build.string(), "-G", CAVIAR_CMAKE_GENERATOR,
             "-DCMAKE_PREFIX_PATH=" + installed_prefix().string()});
    BOOST_TEST_REQUIRE(configure.exit_code == 0, configure.out << configure.err);
    auto compile = run({cmake, "--build", build.string()});
    BOOST_TEST_REQUIRE(compile.exit_code == 0, compile.out << compile.err);
    auto tested = run({ctest, "--test-dir", build.string(), "--output-on-failure"});
    BOOST_TEST(tested.exit_code == 0, tested.out << tested.err);
    BOOST_TEST(tested.out.find("100% tests passed") != std::string::npos, tested.out);
    return tested.out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_out_of_tree_plugin_builds_against_the_installed_package) {
    temp_dir dir;
    auto prefix = installed_prefix();
    BOOST_TEST(std::filesystem::exists(prefix / "include/caviar/caviar.hpp"));

    // The template's own test runs its example experiment through the installed caviar.
    auto build = dir / "template-build";
    auto tested =
        build_and_test(std::string(CAVIAR_SOURCE_DIR) + "/examples/plugin-template", build);
    BOOST_TEST(tested.find("caviar_sampler_halton_conformance") != std::string::npos, tested);
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

BOOST_AUTO_TEST_CASE(caviar_new_plugin_writes_a_project_that_builds_tests_and_runs) {
    temp_dir dir;
    const std::string caviar = (installed_prefix() / "bin/caviar").string();
    auto made =
        run({caviar, "new", "plugin", "model", "mymodel", "--dir", (dir / "mymodel").string()});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.err);
    for (auto file :
         {"CMakeLists.txt", "mymodel_model.cpp", "README.md", "example.toml", ".gitignore"})
        BOOST_TEST(fs::exists(dir / "mymodel" / file), file);
    auto build = dir / "mymodel" / "build";
    build_and_test(dir / "mymodel", build);
    BOOST_TEST_REQUIRE(fs::exists(build / "model_mymodel.so"));

    // Run by hand as its README says: the store goes under runs/, which .gitignore leaves out.
    std::map<std::string, std::string> env = {{"CAVIAR_PLUGIN_PATH", build.string()}};
    auto example = (dir / "mymodel" / "example.toml").string();
    auto ran = run({caviar, "run", example, "-q"}, env);
    BOOST_TEST_REQUIRE(ran.exit_code == 0, ran.err);
    BOOST_TEST(fs::exists(dir / "mymodel" / "runs" / "example.db"));
    std::ifstream ignore(dir / "mymodel" / ".gitignore");
    std::string ignored((std::istreambuf_iterator<char>(ignore)), {});
    BOOST_TEST(ignored.find("runs/") != std::string::npos);
    BOOST_TEST(ignored.find("build/") != std::string::npos);

    // Each trial really trains: its loss is heavy-ball momentum's on the bowl after 30 steps.
    auto trials = json::parse(run({caviar, "trials", example, "--format", "json"}).out);
    BOOST_TEST_REQUIRE(trials.size() == 20u);
    double best = 1e300;
    for (const auto& t : trials) {
        BOOST_TEST_REQUIRE(t["state"] == "complete");
        BOOST_TEST(t["steps"] == 30);
        double lr = t["params"]["learning_rate"].get<double>();
        double beta = t["params"]["momentum"].get<double>();
        BOOST_TEST((lr >= 1e-3 && lr <= 0.2));
        BOOST_TEST((beta >= 0.5 && beta <= 0.99));
        double w[2] = {1, 1}, v[2] = {0, 0}, c[2] = {10, 1};
        for (int step = 0; step < 30; ++step)
            for (int i = 0; i < 2; ++i) {
                v[i] = beta * v[i] - lr * c[i] * w[i];
                w[i] += v[i];
            }
        double loss = (c[0] * w[0] * w[0] + c[1] * w[1] * w[1]) / 2;
        BOOST_TEST(t["value"].get<double>() == loss, boost::test_tools::tolerance(1e-9));
        best = std::min(best, loss);
    }
    BOOST_TEST(best < 0.05);  // from 5.5 at the start: 20 random trials find a good setting

    // The model checks the space it is given, and says which dimension is wrong.
    auto file = dir.write("bowl.toml",
                          "[experiment]\ntrials = 5\nobjective = { metric = \"loss\" }\n"
                          "store = \"b.db\"\n[space]\nlr = { float = [0.001, 0.1] }\n"
                          "[model]\nplugin = \"mymodel\"\n");
    auto refused = run({caviar, "run", file.string(), "-q"}, env);
    BOOST_TEST(refused.exit_code == 2);
    BOOST_TEST(refused.err.find("learning_rate") != std::string::npos, refused.err);
}

BOOST_AUTO_TEST_CASE(caviar_new_plugin_writes_samplers_and_strategies_too) {
    temp_dir dir;
    const std::string caviar = (installed_prefix() / "bin/caviar").string();
    for (std::string kind : {"sampler", "strategy"}) {
        auto project = dir / ("my_" + kind);
        auto made = run({caviar, "new", "plugin", kind, "my_" + kind, "--dir", project.string()});
        BOOST_TEST_REQUIRE(made.exit_code == 0, made.err);
        auto out = build_and_test(project, dir / ("my_" + kind + "-build"));
        BOOST_TEST(fs::exists(dir / ("my_" + kind + "-build") / (kind + "_my_" + kind + ".so")));
        // The project's tests include the conformance kit, through the installed caviar.
        BOOST_TEST(out.find("caviar_" + kind + "_my_" + kind + "_conformance") != std::string::npos,
                   out);
    }
}

BOOST_AUTO_TEST_CASE(caviar_new_plugin_refuses_bad_names_and_busy_folders) {
    temp_dir dir;
    const std::string bin = CAVIAR_BIN;
    auto kind = run({bin, "new", "plugin", "optimizer", "x", "--dir", (dir / "a").string()});
    BOOST_TEST(kind.exit_code == 2);
    BOOST_TEST(kind.err.find("KIND must be sampler, strategy or model") != std::string::npos,
               kind.err);
    auto name = run({bin, "new", "plugin", "model", "My-Model", "--dir", (dir / "a").string()});
    BOOST_TEST(name.exit_code == 2);
    BOOST_TEST(!fs::exists(dir / "a"));
    fs::create_directories(dir / "busy");
    dir.write("busy/keep.txt", "mine\n");
    auto busy = run({bin, "new", "plugin", "model", "m", "--dir", (dir / "busy").string()});
    BOOST_TEST(busy.exit_code == 1);
    BOOST_TEST(busy.err.find("exists and is not an empty folder") != std::string::npos, busy.err);
    BOOST_TEST(!fs::exists(dir / "busy/CMakeLists.txt"));
}
