// The `tpe` sampler plugin: options and their mapping onto tpe_settings.
#include "tpe_sampler.hpp"

#include <caviar/caviar.hpp>

#include <stdexcept>

namespace caviar {
namespace {

class tpe_plugin final : public tpe::tpe_sampler {
public:
    static plugin_info info() {
        using o = option_type;
        return {.name = "tpe",
                .version = "1.0.0",
                .summary =
                    "Tree-structured Parzen Estimator (multivariate, conditional groups, "
                    "constant liar for parallel trials)",
                .options = {
                    {.name = "startup_trials",
                     .type = o::integer,
                     .default_value = std::int64_t{10},
                     .help = "random proposals until this many trials have a finite objective",
                     .min = 0.0},
                    {.name = "gamma",
                     .type = o::real,
                     .default_value = 0.0,
                     .help = "fraction of trials counted as good; 0 = min(ceil(0.1 n), 25) trials",
                     .min = 0.0,
                     .max = 1.0},
                    {.name = "candidates",
                     .type = o::integer,
                     .default_value = std::int64_t{24},
                     .help = "points drawn from the good density; the best l/g ratio is proposed",
                     .min = 1.0,
                     .max = 100000.0},
                    {.name = "multivariate",
                     .type = o::boolean,
                     .default_value = true,
                     .help = "one joint density per condition group (false: one per dimension)"},
                    {.name = "prior_weight",
                     .type = o::real,
                     .default_value = 1.0,
                     .help = "weight of the uniform prior in each density, in trials (> 0)",
                     .min = 0.0},
                    {.name = "constant_liar",
                     .type = o::boolean,
                     .default_value = true,
                     .help = "count running trials as bad so parallel proposals spread out"},
                    {.name = "prior_trust",
                     .type = o::real,
                     .default_value = 0.5,
                     .help = "weight of each warm-start trial (another study's, ranked among "
                             "themselves) against 1 for the study's own",
                     .min = 0.0,
                     .max = 1.0},
                }};
    }

    explicit tpe_plugin(const options& o) : tpe_sampler(settings(o)) {}

private:
    static tpe::tpe_settings settings(const options& o) {
        tpe::tpe_settings s;
        s.startup_trials = o.get_int("startup_trials");
        s.gamma = o.get_real("gamma");
        s.candidates = o.get_int("candidates");
        s.multivariate = o.get_bool("multivariate");
        s.prior_weight = o.get_real("prior_weight");
        s.constant_liar = o.get_bool("constant_liar");
        s.prior_trust = o.get_real("prior_trust");
        if (!(s.prior_weight > 0))
            throw std::invalid_argument("prior_weight must be above 0, got prior_weight=" +
                                        to_string(option_value{s.prior_weight}));
        return s;
    }
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::tpe_plugin)
