#define BOOST_TEST_MODULE space
#include <boost/test/unit_test.hpp>

#include <caviar/space.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace caviar;

namespace {

constexpr int samples = 20000;

// Uniform u in [0, 1) from a seeded engine: every statistical check below is deterministic.
std::vector<value> draw(const dimension& d, std::uint64_t seed = 12345) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<value> out;
    out.reserve(samples);
    for (int i = 0; i < samples; ++i) out.push_back(d.from_unit(unit(rng)));
    return out;
}

// Pearson's chi-square statistic of observed counts against expected probabilities.
double chi_square(const std::vector<double>& counts, const std::vector<double>& probs) {
    double total = 0;
    for (double c : counts) total += c;
    double chi = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        double e = probs[i] * total;
        chi += (counts[i] - e) * (counts[i] - e) / e;
    }
    return chi;
}

// Chi-square critical values at p = 0.001 by degrees of freedom: a fair sampler fails one seed in
// a thousand, a wrong scale fails every time.
double critical(int dof) {
    static const std::map<int, double> table = {
        {2, 13.82}, {4, 18.47}, {9, 27.88}, {10, 29.59}, {19, 43.82}};
    return table.at(dof);
}

// Counts of x in `bins` equal bins over [a, b].
std::vector<double> histogram(const std::vector<double>& xs, double a, double b, int bins) {
    std::vector<double> counts(static_cast<std::size_t>(bins), 0.0);
    for (double x : xs) {
        int i = static_cast<int>((x - a) / (b - a) * bins);
        counts[static_cast<std::size_t>(std::clamp(i, 0, bins - 1))] += 1;
    }
    return counts;
}

std::vector<double> flat(int n) {
    return std::vector<double>(static_cast<std::size_t>(n), 1.0 / n);
}

bool has_problem(const dimension& d, const std::string& part) {
    for (const auto& p : d.problems())
        if (p.find(part) != std::string::npos) return true;
    return false;
}

// FNV-1a written out here, independently of space.cpp.
std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

space example_space() {
    return space(
        {dimension::integer("layers", 1, 5), dimension::integer("units", 8, 256, scale::log),
         dimension::real("learning_rate", 1e-4, 1.0, scale::log),
         dimension::real("beta", 0.9, 0.999, scale::log1m),
         dimension::real("dropout", 0.0, 0.5, scale::linear, 0.1),
         dimension::categorical("activation", {std::string("relu"), std::string("tanh")})});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sampling)

BOOST_AUTO_TEST_CASE(log_floats_are_uniform_in_log10) {
    auto d = dimension::real("lr", 1e-4, 1.0, scale::log);
    std::vector<double> logs;
    int outside = 0;
    for (const auto& v : draw(d)) {
        double x = std::get<double>(v);
        outside += x < 1e-4 || x > 1.0;
        logs.push_back(std::log10(x));
    }
    BOOST_TEST(outside == 0);
    BOOST_TEST(chi_square(histogram(logs, -4, 0, 10), flat(10)) < critical(9));
    // Half of the samples fall below 10^-2: a linear scale would put 99% above it.
    auto below = std::count_if(logs.begin(), logs.end(), [](double r) { return r < -2; });
    BOOST_TEST(std::abs(double(below) / samples - 0.5) < 0.02);
}

BOOST_AUTO_TEST_CASE(log1m_floats_are_uniform_in_log10_of_one_minus_beta) {
    auto d = dimension::real("beta", 0.9, 0.999, scale::log1m);
    std::vector<double> logs;
    int outside = 0;
    for (const auto& v : draw(d)) {
        double beta = std::get<double>(v);
        outside += beta < 0.9 || beta > 0.999;
        logs.push_back(std::log10(1 - beta));
    }
    BOOST_TEST(outside == 0);
    BOOST_TEST(chi_square(histogram(logs, -3, -1, 10), flat(10)) < critical(9));
    // As many betas in [0.9, 0.99] as in [0.99, 0.999].
    auto high = std::count_if(logs.begin(), logs.end(), [](double r) { return r < -2; });
    BOOST_TEST(std::abs(double(high) / samples - 0.5) < 0.02);
}

BOOST_AUTO_TEST_CASE(linear_floats_are_uniform) {
    auto d = dimension::real("x", -2.0, 3.0);
    std::vector<double> xs;
    for (const auto& v : draw(d)) xs.push_back(std::get<double>(v));
    BOOST_TEST(chi_square(histogram(xs, -2, 3, 10), flat(10)) < critical(9));
}

BOOST_AUTO_TEST_CASE(log_ints_follow_the_log_cell_widths) {
    auto d = dimension::integer("units", 1, 20, scale::log);
    std::vector<double> counts(20, 0.0), probs(20);
    for (const auto& v : draw(d)) {
        auto k = std::get<std::int64_t>(v);
        if (k < 1 || k > 20) BOOST_FAIL("sample out of bounds: " << k);
        counts[static_cast<std::size_t>(k - 1)] += 1;
    }
    // P(k) ∝ log((k + 0.5) / (k - 0.5)): each integer owns [k - 0.5, k + 0.5] on the log axis.
    double total = std::log(20.5 / 0.5);
    for (int k = 1; k <= 20; ++k)
        probs[static_cast<std::size_t>(k - 1)] = std::log((k + 0.5) / (k - 0.5)) / total;
    BOOST_TEST(chi_square(counts, probs) < critical(19));
    BOOST_TEST(counts[0] > counts[19] * 10);  // 1 far likelier than 20
}

BOOST_AUTO_TEST_CASE(linear_ints_are_uniform_including_both_ends) {
    auto d = dimension::integer("layers", -3, 7);
    std::vector<double> counts(11, 0.0);
    for (const auto& v : draw(d)) {
        auto k = std::get<std::int64_t>(v);
        if (k < -3 || k > 7) BOOST_FAIL("sample out of bounds: " << k);
        counts[static_cast<std::size_t>(k + 3)] += 1;
    }
    BOOST_TEST(counts.front() > 0);
    BOOST_TEST(counts.back() > 0);
    BOOST_TEST(chi_square(counts, flat(11)) < critical(10));
    BOOST_TEST(std::get<std::int64_t>(d.from_unit(0.0)) == -3);
    BOOST_TEST(std::get<std::int64_t>(d.from_unit(1.0)) == 7);
}

BOOST_AUTO_TEST_CASE(float_steps_stay_on_the_grid_and_reach_both_ends) {
    auto d = dimension::real("dropout", 0.0, 1.0, scale::linear, 0.25);
    std::vector<double> counts(5, 0.0);
    for (const auto& v : draw(d)) {
        double x = std::get<double>(v);
        double k = x / 0.25;
        if (std::abs(k - std::round(k)) > 1e-9 || k < 0 || k > 4) BOOST_FAIL("off the grid: " << x);
        counts[static_cast<std::size_t>(std::llround(k))] += 1;
    }
    BOOST_TEST(chi_square(counts, flat(5)) < critical(4));
    BOOST_TEST(std::get<double>(d.from_unit(0.0)) == 0.0);
    BOOST_TEST(std::get<double>(d.from_unit(1.0)) == 1.0);
    BOOST_TEST(d.cardinality() == 5);
}

BOOST_AUTO_TEST_CASE(int_steps_stay_on_the_grid_and_reach_both_ends) {
    auto d = dimension::integer("batch", 10, 50, scale::linear, 20);
    std::vector<double> counts(3, 0.0);
    for (const auto& v : draw(d)) {
        auto k = std::get<std::int64_t>(v);
        if (k != 10 && k != 30 && k != 50) BOOST_FAIL("off the grid: " << k);
        counts[static_cast<std::size_t>((k - 10) / 20)] += 1;
    }
    BOOST_TEST(chi_square(counts, flat(3)) < critical(2));
    BOOST_TEST(d.cardinality() == 3);
}

BOOST_AUTO_TEST_CASE(choices_are_uniform) {
    auto d = dimension::categorical(
        "activation", {std::string("relu"), std::string("tanh"), std::string("gelu")});
    std::map<std::string, double> seen;
    for (const auto& v : draw(d)) seen[std::get<std::string>(v)] += 1;
    BOOST_REQUIRE(seen.size() == 3u);
    BOOST_TEST(chi_square({seen["relu"], seen["tanh"], seen["gelu"]}, flat(3)) < critical(2));
    BOOST_TEST(std::get<std::string>(d.from_unit(0.0)) == "relu");
    BOOST_TEST(std::get<std::string>(d.from_unit(1.0)) == "gelu");
}

BOOST_AUTO_TEST_CASE(float_ends_map_to_the_bounds) {
    for (auto s : {scale::linear, scale::log, scale::log1m}) {
        auto d = dimension::real("x", 0.25, 0.75, s);
        BOOST_TEST(std::get<double>(d.from_unit(0.0)) == 0.25, boost::test_tools::tolerance(1e-12));
        BOOST_TEST(std::get<double>(d.from_unit(1.0)) == 0.75, boost::test_tools::tolerance(1e-12));
        // Out-of-range and NaN input stays inside the bounds.
        for (double u : {-1.0, 2.0, std::nan("")}) {
            double x = std::get<double>(d.from_unit(u));
            BOOST_TEST((x >= 0.25 && x <= 0.75));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(unit_round_trip)

BOOST_AUTO_TEST_CASE(ints_round_trip) {
    for (auto d : {dimension::integer("a", -3, 7), dimension::integer("b", 1, 1000, scale::log),
                   dimension::integer("c", 0, 100, scale::linear, 5)}) {
        for (auto k = std::int64_t(d.low()); k <= std::int64_t(d.high());
             k += std::int64_t(d.step())) {
            double u = d.to_unit(k);
            BOOST_TEST((u > 0 && u < 1));
            BOOST_TEST(std::get<std::int64_t>(d.from_unit(u)) == k);
        }
    }
}

BOOST_AUTO_TEST_CASE(steps_round_trip) {
    auto d = dimension::real("x", -1.0, 2.0, scale::linear, 0.1);
    BOOST_TEST(d.cardinality() == 31);
    for (int i = 0; i <= 30; ++i) {
        double x = -1.0 + 0.1 * i;
        BOOST_TEST(std::get<double>(d.from_unit(d.to_unit(x))) == x,
                   boost::test_tools::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_CASE(choices_round_trip) {
    auto d = dimension::categorical("c", {std::int64_t{1}, 2.5, std::string("x")});
    for (const auto& v : d.choices()) BOOST_TEST((d.from_unit(d.to_unit(v)) == v));
    BOOST_CHECK_THROW(d.to_unit(std::string("y")), std::invalid_argument);
    BOOST_CHECK_THROW(d.to_unit(1.0), std::invalid_argument);  // 1.0 is not the int 1
}

BOOST_AUTO_TEST_CASE(floats_round_trip_on_every_scale) {
    for (auto d : {dimension::real("a", -5.0, 5.0), dimension::real("b", 1e-6, 10.0, scale::log),
                   dimension::real("c", 0.5, 0.9999, scale::log1m)}) {
        for (double u : {0.0, 0.1, 0.37, 0.5, 0.9, 1.0}) {
            double x = std::get<double>(d.from_unit(u));
            BOOST_TEST(d.to_unit(x) == u, boost::test_tools::tolerance(1e-9));
        }
    }
}

BOOST_AUTO_TEST_CASE(spaces_round_trip) {
    auto s = example_space();
    std::vector<double> u = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    auto p = s.from_unit(u);
    BOOST_TEST(s.contains(p));
    auto back = s.from_unit(s.to_unit(p));
    BOOST_REQUIRE(back.size() == p.size());
    for (const auto& [name, v] : p) {
        // Ints, steps and choices come back exactly; continuous reals to rounding.
        if (s.find(name)->cardinality() > 0)
            BOOST_TEST((back.at(name) == v), name);
        else
            BOOST_TEST(std::get<double>(back.at(name)) == std::get<double>(v),
                       boost::test_tools::tolerance(1e-12));
    }
    BOOST_CHECK_THROW(s.from_unit(std::vector<double>{0.5}), std::invalid_argument);
    p.erase("units");
    BOOST_CHECK_THROW(s.to_unit(p), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(membership)

BOOST_AUTO_TEST_CASE(ints_contain_ints_in_bounds_on_the_grid) {
    auto d = dimension::integer("n", 0, 10, scale::linear, 5);
    BOOST_TEST(d.contains(std::int64_t{0}));
    BOOST_TEST(d.contains(std::int64_t{5}));
    BOOST_TEST(d.contains(std::int64_t{10}));
    BOOST_TEST(!d.contains(std::int64_t{3}));
    BOOST_TEST(!d.contains(std::int64_t{15}));
    BOOST_TEST(!d.contains(std::int64_t{-5}));
    BOOST_TEST(!d.contains(5.0));  // wrong type
    BOOST_TEST(!d.contains(std::string("5")));
}

BOOST_AUTO_TEST_CASE(floats_contain_numbers_in_bounds_on_the_grid) {
    auto d = dimension::real("x", 0.0, 1.0);
    BOOST_TEST(d.contains(0.0));
    BOOST_TEST(d.contains(1.0));
    BOOST_TEST(d.contains(0.3));
    BOOST_TEST(!d.contains(1.5));
    BOOST_TEST(!d.contains(-0.1));
    BOOST_TEST(!d.contains(std::nan("")));
    BOOST_TEST(!d.contains(std::string("0.5")));
    auto stepped = dimension::real("y", 0.0, 1.0, scale::linear, 0.1);
    BOOST_TEST(stepped.contains(0.1 * 3));  // 0.30000000000000004 is on the grid
    BOOST_TEST(!stepped.contains(0.35));
}

BOOST_AUTO_TEST_CASE(choices_contain_exactly_their_values) {
    auto d = dimension::categorical("c", {std::string("relu"), std::int64_t{3}});
    BOOST_TEST(d.contains(std::string("relu")));
    BOOST_TEST(d.contains(std::int64_t{3}));
    BOOST_TEST(!d.contains(3.0));
    BOOST_TEST(!d.contains(std::string("tanh")));
}

BOOST_AUTO_TEST_CASE(spaces_contain_exactly_their_names) {
    auto s = example_space();
    auto p = s.from_unit(std::vector<double>(s.size(), 0.5));
    BOOST_TEST(s.contains(p));
    auto extra = p;
    extra["other"] = std::int64_t{1};
    BOOST_TEST(!s.contains(extra));
    auto wrong = p;
    wrong["layers"] = std::int64_t{9};
    BOOST_TEST(!s.contains(wrong));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(validation)

BOOST_AUTO_TEST_CASE(accepts_valid_dimensions) {
    for (const auto& d : example_space()) BOOST_TEST(d.problems().empty(), d.describe());
    BOOST_TEST(example_space().problems().empty());
}

BOOST_AUTO_TEST_CASE(rejects_low_above_high) {
    auto d = dimension::real("lr", 1.0, 0.1);
    BOOST_TEST(has_problem(d, "low must not exceed high, got low=1, high=0.1"));
    BOOST_TEST(has_problem(dimension::integer("n", 5, 1), "low must not exceed high"));
}

BOOST_AUTO_TEST_CASE(rejects_log_with_low_not_positive) {
    BOOST_TEST(has_problem(dimension::real("lr", 0.0, 1.0, scale::log), "needs low > 0"));
    BOOST_TEST(has_problem(dimension::real("lr", -1.0, 1.0, scale::log), "needs low > 0"));
}

BOOST_AUTO_TEST_CASE(rejects_int_log_with_low_below_one) {
    BOOST_TEST(has_problem(dimension::integer("n", 0, 10, scale::log), "needs low >= 1"));
    BOOST_TEST(dimension::integer("n", 1, 10, scale::log).problems().empty());
}

BOOST_AUTO_TEST_CASE(rejects_log1m_on_ints) {
    BOOST_TEST(has_problem(dimension::integer("n", 1, 5, scale::log1m), "float dimensions only"));
}

BOOST_AUTO_TEST_CASE(rejects_log1m_with_high_of_one_or_more) {
    BOOST_TEST(has_problem(dimension::real("b", 0.9, 1.0, scale::log1m), "needs high < 1"));
    BOOST_TEST(has_problem(dimension::real("b", 0.9, 1.5, scale::log1m), "needs high < 1"));
}

BOOST_AUTO_TEST_CASE(rejects_negative_steps) {
    BOOST_TEST(
        has_problem(dimension::real("x", 0.0, 1.0, scale::linear, -0.1), "step must be positive"));
    BOOST_TEST(
        has_problem(dimension::integer("n", 0, 10, scale::linear, -2), "step must be positive"));
    BOOST_TEST(has_problem(dimension::real("x", 0.0, 1.0, scale::linear, std::nan("")),
                           "step must be positive"));
}

BOOST_AUTO_TEST_CASE(rejects_steps_with_a_log_scale) {
    BOOST_TEST(has_problem(dimension::real("lr", 1e-3, 1.0, scale::log, 0.1),
                           "step needs scale \"linear\""));
    BOOST_TEST(
        has_problem(dimension::integer("n", 1, 100, scale::log, 3), "step needs scale \"linear\""));
}

BOOST_AUTO_TEST_CASE(rejects_ranges_that_are_not_a_multiple_of_step) {
    BOOST_TEST(has_problem(dimension::real("x", 0.0, 1.0, scale::linear, 0.3),
                           "high - low must be a multiple of step"));
    BOOST_TEST(has_problem(dimension::integer("n", 0, 10, scale::linear, 3),
                           "high - low must be a multiple of step"));
    BOOST_TEST(dimension::real("x", 0.0, 1.0, scale::linear, 0.1).problems().empty());
}

BOOST_AUTO_TEST_CASE(rejects_empty_choices) {
    BOOST_TEST(has_problem(dimension::categorical("c", {}), "choices must not be empty"));
}

BOOST_AUTO_TEST_CASE(rejects_duplicate_choices) {
    auto d = dimension::categorical(
        "c", {std::string("relu"), std::string("tanh"), std::string("relu")});
    BOOST_TEST(has_problem(d, "choices must be distinct, got \"relu\" twice"));
    // An int and a real are different choices.
    BOOST_TEST(dimension::categorical("c", {std::int64_t{1}, 1.0}).problems().empty());
}

BOOST_AUTO_TEST_CASE(rejects_non_finite_bounds) {
    double inf = std::numeric_limits<double>::infinity();
    BOOST_TEST(has_problem(dimension::real("x", -inf, 1.0), "bounds must be finite"));
    BOOST_TEST(has_problem(dimension::real("x", 0.0, inf), "bounds must be finite"));
    BOOST_TEST(has_problem(dimension::real("x", std::nan(""), 1.0), "bounds must be finite"));
}

BOOST_AUTO_TEST_CASE(rejects_a_missing_name) {
    BOOST_TEST(has_problem(dimension::real("", 0.0, 1.0), "needs a name"));
}

BOOST_AUTO_TEST_CASE(space_rejects_duplicate_names_and_prefixes_problems) {
    space s({dimension::real("lr", 0.0, 1.0), dimension::integer("lr", 1, 2),
             dimension::real("beta", 0.9, 1.0, scale::log1m)});
    auto problems = s.problems();
    auto has = [&](const std::string& text) {
        return std::find(problems.begin(), problems.end(), text) != problems.end();
    };
    BOOST_TEST(has("[space.lr] is defined twice"));
    BOOST_TEST(has("[space.beta] scale \"log1m\" needs high < 1, got high=1"));
    BOOST_TEST(problems.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(identity)

BOOST_AUTO_TEST_CASE(describes_each_dimension_on_a_line) {
    BOOST_TEST(example_space().describe() ==
               "layers int [1, 5] linear\n"
               "units int [8, 256] log\n"
               "learning_rate float [1e-04, 1] log\n"
               "beta float [0.9, 0.999] log1m\n"
               "dropout float [0, 0.5] linear step 0.1\n"
               "activation choices [\"relu\", \"tanh\"]\n");
}

BOOST_AUTO_TEST_CASE(hash_is_fnv1a_of_the_description) {
    // Stored studies compare this value across builds and machines: it must never drift.
    BOOST_TEST(space().hash() == 0xcbf29ce484222325ULL);
    auto s = example_space();
    BOOST_TEST(s.hash() == fnv1a(s.describe()));
    BOOST_TEST(s.hash() == example_space().hash());
}

BOOST_AUTO_TEST_CASE(different_spaces_hash_differently) {
    auto base = example_space().hash();
    std::vector<space> others = {
        space({dimension::integer("layers", 1, 6)}),
        space({dimension::integer("layers", 1, 5, scale::log)}),
        space({dimension::real("layers", 1, 5)}),
        space({dimension::integer("depth", 1, 5)}),
    };
    std::vector<std::uint64_t> hashes = {base};
    for (const auto& s : others) hashes.push_back(s.hash());
    // Order matters.
    auto reordered = example_space();
    std::vector<dimension> dims(reordered.begin(), reordered.end());
    std::swap(dims[0], dims[1]);
    hashes.push_back(space(dims).hash());
    // Choices of different types are different spaces, and so are quoted look-alikes.
    hashes.push_back(
        space({dimension::categorical("c", {std::int64_t{1}, std::int64_t{2}})}).hash());
    hashes.push_back(space({dimension::categorical("c", {1.0, 2.0})}).hash());
    hashes.push_back(
        space({dimension::categorical("c", {std::string("1"), std::string("2")})}).hash());
    hashes.push_back(space({dimension::categorical("c", {std::string("a\", \"b")})}).hash());
    hashes.push_back(
        space({dimension::categorical("c", {std::string("a"), std::string("b")})}).hash());
    std::sort(hashes.begin(), hashes.end());
    BOOST_TEST((std::adjacent_find(hashes.begin(), hashes.end()) == hashes.end()));
}

BOOST_AUTO_TEST_CASE(describes_choices_with_their_types) {
    auto d = dimension::categorical("c", {std::int64_t{1}, 1.0, 2.5, std::string("x")});
    BOOST_TEST(d.describe() == "c choices [1, 1.0, 2.5, \"x\"]");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(one_point)

BOOST_AUTO_TEST_CASE(one_point_dimensions_work) {
    std::vector<dimension> dims = {
        dimension::real("a", 0.5, 0.5),
        dimension::real("b", 0.01, 0.01, scale::log),
        dimension::real("c", 0.9, 0.9, scale::log1m),
        dimension::real("d", 2.0, 2.0, scale::linear, 0.5),
        dimension::integer("e", 4, 4),
        dimension::integer("f", 3, 3, scale::log),
        dimension::categorical("g", {std::string("only")}),
    };
    for (const auto& d : dims) {
        BOOST_TEST(d.problems().empty(), d.describe());
        for (double u : {0.0, 0.3, 1.0}) {
            auto v = d.from_unit(u);
            BOOST_TEST(d.contains(v), d.describe());
            double back = d.to_unit(v);
            BOOST_TEST((back >= 0 && back <= 1), d.describe());
            BOOST_TEST((d.from_unit(back) == v), d.describe());
        }
    }
    BOOST_TEST(std::get<double>(dims[1].from_unit(0.7)) == 0.01,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(std::get<std::int64_t>(dims[5].from_unit(0.7)) == 3);
    BOOST_TEST(dims[4].cardinality() == 1);
    BOOST_TEST(dims[5].cardinality() == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(conditions)

namespace {
space conditional_space() {
    space s;
    s.add(dimension::categorical("optimizer", {std::string("sgd"), std::string("adam")}));
    s.add(dimension::real("beta", 0.5, 0.99, scale::log1m).when("optimizer", {std::string("sgd")}));
    s.add(dimension::real("beta2", 0.9, 0.9999, scale::log1m)
              .when("optimizer", {std::string("adam")}));
    s.add(dimension::integer("warmup", 1, 10).when("beta2", {}));  // checked by problems()
    return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(inactive_dimensions_are_left_out) {
    space s;
    s.add(dimension::categorical("optimizer", {std::string("sgd"), std::string("adam")}));
    s.add(dimension::real("beta", 0.5, 0.99, scale::log1m).when("optimizer", {std::string("sgd")}));
    s.add(dimension::integer("units", 8, 64));
    BOOST_TEST(s.problems().empty());
    BOOST_TEST(s.conditional());
    std::vector<double> sgd = {0.1, 0.5, 0.5}, adam = {0.9, 0.5, 0.5};
    params p = s.from_unit(sgd), q = s.from_unit(adam);
    BOOST_TEST(p.count("beta") == 1u);
    BOOST_TEST(q.count("beta") == 0u);
    BOOST_TEST(q.size() == 2u);
    BOOST_TEST(s.contains(p));
    BOOST_TEST(s.contains(q));
    auto u = s.to_unit(q);
    BOOST_TEST(std::isnan(u[1]));
    BOOST_TEST(!std::isnan(u[2]));
    // An inactive value present, or an active one missing, is not in the space.
    params bad = q;
    bad["beta"] = 0.9;
    BOOST_TEST(!s.contains(bad));
    params missing = p;
    missing.erase("beta");
    BOOST_TEST(!s.contains(missing));
    BOOST_CHECK_THROW(s.to_unit(params{{"beta", 0.9}}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(conditions_chain_through_inactive_parents) {
    space s;
    s.add(dimension::categorical("a", {std::string("x"), std::string("y")}));
    s.add(dimension::categorical("b", {std::string("p"), std::string("q")})
              .when("a", {std::string("x")}));
    s.add(dimension::real("c", 0, 1).when("b", {std::string("p")}));
    BOOST_TEST(s.problems().empty());
    std::vector<double> u = {0.9, 0.1, 0.5};  // a = y: b inactive, so c too
    params p = s.from_unit(u);
    BOOST_TEST(p.size() == 1u);
    BOOST_TEST(s.contains(p));
}

BOOST_AUTO_TEST_CASE(broken_conditions_are_reported) {
    auto problems = conditional_space().problems();
    BOOST_TEST_REQUIRE(problems.size() == 1u);
    BOOST_TEST(problems[0].find("[space.warmup] when needs at least one value") == 0u, problems[0]);

    space s;
    s.add(dimension::real("beta", 0.5, 0.99).when("optimizer", {std::string("sgd")}));
    s.add(dimension::categorical("optimizer", {std::string("sgd")}));
    s.add(dimension::real("rho", 0.5, 0.99).when("optimiser", {std::string("sgd")}));
    s.add(dimension::real("eps", 0.5, 0.99).when("optimizer", {std::string("sdg")}));
    s.add(dimension::real("self", 0.5, 0.99).when("self", {0.6}));
    auto all = s.problems();
    auto has = [&](const std::string& text) {
        return std::any_of(all.begin(), all.end(),
                           [&](const std::string& p) { return p.find(text) != std::string::npos; });
    };
    BOOST_TEST(
        has("[space.beta] when refers to \"optimizer\", which must be defined before \"beta\""));
    BOOST_TEST(has("[space.rho] when refers to \"optimiser\", which is not a dimension"));
    BOOST_TEST(has("[space.eps] when optimizer = \"sdg\" can never hold"));
    BOOST_TEST(has("[space.self] when cannot refer to the dimension itself"));
}

BOOST_AUTO_TEST_CASE(a_condition_changes_the_hash) {
    space a, b;
    a.add(dimension::categorical("o", {std::string("sgd"), std::string("adam")}));
    a.add(dimension::real("beta", 0.5, 0.99));
    b.add(dimension::categorical("o", {std::string("sgd"), std::string("adam")}));
    b.add(dimension::real("beta", 0.5, 0.99).when("o", {std::string("sgd")}));
    BOOST_TEST(a.hash() != b.hash());
    BOOST_TEST(
        b.describe().find("beta float [0.5, 0.99] linear when o in [\"sgd\"]") != std::string::npos,
        b.describe());
}

BOOST_AUTO_TEST_SUITE_END()
