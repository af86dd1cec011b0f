// The update rules a run can train with, and one step's settings.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace caviar::mlp {

enum class optimizer { momentum, adam };

inline constexpr std::array<std::string_view, 2> optimizer_names = {"momentum", "adam"};

inline std::string_view to_string(optimizer o) {
    return optimizer_names[static_cast<std::size_t>(o)];
}

inline std::optional<optimizer> optimizer_from_string(std::string_view s) {
    for (std::size_t i = 0; i < optimizer_names.size(); ++i)
        if (optimizer_names[i] == s) return static_cast<optimizer>(i);
    return std::nullopt;
}

/// One training step's settings (the rule itself is the network's optimizer). Weight decay (L2) is
/// added to the weights' gradient (not the biases') under both rules.
///
/// momentum, undampened, in "velocity" form:
///     v <- beta * v - learning_rate * (g + weight_decay * w);   w <- w + v
/// so a learning-rate change reaches the weights gradually, as the old velocity decays
/// (learning_rate = beta = 0 stops the weights at once).
///
/// adam (Kingma & Ba, with bias correction), at update t = 1, 2, ...:
///     g <- g + weight_decay * w
///     m <- beta * m + (1 - beta) * g;   v <- beta2 * v + (1 - beta2) * g^2
///     w <- w - learning_rate / (1 - beta^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
/// The corrections use the current betas, so changing them mid-run is allowed (not exact Adam
/// for the updates before the change, which only matters for the first few hundred steps).
struct update_rule {
    float learning_rate = 0.05f;
    float beta = 0.9f;  // momentum, or Adam's beta1
    float beta2 = 0.999f;
    float weight_decay = 0;
};

inline constexpr float adam_epsilon = 1e-8f;

}  // namespace caviar::mlp
