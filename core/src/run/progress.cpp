#include "run/progress.hpp"

#include <caviar/value.hpp>

#include <cmath>

namespace caviar {

std::string format_duration(double seconds) {
    auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
    return buf;
}

namespace {
std::string short_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}
}  // namespace

progress_printer::progress_printer(std::FILE* out, bool interactive, caviar::objective obj,
                                   std::int64_t finished_before)
    : out_(out),
      interactive_(interactive),
      objective_(std::move(obj)),
      finished_before_(finished_before) {}

std::string progress_printer::line(const study_progress& p, const caviar::objective& obj,
                                   double elapsed, std::int64_t finished_before) {
    std::string width = std::to_string(p.budget);
    std::string done = std::to_string(p.finished());
    std::string out =
        "[" + std::string(width.size() > done.size() ? width.size() - done.size() : 0, ' ') + done +
        "/" + width + "] " + std::to_string(p.running) + " running";
    if (p.pruned) out += ", " + std::to_string(p.pruned) + " pruned";
    if (p.failed) out += ", " + std::to_string(p.failed) + " failed";
    if (p.held) out += ", " + std::to_string(p.held) + " held";
    if (p.best_value)
        out += " | best " + obj.metric + " " + short_number(*p.best_value) + " (trial " +
               std::to_string(p.best_trial) + ")";
    out += " | " + format_duration(elapsed);
    std::int64_t done_now = p.finished() - finished_before;
    std::int64_t left = p.budget - p.finished();
    if (done_now > 0 && left > 0)
        out += ", ETA " +
               format_duration(elapsed / static_cast<double>(done_now) * static_cast<double>(left));
    return out;
}

void progress_printer::update(const study_progress& p) {
    std::lock_guard lock(mutex_);
    last_ = p;
    draw(false);
}

void progress_printer::tick() {
    std::lock_guard lock(mutex_);
    if (interactive_ && drawn_) draw(true);
}

void progress_printer::draw(bool force) {
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - start_).count();
    if (interactive_) {
        // Redraw at most ~10 times a second, unless the timer asks.
        if (!force && drawn_ && now - last_print_ < std::chrono::milliseconds(100) &&
            last_.finished() != last_.budget)
            return;
        std::fprintf(out_, "\r%s\033[K",
                     line(last_, objective_, elapsed, finished_before_).c_str());
    } else {
        // A line every 10 s, and when the last trial finishes.
        bool finished_all = last_.finished() >= last_.budget;
        if (last_.finished() == last_finished_printed_) return;
        if (!finished_all && drawn_ && now - last_print_ < std::chrono::seconds(10)) return;
        std::fprintf(out_, "%s\n", line(last_, objective_, elapsed, finished_before_).c_str());
        last_finished_printed_ = last_.finished();
    }
    std::fflush(out_);
    last_print_ = now;
    drawn_ = true;
}

void progress_printer::message(const std::string& text) {
    show_above(out_, text + "\n");
}

void progress_printer::show_above(std::FILE* to, std::string_view lines) {
    std::lock_guard lock(mutex_);
    bool redraw = interactive_ && drawn_;
    if (redraw) {
        std::fputs("\r\033[K", out_);
        std::fflush(out_);  // before `to` writes: two streams, one terminal
    }
    std::fwrite(lines.data(), 1, lines.size(), to);
    std::fflush(to);
    if (redraw) draw(true);
}

void progress_printer::finish() {
    std::lock_guard lock(mutex_);
    if (!drawn_) return;
    if (interactive_) {
        draw(true);
        std::fprintf(out_, "\n");
    } else if (last_.finished() != last_finished_printed_) {
        double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        std::fprintf(out_, "%s\n", line(last_, objective_, elapsed, finished_before_).c_str());
    }
    std::fflush(out_);
    drawn_ = false;
}

}  // namespace caviar
