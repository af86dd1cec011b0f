#include "mlp_run.hpp"

#include "checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace caviar::mlp {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string architecture_text(const hyperparams& h) {
    return "layers=" + std::to_string(h.layers) + ", units=" + std::to_string(h.units) +
           ", activation=" + std::string(to_string(h.activation)) +
           ", optimizer=" + std::string(to_string(h.optimizer));
}

}  // namespace

mlp_run::mlp_run(std::shared_ptr<const dataset> data, const hyperparams& h, std::int64_t epochs,
                 std::uint64_t seed)
    : data_(std::move(data)),
      params_(h),
      epochs_(epochs),
      rng_(seed),
      net_(data_->features(), h.layers, h.units, data_->classes(), h.activation, h.optimizer, rng_),
      order_(static_cast<std::size_t>(data_->train_x.cols())) {}

update_rule mlp_run::rule() const {
    return {.learning_rate = static_cast<float>(params_.learning_rate),
            .beta = static_cast<float>(params_.beta),
            .beta2 = static_cast<float>(params_.beta2),
            .weight_decay = static_cast<float>(params_.weight_decay)};
}

caviar::metrics mlp_run::step() {
    if (diverged_) return {{"train_loss", nan}, {"val_accuracy", nan}, {"val_loss", nan}};

    // A fresh permutation each epoch, so the order depends on the engine's state alone.
    std::iota(order_.begin(), order_.end(), Eigen::Index{0});
    shuffle(order_, rng_);
    const auto rows = static_cast<std::int64_t>(order_.size());
    const auto batch = std::min(params_.batch_size, rows);
    const update_rule opt = rule();
    double total = 0;
    for (std::int64_t start = 0; start < rows; start += batch) {
        const std::span<const Eigen::Index> part(
            order_.data() + start, static_cast<std::size_t>(std::min(batch, rows - start)));
        const double loss = net_.train(data_->train_x, data_->train_y, part, opt);
        if (!std::isfinite(loss)) {
            diverged_ = true;
            ++epoch_;
            return {{"train_loss", loss}, {"val_accuracy", nan}, {"val_loss", nan}};
        }
        total += loss;
    }
    ++epoch_;

    const evaluation e = net_.evaluate(data_->val_x, data_->val_y);
    return {{"train_loss", total / double(rows)},
            {"val_accuracy", double(e.correct) / double(e.count)},
            {"val_loss", e.loss / double(e.count)}};
}

void mlp_run::save(std::ostream& out) const {
    checkpoint c;
    c.data_fingerprint = data_->fingerprint;
    c.features = data_->features();
    c.classes = data_->classes();
    c.params = params_;
    c.epoch = epoch_;
    c.diverged = diverged_;
    c.updates = net_.updates();
    std::ostringstream engine;
    engine << rng_;
    c.rng_state = engine.str();
    for (const matrix* m : net_.state()) c.tensors.push_back(*m);
    write_checkpoint(out, c);
}

void mlp_run::load(std::istream& in) {
    checkpoint c = read_checkpoint(in);
    if (c.data_fingerprint != data_->fingerprint || c.features != data_->features() ||
        c.classes != data_->classes())
        throw std::invalid_argument(
            "mlp checkpoint: saved on other data (or another split/standardization) than this "
            "model's");
    if (c.params.layers != params_.layers || c.params.units != params_.units ||
        c.params.activation != params_.activation || c.params.optimizer != params_.optimizer)
        throw std::invalid_argument("mlp checkpoint: saved from a run with " +
                                    architecture_text(c.params) + ", this run has " +
                                    architecture_text(params_));
    auto state = net_.state();
    if (c.tensors.size() != state.size())
        throw std::invalid_argument("mlp checkpoint: " + std::to_string(c.tensors.size()) +
                                    " tensors, expected " + std::to_string(state.size()));
    for (std::size_t i = 0; i < state.size(); ++i)
        if (c.tensors[i].rows() != state[i]->rows() || c.tensors[i].cols() != state[i]->cols())
            throw std::invalid_argument("mlp checkpoint: tensor " + std::to_string(i) +
                                        " has the wrong shape");
    random_engine engine;
    std::istringstream engine_text(c.rng_state);
    engine_text >> engine;
    if (!engine_text) throw std::invalid_argument("mlp checkpoint: bad random engine state");
    // Hyperparams first checked by the same rules as params (a corrupt learning rate is refused).
    params p = {{"learning_rate", c.params.learning_rate},
                {"beta", c.params.beta},
                {"beta2", c.params.beta2},
                {"weight_decay", c.params.weight_decay},
                {"batch_size", c.params.batch_size}};
    hyperparams next = params_;
    update_hyperparams(next, p);

    // Everything checked: commit.
    params_ = next;
    epoch_ = c.epoch;
    diverged_ = c.diverged;
    rng_ = engine;
    net_.set_updates(c.updates);
    for (std::size_t i = 0; i < state.size(); ++i) *state[i] = std::move(c.tensors[i]);
}

void mlp_run::update(const caviar::params& p) {
    update_hyperparams(params_, p);
}

}  // namespace caviar::mlp
