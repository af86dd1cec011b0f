// What a study runs on, its "environment fingerprint": the data files its plugins read, the
// plugins themselves, caviar and the machine. Kept with the study each time it changes
// (store::add_environment), so a resume can warn that the data changed under a study, and
// `caviar retune` can say what changed between an old study and today ("data: jan.csv sha256
// 1a2b… → jun.csv 9f8e…, 1,797 → 2,104 lines").
//
// The fingerprint is a JSON object:
//   {"caviar": "0.1.0",
//    "machine": {"cores": 2, "cpu": "AMD EPYC 7B13"},
//    "plugins": {"sampler": {"name", "version", "library", "sha256"}, "strategy": …, "model": …},
//    "files": [{"option": "model.data", "path", "size", "mtime", "sha256", "lines"}]}
// "files" holds every path option of the three plugins that names a regular file; "lines" counts
// its lines (of the decompressed text for a .gz file).
#pragma once

#include "run/study_setup.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace caviar::environment {

/// The sha256 of a file in lower-case hex, read in 1 MiB blocks; `on_block(block, done, total)`
/// sees each block as it is read (to count lines in the same read, or show progress). Throws
/// std::runtime_error when the file cannot be read.
std::string sha256_file(
    const std::filesystem::path& file,
    const std::function<void(std::string_view, std::uintmax_t, std::uintmax_t)>& on_block = {});

/// The setup's fingerprint. A file (or plugin library) with the same path, size and mtime as in
/// `previous` (a fingerprint, or null) keeps its hash and line count from there instead of being
/// read again. Files above 64 MiB are hashed with a progress line on `progress` (nullptr: none).
nlohmann::json fingerprint(const study_setup& s, const nlohmann::json& previous,
                           std::FILE* progress);

/// One difference between two fingerprints. `significant` ones can change a trial's result (data,
/// the model plugin, caviar); the sampler and strategy, or the machine, only change which trials
/// run or how fast.
struct change {
    std::string line;  // "data: jan.csv sha256 1a2b3c4d… → jun.csv 9f8e7d6c…, 1,797 → 2,104 lines"
    bool significant = true;
};
std::vector<change> changes(const nlohmann::json& before, const nlohmann::json& after);

/// A fingerprint for people, a line per item ("data: /d/jan.csv: 57,512 bytes, 1,797 lines,
/// sha256 46abec6b…"), each line starting with `indent`.
std::string describe(const nlohmann::json& fingerprint, const std::string& indent);

}  // namespace caviar::environment
