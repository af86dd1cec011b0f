// The search space: ordered dimensions.
#pragma once

#include <caviar/dimension.hpp>
#include <caviar/export.hpp>
#include <caviar/value.hpp>

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

    /// Every dimension's problems (prefixed "[space.NAME] ") plus duplicate names.
    std::vector<std::string> problems() const;

    /// Point in the unit cube (one coordinate per dimension, in order) -> params.
    params from_unit(std::span<const double> u) const;
    /// params -> point in the unit cube; throws std::invalid_argument on a missing name.
    std::vector<double> to_unit(const params& p) const;
    /// Whether p has exactly these dimensions' names, each value contained.
    bool contains(const params& p) const;

    /// Canonical text (one dimension per line) and its 64-bit FNV-1a hash: two studies have the
    /// same space exactly when these agree.
    std::string describe() const;
    std::uint64_t hash() const;

private:
    std::vector<dimension> dims_;
};

}  // namespace caviar
