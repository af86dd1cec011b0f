// Out of line, so the typeinfo of these exceptions lives in libcaviar only: a plugin that throws
// one and the host that catches it agree on its type.
#include <caviar/errors.hpp>

#include <utility>

namespace caviar {

option_error::option_error(std::string option, const std::string& message)
    : std::invalid_argument(message), option_(std::move(option)) {}
option_error::~option_error() = default;

dimension_error::dimension_error(std::string dimension, const std::string& message)
    : std::invalid_argument(message), dimension_(std::move(dimension)) {}
dimension_error::~dimension_error() = default;

}  // namespace caviar
