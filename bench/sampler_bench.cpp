// Sampler cost: time per proposal at 100, 1,000, 10,000 and 100,000 finished trials (5 params,
// a synthetic history), in-process, the plugin loaded through the registry as the host does.
//
//     [SIZES="100 1000"] sampler_bench [SAMPLER...]        (default: tpe random)
//
// A SAMPLER is a plugin name (sampler_NAME.so of this build) or the path of a plugin file (e.g.
// another build's, to compare). SIZES="100 1000" picks the history sizes.
//
// For each history size the sampler first sees the whole history once (the "first" call, where
// a sampler that caches converts everything), then, as in a running study, one more trial
// finishes before each timed proposal; the median of those is the figure to quote.
#include <caviar/caviar.hpp>
#include <plugin/registry.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

caviar::space bench_space() {
    using caviar::dimension;
    using caviar::scale;
    return caviar::space(
        {dimension::real("lr", 1e-5, 1, scale::log),
         dimension::integer("units", 8, 512, scale::log), dimension::real("dropout", 0, 0.5),
         dimension::real("beta", 0.9, 0.9999, scale::log1m),
         dimension::categorical("activation",
                                {std::string("relu"), std::string("tanh"), std::string("gelu")})});
}

// A smooth objective of the unit coordinates, so good and bad trials mean something.
double objective_of(const caviar::space& s, const caviar::params& p) {
    double v = 0;
    for (double u : s.to_unit(p)) v += (u - 0.3) * (u - 0.3);
    return v;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

caviar::options defaults(const caviar::plugin_info& info) {
    caviar::options o;
    for (const auto& spec : info.options)
        if (spec.default_value) o.set(spec.name, *spec.default_value);
    return o;
}

void bench(const std::string& name, const std::vector<int>& sizes) {
    std::filesystem::path file =
        name.find('/') != std::string::npos
            ? std::filesystem::path(name)
            : std::filesystem::path(CAVIAR_PLUGIN_OUTPUT_DIR) / ("sampler_" + name + ".so");
    if (!std::filesystem::exists(file)) {
        std::printf("%-8s skipped: %s is not built\n", name.c_str(), file.c_str());
        return;
    }
    auto loaded = caviar::registry::load_file(file);
    const std::string label = name.find('/') != std::string::npos ? loaded.info.name + "*" : name;
    const caviar::space s = bench_space();
    const caviar::objective obj{.metric = "value"};
    for (int history : sizes) {
        auto sampler = caviar::registry::create<caviar::sampler>(loaded, defaults(loaded.info));
        sampler->prepare(s, 1000000);
        caviar::rng r(static_cast<std::uint64_t>(history));
        std::deque<caviar::trial> trials;
        std::vector<const caviar::trial*> finished;
        auto add = [&](caviar::params p) {
            caviar::trial& t = trials.emplace_back();
            t.number = static_cast<std::int64_t>(trials.size()) - 1;
            t.state = caviar::trial_state::complete;
            t.value = objective_of(s, p);
            t.params = std::move(p);
            finished.push_back(&t);
        };
        std::vector<double> u(s.size());
        for (int i = 0; i < history; ++i) {
            for (double& x : u) x = caviar::unit_draw(r);
            add(s.from_unit(u));
        }
        auto propose = [&](double* ms) {
            auto n = static_cast<std::int64_t>(trials.size());
            caviar::sample_request req{
                .space = s,
                .finished = finished,
                .pending = {},
                .prior = {},
                .objective = obj,
                .number = n,
                .seed = caviar::derive_seed(1, static_cast<std::uint64_t>(n)),
                .budget = 1000000};
            auto t0 = clock_type::now();
            caviar::params p = sampler->propose(req);
            *ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
            return p;
        };
        double first = 0;
        add(propose(&first));
        const int reps = 201;
        std::vector<double> times(reps);
        for (int i = 0; i < reps; ++i) add(propose(&times[static_cast<std::size_t>(i)]));
        double mean = 0;
        for (double t : times) mean += t / reps;
        std::sort(times.begin(), times.end());
        std::printf(
            "%-8s %6d finished trials: median %8.1f us per proposal (mean %.1f, p10 %.1f, p90 "
            "%.1f, %d calls; first call %.1f us)\n",
            label.c_str(), history, median(times) * 1000, mean * 1000, times[reps / 10] * 1000,
            times[reps * 9 / 10] * 1000, reps, first * 1000);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> names(argv + 1, argv + argc);
    if (names.empty()) names = {"tpe", "random"};
    std::vector<int> sizes = {100, 1000, 10000, 100000};
    if (const char* env = std::getenv("SIZES")) {
        sizes.clear();
        std::istringstream in(env);
        for (int n; in >> n;) sizes.push_back(n);
    }
    std::printf("sampler cost, 5 params (log float, log int, float, log1m float, 3 choices)\n");
    for (const auto& name : names) {
        if (name.find('/') != std::string::npos)
            std::printf("(%s: %s)\n", name.c_str(), "another build's plugin, marked *");
        bench(name, sizes);
    }
}
