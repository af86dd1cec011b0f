// Reading one line of the program's stdout: a learning-curve point, other output, or a report
// that could not be read.
#pragma once

#include <caviar/trial.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace caviar::command {

struct report_line {
    enum class kind {
        text,       // no known metric: ordinary output
        report,     // a learning-curve point: `values` holds the known metrics it gave
        malformed,  // looks like a report but cannot be read: `problem` says why
    };
    kind what = kind::text;
    caviar::metrics values;
    std::string problem;
};

/// Reads a line as a report of the metrics in `names`. Two forms:
///  - a JSON object, `{"step": 3, "val_loss": 0.21}` (NaN and Infinity allowed, as Python
///    prints them; numbers in strings accepted);
///  - name=value pairs, several per line, separated by spaces, commas or semicolons
///    (`step=3 val_loss=0.21`); other words on the line are ignored.
/// Keys that are not metric names (such as `step`) are ignored.
report_line read_report_line(std::string_view line, const std::vector<std::string>& names);

}  // namespace caviar::command
