// A dense feed-forward classifier: hidden layers with one activation, a softmax output, cross-
// entropy loss, and SGD with momentum or Adam. Buffers are sized once (and grown when the batch
// grows), so training allocates nothing per batch.
#pragma once

#include "activation.hpp"
#include "dataset.hpp"
#include "optimizer.hpp"
#include "random.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace caviar::mlp {

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
    /// (sqrt(6 / (fan_in + fan_out))) before tanh, sigmoid and the softmax; biases 0. The
    /// optimizer decides the state kept beside the weights (Adam needs second moments).
    network(std::int64_t inputs, std::int64_t layers, std::int64_t units, std::int64_t classes,
            mlp::activation a, mlp::optimizer o, random_engine& rng);

    /// One step of the network's optimizer, with rule's settings, on the examples
    /// x.col(rows[i]), labels y[rows[i]]. Returns the batch's summed loss, which is not finite if
    /// training diverged (the step is then not applied).
    double train(const matrix& x, std::span<const std::int32_t> y,
                 std::span<const Eigen::Index> rows, const update_rule& rule);

    /// Loss and accuracy over all of x's columns, in fixed chunks (so results do not depend on
    /// the training batch size).
    evaluation evaluate(const matrix& x, std::span<const std::int32_t> y);

    /// The tensors a checkpoint holds, in a fixed order: per layer its weights, biases, weight
    /// and bias first moments (momentum's velocity, Adam's m), then for Adam the weight and bias
    /// second moments (v).
    std::vector<matrix*> state();
    std::vector<const matrix*> state() const;

    /// Steps applied so far (Adam's t, for its bias correction); part of the checkpoint too.
    std::int64_t updates() const { return updates_; }
    void set_updates(std::int64_t n) { updates_ = n; }

private:
    std::int64_t depth() const { return static_cast<std::int64_t>(weights_.size()); }
    void reserve(Eigen::Index batch);
    // Forward pass over acts_[0].leftCols(n); leaves softmax probabilities in acts_.back().
    // Adds the loss (and correct count) to e; returns false on a non-finite loss.
    bool forward(Eigen::Index n, std::span<const std::int32_t> labels, evaluation& e,
                 bool count_correct);

    // Adam's update of one tensor, given its gradient g.
    static void adam_step(matrix& w, matrix& m, matrix& v, const matrix& g, float step,
                          float root_correction2, const update_rule& rule);

    mlp::activation activation_;
    mlp::optimizer optimizer_;
    std::int64_t updates_ = 0;
    std::vector<matrix> weights_;        // layer l: outputs x inputs
    std::vector<matrix> biases_;         // outputs x 1
    std::vector<matrix> weight_moment_;  // momentum's velocity, or Adam's m
    std::vector<matrix> bias_moment_;
    std::vector<matrix> weight_second_;  // Adam's v (empty for momentum)
    std::vector<matrix> bias_second_;
    std::vector<matrix> weight_gradient_;  // Adam's workspace (momentum folds g into v)
    std::vector<matrix> bias_gradient_;

    // Workspace, columns = examples of the current batch (capacity columns allocated).
    std::vector<matrix> acts_;    // acts_[0] input, acts_[l] layer l's output, last: softmax
    std::vector<matrix> deltas_;  // deltas_[l]: d loss / d (pre-activation of acts_[l])
    Eigen::Matrix<float, 1, Eigen::Dynamic> column_;  // per-example scratch
    std::vector<std::int32_t> labels_;
};

}  // namespace caviar::mlp
