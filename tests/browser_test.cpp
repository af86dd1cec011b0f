// The report in a real browser: headless Chromium opens a report of a real study, and the DOM it
// builds must hold every chart with the right number of points, with no page error. A
// screenshot is kept as a test artifact (BUILD/tests/artifacts/report.png).
#define BOOST_TEST_MODULE browser
#include <boost/test/unit_test.hpp>

#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace {

const std::string chromium = "/usr/bin/chromium";

struct chromium_present {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        boost::test_tools::assertion_result r(std::filesystem::exists(chromium));
        r.message() << chromium << " is missing (scripts/install-deps.sh installs it): "
                    << "the report is not checked in a browser";
        return r;
    }
};

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Recorded before the report's own script runs: any error on the page lands in the DOM.
const char* error_trap = R"(<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
</script>
)";

// The colours the browser really paints the history's markers with, as JSON in
// <pre id="dom-check">: a class rule can override an SVG attribute, so only this tells.
const char* paint_check = R"(<script>
(function () {
  function strokes(sel) {
    return Array.prototype.map.call(document.querySelectorAll(sel), function (el) {
      return getComputedStyle(el).stroke;
    });
  }
  var out = document.createElement('pre');
  out.id = 'dom-check';
  out.textContent = JSON.stringify({
    failed: strokes('svg[data-chart="history"] path.pt.failed'),
    complete: strokes('svg[data-chart="history"] circle.pt.complete'),
    legend: strokes('svg[data-chart="history"] .legend path.key')});
  document.body.appendChild(out);
})();
</script>
)";

// Runs after everything: counts what the browser built, as JSON in <pre id="dom-check">.
const char* dom_check = R"(<script>
(function () {
  function n(sel) { return document.querySelectorAll(sel).length; }
  var charts = {};
  document.querySelectorAll('svg[data-chart]').forEach(function (s) {
    var k = s.getAttribute('data-chart');
    charts[k] = (charts[k] || []).concat([s.querySelectorAll('[data-trial]').length]);
  });
  var untitled = 0;
  document.querySelectorAll('svg [data-trial]').forEach(function (el) {
    var t = el.querySelector('title');
    if (!t || t.textContent.indexOf('trial ' + el.getAttribute('data-trial')) !== 0) ++untitled;
  });
  var widths = [];
  document.querySelectorAll('svg.chart').forEach(function (s) {
    widths.push(Math.round(s.getBoundingClientRect().width));
  });
  var out = document.createElement('pre');
  out.id = 'dom-check';
  out.textContent = JSON.stringify({charts: charts, untitled: untitled, widths: widths,
      errors: window.__errors, sections: n('section'), titles: n('svg title'),
      page_width: document.documentElement.scrollWidth,
      page_height: document.documentElement.scrollHeight});
  document.body.appendChild(out);
})();
</script>
)";

std::vector<std::string> chromium_args(const std::filesystem::path& profile) {
    return {chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--user-data-dir=" + profile.string()};
}

// Opens html with `script` appended in headless Chromium and returns the JSON it wrote.
nlohmann::json probe(const std::filesystem::path& dir, const std::string& html,
                     const char* script) {
    std::string page = html;
    page.insert(page.rfind("</body>"), script);
    auto file = dir / "paint.html";
    std::ofstream(file) << page;
    auto args = chromium_args(dir / "profile");
    args.insert(args.end(), {"--window-size=1400,3000", "--dump-dom", "file://" + file.string()});
    auto dom = caviar::test::run(args);
    BOOST_TEST_REQUIRE(dom.exit_code == 0, dom.err);
    auto begin = dom.out.find("<pre id=\"dom-check\">");
    BOOST_TEST_REQUIRE(begin != std::string::npos, "the probe did not run:\n" << dom.out);
    begin += 20;
    return nlohmann::json::parse(dom.out.substr(begin, dom.out.find("</pre>", begin) - begin));
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_failed_trial_is_painted_red,
                     *boost::unit_test::precondition(chromium_present())) {
    auto dir = std::filesystem::temp_directory_path() /
               ("caviar-browser-failed-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto file = dir / "flaky.toml";
    std::ofstream(file) << "[experiment]\nname = \"flaky\"\nseed = 3\ntrials = 20\n"
                           "objective = { metric = \"value\" }\nstore = \"flaky.db\"\n"
                           "[space]\nx = { float = [0.0, 1.0] }\n"
                           "[model]\nplugin = \"testbed\"\nfail_above = 0.7\n";
    auto ran = caviar::test::run({CAVIAR_BIN, "run", file.string(), "-q"},
                                 {{"CAVIAR_PLUGIN_PATH", CAVIAR_FIXTURE_PLUGIN_DIR}});
    BOOST_TEST_REQUIRE(ran.exit_code == 0, ran.err);
    auto html_file = dir / "report.html";
    auto rep = caviar::test::run({CAVIAR_BIN, "report", file.string(), "-o", html_file.string()});
    BOOST_TEST_REQUIRE(rep.exit_code == 0, rep.err);

    auto paint = probe(dir, read(html_file), paint_check);
    BOOST_TEST_MESSAGE("paint: " << paint.dump());
    BOOST_TEST_REQUIRE(!paint["failed"].empty());
    for (const auto& s : paint["failed"]) BOOST_TEST(s == "rgb(198, 40, 40)");  // #c62828
    for (const auto& s : paint["legend"]) BOOST_TEST(s == "rgb(198, 40, 40)");
    // Points keep their white outline.
    BOOST_TEST_REQUIRE(!paint["complete"].empty());
    BOOST_TEST(paint["complete"][0] == "rgb(255, 255, 255)");
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(report_renders_in_chromium,
                     *boost::unit_test::precondition(chromium_present())) {
    auto dir = std::filesystem::temp_directory_path() /
               ("caviar-browser-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const int trials = 12;

    // A real study: the quick-start MLP, shortened to stay within a few seconds.
    auto db = dir / "quickstart.db";
    auto run = caviar::test::run({CAVIAR_BIN, "run",
                                  std::string(CAVIAR_SOURCE_DIR) + "/examples/quickstart.toml",
                                  "--trials", std::to_string(trials), "--store", db.string(),
                                  "--set", "model.epochs=6", "--quiet"});
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.err);
    auto html_file = dir / "report.html";
    auto rep = caviar::test::run({CAVIAR_BIN, "report", db.string(), "-o", html_file.string()});
    BOOST_TEST_REQUIRE(rep.exit_code == 0, rep.err);
    std::string html = read(html_file);

    // The page as the browser gets it, plus the error trap and the DOM census.
    std::string probe = html;
    probe.insert(probe.find("<head>") + 6, error_trap);
    probe.insert(probe.rfind("</body>"), dom_check);
    auto probe_file = dir / "probe.html";
    std::ofstream(probe_file) << probe;

    auto args = chromium_args(dir / "profile");
    args.insert(args.end(), {"--enable-logging=stderr", "--v=0", "--window-size=1400,3000",
                             "--dump-dom", "file://" + probe_file.string()});
    auto dom = caviar::test::run(args);
    BOOST_TEST_REQUIRE(dom.exit_code == 0, dom.err);
    BOOST_TEST(dom.err.find("Uncaught") == std::string::npos, dom.err);
    auto begin = dom.out.find("<pre id=\"dom-check\">");
    BOOST_TEST_REQUIRE(begin != std::string::npos, "the DOM census did not run:\n" << dom.out);
    begin += 20;
    auto check =
        nlohmann::json::parse(dom.out.substr(begin, dom.out.find("</pre>", begin) - begin));
    BOOST_TEST_MESSAGE("DOM: " << check.dump());

    BOOST_TEST(check["errors"].empty(), check["errors"].dump());
    BOOST_TEST(check["untitled"] == 0);
    const auto& c = check["charts"];
    // Every trial of the quick start completes: one point per trial in every per-trial chart.
    BOOST_TEST(c["history"] == nlohmann::json::array({trials}));
    BOOST_TEST(c["slice"].size() == 5u);  // layers, units, learning_rate, beta, activation
    for (const auto& s : c["slice"]) BOOST_TEST(s == trials);
    BOOST_TEST(c["scatter"] == nlohmann::json::array({trials}));
    BOOST_TEST(c["curves"] == nlohmann::json::array({trials}));
    BOOST_TEST(c["parallel"] == nlohmann::json::array({trials}));
    BOOST_TEST(c["importance"] == nlohmann::json::array({0}));
    BOOST_TEST(check["sections"] == 9);
    // Laid out, and nothing wider than a laptop window.
    for (const auto& w : check["widths"]) BOOST_TEST(w.get<int>() > 200);
    BOOST_TEST(check["page_width"].get<int>() <= 1400);

    // The picture, for people: BUILD/tests/artifacts/report.png, the whole page.
    int page_height = std::clamp(check["page_height"].get<int>(), 3000, 9000);
    auto artifacts = std::filesystem::path(CAVIAR_BINARY_DIR) / "tests" / "artifacts";
    std::filesystem::create_directories(artifacts);
    auto png = artifacts / "report.png";
    std::filesystem::remove(png);
    auto shot_args = chromium_args(dir / "profile");
    shot_args.insert(shot_args.end(), {"--screenshot=" + png.string(),
                                       "--window-size=1400," + std::to_string(page_height),
                                       "file://" + html_file.string()});
    auto shot = caviar::test::run(shot_args);
    BOOST_TEST(shot.exit_code == 0, shot.err);
    BOOST_TEST(std::filesystem::exists(png));
    BOOST_TEST(std::filesystem::file_size(png) > 50000u);
    std::filesystem::remove_all(dir);
}
