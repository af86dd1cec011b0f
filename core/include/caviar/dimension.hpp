// A dimension of the search space: name, kind, bounds or choices, scale and step.
//
// Scales live here and nowhere else. Every dimension maps its values to and from the unit
// interval, so a sampler that draws uniformly in [0, 1] samples on the dimension's scale for free
// and a coarse-to-fine zoom is a box in unit space.
#pragma once

#include <caviar/export.hpp>
#include <caviar/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace caviar {

enum class dimension_kind { integer, real, categorical };

/// linear: uniform in the value. log: uniform in log10(value). log1m: uniform in
/// log10(1 - value), for momentum-like values close to 1 (beta = 1 - 10^r).
enum class scale { linear, log, log1m };

CAVIAR_API const char* to_string(dimension_kind k);
CAVIAR_API const char* to_string(scale s);

/// A dimension is active only when an earlier dimension (its parent) has one of `values`, e.g.
/// `momentum` only when `optimizer` is "sgd". An inactive dimension is absent from the params.
struct condition {
    std::string parent;
    std::vector<value> values;
};

class CAVIAR_API dimension {
public:
    /// An integer dimension over [low, high] (both included). step 0 means 1.
    static dimension integer(std::string name, std::int64_t low, std::int64_t high,
                             caviar::scale s = scale::linear, std::int64_t step = 0);
    /// A real dimension over [low, high]. step 0 means continuous.
    static dimension real(std::string name, double low, double high,
                          caviar::scale s = scale::linear, double step = 0);
    /// A categorical dimension; choices are strings or numbers.
    static dimension categorical(std::string name, std::vector<value> choices);

    /// Makes this dimension conditional (see condition); returns *this.
    dimension& when(std::string parent, std::vector<value> values);
    /// The condition, if the dimension is conditional.
    const std::optional<caviar::condition>& when() const { return when_; }

    /// The rules this dimension breaks, each naming the rule and the values, e.g.
    /// "low must be below high, got low=1, high=0.1". Empty when valid.
    std::vector<std::string> problems() const;

    const std::string& name() const { return name_; }
    dimension_kind kind() const { return kind_; }
    caviar::scale scale() const { return scale_; }
    double low() const { return low_; }
    double high() const { return high_; }
    double step() const { return step_; }
    const std::vector<value>& choices() const { return choices_; }
    /// Number of distinct values; 0 for a continuous real dimension.
    std::int64_t cardinality() const;

    /// Value -> [0, 1]. An int or a choice maps to the centre of its cell, so that
    /// from_unit(to_unit(v)) == v.
    double to_unit(const value& v) const;
    /// [0, 1] -> value on this dimension's scale, rounded to int/step, clamped to the bounds.
    value from_unit(double u) const;
    /// Whether v has this dimension's type, lies in the bounds and on the step grid.
    bool contains(const value& v) const;

    /// Canonical one-line text, e.g. "units int [8, 256] log" or
    /// "momentum float [0, 1] linear when optimizer in [\"sgd\"]"; used for hashing and display.
    std::string describe() const;

private:
    double to_scaled(double x) const;    // value -> scaled axis (log10 etc.)
    double from_scaled(double r) const;  // scaled axis -> value

    std::string name_;
    dimension_kind kind_ = dimension_kind::real;
    caviar::scale scale_ = scale::linear;
    double low_ = 0;
    double high_ = 1;
    double step_ = 0;
    std::vector<value> choices_;
    std::optional<caviar::condition> when_;
};

}  // namespace caviar
