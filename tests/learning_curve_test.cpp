// The learning_curve model plugin: curve shapes, checkpoints, update, architecture params.
#define BOOST_TEST_MODULE learning_curve
#include <boost/test/unit_test.hpp>

#include <caviar/caviar.hpp>
#include <plugin/registry.hpp>

#include <cstdint>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using caviar::dimension;

std::shared_ptr<caviar::model> make(caviar::options o = {}) {
    // Created directly, without the host's option resolver: every option is given.
    auto def = [&](const std::string& name, caviar::option_value v) {
        if (!o.has(name)) o.set(name, std::move(v));
    };
    def("steps", std::int64_t{27});
    def("step_ms", 0.0);
    def("noise", 0.0);
    def("checkpoints", true);
    def("architecture", std::string());
    auto m = caviar::registry::create<caviar::model>(
        caviar::registry::load_file(std::string(CAVIAR_PLUGIN_OUTPUT_DIR) +
                                    "/model_learning_curve.so"),
        o);
    caviar::space sp{{dimension::real("learning_rate", 1e-3, 1.0, caviar::scale::log),
                      dimension::real("x", 0.0, 1.0), dimension::integer("units", 8, 64)}};
    m->prepare(sp);
    return m;
}

caviar::params at(double lr, double x = 0.5, std::int64_t units = 32) {
    return {{"learning_rate", lr}, {"x", x}, {"units", units}};
}

std::vector<double> curve(caviar::run& r, int steps) {
    std::vector<double> out;
    for (int i = 0; i < steps; ++i) out.push_back(r.step().at("val_loss"));
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_high_learning_rate_leads_early_and_plateaus_higher) {
    auto m = make();
    BOOST_TEST(m->max_steps() == 27);
    auto fast = m->start(at(0.4), 1), slow = m->start(at(0.05), 1);
    auto f = curve(*fast, 27), s = curve(*slow, 27);
    BOOST_TEST(f[2] < s[2]);    // ahead after 3 steps
    BOOST_TEST(f[26] > s[26]);  // behind at the end: the curves cross
    for (std::size_t i = 1; i < f.size(); ++i) BOOST_TEST(s[i] <= s[i - 1]);  // no noise
    BOOST_TEST(fast->done());
}

BOOST_AUTO_TEST_CASE(a_checkpoint_continues_exactly_and_update_changes_the_rate) {
    caviar::options o;
    o.set("noise", 0.01);
    auto m = make(o);
    auto whole = m->start(at(0.2), 7);
    auto full = curve(*whole, 10);

    auto first = m->start(at(0.2), 7);
    curve(*first, 4);
    std::ostringstream saved;
    first->save(saved);
    auto second = m->start(at(0.2), 99);  // another seed: the checkpoint's noise state wins
    std::istringstream in(saved.str());
    second->load(in);
    auto rest = curve(*second, 6);
    for (std::size_t i = 0; i < rest.size(); ++i) BOOST_TEST(rest[i] == full[i + 4]);

    // Lowering the learning rate mid-run lowers the plateau.
    auto kept = m->start(at(0.4), 1), lowered = m->start(at(0.4), 1);
    curve(*kept, 10);
    curve(*lowered, 10);
    lowered->update(at(0.04));
    BOOST_TEST(curve(*lowered, 17).back() < curve(*kept, 17).back());
}

BOOST_AUTO_TEST_CASE(architecture_params_cannot_change_and_checkpoints_can_be_off) {
    caviar::options o;
    o.set("architecture", std::string("units"));
    o.set("checkpoints", false);
    auto m = make(o);
    BOOST_TEST(m->architecture() == std::vector<std::string>{"units"});
    BOOST_TEST(!m->capabilities().checkpoints());
    BOOST_TEST(m->capabilities().update());
    auto r = m->start(at(0.1), 1);
    BOOST_CHECK_NO_THROW(r->update(at(0.2)));
    BOOST_CHECK_THROW(r->update(at(0.2, 0.5, 16)), std::invalid_argument);
    std::ostringstream out;
    BOOST_CHECK_THROW(r->save(out), std::logic_error);

    caviar::options bad;
    bad.set("architecture", std::string("depth"));
    BOOST_CHECK_THROW(make(bad), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_damaged_checkpoint_is_refused) {
    auto m = make();
    auto r = m->start(at(0.1), 1);
    std::istringstream in("mlp 2\n1 2 3\n");
    BOOST_CHECK_THROW(r->load(in), std::invalid_argument);
}
