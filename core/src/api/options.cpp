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
    }
    return "?";
}

std::string to_string(const option_value& v) {
    if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) return to_string(value{*d});
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

}  // namespace caviar
