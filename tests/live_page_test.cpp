// The live page in a real browser: headless Chromium driven by Selenium (Debian's chromium,
// chromium-driver and python3-selenium) babysits one MLP of a running study as the seed
// describes: watches its curve grow, pauses it, types a lower learning rate, resumes it. The
// store must then show it: the events, the new params, the curve continuing at the same step.
// The screenshot is kept (BUILD/tests/artifacts/live.png; docs/live.png is one of them).
#define BOOST_TEST_MODULE live_page
#include <boost/test/unit_test.hpp>

#include "store/store.hpp"
#include "support/print.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <regex>
#include <thread>

using namespace caviar::test;

namespace {

const std::string bin = CAVIAR_BIN;
const std::string python = "/usr/bin/python3";

struct browser_present {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        bool there = std::filesystem::exists("/usr/bin/chromium") &&
                     std::filesystem::exists("/usr/bin/chromedriver") &&
                     run({python, "-c", "import selenium"}).exit_code == 0;
        boost::test_tools::assertion_result r(there);
        r.message() << "chromium, chromedriver or python3-selenium is missing "
                       "(scripts/install-deps.sh installs them): the live page is not tried";
        return r;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_person_babysits_an_mlp_in_the_browser,
                     *boost::unit_test::precondition(browser_present())) {
    temp_dir dir;
    auto file = dir.write(
        "b.toml",
        "[experiment]\nname = \"s\"\nseed = 4\ntrials = 1\nthreads = 1\nobjective = { metric = "
        "\"val_accuracy\", direction = \"maximize\" }\nstore = \"s.db\"\n[space]\nlayers = { int "
        "= [3, 3] }\nunits = { int = [256, 320] }\nlearning_rate = { float = [0.004, 0.02], "
        "scale = \"log\" }\n[strategy]\nplugin = \"babysit\"\n[model]\nplugin = \"mlp\"\ndata = "
        "\"" CAVIAR_SOURCE_DIR "/examples/data/digits.csv.gz\"\nepochs = 400\n");
    process runner({bin, "run", file.string(), "-q", "--serve"});
    std::string url;
    for (int i = 0; i < 600 && url.empty(); ++i) {
        std::smatch m;
        std::string err = runner.err_so_far();
        if (std::regex_search(err, m, std::regex("live view: (http://\\S+)"))) url = m[1];
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_TEST_REQUIRE(!url.empty(), runner.err_so_far());
    std::filesystem::create_directories("artifacts");
    const auto shot = std::filesystem::absolute("artifacts/live.png");
    auto b = run(
        {python, std::string(CAVIAR_SOURCE_DIR) + "/tests/browser/babysit.py", url, shot.string()});
    // However the browser fared, the study ends: its one trial pruned at its next step (a stop
    // would roll it back to its last checkpoint).
    run({bin, "ctl", (dir / "s.db").string(), "prune", "0"});
    auto r = runner.wait();
    BOOST_TEST_REQUIRE(b.exit_code == 0, b.out << b.err << "\ncaviar run said:\n" << r.err);
    BOOST_TEST(r.exit_code == 0, r.err);
    auto seen = nlohmann::json::parse(b.out);
    BOOST_TEST(std::filesystem::exists(shot));

    caviar::store db(dir / "s.db", true);
    auto id = db.find_study("s")->id;
    auto t = db.load_trials(id).at(0);
    BOOST_TEST(std::get<double>(t.params.at("learning_rate")) ==
               seen["learning_rate"].get<double>());
    std::vector<std::string> kinds;
    for (const auto& e : db.load_events(id)) kinds.push_back(e.kind + "/" + e.source);
    BOOST_TEST((kinds == std::vector<std::string>{"pause/manual", "update/manual", "resume/manual",
                                                  "prune/manual"}));
    auto events = db.load_events(id);
    BOOST_TEST(events[0].step == seen["paused_at"].get<std::int64_t>());
    // It went on from where it paused: one point per step, none lost or repeated.
    for (std::size_t k = 0; k < t.curve.size(); ++k)
        BOOST_TEST(t.curve[k].step == static_cast<std::int64_t>(k) + 1);
    BOOST_TEST(static_cast<std::int64_t>(t.curve.size()) >=
               seen["steps_after"].get<std::int64_t>());
}
