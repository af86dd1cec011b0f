#include "store/fault.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace caviar::sqlite {

namespace {

long long die_at() {
    const char* v = std::getenv("CAVIAR_TEST_DIE_AT_WRITE");
    return v ? std::atoll(v) : 0;
}

}  // namespace

void fault_point() {
    static const long long target = die_at();
    if (target <= 0) return;
    static std::atomic<long long> writes{0};
    if (++writes == target) {
        static const char message[] = "caviar: CAVIAR_TEST_DIE_AT_WRITE: dying before a write\n";
        (void)!::write(2, message, sizeof message - 1);
        ::_exit(fault_exit_code);
    }
}

}  // namespace caviar::sqlite
