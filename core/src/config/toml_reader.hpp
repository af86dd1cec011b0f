// Reading a parsed experiment file: where each node came from, and how errors are reported.
#pragma once

#include "config/diagnostic.hpp"

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caviar {

class toml_reader {
public:
    /// file: the experiment file as the user typed it (the source path given to TOML++).
    toml_reader(std::string file, std::vector<diagnostic>& errors)
        : file_(std::move(file)), errors_(errors) {}

    const std::string& file() const { return file_; }
    source_pos file_pos() const { return {file_, 0, 0}; }

    /// Where region points; a node from --set points at "--set KEY" with line 0. Nothing when
    /// the region is unknown (nodes built in code).
    std::optional<source_pos> pos(const toml::source_region& region) const;
    source_pos pos(const toml::node& n, const source_pos& fallback) const;
    /// A table entry: at its value when the value came from --set, else at its key.
    source_pos pos(const toml::key& k, const toml::node& n, const source_pos& fallback) const;

    void error(source_pos where, std::string message) {
        errors_.push_back({std::move(where), std::move(message)});
    }

    /// Reports every key of t not in allowed: `PREFIX unknown key "trails" (did you mean
    /// "trials"?)`.
    void check_keys(const toml::table& t, const std::vector<std::string>& allowed,
                    std::string_view prefix, const source_pos& fallback);

private:
    std::string file_;
    std::vector<diagnostic>& errors_;
};

/// A value as it reads in a message: 0, 2.5, "ten", true, an array, a table.
std::string describe(const toml::node& n);

/// "linear", "log" or "log1m" from {"linear", "log", "log1m"}.
std::string quoted_list(const std::vector<std::string>& words);

}  // namespace caviar
