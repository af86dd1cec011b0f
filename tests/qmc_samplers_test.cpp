// The quasi-random samplers: sobol (scrambled Sobol points) and lhs (Latin hypercube over the
// budget), loaded as plugins through the registry.
#define BOOST_TEST_MODULE qmc_samplers
#include <boost/test/unit_test.hpp>

#include <caviar/caviar.hpp>
#include <plugin/registry.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using caviar::dimension;
using caviar::scale;

std::shared_ptr<caviar::sampler> make(const std::string& name, const caviar::options& o) {
    return caviar::registry::create<caviar::sampler>(
        caviar::registry::load_file(std::string(CAVIAR_PLUGIN_OUTPUT_DIR) + "/sampler_" + name +
                                    ".so"),
        o);
}

std::shared_ptr<caviar::sampler> make_sobol(std::int64_t seed = 0, std::int64_t skip = 0,
                                            bool scramble = true) {
    caviar::options o;
    o.set("seed", seed);
    o.set("skip", skip);
    o.set("scramble", scramble);
    return make("sobol", o);
}

std::shared_ptr<caviar::sampler> make_lhs(std::int64_t seed = 0) {
    caviar::options o;
    o.set("seed", seed);
    return make("lhs", o);
}

// Trial `number` of a study seeded `study_seed` with `budget` trials, as the host asks for it.
caviar::params propose(caviar::sampler& s, const caviar::space& sp, std::int64_t number,
                       std::int64_t budget = 1000, std::uint64_t study_seed = 7) {
    static const caviar::objective objective{.metric = "value"};
    caviar::sample_request req{
        .space = sp,
        .finished = {},
        .pending = {},
        .prior = {},
        .objective = objective,
        .number = number,
        .seed = caviar::derive_seed(study_seed, static_cast<std::uint64_t>(number)),
        .budget = budget,
        .study_seed = study_seed};
    return s.propose(req);
}

// d floats over [0, 1] named x0, x1, ...: a param is its unit coordinate.
caviar::space unit_cube(std::size_t d) {
    caviar::space sp;
    for (std::size_t i = 0; i < d; ++i) sp.add(dimension::real("x" + std::to_string(i), 0, 1));
    return sp;
}

// Trials first..first+count-1 as points of the unit cube (rows), in trial order.
std::vector<std::vector<double>> points(caviar::sampler& s, const caviar::space& sp,
                                        std::int64_t count, std::int64_t budget = 1000,
                                        std::uint64_t study_seed = 7, std::int64_t first = 0) {
    std::vector<std::vector<double>> out;
    for (std::int64_t n = first; n < first + count; ++n)
        out.push_back(sp.to_unit(propose(s, sp, n, budget, study_seed)));
    return out;
}

// Whether column d of the points has exactly one point in each of `cells` equal slices of [0, 1).
bool one_per_slice(const std::vector<std::vector<double>>& pts, std::size_t d, std::int64_t cells) {
    std::vector<int> hits(static_cast<std::size_t>(cells));
    for (const auto& p : pts) {
        auto c = static_cast<std::int64_t>(std::floor(p[d] * static_cast<double>(cells)));
        if (c < 0 || c >= cells) return false;
        ++hits[static_cast<std::size_t>(c)];
    }
    return std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; });
}

// The L2-star discrepancy of points in the unit cube (Warnock's closed form): the root mean
// square, over boxes [0, y), of the gap between the box's volume and the share of points in it.
double l2_star_discrepancy(const std::vector<std::vector<double>>& pts) {
    const double n = static_cast<double>(pts.size());
    const std::size_t d = pts.front().size();
    double single = 0, pairs = 0;
    for (const auto& p : pts) {
        double prod = 1;
        for (double x : p) prod *= (1 - x * x) / 2;
        single += prod;
        for (const auto& q : pts) {
            double pq = 1;
            for (std::size_t k = 0; k < d; ++k) pq *= 1 - std::max(p[k], q[k]);
            pairs += pq;
        }
    }
    double sq = std::pow(3.0, -static_cast<double>(d)) - 2 * single / n + pairs / (n * n);
    return std::sqrt(std::max(0.0, sq));
}

std::string text(const caviar::params& p) {
    std::string out;
    for (const auto& [name, v] : p) out += name + "=" + caviar::to_string(v) + " ";
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sobol_sampler)

BOOST_AUTO_TEST_CASE(first_power_of_two_points_fill_every_slice_of_every_axis) {
    // Every dimension of the table, scrambled with two seeds and plain.
    auto sp = unit_cube(32);
    for (auto s : {make_sobol(0), make_sobol(12345), make_sobol(0, 0, false)}) {
        BOOST_REQUIRE_NO_THROW(s->prepare(sp, 1024));
        auto pts = points(*s, sp, 1024);
        for (int k = 0; k <= 10; ++k) {
            std::vector<std::vector<double>> first(pts.begin(), pts.begin() + (1 << k));
            for (std::size_t d = 0; d < sp.size(); ++d)
                BOOST_TEST(one_per_slice(first, d, std::int64_t{1} << k),
                           "the first 2^" << k << " points, dimension " << d + 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(first_two_dimensions_form_a_zero_m_two_net) {
    // Sobol's first two dimensions have t = 0: 2^m points put exactly one point in every box of
    // volume 2^-m whose sides are 2^-a by 2^-(m-a). Scrambling keeps that.
    auto sp = unit_cube(2);
    for (auto s : {make_sobol(3), make_sobol(0, 0, false)}) {
        const int m = 8;
        auto pts = points(*s, sp, 1 << m);
        for (int a = 0; a <= m; ++a) {
            const int cols = 1 << a, rows = 1 << (m - a);
            std::vector<int> hits(static_cast<std::size_t>(cols * rows));
            for (const auto& p : pts)
                ++hits[static_cast<std::size_t>(static_cast<int>(p[0] * cols) * rows +
                                                static_cast<int>(p[1] * rows))];
            BOOST_TEST(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }),
                       "boxes of 2^-" << a << " by 2^-" << m - a);
        }
    }
}

BOOST_AUTO_TEST_CASE(plain_sequence_matches_the_published_points) {
    // The first 8 points of Joe and Kuo's sequence in 3 dimensions, listed in Gray-code order as
    // most libraries do (e.g. SciPy's qmc.Sobol(d=3, scramble=False)); this sampler gives point n
    // in natural order, so listed point i is trial i ^ (i >> 1).
    const double published[8][3] = {{0, 0, 0},
                                    {0.5, 0.5, 0.5},
                                    {0.75, 0.25, 0.25},
                                    {0.25, 0.75, 0.75},
                                    {0.375, 0.375, 0.625},
                                    {0.875, 0.875, 0.125},
                                    {0.625, 0.125, 0.875},
                                    {0.125, 0.625, 0.375}};
    auto s = make_sobol(0, 0, false);
    auto sp = unit_cube(3);
    for (std::int64_t i = 0; i < 8; ++i) {
        auto u = sp.to_unit(propose(*s, sp, i ^ (i >> 1)));
        for (std::size_t d = 0; d < 3; ++d)
            BOOST_TEST(u[d] == published[i][d], "listed point " << i << ", dimension " << d + 1);
    }
}

BOOST_AUTO_TEST_CASE(has_a_lower_discrepancy_than_random_points) {
    auto sp = unit_cube(5);
    caviar::options none;
    auto random = make("random", none);
    auto lhs = make_lhs();
    double worst_sobol = 0, best_random = 1e9, mean_sobol = 0, mean_random = 0, mean_lhs = 0;
    const int runs = 5;
    for (int r = 0; r < runs; ++r) {
        double sobol = l2_star_discrepancy(points(*make_sobol(r), sp, 256));
        double rand = l2_star_discrepancy(points(*random, sp, 256, 256, 100 + r));
        double latin = l2_star_discrepancy(points(*lhs, sp, 256, 256, 100 + r));
        worst_sobol = std::max(worst_sobol, sobol);
        best_random = std::min(best_random, rand);
        mean_sobol += sobol / runs;
        mean_random += rand / runs;
        mean_lhs += latin / runs;
    }
    BOOST_TEST_MESSAGE("L2-star discrepancy of 256 points in 5-D, mean of "
                       << runs << ": sobol " << mean_sobol << ", lhs " << mean_lhs << ", random "
                       << mean_random);
    BOOST_TEST(worst_sobol < best_random);
    BOOST_TEST(mean_sobol < mean_random / 2);
}

BOOST_AUTO_TEST_CASE(same_seed_gives_same_points_and_another_seed_others) {
    caviar::space sp({dimension::real("x", 0, 1), dimension::integer("n", 1, 1000, scale::log),
                      dimension::real("lr", 1e-5, 1, scale::log)});
    auto a = make_sobol(4), b = make_sobol(4), c = make_sobol(5);
    std::set<std::string> seen;
    int same_as_other_seed = 0;
    for (std::int64_t n = 0; n < 64; ++n) {
        std::string pa = text(propose(*a, sp, n));
        BOOST_TEST(pa == text(propose(*b, sp, n)));
        same_as_other_seed += pa == text(propose(*c, sp, n));
        BOOST_TEST(seen.insert(pa).second, "trial " << n << " repeats " << pa);
    }
    BOOST_TEST(same_as_other_seed == 0);
}

BOOST_AUTO_TEST_CASE(scrambling_comes_from_the_study_and_option_seeds) {
    // Every trial of a study shares one scramble: the trial's seed does not enter it, but the
    // study's does, so two studies with the same sampler options see different points.
    auto s = make_sobol(9);
    auto sp = unit_cube(4);
    std::size_t same = 0;
    for (std::int64_t n : {0, 1, 77}) {
        BOOST_TEST(text(propose(*s, sp, n, 100, 1)) ==
                   text(propose(*make_sobol(9), sp, n, 100, 1)));
        same += text(propose(*s, sp, n, 100, 1)) == text(propose(*s, sp, n, 100, 2));
    }
    BOOST_TEST(same == 0u);
    // Still a (0, m)-sequence under the other scramble: 16 points, one per sixteenth of x.
    std::set<std::int64_t> cells;
    for (std::int64_t n = 0; n < 16; ++n)
        cells.insert(static_cast<std::int64_t>(sp.to_unit(propose(*s, sp, n, 100, 2))[0] * 16));
    BOOST_TEST(cells.size() == 16u);
}

BOOST_AUTO_TEST_CASE(skip_starts_further_along_the_sequence) {
    auto plain = make_sobol(2), skipped = make_sobol(2, 16);
    auto sp = unit_cube(3);
    for (std::int64_t n = 0; n < 20; ++n)
        BOOST_TEST(text(propose(*skipped, sp, n)) == text(propose(*plain, sp, n + 16)));
    // Unscrambled, point 0 is the corner of the space; scrambled it is not.
    caviar::space box({dimension::real("x", 2, 3), dimension::integer("k", 1, 9)});
    BOOST_TEST(text(propose(*make_sobol(0, 0, false), box, 0)) == "k=1 x=2 ");
    BOOST_TEST(text(propose(*make_sobol(0), box, 0)) != "k=1 x=2 ");
}

BOOST_AUTO_TEST_CASE(refuses_a_space_with_more_dimensions_than_its_table) {
    auto s = make_sobol();
    BOOST_CHECK_NO_THROW(s->prepare(unit_cube(32), 100));
    try {
        s->prepare(unit_cube(33), 100);
        BOOST_FAIL("33 dimensions accepted");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(
            std::string(e.what()).find("32 dimensions, the space has 33") != std::string::npos,
            e.what());
    }
    BOOST_CHECK_THROW(propose(*s, unit_cube(33), 0), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lhs_sampler)

BOOST_AUTO_TEST_CASE(every_stratum_of_every_dimension_is_hit_once_over_the_budget) {
    auto s = make_lhs(3);
    for (std::int64_t budget : {1, 2, 3, 4, 5, 7, 16, 17, 37, 100, 257, 1000}) {
        auto sp = unit_cube(budget > 100 ? 3 : 8);
        auto pts = points(*s, sp, budget, budget);
        for (std::size_t d = 0; d < sp.size(); ++d)
            BOOST_TEST(one_per_slice(pts, d, budget), "budget " << budget << ", dimension " << d);
    }
}

BOOST_AUTO_TEST_CASE(every_pass_past_the_budget_is_a_fresh_latin_hypercube) {
    auto s = make_lhs();
    auto sp = unit_cube(5);
    const std::int64_t budget = 20;
    std::vector<std::vector<std::int64_t>> strata;  // per pass, the first dimension's strata
    for (std::int64_t pass = 0; pass < 3; ++pass) {
        auto pts = points(*s, sp, budget, budget, 7, pass * budget);
        for (std::size_t d = 0; d < sp.size(); ++d)
            BOOST_TEST(one_per_slice(pts, d, budget), "pass " << pass << ", dimension " << d);
        std::vector<std::int64_t> first;
        for (const auto& p : pts) first.push_back(static_cast<std::int64_t>(p[0] * budget));
        strata.push_back(first);
    }
    BOOST_TEST((strata[0] != strata[1] && strata[1] != strata[2]));
}

BOOST_AUTO_TEST_CASE(follows_the_budget_of_the_request) {
    // A resumed study with a larger budget asks with the new one: its design has that many
    // strata.
    auto s = make_lhs();
    auto sp = unit_cube(4);
    BOOST_CHECK_NO_THROW(s->prepare(sp, 10));
    for (std::int64_t budget : {10, 24}) {
        auto pts = points(*s, sp, budget, budget);
        for (std::size_t d = 0; d < sp.size(); ++d)
            BOOST_TEST(one_per_slice(pts, d, budget), "budget " << budget << ", dimension " << d);
    }
}

BOOST_AUTO_TEST_CASE(study_and_option_seeds_pick_the_strata) {
    auto sp = unit_cube(3);
    const std::int64_t budget = 50;
    auto strata = [&](caviar::sampler& s, std::uint64_t study_seed) {
        std::vector<std::int64_t> out;
        for (const auto& p : points(s, sp, budget, budget, study_seed))
            for (double x : p) out.push_back(static_cast<std::int64_t>(x * budget));
        return out;
    };
    auto a = make_lhs(1), b = make_lhs(1), c = make_lhs(2);
    BOOST_TEST(strata(*a, 7) == strata(*b, 7));
    BOOST_TEST(strata(*a, 7) != strata(*a, 8));  // another study, another design
    BOOST_TEST((points(*a, sp, budget, budget, 7) == points(*b, sp, budget, budget, 7)));
    BOOST_TEST(strata(*a, 7) != strata(*c, 7));
}

BOOST_AUTO_TEST_CASE(an_int_with_as_many_values_as_the_budget_takes_each_once) {
    auto s = make_lhs(4);
    caviar::space sp({dimension::integer("layers", 1, 10),
                      dimension::categorical("act", {std::string("relu"), std::string("tanh")})});
    std::multiset<std::int64_t> layers;
    int relu = 0;
    for (std::int64_t n = 0; n < 10; ++n) {
        auto p = propose(*s, sp, n, 10);
        layers.insert(caviar::get_int(p, "layers"));
        relu += caviar::get_string(p, "act") == "relu";
    }
    BOOST_TEST(layers == (std::multiset<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
               boost::test_tools::per_element());
    BOOST_TEST(relu == 5);  // each choice gets half the strata
}

BOOST_AUTO_TEST_SUITE_END()
