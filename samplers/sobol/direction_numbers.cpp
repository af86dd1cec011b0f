// The primitive polynomials and initial direction numbers m_1..m_s of dimensions 2 to 32 are
// the first rows of S. Joe and F. Y. Kuo, "new-joe-kuo-6.21201" (2008), published with
// "Constructing Sobol sequences with better two-dimensional projections", SIAM J. Sci.
// Comput. 30 (2008) 2635-2654, https://web.maths.unsw.edu.au/~fkuo/sobol/ . Dimension 1 is the
// van der Corput sequence (all m_k = 1). The remaining m_k follow from Bratley and Fox's
// recurrence (ACM TOMS 14, 1988), written out below.
#include "direction_numbers.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace caviar::sobol {
namespace {

// One row of the table: degree s of the primitive polynomial
// x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1, its inner coefficients a = a_1 ... a_(s-1) as bits
// (a_1 the most significant), and the odd initial numbers m_1..m_s (m_k < 2^k).
struct row {
    int s;
    std::uint32_t a;
    std::vector<std::uint32_t> m;
};

// Dimensions 2 to 32 (the d column of the file is the position here plus 2).
const std::vector<row>& table() {
    static const std::vector<row> rows{
        {1, 0, {1}},
        {2, 1, {1, 3}},
        {3, 1, {1, 3, 1}},
        {3, 2, {1, 1, 1}},
        {4, 1, {1, 1, 3, 3}},
        {4, 4, {1, 3, 5, 13}},
        {5, 2, {1, 1, 5, 5, 17}},
        {5, 4, {1, 1, 5, 5, 5}},
        {5, 7, {1, 1, 7, 11, 19}},
        {5, 11, {1, 1, 5, 1, 1}},
        {5, 13, {1, 1, 1, 3, 11}},
        {5, 14, {1, 3, 5, 5, 31}},
        {6, 1, {1, 3, 3, 9, 7, 49}},
        {6, 13, {1, 1, 1, 15, 21, 21}},
        {6, 16, {1, 3, 1, 13, 27, 49}},
        {6, 19, {1, 1, 1, 15, 7, 5}},
        {6, 22, {1, 3, 1, 15, 13, 25}},
        {6, 25, {1, 1, 5, 5, 19, 61}},
        {7, 1, {1, 3, 7, 11, 23, 15, 103}},
        {7, 4, {1, 3, 7, 13, 13, 15, 69}},
        {7, 7, {1, 1, 3, 13, 7, 35, 63}},
        {7, 8, {1, 3, 5, 9, 1, 25, 53}},
        {7, 14, {1, 3, 1, 13, 9, 35, 107}},
        {7, 19, {1, 3, 1, 5, 27, 61, 31}},
        {7, 21, {1, 1, 5, 11, 19, 41, 61}},
        {7, 28, {1, 3, 5, 3, 3, 13, 69}},
        {7, 31, {1, 1, 7, 13, 1, 19, 1}},
        {7, 32, {1, 3, 7, 5, 13, 19, 59}},
        {7, 37, {1, 1, 3, 9, 25, 29, 41}},
        {7, 41, {1, 3, 5, 13, 23, 1, 55}},
        {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    };
    return rows;
}

}  // namespace

std::array<std::uint32_t, bits> direction_numbers(std::size_t d) {
    if (d >= max_dimensions)
        throw std::out_of_range("Sobol direction numbers cover " + std::to_string(max_dimensions) +
                                " dimensions, asked for " + std::to_string(d + 1));
    // m[k] for k = 1..bits (m[0] unused), then v_k = m_k / 2^k as a 32-bit fraction.
    std::array<std::uint32_t, bits + 1> m{};
    if (d == 0) {
        m.fill(1);
    } else {
        const row& r = table()[d - 1];
        for (int k = 1; k <= r.s; ++k) m[k] = r.m[static_cast<std::size_t>(k - 1)];
        // m_k = 2 a_1 m_(k-1) ^ 4 a_2 m_(k-2) ^ ... ^ 2^(s-1) a_(s-1) m_(k-s+1)
        //       ^ 2^s m_(k-s) ^ m_(k-s)
        for (int k = r.s + 1; k <= bits; ++k) {
            std::uint32_t x = (m[k - r.s] << r.s) ^ m[k - r.s];
            for (int j = 1; j < r.s; ++j)
                if ((r.a >> (r.s - 1 - j)) & 1u) x ^= m[k - j] << j;
            m[k] = x;
        }
    }
    std::array<std::uint32_t, bits> v{};
    for (int k = 1; k <= bits; ++k) v[k - 1] = m[k] << (bits - k);
    return v;
}

}  // namespace caviar::sobol
