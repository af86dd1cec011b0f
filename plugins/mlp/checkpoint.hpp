// A run's checkpoint and its binary format.
//
// Format, version 1, little-endian (the byte order of every platform caviar builds on):
//   magic "caviar-mlp\n" (11 bytes), u32 version
//   u64 data fingerprint, i64 features, i64 classes
//   i64 layers, i64 units, u8 activation
//   f64 learning_rate, f64 beta, f64 weight_decay, i64 batch_size
//   i64 epoch, u8 diverged
//   u32 length + bytes: the random engine's state (std::mt19937_64's standard text form)
//   u32 tensor count, then per tensor: i64 rows, i64 cols, rows*cols f32 in column-major order
//     (per layer: weights, biases, weight velocity, bias velocity)
//   "end\n"
// Floats are stored bit for bit, so a loaded run continues exactly as the saved one would have.
#pragma once

#include "dataset.hpp"
#include "hyperparams.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace caviar::mlp {

inline constexpr std::uint32_t checkpoint_version = 1;

struct checkpoint {
    std::uint64_t data_fingerprint = 0;
    std::int64_t features = 0;
    std::int64_t classes = 0;
    hyperparams params;
    std::int64_t epoch = 0;
    bool diverged = false;
    std::string rng_state;
    std::vector<matrix> tensors;
};

void write_checkpoint(std::ostream& out, const checkpoint& c);

/// Throws std::invalid_argument for a stream that is not an mlp checkpoint, has another version,
/// or is truncated or corrupt.
checkpoint read_checkpoint(std::istream& in);

}  // namespace caviar::mlp
