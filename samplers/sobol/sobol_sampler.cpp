// The Sobol sampler: trial n gets point n of a scrambled Sobol sequence, mapped into the space
// by space::from_unit (so each dimension is sampled on its own scale).
//
// Scrambling is Matousek's random linear matrix scrambling plus a digital shift: each coordinate's
// binary digits go through a random lower-triangular 64x64 matrix with a unit diagonal, then are
// XORed with a random 64-bit shift. Digit j of the result depends on digits 1..j of the point
// only, so every elementary interval of the sequence maps onto one of the same size: the first
// 2^k points still have one point in each 2^-k slice of every axis, and point 0 is no longer the
// cube's corner. The 32 bits the sequence defines fill the 53 bits of a double.
//
// The scrambling is drawn from the study seed and the option `seed` (the same in every request of
// a study, so all its points come from one sequence): another study seed gives another scramble,
// and so does another option seed with the same study seed.
#include "direction_numbers.hpp"

#include <caviar/caviar.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace caviar {
namespace {

// One dimension's scramble: row j of the matrix (as a 64-bit mask over the input digits, digit 1
// the most significant bit) gives output digit j+1.
struct scramble {
    std::array<std::uint64_t, 64> rows{};
    std::uint64_t shift = 0;

    std::uint64_t apply(std::uint64_t x) const {
        std::uint64_t y = 0;
        for (int j = 0; j < 64; ++j)
            y |=
                static_cast<std::uint64_t>(std::popcount(rows[static_cast<std::size_t>(j)] & x) & 1)
                << (63 - j);
        return y ^ shift;
    }
};

scramble draw_scramble(rng& r) {
    scramble s;
    for (int j = 0; j < 64; ++j) {
        int diagonal = 63 - j;
        // Random digits above the diagonal bit (the more significant input digits), a one on it.
        std::uint64_t above = j == 0 ? 0 : ~std::uint64_t{0} << (diagonal + 1);
        s.rows[static_cast<std::size_t>(j)] = (r() & above) | (std::uint64_t{1} << diagonal);
    }
    s.shift = r();
    return s;
}

scramble identity() {
    scramble s;
    for (int j = 0; j < 64; ++j) s.rows[static_cast<std::size_t>(j)] = std::uint64_t{1} << (63 - j);
    return s;
}

class sobol_sampler : public sampler {
public:
    static plugin_info info() {
        return {
            .name = "sobol",
            .version = "1.0.0",
            .summary = "Scrambled Sobol quasi-random points (Joe-Kuo direction numbers, up to " +
                       std::to_string(sobol::max_dimensions) + " dimensions); trial n is point n",
            .options = {
                {.name = "seed",
                 .type = option_type::integer,
                 .default_value = std::int64_t{0},
                 .help = "mixed with the study seed into the scrambling, which every trial "
                         "of the study shares: another value gives another sequence"},
                {.name = "skip",
                 .type = option_type::integer,
                 .default_value = std::int64_t{0},
                 .help = "points of the sequence to skip: trial n gets point n + skip (keep "
                         "0 or a power of 2 to keep the sequence's balance)",
                 .min = 0.0},
                {.name = "scramble",
                 .type = option_type::boolean,
                 .default_value = true,
                 .help = "scramble the sequence; false gives the plain Sobol points, which "
                         "start at the corner of the space"},
            }};
    }

    explicit sobol_sampler(const options& o)
        : skip_(o.get_int("skip")),
          seed_(static_cast<std::uint64_t>(o.get_int("seed"))),
          scrambled_(o.get_bool("scramble")) {
        if (skip_ < 0)
            throw std::invalid_argument("skip must be at least 0, got skip=" +
                                        std::to_string(skip_));
        for (std::size_t d = 0; d < sobol::max_dimensions; ++d)
            directions_.push_back(sobol::direction_numbers(d));
    }

    void prepare(const space& s, std::int64_t budget) override {
        check_size(s);
        if (budget > 0 && static_cast<std::uint64_t>(budget) + static_cast<std::uint64_t>(skip_) >
                              (std::uint64_t{1} << sobol::bits))
            throw std::invalid_argument("the Sobol sequence has 2^" + std::to_string(sobol::bits) +
                                        " points, the study asks for " + std::to_string(budget) +
                                        " after skipping " + std::to_string(skip_));
    }

    params propose(const sample_request& req) override {
        check_size(req.space);
        draw_scrambles(req.study_seed);
        // Past the 2^32 points the sequence wraps around.
        auto index = static_cast<std::uint32_t>(static_cast<std::uint64_t>(req.number) +
                                                static_cast<std::uint64_t>(skip_));
        std::vector<double> u(req.space.size());
        for (std::size_t d = 0; d < u.size(); ++d) {
            std::uint32_t x = 0;
            for (int k = 0; index >> k; ++k)
                if ((index >> k) & 1u) x ^= directions_[d][static_cast<std::size_t>(k)];
            std::uint64_t y = scrambles_[d].apply(std::uint64_t{x} << 32);
            u[d] = unit_from_bits(y);
        }
        return req.space.from_unit(u);
    }

private:
    static void check_size(const space& s) {
        if (s.size() > sobol::max_dimensions)
            throw std::invalid_argument("the sobol sampler has direction numbers for " +
                                        std::to_string(sobol::max_dimensions) +
                                        " dimensions, the space has " + std::to_string(s.size()) +
                                        ": use fewer dimensions or another sampler");
    }

    // The scrambles of a study, drawn on its first request (the options come before the study).
    void draw_scrambles(std::uint64_t study_seed) {
        if (!scrambles_.empty() && scrambled_for_ == study_seed) return;
        scrambles_.clear();
        rng r(mix64(derive_seed(study_seed, seed_)));
        for (std::size_t d = 0; d < sobol::max_dimensions; ++d)
            scrambles_.push_back(scrambled_ ? draw_scramble(r) : identity());
        scrambled_for_ = study_seed;
    }

    std::int64_t skip_;
    std::uint64_t seed_;
    bool scrambled_;
    std::vector<std::array<std::uint32_t, sobol::bits>> directions_;
    std::vector<scramble> scrambles_;
    std::uint64_t scrambled_for_ = 0;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::sobol_sampler)
