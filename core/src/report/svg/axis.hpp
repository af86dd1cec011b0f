// Axes of a chart: where a value goes on screen, and which ticks to label, on the scale the
// value was searched on (linear, log, log1m) or as categories.
#pragma once

#include <caviar/dimension.hpp>

#include <string>
#include <vector>

namespace caviar {

enum class axis_scale { linear, log, log1m, categorical };

struct tick {
    double value;       // in data units (a category's index for categorical axes)
    std::string label;  // e.g. "0.5", "1e-4", "0.999", "relu"
};

/// About `target` ticks at multiples of 1, 2 or 5 times a power of ten, inside [lo, hi].
std::vector<tick> linear_ticks(double lo, double hi, int target = 5, bool integer = false);
/// Powers of ten inside [lo, hi] (lo > 0); when fewer than two fit, 1-2-5 steps of each decade;
/// over many decades, every second or fifth decade.
std::vector<tick> log_ticks(double lo, double hi);
/// 1 - 10^-k inside [lo, hi] (hi < 1): 0.9, 0.99, 0.999, ...; when fewer than two fit, also
/// 1 - 2*10^-k and 1 - 5*10^-k (0.95, 0.98, ...).
std::vector<tick> log1m_ticks(double lo, double hi);

/// A short label for a tick value: no trailing zeros, exponent form for very large or small.
std::string tick_label(double v);

/// Maps values in [lo, hi] (data units) to pixels [p0, p1] along the scale's transform:
/// linear v, log log10(v), log1m -log10(1 - v), categorical: the centre of band i of n.
class axis {
public:
    axis() = default;
    axis(axis_scale s, double lo, double hi, double p0, double p1, bool integer = false);
    static axis categorical(std::vector<std::string> names, double p0, double p1);
    /// The axis of a search dimension, over its bounds, on its scale.
    static axis of(const dimension& d, double p0, double p1);

    /// Widens [lo, hi] to the outer ticks (linear axes only), so the data never touches the
    /// frame and the ends are labelled.
    axis& nice();

    double operator()(double v) const;
    std::vector<tick> ticks() const;

    axis_scale scale() const { return scale_; }
    double lo() const { return lo_; }
    double hi() const { return hi_; }
    double p0() const { return p0_; }
    double p1() const { return p1_; }
    /// Pixel width of one category band (categorical axes).
    double band() const;
    const std::vector<std::string>& names() const { return names_; }

private:
    double transform(double v) const;

    axis_scale scale_ = axis_scale::linear;
    double lo_ = 0, hi_ = 1, p0_ = 0, p1_ = 1;
    bool integer_ = false;
    std::vector<std::string> names_;
};

}  // namespace caviar
