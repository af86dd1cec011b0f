// The gp sampler: Bayesian optimisation with a Gaussian process over the unit cube.
//
// - Start-up: a shifted Halton sequence indexed by the trial number until `startup_trials`
//   trials have a finite objective (or the warm start has that many).
// - Model (surrogate.hpp): Matern-5/2 with a length scale per dimension and a noise term,
//   fitted by marginal likelihood with weak priors (fit.hpp) on the warped, standardised
//   objective (targets.hpp); ints, steps, choices and conditional dimensions are encoded so the
//   kernel compares only values that exist (encoding.hpp).
// - Next point: the highest log expected improvement (log_ei.hpp) over quasi-random candidates,
//   perturbations of the best trials and a coordinate search from the best few
//   (acquisition.hpp); running trials are added at the model's own prediction (kriging
//   believer) so parallel workers spread out, and a proposal equal to a running trial's params
//   is passed over for the next best.
// Every draw comes from the request's seeds: the same request gives the same params.
#include "acquisition.hpp"
#include "halton.hpp"
#include "surrogate.hpp"

#include <caviar/caviar.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar {
namespace {

class gp_sampler : public sampler {
public:
    static plugin_info info() {
        using o = option_type;
        return {.name = "gp",
                .version = "1.0.0",
                .summary =
                    "Gaussian-process Bayesian optimisation (Matern-5/2, log expected "
                    "improvement): the best choice for budgets of tens to hundreds of "
                    "trials",
                .options = {
                    {.name = "startup_trials",
                     .type = o::integer,
                     .default_value = std::int64_t{0},
                     .help = "quasi-random proposals until this many trials have a finite "
                             "objective; 0 = max(4, 2 d) for d dimensions",
                     .min = 0.0},
                    {.name = "candidates",
                     .type = o::integer,
                     .default_value = std::int64_t{512},
                     .help = "quasi-random points the acquisition is scored at, on top of 256 "
                             "around the best trials and a coordinate search from the best 5",
                     .min = 1.0,
                     .max = 100000.0},
                    {.name = "warp",
                     .type = o::boolean,
                     .default_value = true,
                     .help = "half-rank warping of the objective: values worse than the median "
                             "count by their rank, so a heavy tail does not flatten the model"},
                    {.name = "restarts",
                     .type = o::integer,
                     .default_value = std::int64_t{1},
                     .help = "seeded restarts of the kernel fit while it sees fewer than 64 "
                             "trials, on top of the one from the prior's centre",
                     .min = 0.0,
                     .max = 50.0},
                    {.name = "prior_trust",
                     .type = o::real,
                     .default_value = 0.5,
                     .help = "trust in each warm-start trial: t adds 0.25 (1 - t) / t to its "
                             "noise variance (standardised units); 0 = ignore them",
                     .min = 0.0,
                     .max = 1.0},
                    {.name = "max_trials",
                     .type = o::integer,
                     .default_value = std::int64_t{1000},
                     .help = "most trials in the model: beyond, each refit keeps the best half "
                             "of this and the most recent trials, so a proposal stays fast",
                     .min = 10.0},
                }};
    }

    explicit gp_sampler(const options& o)
        : startup_(static_cast<std::size_t>(o.get_int("startup_trials"))),
          model_({.warp = o.get_bool("warp"),
                  .prior_trust = o.get_real("prior_trust"),
                  .max_trials = static_cast<std::size_t>(o.get_int("max_trials")),
                  .fit = {.restarts = static_cast<int>(o.get_int("restarts"))}}) {
        search_.candidates = static_cast<std::size_t>(o.get_int("candidates"));
    }

    void prepare(const space&, std::int64_t budget) override {
        const auto most = static_cast<long long>(model_.settings().max_trials);
        if (budget > most)
            std::fprintf(stderr,
                         "gp: the budget of %lld trials is above max_trials = %lld: past %lld "
                         "trials, the model keeps the %lld best and the most recent ones\n",
                         static_cast<long long>(budget), most, most, most / 2);
    }

    params propose(const sample_request& req) override {
        const space& s = req.space;
        model_.update(req);
        const gp::encoding& enc = model_.features();
        if (enc.scales() == 0) return s.from_unit(std::vector<double>(s.size(), 0.5));
        std::size_t startup = startup_ > 0 ? startup_ : std::max<std::size_t>(4, 2 * enc.scales());
        if (model_.own_finite() < startup && model_.prior_finite() < startup)
            return s.from_unit(
                gp::halton(s.size(), req.study_seed).point(static_cast<std::uint64_t>(req.number)));

        double best = model_.condition(s, req.pending);
        struct undo {
            gp::surrogate& m;
            ~undo() { m.forget_pending(); }
        } guard{model_};
        rng r(mix64(req.seed));
        gp::acquisition a(s, enc, model_.model(), best, model_.rows());
        std::vector<std::vector<double>> ranked =
            a.maximise(model_.best(5), r, search_.for_model_of(model_.model().size()));
        for (const auto& u : ranked) {
            params p = s.from_unit(u);
            if (std::find(req.pending.begin(), req.pending.end(), p) == req.pending.end()) return p;
        }
        return s.from_unit(ranked.front());
    }

private:
    std::size_t startup_;
    gp::surrogate model_;
    gp::search_settings search_;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::gp_sampler)
