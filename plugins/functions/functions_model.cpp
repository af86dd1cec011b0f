// The functions model: a one-shot run that evaluates an analytic benchmark function at the
// trial's numeric params (in space order) and reports its value and regret.
#include "benchmark_functions.hpp"

#include <caviar/caviar.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar {
namespace {

using functions::benchmark;

std::vector<std::string> function_names() {
    std::vector<std::string> out;
    for (const auto& b : functions::benchmarks()) out.emplace_back(b.name);
    return out;
}

// "exactly 2 numeric dimensions", "2, 5 or 10 numeric dimensions (...)", ...: what f takes.
std::string dims_wanted(const benchmark& f) {
    auto count = [](std::size_t n) {
        return std::to_string(n) + " numeric dimension" + (n == 1 ? "" : "s");
    };
    if (f.dims) return "exactly " + count(f.dims);
    if (!f.dims_among.empty()) {
        std::string list;
        for (std::size_t i = 0; i < f.dims_among.size(); ++i) {
            if (i) list += i + 1 == f.dims_among.size() ? " or " : ", ";
            list += std::to_string(f.dims_among[i]);
        }
        return list + " numeric dimensions (those its minimum is published for)";
    }
    if (f.dims_multiple > 1) {
        std::size_t m = f.dims_multiple, first = (f.min_dims + m - 1) / m * m;
        return "a multiple of " + count(m) + " (" + std::to_string(first) + ", " +
               std::to_string(first + m) + ", " + std::to_string(first + 2 * m) + ", ...)";
    }
    return "at least " + count(f.min_dims);
}

// One evaluation; the noise is drawn from the trial's seed, so a trial reports the same value
// whichever thread runs it.
class function_run : public run {
public:
    function_run(const benchmark& f, std::vector<double> x, double noise, std::uint64_t seed)
        : f_(f), x_(std::move(x)), noise_(noise), seed_(seed) {}

    metrics step() override {
        double y = f_.eval(x_);
        // Regret is measured on the noiseless value; clamped because the published minima
        // carry 15 digits and the function may round a hair below them at the minimiser.
        double regret = std::max(0.0, y - f_.minimum_for(x_.size()));
        done_ = true;
        return {{"value", y + noise_ * gaussian()}, {"regret", regret}};
    }
    bool done() const override { return done_; }

private:
    // Box-Muller from 53-bit uniforms, spelled out so a seed gives the same noise on any
    // standard library (std::normal_distribution's output is unspecified).
    double gaussian() const {
        if (noise_ == 0) return 0;
        rng r(seed_);
        double u1 = 1 - unit_draw(r), u2 = unit_draw(r);  // u1 in (0, 1]: log(u1) is finite
        return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
    }

    const benchmark& f_;
    std::vector<double> x_;
    double noise_;
    std::uint64_t seed_;
    bool done_ = false;
};

class functions_model : public model {
public:
    static plugin_info info() {
        return {.name = "functions",
                .version = "1.0.0",
                .summary =
                    "Analytic benchmark functions with known minima (sphere, branin, "
                    "hartmann6, levy, schwefel, ...); one step per trial",
                .options = {
                    {.name = "function",
                     .type = option_type::string,
                     .help = "the function to minimise; its coordinates are the space's int "
                             "and float dimensions in order (choices are ignored); schwefel, "
                             "michalewicz and eggholder, whose minima hold on their usual box "
                             "only ([-500, 500], [0, pi], [-512, 512]), read a coordinate beyond "
                             "it as its bound",
                     .allowed = function_names()},
                    {.name = "shift",
                     .type = option_type::real,
                     .default_value = 0.0,
                     .help = "moves the optimum by this much along every coordinate: the model "
                             "evaluates f(x - shift), so the minimum stays and its place changes "
                             "(a changed environment for a test or a demo)"},
                    {.name = "choice_shift",
                     .type = option_type::real,
                     .default_value = 0.0,
                     .help = "makes the space's choices matter: each categorical dimension moves "
                             "the optimum by choice_shift times the index of the choice taken "
                             "(0 for the first), along every coordinate, so the best place of "
                             "the numbers depends on the choices; every choice keeps the same "
                             "minimum"},
                    {.name = "rotate",
                     .type = option_type::integer,
                     .default_value = std::int64_t{0},
                     .help = "a seed: when not 0, turns the function's axes by a random "
                             "orthogonal matrix R drawn from it, about the centre c of the "
                             "space's box ((low + high) / 2 on each coordinate): the model "
                             "evaluates f(c + R(x - shift - c)), so the minimum stays and a "
                             "minimiser m moves to c + R'(m - c) + shift (R' the transpose); it "
                             "stays in the box when |m - c| is at most half the box's shortest "
                             "side, and may leave it otherwise (the regret then stays above 0)",
                     .min = 0.0},
                    {.name = "noise",
                     .type = option_type::real,
                     .default_value = 0.0,
                     .help = "standard deviation of Gaussian noise added to \"value\" (seeded "
                             "by the trial's seed); \"regret\" stays noiseless",
                     .min = 0.0},
                }};
    }

    explicit functions_model(const options& o)
        : f_(functions::find_benchmark(o.get_string("function"))),
          shift_(o.get_real("shift")),
          choice_shift_(o.get_real("choice_shift")),
          rotate_(o.get_int("rotate")),
          noise_(o.get_real("noise")) {
        if (!std::isfinite(shift_))
            throw option_error("shift", "shift must be a finite number, got shift=" +
                                            to_string(option_value{shift_}));
        if (!std::isfinite(choice_shift_))
            throw option_error("choice_shift", "choice_shift must be a finite number, got " +
                                                   to_string(option_value{choice_shift_}));
        if (!f_)
            throw std::invalid_argument("unknown function \"" + o.get_string("function") + "\"");
        if (!(noise_ >= 0) || !std::isfinite(noise_))
            throw std::invalid_argument("noise must be a finite number >= 0, got noise=" +
                                        to_string(option_value{noise_}));
    }

    void prepare(const space& s) override {
        std::vector<std::string> names;
        std::vector<double> centre;
        choices_.clear();
        for (const auto& d : s) {
            if (d.kind() == dimension_kind::categorical) {
                choices_.emplace_back(d.name(), d.choices());
                continue;
            }
            // Every numeric dimension is a coordinate, and a coordinate cannot be missing.
            if (d.when())
                throw dimension_error(
                    d.name(),
                    "the functions model takes every int and float "
                    "dimension as a coordinate of \"" +
                        std::string(f_->name) +
                        "\", so none can be conditional (when = ...); drop the condition or make "
                        "the dimension a choice");
            names.push_back(d.name());
            centre.push_back((d.low() + d.high()) / 2);
        }
        std::size_t n = names.size();
        if (!f_->takes(n)) {
            std::string msg = "function \"" + std::string(f_->name) + "\" takes " +
                              dims_wanted(*f_) + ", the space has " + std::to_string(n);
            for (std::size_t i = 0; i < n; ++i) msg += (i ? ", " : " (") + names[i];
            throw std::invalid_argument(msg + (n ? ")" : ""));
        }
        coordinates_ = std::move(names);
        centre_ = std::move(centre);
        rotation_.clear();
        if (rotate_) rotation_ = functions::random_rotation(n, static_cast<std::uint64_t>(rotate_));
    }

    std::unique_ptr<run> start(const params& p, std::uint64_t seed) const override {
        // Reads only members set before trials run, so many threads may start runs at once.
        if (coordinates_.empty())
            throw std::logic_error("functions: start() before prepare() set the coordinates");
        std::vector<double> x;
        x.reserve(coordinates_.size());
        // Where the choices put the optimum (inactive choices move nothing).
        double moved = shift_;
        if (choice_shift_ != 0)
            for (const auto& [name, all] : choices_)
                if (auto it = p.find(name); it != p.end()) {
                    auto k = std::find(all.begin(), all.end(), it->second) - all.begin();
                    moved += choice_shift_ * static_cast<double>(k);
                }
        for (const auto& name : coordinates_) x.push_back(get_real(p, name) - moved);
        if (!rotation_.empty()) x = rotated(x);
        return std::make_unique<function_run>(*f_, std::move(x), noise_, seed);
    }

    std::int64_t max_steps() const override { return 1; }
    std::vector<std::string> metric_names() const override { return {"value", "regret"}; }

private:
    // c + R(x - c), c the box's centre: a one-to-one map, so f over it takes the same values and
    // keeps its minimum, reached where c + R(x - c) = m, at x = c + R'(m - c) (R orthogonal,
    // its inverse is its transpose R'); the model adds shift to that.
    std::vector<double> rotated(const std::vector<double>& x) const {
        std::size_t n = x.size();
        std::vector<double> z(centre_);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) z[i] += rotation_[i * n + j] * (x[j] - centre_[j]);
        return z;
    }

    const benchmark* f_;
    double shift_;
    double choice_shift_;
    // The space's categorical dimensions, in order, with their choices (a copy: the space may
    // not outlive prepare()).
    std::vector<std::pair<std::string, std::vector<value>>> choices_;
    std::int64_t rotate_;
    double noise_;
    std::vector<std::string> coordinates_;
    std::vector<double> centre_;    // of the space's box, one per coordinate
    std::vector<double> rotation_;  // n by n, row-major; empty without rotate
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::functions_model)
