// The learning_curve model: a synthetic training run with the shape of a real one, in
// microseconds. The loss moves from 1 toward a floor that the params set:
//
//   loss <- loss - rate(lr) * (loss - floor),   rate = min(0.9, 2 lr)
//   floor = 0.02 + 0.5 * mean_i (u_i - c_i)^2 + 0.3 lr
//
// where u_i is each other param in the unit cube of its dimension and c_i a fixed target. A high
// learning rate looks good early and plateaus higher, so curves cross as they do in real
// training (what early stopping has to cope with) and lowering the rate mid-run beats any fixed
// one (what population-based training exploits). Checkpoints and update() work, so every
// strategy can be tested and benchmarked without training a network.
#include <caviar/caviar.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <istream>
#include <memory>
#include <numbers>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace caviar {
namespace {

constexpr double default_learning_rate = 0.1;

// Where each param's optimum lies in its unit interval: spread out, never on a bound.
double target(std::size_t i) {
    double x = 0.3 + 0.6180339887498949 * static_cast<double>(i);
    return 0.15 + 0.7 * (x - std::floor(x));
}

struct settings {
    std::int64_t steps = 27;
    double step_ms = 0;
    double noise = 0;
    bool checkpoints = true;
    std::vector<std::string> architecture;
    caviar::space space;
};

class curve_run : public run {
public:
    curve_run(const settings& s, const params& p, std::uint64_t seed) : s_(s), rng_(seed) {
        set(p);
    }

    metrics step() override {
        if (s_.step_ms > 0) wait(s_.step_ms);
        double rate = std::min(0.9, 2 * lr_);
        loss_ -= rate * (loss_ - floor_);
        ++step_;
        double seen = loss_;
        if (s_.noise > 0) seen += s_.noise * gaussian();
        return {{"val_loss", seen}, {"val_accuracy", 1 - seen}, {"train_loss", loss_}};
    }
    bool done() const override { return step_ >= s_.steps; }

    void save(std::ostream& out) const override {
        if (!s_.checkpoints) run::save(out);
        std::ostringstream engine;
        engine << rng_;
        out << "learning_curve 1\n"
            << step_ << ' ' << std::hexfloat << loss_ << ' ' << lr_ << '\n'
            << engine.str() << '\n'
            << std::defaultfloat;
    }
    void load(std::istream& in) override {
        if (!s_.checkpoints) run::load(in);
        std::string magic, version, engine;
        double loss = 0, lr = 0;
        std::int64_t step = 0;
        in >> magic >> version;
        if (magic != "learning_curve" || version != "1")
            throw std::invalid_argument("learning_curve: not one of its checkpoints");
        in >> step;
        std::string hex_loss, hex_lr;
        in >> hex_loss >> hex_lr;
        loss = std::strtod(hex_loss.c_str(), nullptr);
        lr = std::strtod(hex_lr.c_str(), nullptr);
        in >> std::ws;
        std::getline(in, engine);
        std::istringstream engine_in(engine);
        std::mt19937_64 rng;
        engine_in >> rng;
        if (!in || !engine_in || step < 0 || !(lr > 0))
            throw std::invalid_argument("learning_curve: a damaged checkpoint");
        step_ = step;
        loss_ = loss;
        lr_ = lr;
        rng_ = rng;
    }
    void update(const params& p) override {
        for (const auto& name : s_.architecture) {
            auto next = p.find(name);
            auto now = std::as_const(current_).find(name);
            if (next != p.end() && (now == current_.end() || now->second != next->second))
                throw std::invalid_argument(name +
                                            " is an architecture parameter and cannot change "
                                            "mid-run");
        }
        set(p);
    }
    void cancel() noexcept override { cancelled_ = true; }

private:
    void set(const params& p) {
        current_ = p;
        lr_ = p.count("learning_rate") ? get_real(p, "learning_rate") : default_learning_rate;
        if (!(lr_ > 0)) throw std::invalid_argument("learning_rate must be > 0");
        double sum = 0;
        std::size_t n = 0;
        for (std::size_t i = 0; i < s_.space.size(); ++i) {
            const dimension& d = s_.space[i];
            auto it = p.find(d.name());
            if (d.name() == "learning_rate" || it == p.end()) continue;
            double u = d.to_unit(it->second) - target(i);
            sum += u * u;
            ++n;
        }
        floor_ = 0.02 + 0.5 * (n ? sum / static_cast<double>(n) : 0.0) + 0.3 * lr_;
    }

    // Sleeps in slices so a trial timeout (cancel) stops a long step early.
    void wait(double ms) {
        auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double, std::milli>(ms));
        while (std::chrono::steady_clock::now() < until) {
            if (cancelled_) throw std::runtime_error("cancelled");
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
                until - std::chrono::steady_clock::now(), std::chrono::milliseconds(10)));
        }
    }

    // Box-Muller from 53-bit uniforms: the same noise for a seed on any standard library.
    double gaussian() {
        double u1 = 1 - unit_draw(rng_), u2 = unit_draw(rng_);
        return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
    }

    const settings& s_;
    std::mt19937_64 rng_;
    params current_;
    std::int64_t step_ = 0;
    double loss_ = 1;
    double lr_ = default_learning_rate;
    double floor_ = 0;
    std::atomic<bool> cancelled_{false};
};

std::vector<std::string> split_names(const std::string& text) {
    std::vector<std::string> out;
    std::string name;
    std::istringstream in(text);
    while (std::getline(in, name, ',')) {
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        if (!name.empty()) out.push_back(name);
    }
    return out;
}

class learning_curve_model : public model {
public:
    static plugin_info info() {
        return {.name = "learning_curve",
                .version = "1.0.0",
                .summary =
                    "Synthetic learning curves with checkpoints, for trying strategies "
                    "in seconds: the loss falls toward a floor set by the params; a high "
                    "learning_rate is fast early and plateaus higher",
                .options = {
                    {.name = "steps",
                     .type = option_type::integer,
                     .default_value = std::int64_t{27},
                     .help = "steps (epochs) of a full run",
                     .min = 1.0},
                    {.name = "step_ms",
                     .type = option_type::real,
                     .default_value = 0.0,
                     .help = "milliseconds each step sleeps, to stand in for training time",
                     .min = 0.0},
                    {.name = "noise",
                     .type = option_type::real,
                     .default_value = 0.0,
                     .help = "standard deviation of Gaussian noise on val_loss (seeded)",
                     .min = 0.0},
                    {.name = "checkpoints",
                     .type = option_type::boolean,
                     .default_value = true,
                     .help = "whether runs save and load checkpoints (false: a resumed trial "
                             "restarts from step 0)"},
                    {.name = "architecture",
                     .type = option_type::string,
                     .default_value = std::string(),
                     .help = "comma-separated params that cannot change mid-run"},
                }};
    }

    explicit learning_curve_model(const options& o) {
        s_.steps = o.get_int("steps");
        s_.step_ms = o.get_real("step_ms");
        s_.noise = o.get_real("noise");
        s_.checkpoints = o.get_bool("checkpoints");
        s_.architecture = split_names(o.get_string("architecture"));
    }

    void prepare(const space& sp) override {
        for (const auto& name : s_.architecture)
            if (!sp.find(name))
                throw option_error("architecture", "architecture names \"" + name +
                                                       "\", which is not a dimension of the space");
        if (const dimension* lr = sp.find("learning_rate");
            lr && (lr->kind() == dimension_kind::categorical || !(lr->low() > 0)))
            throw dimension_error("learning_rate",
                                  "must be a number range above 0 for learning_curve");
        s_.space = sp;
    }

    std::unique_ptr<run> start(const params& p, std::uint64_t seed) const override {
        return std::make_unique<curve_run>(s_, p, seed);
    }

    std::int64_t max_steps() const override { return s_.steps; }
    std::vector<std::string> metric_names() const override {
        return {"val_loss", "val_accuracy", "train_loss"};
    }
    model_capabilities capabilities() const override {
        model_capabilities c{capability::update};
        if (s_.checkpoints) c.add(capability::checkpoints);
        return c;
    }
    std::vector<std::string> architecture() const override { return s_.architecture; }

private:
    settings s_;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::learning_curve_model)
