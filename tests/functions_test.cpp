// The functions model plugin: benchmark minima, regret, dimension checks, one-step runs.
#define BOOST_TEST_MODULE functions
#include <boost/test/unit_test.hpp>

#include <caviar/caviar.hpp>
#include <plugin/registry.hpp>

#include "benchmark_functions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using caviar::dimension;
using std::numbers::pi;

std::shared_ptr<caviar::model> functions_model(const std::string& function, double noise = 0,
                                               double shift = 0, std::int64_t rotate = 0) {
    caviar::options o;
    o.set("function", function);
    o.set("noise", noise);
    o.set("shift", shift);
    o.set("rotate", rotate);
    o.set("choice_shift", 0.0);
    return caviar::registry::create<caviar::model>(
        caviar::registry::load_file(std::string(CAVIAR_PLUGIN_OUTPUT_DIR) + "/model_functions.so"),
        o);
}

// A space x0..x{d-1}, coordinate i over bounds[i] (or the last of them).
caviar::space box(std::size_t d, const std::vector<std::pair<double, double>>& bounds) {
    caviar::space sp;
    for (std::size_t i = 0; i < d; ++i) {
        auto [lo, hi] = bounds[std::min(i, bounds.size() - 1)];
        sp.add(dimension::real("x" + std::to_string(i), lo, hi));
    }
    return sp;
}

// A space x0..x{d-1} over [low, high].
caviar::space box(std::size_t d, double low, double high) {
    caviar::space sp;
    for (std::size_t i = 0; i < d; ++i) sp.add(dimension::real("x" + std::to_string(i), low, high));
    return sp;
}

// " (x0, x1, ...)" as a refusal lists the d coordinates of box(d, ...).
std::string message_names(std::size_t d) {
    std::string out;
    for (std::size_t i = 0; i < d; ++i) out += (i ? ", x" : " (x") + std::to_string(i);
    return out + (d ? ")" : "");
}

caviar::params point(const std::vector<double>& x) {
    caviar::params p;
    for (std::size_t i = 0; i < x.size(); ++i) p.emplace("x" + std::to_string(i), x[i]);
    return p;
}

caviar::metrics evaluate(const caviar::model& m, const caviar::params& p, std::uint64_t seed = 1) {
    return m.start(p, seed)->step();
}

struct minimiser {
    std::string function;
    std::vector<double> x;
    double minimum;
};

const double st = -2.903534027771178;  // Styblinski-Tang's minimiser, in every coordinate
const double sw = 420.96874635998203;  // Schwefel's, in every coordinate

// Michalewicz's minimiser, coordinate by coordinate (it is separable; computed with mpmath).
std::vector<double> michalewicz_minimiser(std::size_t d) {
    static const double m[10] = {2.2029055201726093, 1.5707963267948966, 1.2849915705529244,
                                 1.9230584698663628, 1.7204697725658413, 1.5707963267948966,
                                 1.4544139713623790, 1.7560865209450264, 1.6557174168210291,
                                 1.5707963267948966};
    return {m, m + d};
}

// Dixon-Price's: x_i = 2^-((2^i - 2) / 2^i), i = 1..d.
std::vector<double> dixon_price_minimiser(std::size_t d) {
    std::vector<double> x;
    for (std::size_t i = 1; i <= d; ++i) {
        double p = std::pow(2.0, static_cast<double>(i));
        x.push_back(std::pow(2.0, -(p - 2) / p));
    }
    return x;
}

// Trid's: x_i = i(d + 1 - i), i = 1..d.
std::vector<double> trid_minimiser(std::size_t d) {
    std::vector<double> x;
    for (std::size_t i = 1; i <= d; ++i) x.push_back(static_cast<double>(i * (d + 1 - i)));
    return x;
}

double trid_minimum(std::size_t d) {
    auto n = static_cast<double>(d);
    return -n * (n + 4) * (n - 1) / 6;
}

const double shekel_min = -10.536409816692043;
const double eggholder_min = -959.6406627208508;
const double camel_min = -1.0316284534898774;

const std::vector<minimiser> minimisers = {
    {"sphere", {0, 0, 0}, 0},
    {"sphere", {0}, 0},
    {"rosenbrock", {1, 1}, 0},
    {"rosenbrock", {1, 1, 1, 1, 1}, 0},
    {"ackley", {0, 0}, 0},
    {"ackley", {0, 0, 0, 0, 0, 0, 0}, 0},
    {"styblinski_tang", {st}, -39.16616570377142},
    {"styblinski_tang", {st, st, st}, -39.16616570377142 * 3},
    {"rastrigin", {0, 0, 0, 0}, 0},
    {"branin", {-pi, 12.275}, 0.397887357729738},
    {"branin", {pi, 2.275}, 0.397887357729738},
    {"branin", {3 * pi, 2.475}, 0.397887357729738},
    {"hartmann3", {0.11461433862565329, 0.5556488499691729, 0.8525469534575985}, -3.86278214782076},
    {"hartmann3", {0.114614, 0.555649, 0.852547}, -3.86278214782076},
    {"hartmann6",
     {0.20168951102809612, 0.15001069182041618, 0.47687397414414184, 0.2753324304888227,
      0.3116516166098658, 0.6573005340671184},
     -3.32236801141551},
    {"hartmann6", {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}, -3.32236801141551},
    {"goldstein_price", {0, -1}, 3},
    {"levy", {1, 1}, 0},
    {"levy", {1, 1, 1, 1, 1, 1}, 0},
    {"griewank", {0, 0, 0, 0, 0}, 0},
    {"schwefel", {sw}, 0},
    {"schwefel", {sw, sw, sw, sw, sw, sw, sw, sw, sw, sw}, 0},
    {"michalewicz", michalewicz_minimiser(2), -1.8013034100985525},
    {"michalewicz", michalewicz_minimiser(5), -4.6876581790881463},
    {"michalewicz", michalewicz_minimiser(10), -9.6601517156413414},
    {"six_hump_camel", {0.08984201310031806, -0.7126564030207396}, camel_min},
    {"six_hump_camel", {-0.08984201310031806, 0.7126564030207396}, camel_min},
    {"shekel",
     {4.000746531592047, 4.000592934138532, 3.999663398040322, 3.999509800586808},
     shekel_min},
    {"powell", {0, 0, 0, 0}, 0},
    {"powell", {0, 0, 0, 0, 0, 0, 0, 0}, 0},
    {"dixon_price", dixon_price_minimiser(2), 0},
    {"dixon_price", dixon_price_minimiser(7), 0},
    {"zakharov", {0, 0, 0}, 0},
    {"zakharov", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0},
    {"trid", trid_minimiser(2), trid_minimum(2)},
    {"trid", trid_minimiser(6), trid_minimum(6)},
    {"trid", trid_minimiser(10), trid_minimum(10)},
    {"perm", {1, 2}, 0},
    {"perm", {1, 2, 3, 4, 5}, 0},
    {"bukin6", {-10, 1}, 0},
    {"eggholder", {512, 404.2318051137578}, eggholder_min},
    {"easom", {pi, pi}, -1},
};

// Each function over its usual domain, and its minimum there.
struct domain {
    std::string function;
    std::size_t d;
    std::vector<std::pair<double, double>> bounds;  // one per coordinate, or one for all
    double minimum;
};

const std::vector<domain> domains = {
    {"sphere", 4, {{-5, 5}}, 0},
    {"rosenbrock", 3, {{-2, 2}}, 0},
    {"ackley", 3, {{-32, 32}}, 0},
    {"styblinski_tang", 4, {{-5, 5}}, -39.16616570377142 * 4},
    {"rastrigin", 3, {{-5.12, 5.12}}, 0},
    {"branin", 2, {{-5, 10}, {0, 15}}, 0.397887357729738},
    {"hartmann3", 3, {{0, 1}}, -3.86278214782076},
    {"hartmann6", 6, {{0, 1}}, -3.32236801141551},
    {"goldstein_price", 2, {{-2, 2}}, 3},
    {"levy", 4, {{-10, 10}}, 0},
    {"griewank", 5, {{-600, 600}}, 0},
    {"schwefel", 4, {{-500, 500}}, 0},
    {"michalewicz", 2, {{0, pi}}, -1.8013034100985525},
    {"michalewicz", 5, {{0, pi}}, -4.6876581790881463},
    {"michalewicz", 10, {{0, pi}}, -9.6601517156413414},
    {"six_hump_camel", 2, {{-3, 3}, {-2, 2}}, camel_min},
    {"shekel", 4, {{0, 10}}, shekel_min},
    {"powell", 8, {{-4, 5}}, 0},
    {"dixon_price", 5, {{-10, 10}}, 0},
    {"zakharov", 6, {{-5, 10}}, 0},
    {"trid", 6, {{-36, 36}}, trid_minimum(6)},
    {"perm", 4, {{-4, 4}}, 0},
    {"bukin6", 2, {{-15, -5}, {-3, 3}}, 0},
    {"eggholder", 2, {{-512, 512}}, eggholder_min},
    {"easom", 2, {{-100, 100}}, -1},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(functions)

BOOST_AUTO_TEST_CASE(reaches_each_minimum_at_its_minimisers) {
    for (const auto& m : minimisers) {
        auto model = functions_model(m.function);
        model->prepare(box(m.x.size(), -100, 100));
        auto r = evaluate(*model, point(m.x));
        BOOST_TEST(std::abs(r.at("value") - m.minimum) < 1e-6,
                   m.function << " at its minimiser is " << r.at("value") << ", not " << m.minimum);
        BOOST_TEST(r.at("regret") < 1e-6, m.function << " regret " << r.at("regret"));
        BOOST_TEST(r.at("regret") >= 0.0);
    }
}

BOOST_AUTO_TEST_CASE(never_goes_below_the_minimum) {
    caviar::rng r(11);
    std::uniform_real_distribution<double> unit(0, 1);
    for (const auto& dom : domains) {
        auto model = functions_model(dom.function);
        model->prepare(box(dom.d, -100, 100));
        for (int i = 0; i < 2000; ++i) {
            std::vector<double> x(dom.d);
            for (std::size_t j = 0; j < dom.d; ++j) {
                auto [lo, hi] = dom.bounds[std::min(j, dom.bounds.size() - 1)];
                x[j] = lo + (hi - lo) * unit(r);
            }
            auto m = evaluate(*model, point(x));
            BOOST_TEST_REQUIRE(m.at("regret") >= 0.0, dom.function);
            BOOST_TEST_REQUIRE(m.at("value") >= dom.minimum - 1e-9,
                               dom.function << " below its minimum");
            // Away from the minimum, regret is exactly value - minimum.
            BOOST_TEST_REQUIRE(std::abs(m.at("value") - m.at("regret") - dom.minimum) <
                               1e-9 * std::max(1.0, std::abs(m.at("value"))));
        }
    }
}

BOOST_AUTO_TEST_CASE(schwefel_stays_at_or_above_zero_near_its_minimiser) {
    // Its constant carries enough digits that rounding, not the formula, is all that can take it
    // below 0, by a few ulps of 419 d at most.
    caviar::rng r(5);
    for (std::size_t d = 1; d <= 10; ++d) {
        auto model = functions_model("schwefel");
        model->prepare(box(d, -500, 500));
        for (int i = 0; i < 500; ++i) {
            std::vector<double> x(d);
            for (auto& v : x) v = sw + (caviar::unit_draw(r) - 0.5) * std::pow(10.0, -(i % 9));
            auto m = evaluate(*model, point(x));
            BOOST_TEST_REQUIRE(m.at("regret") >= 0.0);
            BOOST_TEST_REQUIRE(m.at("value") >= -1e-12 * static_cast<double>(d), m.at("value"));
        }
    }
}

BOOST_AUTO_TEST_CASE(reads_coordinates_beyond_a_bounded_minimum_at_the_bound) {
    // Schwefel, Michalewicz and Eggholder would go below their minima outside their usual box.
    auto schwefel = functions_model("schwefel");
    schwefel->prepare(box(2, -2000, 2000));
    BOOST_TEST(evaluate(*schwefel, point({600, sw})).at("value") ==
               evaluate(*schwefel, point({500, sw})).at("value"));
    const std::vector<domain> wide = {{"schwefel", 3, {{-2000, 2000}}, 0},
                                      {"michalewicz", 5, {{-10, 10}}, -4.6876581790881463},
                                      {"eggholder", 2, {{-3000, 3000}}, eggholder_min}};
    caviar::rng r(3);
    for (const auto& dom : wide) {
        auto model = functions_model(dom.function);
        model->prepare(box(dom.d, -3000, 3000));
        for (int i = 0; i < 5000; ++i) {
            std::vector<double> x(dom.d);
            for (auto& v : x) {
                auto [lo, hi] = dom.bounds[0];
                v = lo + (hi - lo) * caviar::unit_draw(r);
            }
            BOOST_TEST_REQUIRE(evaluate(*model, point(x)).at("value") >= dom.minimum - 1e-9,
                               dom.function);
        }
    }
}

BOOST_AUTO_TEST_CASE(refuses_the_wrong_number_of_numeric_dimensions) {
    auto message = [](const std::string& function, const caviar::space& sp) -> std::string {
        try {
            functions_model(function)->prepare(sp);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "(accepted)";
    };
    caviar::space xyz(
        {dimension::real("x", 0, 1), dimension::real("y", 0, 1), dimension::integer("z", 0, 3)});
    BOOST_TEST(message("branin", xyz) ==
               "function \"branin\" takes exactly 2 numeric dimensions, the space has 3 (x, y, z)");
    BOOST_TEST(
        message("hartmann6", xyz) ==
        "function \"hartmann6\" takes exactly 6 numeric dimensions, the space has 3 (x, y, z)");
    BOOST_TEST(message("rosenbrock", caviar::space({dimension::real("x", 0, 1)})) ==
               "function \"rosenbrock\" takes at least 2 numeric dimensions, the space has 1 (x)");
    caviar::space only_choices({dimension::categorical("c", {std::string("a")})});
    BOOST_TEST(message("sphere", only_choices) ==
               "function \"sphere\" takes at least 1 numeric dimension, the space has 0");
    BOOST_TEST(message("goldstein_price", caviar::space()) ==
               "function \"goldstein_price\" takes exactly 2 numeric dimensions, the space has 0");
    BOOST_TEST(message("sphere", xyz) == "(accepted)");
    BOOST_TEST(message("dixon_price", caviar::space({dimension::real("x", 0, 1)})) ==
               "function \"dixon_price\" takes at least 2 numeric dimensions, the space has 1 (x)");
    BOOST_TEST(message("shekel", xyz) ==
               "function \"shekel\" takes exactly 4 numeric dimensions, the space has 3 (x, y, z)");
}

BOOST_AUTO_TEST_CASE(refuses_dimensions_a_function_has_no_known_minimum_for) {
    auto message = [](const std::string& function, std::size_t d) -> std::string {
        try {
            functions_model(function)->prepare(box(d, 0, 1));
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "(accepted)";
    };
    // Michalewicz's minimum is published for 2, 5 and 10 coordinates only.
    for (std::size_t d : {1u, 3u, 4u, 6u, 9u, 11u})
        BOOST_TEST(message("michalewicz", d) ==
                       "function \"michalewicz\" takes 2, 5 or 10 numeric dimensions (those its "
                       "minimum is published for), the space has " +
                           std::to_string(d) + message_names(d),
                   d);
    for (std::size_t d : {2u, 5u, 10u}) BOOST_TEST(message("michalewicz", d) == "(accepted)", d);
    // Powell's terms take the coordinates four at a time.
    for (std::size_t d : {1u, 2u, 3u, 5u, 6u, 7u, 9u})
        BOOST_TEST(message("powell", d) ==
                       "function \"powell\" takes a multiple of 4 numeric dimensions (4, 8, 12, "
                       "...), the space has " +
                           std::to_string(d) + message_names(d),
                   d);
    for (std::size_t d : {4u, 8u, 12u}) BOOST_TEST(message("powell", d) == "(accepted)", d);
    BOOST_TEST(message("powell", 0) ==
               "function \"powell\" takes a multiple of 4 numeric dimensions (4, 8, 12, ...), the "
               "space has 0");
    for (const char* two_d : {"six_hump_camel", "bukin6", "eggholder", "easom"}) {
        BOOST_TEST(message(two_d, 2) == "(accepted)", two_d);
        BOOST_TEST(message(two_d, 3) == "function \"" + std::string(two_d) +
                                            "\" takes exactly 2 numeric dimensions, the space has "
                                            "3 (x0, x1, x2)");
    }
}

BOOST_AUTO_TEST_CASE(refuses_a_conditional_numeric_dimension) {
    caviar::space sp;
    sp.add(dimension::categorical("opt", {std::string("sgd"), std::string("adam")}));
    sp.add(dimension::real("x", 0, 1));
    sp.add(dimension::real("y", 0, 1).when("opt", {std::string("sgd")}));
    try {
        functions_model("sphere")->prepare(sp);
        BOOST_FAIL("a conditional coordinate was accepted");
    } catch (const caviar::dimension_error& e) {
        // Typed, so the host points at [space.y] in the file.
        BOOST_TEST(e.dimension() == "y");
        BOOST_TEST(std::string(e.what()).starts_with("the functions model takes every "
                                                     "int and float dimension as a coordinate"),
                   e.what());
    }
    // A conditional choice is not a coordinate: fine.
    caviar::space choices;
    choices.add(dimension::categorical("opt", {std::string("sgd"), std::string("adam")}));
    choices.add(dimension::real("x", 0, 1));
    choices.add(dimension::categorical("nesterov", {std::string("yes"), std::string("no")})
                    .when("opt", {std::string("sgd")}));
    BOOST_CHECK_NO_THROW(functions_model("sphere")->prepare(choices));
}

BOOST_AUTO_TEST_CASE(ignores_categorical_dimensions_and_follows_space_order) {
    // Goldstein-Price is not symmetric: (0, -1) is its minimum, (-1, 0) is not. The coordinates
    // come in space order (zz, aa), not in the params' name order.
    caviar::space sp({dimension::categorical("act", {std::string("relu"), std::string("tanh")}),
                      dimension::real("zz", -2, 2),
                      dimension::categorical("opt", {std::string("sgd")}),
                      dimension::real("aa", -2, 2)});
    auto model = functions_model("goldstein_price");
    BOOST_CHECK_NO_THROW(model->prepare(sp));
    caviar::params p{
        {"act", std::string("tanh")}, {"zz", 0.0}, {"opt", std::string("sgd")}, {"aa", -1.0}};
    BOOST_TEST(std::abs(evaluate(*model, p).at("value") - 3) < 1e-9);
}

BOOST_AUTO_TEST_CASE(takes_int_dimensions_as_coordinates) {
    caviar::space sp({dimension::integer("a", -5, 5), dimension::real("b", -5, 5)});
    auto model = functions_model("sphere");
    model->prepare(sp);
    BOOST_TEST(evaluate(*model, {{"a", std::int64_t{3}}, {"b", 4.0}}).at("value") == 25.0);
}

BOOST_AUTO_TEST_CASE(shift_moves_the_optimum_and_keeps_the_minimum) {
    auto model = functions_model("sphere", 0, 1.5);
    model->prepare(box(3, -5, 5));
    auto at_new = evaluate(*model, point({1.5, 1.5, 1.5}));
    BOOST_TEST(at_new.at("value") == 0.0);
    BOOST_TEST(at_new.at("regret") == 0.0);
    BOOST_TEST(evaluate(*model, point({0, 0, 0})).at("value") == 3 * 1.5 * 1.5);
    // Branin's three minimisers move along with it.
    auto branin = functions_model("branin", 0, -2);
    branin->prepare(box(2, -7, 15));
    BOOST_TEST(evaluate(*branin, point({pi - 2, 2.275 - 2})).at("regret") < 1e-5);
}

BOOST_AUTO_TEST_CASE(draws_an_orthogonal_matrix_from_the_rotate_seed) {
    for (std::size_t d = 1; d <= 10; ++d)
        for (std::uint64_t seed : {1u, 2u, 977u}) {
            auto q = caviar::functions::random_rotation(d, seed);
            BOOST_TEST_REQUIRE(q.size() == d * d);
            for (std::size_t i = 0; i < d; ++i)
                for (std::size_t k = 0; k < d; ++k) {
                    double dot = 0;
                    for (std::size_t j = 0; j < d; ++j) dot += q[i * d + j] * q[k * d + j];
                    BOOST_TEST_REQUIRE(std::abs(dot - (i == k ? 1 : 0)) < 1e-12);
                }
            BOOST_TEST(q == caviar::functions::random_rotation(d, seed),
                       boost::test_tools::per_element());
            if (d > 1) BOOST_TEST(q != caviar::functions::random_rotation(d, seed + 1));
        }
}

BOOST_AUTO_TEST_CASE(rotate_turns_the_axes_about_the_box_centre) {
    // Sphere on a box centred at 0 only sees distances from 0, which a rotation keeps.
    auto sphere = functions_model("sphere", 0, 0, 5);
    sphere->prepare(box(4, -5, 5));
    caviar::rng r(2);
    for (int i = 0; i < 100; ++i) {
        std::vector<double> x(4);
        double norm2 = 0;
        for (auto& v : x) {
            v = -5 + 10 * caviar::unit_draw(r);
            norm2 += v * v;
        }
        BOOST_TEST_REQUIRE(std::abs(evaluate(*sphere, point(x)).at("value") - norm2) < 1e-9);
    }
    // Rosenbrock is not symmetric: a seed turns it one way, always the same; rotate = 0 not at all.
    auto value = [](std::int64_t rotate, const std::vector<double>& x) {
        auto m = functions_model("rosenbrock", 0, 0, rotate);
        m->prepare(box(3, -2, 2));
        return evaluate(*m, point(x)).at("value");
    };
    std::vector<double> x{0.3, -1.2, 0.8};
    double plain = 0.7 * 0.7 + 2.2 * 2.2 + 100 * (1.29 * 1.29 + 0.64 * 0.64);  // by hand
    BOOST_TEST(std::abs(value(0, x) - plain) < 1e-9);
    BOOST_TEST(value(7, x) == value(7, x));
    BOOST_TEST(std::abs(value(7, x) - plain) > 1e-3);
    BOOST_TEST(std::abs(value(7, x) - value(8, x)) > 1e-3);
}

BOOST_AUTO_TEST_CASE(rotate_keeps_the_minimum_at_the_rotated_minimiser) {
    // Each minimiser m is near enough its box's centre c to stay in the box once turned:
    // c + R'(m - c) + shift.
    struct turned {
        std::string function;
        std::vector<std::pair<double, double>> bounds;
        std::vector<double> x;
        double minimum;
        double shift;
    };
    const std::vector<turned> cases = {
        {"hartmann3",
         {{-0.1, 1.1}},  // [0, 1] is too small: |m - c| is 0.525
         {0.11461433862565329, 0.5556488499691729, 0.8525469534575985},
         -3.86278214782076,
         0},
        {"branin", {{-5, 10}, {0, 15}}, {pi, 2.275}, 0.397887357729738, 0},
        {"rosenbrock", {{-2, 2}}, {1, 1, 1}, 0, 0.25},
        {"levy", {{-10, 10}}, {1, 1, 1, 1}, 0, -1.5},
        {"six_hump_camel",
         {{-3, 3}, {-2, 2}},
         {0.08984201310031806, -0.7126564030207396},
         camel_min,
         0},
        {"shekel",
         {{0, 10}},
         {4.000746531592047, 4.000592934138532, 3.999663398040322, 3.999509800586808},
         shekel_min,
         0.5},
        {"trid", {{-36, 36}}, trid_minimiser(6), trid_minimum(6), 0},
        {"zakharov", {{-5, 10}}, {0, 0, 0, 0, 0}, 0, 1},
    };
    for (const auto& t : cases)
        for (std::int64_t seed : {1, 2, 31337}) {
            std::size_t d = t.x.size();
            auto sp = box(d, t.bounds);
            auto q = caviar::functions::random_rotation(d, static_cast<std::uint64_t>(seed));
            std::vector<double> at(d), plain(d);
            for (std::size_t j = 0; j < d; ++j) {
                const auto& dim = sp[j];
                double c = (dim.low() + dim.high()) / 2;
                at[j] = c + t.shift;
                for (std::size_t i = 0; i < d; ++i)  // R' (m - c): column j of R
                    at[j] += q[i * d + j] * (t.x[i] - (sp[i].low() + sp[i].high()) / 2);
                plain[j] = t.x[j] + t.shift;
                BOOST_TEST_REQUIRE((at[j] >= dim.low() && at[j] <= dim.high()),
                                   t.function << " seed " << seed << ": left the box");
            }
            auto model = functions_model(t.function, 0, t.shift, seed);
            model->prepare(sp);
            auto m = evaluate(*model, point(at));
            BOOST_TEST(
                std::abs(m.at("value") - t.minimum) < 1e-6,
                t.function << " seed " << seed << ": " << m.at("value") << ", not " << t.minimum);
            BOOST_TEST(m.at("regret") < 1e-6, t.function << " seed " << seed);
            // And the minimiser did move: the unturned one is no longer the minimum.
            BOOST_TEST(evaluate(*model, point(plain)).at("regret") > 1e-3,
                       t.function << " seed " << seed);
        }
}

BOOST_AUTO_TEST_CASE(rotated_never_goes_below_the_minimum) {
    // Turned about their usual box's centre, points of the box may land outside it; the minima
    // hold there too (Schwefel, Michalewicz and Eggholder read such coordinates at the bound).
    caviar::rng r(13);
    for (const auto& dom : domains) {
        auto model = functions_model(dom.function, 0, 0, 17);
        model->prepare(box(dom.d, dom.bounds));
        for (int i = 0; i < 1000; ++i) {
            std::vector<double> x(dom.d);
            for (std::size_t j = 0; j < dom.d; ++j) {
                auto [lo, hi] = dom.bounds[std::min(j, dom.bounds.size() - 1)];
                x[j] = lo + (hi - lo) * caviar::unit_draw(r);
            }
            auto m = evaluate(*model, point(x));
            BOOST_TEST_REQUIRE(m.at("regret") >= 0.0, dom.function);
            BOOST_TEST_REQUIRE(m.at("value") >= dom.minimum - 1e-9,
                               dom.function << " below its minimum");
        }
    }
}

BOOST_AUTO_TEST_CASE(choice_shift_makes_the_choices_move_the_optimum) {
    caviar::options o;
    o.set("function", std::string("sphere"));
    o.set("noise", 0.0);
    o.set("shift", 0.0);
    o.set("rotate", std::int64_t{0});
    o.set("choice_shift", 2.0);
    auto model = caviar::registry::create<caviar::model>(
        caviar::registry::load_file(std::string(CAVIAR_PLUGIN_OUTPUT_DIR) + "/model_functions.so"),
        o);
    caviar::space sp({dimension::categorical(
                          "opt", {std::string("sgd"), std::string("adam"), std::string("rmsprop")}),
                      dimension::real("a", -10, 10), dimension::real("b", -10, 10)});
    model->prepare(sp);
    auto at = [&](const std::string& opt, double a, double b) {
        return evaluate(*model, {{"opt", opt}, {"a", a}, {"b", b}});
    };
    // Choice k puts the optimum at 2k on every coordinate, with the same minimum.
    BOOST_TEST(at("sgd", 0, 0).at("regret") == 0.0);
    BOOST_TEST(at("adam", 2, 2).at("regret") == 0.0);
    BOOST_TEST(at("rmsprop", 4, 4).at("regret") == 0.0);
    BOOST_TEST(at("adam", 0, 0).at("value") == 8.0);
    BOOST_TEST(at("rmsprop", 0, 0).at("value") == 32.0);
}

BOOST_AUTO_TEST_CASE(is_done_after_one_step) {
    auto model = functions_model("branin");
    BOOST_TEST(model->max_steps() == 1);
    BOOST_TEST(model->metric_names() == (std::vector<std::string>{"value", "regret"}),
               boost::test_tools::per_element());
    model->prepare(box(2, -5, 15));
    auto run = model->start(point({1, 2}), 3);
    BOOST_TEST(!run->done());
    auto m = run->step();
    BOOST_TEST(run->done());
    BOOST_TEST(m.size() == 2u);
    BOOST_TEST(m.count("value") == 1u);
    BOOST_TEST(m.count("regret") == 1u);
}

BOOST_AUTO_TEST_CASE(adds_noise_seeded_by_the_trial) {
    auto noisy = functions_model("sphere", 0.5);
    auto exact = functions_model("sphere");
    noisy->prepare(box(2, -5, 5));
    exact->prepare(box(2, -5, 5));
    auto p = point({1, 2});
    auto a = evaluate(*noisy, p, 42), b = evaluate(*noisy, p, 42), c = evaluate(*noisy, p, 43);
    BOOST_TEST(a.at("value") == b.at("value"));
    BOOST_TEST(a.at("value") != c.at("value"));
    BOOST_TEST(a.at("value") != 5.0);
    BOOST_TEST(a.at("regret") == 5.0);  // regret is measured without the noise
    BOOST_TEST(evaluate(*exact, p, 42).at("value") == 5.0);

    // The noise has about the standard deviation asked for.
    double sum = 0, sum2 = 0;
    constexpr int n = 4000;
    for (int seed = 0; seed < n; ++seed) {
        double e = evaluate(*noisy, p, caviar::derive_seed(1, static_cast<std::uint64_t>(seed)))
                       .at("value") -
                   5;
        sum += e;
        sum2 += e * e;
    }
    BOOST_TEST(std::abs(sum / n) < 0.05);
    BOOST_TEST(std::abs(std::sqrt(sum2 / n) - 0.5) < 0.05);
}

BOOST_AUTO_TEST_CASE(starts_runs_from_many_threads) {
    auto model = functions_model("rastrigin");
    model->prepare(box(3, -5, 5));
    std::vector<std::vector<double>> results(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 500; ++i)
                results[t].push_back(evaluate(*model, point({0.01 * i, 1, -1})).at("value"));
        });
    for (auto& th : threads) th.join();
    for (std::size_t t = 1; t < results.size(); ++t)
        BOOST_TEST(results[t] == results[0], boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(publishes_its_functions_as_allowed_values) {
    auto p =
        caviar::registry::load_file(std::string(CAVIAR_PLUGIN_OUTPUT_DIR) + "/model_functions.so");
    BOOST_TEST(p.info.name == "functions");
    BOOST_REQUIRE(!p.info.options.empty());
    const auto& function = p.info.options.front();
    BOOST_TEST(function.name == "function");
    BOOST_TEST(!function.default_value.has_value());  // required
    BOOST_TEST(
        function.allowed == (std::vector<std::string>{
                                "sphere",          "rosenbrock",     "ackley",    "styblinski_tang",
                                "rastrigin",       "branin",         "hartmann3", "hartmann6",
                                "goldstein_price", "levy",           "griewank",  "schwefel",
                                "michalewicz",     "six_hump_camel", "shekel",    "powell",
                                "dixon_price",     "zakharov",       "trid",      "perm",
                                "bukin6",          "eggholder",      "easom"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
