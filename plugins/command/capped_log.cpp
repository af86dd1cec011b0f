#include "capped_log.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace caviar::command {

namespace {

// Errors writing the log are not the trial's: what cannot be written is lost, nothing more.
void write_at(int fd, const char* data, std::size_t size, std::uint64_t offset) {
    while (size > 0) {
        ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        data += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
}

std::string read_at(int fd, std::uint64_t offset, std::uint64_t size) {
    std::string out(size, '\0');
    std::size_t have = 0;
    while (have < out.size()) {
        ssize_t n =
            ::pread(fd, out.data() + have, out.size() - have, static_cast<off_t>(offset + have));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        have += static_cast<std::size_t>(n);
    }
    out.resize(have);
    return out;
}

}  // namespace

capped_log::capped_log(std::filesystem::path file, std::uint64_t limit)
    : file_(std::move(file)), limit_(limit), head_cap_(limit / 2), tail_cap_(limit - limit / 2) {
    fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw std::runtime_error("cannot create " + file_.string() + ": " + std::strerror(errno));
}

capped_log::~capped_log() {
    close();
}

void capped_log::flush() {
    if (fd_ < 0 || buffer_.empty()) {
        buffer_.clear();
        return;
    }
    append(buffer_);
    buffer_.clear();
}

void capped_log::append(std::string_view bytes) {
    if (limit_ == 0) {
        write_at(fd_, bytes.data(), bytes.size(), head_);
        head_ += bytes.size();
        return;
    }
    if (!head_full_) {
        if (bytes.size() <= head_cap_ - head_) {
            write_at(fd_, bytes.data(), bytes.size(), head_);
            head_ += bytes.size();
            return;
        }
        // The head ends at the last line end that fits; the rest starts the spill.
        auto cut = bytes.substr(0, head_cap_ - head_).rfind('\n');
        std::size_t take = cut == std::string_view::npos ? 0 : cut + 1;
        write_at(fd_, bytes.data(), take, head_);
        head_ += take;
        head_full_ = true;
        if (head_ > 0) tail_at_line_ = read_at(fd_, head_ - 1, 1) == "\n";
        bytes.remove_prefix(take);
    }
    write_at(fd_, bytes.data(), bytes.size(), head_ + spill_);
    spill_ += bytes.size();
    // Moving the tail costs its size, so it is done once per tail_cap_ bytes: linear overall.
    if (spill_ > 2 * tail_cap_) keep_tail(tail_cap_);
}

void capped_log::keep_tail(std::uint64_t bytes) {
    std::uint64_t drop = spill_ - bytes;
    if (drop == 0) return;
    tail_at_line_ = read_at(fd_, head_ + drop - 1, 1) == "\n";
    move_within(head_ + drop, head_, bytes);
    [[maybe_unused]] int r = ::ftruncate(fd_, static_cast<off_t>(head_ + bytes));
    left_out_ += drop;
    spill_ = bytes;
}

void capped_log::move_within(std::uint64_t from, std::uint64_t to, std::uint64_t length) {
    // to < from: copying front to back never overwrites what is still to be read.
    constexpr std::uint64_t chunk = 1 << 16;
    for (std::uint64_t done = 0; done < length; done += chunk) {
        std::string part = read_at(fd_, from + done, std::min(chunk, length - done));
        write_at(fd_, part.data(), part.size(), to + done);
    }
}

void capped_log::close() noexcept {
    if (fd_ < 0) return;
    try {
        flush();
        if (limit_ > 0 && (left_out_ > 0 || head_ + spill_ > limit_)) {
            keep_tail(std::min(spill_, tail_cap_));
            std::string tail = read_at(fd_, head_, spill_);
            // A tail that starts inside a line starts at the next one instead.
            std::size_t skip = 0;
            if (!tail_at_line_) {
                auto nl = tail.find('\n');
                if (nl != std::string::npos && nl + 1 < tail.size()) skip = nl + 1;
            }
            left_out_ += skip;
            std::string text =
                "caviar: " + std::to_string(left_out_) +
                " bytes of output left out here (log_limit = " + std::to_string(limit_) +
                " bytes keeps the head and the tail)\n";
            text.append(tail, skip);
            write_at(fd_, text.data(), text.size(), head_);
            [[maybe_unused]] int r = ::ftruncate(fd_, static_cast<off_t>(head_ + text.size()));
        }
    } catch (...) {
        // Out of memory for the tail: the log keeps its head and an untrimmed spill.
    }
    ::close(fd_);
    fd_ = -1;
}

}  // namespace caviar::command
