#include <caviar/value.hpp>

#include <charconv>
#include <stdexcept>

namespace caviar {

std::string to_string(const value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) {
        char buf[32];
        // Shortest text that reads back to the same double.
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
        return ec == std::errc{} ? std::string(buf, end) : std::to_string(*d);
    }
    return std::get<std::string>(v);
}

double to_double(const value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    throw std::invalid_argument("value \"" + std::get<std::string>(v) + "\" is not a number");
}

namespace {
const value& lookup(const params& p, std::string_view name) {
    auto it = p.find(name);
    if (it == p.end()) throw std::invalid_argument("missing parameter '" + std::string(name) + "'");
    return it->second;
}
}  // namespace

std::int64_t get_int(const params& p, std::string_view name) {
    const value& v = lookup(p, name);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    throw std::invalid_argument("parameter '" + std::string(name) + "' is " + to_string(v) +
                                ", expected an integer");
}

double get_real(const params& p, std::string_view name) {
    const value& v = lookup(p, name);
    if (std::holds_alternative<std::string>(v))
        throw std::invalid_argument("parameter '" + std::string(name) + "' is \"" +
                                    std::get<std::string>(v) + "\", expected a number");
    return to_double(v);
}

const std::string& get_string(const params& p, std::string_view name) {
    const value& v = lookup(p, name);
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    throw std::invalid_argument("parameter '" + std::string(name) + "' is " + to_string(v) +
                                ", expected a string");
}

}  // namespace caviar
