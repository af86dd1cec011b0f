// The Latin hypercube sampler: over a study's budget of B trials, every dimension is cut into B
// strata of equal width in unit space and each stratum is visited by exactly one trial.
//
// Trial n takes row n mod B of the design: in dimension d its stratum is perm_d(row), where
// perm_d is a permutation of the strata keyed by the option `seed`, the pass n / B and d, and its
// place inside the stratum is a uniform jitter drawn from the trial's seed. The design needs no
// state, so trial n gets the same params whatever the thread count. A study that runs past its
// budget starts a fresh design every B trials (a new pass). The design follows the request's
// budget: when a resumed study raises its budget, trials from then on come from the design of
// the new budget (those already run keep their params).
//
// The permutations come from the study seed and the option `seed` (the same in every request of a
// study, so every trial shares the design); another study seed gives another design.
#include "keyed_permutation.hpp"

#include <caviar/caviar.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace caviar {
namespace {

class lhs_sampler : public sampler {
public:
    static plugin_info info() {
        return {.name = "lhs",
                .version = "1.0.0",
                .summary =
                    "Latin hypercube over the trial budget: each dimension's budget "
                    "strata are each visited once",
                .options = {
                    {.name = "seed",
                     .type = option_type::integer,
                     .default_value = std::int64_t{0},
                     .help = "mixed with the study seed into the strata permutations, which "
                             "every trial of the study shares (the position inside a stratum "
                             "comes from the trial's seed)"},
                }};
    }

    explicit lhs_sampler(const options& o) : seed_(static_cast<std::uint64_t>(o.get_int("seed"))) {}

    params propose(const sample_request& req) override {
        auto strata = static_cast<std::uint64_t>(req.budget > 0 ? req.budget : 1);
        auto number = static_cast<std::uint64_t>(req.number > 0 ? req.number : 0);
        std::uint64_t pass = number / strata, row = number % strata;
        rng jitter(req.seed);
        std::uint64_t design = mix64(derive_seed(req.study_seed, seed_));
        std::vector<double> u(req.space.size());
        for (std::size_t d = 0; d < u.size(); ++d) {
            lhs::keyed_permutation perm(strata, derive_seed(derive_seed(design, pass), d));
            double cell = static_cast<double>(perm(row));
            // The last stratum's top edge may round to 1: from_unit clamps it to the bound.
            u[d] = (cell + unit_draw(jitter)) / static_cast<double>(strata);
        }
        return req.space.from_unit(u);
    }

private:
    std::uint64_t seed_;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::lhs_sampler)
