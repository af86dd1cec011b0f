#include "hyperparams.hpp"

#include <caviar/errors.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace caviar::mlp {
namespace {

// Bounds of the numeric params. Upper bounds on sizes keep a typo (units = 1e9) from taking the
// machine's memory.
struct rule {
    std::string_view name;
    bool integer;
    double low, high;
    bool high_open;  // beta < 1
};

constexpr rule rules[] = {
    {"layers", true, 0, 100, false},
    {"units", true, 1, 65536, false},
    {"learning_rate", false, 0, std::numeric_limits<double>::max(), false},
    {"beta", false, 0, 1, true},
    {"beta2", false, 0, 1, true},
    {"weight_decay", false, 0, std::numeric_limits<double>::max(), false},
    {"batch_size", true, 1, 1 << 24, false},
};

const rule* find_rule(std::string_view name) {
    for (const auto& r : rules)
        if (r.name == name) return &r;
    return nullptr;
}

std::string number(double x) {
    return caviar::to_string(value{x});
}

std::string range_text(const rule& r) {
    if (r.high == std::numeric_limits<double>::max()) return "finite and >= " + number(r.low);
    return "in [" + number(r.low) + ", " + number(r.high) + (r.high_open ? ")" : "]");
}

bool in_range(const rule& r, double x) {
    return std::isfinite(x) && x >= r.low && (r.high_open ? x < r.high : x <= r.high);
}

// The problem with v as a value of r's param, or nothing.
std::optional<std::string> value_problem(const rule& r, const value& v) {
    if (std::holds_alternative<std::string>(v))
        return std::string(r.name) + " is \"" + std::get<std::string>(v) + "\", expected " +
               (r.integer ? "an integer" : "a number");
    const double x = to_double(v);
    if (r.integer && std::holds_alternative<double>(v) && std::trunc(x) != x)
        return std::string(r.name) + " is " + caviar::to_string(v) + ", expected an integer";
    if (!in_range(r, x))
        return std::string(r.name) + " must be " + range_text(r) + ", got " + caviar::to_string(v);
    return std::nullopt;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

using alias = std::pair<std::string_view, std::string_view>;  // another library's name, ours

// The known name a misspelt (or differently cased, or aliased) one most likely means, if any is
// close enough.
std::optional<std::string_view> nearest(const std::string& name,
                                        std::span<const std::string_view> known,
                                        std::span<const alias> aliases) {
    std::string lower = name;  // "Units" is near "units"
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (auto [other, ours] : aliases)
        if (lower == other) return ours;
    std::string_view best_name;
    std::size_t best = std::numeric_limits<std::size_t>::max();
    for (auto k : known)
        if (auto d = edit_distance(lower, k); d < best) best = d, best_name = k;
    if (best <= std::max<std::size_t>(2, name.size() / 3)) return best_name;
    return std::nullopt;
}

// The params whose values are names: activation and optimizer.
struct choice_rule {
    std::string_view name;
    std::span<const std::string_view> choices;
    std::span<const alias> aliases;
};

constexpr alias optimizer_aliases[] = {{"sgd", "momentum"}};  // ours is SGD with momentum
const choice_rule choice_rules[] = {
    {"activation", activation_names, {}},
    {"optimizer", optimizer_names, optimizer_aliases},
};

const choice_rule* find_choice_rule(std::string_view name) {
    for (const auto& r : choice_rules)
        if (r.name == name) return &r;
    return nullptr;
}

std::string choice_list(const choice_rule& r) {
    std::string s;
    for (auto n : r.choices) s += (s.empty() ? "\"" : ", \"") + std::string(n) + "\"";
    return s;
}

// The problem with v as a value of r's param, or nothing.
std::optional<std::string> choice_problem(const choice_rule& r, const value& v) {
    if (!std::holds_alternative<std::string>(v))
        return std::string(r.name) + " is " + caviar::to_string(v) + ", expected a name (" +
               choice_list(r) + ")";
    const auto& s = std::get<std::string>(v);
    if (std::find(r.choices.begin(), r.choices.end(), s) != r.choices.end()) return std::nullopt;
    std::string msg = std::string(r.name) + " \"" + s + "\" is not supported";
    if (auto n = nearest(s, r.choices, r.aliases))
        msg += " (did you mean \"" + std::string(*n) + "\"?)";
    return msg + " (supported: " + choice_list(r) + ")";
}

std::string unknown_name_problem(const std::string& name) {
    std::string known;
    for (auto k : param_names) known += (known.empty() ? "" : ", ") + std::string(k);
    // Names other libraries use for the same things.
    static constexpr alias aliases[] = {
        {"lr", "learning_rate"}, {"eta", "learning_rate"},    {"momentum", "beta"},
        {"beta1", "beta"},       {"wd", "weight_decay"},      {"l2", "weight_decay"},
        {"batch", "batch_size"}, {"hidden_layers", "layers"}, {"depth", "layers"},
        {"width", "units"},      {"hidden_units", "units"},   {"neurons", "units"},
        {"act", "activation"},   {"opt", "optimizer"},        {"solver", "optimizer"}};
    std::string msg = "unknown parameter '" + name + "'";
    if (auto n = nearest(name, param_names, aliases))
        msg += " (did you mean '" + std::string(*n) + "'?)";
    return msg + "; the mlp model knows: " + known;
}

void check_known(const params& p) {
    for (const auto& [name, v] : p)
        if (std::find(param_names.begin(), param_names.end(), name) == param_names.end())
            throw std::invalid_argument(unknown_name_problem(name));
}

std::vector<std::string> dimension_problems(const dimension& d) {
    std::vector<std::string> out;
    const std::string& name = d.name();
    if (const choice_rule* c = find_choice_rule(name)) {
        if (d.kind() != dimension_kind::categorical) {
            out.push_back(name + " must be categorical, e.g. " + name + " = { choices = [" +
                          choice_list(*c) + "] }");
            return out;
        }
        for (const auto& v : d.choices())
            if (auto p = choice_problem(*c, v)) out.push_back(*p);
        return out;
    }
    const rule* r = find_rule(name);
    if (!r) {
        out.push_back(unknown_name_problem(name));
        return out;
    }
    switch (d.kind()) {
        case dimension_kind::categorical:
            for (const auto& c : d.choices())
                if (auto p = value_problem(*r, c)) out.push_back("choice: " + *p);
            break;
        case dimension_kind::real:
            if (r->integer) {
                out.push_back(name + " must be an int dimension, e.g. " + name +
                              " = { int = [low, high] }");
                break;
            }
            [[fallthrough]];
        case dimension_kind::integer:
            for (double x : {d.low(), d.high()})
                if (auto p = value_problem(*r, value{x})) out.push_back("bound: " + *p);
            break;
    }
    return out;
}

value architecture_value(const hyperparams& h, std::string_view name) {
    if (name == "layers") return h.layers;
    if (name == "units") return h.units;
    if (name == "optimizer") return std::string(to_string(h.optimizer));
    return std::string(to_string(h.activation));
}

}  // namespace

hyperparams read_hyperparams(const params& p, std::int64_t default_batch_size) {
    check_known(p);
    hyperparams h;
    h.batch_size = default_batch_size;
    auto read = [&](std::string_view name, auto& field) {
        auto it = p.find(name);
        if (it == p.end()) return;
        if (auto problem = value_problem(*find_rule(name), it->second))
            throw std::invalid_argument(*problem);
        using field_type = std::remove_reference_t<decltype(field)>;
        field = static_cast<field_type>(to_double(it->second));
    };
    read("layers", h.layers);
    read("units", h.units);
    read("learning_rate", h.learning_rate);
    read("beta", h.beta);
    read("beta2", h.beta2);
    read("weight_decay", h.weight_decay);
    read("batch_size", h.batch_size);
    // The name as given, once choice_problem has accepted it.
    auto read_name = [&](std::string_view name) -> const std::string* {
        auto it = p.find(name);
        if (it == p.end()) return nullptr;
        if (auto problem = choice_problem(*find_choice_rule(name), it->second))
            throw std::invalid_argument(*problem);
        return &std::get<std::string>(it->second);
    };
    if (auto* s = read_name("activation")) h.activation = *activation_from_string(*s);
    if (auto* s = read_name("optimizer")) h.optimizer = *optimizer_from_string(*s);
    return h;
}

void update_hyperparams(hyperparams& h, const params& p) {
    check_known(p);
    // Read onto a copy of h's values, so that a refused update changes nothing.
    params merged;
    for (auto name : architecture_names) merged.emplace(name, architecture_value(h, name));
    merged.emplace("learning_rate", h.learning_rate);
    merged.emplace("beta", h.beta);
    merged.emplace("beta2", h.beta2);
    merged.emplace("weight_decay", h.weight_decay);
    for (const auto& [name, v] : p) merged[name] = v;
    hyperparams next = read_hyperparams(merged, h.batch_size);
    for (auto name : architecture_names) {
        auto it = p.find(name);
        if (it == p.end() || architecture_value(next, name) == architecture_value(h, name))
            continue;
        throw std::invalid_argument(std::string(name) +
                                    " is an architecture parameter and cannot change mid-run (the "
                                    "run has " +
                                    caviar::to_string(architecture_value(h, name)) +
                                    ", the update asked for " + caviar::to_string(it->second) +
                                    ")");
    }
    h = next;
}

void check_space(const space& s) {
    // Every problem at once; the host points at the first dimension that has one.
    std::string first, all;
    for (const auto& d : s)
        for (const auto& p : dimension_problems(d)) {
            if (first.empty()) {
                first = d.name();
                all = p;
            } else {
                all += "\n[space." + d.name() + "] " + p;
            }
        }
    if (!first.empty()) throw caviar::dimension_error(first, all);
}

}  // namespace caviar::mlp
