#include "network.hpp"

#include <algorithm>
#include <cmath>

namespace caviar::mlp {
namespace {

// Evaluation chunk: large enough for efficient products, small enough for the cache.
constexpr Eigen::Index eval_chunk = 256;

void init_uniform(matrix& m, float limit, random_engine& rng) {
    for (Eigen::Index j = 0; j < m.cols(); ++j)
        for (Eigen::Index i = 0; i < m.rows(); ++i) m(i, j) = uniform_real(-limit, limit, rng);
}

}  // namespace

network::network(std::int64_t inputs, std::int64_t layers, std::int64_t units, std::int64_t classes,
                 mlp::activation a, mlp::optimizer o, random_engine& rng)
    : activation_(a), optimizer_(o) {
    std::vector<Eigen::Index> sizes{inputs};
    for (std::int64_t l = 0; l < layers; ++l) sizes.push_back(units);
    sizes.push_back(classes);
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
        const auto in = sizes[l], out = sizes[l + 1];
        const bool last = l + 2 == sizes.size();
        const bool he = !last && (a == activation::relu || a == activation::elu);
        const double limit = he ? std::sqrt(6.0 / double(in)) : std::sqrt(6.0 / double(in + out));
        weights_.emplace_back(out, in);
        init_uniform(weights_.back(), static_cast<float>(limit), rng);
        biases_.push_back(matrix::Zero(out, 1));
        weight_moment_.push_back(matrix::Zero(out, in));
        bias_moment_.push_back(matrix::Zero(out, 1));
        if (o == optimizer::adam) {
            weight_second_.push_back(matrix::Zero(out, in));
            bias_second_.push_back(matrix::Zero(out, 1));
            weight_gradient_.push_back(matrix::Zero(out, in));
            bias_gradient_.push_back(matrix::Zero(out, 1));
        }
    }
    acts_.resize(sizes.size());
    deltas_.resize(sizes.size());
    for (std::size_t l = 0; l < sizes.size(); ++l) acts_[l].resize(sizes[l], 0);
    for (std::size_t l = 1; l < sizes.size(); ++l) deltas_[l].resize(sizes[l], 0);
}

void network::reserve(Eigen::Index batch) {
    if (acts_[0].cols() >= batch) return;
    for (auto& m : acts_) m.resize(m.rows(), batch);
    for (std::size_t l = 1; l < deltas_.size(); ++l) deltas_[l].resize(deltas_[l].rows(), batch);
    column_.resize(batch);
    labels_.resize(static_cast<std::size_t>(batch));
}

bool network::forward(Eigen::Index n, std::span<const std::int32_t> labels, evaluation& e,
                      bool count_correct) {
    const auto last = static_cast<std::size_t>(depth());
    for (std::size_t l = 0; l < last; ++l) {
        auto out = acts_[l + 1].leftCols(n);
        out.noalias() = weights_[l] * acts_[l].leftCols(n);
        out.colwise() += biases_[l].col(0);
        if (l + 1 < last) activate(activation_, out);
    }

    // Softmax cross-entropy, shifted by each column's max so exp never overflows:
    // loss = log(sum exp(z - max)) - (z_label - max).
    auto z = acts_[last].leftCols(n);
    auto m = column_.leftCols(n);
    m = z.colwise().maxCoeff();
    z.rowwise() -= m;
    double loss = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        loss -= z(labels[static_cast<std::size_t>(i)], i);
        if (count_correct) {
            Eigen::Index best = 0;
            z.col(i).maxCoeff(&best);
            e.correct += best == labels[static_cast<std::size_t>(i)];
        }
    }
    z = z.array().exp();
    m = z.colwise().sum();
    for (Eigen::Index i = 0; i < n; ++i) loss += std::log(double(m(i)));
    z.array().rowwise() /= m.array();
    e.loss += loss;
    e.count += n;
    return std::isfinite(loss);
}

double network::train(const matrix& x, std::span<const std::int32_t> y,
                      std::span<const Eigen::Index> rows, const update_rule& rule) {
    const auto n = static_cast<Eigen::Index>(rows.size());
    reserve(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        acts_[0].col(i) = x.col(rows[static_cast<std::size_t>(i)]);
        labels_[static_cast<std::size_t>(i)] = y[static_cast<std::size_t>(rows[i])];
    }
    evaluation e;
    const std::span<const std::int32_t> labels(labels_.data(), static_cast<std::size_t>(n));
    if (!forward(n, labels, e, false)) return e.loss;

    // d mean-loss / d logits = (softmax - onehot) / n.
    const auto last = static_cast<std::size_t>(depth());
    auto d = deltas_[last].leftCols(n);
    d = acts_[last].leftCols(n);
    for (Eigen::Index i = 0; i < n; ++i) d(labels[static_cast<std::size_t>(i)], i) -= 1.0f;
    d *= 1.0f / static_cast<float>(n);

    ++updates_;
    // Adam's bias corrections, folded into the step size and the denominator (as PyTorch does).
    float step = 0, root_correction2 = 0;
    if (optimizer_ == optimizer::adam) {
        const auto t = static_cast<double>(updates_);
        step = static_cast<float>(rule.learning_rate / (1 - std::pow(double(rule.beta), t)));
        root_correction2 = static_cast<float>(std::sqrt(1 - std::pow(double(rule.beta2), t)));
    }

    for (std::size_t l = last; l-- > 0;) {
        auto delta = deltas_[l + 1].leftCols(n);
        auto input = acts_[l].leftCols(n);
        // The next delta needs this layer's weights before they move.
        if (l > 0) {
            auto below = deltas_[l].leftCols(n);
            below.noalias() = weights_[l].transpose() * delta;
            scale_by_derivative(activation_, below, input);
        }
        if (optimizer_ == optimizer::adam) {
            auto& gw = weight_gradient_[l];
            gw.noalias() = delta * input.transpose();
            if (rule.weight_decay != 0) gw += rule.weight_decay * weights_[l];
            adam_step(weights_[l], weight_moment_[l], weight_second_[l], gw, step, root_correction2,
                      rule);
            bias_gradient_[l] = delta.rowwise().sum();
            adam_step(biases_[l], bias_moment_[l], bias_second_[l], bias_gradient_[l], step,
                      root_correction2, rule);
            continue;
        }
        auto& vw = weight_moment_[l];
        vw *= rule.beta;
        vw.noalias() -= rule.learning_rate * (delta * input.transpose());
        if (rule.weight_decay != 0) vw -= (rule.learning_rate * rule.weight_decay) * weights_[l];
        weights_[l] += vw;
        auto& vb = bias_moment_[l];
        vb = rule.beta * vb - rule.learning_rate * delta.rowwise().sum();
        biases_[l] += vb;
    }
    return e.loss;
}

void network::adam_step(matrix& w, matrix& m, matrix& v, const matrix& g, float step,
                        float root_correction2, const update_rule& rule) {
    m = rule.beta * m + (1 - rule.beta) * g;
    v = rule.beta2 * v + (1 - rule.beta2) * g.cwiseAbs2();
    w.array() -= step * m.array() / (v.array().sqrt() / root_correction2 + adam_epsilon);
}

evaluation network::evaluate(const matrix& x, std::span<const std::int32_t> y) {
    evaluation e;
    reserve(std::min<Eigen::Index>(eval_chunk, x.cols()));
    for (Eigen::Index start = 0; start < x.cols(); start += eval_chunk) {
        const auto n = std::min(eval_chunk, x.cols() - start);
        acts_[0].leftCols(n) = x.middleCols(start, n);
        forward(n, y.subspan(static_cast<std::size_t>(start), static_cast<std::size_t>(n)), e,
                true);
    }
    return e;
}

std::vector<matrix*> network::state() {
    std::vector<matrix*> out;
    for (std::size_t l = 0; l < weights_.size(); ++l) {
        for (auto* m : {&weights_[l], &biases_[l], &weight_moment_[l], &bias_moment_[l]})
            out.push_back(m);
        if (optimizer_ == optimizer::adam)
            for (auto* m : {&weight_second_[l], &bias_second_[l]}) out.push_back(m);
    }
    return out;
}

std::vector<const matrix*> network::state() const {
    auto mutable_state = const_cast<network*>(this)->state();
    return {mutable_state.begin(), mutable_state.end()};
}

}  // namespace caviar::mlp
