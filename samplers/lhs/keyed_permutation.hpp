// A pseudo-random permutation of [0, n) chosen by a key, evaluated one element at a time in
// constant time and memory, so a sampler can stratify any budget without storing a shuffle.
#pragma once

#include <caviar/seed.hpp>

#include <cstdint>
#include <stdexcept>

namespace caviar::lhs {

/// A balanced Feistel network over the smallest even number of bits that holds n, restricted
/// to [0, n) by cycle walking: an element mapped outside the range is mapped again until it
/// lands inside, which keeps the map a bijection (the walk follows the element's own cycle).
/// The domain is under 4n, so a walk takes fewer than 4 steps on average.
class keyed_permutation {
public:
    keyed_permutation(std::uint64_t n, std::uint64_t key) : n_(n), key_(mix64(key)) {
        if (n == 0) throw std::invalid_argument("a permutation of an empty range");
        while (half_bits_ < 32 && (std::uint64_t{1} << (2 * half_bits_)) < n) ++half_bits_;
        mask_ = (std::uint64_t{1} << half_bits_) - 1;
    }

    std::uint64_t size() const { return n_; }

    /// The image of i, for i < size().
    std::uint64_t operator()(std::uint64_t i) const {
        if (n_ == 1) return 0;
        do i = feistel(i);
        while (i >= n_);
        return i;
    }

private:
    static constexpr int rounds = 6;

    std::uint64_t feistel(std::uint64_t x) const {
        std::uint64_t left = x >> half_bits_, right = x & mask_;
        for (int r = 0; r < rounds; ++r) {
            std::uint64_t f =
                mix64(key_ ^ mix64(right + static_cast<std::uint64_t>(r) * 0x9e3779b97f4a7c15ULL)) &
                mask_;
            std::uint64_t next = left ^ f;
            left = right;
            right = next;
        }
        return (left << half_bits_) | right;
    }

    std::uint64_t n_;
    std::uint64_t key_;
    int half_bits_ = 1;
    std::uint64_t mask_ = 1;
};

}  // namespace caviar::lhs
