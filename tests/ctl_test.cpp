// Steering a running study from a second process, through the real programs: `caviar run` in
// the background, `caviar ctl` and `caviar enqueue` from the test, on the learning_curve, mlp and
// testbed models. Each case waits on what the store shows, never on fixed sleeps alone.
#define BOOST_TEST_MODULE ctl
#include <boost/test/unit_test.hpp>

#include "store/store.hpp"
#include "support/print.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <thread>

using namespace caviar::test;
using nlohmann::json;

namespace {

const std::string bin = CAVIAR_BIN;
const std::map<std::string, std::string> env = {{"CAVIAR_PLUGIN_PATH", CAVIAR_FIXTURE_PLUGIN_DIR}};

// A learning_curve study of `trials` trials, `steps` steps of `step_ms` each.
std::string curve_experiment(int trials, int steps, int step_ms, int threads = 1,
                             const std::string& extra_model = "") {
    return "[experiment]\nname = \"s\"\nseed = 5\ntrials = " + std::to_string(trials) +
           "\nthreads = " + std::to_string(threads) +
           "\nobjective = { metric = \"val_loss\", direction = \"minimize\" }\nstore = \"s.db\"\n"
           "[space]\nlearning_rate = { float = [0.01, 0.5], scale = \"log\" }\n"
           "x = { float = [0.0, 1.0] }\n[model]\nplugin = \"learning_curve\"\nsteps = " +
           std::to_string(steps) + "\nstep_ms = " + std::to_string(step_ms) + "\nnoise = 0.01\n" +
           extra_model;
}

std::vector<caviar::trial> load(const std::filesystem::path& file) {
    caviar::store db(file, true);
    auto s = db.find_study("s");
    return s ? db.load_trials(s->id) : std::vector<caviar::trial>{};
}

std::vector<caviar::trial_event> events(const std::filesystem::path& file) {
    caviar::store db(file, true);
    return db.load_events(db.find_study("s")->id);
}

// Polls until pred holds (true) or `seconds` pass (false).
bool wait_until(const std::function<bool()>& pred, double seconds = 30) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        try {
            if (pred()) return true;
        } catch (const std::exception&) {
            // The store may not exist yet.
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

// Trial n has reported at least `steps` steps (its curve in the store).
bool reached(const std::filesystem::path& file, std::int64_t n, std::int64_t steps) {
    auto t = load(file);
    return static_cast<std::int64_t>(t.size()) > n &&
           static_cast<std::int64_t>(t[static_cast<std::size_t>(n)].curve.size()) >= steps;
}

std::vector<double> curve(const caviar::trial& t, const std::string& metric = "val_loss") {
    std::vector<double> out;
    for (const auto& p : t.curve) out.push_back(p.metrics.at(metric));
    return out;
}

process_result ctl(const std::filesystem::path& store, std::vector<std::string> words) {
    std::vector<std::string> argv{bin, "ctl", store.string()};
    argv.insert(argv.end(), words.begin(), words.end());
    return run(argv, env);
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(pause_then_resume_gives_the_curve_of_an_uninterrupted_run) {
    temp_dir dir;
    auto file = dir.write("s.toml", curve_experiment(1, 30, 15));
    const auto db = dir / "s.db";
    process runner({bin, "run", file.string()}, env);  // not -q: its messages are checked
    BOOST_TEST_REQUIRE(wait_until([&] { return reached(db, 0, 3); }));
    auto paused = ctl(db, {"pause", "0"});
    BOOST_TEST_REQUIRE(paused.exit_code == 0, paused.err);
    BOOST_TEST(has(paused.out, "trial 0 paused at step "), paused.out);
    // Held: the study waits for the person, and says so.
    auto st = ctl(db, {"status", "--json"});
    BOOST_TEST_REQUIRE(st.exit_code == 0, st.err);
    auto j = json::parse(st.out);
    BOOST_TEST(j["running"] == true);
    BOOST_TEST(j["trials"][0]["state"] == "paused");
    BOOST_TEST(j["trials"][0]["held"] == true);
    const auto steps_paused = j["trials"][0]["steps"].get<std::int64_t>();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    BOOST_TEST(load(db)[0].steps == steps_paused);  // nothing ran meanwhile
    auto table = ctl(db, {"status"});
    BOOST_TEST(has(table.out, "held by you"), table.out);
    auto resumed = ctl(db, {"resume", "0"});
    BOOST_TEST_REQUIRE(resumed.exit_code == 0, resumed.err);
    BOOST_TEST(has(resumed.out,
                   "resumed at step " + std::to_string(steps_paused) + " from its checkpoint"),
               resumed.out);
    auto r = runner.wait();
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(has(r.err, "waiting for you"), r.err);

    // The same experiment without the pause, in another store: the same curve, bit for bit.
    auto straight = run({bin, "run", file.string(), "-q", "--store", (dir / "b.db").string()}, env);
    BOOST_TEST_REQUIRE(straight.exit_code == 0, straight.err);
    auto a = load(db), b = load(dir / "b.db");
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST(a[0].steps == 30);
    BOOST_TEST(curve(a[0]) == curve(b[0]), boost::test_tools::per_element());
    auto ev = events(db);
    BOOST_TEST_REQUIRE(ev.size() == 2u);
    BOOST_TEST(ev[0].kind == "pause");
    BOOST_TEST(ev[0].source == "manual");
    BOOST_TEST(ev[1].kind == "resume");
    BOOST_TEST(ev[1].source == "manual");
    auto listed = run({bin, "trials", db.string(), "--events"});
    BOOST_TEST(has(listed.out, "pause (manual), by caviar ctl"), listed.out);
}

BOOST_AUTO_TEST_CASE(set_changes_a_running_trials_params_at_its_next_step) {
    temp_dir dir;
    auto file = dir.write("s.toml", curve_experiment(1, 30, 15));
    const auto db = dir / "s.db";
    process runner({bin, "run", file.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(wait_until([&] { return reached(db, 0, 3); }));
    auto set = ctl(db, {"set", "0", "-p", "learning_rate=0.02"});
    BOOST_TEST_REQUIRE(set.exit_code == 0, set.err);
    BOOST_TEST(has(set.out, "trial 0: learning_rate "), set.out);
    BOOST_TEST(has(set.out, " → 0.02 at step "), set.out);
    BOOST_TEST_REQUIRE(runner.wait().exit_code == 0);
    auto t = load(db)[0];
    BOOST_TEST(std::get<double>(t.params.at("learning_rate")) == 0.02);
    BOOST_TEST(t.steps == 30);  // never paused
    auto ev = events(db);
    BOOST_TEST_REQUIRE(ev.size() == 1u);
    BOOST_TEST(ev[0].kind == "update");
    BOOST_TEST(ev[0].source == "manual");
    const auto at = ev[0].step;
    BOOST_TEST(has(set.out, "at step " + std::to_string(at)), set.out);
    // Before the change the curve is the uninterrupted one; after it, it is not.
    auto straight = run({bin, "run", file.string(), "-q", "--store", (dir / "b.db").string()}, env);
    BOOST_TEST_REQUIRE(straight.exit_code == 0);
    auto a = curve(t), b = curve(load(dir / "b.db")[0]);
    for (std::int64_t s = 0; s < at; ++s)
        BOOST_TEST(a[static_cast<std::size_t>(s)] == b[static_cast<std::size_t>(s)]);
    BOOST_TEST(a.back() != b.back());
    auto listed = run({bin, "trials", db.string(), "--events"});
    BOOST_TEST(has(listed.out, "update learning_rate "), listed.out);
    BOOST_TEST(has(listed.out, " → 0.02, by caviar ctl"), listed.out);
}

BOOST_AUTO_TEST_CASE(a_command_that_breaks_a_rule_exits_2_naming_it) {
    temp_dir dir;
    auto file = dir.write("s.toml", curve_experiment(2, 200, 20, 1, "architecture = \"x\"\n"));
    const auto db = dir / "s.db";
    process runner({bin, "run", file.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(wait_until([&] { return reached(db, 0, 1); }));
    // An architecture value other than the trial's own.
    const double x = std::get<double>(load(db)[0].params.at("x"));
    const std::string other_x = x < 0.5 ? "0.75" : "0.25";
    struct refusal {
        std::vector<std::string> words;
        std::string message;
    };
    const std::vector<refusal> cases = {
        {{"set", "0", "-p", "x=" + other_x},
         "x is architecture for model learning_curve: a running trial keeps it; enqueue a new "
         "trial instead"},
        {{"set", "0", "-p", "learning_rate=2"}, "learning_rate"},
        {{"set", "0", "-p", "lr=0.1"}, "lr"},
        {{"pause", "7"}, "no trial 7 in the study"},
        {{"resume", "0"}, "trial 0 is running, not paused: only a paused trial resumes"},
        {{"set", "1", "-p", "learning_rate=0.1"}, "no trial 1 in the study"},
        {{"budget", "0"}, "the budget must be at least 1"},
    };
    for (const auto& c : cases) {
        auto r = ctl(db, c.words);
        BOOST_TEST(r.exit_code == 2, c.words[0] << ": " << r.err);
        BOOST_TEST(has(r.err, c.message), r.err);
    }
    auto bad = ctl(db, {"jump", "0"});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(has(bad.err, "unknown action \"jump\""), bad.err);
    // Nothing refused reached the study: trial 0 still runs with its params.
    BOOST_TEST(load(db)[0].state == caviar::trial_state::running);
    auto stop = ctl(db, {"stop"});
    BOOST_TEST(stop.exit_code == 0, stop.err);
    auto r = runner.wait();
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(has(r.err, "stopped by caviar ctl stop"), r.err);
    // Stopped like Ctrl-C: the running trial (never paused, so no checkpoint) runs again from
    // step 0 on resume.
    BOOST_TEST(load(db)[0].state == caviar::trial_state::queued);
}

BOOST_AUTO_TEST_CASE(a_model_without_update_restarts_from_step_0_with_new_params) {
    temp_dir dir;
    auto file = dir.write(
        "t.toml",
        "[experiment]\nname = \"s\"\ntrials = 1\nthreads = 1\nobjective = { metric = \"value\", "
        "direction = \"minimize\" }\nstore = \"s.db\"\n[space]\nx = { float = [0.0, 1.0] }\n"
        "[model]\npath = \"" CAVIAR_FIXTURE_PLUGIN_DIR
        "/model_testbed.so\"\nsteps = 20\n"
        "step_ms = 20\n");
    const auto db = dir / "s.db";
    process runner({bin, "run", file.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(wait_until([&] { return reached(db, 0, 2); }));
    auto set = ctl(db, {"set", "0", "-p", "x=0.25"});
    BOOST_TEST(set.exit_code == 2);
    BOOST_TEST(has(set.err, "model testbed cannot change params mid-run"), set.err);
    BOOST_TEST_REQUIRE(ctl(db, {"pause", "0"}).exit_code == 0);
    auto resumed = ctl(db, {"resume", "0", "-p", "x=0.25"});
    BOOST_TEST_REQUIRE(resumed.exit_code == 0, resumed.err);
    BOOST_TEST(has(resumed.out, "trial 0 restarted from step 0"), resumed.out);
    BOOST_TEST_REQUIRE(runner.wait().exit_code == 0);
    auto t = load(db)[0];
    BOOST_TEST(std::get<double>(t.params.at("x")) == 0.25);
    BOOST_TEST(t.steps == 20);
    BOOST_TEST(t.curve.front().metrics.at("value") == 0.25 + 1.0);  // trained from scratch
    auto ev = events(db);
    BOOST_TEST(ev.back().kind == "restart");
}

BOOST_AUTO_TEST_CASE(prune_budget_and_enqueue_on_a_running_study) {
    temp_dir dir;
    auto file = dir.write("s.toml", curve_experiment(3, 25, 20, 2));
    const auto db = dir / "s.db";
    process runner({bin, "run", file.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(wait_until([&] { return reached(db, 1, 2); }));
    auto pruned = ctl(db, {"prune", "1"});
    BOOST_TEST_REQUIRE(pruned.exit_code == 0, pruned.err);
    BOOST_TEST(has(pruned.out, "trial 1 pruned at step"), pruned.out);
    auto budget = ctl(db, {"budget", "5"});
    BOOST_TEST_REQUIRE(budget.exit_code == 0, budget.err);
    BOOST_TEST(has(budget.out, "budget 3 → 5 trials"), budget.out);
    // enqueue goes through the inbox: the number is the running process's next one.
    auto q = run({bin, "enqueue", db.string(), "-p", "learning_rate=0.05", "-p", "x=0.5"}, env);
    BOOST_TEST_REQUIRE(q.exit_code == 0, q.err);
    BOOST_TEST(has(q.out, "queued trial #"), q.out);
    BOOST_TEST_REQUIRE(runner.wait().exit_code == 0);
    auto trials = load(db);
    BOOST_TEST(trials.size() == 5u);  // the new budget
    int enqueued = 0;
    for (std::size_t i = 0; i < trials.size(); ++i) {
        BOOST_TEST(trials[i].number == static_cast<std::int64_t>(i));  // no number twice
        if (trials[i].origin == "enqueued") {
            ++enqueued;
            BOOST_TEST(has(q.out, "queued trial #" + std::to_string(i)), q.out);
            BOOST_TEST(std::get<double>(trials[i].params.at("learning_rate")) == 0.05);
        }
    }
    BOOST_TEST(enqueued == 1);
    BOOST_TEST(trials[1].state == caviar::trial_state::pruned);
    BOOST_TEST(trials[1].error == "manual");
    BOOST_TEST(trials[1].steps < 25);
}

BOOST_AUTO_TEST_CASE(a_study_no_process_runs_is_changed_in_the_store_where_it_makes_sense) {
    temp_dir dir;
    auto file = dir.write("s.toml", curve_experiment(2, 25, 20, 1));
    const auto db = dir / "s.db";
    {
        process runner({bin, "run", file.string(), "-q"}, env);
        BOOST_TEST_REQUIRE(wait_until([&] { return reached(db, 0, 2); }));
        BOOST_TEST_REQUIRE(ctl(db, {"pause", "0"}).exit_code == 0);
        BOOST_TEST_REQUIRE(ctl(db, {"stop"}).exit_code == 0);
        BOOST_TEST_REQUIRE(runner.wait().exit_code == 0);
    }
    auto st = ctl(db, {"status"});
    BOOST_TEST(has(st.out, "not running"), st.out);
    auto pause = ctl(db, {"pause", "1"});
    BOOST_TEST(pause.exit_code != 0);
    auto resume = ctl(db, {"resume", "0"});
    BOOST_TEST(resume.exit_code == 1);
    BOOST_TEST(has(resume.err, "no caviar process runs study \"s\""), resume.err);
    auto pruned = ctl(db, {"prune", "0"});
    BOOST_TEST_REQUIRE(pruned.exit_code == 0, pruned.err);
    auto budget = ctl(db, {"budget", "3"});
    BOOST_TEST_REQUIRE(budget.exit_code == 0, budget.err);
    auto q = run({bin, "enqueue", db.string(), "-p", "learning_rate=0.05", "-p", "x=0.5"}, env);
    BOOST_TEST_REQUIRE(q.exit_code == 0, q.err);
    {
        caviar::store s(db, true);
        auto study = s.find_study("s");
        BOOST_TEST(study->budget == 3);
        BOOST_TEST(s.checkpoint_usage(study->id).first == 0);  // the pruned trial's is gone
    }
    auto trials = load(db);
    BOOST_TEST(trials[0].state == caviar::trial_state::pruned);
    BOOST_TEST(trials.back().origin == "enqueued");
    // The next run finishes the study with the new budget; the pruned trial stays pruned.
    auto r = run({bin, "run", file.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    trials = load(db);
    BOOST_TEST(trials.size() == 3u);
    {
        caviar::store st(db, true);
        // The budget ctl set holds: the file still says 2, as it did at the last run.
        BOOST_TEST(st.find_study("s")->budget == 3);
    }
    BOOST_TEST(trials[0].state == caviar::trial_state::pruned);
    for (std::size_t i = 1; i < trials.size(); ++i)
        BOOST_TEST(trials[i].state == caviar::trial_state::complete);
}

BOOST_AUTO_TEST_CASE(steers_a_running_mlp) {
    temp_dir dir;
    auto file = dir.write(
        "m.toml",
        "[experiment]\nname = \"s\"\nseed = 2\ntrials = 1\nthreads = 1\nobjective = { metric = "
        "\"val_accuracy\", direction = \"maximize\" }\nstore = \"s.db\"\n[space]\nlayers = { int "
        "= [3, 4] }\nunits = { int = [256, 320] }\nlearning_rate = { float = [0.002, 0.02], scale "
        "= "
        "\"log\" }\n[model]\nplugin = \"mlp\"\ndata = \"" CAVIAR_SOURCE_DIR
        "/examples/data/digits.csv.gz\"\nepochs = 60\n");
    const auto db = dir / "s.db";
    process runner({bin, "run", file.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(wait_until([&] { return reached(db, 0, 2); }, 60));
    const auto layers_now = std::get<std::int64_t>(load(db)[0].params.at("layers"));
    auto arch = ctl(db, {"set", "0", "-p", "layers=" + std::to_string(layers_now == 3 ? 4 : 3)});
    BOOST_TEST(arch.exit_code == 2);
    BOOST_TEST(has(arch.err, "layers is architecture for model mlp"), arch.err);
    const auto units_now = std::get<std::int64_t>(load(db)[0].params.at("units"));
    auto units =
        ctl(db, {"set", "0", "-p", "units=" + std::to_string(units_now == 256 ? 257 : 256)});
    BOOST_TEST(units.exit_code == 2);
    BOOST_TEST(has(units.err, "units is architecture for model mlp"), units.err);
    auto set = ctl(db, {"set", "0", "-p", "learning_rate=0.01"});
    BOOST_TEST_REQUIRE(set.exit_code == 0, set.err);
    BOOST_TEST_REQUIRE(ctl(db, {"pause", "0"}).exit_code == 0);
    auto resumed = ctl(db, {"resume", "0", "-p", "learning_rate=0.005"});
    BOOST_TEST_REQUIRE(resumed.exit_code == 0, resumed.err);
    BOOST_TEST(has(resumed.out, "from its checkpoint"), resumed.out);
    auto r = runner.wait();
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto t = load(db)[0];
    BOOST_TEST(t.state == caviar::trial_state::complete);
    BOOST_TEST(t.steps == 60);
    BOOST_TEST(std::get<double>(t.params.at("learning_rate")) == 0.005);
    BOOST_TEST(t.value.has_value());
    std::vector<std::string> kinds;
    for (const auto& e : events(db)) kinds.push_back(e.kind + "/" + e.source);
    BOOST_TEST((kinds == std::vector<std::string>{"update/manual", "pause/manual", "update/manual",
                                                  "resume/manual"}));
}
