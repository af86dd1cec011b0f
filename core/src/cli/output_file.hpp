// Writing a file a command produces (caviar report -o FILE): never over something caviar did not
// write itself unless told (a report written over the study's own store lost every trial), and
// through a temporary file renamed into place, so a failed write leaves the old file whole.
#pragma once

#include <filesystem>
#include <string>

namespace caviar::cli {

/// Writes `content` to `file`. An existing file is replaced only when `ours(first bytes)` says
/// caviar wrote it, or with `force`; otherwise throws boost::program_options::error saying what
/// the file is (a SQLite database, another file) and to give --force.
void write_output_file(const std::filesystem::path& file, const std::string& content, bool force,
                       bool (*ours)(const std::string& head));

/// Whether a file's first bytes are a report caviar wrote.
bool is_caviar_report(const std::string& head);

}  // namespace caviar::cli
