// The mlp model plugin: learning the digits (momentum and Adam), determinism, checkpoints,
// mid-run updates, bad data and bad params, divergence.
#define BOOST_TEST_MODULE mlp
#include <boost/test/unit_test.hpp>

#include <caviar/caviar.hpp>
#include <caviar/errors.hpp>
#include <plugin/registry.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using caviar::dimension;
using caviar::params;

const std::string digits = std::string(CAVIAR_SOURCE_DIR) + "/examples/data/digits.csv.gz";

const caviar::loaded_plugin& plugin() {
    static const caviar::loaded_plugin p =
        caviar::registry::load_file(std::string(CAVIAR_PLUGIN_OUTPUT_DIR) + "/model_mlp.so");
    return p;
}

// Every option set, as the host would after filling defaults.
caviar::options options(const std::string& data, std::int64_t epochs = 10) {
    caviar::options o;
    o.set("data", data);
    o.set("epochs", epochs);
    o.set("batch_size", std::int64_t{32});
    o.set("validation", 0.2);
    o.set("split_seed", std::int64_t{0});
    o.set("standardize", true);
    return o;
}

std::shared_ptr<caviar::model> make_model(const caviar::options& o) {
    return caviar::registry::create<caviar::model>(plugin(), o);
}

// The digits model is built once: loading the data is the slow part.
caviar::model& digits_model() {
    static const auto m = make_model(options(digits, 10));
    return *m;
}

const params sensible = {{"layers", std::int64_t{1}},
                         {"units", std::int64_t{64}},
                         {"activation", std::string("relu")},
                         {"learning_rate", 0.05},
                         {"beta", 0.9}};

// Adam's usual step size; beta2 left out, as in a space where it is conditional and inactive.
const params adam = {{"layers", std::int64_t{1}},
                     {"units", std::int64_t{64}},
                     {"activation", std::string("relu")},
                     {"optimizer", std::string("adam")},
                     {"learning_rate", 0.002},
                     {"beta", 0.9}};

std::vector<caviar::metrics> steps(caviar::run& r, int n) {
    std::vector<caviar::metrics> out;
    for (int i = 0; i < n; ++i) out.push_back(r.step());
    return out;
}

// A fresh file in a fresh temp folder, removed with the folder at exit.
class temp_dir {
public:
    temp_dir() {
        std::random_device rd;
        path_ = fs::temp_directory_path() / ("caviar_mlp_test_" + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path_ / name, std::ios::binary) << text;
        return (path_ / name).string();
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// The message of what preparing a model of `data` throws (empty if it does not): the data is
// read there, and a file that cannot be read is an option_error at `data`.
std::string load_error(const std::string& data) {
    auto m = make_model(options(data));
    try {
        m->prepare(caviar::space({caviar::dimension::real("learning_rate", 1e-3, 1)}));
    } catch (const caviar::option_error& e) {
        BOOST_TEST(e.option() == "data");
        return e.what();
    } catch (const std::exception& e) {
        BOOST_TEST_ERROR("not an option_error: " << e.what());
        return e.what();
    }
    return {};
}

template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

// Two Gaussian blobs in 3 dimensions, labels 3 and 7, with a header line.
std::string blobs_csv(int rows) {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> noise(0, 0.5);
    std::ostringstream s;
    s << "x,y,z,label\n";
    for (int i = 0; i < rows; ++i) {
        const int c = i % 2;
        const double centre = c ? 1.5 : -1.5;
        s << centre + noise(rng) << ", " << centre + noise(rng) << "," << noise(rng) << ","
          << (c ? 7 : 3) << "\r\n";
    }
    return s.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(describes_itself) {
    const auto& info = plugin().info;
    BOOST_TEST(info.name == "mlp");
    BOOST_TEST((info.kind == caviar::plugin_kind::model));
    const auto& m = digits_model();
    BOOST_TEST(m.max_steps() == 10);
    BOOST_TEST(
        m.metric_names() == (std::vector<std::string>{"val_accuracy", "val_loss", "train_loss"}),
        boost::test_tools::per_element());
    BOOST_TEST(m.capabilities().checkpoints());
    BOOST_TEST(m.capabilities().update());
    BOOST_TEST(m.architecture() ==
                   (std::vector<std::string>{"layers", "units", "activation", "optimizer"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(learns_the_digits) {
    auto r = digits_model().start(sensible, 1);
    std::vector<caviar::metrics> curve;
    while (!r->done()) curve.push_back(r->step());
    BOOST_TEST(curve.size() == 10u);
    for (const auto& m : curve) {
        BOOST_TEST(std::isfinite(m.at("val_loss")));
        BOOST_TEST(std::isfinite(m.at("train_loss")));
    }
    BOOST_TEST(curve.back().at("val_accuracy") > 0.9);
    BOOST_TEST(curve.back().at("train_loss") < curve.front().at("train_loss"));
}

BOOST_AUTO_TEST_CASE(adam_learns_the_digits) {
    auto r = digits_model().start(adam, 1);
    std::vector<caviar::metrics> curve;
    while (!r->done()) curve.push_back(r->step());
    BOOST_TEST(curve.back().at("val_accuracy") > 0.9);
    BOOST_TEST(curve.back().at("train_loss") < curve.front().at("train_loss"));
    // Not the momentum curve under another name.
    BOOST_TEST(curve.front().at("val_loss") !=
               digits_model().start(sensible, 1)->step().at("val_loss"));
}

BOOST_AUTO_TEST_CASE(omitted_beta2_is_the_default) {
    params explicit_default = adam;
    explicit_default["beta2"] = 0.999;
    params other = adam;
    other["beta2"] = 0.9;
    auto a = steps(*digits_model().start(adam, 4), 2);
    auto b = steps(*digits_model().start(explicit_default, 4), 2);
    auto c = steps(*digits_model().start(other, 4), 2);
    for (int i = 0; i < 2; ++i) BOOST_TEST((a[i] == b[i]));
    BOOST_TEST(a.back().at("val_loss") != c.back().at("val_loss"));
    // A momentum run takes beta2 (a space need not make it conditional) and ignores it.
    params momentum = sensible;
    momentum["beta2"] = 0.9;
    BOOST_TEST(
        (digits_model().start(momentum, 4)->step() == digits_model().start(sensible, 4)->step()));
}

BOOST_AUTO_TEST_CASE(every_activation_and_depth_learns) {
    for (const char* a : {"relu", "tanh", "sigmoid", "elu"})
        for (std::int64_t layers : {0, 2}) {
            params p = sensible;
            p["activation"] = std::string(a);
            p["layers"] = layers;
            p["units"] = std::int64_t{32};
            if (std::string(a) == "sigmoid") p["learning_rate"] = 0.2;  // flatter gradients
            auto r = digits_model().start(p, 3);
            auto curve = steps(*r, 5);
            BOOST_TEST_INFO("activation " << a << ", layers " << layers);
            BOOST_TEST(curve.back().at("val_accuracy") > 0.85);
        }
}

BOOST_AUTO_TEST_CASE(unset_params_take_defaults) {
    auto r = digits_model().start({}, 2);
    BOOST_TEST(steps(*r, 3).back().at("val_accuracy") > 0.9);
}

BOOST_AUTO_TEST_CASE(same_seed_same_curve_other_seed_other_curve) {
    auto a = steps(*digits_model().start(sensible, 42), 3);
    auto b = steps(*digits_model().start(sensible, 42), 3);
    auto c = steps(*digits_model().start(sensible, 43), 3);
    for (int i = 0; i < 3; ++i) BOOST_TEST((a[i] == b[i]));
    BOOST_TEST(a.back().at("val_loss") != c.back().at("val_loss"));
    BOOST_TEST(a.back().at("train_loss") != c.back().at("train_loss"));
}

BOOST_AUTO_TEST_CASE(starts_from_many_threads_at_once) {
    const auto reference = digits_model().start(sensible, 9)->step();
    std::vector<caviar::metrics> got(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < got.size(); ++i)
        threads.emplace_back([&, i] { got[i] = digits_model().start(sensible, 9)->step(); });
    for (auto& t : threads) t.join();
    for (const auto& m : got) BOOST_TEST((m == reference));
}

BOOST_AUTO_TEST_CASE(save_then_load_continues_bit_identically) {
    params p = sensible;
    p["layers"] = std::int64_t{2};
    p["weight_decay"] = 1e-4;
    auto straight = steps(*digits_model().start(p, 7), 5);

    auto first = digits_model().start(p, 7);
    steps(*first, 2);
    std::stringstream saved;
    first->save(saved);
    first.reset();

    auto resumed = digits_model().start(p, 1234);  // the seed is in the checkpoint
    resumed->load(saved);
    auto rest = steps(*resumed, 3);
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST_INFO("epoch " << i + 3);
        BOOST_TEST((rest[i] == straight[i + 2]));
    }
    BOOST_TEST(resumed->done() == false);  // 5 of 10 epochs
}

BOOST_AUTO_TEST_CASE(adam_save_then_load_continues_bit_identically) {
    params p = adam;
    p["layers"] = std::int64_t{2};
    p["weight_decay"] = 1e-4;
    // beta2 changed mid-run, so the checkpoint must carry it (and the moments and step count).
    auto straight_run = digits_model().start(p, 7);
    steps(*straight_run, 1);
    straight_run->update({{"beta2", 0.99}});
    auto straight = steps(*straight_run, 4);

    auto first = digits_model().start(p, 7);
    steps(*first, 1);
    first->update({{"beta2", 0.99}});
    steps(*first, 1);
    std::stringstream saved;
    first->save(saved);
    first.reset();

    auto resumed = digits_model().start(p, 1234);
    resumed->load(saved);
    auto rest = steps(*resumed, 3);
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST_INFO("epoch " << i + 3);
        BOOST_TEST((rest[i] == straight[i + 1]));
    }
}

BOOST_AUTO_TEST_CASE(load_refuses_another_optimizer) {
    auto a = digits_model().start(adam, 5);
    std::stringstream saved;
    a->save(saved);
    auto b = digits_model().start(sensible, 5);
    const std::string e = error_of([&] { b->load(saved); });
    BOOST_TEST(contains(e, "optimizer=adam"));
    BOOST_TEST(contains(e, "optimizer=momentum"));
}

// A version 1 checkpoint (before Adam) is version 2's momentum checkpoint without the optimizer,
// beta2 and updates fields.
BOOST_AUTO_TEST_CASE(loads_version_1_checkpoints) {
    auto a = digits_model().start(sensible, 6);
    steps(*a, 2);
    std::stringstream saved;
    a->save(saved);
    std::string v2 = saved.str();
    const auto expected = steps(*a, 2);

    constexpr std::size_t version_at = 11, optimizer_at = 11 + 4 + 8 * 5 + 1;
    constexpr std::size_t beta2_at = optimizer_at + 1 + 8 * 2, updates_at = beta2_at + 8 * 4 + 1;
    BOOST_TEST(v2[version_at] == 2);
    std::string v1 = v2.substr(0, optimizer_at) +
                     v2.substr(optimizer_at + 1, beta2_at - optimizer_at - 1) +
                     v2.substr(beta2_at + 8, updates_at - beta2_at - 8) + v2.substr(updates_at + 8);
    v1[version_at] = 1;

    auto b = digits_model().start(sensible, 99);
    std::istringstream in(v1);
    BOOST_TEST(error_of([&] { b->load(in); }).empty());
    BOOST_TEST((steps(*b, 2) == expected));

    v1[version_at] = 3;
    std::istringstream future(v1);
    BOOST_TEST(contains(error_of([&] { b->load(future); }), "reads versions 1 to 2"));
}

BOOST_AUTO_TEST_CASE(checkpoint_keeps_updated_params) {
    auto a = digits_model().start(sensible, 5);
    steps(*a, 1);
    a->update({{"learning_rate", 0.01}, {"beta", 0.5}});
    std::stringstream saved;
    a->save(saved);
    auto expected = steps(*a, 2);

    auto b = digits_model().start(sensible, 5);  // started with learning_rate 0.05
    b->load(saved);
    BOOST_TEST((steps(*b, 2) == expected));
}

BOOST_AUTO_TEST_CASE(load_refuses_other_architectures_and_garbage) {
    auto a = digits_model().start(sensible, 5);
    std::stringstream saved;
    a->save(saved);
    const std::string bytes = saved.str();

    params wider = sensible;
    wider["units"] = std::int64_t{32};
    auto b = digits_model().start(wider, 5);
    std::istringstream in(bytes);
    BOOST_TEST(contains(error_of([&] { b->load(in); }), "units=64"));

    auto c = digits_model().start(sensible, 5);
    std::istringstream garbage("not a checkpoint at all");
    BOOST_TEST(contains(error_of([&] { c->load(garbage); }), "not an mlp checkpoint"));
    std::istringstream truncated(bytes.substr(0, bytes.size() / 2));
    BOOST_TEST(contains(error_of([&] { c->load(truncated); }), "truncated"));
    // A refused load leaves the run as it was.
    BOOST_TEST((c->step() == digits_model().start(sensible, 5)->step()));
}

BOOST_AUTO_TEST_CASE(update_to_zero_learning_rate_freezes_the_weights) {
    auto r = digits_model().start(sensible, 11);
    steps(*r, 2);
    // beta 0 too: with momentum the old velocity would still carry the weights for a while.
    r->update({{"learning_rate", 0.0}, {"beta", 0.0}});
    auto frozen = steps(*r, 3);
    for (int i = 1; i < 3; ++i) {
        BOOST_TEST(frozen[i].at("val_loss") == frozen[0].at("val_loss"));
        BOOST_TEST(frozen[i].at("val_accuracy") == frozen[0].at("val_accuracy"));
        // Same weights, only another batch order: the same mean up to float rounding.
        BOOST_TEST(frozen[i].at("train_loss") == frozen[0].at("train_loss"),
                   boost::test_tools::tolerance(1e-5));
    }
}

BOOST_AUTO_TEST_CASE(update_changes_the_curve) {
    auto a = digits_model().start(sensible, 11);
    auto b = digits_model().start(sensible, 11);
    steps(*a, 1);
    steps(*b, 1);
    b->update({{"learning_rate", 0.2}});
    BOOST_TEST(a->step().at("val_loss") != b->step().at("val_loss"));

    auto c = digits_model().start(sensible, 11);
    auto d = digits_model().start(sensible, 11);
    steps(*c, 1);
    steps(*d, 1);
    d->update({{"batch_size", std::int64_t{100}}});
    BOOST_TEST(c->step().at("train_loss") != d->step().at("train_loss"));
}

BOOST_AUTO_TEST_CASE(update_refuses_architecture_changes) {
    auto r = digits_model().start(sensible, 1);
    const std::string e = error_of([&] { r->update({{"layers", std::int64_t{2}}}); });
    BOOST_TEST(contains(e, "layers is an architecture parameter and cannot change mid-run"));
    BOOST_TEST(contains(error_of([&] {
                            r->update({{"units", std::int64_t{8}}});
                        }),
                        "units is an architecture parameter"));
    BOOST_TEST(contains(error_of([&] {
                            r->update({{"activation", std::string("tanh")}});
                        }),
                        "activation is an architecture parameter"));
    // A refused update changes nothing, even its valid part.
    auto same = digits_model().start(sensible, 1);
    BOOST_TEST(!error_of([&] {
                    r->update({{"learning_rate", 0.3}, {"layers", std::int64_t{3}}});
                }).empty());
    BOOST_TEST((r->step() == same->step()));
    // Unchanged architecture values (a full param set) are fine.
    BOOST_TEST(error_of([&] { r->update(sensible); }).empty());
    BOOST_TEST(contains(error_of([&] { r->update({{"learning_rate", -1.0}}); }), "learning_rate"));
    BOOST_TEST(contains(error_of([&] { r->update({{"lr", 0.1}}); }), "learning_rate"));
}

BOOST_AUTO_TEST_CASE(update_takes_beta2_but_not_the_optimizer) {
    auto a = digits_model().start(adam, 8);
    auto b = digits_model().start(adam, 8);
    steps(*a, 1);
    steps(*b, 1);
    BOOST_TEST(error_of([&] { b->update({{"beta2", 0.9}}); }).empty());
    BOOST_TEST(a->step().at("val_loss") != b->step().at("val_loss"));
    BOOST_TEST(contains(error_of([&] { b->update({{"beta2", 1.0}}); }), "beta2 must be in [0, 1)"));

    const std::string e = error_of([&] { b->update({{"optimizer", std::string("momentum")}}); });
    BOOST_TEST(contains(e, "optimizer is an architecture parameter and cannot change mid-run"));
    BOOST_TEST_INFO(e);
    BOOST_TEST(contains(e, "the run has adam"));
    // The same optimizer (a full param set) is fine.
    BOOST_TEST(error_of([&] { b->update(adam); }).empty());
    auto c = digits_model().start(sensible, 8);
    BOOST_TEST(contains(error_of([&] {
                            c->update({{"optimizer", std::string("adam")}});
                        }),
                        "optimizer is an architecture parameter"));
}

BOOST_AUTO_TEST_CASE(unknown_optimizers_are_refused) {
    auto start_error = [&](caviar::value v) {
        params p = sensible;
        p["optimizer"] = v;
        return error_of([&] { digits_model().start(p, 1); });
    };
    const std::string adamw = start_error(std::string("adamw"));
    BOOST_TEST(contains(adamw, "optimizer \"adamw\" is not supported (did you mean \"adam\"?)"));
    BOOST_TEST(contains(adamw, "supported: \"momentum\", \"adam\""));
    BOOST_TEST(contains(start_error(std::string("sgd")), "did you mean \"momentum\""));
    BOOST_TEST(contains(start_error(std::string("Adam")), "did you mean \"adam\""));
    BOOST_TEST(contains(start_error(std::string("lbfgs")), "not supported (supported:"));
    BOOST_TEST(contains(start_error(std::int64_t{1}), "expected a name"));
    BOOST_TEST(start_error(std::string("momentum")).empty());
}

BOOST_AUTO_TEST_CASE(bad_params_name_the_param) {
    const auto& m = digits_model();
    auto start_error = [&](const char* name, caviar::value v) {
        params p = sensible;
        p[name] = v;
        return error_of([&] { m.start(p, 1); });
    };
    BOOST_TEST(contains(start_error("units", std::int64_t{0}), "units"));
    BOOST_TEST(contains(start_error("layers", std::int64_t{-1}), "layers"));
    BOOST_TEST(contains(start_error("beta", 1.0), "beta"));
    BOOST_TEST(contains(start_error("learning_rate", std::string("fast")), "learning_rate"));
    BOOST_TEST(contains(start_error("units", 12.5), "units"));
    BOOST_TEST(contains(start_error("batch_size", std::int64_t{0}), "batch_size"));
    BOOST_TEST(contains(start_error("weight_decay", -0.1), "weight_decay"));
    const std::string act = start_error("activation", std::string("swish"));
    BOOST_TEST(contains(act, "swish"));
    BOOST_TEST(contains(act, "relu"));
    BOOST_TEST(contains(start_error("unit", std::int64_t{3}), "did you mean 'units'"));
    // An integral real is an integer (categorical choices may be written 64.0).
    BOOST_TEST(start_error("units", 16.0).empty());
}

BOOST_AUTO_TEST_CASE(prepare_checks_the_space) {
    auto& m = digits_model();
    caviar::space good(
        {dimension::integer("layers", 0, 3),
         dimension::integer("units", 16, 128, caviar::scale::log),
         dimension::real("learning_rate", 1e-3, 1, caviar::scale::log),
         dimension::real("beta", 0.8, 0.99, caviar::scale::log1m),
         dimension::categorical("activation", {std::string("relu"), std::string("tanh")})});
    BOOST_TEST(error_of([&] { m.prepare(good); }).empty());
    // beta2 only where it means something, as an experiment file's `when` writes it.
    caviar::space conditional(
        {dimension::categorical("optimizer", {std::string("momentum"), std::string("adam")}),
         dimension::real("beta", 0.5, 0.999, caviar::scale::log1m),
         dimension::real("beta2", 0.9, 0.9999, caviar::scale::log1m)
             .when("optimizer", {std::string("adam")})});
    BOOST_TEST(error_of([&] { m.prepare(conditional); }).empty());

    auto problem = [&](dimension d) { return error_of([&] { m.prepare(caviar::space({d})); }); };
    const std::string unknown = problem(dimension::integer("unit", 1, 8));
    BOOST_TEST(contains(unknown, "did you mean 'units'"));
    BOOST_TEST(
        contains(unknown, "layers, units, activation, optimizer, learning_rate, beta, beta2"));
    BOOST_TEST(contains(problem(dimension::real("momentum", 0.5, 0.9)), "did you mean 'beta'"));
    BOOST_TEST(contains(
        problem(dimension::categorical("activation", {std::string("relu"), std::string("swish")})),
        "\"swish\" is not supported"));
    BOOST_TEST(contains(problem(dimension::real("activation", 0, 1)), "categorical"));
    BOOST_TEST(contains(problem(dimension::real("units", 8, 64)), "int dimension"));
    BOOST_TEST(contains(problem(dimension::real("beta", 0.5, 1.5)), "beta must be in [0, 1)"));
    BOOST_TEST(contains(problem(dimension::integer("layers", -1, 3)), "layers"));
    BOOST_TEST(contains(problem(dimension::categorical(
                            "optimizer", {std::string("momentum"), std::string("adagrad")})),
                        "optimizer \"adagrad\" is not supported"));
    BOOST_TEST(contains(
        problem(dimension::categorical("optimizer", {std::string("sgd"), std::string("adam")})),
        "did you mean \"momentum\""));
    BOOST_TEST(contains(problem(dimension::integer("optimizer", 0, 1)), "categorical"));
    BOOST_TEST(contains(problem(dimension::real("beta2", 0.9, 1.0)), "beta2 must be in [0, 1)"));
    BOOST_TEST(contains(problem(dimension::real("opt", 0, 1)), "did you mean 'optimizer'"));
}

BOOST_AUTO_TEST_CASE(huge_learning_rate_fails_without_crashing) {
    params p = sensible;
    p["learning_rate"] = 1e9;
    auto r = digits_model().start(p, 1);
    bool failed = false;
    for (int i = 0; i < 10 && !r->done() && !failed; ++i) {
        auto m = r->step();
        failed = !std::isfinite(m.at("train_loss")) || !std::isfinite(m.at("val_accuracy"));
    }
    BOOST_TEST(failed);
    BOOST_TEST(r->done());
    // Still answers, and checkpoints, after diverging.
    BOOST_TEST(std::isnan(r->step().at("val_accuracy")));
    std::stringstream saved;
    r->save(saved);
}

BOOST_AUTO_TEST_CASE(reads_plain_csv_with_header_and_any_labels) {
    temp_dir dir;
    const auto m = make_model(options(dir.write("blobs.csv", blobs_csv(200)), 5));
    auto r = m->start({{"units", std::int64_t{8}}}, 1);
    BOOST_TEST(steps(*r, 5).back().at("val_accuracy") > 0.95);
}

BOOST_AUTO_TEST_CASE(same_split_seed_same_data_for_every_model) {
    // Two models built from the same file and options share checkpoints (same split).
    auto m2 = make_model(options(digits, 10));
    auto a = digits_model().start(sensible, 3);
    std::stringstream saved;
    a->save(saved);
    auto b = m2->start(sensible, 3);
    BOOST_TEST(error_of([&] { b->load(saved); }).empty());

    auto o = options(digits, 10);
    o.set("split_seed", std::int64_t{1});
    auto other = make_model(o)->start(sensible, 3);
    saved.seekg(0);
    BOOST_TEST(contains(error_of([&] { other->load(saved); }), "other data"));
}

BOOST_AUTO_TEST_CASE(malformed_data_is_reported_with_file_and_line) {
    temp_dir dir;
    struct bad_file {
        std::string name, text, expected;
    };
    const std::vector<bad_file> cases = {
        {"word.csv", "1,2,0\n3,4,1\n5,abc,1\n", "word.csv:3: field 2 \"abc\" is not a number"},
        {"short.csv", "1,2,0\n\n3,4,1\n5,1\n", "short.csv:4: row has 2 fields, expected 3"},
        {"label.csv", "1,2,0\n3,4,1.5\n", "label.csv:2: label (last field) \"1.5\""},
        {"empty_field.csv", "1,2,0\n1,,1\n", "empty_field.csv:2: field 2 \"\" is not a number"},
        {"inf.csv", "1,2,0\n1,inf,1\n", "inf.csv:2: field 2 \"inf\" is not a finite number"},
        {"one_class.csv", "1,2,4\n3,4,4\n5,6,4\n", "needs at least 2 classes"},
        {"empty.csv", "", "has no data rows"},
        {"lonely.csv", "1,2,0\n7\n", "lonely.csv:2: a row needs at least one feature"},
    };
    for (const auto& c : cases) {
        const std::string e = load_error(dir.write(c.name, c.text));
        BOOST_TEST_INFO(c.name << ": " << e);
        BOOST_TEST(contains(e, c.expected));
    }
    const std::string missing = load_error((dir.path() / "nope.csv.gz").string());
    BOOST_TEST(contains(missing, "nope.csv.gz: no such file"));
}
