// Live progress on stderr: one line redrawn in place on a terminal, plain periodic lines
// otherwise (logs, CI), so output stays readable either way.
#pragma once

#include "run/trial_book.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace caviar {

class progress_printer {
public:
    /// out: usually stderr; interactive: redraw in place (a terminal) or print lines.
    progress_printer(std::FILE* out, bool interactive, caviar::objective obj,
                     std::int64_t finished_before);

    /// A new state of the study (called under the coordinator's lock: quick).
    void update(const study_progress& p);
    /// Refreshes the elapsed time (from a timer thread).
    void tick();
    /// Ends the progress line so that later output starts on a fresh line.
    void finish();
    /// Prints a message on its own line without garbling the progress line.
    void message(const std::string& text);
    /// Shows text someone else wrote (whole lines, each ending in '\n') on `to`, which may be
    /// another stream on the same terminal, above the progress line.
    void show_above(std::FILE* to, std::string_view lines);

    /// The text of the progress line, e.g.
    /// "[ 23/40] 2 running, 1 failed | best val_accuracy 0.9611 (trial 17) | 0:41, ETA 0:30".
    static std::string line(const study_progress& p, const caviar::objective& obj, double elapsed,
                            std::int64_t finished_before);

private:
    void draw(bool force);

    std::FILE* out_;
    bool interactive_;
    caviar::objective objective_;
    std::int64_t finished_before_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_print_{};
    std::mutex mutex_;
    study_progress last_;
    bool drawn_ = false;
    std::int64_t last_finished_printed_ = -1;
};

/// "1:05", "1:02:03".
std::string format_duration(double seconds);

}  // namespace caviar
