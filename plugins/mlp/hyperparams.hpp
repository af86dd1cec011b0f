// The params a run reads, their defaults and their rules; and the check of a study's space.
#pragma once

#include "activation.hpp"
#include "optimizer.hpp"

#include <caviar/space.hpp>
#include <caviar/value.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace caviar::mlp {

struct hyperparams {
    // Architecture: fixed for a run's life.
    std::int64_t layers = 1;  // hidden layers; 0 is softmax regression
    std::int64_t units = 64;  // units per hidden layer
    mlp::activation activation = activation::relu;
    // Not a shape, but it decides the state kept beside the weights: fixed for a run too.
    mlp::optimizer optimizer = optimizer::momentum;
    // Training: update() may change these between epochs.
    double learning_rate = 0.05;
    double beta = 0.9;     // momentum, or Adam's beta1
    double beta2 = 0.999;  // Adam's second-moment decay (a momentum run ignores it)
    double weight_decay = 0;
    std::int64_t batch_size = 32;  // defaults to the model's batch_size option
};

inline constexpr std::array<std::string_view, 4> architecture_names = {"layers", "units",
                                                                       "activation", "optimizer"};
inline constexpr std::array<std::string_view, 9> param_names = {
    "layers", "units", "activation",   "optimizer", "learning_rate",
    "beta",   "beta2", "weight_decay", "batch_size"};

/// Params -> hyperparams, a default for each one p lacks. Throws std::invalid_argument naming
/// the param for an unknown name, a wrong type or a value out of range.
hyperparams read_hyperparams(const params& p, std::int64_t default_batch_size);

/// The training params in p replace h's. An architecture param with a value other than h's
/// throws std::invalid_argument ("layers is an architecture parameter and cannot change
/// mid-run"); with the same value (e.g. a full param set copied from a trial of the same
/// architecture) it is accepted. h is unchanged when this throws.
void update_hyperparams(hyperparams& h, const params& p);

/// Throws std::invalid_argument listing every problem: unknown names (with the nearest known
/// one and the list of known ones), wrong kinds, bounds out of range, unknown activations and
/// optimizers (with the nearest known one).
void check_space(const space& s);

}  // namespace caviar::mlp
