// The sampler conformance kit (conformance/sampler_kit.hpp) run on every sampler_*.so found in
// the plugin output folder, each loaded with its options' defaults: a new sampler is covered as
// soon as it is built. Samplers written here to be broken show that the kit can fail.
#define BOOST_TEST_MODULE sampler_conformance
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <caviar/caviar.hpp>
#include <conformance/sampler_kit.hpp>
#include <plugin/registry.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;
using caviar::conformance::check_sampler;
using caviar::conformance::report;

// File stems ("sampler_random", ...) of every sampler plugin built, sorted.
std::vector<std::string> sampler_stems() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(CAVIAR_PLUGIN_OUTPUT_DIR, ec)) {
        std::string name = e.path().filename().string();
        if (name.starts_with("sampler_") && e.path().extension() == ".so")
            out.push_back(e.path().stem().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Options a sampler needs to serve every space of the kit, on top of its defaults.
const std::map<std::string, std::map<std::string, caviar::option_value>>& overrides() {
    static const std::map<std::string, std::map<std::string, caviar::option_value>> o{
        {"grid", {{"allow_partial", true}}},  // the kit's grids are larger than their budgets
    };
    return o;
}

// A sampler plugin, built as the host would: every option at its default.
struct subject {
    caviar::loaded_plugin plugin;
    caviar::options opts;

    explicit subject(const std::string& stem)
        : plugin(caviar::registry::load_file(fs::path(CAVIAR_PLUGIN_OUTPUT_DIR) / (stem + ".so"))) {
        for (const auto& spec : plugin.info.options) {
            BOOST_TEST_REQUIRE(spec.default_value.has_value(),
                               "option \"" << spec.name
                                           << "\" has no default: give it one, or an override "
                                              "in this test");
            opts.set(spec.name, *spec.default_value);
        }
        if (auto it = overrides().find(plugin.info.name); it != overrides().end())
            for (const auto& [name, v] : it->second) opts.set(name, v);
    }

    std::shared_ptr<caviar::sampler> make() const {
        return caviar::registry::create<caviar::sampler>(plugin, opts);
    }
};

// The kit's findings on a built sampler plugin.
report kit_on(const std::string& stem) {
    subject sub(stem);
    return check_sampler([&] { return sub.make(); });
}

// The kit's findings on an in-test sampler S, logged so a surprise is easy to read.
template <class S>
report kit_on() {
    report r = check_sampler([] { return std::make_shared<S>(); });
    for (const auto& f : r.failures) BOOST_TEST_MESSAGE(f.check << ": " << f.message);
    for (const auto& n : r.notes) BOOST_TEST_MESSAGE("note: " << n);
    return r;
}

std::vector<std::string> failures_of(const report& r, std::string_view check) {
    std::vector<std::string> out;
    for (const auto& f : r.failures)
        if (f.check == check) out.push_back(f.message);
    return out;
}

bool passed(const report& r, std::string_view check) {
    return std::find(r.passed.begin(), r.passed.end(), check) != r.passed.end();
}

// The middle of every active dimension, from the space itself: deterministic and contained.
caviar::params middle(const caviar::space& sp) {
    return sp.from_unit(std::vector<double>(sp.size(), 0.5));
}

// Proposes every float one below its low bound.
class below_range_sampler : public caviar::sampler {
public:
    caviar::params propose(const caviar::sample_request& req) override {
        caviar::params p = middle(req.space);
        for (const auto& d : req.space)
            if (d.kind() == caviar::dimension_kind::real && p.count(d.name()))
                p[d.name()] = d.low() - 1;
        return p;
    }
};

// Draws from a seed that counts its calls instead of the request's seed.
class counter_seeded_sampler : public caviar::sampler {
public:
    caviar::params propose(const caviar::sample_request& req) override {
        caviar::rng r(calls_++);
        std::vector<double> u(req.space.size());
        for (double& x : u) x = caviar::unit_draw(r);
        return req.space.from_unit(u);
    }

private:
    std::uint64_t calls_ = 0;
};

class throwing_sampler : public caviar::sampler {
public:
    caviar::params propose(const caviar::sample_request&) override {
        throw std::runtime_error("out of ideas");
    }
};

// Refuses every space, as prepare() may for a space it cannot serve.
class refusing_sampler : public caviar::sampler {
public:
    void prepare(const caviar::space&, std::int64_t) override {
        throw std::invalid_argument("serves no space");
    }
    caviar::params propose(const caviar::sample_request& req) override { return middle(req.space); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(sampler_conformance)

BOOST_AUTO_TEST_CASE(finds_the_shipped_samplers) {
    auto stems = sampler_stems();
    for (std::string name : {"random", "grid", "sobol", "lhs"})
        BOOST_TEST((std::find(stems.begin(), stems.end(), "sampler_" + name) != stems.end()),
                   "sampler_" << name << ".so is not in " << CAVIAR_PLUGIN_OUTPUT_DIR);
    std::string all;
    for (const auto& s : stems) all += s + " ";
    BOOST_TEST_MESSAGE("samplers under test: " << all);
}

BOOST_DATA_TEST_CASE(passes_the_kit, bdata::make(sampler_stems()), stem) {
    report r = kit_on(stem);
    for (const auto& n : r.notes) BOOST_TEST_MESSAGE(stem << ": " << n);
    for (const auto& f : r.failures)
        BOOST_ERROR("sampler " << stem << ", check " << f.check << ": " << f.message);
    BOOST_TEST_REQUIRE(!r.passed.empty(), "sampler " << stem << " passed no check");
    BOOST_TEST_MESSAGE(stem << " passed " << r.passed.size() << " checks");
}

BOOST_AUTO_TEST_CASE(fails_a_sampler_that_proposes_outside_the_space) {
    report r = kit_on<below_range_sampler>();
    auto found = failures_of(r, "proposes_values_in_range_and_on_grid");
    // 60 bad proposals: the first 5 in full, then a count of the rest.
    BOOST_TEST_REQUIRE(found.size() == 6u);
    BOOST_TEST(found[0].find("space every_kind") != std::string::npos, found[0]);
    BOOST_TEST(found[0].find("trial 0: ") != std::string::npos, found[0]);
    BOOST_TEST(found[0].find("dropout=-1 is not in dropout float [0, 0.5]") != std::string::npos,
               found[0]);
    BOOST_TEST(found[5] == "... and 55 more");
    // It is deterministic, and the kit tells that apart.
    BOOST_TEST(passed(r, "gives_the_same_params_for_the_same_request"));
}

BOOST_AUTO_TEST_CASE(fails_a_sampler_that_is_not_deterministic) {
    report r = kit_on<counter_seeded_sampler>();
    auto found = failures_of(r, "gives_the_same_params_for_the_same_request");
    BOOST_TEST_REQUIRE(!found.empty());
    BOOST_TEST(found[0].find("asked again") != std::string::npos, found[0]);
    // Its params are all in the space.
    BOOST_TEST(passed(r, "proposes_values_in_range_and_on_grid"));
}

BOOST_AUTO_TEST_CASE(fails_every_check_a_sampler_throws_in_and_goes_on) {
    report r = kit_on<throwing_sampler>();
    BOOST_TEST(r.passed.empty());
    BOOST_TEST(r.failures.size() == 11u);  // one per check: each stops at its first throw
    for (const auto& f : r.failures)
        BOOST_TEST(f.message.find("threw: out of ideas") != std::string::npos, f.message);
    BOOST_TEST(failures_of(r, "runs_past_its_budget").size() == 1u);
}

BOOST_AUTO_TEST_CASE(notes_a_refused_space_but_fails_refusing_a_single_float) {
    report r = kit_on<refusing_sampler>();
    BOOST_TEST(r.passed.size() == 10u);
    auto found = failures_of(r, "serves_a_one_dimensional_space");
    BOOST_TEST_REQUIRE(found.size() == 1u);
    BOOST_TEST(found[0] == "refuses a single float dimension");
    BOOST_TEST_REQUIRE(!r.notes.empty());
    BOOST_TEST(r.notes[0].find("refuses the space: serves no space") != std::string::npos,
               r.notes[0]);
}

BOOST_AUTO_TEST_SUITE_END()
