// How Boost.Test prints caviar's enums in a failed assertion: by name.
#pragma once

#include <caviar/trial.hpp>

#include <ostream>

namespace caviar {

inline std::ostream& boost_test_print_type(std::ostream& o, trial_state s) {
    return o << to_string(s);
}
inline std::ostream& boost_test_print_type(std::ostream& o, direction d) {
    return o << to_string(d);
}

}  // namespace caviar
