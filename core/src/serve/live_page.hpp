// The live page: one self-contained HTML document (inline CSS and script, nothing fetched from
// elsewhere) that reads the study through the API, follows the push stream, draws the learning
// curves on a canvas, and sends the person's actions.
#pragma once

#include <string>

namespace caviar {

const std::string& live_page();

}  // namespace caviar
