// A JSON array written element by element as it is made, byte for byte what
// nlohmann::json::dump(indent) of the whole array would be: output of any length in the memory
// of one element (caviar trials, caviar curves).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

namespace caviar {

class json_array_writer {
public:
    /// indent: as dump()'s (spaces per level; -1 = all on one line).
    json_array_writer(std::ostream& out, int indent) : out_(out), indent_(indent) {}
    /// Writes one element (after the "[" and the separator it needs).
    void add(const nlohmann::json& element);
    /// Writes the closing "]" ("[]" when nothing was added). Call once, after the last add().
    void finish();

private:
    std::ostream& out_;
    int indent_;
    bool any_ = false;
};

}  // namespace caviar
