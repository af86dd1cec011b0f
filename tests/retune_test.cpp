// caviar retune and caviar history through the real program: a functions study whose optimum
// moves (drift found, exit 3, the warm-started search beats a cold start), one where nothing
// changed (exit 0, tau 1), an MLP whose data file changed (the fingerprint names it), the old
// study left byte for byte as it was, the bad inputs, and the chain of studies.
#define BOOST_TEST_MODULE retune
#include <boost/test/unit_test.hpp>

#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

using namespace caviar::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string bin = CAVIAR_BIN;

// A 3-D sphere over [-5, 5]^3, minimised; `extra` goes to the end of [model].
std::string sphere_file(int seed, int trials, const std::string& sampler = "tpe",
                        const std::string& extra = "") {
    return "[experiment]\nname = \"fn\"\nseed = " + std::to_string(seed) +
           "\ntrials = " + std::to_string(trials) +
           "\nthreads = 1\nstore = \"fn.db\"\nobjective = { metric = \"regret\", direction = "
           "\"minimize\" }\n[space]\nx = { float = [-5.0, 5.0] }\ny = { float = [-5.0, 5.0] }\n"
           "z = { float = [-5.0, 5.0] }\n[sampler]\nplugin = \"" +
           sampler + "\"\n[model]\nplugin = \"functions\"\nfunction = \"sphere\"\n" + extra;
}

std::string trials_text(const fs::path& store, const std::string& study) {
    auto r = run({bin, "trials", store.string(), "--study", study, "--format", "json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    return r.out;
}

json retune_json(const std::vector<std::string>& args, int expect) {
    std::vector<std::string> argv = {bin, "retune"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--json", "-q"});
    auto r = run(argv);
    BOOST_TEST_REQUIRE(r.exit_code == expect, r.err << r.out);
    return json::parse(r.out);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_moved_optimum_is_drift_and_the_old_study_stays_as_it_was) {
    temp_dir dir;
    auto file = dir.write("fn.toml", sphere_file(3, 40));
    BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}).exit_code == 0);
    const auto store = dir / "fn.db";
    const std::string before = trials_text(store, "fn");

    auto r = retune_json({file.string(), "--from", "fn", "--set", "model.shift=1.5", "--top", "4",
                          "--repeats", "2", "--trials", "15"},
                         3);
    BOOST_TEST(r["study"] == "fn-retune-1");
    BOOST_TEST(r["from"]["study"] == "fn");
    BOOST_TEST(r["top"] == 4);
    BOOST_TEST(r["repeats"] == 2);
    BOOST_TEST_REQUIRE(r["configurations"].size() == 4u);
    for (const auto& c : r["configurations"]) {
        BOOST_TEST(c["values"].size() == 2u);
        BOOST_TEST(c["trials"].size() == 2u);
        BOOST_TEST(c["ci"].is_array());
        BOOST_TEST(c["mean"].get<double>() > c["old_value"].get<double>());  // all worse now
    }
    BOOST_TEST(r["configurations"][0]["old_rank"] == 1);
    BOOST_TEST(r["drifted"] == true);
    BOOST_TEST(r["verdict"].get<std::string>().rfind("drifted: ", 0) == 0, r["verdict"]);
    BOOST_TEST(r["search"]["trials"] == 15);
    BOOST_TEST(r["kendall_tau"].is_number());
    BOOST_TEST(r["old_best"]["pairs"] == 2);
    BOOST_TEST(r["old_best"]["p_value"].is_number());
    bool named = false;
    for (const auto& c : r["changes"])
        named = named || c.get<std::string>().find("shift") != std::string::npos;
    BOOST_TEST(named, r["changes"].dump());

    // The old study is untouched; the new one holds 8 re-evaluations, 15 new trials and, as the
    // search's best decided, that best run again with the 2 repeats' seeds.
    BOOST_TEST(trials_text(store, "fn") == before);
    auto mine = json::parse(trials_text(store, "fn-retune-1"));
    BOOST_TEST_REQUIRE(mine.size() == 25u);
    const auto& best = r["search"]["best"];
    BOOST_TEST_REQUIRE(r["search"]["confirmed"].is_object(), r["search"].dump());
    BOOST_TEST(r["search"]["confirmed"]["trial"] == best["trial"]);
    BOOST_TEST(r["best_today"]["from"] == "confirmed search");
    for (int k : {23, 24}) {
        BOOST_TEST(mine[k]["origin"] == "confirmation of trial " + best["trial"].dump());
        BOOST_TEST(mine[k]["params"] == best["params"]);
        BOOST_TEST(mine[k]["seed"] == mine[(k - 23) * 4]["seed"]);  // repeat r's seed
    }
    BOOST_TEST(mine[0]["origin"].get<std::string>().rfind("retune of trial ", 0) == 0);
    // Repeat r of every configuration has the same seed; the repeats differ.
    BOOST_TEST(mine[0]["seed"] == mine[3]["seed"]);
    BOOST_TEST(mine[0]["seed"] != mine[4]["seed"]);
    BOOST_TEST(mine[0]["params"] == mine[4]["params"]);

    // Its report is kept with the study: `caviar show` prints it, `caviar history` chains it.
    auto show = run({bin, "show", store.string(), "--study", "fn-retune-1"});
    BOOST_TEST(show.exit_code == 0, show.err);
    BOOST_TEST(show.out.find("retune of study \"fn\"") != std::string::npos, show.out);
    BOOST_TEST(show.out.find("Kendall's τ") != std::string::npos, show.out);
    auto history = run({bin, "history", store.string(), "--json"});
    BOOST_TEST_REQUIRE(history.exit_code == 0, history.err);
    auto chain = json::parse(history.out);
    BOOST_TEST_REQUIRE(chain.size() == 1u);
    BOOST_TEST(chain[0]["study"] == "fn");
    BOOST_TEST_REQUIRE(chain[0]["retunes"].size() == 1u);
    BOOST_TEST(chain[0]["retunes"][0]["study"] == "fn-retune-1");
    BOOST_TEST(chain[0]["retunes"][0]["drifted"] == true);
    auto text = run({bin, "history", store.string()});
    BOOST_TEST(text.out.find("└ fn-retune-1") != std::string::npos, text.out);

    // The report of the retune has the drift chart, a point then and today per configuration,
    // and the line of studies.
    auto page = dir / "r.html";
    auto rep = run({bin, "report", store.string(), "--study", "fn-retune-1", "-o", page.string()});
    BOOST_TEST_REQUIRE(rep.exit_code == 0, rep.err);
    std::ifstream in(page);
    std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST(html.find("data-chart=\"drift\"") != std::string::npos);
    auto count = [&](const std::string& what) {
        std::size_t n = 0;
        for (auto at = html.find(what); at != std::string::npos; at = html.find(what, at + 1)) ++n;
        return n;
    };
    BOOST_TEST(count("class=\"then\"") == 4u + 1u);  // one per configuration, one in the legend
    BOOST_TEST(count("class=\"today\"") == 4u + 1u);
    BOOST_TEST(html.find("<ul class=\"chain\">") != std::string::npos);
    BOOST_TEST(html.find("↳ fn-retune-1") != std::string::npos);

    // Naming a retune of the same study goes on with it: its re-evaluations are done, its search
    // gets the trials asked for now.
    auto more = retune_json({file.string(), "--from", "fn", "--name", "fn-retune-1", "--set",
                             "model.shift=1.5", "--trials", "20", "--tolerance", "1000"},
                            0);
    BOOST_TEST(more["configurations"].size() == 4u);
    BOOST_TEST(more["search"]["trials"] == 20);
    BOOST_TEST(json::parse(trials_text(store, "fn-retune-1")).size() == 8u + 20u + 2u);

    // A second retune gets the next name.
    auto again = retune_json({file.string(), "--from", "fn", "--top", "2", "--repeats", "1",
                              "--trials", "0", "--tolerance", "1000"},
                             0);
    BOOST_TEST(again["study"] == "fn-retune-2");
}

BOOST_AUTO_TEST_CASE(nothing_changed_is_no_drift_with_the_same_ranking) {
    temp_dir dir;
    // Random search spreads the values; no noise: a re-evaluation gives the same value.
    auto file = dir.write("fn.toml", sphere_file(5, 30, "random"));
    BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}).exit_code == 0);
    auto r = retune_json({file.string(), "--from", "fn", "--trials", "0"}, 0);
    BOOST_TEST(r["drifted"] == false);
    BOOST_TEST(r["kendall_tau"] == 1.0);
    BOOST_TEST(r["old_best"]["still_best"] == true);
    BOOST_TEST(r["search"].is_null());
    for (const auto& c : r["configurations"]) {
        BOOST_TEST(c["mean"] == c["old_value"]);
        BOOST_TEST(c["new_rank"] == c["old_rank"]);
    }
    BOOST_TEST(r["changes"].empty(), r["changes"].dump());
}

BOOST_AUTO_TEST_CASE(the_warm_started_search_beats_a_cold_start_on_the_same_trials) {
    // The optimum moves by 0.5 on every axis. A retune (5 re-evaluations + 20 new trials) against
    // a cold study of 25 trials, over 7 seeds: the median best regret is lower warm.
    std::vector<double> warm, cold;
    for (int seed = 1; seed <= 7; ++seed) {
        temp_dir dir;
        auto file = dir.write("fn.toml", sphere_file(seed, 60));
        BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}).exit_code == 0);
        auto r = retune_json({file.string(), "--from", "fn", "--set", "model.shift=0.5",
                              "--repeats", "1", "--trials", "20"},
                             3);
        double best = r["search"]["best"]["value"].get<double>();
        for (const auto& c : r["configurations"]) best = std::min(best, c["mean"].get<double>());
        warm.push_back(best);
        auto c = run({bin, "run", file.string(), "-q", "--set", "model.shift=0.5", "--set",
                      "experiment.name=cold", "--set",
                      "experiment.seed=" + std::to_string(seed + 100), "--trials", "25"});
        BOOST_TEST_REQUIRE(c.exit_code == 0, c.err);
        auto b = run({bin, "best", (dir / "fn.db").string(), "--study", "cold", "--json"});
        cold.push_back(json::parse(b.out)["value"].get<double>());
    }
    BOOST_TEST_MESSAGE("median best regret: warm " << median(warm) << ", cold " << median(cold));
    BOOST_TEST(median(warm) < median(cold));
}

BOOST_AUTO_TEST_CASE(a_changed_data_file_is_named_and_a_resume_on_it_warns) {
    temp_dir dir;
    // January's data, and June's: the same digits less their last 97 rows.
    fs::copy_file(CAVIAR_SOURCE_DIR "/examples/data/digits.csv.gz", dir / "jan.csv.gz");
    auto py = run({"/usr/bin/env", "python3", "-c",
                   "import gzip,sys; d=sys.argv[1]; lines=gzip.open(d+'/jan.csv.gz','rt')."
                   "read().splitlines(True); gzip.open(d+'/jun.csv.gz','wt').write(''.join("
                   "lines[:-97]))",
                   dir.path().string()});
    BOOST_TEST_REQUIRE(py.exit_code == 0, py.err);
    auto file = dir.write(
        "mlp.toml",
        "[experiment]\nname = \"digits\"\nseed = 2\ntrials = 3\nthreads = 1\nstore = "
        "\"m.db\"\nobjective = { metric = \"val_accuracy\", direction = \"maximize\" }\n"
        "[space]\nlearning_rate = { float = [0.01, 0.1], scale = \"log\" }\n[model]\nplugin = "
        "\"mlp\"\ndata = \"jan.csv.gz\"\nepochs = 2\n");
    BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}).exit_code == 0);
    auto r = retune_json({file.string(), "--from", "digits", "--set", "model.data=jun.csv.gz",
                          "--top", "2", "--repeats", "2", "--trials", "0", "--tolerance", "1"},
                         0);
    std::string changes = r["changes"].dump();
    BOOST_TEST(changes.find("data: jan.csv.gz sha256 ") != std::string::npos, changes);
    BOOST_TEST(changes.find("→ jun.csv.gz ") != std::string::npos, changes);
    BOOST_TEST(changes.find("1,797 → 1,700 lines") != std::string::npos, changes);

    // Editing the data under a study: the next run of it warns, and `caviar show` lists what
    // it ran on.
    fs::copy_file(dir / "jun.csv.gz", dir / "jan.csv.gz", fs::copy_options::overwrite_existing);
    auto resumed = run({bin, "run", file.string(), "-q", "--trials", "4"});
    BOOST_TEST(resumed.exit_code == 0, resumed.err);
    BOOST_TEST(
        resumed.err.find("study \"digits\" now runs in another environment") != std::string::npos,
        resumed.err);
    BOOST_TEST(resumed.err.find("caviar retune") != std::string::npos, resumed.err);
    auto show = run({bin, "show", (dir / "m.db").string(), "--study", "digits"});
    BOOST_TEST(show.out.find("jan.csv.gz") != std::string::npos, show.out);
    BOOST_TEST(show.out.find("sha256") != std::string::npos, show.out);
}

BOOST_AUTO_TEST_CASE(bad_inputs_are_refused_and_write_nothing) {
    temp_dir dir;
    auto file = dir.write("fn.toml", sphere_file(3, 6, "random"));
    BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}).exit_code == 0);
    const auto store = dir / "fn.db";
    auto studies = [&] {
        auto h = run({bin, "history", store.string(), "--json"});
        return json::parse(h.out).dump();
    };
    const std::string before = studies();
    struct bad {
        std::string name;
        std::vector<std::string> args;
        std::string said;
    };
    const std::vector<bad> cases = {
        {"no such study", {"--from", "nope"}, "no study \"nope\" in "},
        {"no --from", {}, "--from STUDY is required"},
        {"every configuration outside today's space",
         {"--from", "fn", "--set", "space.x={ float = [10.0, 20.0] }"},
         "fits today's [space]; nothing was written"},
        {"a bad tolerance", {"--from", "fn", "--tolerance", "five"}, "--tolerance five: give"},
        {"another objective",
         {"--from", "fn", "--set", "experiment.objective={ metric = \"value\" }"},
         "was tuned for regret (minimize)"},
        {"a name taken by a study that is not its retune",
         {"--from", "fn", "--name", "fn"},
         "exists already"},
        {"another store with no such file",
         {"--from", "/nowhere/x.db:fn"},
         "no store at /nowhere/x.db"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            std::vector<std::string> argv = {bin, "retune", file.string()};
            argv.insert(argv.end(), c.args.begin(), c.args.end());
            auto r = run(argv);
            BOOST_TEST(r.exit_code == 2, r.err);
            BOOST_TEST(r.err.find(c.said) != std::string::npos, r.err);
            BOOST_TEST(studies() == before);
        }
    }
    // A study with no complete trial (every one failed): nothing to re-evaluate.
    auto broken = dir.write(
        "broken.toml",
        "[experiment]\nname = \"broken\"\ntrials = 2\nstore = \"fn.db\"\nobjective = { "
        "metric = \"regret\", direction = \"minimize\" }\n[space]\nx = { float = [0.0, 1.0] "
        "}\n[model]\nplugin = \"command\"\nargs = \"false\"\nmetrics = \"regret\"\n");
    BOOST_TEST(run({bin, "run", broken.string(), "-q"}).exit_code == 1);
    const std::string with_broken = studies();
    auto none = run({bin, "retune", file.string(), "--from", "broken"});
    BOOST_TEST(none.exit_code == 2, none.err);
    BOOST_TEST(
        none.err.find("study \"broken\" has no complete trial to re-evaluate") != std::string::npos,
        none.err);
    BOOST_TEST(studies() == with_broken);

    // --top above the complete trials: uses what there is and says so.
    auto r = run({bin, "retune", file.string(), "--from", "fn", "--top", "50", "--repeats", "1",
                  "--trials", "0", "--tolerance", "1000"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.err.find("has only 6 complete trials: re-evaluating those") != std::string::npos,
               r.err);

    // Some configurations outside a narrowed space are skipped, naming the dimension and value.
    auto narrowed = run({bin, "retune", file.string(), "--from", "fn", "--set",
                         "space.x={ float = [-5.0, 0.0] }", "--top", "6", "--repeats", "1",
                         "--trials", "0", "--tolerance", "1000", "--json"});
    BOOST_TEST(narrowed.exit_code == 0, narrowed.err);
    BOOST_TEST(narrowed.err.find("skipping trial ") != std::string::npos, narrowed.err);
    BOOST_TEST(narrowed.err.find(" is not in x float [-5, 0]") != std::string::npos, narrowed.err);
}
