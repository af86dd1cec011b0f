// The conformance kit every strategy plugin must pass (core/src/conformance/strategy_kit), run
// over each strategy_*.so built: studies through the real coordinator, alone and steered from
// outside (pause, resume, update, prune, budget changes at random steps). A new strategy is
// covered as soon as it is built. And the kit can fail: a strategy that breaks the rules does.
#define BOOST_TEST_MODULE strategy_conformance
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "conformance/strategy_kit.hpp"
#include "plugin/registry.hpp"

#include <caviar/caviar.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;

std::vector<std::string> strategy_stems() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(CAVIAR_PLUGIN_OUTPUT_DIR, ec)) {
        std::string name = e.path().filename().string();
        if (name.starts_with("strategy_") && e.path().extension() == ".so")
            out.push_back(e.path().stem().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Each option at its default, as the host would build the plugin from an empty table.
std::function<std::shared_ptr<caviar::strategy>()> maker(const std::string& stem) {
    auto plugin = caviar::registry::load_file(fs::path(CAVIAR_PLUGIN_OUTPUT_DIR) / (stem + ".so"));
    caviar::options opts;
    for (const auto& spec : plugin.info.options)
        if (spec.default_value) opts.set(spec.name, *spec.default_value);
    return [plugin, opts] { return caviar::registry::create<caviar::strategy>(plugin, opts); };
}

void expect_pass(const caviar::conformance::report& r) {
    for (const auto& f : r.failures) BOOST_ERROR(f.check << ": " << f.message);
    for (const auto& n : r.notes) BOOST_TEST_MESSAGE("note: " << n);
    BOOST_TEST(!r.passed.empty());
}

// Starts trials past the budget, and resumes trials that are not paused.
class unruly final : public caviar::strategy {
public:
    caviar::job next(caviar::study_view& s) override {
        caviar::job j = caviar::job::of(caviar::job::kind::start);
        if (static_cast<std::int64_t>(s.trials().size()) > s.budget() + 1) {
            j = caviar::job::of(caviar::job::kind::resume);
            j.trial = 0;
            return j;
        }
        j.params = s.propose(s.space());
        return j;
    }
};

// Leaves the trials it paused behind when it says done.
class forgetful final : public caviar::strategy {
public:
    caviar::job next(caviar::study_view& s) override {
        if (static_cast<std::int64_t>(s.trials().size()) < s.budget()) {
            caviar::job j = caviar::job::of(caviar::job::kind::start);
            j.params = s.propose(s.space());
            return j;
        }
        return caviar::job::of(s.count(caviar::trial_state::running) ? caviar::job::kind::wait
                                                                     : caviar::job::kind::done);
    }
    caviar::decision on_report(caviar::study_view&, const caviar::trial&, std::int64_t step,
                               const caviar::metrics&) override {
        if (step == 2) return {caviar::decision::kind::pause, "forgetful", {}};
        return {};
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(finds_the_shipped_strategies) {
    auto stems = strategy_stems();
    for (std::string name : {"batch", "asha", "hyperband", "median_stop", "successive_halving",
                             "pbt", "coarse_to_fine"})
        BOOST_TEST((std::find(stems.begin(), stems.end(), "strategy_" + name) != stems.end()),
                   "strategy_" << name << ".so is missing");
}

BOOST_DATA_TEST_CASE(every_strategy_passes_alone, bdata::make(strategy_stems()), stem) {
    BOOST_TEST_CONTEXT("strategy " << stem) {
        expect_pass(caviar::conformance::check_strategy(maker(stem), {.commands = false}));
    }
}

BOOST_DATA_TEST_CASE(every_strategy_passes_steered_from_outside, bdata::make(strategy_stems()),
                     stem) {
    BOOST_TEST_CONTEXT("strategy " << stem) {
        expect_pass(caviar::conformance::check_strategy(maker(stem), {.seeds = 20}));
    }
}

BOOST_AUTO_TEST_CASE(the_kit_fails_a_strategy_that_breaks_the_rules) {
    auto r = caviar::conformance::check_strategy([] { return std::make_shared<unruly>(); },
                                                 {.seeds = 1, .commands = false});
    BOOST_TEST(!r.ok());
    BOOST_TEST_REQUIRE(!r.failures.empty());
    BOOST_TEST(r.failures[0].message.find("the study failed") != std::string::npos,
               r.failures[0].message);
    auto f = caviar::conformance::check_strategy([] { return std::make_shared<forgetful>(); },
                                                 {.seeds = 1, .commands = false});
    BOOST_TEST(!f.ok());
    bool left_paused = false;
    for (const auto& x : f.failures)
        left_paused |= x.message.find("left paused (never resumed or pruned)") != std::string::npos;
    BOOST_TEST(left_paused);
}
