// Reading a labelled CSV table (plain or gzip-compressed).
#pragma once

#include "dataset.hpp"

#include <filesystem>

namespace caviar::mlp {

/// Reads a CSV file, gzip-compressed or not (zlib reads both). Each row holds numeric features
/// then an integer class label. Blank lines and lines starting with '#' are skipped, and so is a
/// first line in which no field is a number (a header). Throws std::invalid_argument
/// "FILE:LINE: ..." for a malformed row, or "FILE: ..." when the file cannot be read or has no
/// rows.
table read_csv(const std::filesystem::path& file);

}  // namespace caviar::mlp
