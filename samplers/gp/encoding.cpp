#include "encoding.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace caviar::gp {

encoding::encoding(const space& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const dimension& d = s[i];
        std::int64_t n = d.cardinality();
        if (n == 1) continue;  // a single value says nothing
        part p{.dim = i, .first = scale_of_.size(), .how = kind::numeric, .count = 0};
        std::size_t width = 1;
        if (d.kind() == dimension_kind::categorical) {
            p.how = kind::choices;
            p.count = n;
            width = static_cast<std::size_t>(n);
        } else if (d.when()) {
            p.how = kind::arc;
            width = 2;
        }
        parts_.push_back(p);
        scale_of_.insert(scale_of_.end(), width, scales_);
        ++scales_;
    }
}

void encoding::encode(std::span<const double> unit, double* out) const {
    for (const part& p : parts_) {
        double u = unit[p.dim];
        double* f = out + p.first;
        switch (p.how) {
            case kind::numeric:
                f[0] = std::isnan(u) ? 0.5 : u;  // unconditional: NaN only from a foreign point
                break;
            case kind::arc:
                f[0] = std::isnan(u) ? 0.0 : std::cos(u);
                f[1] = std::isnan(u) ? 0.0 : std::sin(u);
                break;
            case kind::choices: {
                std::fill(f, f + p.count, 0.0);
                if (std::isnan(u)) break;
                auto k = static_cast<std::int64_t>(std::floor(u * static_cast<double>(p.count)));
                f[std::clamp<std::int64_t>(k, 0, p.count - 1)] = std::numbers::sqrt2 / 2;
                break;
            }
        }
    }
}

void snap(const space& s, std::vector<double>& u, double fill) {
    for (double& x : u)
        if (std::isnan(x)) x = fill;
    u = s.to_unit(s.from_unit(u));
}

}  // namespace caviar::gp
