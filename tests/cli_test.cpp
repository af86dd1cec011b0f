// End to end: the real `caviar` program on real experiment files, plugins and stores.
#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

#include "support/process.hpp"
#include "support/terminal.hpp"

#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <thread>

#include <regex>
#include <set>

using namespace caviar::test;
using nlohmann::json;

namespace {

const std::string bin = CAVIAR_BIN;
const std::string examples = std::string(CAVIAR_SOURCE_DIR) + "/examples";
const std::map<std::string, std::string> fixture_env = {
    {"CAVIAR_PLUGIN_PATH", CAVIAR_FIXTURE_PLUGIN_DIR}};

std::string testbed_file(const std::string& name, int trials, const std::string& model_options,
                         const std::string& extra = "") {
    return "[experiment]\nname = \"" + name + "\"\nseed = 3\ntrials = " + std::to_string(trials) +
           "\nobjective = { metric = \"value\", direction = \"minimize\" }\nstore = "
           "\"study.db\"\n" +
           extra +
           "\n[space]\nx = { float = [0.0, 1.0] }\nk = { int = [1, 100], scale = \"log\" }\n"
           "c = { choices = [\"a\", \"b\", \"c\"] }\n\n[model]\nplugin = \"testbed\"\n" +
           model_options + "\n";
}

json trials_json(const std::filesystem::path& store) {
    auto r = run({bin, "trials", store.string(), "--format", "json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    return json::parse(r.out);
}

std::size_t count_state(const json& trials, const std::string& state) {
    std::size_t n = 0;
    for (const auto& t : trials) n += t["state"] == state;
    return n;
}

// Waits until the store shows at least `finished` complete trials (read while it is written).
void wait_for_complete(const std::filesystem::path& store, std::size_t finished) {
    for (int i = 0; i < 600; ++i) {
        if (std::filesystem::exists(store)) {
            auto r = run({bin, "trials", store.string(), "--format", "json"});
            if (r.exit_code == 0 && count_state(json::parse(r.out), "complete") >= finished) return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    BOOST_FAIL("the study made no progress");
}

}  // namespace

BOOST_AUTO_TEST_CASE(help_lists_the_commands) {
    auto r = run({bin, "--help"});
    BOOST_TEST(r.exit_code == 0);
    for (auto cmd : {"run FILE", "validate FILE", "plugins", "best STORE", "trials STORE"})
        BOOST_TEST(r.out.find(cmd) != std::string::npos, cmd);
    auto none = run({bin});
    BOOST_TEST(none.exit_code == 2);
    auto bad = run({bin, "frobnicate"});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(bad.err.find("unknown command \"frobnicate\"") != std::string::npos);
    auto run_help = run({bin, "run", "--help"});
    BOOST_TEST(run_help.exit_code == 0);
    BOOST_TEST(run_help.out.find("--threads") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(plugins_lists_the_built_plugins_with_options) {
    auto r = run({bin, "plugins", "--json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto j = json::parse(r.out);
    std::set<std::string> names;
    for (const auto& p : j["plugins"])
        names.insert(p["kind"].get<std::string>() + "/" + p["name"].get<std::string>());
    for (auto n :
         {"sampler/random", "sampler/grid", "strategy/batch", "model/mlp", "model/functions"})
        BOOST_TEST(names.count(n) == 1, n);
    auto text = run({bin, "plugins"});
    BOOST_TEST(text.exit_code == 0);
    BOOST_TEST(text.out.find("epochs") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(validate_accepts_every_example) {
    std::size_t n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(examples)) {
        if (entry.path().extension() != ".toml") continue;
        auto f = entry.path().filename().string();
        auto r = run({bin, "validate", entry.path().string()});
        BOOST_TEST(r.exit_code == 0, f << ": " << r.err);
        BOOST_TEST(r.out.find(": ok") != std::string::npos, f);
        ++n;
    }
    BOOST_TEST(n >= 10u);  // one per strategy and more
}

BOOST_AUTO_TEST_CASE(validate_reports_all_errors_with_positions) {
    temp_dir dir;
    auto file = dir.write("bad.toml",
                          "[experiment]\n"
                          "trials = 10\n"
                          "objective = { metric = \"valu\", direction = \"minimize\" }\n"
                          "[space]\n"
                          "x = { float = [-5.0, 10.0] }\n"
                          "y = { float = [0.0, 15.0] }\n"
                          "[sampler]\n"
                          "plugin = \"randm\"\n"
                          "[model]\n"
                          "plugin = \"functions\"\n"
                          "function = \"branim\"\n");
    auto r = run({bin, "validate", file.string()});
    BOOST_TEST(r.exit_code == 2);
    std::string f = file.string();
    BOOST_TEST(r.err.find(f + ":8:") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("did you mean \"random\"") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(f + ":11:") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("branin") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(validate_reports_strategy_mismatches_at_their_place) {
    // strategy::prepare sees the model's length and capabilities before any trial runs: each
    // mismatch is a configuration error at the key that causes it (the table when no key does).
    struct mismatch {
        std::string strategy, model, where, message;
        int trials = 6;
    };
    const std::vector<mismatch> cases = {
        {"plugin = \"pbt\"", "checkpoints = false",
         ":8:", "[strategy] pbt needs a model that saves checkpoints"},
        {"plugin = \"pbt\"\ninterval = 12", "",
         ":9:", "[strategy] interval=12 is not below the model's 12 steps"},
        {"plugin = \"asha\"\nmin_steps = 20", "", ":9:",
         "[strategy] min_steps=20 is above the longest run, 12 steps (the model's max_steps is "
         "12)"},
        {"plugin = \"successive_halving\"\nmin_steps = 12", "",
         ":9:", "[strategy] min_steps=12 leaves one rung"},
        {"plugin = \"hyperband\"\nmin_steps = 5\nmax_steps = 5", "", ":9:",
         "[strategy] min_steps=5 leaves one rung, the longest run of 5 steps (the model's "
         "max_steps is 12, the strategy's max_steps 5)"},
        {"plugin = \"median_stop\"\nwarmup_steps = 12", "",
         ":9:", "[strategy] warmup_steps=12 leaves no step to judge"},
        {"plugin = \"median_stop\"\nmin_trials = 6", "", ":9:",
         "[strategy] min_trials=6 other trials can never be reached with a budget of 6 trials"},
        {"plugin = \"coarse_to_fine\"\nrounds = 8", "",
         ":9:", "[strategy] coarse_to_fine needs at least one trial per round: rounds=8"},
    };
    for (const auto& c : cases) {
        temp_dir dir;
        // [strategy] on lines 7-9: its plugin key on line 8, its option on line 9.
        auto file =
            dir.write("bad.toml", "[experiment]\ntrials = " + std::to_string(c.trials) +
                                      "\nobjective = { metric = \"val_loss\" }\n[space]\n"
                                      "learning_rate = { float = [0.01, 0.5], scale = "
                                      "\"log\" }\nx = { float = [0.0, 1.0] }\n[strategy]\n" +
                                      c.strategy +
                                      "\n[model]\nplugin = \"learning_curve\"\n"
                                      "steps = 12\n" +
                                      c.model + "\n");
        auto r = run({bin, "validate", file.string()});
        BOOST_TEST(r.exit_code == 2, c.strategy);
        BOOST_TEST(r.err.find(file.string() + c.where) != std::string::npos,
                   c.strategy << ": " << r.err);
        BOOST_TEST(r.err.find(c.message) != std::string::npos, c.strategy << ": " << r.err);
    }
}

BOOST_AUTO_TEST_CASE(check_runs_a_plugin_through_its_conformance_kit) {
    auto sampler = run({bin, "check", "random"});
    BOOST_TEST(sampler.exit_code == 0, sampler.out << sampler.err);
    BOOST_TEST(sampler.out.find("sampler kit: 11 checks passed, 0 failures") != std::string::npos,
               sampler.out);
    auto strategy = run({bin, "check", "asha", "--seeds", "2", "-v"});
    BOOST_TEST(strategy.exit_code == 0, strategy.out << strategy.err);
    BOOST_TEST(strategy.out.find("ok    studies_steered_from_outside_stay_consistent") !=
                   std::string::npos,
               strategy.out);
    auto broken = run({bin, "check", CAVIAR_FIXTURE_PLUGIN_DIR "/sampler_off_grid.so"});
    BOOST_TEST(broken.exit_code == 1);
    BOOST_TEST(broken.out.find("FAIL  proposes_values_in_range_and_on_grid") != std::string::npos,
               broken.out);
    auto required = run({bin, "check", CAVIAR_FIXTURE_PLUGIN_DIR "/sampler_fixture_ok.so"});
    BOOST_TEST(required.exit_code == 2);
    BOOST_TEST(required.err.find("\"mode\" is required") != std::string::npos, required.err);
    auto given =
        run({bin, "check", CAVIAR_FIXTURE_PLUGIN_DIR "/sampler_fixture_ok.so", "-o", "mode=fast"});
    BOOST_TEST(given.out.find("checks passed") != std::string::npos, given.out << given.err);
    auto model = run({bin, "check", "mlp"});
    BOOST_TEST(model.exit_code == 2);
    BOOST_TEST(model.err.find("no conformance kit for models yet") != std::string::npos, model.err);
}

BOOST_AUTO_TEST_CASE(a_store_of_an_older_caviar_is_upgraded_by_any_command) {
    temp_dir dir;
    const auto db = dir / "old.db";
    std::ifstream in(std::string(CAVIAR_SOURCE_DIR) + "/tests/fixtures/store/schema_v2.sql");
    std::string sql((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    sql +=
        "INSERT INTO studies VALUES (1, 'old', 5, 10, 'value', 'minimize', "
        "'0000000000000001', 'x float [0, 1] linear\n', '', 'random', 'batch', 'functions', 1);"
        "INSERT INTO trials (study_id, number, state, seed, value, steps) "
        "VALUES (1, 0, 'complete', 3, 0.25, 1);"
        "INSERT INTO params VALUES (1, 0, 'x', 0.5);";
    sqlite3* h = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    BOOST_TEST_REQUIRE(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
    auto r = run({bin, "trials", db.string()});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("complete") != std::string::npos, r.out);
    BOOST_TEST_REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &q, nullptr);
    BOOST_TEST_REQUIRE(sqlite3_step(q) == SQLITE_ROW);
    BOOST_TEST(sqlite3_column_int(q, 0) == 4);
    sqlite3_finalize(q);
    sqlite3_close(h);
}

// `caviar trials` and `caviar curves` stream their rows from the store instead of loading the
// study first: what they print must stay what they printed before, byte for byte. The fixture
// is a hyperband study (pauses, resumes, prunes) as caviar wrote it, with one trial edited to a
// failure whose message has a comma, quotes and a newline, and a study event added; the
// expected outputs were printed by caviar before the change (commit 5157d01).
BOOST_AUTO_TEST_CASE(trials_and_curves_print_what_they_printed_before_streaming) {
    const std::filesystem::path fixtures =
        std::filesystem::path(CAVIAR_SOURCE_DIR) / "tests" / "fixtures" / "store";
    auto slurp = [](const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    };
    temp_dir dir;
    const auto db = dir / "small.db";
    sqlite3* h = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    BOOST_TEST_REQUIRE(sqlite3_exec(h, slurp(fixtures / "small_study.sql").c_str(), nullptr,
                                    nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"trials"}, "trials.table"},
        {{"trials", "--events"}, "trials-events.table"},
        {{"trials", "--format", "csv"}, "trials.csv"},
        {{"trials", "--format", "json"}, "trials.json"},
        {{"curves"}, "curves.csv"},
        {{"curves", "--format", "json"}, "curves.json"},
        {{"curves", "--trial", "5", "--format", "json"}, "curves-5.json"},
    };
    for (const auto& [words, expected] : cases) {
        std::vector<std::string> argv = {bin, words[0], db.string()};
        argv.insert(argv.end(), words.begin() + 1, words.end());
        auto r = run(argv);
        BOOST_TEST_REQUIRE(r.exit_code == 0, expected << ": " << r.err);
        BOOST_TEST((r.out == slurp(fixtures / "small_study" / expected)), expected << ":\n"
                                                                                   << r.out);
    }
    // On a terminal of 90 columns the reasons wrap under their column.
    terminal_process term({bin, "trials", db.string()}, {}, "", 90);
    BOOST_TEST_REQUIRE(term.started());
    BOOST_TEST_REQUIRE(term.wait() == 0);
    std::string shown = term.raw();
    shown.erase(std::remove(shown.begin(), shown.end(), '\r'), shown.end());
    BOOST_TEST((shown == slurp(fixtures / "small_study" / "trials-90.table")), shown);
    auto missing = run({bin, "curves", db.string(), "--trial", "99"});
    BOOST_TEST(missing.exit_code == 2);
    BOOST_TEST(missing.out.empty());
    BOOST_TEST(missing.err.find("study \"small\" has no trial 99 (it has 14)") != std::string::npos,
               missing.err);
}

BOOST_AUTO_TEST_CASE(nothing_a_command_writes_lands_on_what_it_did_not_write) {
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("r", 3, ""));
    BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}, fixture_env).exit_code == 0);
    const auto store = dir / "study.db";
    auto slurp = [](const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    };
    // A report written over the study's own store is refused; the store keeps every trial.
    auto over = run({bin, "report", store.string(), "-o", store.string()});
    BOOST_TEST(over.exit_code == 2);
    BOOST_TEST(over.err.find("is a SQLite database (a study's store?)") != std::string::npos,
               over.err);
    BOOST_TEST(trials_json(store).size() == 3u);
    auto text = dir.write("notes.txt", "mine\n");
    BOOST_TEST(run({bin, "report", store.string(), "-o", text.string()}).exit_code == 2);
    BOOST_TEST(slurp(text) == "mine\n");
    BOOST_TEST(run({bin, "report", store.string(), "-o", text.string(), "--force"}).exit_code == 0);
    BOOST_TEST(slurp(text).find("<!DOCTYPE html>") == 0u);
    // A report over an earlier report of caviar's is simply replaced.
    BOOST_TEST(run({bin, "report", store.string(), "-o", text.string()}).exit_code == 0);
    BOOST_TEST(!std::filesystem::exists(text.string() + ".tmp-1"));
    // A SQLite file of another program is left as it is, even with a table called trials.
    const auto foreign = dir / "foreign.db";
    {
        sqlite3* h = nullptr;
        sqlite3_open(foreign.c_str(), &h);
        sqlite3_exec(h, "CREATE TABLE trials (id INTEGER); INSERT INTO trials VALUES (7);", nullptr,
                     nullptr, nullptr);
        sqlite3_close(h);
    }
    const auto before = slurp(foreign);
    auto refused = run({bin, "run", file.string(), "-q", "--store", foreign.string()}, fixture_env);
    BOOST_TEST(refused.exit_code == 1);
    BOOST_TEST(refused.err.find("not a caviar store") != std::string::npos, refused.err);
    BOOST_TEST((slurp(foreign) == before));
    BOOST_TEST(!std::filesystem::exists(foreign.string() + "-wal"));
}

BOOST_AUTO_TEST_CASE(names_that_would_escape_or_break_are_refused_at_validate) {
    struct named {
        std::string file, message;
    };
    auto with_name = [](const std::string& name) {
        return "[experiment]\nname = \"" + name +
               "\"\nobjective = { metric = \"value\" }\n"
               "[space]\nx = { float = [0.0, 1.0] }\n[model]\nplugin = \"testbed\"\n";
    };
    auto with_param = [](const std::string& key) {
        return "[experiment]\nobjective = { metric = \"value\" }\n[space]\n" + key +
               " = { float = [0.0, 1.0] }\n[model]\nplugin = \"testbed\"\n";
    };
    const std::vector<named> cases = {
        {with_name("a/../../../../tmp/x"), "name cannot have '/' or '\\' (it names a folder)"},
        {with_name("../../x"), "name cannot start with '.'"},
        {with_name(".."), "name cannot be \".\" or \"..\""},
        {with_name("./col"), "name cannot start with '.'"},
        {with_name("a\\u0007b"), "name cannot have control characters"},
        {with_name(std::string(200, 'n')), "name must be at most 128 characters"},
        {with_param("\"my lr\""), "[space] param name \"my lr\" has a space"},
        {with_param("\"a\\nb\""), "[space] param name \"a\\x0ab\" has a control character"},
        {with_param("\"a,b\""), "has ','"},
        {"[experiment]\nobjective = { metric = \"value\" }\n[space]\n\"a-b\" = { float = [0.0, "
         "1.0] }\na_b = { float = [0.0, 1.0] }\n[model]\nplugin = \"command\"\nargs = \"true\"\n"
         "metrics = \"value\"\n",
         "its environment variable CAVIAR_PARAM_A_B is also a-b's"},
    };
    for (const auto& c : cases) {
        temp_dir dir;
        auto file = dir.write("t.toml", c.file);
        auto r = run({bin, "validate", file.string()}, fixture_env);
        BOOST_TEST(r.exit_code == 2, c.message);
        BOOST_TEST(r.err.find(c.message) != std::string::npos, c.message << ": " << r.err);
    }
}

BOOST_AUTO_TEST_CASE(values_at_their_limits_are_refused_at_validate) {
    struct limit {
        std::string extra, message;
    };
    const std::vector<limit> cases = {
        {"threads = 100000", "threads must be an integer >= 0 and <= 1024"},
        {"trial_timeout = 1e10", "trial_timeout must be a duration > 0 and at most 366 days"},
        {"time_budget = \"100000h\"", "time_budget must be a duration > 0 and at most 366 days"},
        {"isolation = \"fork\"",
         "isolation must be \"thread\" (trials on caviar's worker threads) or \"process\""},
    };
    // Dimensions whose values could not be sampled right are refused at validate, at their
    // place, instead of failing the study at run time.
    const std::vector<limit> spaces = {
        {"y = { int = [0, 9223372036854775807] }",
         "[space.y] an int dimension's bounds must lie within -2^53 and 2^53"},
        {"y = { int = [-9223372036854775808, 9223372036854775807] }",
         "must lie within -2^53 and 2^53"},
        {"y = { float = [-1e308, 1e308] }", "[space.y] high - low must be a finite number"},
        {"y = { float = [0.0, 1.0], step = 1e-19 }",
         "[space.y] step=1e-19 cuts [0, 1] into more than 2^53 values"},
        {"y = { choices = [nan, 1.0] }", "[space.y] choices must be finite numbers, got nan"},
    };
    for (const auto& c : spaces) {
        temp_dir dir;
        auto file = dir.write("t.toml",
                              "[experiment]\nobjective = { metric = \"value\" }\n[space]\n"
                              "x = { float = [0.0, 1.0] }\n" +
                                  c.extra + "\n[model]\nplugin = \"testbed\"\n");
        auto r = run({bin, "validate", file.string()}, fixture_env);
        BOOST_TEST(r.exit_code == 2, c.extra);
        BOOST_TEST(r.err.find(file.string() + ":5:") != std::string::npos,
                   c.extra << ": " << r.err);
        BOOST_TEST(r.err.find(c.message) != std::string::npos, c.extra << ": " << r.err);
    }
    for (const auto& c : cases) {
        temp_dir dir;
        auto file = dir.write("t.toml", testbed_file("l", 3, "", c.extra));
        auto r = run({bin, "validate", file.string()}, fixture_env);
        BOOST_TEST(r.exit_code == 2, c.extra);
        BOOST_TEST(r.err.find(c.message) != std::string::npos, c.extra << ": " << r.err);
    }
}

BOOST_AUTO_TEST_CASE(a_closed_stdout_does_not_kill_the_study) {
    // caviar run ... | head -1: the pipe closes at once; the study still finishes.
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("p", 6, "steps = 2\nstep_ms = 20\n"));
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    ::close(fds[0]);  // nobody reads
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], 1);
        exec_child({bin, "run", file.string(), "-q"}, fixture_env);
    }
    ::close(fds[1]);
    BOOST_TEST(reap(pid) == 0);
    BOOST_TEST(count_state(trials_json(dir / "study.db"), "complete") == 6u);
}

BOOST_AUTO_TEST_CASE(objective_metric_is_checked_against_the_model) {
    temp_dir dir;
    auto file = dir.write("bad.toml",
                          "[experiment]\n"
                          "objective = { metric = \"valeu\" }\n"
                          "[space]\nx = { float = [-5.0, 10.0] }\ny = { float = [0.0, 15.0] }\n"
                          "[model]\nplugin = \"functions\"\nfunction = \"branin\"\n");
    auto r = run({bin, "validate", file.string()});
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find(file.string() + ":2:") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("did you mean \"value\"") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(the_models_errors_come_with_the_others_each_at_its_own_key) {
    temp_dir dir;
    // A newcomer's first file: the data path wrong and the metric abbreviated.
    auto file = dir.write("first.toml",
                          "[experiment]\n"
                          "objective = { metric = \"val_acc\", direction = \"maximize\" }\n"
                          "[space]\nlearning_rate = { float = [1e-3, 0.5], scale = \"log\" }\n"
                          "[model]\nplugin = \"mlp\"\nepochs = 2\ndata = \"data/digits.csv\"\n");
    auto r = run({bin, "validate", file.string()});
    BOOST_TEST(r.exit_code == 2);
    // Both in one pass, the data error at `data =` (line 8), not at `plugin =` (line 6).
    BOOST_TEST(r.err.find("2 errors") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(file.string() + ":2:") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("did you mean \"val_accuracy\"") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(file.string() + ":8:1: error: [model] ") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("digits.csv: no such file") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(":6:") == std::string::npos, r.err);

    // A typo in a command's placeholder points at `args =` (line 6), not at [space].
    auto typo = dir.write("typo.toml",
                          "[experiment]\nobjective = { metric = \"loss\" }\n"
                          "[space]\nlr = { float = [0.001, 0.1] }\n[model]\n"
                          "args = \"python3 train.py --lr={lrr}\"\n"
                          "plugin = \"command\"\nmetrics = \"loss\"\n");
    auto t = run({bin, "validate", typo.string()});
    BOOST_TEST(t.exit_code == 2);
    BOOST_TEST(t.err.find(typo.string() + ":6:1: error: [model] args: unknown placeholder {lrr}") !=
                   std::string::npos,
               t.err);
    BOOST_TEST(t.err.find("cannot train over this space") == std::string::npos, t.err);

    // Keys of [experiment] given at the top, as `--set objective.metric=...` does, say where
    // they belong.
    auto good = dir.write("good.toml",
                          "[experiment]\nobjective = { metric = \"value\" }\n"
                          "[space]\nx = { float = [-5.0, 10.0] }\n"
                          "y = { float = [0.0, 15.0] }\n[model]\n"
                          "plugin = \"functions\"\nfunction = \"branin\"\n");
    auto set = run({bin, "validate", good.string(), "--set", "objective.metric=loss"});
    BOOST_TEST(set.exit_code == 2);
    BOOST_TEST(set.err.find("\"objective\" is a key of [experiment] (with --set: "
                            "experiment.objective.KEY=VALUE)") != std::string::npos,
               set.err);
    auto trials = run({bin, "validate", good.string(), "--set", "trials=5"});
    BOOST_TEST(trials.err.find("experiment.trials=VALUE") != std::string::npos, trials.err);
}

BOOST_AUTO_TEST_CASE(model_refuses_a_space_of_the_wrong_size) {
    temp_dir dir;
    auto file = dir.write("bad.toml",
                          "[experiment]\nobjective = { metric = \"value\" }\n"
                          "[space]\nx = { float = [0, 1] }\n"
                          "[model]\nplugin = \"functions\"\nfunction = \"hartmann6\"\n");
    auto r = run({bin, "validate", file.string()});
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find("hartmann6") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("6") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(branin_example_runs_and_reads_back) {
    temp_dir dir;
    auto store = dir / "b.db";
    auto r = run({bin, "run", examples + "/branin.toml", "--store", store.string(), "--trials",
                  "60", "--threads", "2"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("best params") != std::string::npos, r.out);
    auto trials = trials_json(store);
    BOOST_TEST(trials.size() == 60u);
    BOOST_TEST(count_state(trials, "complete") == 60u);
    for (const auto& t : trials) {
        BOOST_TEST(t["params"].contains("x"));
        BOOST_TEST(t["metrics"]["regret"].get<double>() >= -1e-9);
        double x = t["params"]["x"].get<double>();
        BOOST_TEST((x >= -5.0 && x <= 10.0));
    }
    auto best = run({bin, "best", store.string(), "--json"});
    BOOST_TEST_REQUIRE(best.exit_code == 0, best.err);
    auto b = json::parse(best.out);
    for (auto key : {"number", "state", "params", "value", "metrics", "seed", "error"})
        BOOST_TEST(b.contains(key), key);
    double min_value = 1e300;
    for (const auto& t : trials) min_value = std::min(min_value, t["value"].get<double>());
    BOOST_TEST(b["value"].get<double>() == min_value);
    auto csv = run({bin, "trials", store.string(), "--format", "csv"});
    BOOST_TEST(csv.exit_code == 0);
    BOOST_TEST(csv.out.rfind("number,state,value,params.x,params.y", 0) == 0,
               csv.out.substr(0, 80));
    BOOST_TEST(std::count(csv.out.begin(), csv.out.end(), '\n') == 61);
}

BOOST_AUTO_TEST_CASE(grid_example_covers_the_grid) {
    temp_dir dir;
    auto store = dir / "g.db";
    auto r = run({bin, "run", examples + "/grid.toml", "--store", store.string(), "--quiet"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto trials = trials_json(store);
    std::set<std::pair<double, double>> points;
    for (const auto& t : trials)
        points.insert({t["params"]["x"].get<double>(), t["params"]["y"].get<double>()});
    BOOST_TEST(points.size() == 25u);
    BOOST_TEST(points.count({-5.0, 0.0}) == 1u);
    BOOST_TEST(points.count({10.0, 15.0}) == 1u);
}

BOOST_AUTO_TEST_CASE(same_params_per_trial_number_for_any_thread_count) {
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("det", 40, ""));
    auto one = run(
        {bin, "run", file.string(), "--threads", "1", "--store", (dir / "one.db").string(), "-q"},
        fixture_env);
    auto two = run(
        {bin, "run", file.string(), "--threads", "2", "--store", (dir / "two.db").string(), "-q"},
        fixture_env);
    BOOST_TEST_REQUIRE(one.exit_code == 0, one.err);
    BOOST_TEST_REQUIRE(two.exit_code == 0, two.err);
    auto a = trials_json(dir / "one.db"), b = trials_json(dir / "two.db");
    BOOST_TEST_REQUIRE(a.size() == 40u);
    BOOST_TEST_REQUIRE(b.size() == 40u);
    for (std::size_t i = 0; i < 40; ++i) {
        BOOST_TEST(a[i]["params"] == b[i]["params"], i);
        BOOST_TEST(a[i]["seed"] == b[i]["seed"], i);
    }
}

BOOST_AUTO_TEST_CASE(failing_trials_are_recorded_and_the_study_goes_on) {
    temp_dir dir;
    auto file =
        dir.write("t.toml", testbed_file("flaky", 40, "fail_above = 0.7\nnan_below = 0.2\n"));
    auto r = run({bin, "run", file.string(), "--threads", "2", "-q"}, fixture_env);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto trials = trials_json(dir / "study.db");
    BOOST_TEST(trials.size() == 40u);
    std::size_t thrown = 0, nan = 0, complete = 0;
    for (const auto& t : trials) {
        double x = t["params"]["x"];
        if (x > 0.7) {
            BOOST_TEST(t["state"] == "failed");
            BOOST_TEST(t["error"].get<std::string>().find("above fail_above") != std::string::npos);
            BOOST_TEST(t["error"].get<std::string>().find("model \"testbed\"") !=
                       std::string::npos);
            ++thrown;
        } else if (x < 0.2) {
            BOOST_TEST(t["state"] == "failed");
            BOOST_TEST(t["error"].get<std::string>().find("nan") != std::string::npos, t["error"]);
            ++nan;
        } else {
            BOOST_TEST(t["state"] == "complete");
            ++complete;
        }
    }
    BOOST_TEST(thrown > 0u);
    BOOST_TEST(nan > 0u);
    BOOST_TEST(complete > 0u);
}

BOOST_AUTO_TEST_CASE(a_study_whose_trials_all_fail_stops_with_an_error) {
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("doomed", 100, "fail_above = -1\n"));
    auto r = run({bin, "run", file.string(), "--threads", "2", "-q"}, fixture_env);
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.err.find("all failed") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("above fail_above") != std::string::npos, r.err);
    auto trials = trials_json(dir / "study.db");
    BOOST_TEST(trials.size() < 100u);  // it stopped early instead of burning the budget
}

BOOST_AUTO_TEST_CASE(a_second_run_resumes_up_to_the_budget) {
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("resume", 10, ""));
    auto first = run({bin, "run", file.string(), "-q"}, fixture_env);
    BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
    auto before = trials_json(dir / "study.db");
    auto again = run({bin, "run", file.string(), "-q"}, fixture_env);  // nothing left to do
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.err);
    BOOST_TEST(trials_json(dir / "study.db") == before);
    auto more = run({bin, "run", file.string(), "--trials", "25", "-q"}, fixture_env);
    BOOST_TEST_REQUIRE(more.exit_code == 0, more.err);
    auto after = trials_json(dir / "study.db");
    BOOST_TEST_REQUIRE(after.size() == 25u);
    for (std::size_t i = 0; i < 10; ++i) BOOST_TEST(after[i] == before[i], i);
}

BOOST_AUTO_TEST_CASE(a_changed_space_is_refused_on_resume) {
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("space", 3, ""));
    BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}, fixture_env).exit_code == 0);
    auto r = run({bin, "run", file.string(), "-q", "--set", "space.x={ float = [0.0, 2.0] }"},
                 fixture_env);
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find("different [space]") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("--set experiment.name=space-2") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(changed_plugin_options_are_refused_on_resume_unless_allowed) {
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("opts", 3, "steps = 2\n"));
    BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}, fixture_env).exit_code == 0);
    // Budget and threads are how much and how fast, not what: they may change.
    auto more =
        run({bin, "run", file.string(), "-q", "--trials", "4", "--threads", "1"}, fixture_env);
    BOOST_TEST_REQUIRE(more.exit_code == 0, more.err);

    auto refused = run({bin, "run", file.string(), "-q", "--trials", "6", "--set", "model.steps=3"},
                       fixture_env);
    BOOST_TEST(refused.exit_code == 2);
    BOOST_TEST(refused.err.find("[model] steps 2 → 3") != std::string::npos, refused.err);
    BOOST_TEST(refused.err.find("--allow-config-change") != std::string::npos, refused.err);
    BOOST_TEST(trials_json(dir / "study.db").size() == 4u);  // nothing ran

    auto objective = run({bin, "run", file.string(), "-q", "--trials", "6", "--set",
                          "experiment.objective={ metric = \"value\", direction = \"maximize\" }"},
                         fixture_env);
    BOOST_TEST(objective.exit_code == 2);
    BOOST_TEST(objective.err.find("[experiment] objective.direction") != std::string::npos,
               objective.err);

    auto allowed = run({bin, "run", file.string(), "-q", "--trials", "6", "--set", "model.steps=3",
                        "--allow-config-change"},
                       fixture_env);
    BOOST_TEST_REQUIRE(allowed.exit_code == 0, allowed.err);
    auto after = trials_json(dir / "study.db");
    BOOST_TEST_REQUIRE(after.size() == 6u);
    BOOST_TEST(after[5]["steps"] == 3);
    auto events = run({bin, "trials", (dir / "study.db").string(), "--events"});
    BOOST_TEST(events.out.find("configuration changed on resume") != std::string::npos, events.out);
    BOOST_TEST(events.out.find("steps 2 → 3") != std::string::npos, events.out);
    // The new configuration is the study's now: running it again is a plain resume.
    auto again = run({bin, "run", file.string(), "-q", "--trials", "6", "--set", "model.steps=3"},
                     fixture_env);
    BOOST_TEST(again.exit_code == 0, again.err);
}

BOOST_AUTO_TEST_CASE(a_study_spent_on_failures_says_what_to_do_and_retries_them) {
    temp_dir dir;
    auto ready = dir / "ready";
    auto file =
        dir.write("t.toml", testbed_file("env", 4, "needs_file = \"" + ready.string() + "\"\n"));
    auto first = run({bin, "run", file.string(), "-q"}, fixture_env);
    BOOST_TEST(first.exit_code == 1);
    BOOST_TEST(first.err.find("every trial failed") != std::string::npos, first.err);
    auto failed = trials_json(dir / "study.db");
    BOOST_TEST_REQUIRE(count_state(failed, "failed") == 4u);

    // The budget is spent: a plain run does nothing, and says how to go on.
    auto again = run({bin, "run", file.string(), "-q"}, fixture_env);
    BOOST_TEST(again.exit_code == 1);
    BOOST_TEST(again.err.find("no trial ran this time") != std::string::npos, again.err);
    BOOST_TEST(again.err.find("--retry-failed") != std::string::npos, again.err);
    BOOST_TEST(again.err.find("--trials N") != std::string::npos, again.err);

    dir.write("ready", "");  // the environment is fixed
    auto retried = run({bin, "run", file.string(), "--retry-failed"}, fixture_env);
    BOOST_TEST_REQUIRE(retried.exit_code == 0, retried.err);
    BOOST_TEST(retried.err.find("4 failed trials run again") != std::string::npos, retried.err);
    auto after = trials_json(dir / "study.db");
    BOOST_TEST_REQUIRE(after.size() == 4u);  // the same trials, not new ones
    for (std::size_t i = 0; i < 4; ++i) {
        BOOST_TEST(after[i]["state"] == "complete", i);
        BOOST_TEST(after[i]["params"] == failed[i]["params"], i);
        BOOST_TEST(after[i]["seed"] == failed[i]["seed"], i);
        BOOST_TEST(after[i]["error"] == "", i);
        BOOST_TEST_REQUIRE(after[i]["events"].size() == 1u, i);
        BOOST_TEST(after[i]["events"][0]["kind"] == "retry", i);
        BOOST_TEST(after[i]["events"][0]["detail"]["error"].get<std::string>().find("missing") !=
                       std::string::npos,
                   i);
    }
    // Nothing failed is left: --retry-failed is then a plain resume.
    auto nothing = run({bin, "run", file.string(), "-q", "--retry-failed"}, fixture_env);
    BOOST_TEST(nothing.exit_code == 0, nothing.err);
    BOOST_TEST(trials_json(dir / "study.db").size() == 4u);
}

BOOST_AUTO_TEST_CASE(read_commands_take_the_experiment_file_and_leave_no_wal_files) {
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("by-file", 3, "steps = 2\n"));
    BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}, fixture_env).exit_code == 0);
    // A second study in the same store: the file picks its own.
    BOOST_TEST_REQUIRE(
        run({bin, "run", file.string(), "-q", "--set", "experiment.name=other"}, fixture_env)
            .exit_code == 0);
    const auto db = (dir / "study.db").string();
    auto leftovers = [&] {
        return std::filesystem::exists(db + "-wal") || std::filesystem::exists(db + "-shm");
    };
    BOOST_TEST(!leftovers());  // the run's connection removed them on close
    const std::vector<std::vector<std::string>> commands = {
        {"show"}, {"trials"}, {"best"}, {"curves"}, {"report", "-o", (dir / "r.html").string()}};
    for (const auto& c : commands) {
        auto with = [&](const std::string& operand, bool by_name) {
            std::vector<std::string> argv{bin, c[0], operand};
            argv.insert(argv.end(), c.begin() + 1, c.end());
            if (by_name) argv.insert(argv.end(), {"--study", "by-file"});
            return run(argv);
        };
        auto by_file = with(file.string(), false);
        BOOST_TEST(by_file.exit_code == 0, c[0] << ": " << by_file.err);
        BOOST_TEST(!leftovers(), c[0]);
        auto by_store = with(db, true);
        BOOST_TEST(by_store.exit_code == 0, c[0] << ": " << by_store.err);
        if (c[0] != "report") BOOST_TEST(by_file.out == by_store.out, c[0]);
        BOOST_TEST(!leftovers(), c[0]);
    }
    auto status = run({bin, "ctl", file.string(), "status"});
    BOOST_TEST(status.exit_code == 0, status.err);
    BOOST_TEST(status.out.find("by-file") != std::string::npos, status.out);

    auto text = testbed_file("fresh", 3, "");
    text.replace(text.find("study.db"), 8, "none.db");
    auto fresh = dir.write("fresh.toml", text);
    auto none = run({bin, "trials", fresh.string()});
    BOOST_TEST(none.exit_code == 2);
    BOOST_TEST(none.err.find("does not exist yet; run the experiment first") != std::string::npos,
               none.err);
}

namespace {
// Runs a slow study, stops it with `sig` once `after` trials are done, resumes it, and checks
// that every trial finished before the stop is still there, unchanged.
// The processes whose command line names `file`: a study's trial processes (isolation).
std::vector<int> processes_naming(const std::filesystem::path& file) {
    std::vector<int> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string cmdline((std::istreambuf_iterator<char>(in)), {});
        if (cmdline.find(file.string()) != std::string::npos) out.push_back(std::stoi(name));
    }
    return out;
}

void stop_and_resume(int sig, int after, const std::string& experiment_extra = "") {
    temp_dir dir;
    auto file = dir.write("t.toml",
                          testbed_file("slow", 16, "steps = 4\nstep_ms = 60\n", experiment_extra));
    process p({bin, "run", file.string(), "--threads", "2"}, fixture_env);
    wait_for_complete(dir / "study.db", static_cast<std::size_t>(after));
    // caviar, and with isolation = "process" its two trial processes.
    const std::size_t expected = experiment_extra.find("process") != std::string::npos ? 3 : 1;
    BOOST_TEST(processes_naming(file).size() == expected);
    p.signal(sig);
    auto stopped = p.wait();
    BOOST_TEST(stopped.exit_code == 128 + sig, stopped.err);
    // Trial processes end with caviar, even after kill -9 (they are told by the kernel).
    for (int i = 0; i < 100 && !processes_naming(file).empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_TEST(processes_naming(file).empty());
    auto before = trials_json(dir / "study.db");
    std::vector<json> finished;
    for (const auto& t : before)
        if (t["state"] == "complete") finished.push_back(t);
    BOOST_TEST(finished.size() >= static_cast<std::size_t>(after));
    BOOST_TEST(finished.size() < 16u);
    if (sig != SIGKILL) BOOST_TEST(count_state(before, "running") == 0u);

    auto resumed = run({bin, "run", file.string(), "--threads", "2"}, fixture_env);
    BOOST_TEST_REQUIRE(resumed.exit_code == 0, resumed.err);
    BOOST_TEST(resumed.err.find("resuming study") != std::string::npos, resumed.err);
    auto after_resume = trials_json(dir / "study.db");
    BOOST_TEST(after_resume.size() == 16u);
    BOOST_TEST(count_state(after_resume, "complete") == 16u);
    for (const auto& t : finished) {
        const auto& same = after_resume[t["number"].get<std::size_t>()];
        BOOST_TEST(same == t, t["number"]);
    }
    std::set<std::string> numbers;
    for (const auto& t : after_resume) numbers.insert(t["params"].dump());
    BOOST_TEST(numbers.size() == 16u);  // no trial ran twice under another number
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_trial_that_kills_the_process_twice_is_failed_and_the_study_goes_on) {
    struct crash_case {
        std::string how;
        int exit_code;      // the signal's, as a shell reports it; exit()'s own code
        std::string cause;  // as the message and the trial's error say it
    };
    const std::vector<crash_case> cases = {
        {"segv", 128 + SIGSEGV, "signal 11 (segmentation fault)"},
        {"abort", 128 + SIGABRT, "signal 6 (abort)"},
        {"exit", 3, "exit() called"},
        {"stack", 128 + SIGSEGV, "signal 11 (segmentation fault: stack overflow)"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.how) {
            temp_dir dir;
            // Trial 0 (enqueued, x = 0.999) kills the process; the sampler's three do not. On two
            // threads trial 1 runs beside it: it is not blamed, and completes in the end.
            auto file =
                dir.write("t.toml",
                          "[experiment]\nname = \"crashy\"\nseed = 3\ntrials = 4\nthreads = 2\n"
                          "objective = { metric = \"value\" }\nstore = \"study.db\"\n"
                          "[space]\nx = { float = [0.0, 1.0] }\n"
                          "[model]\nplugin = \"testbed\"\ncrash = \"" +
                              c.how +
                              "\"\ncrash_above = 0.998\nsteps = 2\nstep_ms = 30\n"
                              "[[enqueue]]\nx = 0.999\n");
            const std::string said =
                "caviar: " + c.cause + " while model plugin \"testbed\" ran trial 0";
            for (int attempt = 1; attempt <= 2; ++attempt) {
                auto r = run({bin, "run", file.string(), "-q"}, fixture_env);
                BOOST_TEST(r.exit_code == c.exit_code, "run " << attempt << ": " << r.err);
                BOOST_TEST(r.err.find(said) != std::string::npos, r.err);
            }
            // The third run fails trial 0 instead of running it first again, and finishes.
            auto r = run({bin, "run", file.string()}, fixture_env);
            BOOST_TEST(r.exit_code == 0, r.err);
            BOOST_TEST(r.err.find("trial 0: the process died while this trial ran (2 times): " +
                                  c.cause + "; it is failed, not run again") != std::string::npos,
                       r.err);
            auto trials = trials_json(dir / "study.db");
            BOOST_TEST_REQUIRE(trials.size() == 4u);
            BOOST_TEST(trials[0]["state"] == "failed");
            BOOST_TEST(trials[0]["error"] ==
                       "the process died while this trial ran (2 times): " + c.cause);
            for (int n = 1; n < 4; ++n) BOOST_TEST(trials[n]["state"] == "complete");
            const std::string events = trials[0]["events"].dump();
            std::size_t died = 0;
            for (auto i = events.find("\"died\""); i != std::string::npos;
                 i = events.find("\"died\"", i + 1))
                ++died;
            BOOST_TEST(died == 2u, events);
            auto listed = run({bin, "trials", file.string(), "--events"});
            BOOST_TEST(listed.out.find("trial 0 at step 0: the process died while it ran: " +
                                       c.cause) != std::string::npos,
                       listed.out);
            // The note the dead process left was read and removed.
            BOOST_TEST(!std::filesystem::exists(dir / "study-files" / "crashy" / "crash"));
        }
    }
}

BOOST_AUTO_TEST_CASE(sigint_stops_cleanly_and_resumes) {
    stop_and_resume(SIGINT, 3);
}
BOOST_AUTO_TEST_CASE(sigterm_stops_cleanly_and_resumes) {
    stop_and_resume(SIGTERM, 3);
}
BOOST_AUTO_TEST_CASE(kill_9_loses_only_the_running_trials) {
    stop_and_resume(SIGKILL, 3);
}

BOOST_AUTO_TEST_CASE(trials_in_processes_of_their_own_stop_resume_and_die_with_caviar) {
    stop_and_resume(SIGINT, 3, "isolation = \"process\"\n");
    stop_and_resume(SIGKILL, 3, "isolation = \"process\"\n");
}

BOOST_AUTO_TEST_CASE(in_their_own_processes_trials_give_the_same_results_and_a_crash_fails_one) {
    // The same study on threads and in trial processes: the same values, trial for trial.
    temp_dir dir;
    std::vector<json> results;
    for (std::string isolation : {"thread", "process"}) {
        auto file = dir.write(isolation + ".toml",
                              testbed_file(isolation, 6, "steps = 3\n",
                                           "isolation = \"" + isolation + "\"\nthreads = 2\n"));
        auto r = run({bin, "run", file.string(), "-q"}, fixture_env);
        BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
        results.push_back(trials_json(dir / "study.db"));
        std::filesystem::remove(dir / "study.db");
    }
    BOOST_TEST_REQUIRE(results[0].size() == 6u);
    for (std::size_t n = 0; n < 6; ++n) {
        BOOST_TEST(results[0][n]["value"] == results[1][n]["value"], n);
        BOOST_TEST(results[0][n]["params"] == results[1][n]["params"], n);
    }

    // A plugin that kills its process fails only its trial, in one run, and the study goes on.
    struct crash_case {
        std::string how, cause;
    };
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer reports a segfault in the trial process itself and exits with status 1.
    const std::string segv_cause = "exit status 1";
#else
    const std::string segv_cause = "signal 11 (segmentation fault)";
#endif
    for (const auto& c : std::vector<crash_case>{{"segv", segv_cause},
                                                 {"stack", segv_cause},
                                                 {"abort", "signal 6 (abort)"},
                                                 {"exit", "exit status 3"}}) {
        BOOST_TEST_CONTEXT(c.how) {
            temp_dir crashy;
            auto file =
                crashy.write("t.toml",
                             "[experiment]\nname = \"crashy\"\nseed = 3\ntrials = 6\nthreads = 2\n"
                             "isolation = \"process\"\nobjective = { metric = \"value\" }\n"
                             "store = \"study.db\"\n[space]\nx = { float = [0.0, 1.0] }\n"
                             "[model]\nplugin = \"testbed\"\nsteps = 2\ncrash = \"" +
                                 c.how + "\"\ncrash_above = 0.998\n[[enqueue]]\nx = 0.999\n");
            auto r = run({bin, "run", file.string(), "-q"}, fixture_env);
            BOOST_TEST(r.exit_code == 0, r.err);
            auto trials = trials_json(crashy / "study.db");
            BOOST_TEST_REQUIRE(trials.size() == 6u);
            BOOST_TEST(trials[0]["state"] == "failed");
            BOOST_TEST(trials[0]["error"] == "the trial's process died: " + c.cause);
            BOOST_TEST(count_state(trials, "complete") == 5u);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_second_process_on_a_running_study_is_refused) {
    // It would requeue the first one's running trials; a study in another store (or another
    // study in the same store) is fine.
    temp_dir dir;
    // Long enough to outlast the second run's wait for the lock (a ctl may hold it briefly).
    auto file = dir.write("t.toml", testbed_file("busy", 8, "steps = 4\nstep_ms = 150\n"));
    process first({bin, "run", file.string(), "--threads", "2", "-q"}, fixture_env);
    wait_for_complete(dir / "study.db", 1);
    auto second = run({bin, "run", file.string(), "-q", "--trials", "50"}, fixture_env);
    BOOST_TEST(second.exit_code == 1, second.err);
    {  // Refused, it changed nothing: not the running study's budget either.
        auto studies =
            run({bin, "ctl", (dir / "study.db").string(), "--study", "busy", "status", "--json"});
        BOOST_TEST(json::parse(studies.out)["budget"] == 8, studies.out);
    }
    BOOST_TEST(second.err.find("study \"busy\" is being run by another caviar process (pid") !=
                   std::string::npos,
               second.err);
    auto other = run(
        {bin, "run", file.string(), "-q", "--set", "experiment.name=\"other\"", "--trials", "2"},
        fixture_env);
    BOOST_TEST(other.exit_code == 0, other.err);
    auto done = first.wait();
    BOOST_TEST_REQUIRE(done.exit_code == 0, done.err);
    auto trials =
        run({bin, "trials", (dir / "study.db").string(), "--study", "busy", "--format", "json"});
    BOOST_TEST(count_state(json::parse(trials.out), "complete") == 8u);
    // The lock goes with its process: running again now is a plain resume.
    BOOST_TEST(run({bin, "run", file.string(), "-q"}, fixture_env).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(quickstart_trains_real_networks) {
    // The quick start itself, cut to a few trials so the suite stays fast: random search over
    // real MLPs on the digits data must find a network above 0.9 validation accuracy.
    temp_dir dir;
    auto store = dir / "q.db";
    auto r = run({bin, "run", examples + "/quickstart.toml", "--store", store.string(), "--trials",
                  "6", "--set", "space.learning_rate={ float = [0.01, 0.2], scale = \"log\" }"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto best = json::parse(run({bin, "best", store.string(), "--json"}).out);
    BOOST_TEST(best["metrics"]["val_accuracy"].get<double>() > 0.9);
    BOOST_TEST(best["metrics"].contains("val_loss"));
    BOOST_TEST(best["metrics"].contains("train_loss"));
    BOOST_TEST(r.out.find("best params") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_trial_past_its_timeout_fails_with_reason_timeout) {
    temp_dir dir;
    // Steps of 5 s, a timeout of 0.3 s: the watchdog cancels the step.
    auto file = dir.write("t.toml", testbed_file("timeout", 2, "steps = 3\nstep_ms = 5000\n",
                                                 "trial_timeout = \"300ms\"\n"));
    auto start = std::chrono::steady_clock::now();
    auto r = run({bin, "run", file.string(), "--threads", "2", "-q"}, fixture_env);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(r.exit_code == 1, r.err);  // every trial failed
    BOOST_TEST(seconds < 4.0);
    auto trials = trials_json(dir / "study.db");
    BOOST_TEST_REQUIRE(trials.size() == 2u);
    for (const auto& t : trials) {
        BOOST_TEST(t["state"] == "failed");
        BOOST_TEST(t["error"].get<std::string>().rfind("timeout:", 0) == 0u, t["error"]);
    }
}

BOOST_AUTO_TEST_CASE(an_in_process_run_is_stopped_at_the_step_after_its_timeout) {
    temp_dir dir;
    // Steps of 150 ms, a timeout of 0.2 s, 20 steps: the run stops after its second step.
    auto file = dir.write("t.toml", testbed_file("timeout2", 1, "steps = 20\nstep_ms = 150\n",
                                                 "trial_timeout = 0.2\n"));
    auto r = run({bin, "run", file.string(), "-q"}, fixture_env);
    auto trials = trials_json(dir / "study.db");
    BOOST_TEST_REQUIRE(trials.size() == 1u);
    BOOST_TEST(trials[0]["state"] == "failed");
    BOOST_TEST(trials[0]["error"].get<std::string>().rfind("timeout:", 0) == 0u);
    BOOST_TEST(trials[0]["steps"].get<int>() <= 3);
}

BOOST_AUTO_TEST_CASE(no_trial_starts_after_the_time_budget) {
    temp_dir dir;
    auto file = dir.write(
        "t.toml", testbed_file("budget", 200, "step_ms = 100\n", "time_budget = \"0.5s\"\n"));
    auto r = run({bin, "run", file.string(), "--threads", "2", "-q"}, fixture_env);
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.err.find("time budget") != std::string::npos, r.err);
    auto trials = trials_json(dir / "study.db");
    BOOST_TEST(trials.size() >= 4u);
    BOOST_TEST(trials.size() <= 20u);
    BOOST_TEST(count_state(trials, "complete") == trials.size());
}

BOOST_AUTO_TEST_CASE(enqueued_configurations_run_first) {
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("queue", 5, "", "") +
                                        "\n[[enqueue]]\nx = 0.25\nk = 7\nc = \"b\"\n"
                                        "\n[[enqueue]]\nx = 1\nk = 1\nc = \"a\"\n");
    auto r = run({bin, "run", file.string(), "-q"}, fixture_env);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto trials = trials_json(dir / "study.db");
    BOOST_TEST_REQUIRE(trials.size() == 5u);
    BOOST_TEST(trials[0]["origin"] == "enqueued");
    BOOST_TEST(trials[0]["params"]["x"].get<double>() == 0.25);
    BOOST_TEST(trials[0]["params"]["k"].get<int>() == 7);
    BOOST_TEST(trials[1]["params"]["x"].get<double>() == 1.0);  // an int written for a float
    BOOST_TEST(trials[2]["origin"] == "random");
    // Resuming does not queue them again.
    auto again = run({bin, "run", file.string(), "--trials", "6", "-q"}, fixture_env);
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.err);
    auto after = trials_json(dir / "study.db");
    BOOST_TEST(after.size() == 6u);
    BOOST_TEST(after[5]["origin"] == "random");

    // caviar enqueue puts one more in the store; the next run runs it first.
    auto q =
        run({bin, "enqueue", (dir / "study.db").string(), "-p", "x=0.5", "-p", "k=3", "-p", "c=c"});
    BOOST_TEST_REQUIRE(q.exit_code == 0, q.err);
    BOOST_TEST(q.out.find("queued trial #6") != std::string::npos, q.out);
    auto bad =
        run({bin, "enqueue", (dir / "study.db").string(), "-p", "x=5", "-p", "k=3", "-p", "c=c"});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(bad.err.find("x = 5 is not in the space") != std::string::npos, bad.err);
    auto missing = run({bin, "enqueue", (dir / "study.db").string(), "-p", "x=0.5"});
    BOOST_TEST(missing.exit_code == 2);
    BOOST_TEST(missing.err.find("needs a value for k") != std::string::npos, missing.err);
    auto third = run({bin, "run", file.string(), "--trials", "7", "-q"}, fixture_env);
    BOOST_TEST_REQUIRE(third.exit_code == 0, third.err);
    auto last = trials_json(dir / "study.db");
    BOOST_TEST_REQUIRE(last.size() == 7u);
    BOOST_TEST(last[6]["state"] == "complete");
    BOOST_TEST(last[6]["params"]["c"] == "c");
}

BOOST_AUTO_TEST_CASE(bad_enqueue_tables_are_config_errors) {
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("queue", 5, "") +
                                        "\n[[enqueue]]\nx = 2.5\nk = 7\nc = \"b\"\nz = 1\n");
    auto r = run({bin, "validate", file.string()}, fixture_env);
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find("x = 2.5 is not in the space") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("unknown key \"z\"") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(warm_start_names_a_study_in_the_store) {
    temp_dir dir;
    auto file = dir.write("t.toml", testbed_file("first", 3, ""));
    BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}, fixture_env).exit_code == 0);
    auto ok = run({bin, "run", file.string(), "-q", "--set", "experiment.name=second", "--set",
                   "sampler.warm_start=first"},
                  fixture_env);
    BOOST_TEST(ok.exit_code == 0, ok.err);
    auto missing = run({bin, "run", file.string(), "-q", "--set", "experiment.name=third", "--set",
                        "sampler.warm_start=frist"},
                       fixture_env);
    BOOST_TEST(missing.exit_code == 2);
    BOOST_TEST(missing.err.find("warm_start: no study \"frist\"") != std::string::npos,
               missing.err);
}

namespace {
// A study whose model prints a line per step to `print`: 6 runs of 3 steps on 2 threads.
std::string chatty_file(const std::string& print) {
    return testbed_file("chatty", 6, "steps = 3\nstep_ms = 30\nprint = \"" + print + "\"\n");
}

// Every line the chatty model printed is there exactly once, whole and alone on its line:
// nothing glued to its left or right, no line cut in two. Returns the index of the last one.
std::size_t check_plugin_lines(const std::vector<std::string>& lines, const std::string& all) {
    static const std::regex whole("testbed run [1-6] step [1-3] says hello");
    std::map<std::string, int> seen;
    std::size_t last = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].find("testbed") == std::string::npos &&
            lines[i].find("says") == std::string::npos)
            continue;
        BOOST_TEST(std::regex_match(lines[i], whole), "line " << i << ": " << lines[i]);
        ++seen[lines[i]];
        last = i;
    }
    for (int run = 1; run <= 6; ++run)
        for (int step = 1; step <= 3; ++step) {
            auto line = "testbed run " + std::to_string(run) + " step " + std::to_string(step) +
                        " says hello";
            BOOST_TEST(seen[line] == 1, line << " appears " << seen[line] << " times in\n" << all);
        }
    BOOST_TEST(seen.size() == 18u);
    return last;
}

// The index of the progress line left on screen when all 6 trials are done.
std::size_t final_progress_line(const std::vector<std::string>& screen, const std::string& raw) {
    for (std::size_t i = 0; i < screen.size(); ++i)
        if (screen[i].starts_with("[6/6] 0 running | best value ")) return i;
    BOOST_ERROR("no final progress line in\n" << raw);
    return 0;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        out.push_back(text.substr(start, end - start));
    return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(plugin_output_on_a_terminal_goes_above_the_progress_line) {
    for (std::string print : {"stdout", "stderr"}) {
        BOOST_TEST_CONTEXT("print = " << print) {
            temp_dir dir;
            auto file = dir.write("t.toml", chatty_file(print));
            terminal_process p({bin, "run", file.string(), "--threads", "2"}, fixture_env);
            BOOST_TEST_REQUIRE(p.started());
            BOOST_TEST_REQUIRE(p.wait() == 0, p.raw());
            auto screen = screen_lines(p.raw());
            std::size_t last = check_plugin_lines(screen, p.raw());
            // Redrawn in place while the trials ran, and left on screen after the last line
            // printed: nothing was held back past the end of the run.
            BOOST_TEST(p.raw().find("\r[0/6] ") != std::string::npos, p.raw());
            std::size_t progress = final_progress_line(screen, p.raw());
            BOOST_TEST(progress > last, p.raw());
            BOOST_TEST(p.raw().find("best params") > p.raw().find("[6/6] 0 running"), p.raw());
        }
    }
}

BOOST_AUTO_TEST_CASE(plugin_stdout_redirected_to_a_file_stays_in_the_file) {
    temp_dir dir;
    auto file = dir.write("t.toml", chatty_file("stdout"));
    auto out = dir / "out.txt";
    terminal_process p({bin, "run", file.string(), "--threads", "2"}, fixture_env, out.string());
    BOOST_TEST_REQUIRE(p.started());
    BOOST_TEST_REQUIRE(p.wait() == 0, p.raw());
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    check_plugin_lines(split_lines(text), text);
    BOOST_TEST(text.find("best params") != std::string::npos, text);
    auto screen = screen_lines(p.raw());
    final_progress_line(screen, p.raw());
    BOOST_TEST(p.raw().find("says hello") == std::string::npos, p.raw());
}

BOOST_AUTO_TEST_CASE(plugin_output_without_a_terminal_is_left_alone) {
    for (std::string print : {"stdout", "stderr"}) {
        BOOST_TEST_CONTEXT("print = " << print) {
            temp_dir dir;
            auto file = dir.write("t.toml", chatty_file(print));
            auto r = run({bin, "run", file.string(), "--threads", "2"}, fixture_env);
            BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
            const std::string& text = print == "stdout" ? r.out : r.err;
            check_plugin_lines(split_lines(text), text);
            BOOST_TEST(r.err.find("[6/6] 0 running") != std::string::npos, r.err);
            BOOST_TEST(r.err.find('\r') == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_second_ctrl_c_on_a_terminal_leaves_no_progress_line_behind) {
    temp_dir dir;
    auto file = dir.write(
        "t.toml", testbed_file("slow", 4, "steps = 20\nstep_ms = 1000\nprint = \"stderr\"\n"));
    terminal_process p({bin, "run", file.string(), "--threads", "2"}, fixture_env);
    BOOST_TEST_REQUIRE(p.started());
    auto has = [](const std::string& what) {
        return [what](const std::string& raw) { return raw.find(what) != std::string::npos; };
    };
    BOOST_TEST_REQUIRE(p.read_until(has("says hello")), p.raw());
    p.signal(SIGINT);
    BOOST_TEST_REQUIRE(p.read_until(has("stopping:")), p.raw());
    // The progress line drawn again below the message (one write, ending in "\033[K").
    BOOST_TEST_REQUIRE(p.read_until([](const std::string& raw) {
        auto stopping = raw.find("stopping:");
        return raw.find("\033[K", stopping) != std::string::npos;
    }),
                       p.raw());
    p.signal(SIGINT);
    BOOST_TEST(p.wait() == 128 + SIGINT, p.raw());
    // The cursor's line is empty: the shell's prompt starts on a clean line.
    auto screen = screen_lines(p.raw());
    BOOST_TEST(screen.back().empty(), p.raw());
    for (const auto& line : screen) BOOST_TEST(!line.starts_with("["), line);
}
