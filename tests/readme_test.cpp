// The README's sample outputs are what caviar prints: scripts/readme_samples.py re-runs the quick
// start and the other samples and compares (durations and thread counts aside).
#define BOOST_TEST_MODULE readme
#include <boost/test/unit_test.hpp>

#include "support/process.hpp"

BOOST_AUTO_TEST_CASE(the_readme_samples_match_real_runs) {
    auto r = caviar::test::run({"/usr/bin/env", "python3",
                                std::string(CAVIAR_SOURCE_DIR) + "/scripts/readme_samples.py",
                                "--caviar", CAVIAR_BIN, "--check"});
    BOOST_TEST(r.exit_code == 0, r.out << r.err);
}
