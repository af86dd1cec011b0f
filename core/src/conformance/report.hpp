// What a conformance kit found about one plugin: the checks it passed, the ones it failed (with
// what went wrong), and notes (e.g. a space the plugin refused, which kits allow).
#pragma once

#include <string>
#include <vector>

namespace caviar::conformance {

struct failure {
    std::string check;    // e.g. "proposes_values_in_range_and_on_grid"
    std::string message;  // what went wrong, with the case (trial, space, command) it went wrong in
};

struct report {
    std::vector<std::string> passed;  // names of the checks that passed
    std::vector<failure> failures;
    std::vector<std::string> notes;
    bool ok() const { return failures.empty(); }
};

}  // namespace caviar::conformance
