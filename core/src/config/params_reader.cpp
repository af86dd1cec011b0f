#include "config/params_reader.hpp"

#include <algorithm>

namespace caviar {

namespace {

// The TOML value as a value of dimension d, if it has a fitting type.
std::optional<value> typed(const toml::node& n, const dimension& d) {
    const auto* i = n.as_integer();
    const auto* f = n.as_floating_point();
    const auto* s = n.as_string();
    switch (d.kind()) {
        case dimension_kind::integer:
            if (i) return value{i->get()};
            return std::nullopt;
        case dimension_kind::real:
            if (f) return value{f->get()};
            if (i) return value{static_cast<double>(i->get())};
            return std::nullopt;
        case dimension_kind::categorical:
            for (const auto& c : d.choices()) {
                if (s && c == value{s->get()}) return c;
                if (i && (c == value{i->get()} || c == value{static_cast<double>(i->get())}))
                    return c;
                if (f && c == value{f->get()}) return c;
            }
            if (s) return value{s->get()};
            if (i) return value{i->get()};
            if (f) return value{f->get()};
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

std::optional<params> read_params(const toml::table& t, const space& s, const std::string& prefix,
                                  const source_pos& where, toml_reader& r) {
    params p;
    bool ok = true;
    std::vector<std::string> names;
    for (const auto& d : s) names.push_back(d.name());
    r.check_keys(t, names, prefix, where);
    for (const auto& [k, n] : t) {
        const dimension* d = s.find(k.str());
        if (!d) {
            ok = false;  // reported by check_keys
            continue;
        }
        source_pos at = r.pos(n, r.pos(k, n, where));
        auto v = typed(n, *d);
        if (!v || !d->contains(*v)) {
            r.error(at, prefix + d->name() + " = " + describe(n) +
                            " is not in the space: " + d->describe());
            ok = false;
            continue;
        }
        p.emplace(d->name(), *v);
    }
    if (!ok) return std::nullopt;
    for (const auto& d : s) {
        bool given = p.count(d.name()) > 0, on = s.active(d, p);
        if (on && !given) {
            r.error(where, prefix + "needs a value for " + d.name() +
                               (d.when() ? " (active because " + d.when()->parent + " = " +
                                               to_string(p.at(d.when()->parent)) + ")"
                                         : ""));
            ok = false;
        } else if (!on && given) {
            r.error(where, prefix + d.name() + " is inactive here (it needs " + d.when()->parent +
                               " in its when values) and must be left out");
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return p;
}

std::vector<params> read_enqueue(const toml::node* node, const source_pos& where, const space& s,
                                 toml_reader& r) {
    std::vector<params> out;
    if (!node) return out;
    const auto* a = node->as_array();
    if (!a || !a->is_array_of_tables()) {
        r.error(where, "[[enqueue]] must be tables of params, e.g. [[enqueue]] layers = 2, got " +
                           describe(*node));
        return out;
    }
    for (std::size_t i = 0; i < a->size(); ++i) {
        const auto& t = *a->get(i)->as_table();
        std::string prefix = "[[enqueue]] #" + std::to_string(i + 1) + ": ";
        if (auto p = read_params(t, s, prefix, r.pos(t, where), r)) out.push_back(std::move(*p));
    }
    return out;
}

}  // namespace caviar
