// Coarse to fine: the box around the best trials, and the narrowed space it stands for.
//
// A box is computed per dimension in unit space (dimension::to_unit / from_unit), so a log
// dimension zooms in log space and a log1m one in log(1 - x) space. Header-only: the plugin and
// its unit tests compile the same code.
#pragma once

#include <caviar/space.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace caviar::coarse_to_fine {

/// Unit-space width a box is widened to (around its centre) when it is narrower: a box around
/// one trial, or around trials that share a value, still leaves something to search.
inline constexpr double min_width = 0.05;

/// The [low, high] in unit space around `units` (the kept trials' coordinates on one dimension):
/// widened by margin × width on each side, to min_width when narrower, then clipped to [0, 1]
/// (a box at an edge is shifted inward to keep min_width).
inline std::pair<double, double> unit_extent(std::span<const double> units, double margin) {
    auto [lo_it, hi_it] = std::minmax_element(units.begin(), units.end());
    double lo = *lo_it, hi = *hi_it, pad = margin * (hi - lo);
    lo -= pad;
    hi += pad;
    if (hi - lo < min_width) {
        double centre = (lo + hi) / 2;
        lo = centre - min_width / 2;
        hi = centre + min_width / 2;
        if (lo < 0) hi -= lo, lo = 0;
        if (hi > 1) lo -= hi - 1, hi = 1;
    }
    return {std::clamp(lo, 0.0, 1.0), std::clamp(hi, 0.0, 1.0)};
}

/// d with bounds [low, high] (values of d, on its grid); kind, scale, step and condition kept.
inline dimension with_bounds(const dimension& d, const value& low, const value& high) {
    dimension out =
        d.kind() == dimension_kind::integer
            ? dimension::integer(d.name(), std::get<std::int64_t>(low),
                                 std::get<std::int64_t>(high), d.scale(),
                                 static_cast<std::int64_t>(std::llround(d.step())))
            : dimension::real(d.name(), to_double(low), to_double(high), d.scale(), d.step());
    if (d.when()) out.when(d.when()->parent, d.when()->values);
    return out;
}

/// d keeping only `choices` (a subset of its own, in its order); condition kept.
inline dimension with_choices(const dimension& d, std::vector<value> choices) {
    dimension out = dimension::categorical(d.name(), std::move(choices));
    if (d.when()) out.when(d.when()->parent, d.when()->values);
    return out;
}

/// The space of `dims` (a space's dimensions, possibly narrowed or left out, in its order),
/// with each condition restricted to the values its narrowed parent can still take. A dimension
/// whose condition can no longer hold (its parent left out, or none of its values left) is left
/// out too: it could never be active, so no params would hold it anyway, and keeping it would
/// break space::problems().
inline space assemble(const std::vector<dimension>& dims) {
    space out;
    for (const auto& d : dims) {
        if (!d.when()) {
            out.add(d);
            continue;
        }
        const dimension* parent = out.find(d.when()->parent);
        if (!parent) continue;
        std::vector<value> values;
        for (const auto& v : d.when()->values)
            if (parent->contains(v)) values.push_back(v);
        if (values.empty()) continue;
        dimension kept = d;
        kept.when(d.when()->parent, std::move(values));
        out.add(std::move(kept));
    }
    return out;
}

/// One dimension narrowed around the values the kept trials give it (those where it is active);
/// unchanged when it is active in none of them.
inline dimension narrow_dimension(const dimension& d, const std::vector<const value*>& seen,
                                  double margin) {
    if (seen.empty()) return d;
    if (d.kind() == dimension_kind::categorical) {
        std::vector<value> kept;
        for (const auto& c : d.choices())
            if (std::any_of(seen.begin(), seen.end(), [&](const value* v) { return *v == c; }))
                kept.push_back(c);
        return with_choices(d, std::move(kept));
    }
    std::vector<double> units;
    for (const value* v : seen) units.push_back(d.to_unit(*v));
    auto [lo, hi] = unit_extent(units, margin);
    // from_unit gives the value whose cell holds the point: for ints and steps the bounds take
    // every grid value whose cell the box touches (rounded outward), on the original grid.
    return with_bounds(d, d.from_unit(lo), d.from_unit(hi));
}

/// `full` narrowed around the params of the kept trials (each contained in full): per
/// dimension, the unit-space box around their values, widened by `margin` × its width on each
/// side; categoricals keep the choices seen; see assemble() for conditions.
inline space narrow(const space& full, std::span<const params* const> kept, double margin) {
    std::vector<dimension> dims;
    for (const auto& d : full) {
        std::vector<const value*> seen;
        for (const params* p : kept)
            if (auto it = p->find(d.name()); it != p->end()) seen.push_back(&it->second);
        dims.push_back(narrow_dimension(d, seen, margin));
    }
    return assemble(dims);
}

}  // namespace caviar::coarse_to_fine
