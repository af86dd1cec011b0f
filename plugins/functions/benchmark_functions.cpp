// The formulas and minima follow the usual references (Surjanovic & Bingham's Virtual Library
// of Simulation Experiments, https://www.sfu.ca/~ssurjano/optimization.html; BoTorch's test
// functions for the minima's digits); where a minimum's digits were computed here, or a
// formula departs from the library, the function's comment says so.
#include "benchmark_functions.hpp"

#include <caviar/seed.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace caviar::functions {
namespace {

using std::numbers::pi;

double sphere(std::span<const double> x) {
    double s = 0;
    for (double v : x) s += v * v;
    return s;
}

double rosenbrock(std::span<const double> x) {
    double s = 0;
    for (std::size_t i = 0; i + 1 < x.size(); ++i) {
        double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
        s += 100 * a * a + b * b;
    }
    return s;
}

double ackley(std::span<const double> x) {
    double sq = 0, cs = 0;
    for (double v : x) {
        sq += v * v;
        cs += std::cos(2 * pi * v);
    }
    auto d = static_cast<double>(x.size());
    return -20 * std::exp(-0.2 * std::sqrt(sq / d)) - std::exp(cs / d) + 20 + std::numbers::e;
}

double styblinski_tang(std::span<const double> x) {
    double s = 0;
    for (double v : x) s += v * v * v * v - 16 * v * v + 5 * v;
    return s / 2;
}

double rastrigin(std::span<const double> x) {
    double s = 10 * static_cast<double>(x.size());
    for (double v : x) s += v * v - 10 * std::cos(2 * pi * v);
    return s;
}

double branin(std::span<const double> x) {
    const double b = 5.1 / (4 * pi * pi), c = 5 / pi, t = 1 / (8 * pi);
    double a = x[1] - b * x[0] * x[0] + c * x[0] - 6;
    return a * a + 10 * (1 - t) * std::cos(x[0]) + 10;
}

double goldstein_price(std::span<const double> x) {
    double u = x[0], v = x[1];
    double a = u + v + 1, b = 2 * u - 3 * v;
    return (1 + a * a * (19 - 14 * u + 3 * u * u - 14 * v + 6 * u * v + 3 * v * v)) *
           (30 + b * b * (18 - 32 * u + 12 * u * u + 48 * v - 36 * u * v + 27 * v * v));
}

// Hartmann functions: minus a sum of four Gaussian-like bumps on the unit cube.
template <std::size_t D>
double hartmann(std::span<const double> x, const double (&a)[4][D], const double (&p)[4][D]) {
    static constexpr double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    double s = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        double e = 0;
        for (std::size_t j = 0; j < D; ++j) e += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]);
        s += alpha[i] * std::exp(-e);
    }
    return -s;
}

// p[3][0] is 0.03815 as in Jamil & Yang (2013) and SciPy's global benchmarks, whose minimum
// -3.86278214782076 we publish; with 0.0381 (VLSE, BoTorch) the minimum is -3.8627797873.
double hartmann3(std::span<const double> x) {
    static constexpr double a[4][3] = {{3, 10, 30}, {0.1, 10, 35}, {3, 10, 30}, {0.1, 10, 35}};
    static constexpr double p[4][3] = {{0.3689, 0.1170, 0.2673},
                                       {0.4699, 0.4387, 0.7470},
                                       {0.1091, 0.8732, 0.5547},
                                       {0.03815, 0.5743, 0.8828}};
    return hartmann(x, a, p);
}

double hartmann6(std::span<const double> x) {
    static constexpr double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                       {0.05, 10, 17, 0.1, 8, 14},
                                       {3, 3.5, 1.7, 10, 17, 8},
                                       {17, 8, 0.05, 10, 0.1, 14}};
    static constexpr double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                       {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                       {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                       {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
    return hartmann(x, a, p);
}

// Levy: multimodal, with a flat-bottomed bowl; its minimum is 0 at x = (1, ..., 1).
double levy(std::span<const double> x) {
    auto w = [&](std::size_t i) { return 1 + (x[i] - 1) / 4; };
    auto sin2 = [](double v) { return std::sin(v) * std::sin(v); };
    std::size_t d = x.size();
    double s = sin2(pi * w(0));
    for (std::size_t i = 0; i + 1 < d; ++i)
        s += (w(i) - 1) * (w(i) - 1) * (1 + 10 * sin2(pi * w(i) + 1));
    return s + (w(d - 1) - 1) * (w(d - 1) - 1) * (1 + sin2(2 * pi * w(d - 1)));
}

// Griewank: a wide bowl covered with regular ripples (the product couples the coordinates).
double griewank(std::span<const double> x) {
    double s = 0, p = 1;
    for (std::size_t i = 0; i < x.size(); ++i) {
        s += x[i] * x[i] / 4000;
        p *= std::cos(x[i] / std::sqrt(static_cast<double>(i + 1)));
    }
    return s - p + 1;
}

// Schwefel: deceptive, the best point (420.97 on every coordinate) is far from the next best
// (-302.52 on a coordinate), and the second-best basins lie on the other side of the box. VLSE's
// constant 418.9829 is rounded: the exact maximum of v sin(sqrt|v|) on [-500, 500], at v =
// 420.96874635998203, is the one below, so that the minimum is 0 rather than 1.27e-5 d. Beyond
// +-500 the function keeps falling below 0, so coordinates outside the box are read as its nearest
// bound: the minimum holds everywhere.
double schwefel(std::span<const double> x) {
    double s = 418.98288727243371 * static_cast<double>(x.size());
    for (double v : x) {
        v = std::clamp(v, -500.0, 500.0);
        s -= v * std::sin(std::sqrt(std::abs(v)));
    }
    return s;
}

// Michalewicz (m = 10): steep narrow valleys between plateaus on [0, pi]^d, clamped to it as
// Schwefel is (outside it the minimum does not hold). It is separable, so its minimum is the
// sum of the coordinates' one-dimensional minima, computed to 20 digits (mpmath): -1.8013,
// -4.687658 and -9.66015 as published for d = 2, 5 and 10.
double michalewicz(std::span<const double> x) {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        double v = std::clamp(x[i], 0.0, pi);
        s -= std::sin(v) * std::pow(std::sin(static_cast<double>(i + 1) * v * v / pi), 20);
    }
    return s;
}

constexpr std::size_t michalewicz_dims[] = {2, 5, 10};

double michalewicz_minimum(std::size_t d) {
    switch (d) {
        case 2:
            return -1.8013034100985525;
        case 5:
            return -4.6876581790881463;
        case 10:
            return -9.6601517156413414;
        default:
            return std::numeric_limits<double>::quiet_NaN();  // not taken
    }
}

// Six-hump camel: two global minima among six local ones, at +-(0.0898, -0.7127).
double six_hump_camel(std::span<const double> x) {
    double u = x[0], v = x[1];
    return (4 - 2.1 * u * u + u * u * u * u / 3) * u * u + u * v + (-4 + 4 * v * v) * v * v;
}

// Shekel (m = 10): ten narrow wells on a flat plain in [0, 10]^4. The wells are Dixon & Szego's
// (1978), as in Hedar's and SciPy's benchmarks, with the minimum -10.536409816692 at
// (4.00075, 4.00059, 3.99966, 3.99951); VLSE's matrix has the seventh well at (5, 3, 5, 3), not
// (5, 5, 3, 3), which gives -10.5364431534835 (BoTorch's -10.536443).
double shekel(std::span<const double> x) {
    static constexpr double a[10][4] = {{4, 4, 4, 4}, {1, 1, 1, 1},    {8, 8, 8, 8}, {6, 6, 6, 6},
                                        {3, 7, 3, 7}, {2, 9, 2, 9},    {5, 5, 3, 3}, {8, 1, 8, 1},
                                        {6, 2, 6, 2}, {7, 3.6, 7, 3.6}};
    static constexpr double beta[10] = {0.1, 0.2, 0.2, 0.4, 0.4, 0.6, 0.3, 0.7, 0.5, 0.5};
    double s = 0;
    for (std::size_t i = 0; i < 10; ++i) {
        double e = beta[i];
        for (std::size_t j = 0; j < 4; ++j) e += (x[j] - a[i][j]) * (x[j] - a[i][j]);
        s -= 1 / e;
    }
    return s;
}

// Powell: quartic, with a singular Hessian at its minimum 0 at x = 0; coordinates in fours.
double powell(std::span<const double> x) {
    double s = 0;
    for (std::size_t i = 0; i + 3 < x.size(); i += 4) {
        double a = x[i] + 10 * x[i + 1], b = x[i + 2] - x[i + 3];
        double c = x[i + 1] - 2 * x[i + 2], e = x[i] - x[i + 3];
        s += a * a + 5 * b * b + c * c * c * c + 10 * e * e * e * e;
    }
    return s;
}

// Dixon-Price: a curved valley; minimum 0 at x_i = +-2^-((2^i - 2) / 2^i), i = 1..d.
double dixon_price(std::span<const double> x) {
    double s = (x[0] - 1) * (x[0] - 1);
    for (std::size_t i = 1; i < x.size(); ++i) {
        double a = 2 * x[i] * x[i] - x[i - 1];
        s += static_cast<double>(i + 1) * a * a;
    }
    return s;
}

// Zakharov: a plate-shaped bowl, ill-conditioned by the weighted sum's square and fourth power.
double zakharov(std::span<const double> x) {
    double sq = 0, w = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sq += x[i] * x[i];
        w += 0.5 * static_cast<double>(i + 1) * x[i];
    }
    return sq + w * w + w * w * w * w;
}

// Trid: a convex quadratic coupling neighbours; minimum -d(d+4)(d-1)/6 at x_i = i(d + 1 - i).
double trid(std::span<const double> x) {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        s += (x[i] - 1) * (x[i] - 1);
        if (i > 0) s -= x[i] * x[i - 1];
    }
    return s;
}

double trid_minimum(std::size_t d) {
    auto n = static_cast<double>(d);
    return -n * (n + 4) * (n - 1) / 6;
}

// Perm (d, beta), with beta = 10 (VLSE suggests 0.5; a larger beta separates the terms):
// sum over i of (sum over j of (j^i + beta)((x_j / j)^i - 1))^2; minimum 0 at x_j = j.
double perm(std::span<const double> x) {
    constexpr double beta = 10;
    std::size_t d = x.size();
    double s = 0;
    for (std::size_t i = 1; i <= d; ++i) {
        double inner = 0;
        for (std::size_t j = 1; j <= d; ++j) {
            auto jd = static_cast<double>(j), id = static_cast<double>(i);
            inner += (std::pow(jd, id) + beta) * (std::pow(x[j - 1] / jd, id) - 1);
        }
        s += inner * inner;
    }
    return s;
}

// Bukin N.6: a narrow curved ridge of near-minima along x2 = x1^2 / 100; minimum 0 at (-10, 1).
double bukin6(std::span<const double> x) {
    return 100 * std::sqrt(std::abs(x[1] - 0.01 * x[0] * x[0])) + 0.01 * std::abs(x[0] + 10);
}

// Eggholder: rugged, its minimum on the edge of [-512, 512]^2, at (512, 404.2318); clamped to
// that box as Schwefel is (outside it the function goes lower). The minimum's digits are
// computed (mpmath) where VLSE gives -959.6407.
double eggholder(std::span<const double> x) {
    double u = std::clamp(x[0], -512.0, 512.0), v = std::clamp(x[1], -512.0, 512.0) + 47;
    return -v * std::sin(std::sqrt(std::abs(v + u / 2))) - u * std::sin(std::sqrt(std::abs(u - v)));
}

// Easom: a plateau at 0 almost everywhere, with one narrow well of depth -1 at (pi, pi).
double easom(std::span<const double> x) {
    double a = x[0] - pi, b = x[1] - pi;
    return -std::cos(x[0]) * std::cos(x[1]) * std::exp(-(a * a + b * b));
}

}  // namespace

const std::vector<benchmark>& benchmarks() {
    static const std::vector<benchmark> all = {
        {.name = "sphere", .eval = sphere, .minimum = 0},
        {.name = "rosenbrock", .min_dims = 2, .eval = rosenbrock, .minimum = 0},
        {.name = "ackley", .eval = ackley, .minimum = 0},
        {.name = "styblinski_tang",
         .eval = styblinski_tang,
         .minimum = -39.16616570377142,
         .per_dimension = true},
        {.name = "rastrigin", .eval = rastrigin, .minimum = 0},
        {.name = "branin", .dims = 2, .eval = branin, .minimum = 0.397887357729738},
        {.name = "hartmann3", .dims = 3, .eval = hartmann3, .minimum = -3.86278214782076},
        {.name = "hartmann6", .dims = 6, .eval = hartmann6, .minimum = -3.32236801141551},
        {.name = "goldstein_price", .dims = 2, .eval = goldstein_price, .minimum = 3},
        {.name = "levy", .eval = levy, .minimum = 0},
        {.name = "griewank", .eval = griewank, .minimum = 0},
        {.name = "schwefel", .eval = schwefel, .minimum = 0},
        {.name = "michalewicz",
         .dims_among = michalewicz_dims,
         .eval = michalewicz,
         .minimum_of = michalewicz_minimum},
        {.name = "six_hump_camel",
         .dims = 2,
         .eval = six_hump_camel,
         .minimum = -1.0316284534898774},
        {.name = "shekel", .dims = 4, .eval = shekel, .minimum = -10.536409816692043},
        {.name = "powell", .min_dims = 4, .dims_multiple = 4, .eval = powell, .minimum = 0},
        {.name = "dixon_price", .min_dims = 2, .eval = dixon_price, .minimum = 0},
        {.name = "zakharov", .eval = zakharov, .minimum = 0},
        {.name = "trid", .eval = trid, .minimum_of = trid_minimum},
        {.name = "perm", .eval = perm, .minimum = 0},
        {.name = "bukin6", .dims = 2, .eval = bukin6, .minimum = 0},
        {.name = "eggholder", .dims = 2, .eval = eggholder, .minimum = -959.6406627208508},
        {.name = "easom", .dims = 2, .eval = easom, .minimum = -1},
    };
    return all;
}

std::vector<double> random_rotation(std::size_t d, std::uint64_t seed) {
    rng r(seed);
    // Box-Muller from 53-bit uniforms, as the model's noise.
    auto gaussian = [&r] {
        double u1 = 1 - unit_draw(r), u2 = unit_draw(r);  // u1 in (0, 1]: log(u1) is finite
        return std::sqrt(-2 * std::log(u1)) * std::cos(2 * pi * u2);
    };
    // Row i: a Gaussian vector less its projections on rows 0..i-1 (twice over, for rounding),
    // made unit. Gaussian vectors point every way alike, so the matrix is uniformly distributed
    // over the orthogonal matrices (a reflection as likely as a rotation).
    std::vector<double> q(d * d);
    for (std::size_t i = 0; i < d; ++i) {
        double* row = &q[i * d];
        // A vector nearly in the span of the rows before is drawn again (never, in practice).
        double norm = 0;
        while (!(norm > 1e-6)) {
            for (std::size_t j = 0; j < d; ++j) row[j] = gaussian();
            for (int pass = 0; pass < 2; ++pass)
                for (std::size_t k = 0; k < i; ++k) {
                    const double* other = &q[k * d];
                    double dot = 0;
                    for (std::size_t j = 0; j < d; ++j) dot += row[j] * other[j];
                    for (std::size_t j = 0; j < d; ++j) row[j] -= dot * other[j];
                }
            norm = 0;
            for (std::size_t j = 0; j < d; ++j) norm += row[j] * row[j];
            norm = std::sqrt(norm);
        }
        for (std::size_t j = 0; j < d; ++j) row[j] /= norm;
    }
    return q;
}

const benchmark* find_benchmark(std::string_view name) {
    for (const auto& b : benchmarks())
        if (b.name == name) return &b;
    return nullptr;
}

}  // namespace caviar::functions
