// Every strategy with every sampler that makes sense for it, through the real `caviar` program
// on the learning_curve model: each study spends its budget, ends with every trial finished
// (complete or pruned, none left running or paused), finds a complete best trial, keeps no
// checkpoint behind, and the strategy's own marks are there (pruned trials, rounds, exploits).
#define BOOST_TEST_MODULE strategy_matrix
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "store/store.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace caviar::test;
using nlohmann::json;
namespace bdata = boost::unit_test::data;

namespace {

const std::string bin = CAVIAR_BIN;

struct strategy_case {
    std::string name;
    std::string options;  // lines for [strategy]
    int trials;
    bool prunes;  // expected to stop some trials early on this problem
};

std::ostream& operator<<(std::ostream& out, const strategy_case& c) {
    return out << c.name;
}

const std::vector<strategy_case> strategies = {
    {"batch", "", 12, false},
    {"median_stop", "warmup_steps = 2\nmin_trials = 3", 12, true},
    {"successive_halving", "min_steps = 1\neta = 3", 12, true},
    {"asha", "min_steps = 1\neta = 3", 12, true},
    {"hyperband", "min_steps = 1\neta = 3", 16, true},
    {"coarse_to_fine", "rounds = 3", 12, false},
    {"pbt", "interval = 3", 8, false},
};

// grid is left out: it enumerates a fixed design and refuses budgets it cannot fill, which
// the strategies that narrow the space or start more trials than rounds do not fit.
const std::vector<std::string> samplers = {"random", "sobol", "lhs", "tpe", "cmaes"};

std::string experiment(const strategy_case& s, const std::string& sampler) {
    return "[experiment]\nname = \"m\"\nseed = 11\ntrials = " + std::to_string(s.trials) +
           "\nthreads = 2\nobjective = { metric = \"val_loss\", direction = \"minimize\" }\n"
           "store = \"m.db\"\n"
           "[space]\n"
           "learning_rate = { float = [0.005, 0.6], scale = \"log\" }\n"
           "x = { float = [0.0, 1.0] }\n"
           "units = { int = [8, 64], scale = \"log\" }\n"
           "opt = { choices = [\"a\", \"b\"] }\n"
           "[sampler]\nplugin = \"" +
           sampler + "\"\n[strategy]\nplugin = \"" + s.name + "\"\n" + s.options +
           "\n[model]\nplugin = \"learning_curve\"\nsteps = 9\narchitecture = \"units\"\n";
}

}  // namespace

BOOST_DATA_TEST_CASE(every_strategy_with_every_sampler,
                     bdata::make(strategies) * bdata::make(samplers), s, sampler) {
    temp_dir dir;
    auto file = dir.write("m.toml", experiment(s, sampler));
    auto r = run({bin, "run", file.string(), "-q"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, s.name << " + " << sampler << ": " << r.err);
    auto trials = json::parse(run({bin, "trials", (dir / "m.db").string(), "--format", "json"}).out);
    BOOST_TEST(trials.size() == static_cast<std::size_t>(s.trials));
    std::size_t complete = 0, pruned = 0, exploits = 0;
    for (const auto& t : trials) {
        auto state = t["state"].get<std::string>();
        BOOST_TEST((state == "complete" || state == "pruned"), t.dump());
        complete += state == "complete";
        pruned += state == "pruned";
        if (state == "complete") BOOST_TEST(t["steps"] == 9);
        if (state == "pruned") BOOST_TEST(!t["error"].get<std::string>().empty());
        for (const auto& e : t["events"]) exploits += e["kind"] == "exploit";
    }
    BOOST_TEST(complete >= 1u);
    if (s.prunes) BOOST_TEST(pruned >= 1u);
    if (s.name == "pbt") BOOST_TEST(exploits >= 1u);
    if (s.name == "coarse_to_fine") BOOST_TEST(trials.back()["attrs"]["round"] == "3");
    auto best = run({bin, "best", (dir / "m.db").string(), "--json"});
    BOOST_TEST(best.exit_code == 0, best.err);
    caviar::store db(dir / "m.db", true);
    BOOST_TEST(db.checkpoint_usage(db.find_study("m")->id).first == 0);
}
