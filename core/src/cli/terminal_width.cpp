#include "cli/terminal_width.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace caviar::cli {

std::size_t terminal_width(int fd) {
    if (!::isatty(fd)) return 0;
    winsize w{};
    if (::ioctl(fd, TIOCGWINSZ, &w) != 0 || w.ws_col == 0) return 80;
    return w.ws_col;
}

}  // namespace caviar::cli
