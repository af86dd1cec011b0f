// Kill the real `caviar run` before its Nth store write, for every N, then resume it: the study
// must finish consistent every time. CAVIAR_TEST_DIE_AT_WRITE=N makes the process _exit just
// before the Nth write statement (store/fault.hpp), inside a transaction or between two of them,
// as kill -9 or a power loss would leave it.
#define BOOST_TEST_MODULE fault
#include <boost/test/unit_test.hpp>

#include "store/store.hpp"
#include "support/print.hpp"
#include "support/process.hpp"

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

using namespace caviar::test;

namespace {

const std::string bin = CAVIAR_BIN;
constexpr int died = 86;  // store/fault.hpp

std::string experiment(const std::string& strategy, int trials, int threads) {
    return "[experiment]\nname = \"s\"\nseed = 9\ntrials = " + std::to_string(trials) +
           "\nthreads = " + std::to_string(threads) +
           "\nobjective = { metric = \"val_loss\", direction = \"minimize\" }\nstore = \"s.db\"\n"
           "[space]\nlearning_rate = { float = [0.01, 0.5], scale = \"log\" }\n"
           "x = { float = [0.0, 1.0] }\n[strategy]\n" +
           strategy + "\n[model]\nplugin = \"learning_curve\"\nsteps = 6\nnoise = 0.01\n";
}

struct study_state {
    std::vector<caviar::trial> trials;
    std::vector<caviar::trial_event> events;
    std::int64_t checkpoints = 0;
    std::int64_t budget = 0;
};

study_state read(const std::filesystem::path& db) {
    caviar::store s(db, true);
    auto st = s.find_study("s");
    BOOST_TEST_REQUIRE(st.has_value());
    return {s.load_trials(st->id), s.load_events(st->id), s.checkpoint_usage(st->id).first,
            st->budget};
}

bool has_study(const std::filesystem::path& db) {
    if (!std::filesystem::exists(db)) return false;
    try {
        caviar::store s(db, true);
        return s.find_study("s").has_value();
    } catch (const caviar::store_error&) {
        return false;  // no schema yet
    }
}

// What every finished study must look like, however often it was killed on the way. Returns
// the problems found (empty: consistent).
std::vector<std::string> problems(const study_state& s, std::int64_t steps) {
    std::vector<std::string> out;
    auto bad = [&](const caviar::trial& t, const std::string& what) {
        out.push_back("trial " + std::to_string(t.number) + ": " + what);
    };
    if (static_cast<std::int64_t>(s.trials.size()) != s.budget)
        out.push_back(std::to_string(s.trials.size()) + " trials for a budget of " +
                      std::to_string(s.budget));
    if (s.checkpoints != 0) out.push_back(std::to_string(s.checkpoints) + " checkpoints left");
    for (std::size_t i = 0; i < s.trials.size(); ++i) {
        const auto& t = s.trials[i];
        if (t.number != static_cast<std::int64_t>(i)) bad(t, "numbered out of order");
        if (!caviar::is_finished(t.state)) bad(t, std::string("left ") + to_string(t.state));
        if (t.state == caviar::trial_state::complete && t.steps != steps)
            bad(t, "complete after " + std::to_string(t.steps) + " steps");
        if (static_cast<std::int64_t>(t.curve.size()) != t.steps)
            bad(t, std::to_string(t.curve.size()) + " curve points for " + std::to_string(t.steps) +
                       " steps");
        for (std::size_t k = 0; k < t.curve.size(); ++k)
            if (t.curve[k].step != static_cast<std::int64_t>(k) + 1) {
                bad(t, "curve step " + std::to_string(t.curve[k].step) + " at position " +
                           std::to_string(k));
                break;
            }
        if (!t.curve.empty() && t.metrics != t.curve.back().metrics)
            bad(t, "final metrics differ from its last curve point");
        if (t.state == caviar::trial_state::complete &&
            (!t.value || *t.value != t.metrics.at("val_loss")))
            bad(t, "value is not its last val_loss");
    }
    // Each resume or exploit follows a pause or a roll-back of the same trial.
    std::map<std::int64_t, int> open;
    for (const auto& e : s.events) {
        if (e.kind == "pause" || e.kind == "rollback") ++open[e.trial];
        if (e.kind == "resume" || e.kind == "exploit" || e.kind == "restart") {
            if (open[e.trial] <= 0)
                out.push_back("trial " + std::to_string(e.trial) + ": " + e.kind +
                              " without a pause before it");
            open[e.trial] = 0;
        }
    }
    return out;
}

std::vector<std::vector<double>> curves(const study_state& s) {
    std::vector<std::vector<double>> out;
    for (const auto& t : s.trials) {
        out.emplace_back();
        for (const auto& p : t.curve) out.back().push_back(p.metrics.at("val_loss"));
    }
    return out;
}

struct sweep_result {
    int kills = 0;            // runs that died at their Nth write
    std::int64_t writes = 0;  // the first N at which the run no longer died
};

// Runs the experiment once per N = 1, 1 + every, ... until it no longer dies; after each
// death, resumes (more deaths are not asked for) and checks the store. `reference`: curves the
// finished study must have, when the schedule is deterministic.
sweep_result sweep(const std::string& text, int every,
                   const std::vector<std::vector<double>>* reference, std::int64_t steps) {
    sweep_result r;
    for (std::int64_t n = 1;; n += every) {
        temp_dir dir;
        auto file = dir.write("e.toml", text);
        std::map<std::string, std::string> env = {{"CAVIAR_PLUGIN_PATH", CAVIAR_FIXTURE_PLUGIN_DIR},
                                                  {"CAVIAR_TEST_DIE_AT_WRITE", std::to_string(n)}};
        auto first = run({bin, "run", file.string(), "-q"}, env);
        if (first.exit_code == 0) {
            r.writes = n;
            return r;
        }
        BOOST_TEST_REQUIRE(first.exit_code == died, "write " << n << ": " << first.err);
        ++r.kills;
        env.erase("CAVIAR_TEST_DIE_AT_WRITE");
        auto again = run({bin, "run", file.string(), "-q"}, env);
        BOOST_TEST_REQUIRE(again.exit_code == 0,
                           "resume after dying at write " << n << ": " << again.err);
        auto state = read(dir / "s.db");
        auto found = problems(state, steps);
        std::ostringstream all;
        for (const auto& p : found) all << "\n  " << p;
        BOOST_TEST(found.empty(), "died at write " << n << ":" << all.str());
        if (reference && found.empty())
            BOOST_TEST((curves(state) == *reference), "died at write " << n << ": other curves");
        if (!found.empty()) return r;  // one broken store is enough to read
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(pauses_and_resumes_survive_a_kill_at_every_write) {
    const std::string text = experiment("plugin = \"pauser\"\npause_at = 3", 3, 1);
    temp_dir ref;
    auto file = ref.write("e.toml", text);
    auto r =
        run({bin, "run", file.string(), "-q"}, {{"CAVIAR_PLUGIN_PATH", CAVIAR_FIXTURE_PLUGIN_DIR}});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto reference = read(ref / "s.db");
    BOOST_TEST_REQUIRE(problems(reference, 6).empty());
    const auto expected = curves(reference);
    auto swept = sweep(text, 1, &expected, 6);
    BOOST_TEST_MESSAGE("killed at each of " << swept.kills << " writes");
    BOOST_TEST(swept.kills > 50);  // every write of every operation was a place to die
}

BOOST_AUTO_TEST_CASE(exploits_and_rung_prunes_survive_a_kill_at_every_write) {
    // Exploits copy checkpoints between trials; asha prunes from inside next() and resumes at
    // rungs: each of those operations must be all or nothing too.
    auto exploit =
        sweep(experiment("plugin = \"pauser\"\npause_at = 3\nexploit = true", 4, 2), 1, nullptr, 6);
    BOOST_TEST_MESSAGE("exploits: killed at " << exploit.kills << " of " << exploit.writes
                                              << " writes");
    BOOST_TEST(exploit.kills > 20);
    auto asha = sweep(experiment("plugin = \"asha\"\neta = 2\nmin_steps = 2", 6, 2), 1, nullptr, 6);
    BOOST_TEST_MESSAGE("asha: killed at " << asha.kills << " of " << asha.writes << " writes");
    BOOST_TEST(asha.kills > 20);
}

// kill -9 of the real program at random moments of a running study, in both durabilities: every
// trial complete when it died is complete after it, unchanged (the same value, finish time and
// curve: not run or recorded again), and the study ends with exactly its budget, each trial's
// result the one an uninterrupted run gives it.
BOOST_AUTO_TEST_CASE(completed_trials_survive_sigkill_at_random_moments) {
    constexpr int budget = 300;
    constexpr int steps = 3;
    const std::string text =
        "[experiment]\nname = \"s\"\nseed = 5\ntrials = " + std::to_string(budget) +
        "\nthreads = 2\nobjective = { metric = \"val_loss\", direction = \"minimize\" }\n"
        "store = \"s.db\"\n[space]\nlearning_rate = { float = [0.01, 0.5], scale = \"log\" }\n"
        "x = { float = [0.0, 1.0] }\n[model]\nplugin = \"learning_curve\"\nsteps = " +
        std::to_string(steps) + "\nstep_ms = 1\n";
    auto complete = [](const study_state& s) {
        std::map<std::int64_t, caviar::trial> out;
        for (const auto& t : s.trials)
            if (t.state == caviar::trial_state::complete) out.emplace(t.number, t);
        return out;
    };

    temp_dir ref;
    auto r = run({bin, "run", ref.write("e.toml", text).string(), "-q"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const auto reference = complete(read(ref / "s.db"));
    BOOST_TEST_REQUIRE(reference.size() == static_cast<std::size_t>(budget));

    const unsigned seed = std::random_device{}();
    BOOST_TEST_MESSAGE("kill delays drawn with seed " << seed);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> delay_ms(20, 150);
    temp_dir dir;
    auto file = dir.write("e.toml", text);
    std::map<std::int64_t, caviar::trial> before;  // complete at the last kill
    int kills = 0;
    for (int round = 0; round < 8; ++round) {
        const std::string durability = round % 2 ? "power" : "process";
        process p({bin, "run", file.string(), "-q", "--set",
                   "experiment.durability=\"" + durability + "\""});
        const int ms = delay_ms(rng);
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        p.signal(SIGKILL);
        auto res = p.wait();
        if (res.exit_code == 0) break;  // it finished first: nothing left to kill
        BOOST_TEST_REQUIRE(res.exit_code == 128 + SIGKILL, res.err);
        if (!has_study(dir / "s.db")) continue;  // killed before the study was in the store
        ++kills;
        auto after = complete(read(dir / "s.db"));
        BOOST_TEST_CONTEXT("round " << round << " (" << durability << "), killed after " << ms
                                    << " ms") {
            for (const auto& [n, t] : before) {
                auto it = after.find(n);
                BOOST_TEST_REQUIRE((it != after.end()), "trial " << n << " complete no more");
                BOOST_TEST(it->second.finished_at == t.finished_at, "trial " << n << " ran again");
                BOOST_TEST((it->second.value == t.value));
                BOOST_TEST(it->second.curve.size() == t.curve.size());
            }
        }
        before = std::move(after);
    }
    BOOST_TEST_MESSAGE(kills << " kills; " << before.size() << " trials complete at the last");
    BOOST_TEST(kills >= 4);
    BOOST_TEST(before.size() > 0u);
    BOOST_TEST(before.size() < static_cast<std::size_t>(budget));

    // A trial that was running at two of the deaths is failed on purpose when the study opens
    // (it may be what kills the process: the crash guard); --retry-failed then runs those
    // again, with their number, params and seed.
    auto resumed = run({bin, "run", file.string(), "-q"});
    BOOST_TEST_REQUIRE(resumed.exit_code == 0, resumed.err);
    for (const auto& t : read(dir / "s.db").trials)
        if (t.state == caviar::trial_state::failed)
            BOOST_TEST(t.error.rfind("the process died while this trial ran", 0) == 0, t.error);
    BOOST_TEST(problems(read(dir / "s.db"), steps).empty());
    auto last = run({bin, "run", file.string(), "-q", "--retry-failed"});
    BOOST_TEST_REQUIRE(last.exit_code == 0, last.err);
    auto state = read(dir / "s.db");
    auto found = problems(state, steps);
    std::ostringstream all;
    for (const auto& p : found) all << "\n  " << p;
    BOOST_TEST(found.empty(), all.str());
    auto done = complete(state);
    BOOST_TEST(done.size() == static_cast<std::size_t>(budget));
    for (const auto& [n, t] : before)
        BOOST_TEST(done.at(n).finished_at == t.finished_at, "trial " << n << " ran again");
    for (const auto& [n, t] : done) {
        BOOST_TEST_CONTEXT("trial " << n) {
            BOOST_TEST((t.params == reference.at(n).params));
            BOOST_TEST((t.value == reference.at(n).value));
        }
    }
}
