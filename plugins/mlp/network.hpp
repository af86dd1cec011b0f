// A dense feed-forward classifier: hidden layers with one activation, a softmax output, cross-
// entropy loss, and SGD with momentum. Buffers are sized once (and grown when the batch grows),
// so training allocates nothing per batch.
#pragma once

#include "activation.hpp"
#include "dataset.hpp"
#include "random.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace caviar::mlp {

/// One SGD step's settings. Momentum in the undampened "velocity" form:
///     v <- beta * v - learning_rate * (g + weight_decay * w);   w <- w + v
/// so a learning-rate change reaches the weights gradually, as the old velocity decays
/// (learning_rate = beta = 0 stops the weights at once). Weight decay (L2) skips the biases.
struct sgd {
    float learning_rate = 0.05f;
    float beta = 0.9f;
    float weight_decay = 0;
};

/// Sums over a set of examples (divide by count for means).
struct evaluation {
    double loss = 0;           // sum of cross-entropies (nats)
    std::int64_t correct = 0;  // argmax == label
    std::int64_t count = 0;
};

class network {
public:
    /// inputs -> `layers` hidden layers of `units` -> classes. Weights drawn from rng: He uniform
    /// (limit sqrt(6 / fan_in)) before relu and elu, Xavier/Glorot uniform
    /// (sqrt(6 / (fan_in + fan_out))) before tanh, sigmoid and the softmax; biases 0.
    network(std::int64_t inputs, std::int64_t layers, std::int64_t units, std::int64_t classes,
            mlp::activation a, random_engine& rng);

    /// One SGD step on the examples x.col(rows[i]), labels y[rows[i]]. Returns the batch's summed
    /// loss, which is not finite if training diverged (the step is then not applied).
    double train(const matrix& x, std::span<const std::int32_t> y,
                 std::span<const Eigen::Index> rows, const sgd& opt);

    /// Loss and accuracy over all of x's columns, in fixed chunks (so results do not depend on
    /// the training batch size).
    evaluation evaluate(const matrix& x, std::span<const std::int32_t> y);

    /// The state a checkpoint holds, in a fixed order: per layer its weights, biases, weight
    /// velocity and bias velocity.
    std::vector<matrix*> state();
    std::vector<const matrix*> state() const;

private:
    std::int64_t depth() const { return static_cast<std::int64_t>(weights_.size()); }
    void reserve(Eigen::Index batch);
    // Forward pass over acts_[0].leftCols(n); leaves softmax probabilities in acts_.back().
    // Adds the loss (and correct count) to e; returns false on a non-finite loss.
    bool forward(Eigen::Index n, std::span<const std::int32_t> labels, evaluation& e,
                 bool count_correct);

    mlp::activation activation_;
    std::vector<matrix> weights_;  // layer l: outputs x inputs
    std::vector<matrix> biases_;   // outputs x 1
    std::vector<matrix> weight_velocity_;
    std::vector<matrix> bias_velocity_;

    // Workspace, columns = examples of the current batch (capacity columns allocated).
    std::vector<matrix> acts_;    // acts_[0] input, acts_[l] layer l's output, last: softmax
    std::vector<matrix> deltas_;  // deltas_[l]: d loss / d (pre-activation of acts_[l])
    Eigen::Matrix<float, 1, Eigen::Dynamic> column_;  // per-example scratch
    std::vector<std::int32_t> labels_;
};

}  // namespace caviar::mlp
