#include <caviar/options.hpp>
#include <caviar/value.hpp>

#include <stdexcept>

namespace caviar {

const char* to_string(option_type t) {
    switch (t) {
        case option_type::boolean:
            return "bool";
        case option_type::integer:
            return "int";
        case option_type::real:
            return "float";
        case option_type::string:
            return "string";
        case option_type::path:
            return "path";
        case option_type::string_list:
            return "string list";
    }
    return "?";
}

namespace {

// A TOML basic string, so a list reads back as the array it came from.
std::string toml_quoted(const std::string& s) {
    static const char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + '"';
}

}  // namespace

std::string to_string(const option_value& v) {
    if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) return to_string(value{*d});
    if (const auto* list = std::get_if<std::vector<std::string>>(&v)) {
        std::string out = "[";
        for (const auto& s : *list) out += (out.size() > 1 ? ", " : "") + toml_quoted(s);
        return out + "]";
    }
    return std::get<std::string>(v);
}

const option_value& options::at(std::string_view name) const {
    auto it = values_.find(name);
    if (it == values_.end())
        throw std::invalid_argument("option '" + std::string(name) + "' is not set");
    return it->second;
}

bool options::get_bool(std::string_view name) const {
    if (const auto* b = std::get_if<bool>(&at(name))) return *b;
    throw std::invalid_argument("option '" + std::string(name) + "' is not a bool");
}

std::int64_t options::get_int(std::string_view name) const {
    if (const auto* i = std::get_if<std::int64_t>(&at(name))) return *i;
    throw std::invalid_argument("option '" + std::string(name) + "' is not an int");
}

double options::get_real(std::string_view name) const {
    const option_value& v = at(name);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    throw std::invalid_argument("option '" + std::string(name) + "' is not a number");
}

const std::string& options::get_string(std::string_view name) const {
    if (const auto* s = std::get_if<std::string>(&at(name))) return *s;
    throw std::invalid_argument("option '" + std::string(name) + "' is not a string");
}

std::vector<std::string> options::get_string_list(std::string_view name) const {
    const option_value& v = at(name);
    if (const auto* list = std::get_if<std::vector<std::string>>(&v)) return *list;
    if (const auto* s = std::get_if<std::string>(&v)) return {*s};
    throw std::invalid_argument("option '" + std::string(name) + "' is not a string list");
}

bool options::is_list(std::string_view name) const {
    return std::holds_alternative<std::vector<std::string>>(at(name));
}

}  // namespace caviar
