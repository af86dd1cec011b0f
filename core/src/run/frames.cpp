#include "run/frames.hpp"

#include <cerrno>
#include <cstdint>

#include <sys/socket.h>
#include <unistd.h>

namespace caviar {

namespace {

bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool receive_all(int fd, char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::recv(fd, data, size, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

bool send_frame(int fd, char kind, std::string_view bytes) {
    char head[5] = {kind};
    auto n = static_cast<std::uint32_t>(bytes.size());
    for (int i = 0; i < 4; ++i) head[1 + i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return send_all(fd, head, sizeof head) && send_all(fd, bytes.data(), bytes.size());
}

std::optional<frame> receive_frame(int fd) {
    char head[5];
    if (!receive_all(fd, head, sizeof head)) return std::nullopt;
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i)
        n |= static_cast<std::uint32_t>(static_cast<unsigned char>(head[1 + i])) << (8 * i);
    frame f{head[0], std::string(n, '\0')};
    if (n > 0 && !receive_all(fd, f.bytes.data(), n)) return std::nullopt;
    return f;
}

}  // namespace caviar
