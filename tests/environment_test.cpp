// Environment fingerprints: the sha256 of a file, and what changes() says (and how much it
// matters) between two fingerprints.
#define BOOST_TEST_MODULE environment
#include <boost/test/unit_test.hpp>

#include "run/environment.hpp"
#include "support/process.hpp"

using caviar::test::temp_dir;
using json = nlohmann::json;
namespace env = caviar::environment;

BOOST_AUTO_TEST_CASE(hashes_a_file_as_sha256_in_blocks) {
    temp_dir dir;
    // FIPS 180-2's examples: "abc", and the empty message.
    BOOST_TEST(env::sha256_file(dir.write("abc", "abc")) ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(env::sha256_file(dir.write("empty", "")) ==
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // Bigger than a block: every byte is seen once, in order.
    std::string big(3 * (1 << 20) + 17, 'x');
    std::uintmax_t seen = 0, blocks = 0;
    env::sha256_file(dir.write("big", big),
                     [&](std::string_view b, std::uintmax_t done, std::uintmax_t total) {
                         seen += b.size();
                         ++blocks;
                         BOOST_TEST(done == seen);
                         BOOST_TEST(total == big.size());
                     });
    BOOST_TEST(seen == big.size());
    BOOST_TEST(blocks == 4u);
    BOOST_CHECK_THROW(env::sha256_file(dir / "missing"), std::runtime_error);
}

json fingerprint(const std::string& data_sha, std::int64_t lines, const std::string& strategy,
                 const std::string& model_version, int cores) {
    return {{"caviar", "0.1.0"},
            {"machine", {{"cores", cores}, {"cpu", "cpu"}}},
            {"plugins",
             {{"sampler", {{"name", "random"}, {"version", "1.0.0"}, {"sha256", "aa"}}},
              {"strategy", {{"name", strategy}, {"version", "1.0.0"}, {"sha256", "bb"}}},
              {"model", {{"name", "mlp"}, {"version", model_version}, {"sha256", "cc"}}}}},
            {"files",
             json::array({{{"option", "model.data"},
                           {"path", "/d/" + std::string(lines > 1000 ? "jan" : "jun") + ".csv"},
                           {"size", lines * 10},
                           {"sha256", data_sha},
                           {"lines", lines}}})}};
}

BOOST_AUTO_TEST_CASE(says_what_changed_and_whether_it_can_change_results) {
    auto jan = fingerprint("1a2b3c4d5e6f", 1797, "batch", "1.0.0", 2);
    BOOST_TEST(env::changes(jan, jan).empty());

    auto jun = fingerprint("9f8e7d6c5b4a", 997, "batch", "1.1.0", 2);
    auto c = env::changes(jan, jun);
    BOOST_TEST_REQUIRE(c.size() == 2u);
    BOOST_TEST(c[0].line ==
               "data: jan.csv sha256 1a2b3c4d… → jun.csv 9f8e7d6c…, 1,797 → 997 lines");
    BOOST_TEST(c[0].significant);
    BOOST_TEST(c[1].line == "model mlp 1.0.0 → 1.1.0");
    BOOST_TEST(c[1].significant);

    // Another strategy or machine changes which trials run and how fast, not their results.
    auto moved = fingerprint("1a2b3c4d5e6f", 1797, "asha", "1.0.0", 64);
    auto m = env::changes(jan, moved);
    BOOST_TEST_REQUIRE(m.size() == 2u);
    BOOST_TEST(m[0].line == "strategy batch 1.0.0 → asha 1.0.0");
    BOOST_TEST(!m[0].significant);
    BOOST_TEST(m[1].line == "machine: 2 → 64 cores");
    BOOST_TEST(!m[1].significant);
}
