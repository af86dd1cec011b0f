// How wide the terminal a command prints to is, for tables that fit it.
#pragma once

#include <cstddef>

namespace caviar::cli {

/// Columns of the terminal behind file descriptor fd; 0 when fd is not a terminal (a pipe or a
/// file gets lines at their full length).
std::size_t terminal_width(int fd);

}  // namespace caviar::cli
