// The conformance kit every sampler plugin must pass, as a plain function so that out-of-tree
// plugin projects can run it from any test framework (ours is tests/sampler_conformance_test.cpp).
#pragma once

#include <caviar/export.hpp>
#include <caviar/sampler.hpp>

#include "conformance/report.hpp"

#include <functional>
#include <memory>

namespace caviar::conformance {

/// Runs every check of the sampler kit on fresh samplers from make() (each check builds its own,
/// as the host does per study): every kind of dimension, conditional spaces, odd histories,
/// pending and warm-start trials, narrowed spaces and budgets. A sampler may refuse a space in
/// prepare() with std::invalid_argument (a note; that space is skipped); anything else it throws
/// fails the check it threw in, and the kit goes on with the next check. Each check reports at
/// most its first few failures.
CAVIAR_API report check_sampler(const std::function<std::shared_ptr<sampler>()>& make);

}  // namespace caviar::conformance
