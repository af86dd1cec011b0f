// A run's checkpoint and its binary format.
//
// Format, version 2, little-endian (the byte order of every platform caviar builds on):
//   magic "caviar-mlp\n" (11 bytes), u32 version
//   u64 data fingerprint, i64 features, i64 classes
//   i64 layers, i64 units, u8 activation, u8 optimizer (0 momentum, 1 adam)
//   f64 learning_rate, f64 beta, f64 beta2, f64 weight_decay, i64 batch_size
//   i64 epoch, u8 diverged, i64 updates (optimizer steps taken: Adam's t)
//   u32 length + bytes: the random engine's state (std::mt19937_64's standard text form)
//   u32 tensor count, then per tensor: i64 rows, i64 cols, rows*cols f32 in column-major order
//     (per layer: weights, biases, weight and bias first moments (momentum's velocity, Adam's
//     m), then for Adam only the weight and bias second moments (v))
//   "end\n"
// Version 1 (before Adam) lacks the optimizer, beta2 and updates fields; it still loads, as a
// momentum run with beta2 0.999 and 0 updates (its tensors are version 2's for momentum).
// Floats are stored bit for bit, so a loaded run continues exactly as the saved one would have.
#pragma once

#include "dataset.hpp"
#include "hyperparams.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace caviar::mlp {

inline constexpr std::uint32_t checkpoint_version = 2;

struct checkpoint {
    std::uint64_t data_fingerprint = 0;
    std::int64_t features = 0;
    std::int64_t classes = 0;
    hyperparams params;
    std::int64_t epoch = 0;
    bool diverged = false;
    std::int64_t updates = 0;
    std::string rng_state;
    std::vector<matrix> tensors;
};

void write_checkpoint(std::ostream& out, const checkpoint& c);

/// Reads versions 1 and 2. Throws std::invalid_argument for a stream that is not an mlp
/// checkpoint, has another version, or is truncated or corrupt.
checkpoint read_checkpoint(std::istream& in);

}  // namespace caviar::mlp
