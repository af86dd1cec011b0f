// resolve_options: a plugin table's raw options checked against the plugin's schema.
#include "config/experiment.hpp"
#include "config/toml_reader.hpp"

#include <caviar/value.hpp>

#include <algorithm>
#include <optional>

namespace caviar {

namespace {

std::string shown(const option_value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return '"' + *s + '"';
    return to_string(v);  // a list reads as its TOML array
}

std::string number(double x) {
    return to_string(value{x});
}

const char* article_and_type(option_type t) {
    switch (t) {
        case option_type::boolean:
            return "a bool (true or false)";
        case option_type::integer:
            return "an int";
        case option_type::real:
            return "a number";
        case option_type::string:
            return "a string";
        case option_type::path:
            return "a path (a string)";
        case option_type::string_list:
            return "an array of strings (or a single string)";
    }
    return "?";
}

// v as type t (an int is accepted for a float and converted); nothing when it is not one.
std::optional<option_value> as_type(const option_value& v, option_type t) {
    switch (t) {
        case option_type::boolean:
            if (std::holds_alternative<bool>(v)) return v;
            break;
        case option_type::integer:
            if (std::holds_alternative<std::int64_t>(v)) return v;
            break;
        case option_type::real:
            if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
            if (std::holds_alternative<double>(v)) return v;
            break;
        case option_type::string:
        case option_type::path:
            if (std::holds_alternative<std::string>(v)) return v;
            break;
        case option_type::string_list:
            // A single string stays one: the plugin knows what it means (a shell line, a list
            // separated by commas).
            if (std::holds_alternative<std::string>(v) ||
                std::holds_alternative<std::vector<std::string>>(v))
                return v;
            break;
    }
    return std::nullopt;
}

class option_checker {
public:
    option_checker(const plugin_ref& ref, std::vector<diagnostic>& errors)
        : prefix_("[" + ref.table + "] "), errors_(errors) {}

    // The given value checked against spec; nothing (and an error) when it breaks a rule.
    std::optional<option_value> check(const option_spec& spec, const plugin_ref::raw_option& raw) {
        auto v = as_type(raw.value, spec.type);
        if (!v) {
            error(raw.where, spec.name + " must be " + article_and_type(spec.type) + ", got " +
                                 shown(raw.value));
            return std::nullopt;
        }
        std::vector<std::string> words;
        if (const auto* s = std::get_if<std::string>(&*v)) words = {*s};
        if (const auto* list = std::get_if<std::vector<std::string>>(&*v)) words = *list;
        for (const auto& s : words)
            if (!spec.allowed.empty() &&
                std::find(spec.allowed.begin(), spec.allowed.end(), s) == spec.allowed.end()) {
                error(raw.where, spec.name + " must be " + (words.size() > 1 ? "made of " : "") +
                                     "one of " + quoted_list(spec.allowed) + ", got " +
                                     shown(option_value{s}) + did_you_mean(s, spec.allowed));
                return std::nullopt;
            }
        if (spec.type == option_type::integer || spec.type == option_type::real) {
            double x = std::holds_alternative<double>(*v)
                           ? std::get<double>(*v)
                           : static_cast<double>(std::get<std::int64_t>(*v));
            if (spec.min && !(x >= *spec.min)) {
                error(raw.where,
                      spec.name + " must be >= " + number(*spec.min) + ", got " + shown(*v));
                return std::nullopt;
            }
            if (spec.max && !(x <= *spec.max)) {
                error(raw.where,
                      spec.name + " must be <= " + number(*spec.max) + ", got " + shown(*v));
                return std::nullopt;
            }
        }
        return v;
    }

    void error(const source_pos& where, const std::string& message) {
        errors_.push_back({where, prefix_ + message});
    }

private:
    std::string prefix_;
    std::vector<diagnostic>& errors_;
};

}  // namespace

options resolve_options(const plugin_info& info, const plugin_ref& ref,
                        const std::filesystem::path& base_dir, std::vector<diagnostic>& errors) {
    option_checker checker(ref, errors);
    std::vector<std::string> names;
    for (const auto& spec : info.options) names.push_back(spec.name);

    for (const auto& [name, raw] : ref.options)
        if (std::find(names.begin(), names.end(), name) == names.end())
            checker.error(raw.where, "unknown option \"" + name + "\" for plugin \"" + info.name +
                                         "\"" + did_you_mean(name, names));

    options out;
    for (const auto& spec : info.options) {
        std::optional<option_value> v;
        if (auto it = ref.options.find(spec.name); it != ref.options.end()) {
            v = checker.check(spec, it->second);
            if (!v) continue;
        } else if (spec.default_value) {
            v = as_type(*spec.default_value, spec.type).value_or(*spec.default_value);
        } else {
            checker.error(ref.where, "option \"" + spec.name + "\" is required for plugin \"" +
                                         info.name + "\"" +
                                         (spec.help.empty() ? "" : ": " + spec.help));
            continue;
        }
        // Paths are relative to the experiment file; an empty one means "none" and stays empty.
        if (auto* s = std::get_if<std::string>(&*v);
            s && spec.type == option_type::path && !s->empty())
            *s = (base_dir / *s).lexically_normal().string();
        out.set(spec.name, std::move(*v));
    }
    return out;
}

}  // namespace caviar
