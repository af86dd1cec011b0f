// Messages over a stream socket between caviar and a trial process: a one-byte kind, a
// four-byte length, then the bytes (a work-queue message, messages.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace caviar {

struct frame {
    char kind = 0;
    std::string bytes;
};

/// Whether the whole frame was sent (false: the other end is gone). Never raises SIGPIPE.
bool send_frame(int fd, char kind, std::string_view bytes);
/// The next frame, or nullopt when the other end closed (or died). Blocks.
std::optional<frame> receive_frame(int fd);

}  // namespace caviar
