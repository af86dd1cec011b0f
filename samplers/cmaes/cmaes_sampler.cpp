// The cmaes sampler: IPOP-CMA-ES over the numeric dimensions in the unit cube (so log and
// log1m scales, steps and bounds are handled by space::from_unit), with a margin for ints and
// stepped floats, and categorical dimensions sampled apart (categorical_model.hpp).
//
// - The distribution is replayed from the study's finished trials (ipop.hpp): the same history
//   and request give the same params, also in a fresh process resuming the study, and parallel
//   workers can ask before a generation's results are in.
// - Failed trials rank last, pruned ones after the complete ones.
// - Ints and stepped floats: each such coordinate's spread is held at or above the margin
//   (layout.hpp), so a converged run still moves to a neighbouring value with probability
//   alpha = min(0.2, 1 / (n lambda)) per coordinate.
// - Samples outside the cube are reflected back in.
// - Conditional numeric dimensions are searched like the others; from_unit drops them when
//   inactive, and their coordinate is imputed when a generation is told (ipop.cpp).
#include <caviar/seed.hpp>
#include "categorical_model.hpp"
#include "ipop.hpp"
#include "layout.hpp"

#include <caviar/caviar.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar {
namespace {

// Draws tried before a proposal equal to a running trial's params is accepted anyway.
constexpr int max_attempts = 10;

class cmaes_sampler : public sampler {
public:
    static plugin_info info() {
        return {.name = "cmaes",
                .version = "1.0.0",
                .summary =
                    "IPOP-CMA-ES in the unit cube, with a margin for ints; categoricals "
                    "by their frequency among good trials",
                .options = {
                    {.name = "sigma0",
                     .type = option_type::real,
                     .default_value = 0.2,
                     .help = "initial step size, in the unit cube (each dimension's range is 1)",
                     .min = 1e-6,
                     .max = 1.0},
                    {.name = "population",
                     .type = option_type::integer,
                     .default_value = std::int64_t{0},
                     .help = "samples per generation (lambda) of the first run; 0 = 4 + "
                             "floor(3 ln n) for n numeric dimensions",
                     .min = 0.0,
                     .max = 1e6},
                    {.name = "restarts",
                     .type = option_type::integer,
                     .default_value = std::int64_t{9},
                     .help = "most IPOP restarts (each doubles the population) when a run "
                             "converges; 0 = none",
                     .min = 0.0,
                     .max = 30.0},
                    {.name = "seed",
                     .type = option_type::integer,
                     .default_value = std::int64_t{0},
                     .help = "mixed into every draw, on top of the study seed: another value gives "
                             "another search with the same study seed"},
                    {.name = "warm_start_top",
                     .type = option_type::real,
                     .default_value = 0.1,
                     .help = "with warm-start trials, the first run starts from the mean and "
                             "covariance of this best fraction of them, and categoricals count "
                             "them as good trials; 0 = ignore them",
                     .min = 0.0,
                     .max = 1.0},
                }};
    }

    explicit cmaes_sampler(const options& o)
        : settings_{.sigma0 = o.get_real("sigma0"),
                    .population = o.get_int("population"),
                    .max_restarts = o.get_int("restarts"),
                    .seed = static_cast<std::uint64_t>(o.get_int("seed")),
                    .warm_start_top = o.get_real("warm_start_top")},
          search_(settings_) {
        if (settings_.population == 1)
            throw std::invalid_argument(
                "population must be 0 (automatic) or at least 2, got population=1");
    }

    params propose(const sample_request& req) override {
        const space& s = req.space;
        cmaes::layout l(s);
        categoricals_.update(req, settings_.warm_start_top);
        const cmaes::categorical_model& categoricals = categoricals_;
        rng r(mix64(req.seed ^ mix64(settings_.seed)));
        std::vector<double> u(s.size(), 0.5);
        if (l.dims.empty()) {
            categoricals.draw(r, u);
            return s.from_unit(u);
        }

        const cmaes::cma& run = search_.run_for(req, l);
        // Extra independent spread that lifts each grid coordinate to its margin.
        const double alpha = std::min(
            0.2, 1.0 / (static_cast<double>(l.dims.size()) * static_cast<double>(run.lambda())));
        std::vector<double> margin(l.dims.size(), 0.0);
        for (std::size_t i = 0; i < l.dims.size(); ++i) {
            if (!l.discrete[i]) continue;
            auto c = static_cast<Eigen::Index>(i);
            double width = cmaes::cell_width(s[l.dims[i]], std::clamp(run.mean()(c), 0.0, 1.0));
            double floor = cmaes::margin_stddev(width, alpha), sd = run.stddev(c);
            if (sd < floor) margin[i] = std::sqrt(floor * floor - sd * sd);
        }

        params p;
        for (int attempt = 0; attempt < max_attempts; ++attempt) {
            Eigen::VectorXd x = run.sample(r);
            for (std::size_t i = 0; i < l.dims.size(); ++i) {
                auto c = static_cast<Eigen::Index>(i);
                if (margin[i] > 0) x(c) += margin[i] * normal_draw(r);
                u[l.dims[i]] = reflect_into_unit(x(c));
            }
            categoricals.draw(r, u);
            p = s.from_unit(u);
            if (std::find(req.pending.begin(), req.pending.end(), p) == req.pending.end()) break;
        }
        return p;
    }

private:
    cmaes::ipop_settings settings_;
    cmaes::ipop search_;
    cmaes::categorical_model categoricals_;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::cmaes_sampler)
