// The experiment-file loader: every rule it checks, where it points, overrides and plugin options.
#define BOOST_TEST_MODULE config
#include <boost/test/unit_test.hpp>

#include "config/diagnostic.hpp"
#include "config/experiment.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace caviar;

namespace {

const fs::path fixtures = fs::path(CAVIAR_SOURCE_DIR) / "tests" / "fixtures" / "config";

struct loaded {
    experiment ex;
    std::vector<diagnostic> errors;
    std::string file;  // as passed to load_experiment
};

loaded load(const std::string& name, const std::vector<std::string>& overrides = {}) {
    loaded l;
    l.file = (fixtures / (name + ".toml")).string();
    l.ex = load_experiment(l.file, overrides, l.errors);
    return l;
}

std::string all(const std::vector<diagnostic>& errors) {
    std::string out;
    for (const auto& d : errors) out += d.format() + "\n";
    return out;
}

bool has(const std::vector<diagnostic>& errors, const std::string& text) {
    return std::any_of(errors.begin(), errors.end(), [&](const diagnostic& d) {
        return d.message.find(text) != std::string::npos;
    });
}

struct bad_case {
    const char* file;
    int line;
    int column;
    const char* message;
};

const bad_case bad_cases[] = {
    {"bad_syntax", 4, 1, ""},  // message checked separately: it is TOML++'s own
    {"bad_unknown_key", 3, 1, "[experiment] unknown key \"trails\" (did you mean \"trials\"?)"},
    {"bad_unknown_table", 7, 2, "unknown table [strateg] (did you mean [strategy]?)"},
    {"bad_trials_zero", 3, 10, "[experiment] trials must be an integer >= 1, got 0"},
    {"bad_seed_negative", 3, 8, "[experiment] seed must be an integer >= 0, got -1"},
    {"bad_threads", 3, 11, "[experiment] threads must be an integer >= 0"},
    {"bad_serve_port", 3, 9,
     "[experiment] serve must be \"ADDRESS:PORT\" (e.g. \"127.0.0.1:8787\", port 0 = any free "
     "one), got \"127.0.0.1:99999\": the port must be a number from 0 to 65535"},
    {"bad_durability", 3, 14,
     "[experiment] durability must be \"process\" (finished trials survive kill -9 of caviar) "
     "or \"power\" (they survive a power cut too: each one synced to disk), got \"powr\" (did "
     "you mean \"power\"?)"},
    {"bad_direction", 2, 44,
     "objective direction must be \"minimize\" or \"maximize\", got \"maximise\" (did you "
     "mean \"maximize\"?)"},
    {"bad_missing_objective", 1, 2, "[experiment] objective is required"},
    {"bad_missing_metric", 2, 1, "[experiment] objective needs metric = \"NAME\""},
    {"bad_missing_model", 0, 0, "[model] needs plugin = \"NAME\" or path = \"FILE.so\""},
    {"bad_model_without_plugin", 5, 2, "[model] needs plugin = \"NAME\" or path = \"FILE.so\""},
    {"bad_plugin_and_path", 7, 1, "[model] give plugin or path, not both"},
    {"bad_option_array", 7, 11,
     "[model] option \"layers\": element 1 is 1; an array option holds strings only"},
    {"bad_missing_space", 0, 0, "missing table [space]"},
    {"bad_empty_space", 3, 2, "[space] needs at least one dimension"},
    {"bad_dimension_not_table", 4, 9, "[space.units] must be a table"},
    {"bad_log_low_zero", 4, 1, "[space.units] scale \"log\" needs low >= 1 for an int, got low=0"},
    {"bad_log1m_high_one", 4, 1, "[space.beta] scale \"log1m\" needs high < 1, got high=1"},
    {"bad_low_above_high", 4, 1, "[space.lr] low must not exceed high, got low=1, high=0.1"},
    {"bad_step_not_multiple", 4, 1,
     "[space.dropout] high - low must be a multiple of step, got low=0, high=0.5, step=0.2"},
    {"bad_step_with_log", 4, 1, "[space.lr] step needs scale \"linear\", got scale \"log\""},
    {"bad_int_float_bounds", 4, 19, "[space.layers] int bounds must be integers, got 1.5"},
    {"bad_empty_choices", 4, 1, "[space.act] choices must not be empty"},
    {"bad_duplicate_choices", 4, 1, "[space.act] choices must be distinct, got \"relu\" twice"},
    {"bad_two_kinds", 4, 1, "[space.x] needs exactly one of int, float or choices"},
    {"bad_dimension_key", 4, 27, "[space.units] unknown key \"sacle\" (did you mean \"scale\"?)"},
    {"bad_scale_name", 4, 35,
     "[space.units] scale must be \"linear\", \"log\" or \"log1m\", got \"lg\" (did you mean "
     "\"log\"?)"},
    {"bad_dimension_table", 3, 8, "[space.units] step needs scale \"linear\", got scale \"log\""},
    {"bad_when_unknown_parent", 5, 31,
     "[space.beta] when refers to \"optimiser\", which is not a dimension (the space has: "
     "optimizer)"},
    {"bad_when_later_parent", 4, 31,
     "[space.beta] when refers to \"optimizer\", which must be defined before \"beta\""},
    {"bad_when_impossible_value", 5, 31,
     "[space.beta] when optimizer = \"sdg\" can never hold: \"optimizer\" is choices [\"sgd\", "
     "\"adam\"]"},
    {"bad_when_two_parents", 5, 38, "[space.beta] when must name one dimension and its value(s)"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(reports_each_bad_file_at_its_line_and_column) {
    for (const auto& c : bad_cases) {
        BOOST_TEST_CONTEXT(c.file) {
            auto l = load(c.file);
            BOOST_TEST_INFO(all(l.errors));
            BOOST_TEST_REQUIRE(l.errors.size() == 1u);
            const auto& d = l.errors.front();
            BOOST_TEST(d.where.file == l.file);
            BOOST_TEST(d.where.line == c.line);
            BOOST_TEST(d.where.column == c.column);
            BOOST_TEST(d.message.find(c.message) != std::string::npos, d.message);
        }
    }
}

BOOST_AUTO_TEST_CASE(reads_conditional_dimensions) {
    auto l = load("conditional");
    BOOST_TEST_REQUIRE(l.errors.empty(), all(l.errors));
    const experiment& e = l.ex;
    BOOST_TEST_REQUIRE(e.space.size() == 3u);
    BOOST_TEST(!e.space[0].when().has_value());
    BOOST_TEST_REQUIRE(e.space[1].when().has_value());
    BOOST_TEST(e.space[1].when()->parent == "optimizer");
    BOOST_TEST((e.space[1].when()->values == std::vector<value>{std::string("sgd")}));
    BOOST_TEST(e.space[2].when()->values.size() == 2u);
    BOOST_TEST(e.space.conditional());
}

BOOST_AUTO_TEST_CASE(turns_a_syntax_error_into_one_diagnostic) {
    auto l = load("bad_syntax");
    BOOST_TEST_REQUIRE(l.errors.size() == 1u);
    BOOST_TEST(!l.errors[0].message.empty());
    BOOST_TEST(l.errors[0].format().rfind(l.file + ":4:1: error: ", 0) == 0u, l.errors[0].format());
}

BOOST_AUTO_TEST_CASE(reports_every_error_of_a_file_in_file_order) {
    auto l = load("bad_many");
    BOOST_TEST_INFO(all(l.errors));
    BOOST_TEST(l.errors.size() == 7u);
    BOOST_TEST(has(l.errors, "trials must be an integer >= 1, got 0"));
    BOOST_TEST(has(l.errors, "seed must be an integer >= 0, got -1"));
    BOOST_TEST(has(l.errors, "direction must be \"minimize\" or \"maximize\", got \"up\""));
    BOOST_TEST(has(l.errors, "[space.lr] low must not exceed high"));
    BOOST_TEST(has(l.errors, "[space.act] choices must not be empty"));
    BOOST_TEST(has(l.errors, "[model] give plugin or path, not both"));
    BOOST_TEST(has(l.errors, "unknown table [strateg]"));
    for (std::size_t i = 1; i < l.errors.size(); ++i)
        BOOST_TEST((std::pair(l.errors[i - 1].where.line, l.errors[i - 1].where.column) <=
                    std::pair(l.errors[i].where.line, l.errors[i].where.column)));
}

BOOST_AUTO_TEST_CASE(reads_a_complete_file) {
    auto l = load("good");
    BOOST_TEST_REQUIRE(l.errors.empty(), all(l.errors));
    const auto& ex = l.ex;
    BOOST_TEST(ex.file == fs::absolute(fixtures / "good.toml").lexically_normal());
    BOOST_TEST(ex.name == "digits-mlp");
    BOOST_TEST(ex.seed == 7u);
    BOOST_TEST(ex.trials == 60);
    BOOST_TEST(ex.threads == 2);
    BOOST_TEST(ex.objective.metric == "val_accuracy");
    BOOST_TEST((ex.objective.direction == direction::maximize));
    BOOST_TEST(ex.store == fs::absolute(fixtures / "runs" / "digits.db").lexically_normal());

    std::vector<std::string> names;
    for (const auto& d : ex.space) names.push_back(d.name());
    const std::vector<std::string> in_file_order = {
        "layers", "units", "learning_rate", "beta", "activation", "dropout", "batch"};
    BOOST_TEST(names == in_file_order, boost::test_tools::per_element());
    BOOST_TEST((ex.space[1].kind() == dimension_kind::integer));
    BOOST_TEST((ex.space[1].scale() == scale::log));
    BOOST_TEST(ex.space[1].high() == 256.0);
    BOOST_TEST((ex.space[3].scale() == scale::log1m));
    BOOST_TEST(ex.space[5].step() == 0.1);
    const auto& batch = ex.space[6].choices();
    BOOST_TEST_REQUIRE(batch.size() == 3u);
    BOOST_TEST(std::get<std::int64_t>(batch[0]) == 16);
    BOOST_TEST(std::get<double>(batch[2]) == 0.5);

    BOOST_TEST(ex.sampler.name.empty());
    BOOST_TEST(ex.sampler.path == (fixtures / "plugins" / "my_sampler.so").lexically_normal());
    BOOST_TEST(ex.sampler.path.is_absolute());
    BOOST_TEST(std::get<std::int64_t>(ex.sampler.options.at("points").value) == 5);
    BOOST_TEST(ex.strategy.name == "coarse_to_fine");
    BOOST_TEST(ex.model.name == "mlp");
    BOOST_TEST(ex.model.where.line == 28);
    BOOST_TEST(ex.model.options.size() == 4u);
    BOOST_TEST(std::get<std::string>(ex.model.options.at("data").value) == "data/digits.csv.gz");
    BOOST_TEST(std::get<std::int64_t>(ex.model.options.at("epochs").value) == 30);
    BOOST_TEST(std::get<double>(ex.model.options.at("learning").value) == 0.5);
    BOOST_TEST(std::get<bool>(ex.model.options.at("verbose").value));
    BOOST_TEST(ex.model.options.at("epochs").where.line == 30);
    BOOST_TEST(ex.model.options.at("epochs").where.column == 1);
    BOOST_TEST(ex.text.find("digits-mlp") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(keeps_the_position_of_every_key) {
    auto l = load("good");
    const auto& ex = l.ex;
    auto metric = ex.at("experiment.objective.metric");
    BOOST_TEST(metric.file == l.file);
    BOOST_TEST(metric.line == 7);
    BOOST_TEST(metric.column == 15);
    BOOST_TEST(ex.at("space.units").line == 12);
    BOOST_TEST(ex.at("space.units.scale").column == 35);
    BOOST_TEST(ex.at("model").line == 27);
    BOOST_TEST(ex.at("model.epochs").line == 30);
    // Unknown keys fall back to their nearest parent, then to the file.
    BOOST_TEST(ex.at("model.nothing.deeper").line == 27);
    auto nowhere = ex.at("nothing");
    BOOST_TEST(nowhere.file == l.file);
    BOOST_TEST(nowhere.line == 0);
}

BOOST_AUTO_TEST_CASE(fills_defaults) {
    auto l = load("minimal");
    BOOST_TEST_REQUIRE(l.errors.empty(), all(l.errors));
    BOOST_TEST(l.ex.name == "minimal");
    BOOST_TEST(l.ex.seed == 0u);
    BOOST_TEST(l.ex.trials == 20);
    BOOST_TEST(l.ex.threads == 0);
    BOOST_TEST(!l.ex.power_durability);
    BOOST_TEST((l.ex.objective.direction == direction::minimize));
    BOOST_TEST(l.ex.store == fs::absolute(fixtures / "runs" / "minimal.db").lexically_normal());
    BOOST_TEST(l.ex.sampler.name == "random");
    BOOST_TEST(l.ex.strategy.name == "batch");
    BOOST_TEST(l.ex.model.name == "functions");
    BOOST_TEST(l.ex.space.size() == 1u);
    BOOST_TEST(l.ex.space[0].low() == -5.0);
}

BOOST_AUTO_TEST_CASE(overrides_replace_and_create_values) {
    auto l = load("minimal", {"experiment.trials=10", "model.epochs=3",
                              "space.units={ int = [8, 64] }", "model.data=foo.csv",
                              "strategy.rounds = 4", "experiment.name=a \"quoted\" name"});
    BOOST_TEST_REQUIRE(l.errors.empty(), all(l.errors));
    BOOST_TEST(l.ex.trials == 10);
    BOOST_TEST(l.ex.name == "a \"quoted\" name");
    BOOST_TEST(std::get<std::int64_t>(l.ex.model.options.at("epochs").value) == 3);
    BOOST_TEST(std::get<std::string>(l.ex.model.options.at("data").value) == "foo.csv");
    BOOST_TEST_REQUIRE(l.ex.space.size() == 2u);
    BOOST_TEST(l.ex.space[0].name() == "x");  // the file's dimensions first
    BOOST_TEST(l.ex.space[1].name() == "units");
    BOOST_TEST(l.ex.space[1].high() == 64.0);
    BOOST_TEST(l.ex.strategy.name == "batch");
    BOOST_TEST(std::get<std::int64_t>(l.ex.strategy.options.at("rounds").value) == 4);
    BOOST_TEST(l.ex.text.find("trials = 10") != std::string::npos, l.ex.text);

    auto epochs = l.ex.model.options.at("epochs").where;
    BOOST_TEST(epochs.file == "--set model.epochs");
    BOOST_TEST(epochs.line == 0);
    BOOST_TEST(l.ex.at("experiment.trials").file == "--set experiment.trials");
    BOOST_TEST(l.ex.at("space.units.int").file == "--set space.units");
    BOOST_TEST(l.ex.at("experiment.objective").file == l.file);
}

BOOST_AUTO_TEST_CASE(an_override_keeps_the_dimension_order) {
    auto l = load("good", {"space.units={ int = [2, 64], scale = \"log\" }"});
    BOOST_TEST_REQUIRE(l.errors.empty(), all(l.errors));
    BOOST_TEST(l.ex.space[1].name() == "units");
    BOOST_TEST(l.ex.space[1].low() == 2.0);
}

BOOST_AUTO_TEST_CASE(validates_overridden_values) {
    auto l = load("minimal", {"experiment.trials=0", "space.x={ float = [1, 0] }"});
    BOOST_TEST_REQUIRE(l.errors.size() == 2u, all(l.errors));
    BOOST_TEST(l.errors[0].format() ==
               "--set experiment.trials: error: [experiment] trials must be an integer >= 1, "
               "got 0");
    BOOST_TEST(l.errors[1].where.file == "--set space.x");
    BOOST_TEST(l.errors[1].message.find("[space.x] low must not exceed high") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(reads_the_durability_of_finished_trials) {
    BOOST_TEST(!load("minimal", {"experiment.durability=\"process\""}).ex.power_durability);
    auto l = load("minimal", {"experiment.durability=\"power\""});
    BOOST_TEST_REQUIRE(l.errors.empty(), all(l.errors));
    BOOST_TEST(l.ex.power_durability);
    auto bad = load("minimal", {"experiment.durability=1"});
    BOOST_TEST_REQUIRE(bad.errors.size() == 1u);
    BOOST_TEST(bad.errors[0].message.find("durability must be \"process\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_overrides) {
    for (std::string arg : {"trials", "=5", "experiment..trials=5", ".x=1"}) {
        BOOST_TEST_CONTEXT(arg) {
            auto l = load("minimal", {arg});
            BOOST_TEST_REQUIRE(l.errors.size() == 1u, all(l.errors));
            BOOST_TEST(l.errors[0].where.file == "--set " + arg);
            BOOST_TEST(l.errors[0].where.line == 0);
            BOOST_TEST(l.errors[0].message.find("KEY=VALUE") != std::string::npos);
        }
    }
    auto l = load("minimal", {"experiment.objective.metric.x=1"});
    BOOST_TEST_REQUIRE(l.errors.size() == 1u, all(l.errors));
    BOOST_TEST(l.errors[0].message.find("experiment.objective.metric is not a table") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(reports_a_missing_file) {
    std::vector<diagnostic> errors;
    load_experiment(fixtures / "no_such_file.toml", {}, errors);
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].where.line == 0);
    BOOST_TEST(errors[0].message.find("not found") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(refuses_a_file_nested_too_deeply_before_parsing_it) {
    // 40,000 dotted levels (an 80 KB file) overflowed the parser's stack; arrays too. What any
    // experiment needs is fine, and dots and brackets inside strings count for nothing.
    auto dir = std::filesystem::temp_directory_path() / "caviar-config-deep";
    std::filesystem::create_directories(dir);
    std::string dotted = "[a";
    for (int i = 0; i < 40000; ++i) dotted += ".a";
    dotted += "]\n";
    std::string arrays =
        "[experiment]\nx = " + std::string(5000, '[') + std::string(5000, ']') + "\n";
    for (const auto& text : {dotted, arrays}) {
        std::ofstream(dir / "deep.toml") << text;
        std::vector<diagnostic> errors;
        load_experiment(dir / "deep.toml", {}, errors);
        BOOST_TEST_REQUIRE(errors.size() == 1u);
        BOOST_TEST(errors[0].message.find("nests deeper than 64 levels") != std::string::npos,
                   errors[0].message);
        BOOST_TEST(errors[0].where.line >= 1);
    }
    {
        std::ofstream(dir / "fine.toml")
            << "[experiment]\nname = \"a.b.c.[{\"\nobjective = { metric = \"m\" }\n"
            << "[model]\nplugin = \"functions\"\nnote = '''\n"
            << std::string(200, '.') << "\n'''\n[space]\nx = { float = [0.0, 1.0] }\n";
        std::vector<diagnostic> errors;
        load_experiment(dir / "fine.toml", {}, errors);
        for (const auto& e : errors)
            BOOST_TEST(e.message.find("nests deeper") == std::string::npos, e.message);
    }
    // A --set value nested that deep is read as a plain string, not a crash.
    std::vector<diagnostic> errors;
    load_experiment(fixtures / "minimal.toml",
                    {"model.deep=" + std::string(10000, '[') + std::string(10000, ']')}, errors);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(counts_the_levels_of_headers_keys_and_inline_tables_together) {
    // The pre-scan counted the dots of one key at a time: a key below a [header], or dotted keys
    // in nested inline tables, went far past the limit (16 inline tables with 48-part keys are
    // 770 levels, and TOML++ cannot read back the effective text: found with fuzz/).
    const std::string head =
        "[experiment]\nobjective = { metric = \"m\" }\n[model]\nplugin = \"functions\"\n"
        "[space]\nx = { float = [0.0, 1.0] }\n";
    auto key = [](int parts) {
        std::string k = "a";
        for (int i = 1; i < parts; ++i) k += ".a";
        return k;
    };
    auto deep_errors = [](const std::string& text) {
        std::vector<diagnostic> errors, deep;
        load_experiment_text(text, "deep.toml", {}, errors);
        for (const auto& e : errors)
            if (e.message.find("nests deeper than 64 levels") != std::string::npos)
                deep.push_back(e);
        return deep;
    };
    // [sampler.a...] (41 levels) and a 23-part key below it: 64 levels, the most allowed.
    BOOST_TEST(deep_errors(head + "[sampler." + key(40) + "]\n" + key(23) + " = 1\n").empty());
    auto e = deep_errors(head + "[sampler." + key(40) + "]\n" + key(24) + " = 1\n");
    BOOST_TEST_REQUIRE(e.size() == 1u);
    BOOST_TEST(e[0].where.line == 8);
    BOOST_TEST(e[0].where.column == 49);  // the '=' that makes the 65th level

    std::string inline_tables = head + "[sampler]\nz = ";
    for (int i = 0; i < 16; ++i) inline_tables += "{ " + key(48) + " = ";
    inline_tables += "1";
    for (int i = 0; i < 16; ++i) inline_tables += " }";
    e = deep_errors(inline_tables + "\n");
    BOOST_TEST_REQUIRE(e.size() == 1u);
    BOOST_TEST(e[0].where.line == 8);
    BOOST_TEST(e[0].where.column == 136);  // the 15th dot of the second key
}

BOOST_AUTO_TEST_CASE(points_at_the_level_past_the_limit_as_the_parser_counts_lines_and_columns) {
    // A line-ending backslash in a """string""" ends a line too, and a column is a character,
    // not a byte (as TOML++ counts them): the scan was a line short and a column long here.
    std::string text = "[sampler]\nnote = \"\"\"a\\\nb\"\"\"\nz = [\"\xc3\xa9.[{\", " +
                       std::string(70, '[') + std::string(70, ']') + "]\n";
    std::vector<diagnostic> errors;
    load_experiment_text(text, "deep.toml", {}, errors);
    BOOST_TEST_REQUIRE(errors.size() == 1u, all(errors));
    BOOST_TEST(errors[0].message.find("nests deeper than 64 levels") != std::string::npos);
    BOOST_TEST(errors[0].where.line == 4);
    BOOST_TEST(errors[0].where.column == 75);  // the 62nd '[' after the string: level 65
}

BOOST_AUTO_TEST_CASE(refuses_a_set_key_with_more_parts_than_a_file_may_nest) {
    // --set model.a.a...=1 with 40,000 parts made 40,000 tables, and printing the effective
    // file overflowed the stack in TOML++ (found with fuzz/).
    std::string parts = "model";
    for (int i = 0; i < 40000; ++i) parts += ".a";
    auto l = load("minimal", {parts + "=1"});
    BOOST_TEST_REQUIRE(l.errors.size() == 1u, all(l.errors));
    BOOST_TEST(l.errors[0].where.file.rfind("--set model.a.a.a", 0) == 0u);
    BOOST_TEST(l.errors[0].where.file.size() < 100u);  // not the whole key
    BOOST_TEST(l.errors[0].message.find("its key has 40001 parts, more than the 64 levels an "
                                        "experiment may nest") != std::string::npos,
               l.errors[0].message);

    // 64 parts fit, with nothing left for a table as the value: that is read as a string.
    parts = "model";
    for (int i = 1; i < 64; ++i) parts += ".a";
    l = load("minimal", {parts + "={ b = 1 }"});
    for (const auto& d : l.errors) BOOST_TEST(d.message.find("parts") == std::string::npos);
    BOOST_TEST(l.ex.text.find("\"{ b = 1 }\"") != std::string::npos, l.ex.text);
}

BOOST_AUTO_TEST_CASE(writes_an_effective_text_that_reads_back_the_same) {
    // TOML++ writes "\n'''" as '''<newline>'''''' (not TOML) and "\n" as '''<newline>''' (read
    // back as ""): the stored text of such a study did not give its space (found by fuzz/).
    const std::string text =
        "[experiment]\nobjective = { metric = \"m\" }\n[model]\nplugin = \"functions\"\n"
        "[space]\nc = { choices = [\"\\n'''\", \"\\n\", \"it's\", \"tab\\there\"] }\n";
    std::vector<diagnostic> errors;
    experiment ex = load_experiment_text(text, "strings.toml", {}, errors);
    BOOST_TEST_REQUIRE(errors.empty(), all(errors));
    toml::table back;
    BOOST_REQUIRE_NO_THROW(back = toml::parse(ex.text));
    const auto* choices = back.at_path("space.c.choices").as_array();
    BOOST_TEST_REQUIRE(choices);
    std::vector<std::string> read;
    for (const auto& c : *choices) read.push_back(c.value_or(std::string("?")));
    BOOST_TEST((read == std::vector<std::string>{"\n'''", "\n", "it's", "tab\there"}));
}

BOOST_AUTO_TEST_CASE(reads_text_as_the_file_it_is_given_for) {
    std::ifstream in(fixtures / "good.toml");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto from_file = load("good", {"experiment.trials=7"});
    std::vector<diagnostic> errors;
    experiment ex = load_experiment_text(text, from_file.file, {"experiment.trials=7"}, errors);
    BOOST_TEST_REQUIRE(errors.empty(), all(errors));
    BOOST_TEST(ex.trials == 7);
    BOOST_TEST(ex.text == from_file.ex.text);
    BOOST_TEST(ex.space.describe() == from_file.ex.space.describe());
    BOOST_TEST(ex.store == from_file.ex.store);
    BOOST_TEST(ex.name == from_file.ex.name);

    load_experiment_text("[experiment\n", "exp.toml", {}, errors);
    BOOST_TEST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].where.file == "exp.toml");
    BOOST_TEST(errors[0].where.line == 1);
}

BOOST_AUTO_TEST_CASE(formats_diagnostics_like_a_compiler) {
    diagnostic d{{"exp.toml", 14, 9}, "[space.lr] low must not exceed high"};
    BOOST_TEST(d.format() == "exp.toml:14:9: error: [space.lr] low must not exceed high");
    diagnostic file_wide{{"exp.toml", 0, 0}, "missing table [space]"};
    BOOST_TEST(file_wide.format() == "exp.toml: error: missing table [space]");

    config_error e({d, file_wide});
    BOOST_TEST(e.diagnostics().size() == 2u);
    BOOST_TEST(std::string(e.what()) == d.format() + "\n" + file_wide.format());
}

BOOST_AUTO_TEST_CASE(suggests_the_nearest_word) {
    const std::vector<std::string> keys = {"name", "seed", "trials", "threads", "store"};
    BOOST_TEST(nearest("trails", keys) == "trials");
    BOOST_TEST(nearest("TRIALS", keys) == "trials");  // case does not count
    BOOST_TEST(nearest("thread", keys) == "threads");
    BOOST_TEST(nearest("sotre", keys) == "store");  // swapped neighbours are one typo
    BOOST_TEST(nearest("objective", keys) == "");   // too far from all of them
    BOOST_TEST(nearest("x", {"y"}) == "y");         // one edit is always allowed
    BOOST_TEST(nearest("anything", {}) == "");
    BOOST_TEST(did_you_mean("unit", {"units", "layers"}) == " (did you mean \"units\"?)");
    BOOST_TEST(did_you_mean("zzz", {"units", "layers"}) == "");
}

// resolve_options: a plugin table's options against the plugin's schema.

namespace {

plugin_info mlp_info() {
    plugin_info info;
    info.name = "mlp";
    info.options = {
        {.name = "epochs",
         .type = option_type::integer,
         .default_value = std::int64_t{10},
         .help = "passes over the data",
         .min = 1,
         .max = 1000},
        {.name = "learning", .type = option_type::real, .default_value = 0.01, .min = 0},
        {.name = "activation",
         .type = option_type::string,
         .default_value = std::string("relu"),
         .allowed = {"relu", "tanh"}},
        {.name = "data", .type = option_type::path, .help = "CSV file of features and labels"},
        {.name = "verbose", .type = option_type::boolean, .default_value = false},
        {.name = "checkpoints", .type = option_type::path, .default_value = std::string("")},
    };
    return info;
}

plugin_ref model_ref(std::map<std::string, option_value> given) {
    plugin_ref ref;
    ref.table = "model";
    ref.name = "mlp";
    ref.where = {"exp.toml", 20, 1};
    int line = 21;
    for (auto& [k, v] : given) ref.options[k] = {v, {"exp.toml", line++, 1}};
    return ref;
}

struct resolved {
    options opts;
    std::vector<diagnostic> errors;
};

resolved resolve(std::map<std::string, option_value> given) {
    resolved r;
    auto with_data = given;
    with_data.emplace("data", std::string("data/digits.csv"));
    r.opts = resolve_options(mlp_info(), model_ref(with_data), "/home/u/exp", r.errors);
    return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fills_option_defaults_and_makes_paths_absolute) {
    auto r = resolve({});
    BOOST_TEST_REQUIRE(r.errors.empty(), all(r.errors));
    BOOST_TEST(r.opts.get_int("epochs") == 10);
    BOOST_TEST(r.opts.get_real("learning") == 0.01);
    BOOST_TEST(r.opts.get_string("activation") == "relu");
    BOOST_TEST(r.opts.get_bool("verbose") == false);
    BOOST_TEST(r.opts.get_string("data") == "/home/u/exp/data/digits.csv");
    BOOST_TEST(r.opts.get_string("checkpoints") == "");  // an empty path stays "none"
    BOOST_TEST(r.opts.values().size() == 6u);

    auto absolute = resolve({{"data", std::string("/srv/d.csv")}});
    BOOST_TEST(absolute.opts.get_string("data") == "/srv/d.csv");
}

BOOST_AUTO_TEST_CASE(rejects_an_unknown_option_with_a_suggestion) {
    auto r = resolve({{"epochz", std::int64_t{3}}});
    BOOST_TEST_REQUIRE(r.errors.size() == 1u, all(r.errors));
    BOOST_TEST(r.errors[0].message ==
               "[model] unknown option \"epochz\" for plugin \"mlp\" (did you mean \"epochs\"?)");
    BOOST_TEST(r.errors[0].where.line == 22);  // data is 21, epochz 22: the options' order
}

BOOST_AUTO_TEST_CASE(checks_option_types) {
    auto r = resolve({{"epochs", std::string("ten")}, {"verbose", std::int64_t{1}}});
    BOOST_TEST_INFO(all(r.errors));
    BOOST_TEST(r.errors.size() == 2u);
    BOOST_TEST(has(r.errors, "[model] epochs must be an int, got \"ten\""));
    BOOST_TEST(has(r.errors, "[model] verbose must be a bool"));

    auto fractional = resolve({{"epochs", 2.5}});
    BOOST_TEST(has(fractional.errors, "[model] epochs must be an int, got 2.5"));
}

BOOST_AUTO_TEST_CASE(accepts_an_int_for_a_float_option) {
    auto r = resolve({{"learning", std::int64_t{1}}});
    BOOST_TEST_REQUIRE(r.errors.empty(), all(r.errors));
    BOOST_TEST(std::holds_alternative<double>(r.opts.values().at("learning")));
    BOOST_TEST(r.opts.get_real("learning") == 1.0);
}

BOOST_AUTO_TEST_CASE(checks_allowed_values) {
    auto r = resolve({{"activation", std::string("rleu")}});
    BOOST_TEST_REQUIRE(r.errors.size() == 1u, all(r.errors));
    BOOST_TEST(r.errors[0].message ==
               "[model] activation must be one of \"relu\" or \"tanh\", got \"rleu\" (did you "
               "mean \"relu\"?)");
    BOOST_TEST(resolve({{"activation", std::string("tanh")}}).errors.empty());
}

BOOST_AUTO_TEST_CASE(checks_option_bounds) {
    auto low = resolve({{"epochs", std::int64_t{0}}});
    BOOST_TEST_REQUIRE(low.errors.size() == 1u, all(low.errors));
    BOOST_TEST(low.errors[0].message == "[model] epochs must be >= 1, got 0");
    auto high = resolve({{"epochs", std::int64_t{5000}}});
    BOOST_TEST(has(high.errors, "[model] epochs must be <= 1000, got 5000"));
    auto negative = resolve({{"learning", -0.5}});
    BOOST_TEST(has(negative.errors, "[model] learning must be >= 0, got -0.5"));
    BOOST_TEST(resolve({{"epochs", std::int64_t{1000}}}).errors.empty());
}

BOOST_AUTO_TEST_CASE(requires_options_without_a_default) {
    std::vector<diagnostic> errors;
    auto ref = model_ref({});
    resolve_options(mlp_info(), ref, "/home/u/exp", errors);
    BOOST_TEST_REQUIRE(errors.size() == 1u, all(errors));
    BOOST_TEST(errors[0].message ==
               "[model] option \"data\" is required for plugin \"mlp\": CSV file of features and "
               "labels");
    BOOST_TEST(errors[0].where.line == 20);  // at the plugin key
}

BOOST_AUTO_TEST_CASE(points_option_errors_at_the_file) {
    auto l = load("good");
    BOOST_TEST_REQUIRE(l.errors.empty(), all(l.errors));
    plugin_info info = mlp_info();
    info.options.erase(info.options.begin() + 1);  // no "learning": it becomes unknown
    std::vector<diagnostic> errors;
    auto opts = resolve_options(info, l.ex.model, l.ex.file.parent_path(), errors);
    BOOST_TEST_REQUIRE(errors.size() == 1u, all(errors));
    BOOST_TEST(errors[0].where.file == l.file);
    BOOST_TEST(errors[0].where.line == 31);
    BOOST_TEST(errors[0].message.find("unknown option \"learning\"") != std::string::npos);
    BOOST_TEST(opts.get_string("data") ==
               (fixtures / "data" / "digits.csv.gz").lexically_normal().string());
}

BOOST_AUTO_TEST_SUITE_END()
