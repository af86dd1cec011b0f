// A randomly shifted Halton sequence: the quasi-random points of the GP's start-up trials and
// of its acquisition candidates. Point i depends only on i and the shift, so parallel workers
// asking for trials i and i + 1 get different, evenly spread points.
#pragma once

#include <caviar/seed.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace caviar::gp {

class halton {
public:
    /// A sequence in `dims` dimensions, shifted (Cranley-Patterson, mod 1) by draws from seed.
    halton(std::size_t dims, std::uint64_t seed) {
        rng r(mix64(seed));
        for (std::uint64_t p = 2; bases_.size() < dims; ++p) {
            bool prime = true;
            for (std::uint64_t b : bases_) {
                if (b * b > p) break;
                if (p % b == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) bases_.push_back(p);
        }
        for (std::size_t d = 0; d < dims; ++d) shift_.push_back(unit_draw(r));
    }

    /// Point i, in [0, 1)^dims.
    std::vector<double> point(std::uint64_t i) const {
        std::vector<double> u(bases_.size());
        for (std::size_t d = 0; d < bases_.size(); ++d) {
            double x = radical_inverse(i + 1, bases_[d]) + shift_[d];
            u[d] = x - std::floor(x);
        }
        return u;
    }

private:
    static double radical_inverse(std::uint64_t i, std::uint64_t base) {
        double inverse = 1.0 / static_cast<double>(base), f = inverse, x = 0;
        for (; i > 0; i /= base, f *= inverse) x += f * static_cast<double>(i % base);
        return x;
    }

    std::vector<std::uint64_t> bases_;
    std::vector<double> shift_;
};

}  // namespace caviar::gp
