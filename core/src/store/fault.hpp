// Fault injection for the store's tests: with CAVIAR_TEST_DIE_AT_WRITE=N in the environment,
// the process dies (_exit 86, nothing flushed, as kill -9 would leave it) just before its Nth
// write statement, so a test can kill a study between any two writes of any operation and
// check that the next run finds a consistent store. Unset, it costs one branch per write.
#pragma once

namespace caviar::sqlite {

/// Called before each write statement runs.
void fault_point();

/// The exit status of a process killed by fault_point.
inline constexpr int fault_exit_code = 86;

}  // namespace caviar::sqlite
