// stdout.log with a size limit: a program that prints 200 MB must not leave 200 MB per trial.
// The head and the tail are what anyone reads (how it started, how it ended), so those are
// kept, with a line in between saying how many bytes were left out.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace caviar::command {

/// Keeps at most `limit` bytes (0 = no limit) of what is written, plus one marker line: the
/// first half, cut at a line end, and the last half, starting at a line. While the program
/// runs the file is written as it goes (so `tail -f` works) and holds up to 1.5 × limit; the
/// tail is moved into place and the marker written by close() (or the destructor).
/// Thread: one thread at a time.
class capped_log {
public:
    /// Creates (truncates) the file; throws std::runtime_error when it cannot.
    capped_log(std::filesystem::path file, std::uint64_t limit);
    ~capped_log();
    capped_log(const capped_log&) = delete;
    capped_log& operator=(const capped_log&) = delete;

    void write(std::string_view text) { buffer_.append(text); }
    /// Writes what is buffered to the file.
    void flush();
    /// Flushes and puts the log in its final shape; writes after it are dropped.
    void close() noexcept;

    /// Bytes left out so far (the marker line tells the final count).
    std::uint64_t left_out() const { return left_out_; }

private:
    void append(std::string_view bytes);
    void keep_tail(std::uint64_t bytes);
    void move_within(std::uint64_t from, std::uint64_t to, std::uint64_t length);

    std::filesystem::path file_;
    int fd_ = -1;
    std::uint64_t limit_;
    std::uint64_t head_cap_, tail_cap_;
    std::uint64_t head_ = 0;   // bytes of the head, at the start of the file
    bool head_full_ = false;   // from then on, output goes to the spill after the head
    std::uint64_t spill_ = 0;  // bytes after the head; their last tail_cap_ are the tail
    std::uint64_t left_out_ = 0;
    bool tail_at_line_ = true;  // whether the spill starts at the beginning of a line
    std::string buffer_;
};

}  // namespace caviar::command
