// Where a config error comes from, and the error itself: FILE:LINE:COL: error: MESSAGE.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace caviar {

/// A place in the experiment file. For a value given with --set, file is "--set KEY" and
/// line/column are 0.
struct source_pos {
    std::string file;
    int line = 0;
    int column = 0;
};

struct diagnostic {
    source_pos where;
    std::string message;  // names the key, the rule and the value

    /// "exp.toml:14:9: error: [space.lr] low must not exceed high, got low=1, high=0.1"
    /// (without line:col when they are 0).
    std::string format() const;
};

/// Thrown when validation found errors; carries all of them, in file order.
class config_error : public std::runtime_error {
public:
    explicit config_error(std::vector<diagnostic> d);
    const std::vector<diagnostic>& diagnostics() const { return diagnostics_; }

private:
    std::vector<diagnostic> diagnostics_;
};

/// The candidate closest to word by edit distance, if close enough to be a likely typo
/// (distance <= max(1, word.size() / 3)), or else the one candidate that word (3 characters or
/// more) abbreviates ("val_acc" for "val_accuracy"); empty otherwise. Case-insensitive.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean \"units\"?)" when nearest() finds one, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace caviar
