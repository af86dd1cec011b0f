#include "report/json_array_writer.hpp"

#include <string>

namespace caviar {

void json_array_writer::add(const nlohmann::json& element) {
    std::string text = element.dump(indent_);
    if (indent_ < 0) {
        out_ << (any_ ? "," : "[") << text;
    } else {
        // One level deeper than dump() puts it: every line of it indented once more. A dumped
        // string never holds a raw newline (it is escaped), so each '\n' starts a line.
        const std::string pad(static_cast<std::size_t>(indent_), ' ');
        out_ << (any_ ? ",\n" : "[\n") << pad;
        std::size_t from = 0;
        for (std::size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1)
            out_.write(text.data() + from, static_cast<std::streamsize>(nl + 1 - from)) << pad;
        out_.write(text.data() + from, static_cast<std::streamsize>(text.size() - from));
    }
    any_ = true;
}

void json_array_writer::finish() {
    if (!any_)
        out_ << "[]";
    else
        out_ << (indent_ < 0 ? "]" : "\n]");
}

}  // namespace caviar
