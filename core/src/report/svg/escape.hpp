// Escaping text for HTML and SVG: every name and value a user typed goes through here.
#pragma once

#include <string>
#include <string_view>

namespace caviar {

/// s with & < > " ' replaced by their entities: safe in element text and in quoted attributes.
std::string xml_escape(std::string_view s);

}  // namespace caviar
