// The host's pause and resume paths end to end, with the real `caviar` program: a paused trial
// continues exactly from its checkpoint, a model without checkpoints restarts, an exploit
// continues from another trial's checkpoint, and an interrupted study rolls resumed trials back
// to their checkpoints and finishes them. Driven by the `pauser` fixture strategy and the
// `learning_curve` model.
#define BOOST_TEST_MODULE pause_resume
#include <boost/test/unit_test.hpp>

#include "store/store.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>

using namespace caviar::test;
using nlohmann::json;

namespace {

const std::string bin = CAVIAR_BIN;
const std::map<std::string, std::string> env = {{"CAVIAR_PLUGIN_PATH", CAVIAR_FIXTURE_PLUGIN_DIR}};

std::string experiment(const std::string& strategy, const std::string& model_options,
                       int trials = 4) {
    return "[experiment]\nname = \"s\"\nseed = 5\ntrials = " + std::to_string(trials) +
           "\nthreads = 2\nobjective = { metric = \"val_loss\", direction = \"minimize\" }\n"
           "store = \"s.db\"\n[space]\nlearning_rate = { float = [0.01, 0.5], scale = \"log\" }\n"
           "x = { float = [0.0, 1.0] }\n[strategy]\n" +
           strategy + "\n[model]\nplugin = \"learning_curve\"\nsteps = 12\nnoise = 0.01\n" +
           model_options + "\n";
}

json trials_json(const std::filesystem::path& store) {
    auto r = run({bin, "trials", store.string(), "--format", "json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    return json::parse(r.out);
}

std::vector<double> curve(const caviar::trial& t) {
    std::vector<double> out;
    for (const auto& p : t.curve) out.push_back(p.metrics.at("val_loss"));
    return out;
}

std::vector<std::string> kinds(const json& t) {
    std::vector<std::string> out;
    for (const auto& e : t["events"]) out.push_back(e["kind"]);
    return out;
}

std::vector<caviar::trial> load(const std::filesystem::path& file) {
    caviar::store db(file, true);
    return db.load_trials(db.find_study("s")->id);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_paused_trial_continues_exactly_from_its_checkpoint) {
    temp_dir dir;
    auto paused = dir.write("p.toml", experiment("plugin = \"pauser\"\npause_at = 5", ""));
    auto r = run({bin, "run", paused.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto straight = dir.write("b.toml", experiment("plugin = \"batch\"", ""));
    auto b = run({bin, "run", straight.string(), "-q", "--store", (dir / "b.db").string()}, env);
    BOOST_TEST_REQUIRE(b.exit_code == 0, b.err);

    auto with_pause = load(dir / "s.db"), without = load(dir / "b.db");
    BOOST_TEST_REQUIRE(with_pause.size() == 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        BOOST_TEST((with_pause[i].state == caviar::trial_state::complete));
        BOOST_TEST(with_pause[i].steps == 12);
        BOOST_TEST((with_pause[i].params == without[i].params));
        // Weights, noise generator and step count all came back: the same curve, bit for bit.
        BOOST_TEST(curve(with_pause[i]) == curve(without[i]), boost::test_tools::per_element());
        BOOST_TEST(with_pause[i].attrs.at("fixture") == "pauser");
    }
    auto j = trials_json(dir / "s.db");
    for (const auto& t : j) BOOST_TEST((kinds(t) == std::vector<std::string>{"pause", "resume"}));
    BOOST_TEST(j[0]["events"][0]["step"] == 5);
    BOOST_TEST(j[0]["events"][0]["detail"]["reason"] == "pauser: step 5");

    // Nothing is kept once the trials are complete.
    caviar::store db(dir / "s.db", true);
    BOOST_TEST(db.checkpoint_usage(db.find_study("s")->id).first == 0);
    auto table = run({bin, "trials", (dir / "s.db").string(), "--events"});
    BOOST_TEST(table.out.find("trial 2 at step 5: pause (pauser: step 5)") != std::string::npos,
               table.out);
    BOOST_TEST(table.out.find("trial 2 at step 5: resume from its checkpoint") != std::string::npos,
               table.out);
}

BOOST_AUTO_TEST_CASE(proposals_before_a_start_differ_and_the_first_is_unchanged) {
    // A strategy may draw several candidates per new trial: each call gets its own seed, and
    // the first one the seed the trial number always gave (so one-call strategies keep their
    // results).
    temp_dir dir;
    auto three =
        dir.write("p.toml", experiment("plugin = \"pauser\"\npause_at = 5\ndraws = 3", ""));
    auto r = run({bin, "run", three.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    for (const auto& t : load(dir / "s.db")) BOOST_TEST(t.attrs.at("distinct") == "3");
    auto one = dir.write("o.toml", experiment("plugin = \"pauser\"\npause_at = 5", ""));
    auto b = dir.write("b.toml", experiment("plugin = \"batch\"", ""));
    BOOST_TEST_REQUIRE(
        run({bin, "run", one.string(), "-q", "--store", (dir / "o.db").string()}, env).exit_code ==
        0);
    BOOST_TEST_REQUIRE(
        run({bin, "run", b.string(), "-q", "--store", (dir / "b.db").string()}, env).exit_code ==
        0);
    auto first = load(dir / "o.db"), batch = load(dir / "b.db");
    for (std::size_t i = 0; i < first.size(); ++i) BOOST_TEST((first[i].params == batch[i].params));
}

BOOST_AUTO_TEST_CASE(a_model_without_checkpoints_restarts_and_says_so) {
    temp_dir dir;
    auto file =
        dir.write("p.toml", experiment("plugin = \"pauser\"\npause_at = 5", "checkpoints = false"));
    auto r = run({bin, "run", file.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto j = trials_json(dir / "s.db");
    for (const auto& t : j) {
        BOOST_TEST(t["state"] == "complete");
        BOOST_TEST(t["steps"] == 12);
        BOOST_TEST((kinds(t) == std::vector<std::string>{"pause", "restart"}));
        BOOST_TEST(t["events"][1]["detail"]["reason"] == "the model has no checkpoints");
    }
    for (const auto& t : load(dir / "s.db")) BOOST_TEST(t.curve.size() == 12u);  // one per step
    // The 4 trials trained 5 steps, then 12 again from scratch: 68 steps in all.
    BOOST_TEST(r.out.find("(68 steps") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(an_exploit_continues_from_the_donors_checkpoint_with_its_params) {
    temp_dir dir;
    auto file =
        dir.write("p.toml", experiment("plugin = \"pauser\"\npause_at = 4\nexploit = true", ""));
    auto r = run({bin, "run", file.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto trials = load(dir / "s.db");
    auto j = trials_json(dir / "s.db");
    for (std::size_t odd : {1u, 3u}) {
        const auto& t = trials[odd];
        const auto& donor = trials[odd - 1];
        BOOST_TEST((t.state == caviar::trial_state::complete));
        BOOST_TEST((t.params == donor.params));  // the store holds its params now
        // From the exploit on, it is the donor's run: the same weights, noise and params.
        auto a = curve(t), b = curve(donor);
        BOOST_TEST_REQUIRE(a.size() == 12u);
        BOOST_TEST(std::vector<double>(a.begin() + 4, a.end()) ==
                       std::vector<double>(b.begin() + 4, b.end()),
                   boost::test_tools::per_element());
        BOOST_TEST((kinds(j[odd]) == std::vector<std::string>{"pause", "exploit"}));
        const auto& d = j[odd]["events"][1]["detail"];
        BOOST_TEST(d["from"] == odd - 1);
        BOOST_TEST(d["from_step"] == 4);
        BOOST_TEST(d["new"] == j[odd - 1]["params"]);
        BOOST_TEST(d["old"] != d["new"]);
    }
}

BOOST_AUTO_TEST_CASE(an_interrupted_study_rolls_back_to_checkpoints_and_finishes) {
    temp_dir dir;
    auto file =
        dir.write("p.toml", experiment("plugin = \"pauser\"\npause_at = 3", "step_ms = 200"));
    process p({bin, "run", file.string(), "-q"}, env);
    // Wait until a trial has resumed after its pause (then it has a checkpoint).
    bool resumed = false;
    for (int i = 0; i < 400 && !resumed; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!std::filesystem::exists(dir / "s.db")) continue;
        auto r = run({bin, "trials", (dir / "s.db").string(), "--format", "json"});
        if (r.exit_code != 0) continue;
        for (const auto& t : json::parse(r.out))
            if (t["state"] == "running" && kinds(t) == std::vector<std::string>{"pause", "resume"})
                resumed = true;
    }
    BOOST_TEST_REQUIRE(resumed);
    p.signal(SIGINT);
    auto stopped = p.wait();
    BOOST_TEST(stopped.exit_code == 130, stopped.err);
    auto mid = trials_json(dir / "s.db");
    std::size_t rolled = 0;
    for (const auto& t : mid) {
        BOOST_TEST(t["state"] != "running");
        auto k = kinds(t);
        if (std::find(k.begin(), k.end(), "rollback") != k.end()) {
            ++rolled;
            BOOST_TEST(t["state"] == "paused");
            BOOST_TEST(t["steps"] == 3);  // back at its checkpoint
        }
    }
    BOOST_TEST(rolled >= 1u);

    auto again = run({bin, "run", file.string(), "-q"}, env);
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.err);
    auto done = trials_json(dir / "s.db");
    for (const auto& t : done) {
        BOOST_TEST(t["state"] == "complete");
        BOOST_TEST(t["steps"] == 12);
        auto k = kinds(t);
        BOOST_TEST(std::count(k.begin(), k.end(), "restart") == 0);
    }
    for (const auto& t : load(dir / "s.db")) BOOST_TEST(t.curve.size() == 12u);
}
