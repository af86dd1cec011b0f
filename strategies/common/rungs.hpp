// Rungs of successive halving: the step budgets at which trials are compared (r, rη, rη², …, R),
// the options that set them, and the words reasons use. Shared by successive_halving, asha and
// hyperband; header-only, since each strategy plugin is its own shared library.
#pragma once

#include <caviar/errors.hpp>
#include <caviar/options.hpp>
#include <caviar/strategy.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar::strategies {

struct rung_settings {
    std::int64_t min_steps = 1;  // r: the first rung's budget
    std::int64_t eta = 3;        // η: keep the best 1/η at each rung
    std::int64_t max_steps = 0;  // R: the last rung's budget; 0 = the model's max_steps
};

/// The options min_steps, eta and max_steps, with their help.
inline std::vector<option_spec> rung_option_specs() {
    return {{.name = "min_steps",
             .type = option_type::integer,
             .default_value = std::int64_t{1},
             .help = "r: steps of the first rung (the shortest run a trial gets)",
             .min = 1.0},
            {.name = "eta",
             .type = option_type::integer,
             .default_value = std::int64_t{3},
             .help = "each rung runs eta times longer than the one before and keeps its best 1/eta",
             .min = 2.0},
            {.name = "max_steps",
             .type = option_type::integer,
             .default_value = std::int64_t{0},
             .help = "R: steps of the last rung, capped at the model's; 0 = the model's max_steps",
             .min = 0.0}};
}

/// Reads and checks the rung options; throws std::invalid_argument naming the broken rule.
inline rung_settings read_rung_settings(const options& o) {
    rung_settings s{.min_steps = o.get_int("min_steps"),
                    .eta = o.get_int("eta"),
                    .max_steps = o.get_int("max_steps")};
    if (s.min_steps < 1)
        throw std::invalid_argument("min_steps must be at least 1, got min_steps=" +
                                    std::to_string(s.min_steps));
    if (s.eta < 2)
        throw std::invalid_argument("eta must be at least 2, got eta=" + std::to_string(s.eta));
    if (s.max_steps < 0)
        throw std::invalid_argument("max_steps must be 0 (the model's) or above, got max_steps=" +
                                    std::to_string(s.max_steps));
    if (s.max_steps > 0 && s.max_steps < s.min_steps)
        throw std::invalid_argument(
            "max_steps must be at least min_steps, got max_steps=" + std::to_string(s.max_steps) +
            ", min_steps=" + std::to_string(s.min_steps));
    return s;
}

/// R: the max_steps option capped at the model's length (the model's when 0). Throws
/// std::invalid_argument when min_steps does not fit (known only once the model is).
inline std::int64_t longest_run(const rung_settings& s, std::int64_t model_max) {
    std::int64_t r = s.max_steps > 0 ? std::min(s.max_steps, model_max) : model_max;
    if (s.min_steps > r)
        throw std::invalid_argument("min_steps=" + std::to_string(s.min_steps) +
                                    " is above the longest run, " + std::to_string(r) +
                                    " steps (the model's max_steps is " +
                                    std::to_string(model_max) + ")");
    return r;
}

inline std::vector<std::int64_t> halving_rungs(std::int64_t r, std::int64_t eta, std::int64_t R);

/// strategy::prepare of the rung strategies: the model must report more than one step, and the
/// rung options must leave at least two rungs within its length (else nothing is compared
/// before the end). Throws option_error naming the option, or std::invalid_argument.
inline void check_rung_plan(const rung_settings& s, const study_plan& plan,
                            const std::string& strategy) {
    if (plan.max_steps <= 1)
        throw std::invalid_argument(
            strategy + " compares trials at rungs of their learning curves, but the model runs " +
            std::to_string(plan.max_steps) +
            " step: there is nothing to compare early (use batch for a one-shot model)");
    const std::int64_t R = s.max_steps > 0 ? std::min(s.max_steps, plan.max_steps) : plan.max_steps;
    const std::string longest =
        std::to_string(R) + " steps (the model's max_steps is " + std::to_string(plan.max_steps) +
        (s.max_steps > 0 ? ", the strategy's max_steps " + std::to_string(s.max_steps) : "") + ")";
    if (s.min_steps > R)
        throw option_error("min_steps", "min_steps=" + std::to_string(s.min_steps) +
                                            " is above the longest run, " + longest);
    if (halving_rungs(s.min_steps, s.eta, R).size() < 2)
        throw option_error("min_steps", "min_steps=" + std::to_string(s.min_steps) +
                                            " leaves one rung, the longest run of " + longest +
                                            ": nothing is compared early; lower min_steps");
}

/// Successive halving's rung budgets: r, rη, rη², … while below R, then R.
inline std::vector<std::int64_t> halving_rungs(std::int64_t r, std::int64_t eta, std::int64_t R) {
    std::vector<std::int64_t> out;
    for (std::int64_t b = r; b < R; b *= eta) {
        out.push_back(b);
        if (b > R / eta) break;  // the next one is past R (and b * eta might overflow)
    }
    out.push_back(R);
    return out;
}

inline std::int64_t power(std::int64_t base, std::int64_t exponent) {
    std::int64_t p = 1;
    for (std::int64_t i = 0; i < exponent; ++i) p *= base;
    return p;
}

/// Hyperband's s_max = ⌊log_η(R/r)⌋: the largest s with r·η^s ≤ R.
inline std::int64_t hyperband_s_max(std::int64_t r, std::int64_t eta, std::int64_t R) {
    std::int64_t s = 0;
    for (std::int64_t b = r; b <= R / eta; b *= eta) ++s;  // b·η ≤ R
    return s;
}

/// Trials of Hyperband bracket s: n_s = ⌈(s_max+1)/(s+1)·η^s⌉.
inline std::int64_t bracket_trials(std::int64_t s, std::int64_t s_max, std::int64_t eta) {
    std::int64_t num = (s_max + 1) * power(eta, s);
    return (num + s) / (s + 1);
}

/// Rung budgets of Hyperband bracket s: R·η^(i-s) for i = 0..s, rounded to whole steps and at
/// least r, so the first is r_s = R·η^-s and the last is R.
inline std::vector<std::int64_t> bracket_rungs(std::int64_t s, std::int64_t r, std::int64_t eta,
                                               std::int64_t R) {
    std::vector<std::int64_t> out;
    for (std::int64_t i = 0; i <= s; ++i) {
        auto b = static_cast<std::int64_t>(
            std::llround(static_cast<double>(R) / static_cast<double>(power(eta, s - i))));
        b = std::clamp(b, r, R);
        if (out.empty() || b > out.back()) out.push_back(b);
    }
    if (out.back() != R) out.push_back(R);
    return out;
}

/// The rung whose budget is `step`, or -1.
inline int rung_of_step(const std::vector<std::int64_t>& rungs, std::int64_t step) {
    auto it = std::lower_bound(rungs.begin(), rungs.end(), step);
    return it != rungs.end() && *it == step ? static_cast<int>(it - rungs.begin()) : -1;
}

/// "1 step", "9 steps".
inline std::string steps_text(std::int64_t n) {
    return std::to_string(n) + (n == 1 ? " step" : " steps");
}

/// A metric value for a reason: four significant digits are enough to compare.
inline std::string number_text(double v) {
    std::ostringstream out;
    out << std::setprecision(4) << v;
    return out.str();
}

}  // namespace caviar::strategies
