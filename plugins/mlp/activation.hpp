// Hidden-layer activation functions, and their derivatives written in terms of the output, so
// that backpropagation needs only the layer's activations (not its pre-activations).
#pragma once

#include <Eigen/Core>

#include <array>
#include <optional>
#include <string_view>

namespace caviar::mlp {

enum class activation { relu, tanh, sigmoid, elu };

inline constexpr std::array<std::string_view, 4> activation_names = {"relu", "tanh", "sigmoid",
                                                                     "elu"};

inline std::string_view to_string(activation a) {
    return activation_names[static_cast<std::size_t>(a)];
}

inline std::optional<activation> activation_from_string(std::string_view s) {
    for (std::size_t i = 0; i < activation_names.size(); ++i)
        if (activation_names[i] == s) return static_cast<activation>(i);
    return std::nullopt;
}

/// z <- f(z), in place.
template <class Block>
void activate(activation a, Block&& z) {
    auto x = z.array();
    switch (a) {
        case activation::relu:
            x = x.max(0.0f);
            break;
        case activation::tanh:
            x = x.tanh();
            break;
        case activation::sigmoid:
            x = (1.0f + (-x).exp()).inverse();
            break;
        // alpha = 1. exp - 1 rather than expm1: Eigen vectorizes exp only, and the absolute error
        // near 0 (1e-7) does not matter here.
        case activation::elu:
            x = (x > 0.0f).select(x, x.min(0.0f).exp() - 1.0f);
            break;
    }
}

/// g <- g * f'(z), given the activations y = f(z).
template <class Grad, class Out>
void scale_by_derivative(activation a, Grad&& g, const Out& y) {
    auto d = g.array();
    auto f = y.array();
    switch (a) {
        case activation::relu:
            d = (f > 0.0f).select(d, 0.0f);
            break;
        case activation::tanh:
            d *= 1.0f - f.square();
            break;
        case activation::sigmoid:
            d *= f * (1.0f - f);
            break;
        case activation::elu:
            d = (f > 0.0f).select(d, d * (f + 1.0f));
            break;  // e^z = y + 1
    }
}

}  // namespace caviar::mlp
