// The search space: ordered dimensions.
#pragma once

#include <caviar/dimension.hpp>
#include <caviar/export.hpp>
#include <caviar/value.hpp>

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace caviar {

class CAVIAR_API space {
public:
    space() = default;
    explicit space(std::vector<dimension> dims) : dims_(std::move(dims)) {}

    void add(dimension d) { dims_.push_back(std::move(d)); }
    std::size_t size() const { return dims_.size(); }
    bool empty() const { return dims_.empty(); }
    const dimension& operator[](std::size_t i) const { return dims_[i]; }
    auto begin() const { return dims_.begin(); }
    auto end() const { return dims_.end(); }

    /// The dimension called name, or nullptr.
    const dimension* find(std::string_view name) const;

    /// Every dimension's problems (prefixed "[space.NAME] ") plus duplicate names and broken
    /// conditions (unknown parent, parent defined later, values the parent cannot take).
    std::vector<std::string> problems() const;

    /// Whether any dimension is conditional.
    bool conditional() const;
    /// Whether dimension d is active given the (other) params in p: it has no condition, or its
    /// parent is present in p with one of the condition's values.
    bool active(const dimension& d, const params& p) const;

    /// Point in the unit cube (one coordinate per dimension, in order) -> params; inactive
    /// dimensions are left out (their coordinates are ignored).
    params from_unit(std::span<const double> u) const;
    /// params -> point in the unit cube; absent (inactive) dimensions give NaN. Throws
    /// std::invalid_argument when an unconditional dimension is missing.
    std::vector<double> to_unit(const params& p) const;
    /// Whether p has a contained value for exactly the dimensions that are active in it.
    bool contains(const params& p) const;
    /// Why p is not contained (empty when it is), each problem ending in "; ": an active
    /// dimension missing, an inactive one given, a value out of its dimension, a name that is
    /// not a dimension.
    std::string problems(const params& p) const;

    /// Canonical text (one dimension per line) and its 64-bit FNV-1a hash: two studies have the
    /// same space exactly when these agree.
    std::string describe() const;
    std::uint64_t hash() const;

private:
    std::vector<dimension> dims_;
};

/// x folded back into [0, 1] by reflection at the faces (1.2 -> 0.8, -0.1 -> 0.1), for a
/// sampler that moves a unit coordinate (a Gaussian step): a point that leaves the cube lands
/// near where it left, and the faces stay reachable. Not finite: the centre, 0.5.
inline double reflect_into_unit(double x) {
    if (!std::isfinite(x)) return 0.5;
    double t = std::fmod(std::abs(x), 2.0);
    return t <= 1 ? t : 2 - t;
}

}  // namespace caviar
