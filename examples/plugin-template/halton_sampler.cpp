// A quasi-random sampler: trial n gets the (n + skip)-th point of the Halton sequence, one prime
// base per dimension, mapped through each dimension's scale. Points fill the unit cube more
// evenly than random ones, and depend only on the trial number.
#include <caviar/caviar.hpp>

#include <array>
#include <stdexcept>

namespace {

// Radical inverse of i in base b: the digits of i mirrored around the radix point.
double radical_inverse(std::uint64_t i, std::uint64_t base) {
    double inv = 1.0 / static_cast<double>(base), f = inv, r = 0;
    for (; i > 0; i /= base, f *= inv) r += f * static_cast<double>(i % base);
    return r;
}

constexpr std::array<std::uint64_t, 32> primes = {2,  3,  5,  7,   11,  13,  17,  19,  23,  29, 31,
                                                  37, 41, 43, 47,  53,  59,  61,  67,  71,  73, 79,
                                                  83, 89, 97, 101, 103, 107, 109, 113, 127, 131};

class halton_sampler final : public caviar::sampler {
public:
    static caviar::plugin_info info() {
        return {.name = "halton",
                .version = "1.0.0",
                .summary = "Halton quasi-random points (up to 32 dimensions)",
                .options = {{.name = "skip",
                             .type = caviar::option_type::integer,
                             .default_value = std::int64_t{1},
                             .help = "points of the sequence to skip (the first is the origin)",
                             .min = 0}}};
    }

    explicit halton_sampler(const caviar::options& o)
        : skip_(static_cast<std::uint64_t>(o.get_int("skip"))) {}

    void prepare(const caviar::space& s, std::int64_t) override {
        if (s.size() > primes.size())
            throw std::invalid_argument("halton supports up to 32 dimensions, the space has " +
                                        std::to_string(s.size()));
    }

    caviar::params propose(const caviar::sample_request& req) override {
        std::vector<double> u(req.space.size());
        auto index = static_cast<std::uint64_t>(req.number) + skip_;
        for (std::size_t d = 0; d < u.size(); ++d) u[d] = radical_inverse(index, primes[d]);
        return req.space.from_unit(u);
    }

private:
    std::uint64_t skip_;
};

}  // namespace

CAVIAR_PLUGIN(halton_sampler)
