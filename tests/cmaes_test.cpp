// The cmaes sampler, loaded as a plugin: it optimises (far better than random search on the
// same budget), works with parallel workers and out-of-order results, restarts with a larger
// population on a multimodal function, keeps ints moving, and proposes the same params from
// the same history in a fresh sampler (a resumed study).
#define BOOST_TEST_MODULE cmaes
#include <boost/test/unit_test.hpp>

#include <caviar/caviar.hpp>
#include <plugin/registry.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <numbers>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

using caviar::dimension;
using caviar::scale;

std::string plugin_file(const std::string& name) {
    return std::string(CAVIAR_PLUGIN_OUTPUT_DIR) + "/" + name + ".so";
}

// Every option of the schema, at its default unless given.
std::shared_ptr<caviar::sampler> make_cmaes(
    std::map<std::string, caviar::option_value> given = {}) {
    static const auto loaded = caviar::registry::load_file(plugin_file("sampler_cmaes"));
    caviar::options o;
    o.set("sigma0", 0.2);
    o.set("population", std::int64_t{0});
    o.set("restarts", std::int64_t{9});
    o.set("seed", std::int64_t{0});
    o.set("warm_start_top", 0.1);
    for (auto& [k, v] : given) o.set(k, v);
    return caviar::registry::create<caviar::sampler>(loaded, o);
}

std::shared_ptr<caviar::sampler> make_random() {
    return caviar::registry::create<caviar::sampler>(
        caviar::registry::load_file(plugin_file("sampler_random")), {});
}

// The objective of a trial from its numeric params in space order; nullopt fails the trial.
using function = std::function<std::optional<double>(const std::vector<double>&)>;

std::vector<double> numbers_of(const caviar::space& s, const caviar::params& p) {
    std::vector<double> x;
    for (const auto& d : s)
        if (d.kind() != caviar::dimension_kind::categorical && p.count(d.name()))
            x.push_back(caviar::to_double(p.at(d.name())));
    return x;
}

// A study as the coordinator keeps it: trials by number, finished ones in the order they
// finished, running ones as pending params.
struct study {
    caviar::space space;
    std::uint64_t seed = 7;
    std::int64_t budget = 300;
    caviar::objective objective{.metric = "value"};
    std::vector<const caviar::trial*> prior;
    std::deque<caviar::trial> trials;
    std::vector<const caviar::trial*> finished;
    std::set<std::int64_t> running;

    caviar::sample_request request(std::vector<caviar::params>& pending) const {
        pending.clear();
        for (std::int64_t n : running)
            pending.push_back(trials[static_cast<std::size_t>(n)].params);
        auto number = static_cast<std::int64_t>(trials.size());
        return caviar::sample_request{
            .space = space,
            .finished = finished,
            .pending = pending,
            .prior = prior,
            .objective = objective,
            .number = number,
            .seed = caviar::derive_seed(seed, static_cast<std::uint64_t>(number)),
            .budget = budget};
    }

    // Proposes the next trial and marks it running.
    std::int64_t start(caviar::sampler& s) {
        std::vector<caviar::params> pending;
        caviar::params p = s.propose(request(pending));
        BOOST_REQUIRE(space.contains(p));
        caviar::trial t;
        t.number = static_cast<std::int64_t>(trials.size());
        t.seed = caviar::derive_seed(seed, static_cast<std::uint64_t>(t.number));
        t.params = std::move(p);
        t.state = caviar::trial_state::running;
        trials.push_back(std::move(t));
        running.insert(trials.back().number);
        return trials.back().number;
    }

    void finish(std::int64_t number, const function& f) {
        caviar::trial& t = trials[static_cast<std::size_t>(number)];
        std::optional<double> v = f(numbers_of(space, t.params));
        t.state = v ? caviar::trial_state::complete : caviar::trial_state::failed;
        if (v) t.value = *v, t.metrics["value"] = *v;
        running.erase(number);
        finished.push_back(&t);
    }

    // One worker: propose, evaluate, repeat.
    void run(caviar::sampler& s, const function& f, std::int64_t n) {
        for (std::int64_t i = 0; i < n; ++i) finish(start(s), f);
    }

    double best() const {
        double b = INFINITY;
        for (const auto* t : finished)
            if (t->value) b = std::min(b, *t->value);
        return b;
    }
};

caviar::space box(int n, double low, double high) {
    std::vector<dimension> dims;
    for (int i = 0; i < n; ++i) dims.push_back(dimension::real("x" + std::to_string(i), low, high));
    return caviar::space(std::move(dims));
}

// Off-centre optimum, so that the initial mean (the centre) is not already there.
std::optional<double> sphere(const std::vector<double>& x) {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) s += std::pow(x[i] - (1.0 + 0.5 * i), 2);
    return s;
}

std::optional<double> rosenbrock(const std::vector<double>& x) {
    double s = 0;
    for (std::size_t i = 0; i + 1 < x.size(); ++i)
        s += 100 * std::pow(x[i + 1] - x[i] * x[i], 2) + std::pow(1 - x[i], 2);
    return s;
}

std::optional<double> rastrigin(const std::vector<double>& x) {
    double s = 10.0 * static_cast<double>(x.size());
    for (double v : x) s += v * v - 10 * std::cos(2 * std::numbers::pi * v);
    return s;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

std::string text(const caviar::params& p) {
    std::string out;
    for (const auto& [name, v] : p) out += name + "=" + caviar::to_string(v) + " ";
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cmaes_sampler)

BOOST_AUTO_TEST_CASE(beats_random_search_by_far_on_sphere_and_rosenbrock) {
    struct problem {
        const char* name;
        caviar::space space;
        function f;
        double factor;  // how much lower the median regret must be
    };
    std::vector<problem> problems{{"sphere", box(5, -5, 10), sphere, 1000},
                                  {"rosenbrock", box(5, -2, 2), rosenbrock, 5}};
    for (const auto& [name, space, f, factor] : problems) {
        std::vector<double> cma_regret, random_regret;
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            study a{.space = space, .seed = seed};
            auto cmaes = make_cmaes();
            a.run(*cmaes, f, 300);
            cma_regret.push_back(a.best());
            study b{.space = space, .seed = seed};
            auto random = make_random();
            b.run(*random, f, 300);
            random_regret.push_back(b.best());
        }
        BOOST_TEST_MESSAGE(name << ": median regret after 300 trials, cmaes " << median(cma_regret)
                                << ", random " << median(random_regret));
        for (std::size_t i = 0; i < cma_regret.size(); ++i) {
            BOOST_TEST_MESSAGE("  seed " << i + 1 << ": cmaes " << cma_regret[i] << ", random "
                                         << random_regret[i]);
            BOOST_TEST(cma_regret[i] < random_regret[i] / 3, name << " seed " << i + 1);
        }
        BOOST_TEST(median(cma_regret) < median(random_regret) / factor, name);
    }
}

BOOST_AUTO_TEST_CASE(same_history_gives_same_params_in_a_fresh_sampler) {
    // Four workers whose results arrive out of order: the finished list is in finishing order
    // here, in number order after a resume, and mid-generation states are common.
    study s{.space = box(4, -5, 10)};
    auto first = make_cmaes();
    caviar::rng order(3);
    for (int i = 0; i < 4; ++i) s.start(*first);
    for (int step = 0; step < 150; ++step) {
        auto it = s.running.begin();
        std::advance(it, static_cast<long>(order() % s.running.size()));
        s.finish(*it, sphere);
        std::vector<caviar::params> pending;
        caviar::sample_request req = s.request(pending);
        caviar::params from_first = first->propose(req);
        BOOST_TEST(text(first->propose(req)) == text(from_first));  // a repeated request

        // A resumed study: a new sampler, trials in number order.
        study resumed = s;
        std::sort(
            resumed.finished.begin(), resumed.finished.end(),
            [](const caviar::trial* a, const caviar::trial* b) { return a->number < b->number; });
        for (auto& t : resumed.finished) t = &resumed.trials[static_cast<std::size_t>(t->number)];
        auto fresh = make_cmaes();
        std::vector<caviar::params> resumed_pending;
        BOOST_TEST(text(fresh->propose(resumed.request(resumed_pending))) == text(from_first),
                   "trial " << req.number);
        s.start(*first);
    }
    BOOST_TEST(s.best() < 1.0);  // random search: about 5 after 150 trials
}

BOOST_AUTO_TEST_CASE(parallel_workers_with_results_out_of_order_still_converge) {
    for (std::size_t workers : {2, 6}) {
        study s{.space = box(5, -5, 10)};
        auto cmaes = make_cmaes();
        caviar::rng order(workers);
        std::set<std::string> proposed;
        for (std::size_t i = 0; i < workers; ++i) s.start(*cmaes);
        while (s.trials.size() < 400) {
            // The oldest running trial finishes last: stragglers are the norm here.
            auto it = s.running.begin();
            std::advance(it, static_cast<long>(1 + order() % (s.running.size() - 1)));
            s.finish(*it, sphere);
            s.start(*cmaes);
        }
        for (const auto& t : s.trials) proposed.insert(text(t.params));
        BOOST_TEST(proposed.size() == s.trials.size(), "no repeats with " << workers << " workers");
        // Sequential: about 2e-3 after 300 trials; stale samples slow it down a little.
        BOOST_TEST(s.best() < (workers == 2 ? 1e-3 : 1e-2),
                   workers << " workers: best " << s.best());
    }
}

BOOST_AUTO_TEST_CASE(restarts_with_a_doubled_population_on_rastrigin) {
    study s{.space = box(5, -5.12, 5.12), .budget = 2500};
    auto cmaes = make_cmaes();
    s.run(*cmaes, rastrigin, 2500);
    // Generations are blocks of trial numbers: trial n starts a block exactly when its
    // proposal changes once trial n - 1 is taken out of the history (the block before it is
    // then no longer complete).
    std::vector<std::int64_t> starts{0};
    auto probe = make_cmaes();
    for (std::int64_t n = 1; n < 2500; ++n) {
        std::vector<const caviar::trial*> all(s.finished.begin(), s.finished.begin() + n);
        std::vector<caviar::params> none;
        caviar::sample_request req{
            .space = s.space,
            .finished = all,
            .pending = none,
            .objective = s.objective,
            .number = n,
            .seed = caviar::derive_seed(s.seed, static_cast<std::uint64_t>(n)),
            .budget = s.budget};
        caviar::params with = probe->propose(req);
        BOOST_TEST(text(with) == text(s.trials[static_cast<std::size_t>(n)].params));
        req.finished = std::span<const caviar::trial* const>(all.data(), all.size() - 1);
        if (text(probe->propose(req)) != text(with)) starts.push_back(n);
    }
    std::vector<std::int64_t> sizes;
    for (std::size_t i = 1; i < starts.size(); ++i) sizes.push_back(starts[i] - starts[i - 1]);
    BOOST_REQUIRE(!sizes.empty());
    BOOST_TEST(sizes.front() == 8);  // 4 + floor(3 ln 5)
    std::set<std::int64_t> distinct(sizes.begin(), sizes.end());
    BOOST_TEST_MESSAGE("rastrigin: generation sizes seen " << distinct.size() << ", largest "
                                                           << *distinct.rbegin() << ", best "
                                                           << s.best());
    BOOST_TEST(distinct.count(16) == 1);  // at least one restart, with lambda doubled
    for (std::int64_t size : distinct)
        BOOST_TEST((size == 8 || size == 16 || size == 32 || size == 64));
    BOOST_TEST(std::is_sorted(sizes.begin(), sizes.end()));
}

BOOST_AUTO_TEST_CASE(ints_stay_ints_and_keep_moving) {
    caviar::space sp({dimension::integer("a", 0, 30), dimension::integer("b", 0, 30),
                      dimension::integer("c", 0, 100, scale::linear, 5),
                      dimension::integer("units", 8, 256, scale::log)});
    // Optimum at a=7, b=19, c=45, units=64.
    function f = [](const std::vector<double>& x) -> std::optional<double> {
        return std::pow(x[0] - 7, 2) + std::pow(x[1] - 19, 2) + std::pow((x[2] - 45) / 5, 2) +
               std::pow(10 * std::log2(x[3] / 64), 2);
    };
    study s{.space = sp, .budget = 500};
    auto cmaes = make_cmaes({{"restarts", std::int64_t{0}}});
    s.run(*cmaes, f, 500);
    for (const auto& t : s.trials)
        for (const auto& [name, v] : t.params) BOOST_TEST(std::holds_alternative<std::int64_t>(v));
    BOOST_TEST(s.best() == 0.0);
    // Converged, without restarts: the margin still moves some coordinates to a neighbour.
    std::set<std::string> late;
    std::size_t at_optimum = 0;
    for (std::size_t n = 400; n < 500; ++n) {
        late.insert(text(s.trials[n].params));
        if (*s.trials[n].value == 0) ++at_optimum;
    }
    BOOST_TEST_MESSAGE("ints: " << late.size() << " distinct of the last 100, " << at_optimum
                                << " at the optimum");
    // Without the margin: 4 distinct, 66 at the optimum (a coordinate gets stuck off it).
    BOOST_TEST(late.size() >= 8);
    BOOST_TEST(at_optimum >= 75);
}

BOOST_AUTO_TEST_CASE(categoricals_only_follow_good_trials) {
    caviar::space sp({dimension::categorical(
                          "opt", {std::string("sgd"), std::string("adam"), std::string("rms")}),
                      dimension::categorical(
                          "act", {std::string("relu"), std::string("tanh"), std::int64_t{3}})});
    study s{.space = sp, .budget = 200};
    auto cmaes = make_cmaes();
    std::map<std::string, int> late;
    for (int i = 0; i < 200; ++i) {
        std::int64_t n = s.start(*cmaes);
        caviar::trial& t = s.trials[static_cast<std::size_t>(n)];
        bool good = caviar::get_string(t.params, "opt") == "adam" &&
                    t.params.at("act") == caviar::value(std::int64_t{3});
        s.finish(n,
                 [&](const std::vector<double>&) { return std::optional<double>(good ? 0 : 1); });
        if (i >= 100) ++late[text(t.params)];
    }
    BOOST_TEST(late.size() >= 5);               // every choice stays in play
    BOOST_TEST(late["act=3 opt=adam "] >= 40);  // uniform would give about 11 of 100
}

BOOST_AUTO_TEST_CASE(failed_and_pruned_trials_are_tolerated) {
    study s{.space = box(3, -5, 10)};
    auto cmaes = make_cmaes();
    // The first 20 trials all fail, then a region fails, and every 7th trial is pruned.
    function f = [&](const std::vector<double>& x) -> std::optional<double> {
        if (s.trials.size() <= 20 || x[0] > 6) return std::nullopt;
        return sphere(x);
    };
    for (int i = 0; i < 300; ++i) {
        std::int64_t n = s.start(*cmaes);
        s.finish(n, f);
        if (n % 7 == 3 && s.trials[static_cast<std::size_t>(n)].value) {
            s.trials[static_cast<std::size_t>(n)].state = caviar::trial_state::pruned;
            s.trials[static_cast<std::size_t>(n)].value = 50.0;
        }
    }
    BOOST_TEST(s.best() < 1e-3);
}

BOOST_AUTO_TEST_CASE(every_kind_of_dimension_and_conditions_stay_in_the_space) {
    std::vector<dimension> dims{
        dimension::integer("layers", 1, 5),
        dimension::integer("units", 8, 256, scale::log),
        dimension::real("lr", 1e-4, 1, scale::log),
        dimension::real("beta", 0.9, 0.999, scale::log1m),
        dimension::real("ratio", 0, 1, scale::linear, 0.25),
        dimension::integer("fixed", 3, 3),
        dimension::categorical("optimizer", {std::string("sgd"), std::string("adam")}),
    };
    dims.push_back(dimension::real("momentum", 0, 0.99).when("optimizer", {std::string("sgd")}));
    dims.push_back(dimension::integer("warmup", 0, 10).when("optimizer", {std::string("adam")}));
    study s{.space = caviar::space(dims), .budget = 200};
    auto cmaes = make_cmaes();
    // Smallest with sgd, lr near 1e-2 and momentum near 0.9: conditional params matter.
    function f = [&](const std::vector<double>&) -> std::optional<double> {
        const caviar::params& p = s.trials.back().params;
        double v = std::pow(std::log10(caviar::get_real(p, "lr")) + 2, 2);
        if (p.count("momentum")) return v + std::pow(caviar::get_real(p, "momentum") - 0.9, 2);
        return v + 1;
    };
    s.run(*cmaes, f, 200);  // start() checks space.contains for each
    BOOST_TEST(s.best() < 0.05);
}

BOOST_AUTO_TEST_CASE(warm_start_begins_near_the_prior_best) {
    // The optimum lies far from the centre, where a cold start begins.
    function corner = [](const std::vector<double>& x) -> std::optional<double> {
        const double at[] = {8, 8, -4, 9};
        double s = 0;
        for (std::size_t i = 0; i < x.size(); ++i) s += std::pow(x[i] - at[i], 2);
        return s;
    };
    caviar::space sp = box(4, -5, 10);
    study before{.space = sp, .seed = 11};
    auto random = make_random();
    before.run(*random, corner, 200);
    std::vector<const caviar::trial*> prior(before.finished.begin(), before.finished.end());

    auto first_generation_regret = [&](bool warm) {
        study s{.space = sp};
        if (warm) s.prior = prior;
        auto cmaes = make_cmaes();
        s.run(*cmaes, corner, 8);
        std::vector<double> v;
        for (const auto* t : s.finished) v.push_back(*t->value);
        return median(v);
    };
    double cold = first_generation_regret(false), warm = first_generation_regret(true);
    BOOST_TEST_MESSAGE("first generation's median regret: cold " << cold << ", warm " << warm);
    BOOST_TEST(warm < cold / 3);
    BOOST_TEST(warm < median([&] {
                   std::vector<double> v;
                   for (const auto* t : prior) v.push_back(*t->value);
                   return v;
               }()));
}

BOOST_AUTO_TEST_CASE(refuses_a_population_of_one) {
    BOOST_CHECK_THROW(make_cmaes({{"population", std::int64_t{1}}}), std::exception);
}

BOOST_AUTO_TEST_SUITE_END()
