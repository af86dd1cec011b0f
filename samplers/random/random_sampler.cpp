// The random sampler: one uniform draw per dimension in unit space, so every dimension is
// sampled on its own scale (log, log1m, step) by dimension::from_unit.
#include <caviar/caviar.hpp>

#include <cstdint>
#include <vector>

namespace caviar {
namespace {

class random_sampler : public sampler {
public:
    static plugin_info info() {
        return {.name = "random",
                .version = "1.0.0",
                .summary = "Uniform random search on each dimension's scale",
                .options = {}};
    }

    explicit random_sampler(const options&) {}

    params propose(const sample_request& req) override {
        // Seeded by the trial's seed only: trial n gets the same params whatever the thread
        // count and whichever trials finished before it.
        rng r(req.seed);
        std::vector<double> u(req.space.size());
        for (double& x : u) x = unit_draw(r);
        return req.space.from_unit(u);
    }
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::random_sampler)
