#include "config/space_reader.hpp"

#include <cctype>
#include <cstdio>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace caviar {

namespace {

const std::vector<std::string> dimension_keys = {"int",   "float", "choices",
                                                 "scale", "step",  "when"};
const std::vector<std::string> scale_names = {"linear", "log", "log1m"};

struct entry {
    const toml::key* key;
    const toml::node* node;
    source_pos where;
};

// TOML++ keeps a table's keys sorted; the space keeps the file's order. Keys added by --set
// (line 0) go last.
std::vector<entry> in_file_order(const toml::table& t, const source_pos& fallback,
                                 const toml_reader& r) {
    std::vector<entry> out;
    for (const auto& [k, n] : t) out.push_back({&k, &n, r.pos(k, n, fallback)});
    auto rank = [&](const entry& e) {
        auto p = r.pos(e.key->source());
        bool in_file = p && p->file == r.file() && p->line > 0;
        constexpr int last = std::numeric_limits<int>::max();
        return std::pair{in_file ? p->line : last, in_file ? p->column : last};
    };
    std::stable_sort(out.begin(), out.end(),
                     [&](const entry& a, const entry& b) { return rank(a) < rank(b); });
    return out;
}

class dimension_reader {
public:
    dimension_reader(std::string name, const toml::table& t, source_pos where, toml_reader& r)
        : name_(std::move(name)),
          t_(t),
          where_(std::move(where)),
          r_(r),
          prefix_("[space." + name_ + "] ") {}

    std::optional<dimension> read() {
        r_.check_keys(t_, dimension_keys, prefix_, where_);
        std::vector<std::string> kinds;
        for (const char* k : {"int", "float", "choices"})
            if (t_.contains(k)) kinds.emplace_back(k);
        if (kinds.size() != 1) {
            std::string got = kinds.empty() ? "none" : kinds[0];
            for (std::size_t i = 1; i < kinds.size(); ++i)
                got += (i + 1 == kinds.size() ? " and " : ", ") + kinds[i];
            error(where_, "needs exactly one of int, float or choices, got " + got);
            return std::nullopt;
        }
        std::optional<dimension> d;
        if (kinds[0] == "int") d = read_int();
        if (kinds[0] == "float") d = read_float();
        if (kinds[0] == "choices") d = read_choices();
        if (!ok_ || !d) return std::nullopt;
        for (const auto& p : d->problems()) error(where_, p);
        read_when(*d);
        return ok_ ? d : std::nullopt;
    }

    /// Where `when` is written (for the space-wide checks of conditions).
    source_pos when_pos() const { return at("when"); }

private:
    void error(const source_pos& where, const std::string& message) {
        r_.error(where, prefix_ + message);
        ok_ = false;
    }
    source_pos at(const toml::node& n) const { return r_.pos(n, where_); }
    source_pos at(std::string_view key) const {
        const auto* n = t_.get(key);
        if (!n) return where_;
        for (const auto& [k, v] : t_)
            if (k.str() == key) return r_.pos(k, v, where_);
        return at(*n);
    }

    // [low, high] of an int or float dimension; null when malformed.
    const toml::array* bounds(const char* kind) {
        const toml::node& n = *t_.get(kind);
        const auto* a = n.as_array();
        if (!a || a->size() != 2) {
            error(at(n), std::string(kind) + " must be [low, high], got " +
                             (a ? "an array of " + std::to_string(a->size()) : describe(n)));
            return nullptr;
        }
        return a;
    }

    scale read_scale() {
        const auto* n = t_.get("scale");
        if (!n) return scale::linear;
        const auto* s = n->as_string();
        if (s && s->get() == "log") return scale::log;
        if (s && s->get() == "log1m") return scale::log1m;
        if (s && s->get() == "linear") return scale::linear;
        error(at(*n), "scale must be " + quoted_list(scale_names) + ", got " + describe(*n) +
                          (s ? did_you_mean(s->get(), scale_names) : ""));
        return scale::linear;
    }

    std::optional<dimension> read_int() {
        const toml::array* a = bounds("int");
        std::int64_t lh[2] = {0, 0};
        for (std::size_t i = 0; a && i < 2; ++i) {
            const toml::node& b = *a->get(i);
            if (const auto* v = b.as_integer())
                lh[i] = v->get();
            else
                error(at(b), "int bounds must be integers, got " + describe(b));
        }
        scale s = read_scale();
        std::int64_t step = 0;
        if (const auto* n = t_.get("step")) {
            if (const auto* v = n->as_integer(); v && v->get() > 0)
                step = v->get();
            else if (v)
                error(at(*n), "step must be > 0, got " + describe(*n));
            else
                error(at(*n), "step must be an integer for an int dimension, got " + describe(*n));
        }
        if (!a) return std::nullopt;
        return dimension::integer(name_, lh[0], lh[1], s, step);
    }

    std::optional<dimension> read_float() {
        const toml::array* a = bounds("float");
        double lh[2] = {0, 0};
        for (std::size_t i = 0; a && i < 2; ++i) {
            const toml::node& b = *a->get(i);
            if (auto v = number(b))
                lh[i] = *v;
            else
                error(at(b), "float bounds must be numbers, got " + describe(b));
        }
        scale s = read_scale();
        double step = 0;
        if (const auto* n = t_.get("step")) {
            auto v = number(*n);
            if (v && *v > 0)
                step = *v;
            else
                error(at(*n), "step must be a number > 0, got " + describe(*n));
        }
        if (!a) return std::nullopt;
        return dimension::real(name_, lh[0], lh[1], s, step);
    }

    std::optional<dimension> read_choices() {
        for (const char* k : {"scale", "step"})
            if (t_.contains(k))
                error(at(k), std::string(k) + " applies to int and float dimensions only");
        const toml::node& n = *t_.get("choices");
        const auto* a = n.as_array();
        if (!a) {
            error(at(n), "choices must be an array of strings or numbers, got " + describe(n));
            return std::nullopt;
        }
        std::vector<value> choices;
        for (const auto& c : *a) {
            if (const auto* s = c.as_string())
                choices.emplace_back(s->get());
            else if (const auto* i = c.as_integer())
                choices.emplace_back(i->get());
            else if (const auto* d = c.as_floating_point())
                choices.emplace_back(d->get());
            else
                error(at(c), "choices must be strings or numbers, got " + describe(c));
        }
        return dimension::categorical(name_, std::move(choices));
    }

    // when = { parent = value } or { parent = [value, ...] }
    void read_when(dimension& d) {
        const auto* n = t_.get("when");
        if (!n) return;
        const auto* w = n->as_table();
        if (!w || w->size() != 1) {
            error(at(*n),
                  "when must name one dimension and its value(s), e.g. when = { optimizer "
                  "= \"sgd\" } or when = { optimizer = [\"sgd\", \"adam\"] }, got " +
                      describe(*n));
            return;
        }
        auto first = w->begin();  // keep the iterator: TOML++ hands out a proxy it owns
        const toml::key& parent = first->first;
        const toml::node& v = first->second;
        std::vector<value> values;
        auto add = [&](const toml::node& x) {
            if (const auto* s = x.as_string())
                values.emplace_back(s->get());
            else if (const auto* i = x.as_integer())
                values.emplace_back(i->get());
            else if (const auto* f = x.as_floating_point())
                values.emplace_back(f->get());
            else
                error(at(x), "when values must be strings or numbers, got " + describe(x));
        };
        if (const auto* a = v.as_array())
            for (const auto& x : *a) add(x);
        else
            add(v);
        d.when(std::string(parent.str()), std::move(values));
    }

    static std::optional<double> number(const toml::node& n) {
        if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
        if (const auto* d = n.as_floating_point()) return d->get();
        return std::nullopt;
    }

    std::string name_;
    const toml::table& t_;
    source_pos where_;
    toml_reader& r_;
    std::string prefix_;
    bool ok_ = true;
};

}  // namespace

space read_space(const toml::node* node, const source_pos& where, toml_reader& r,
                 const std::vector<std::string>* order) {
    space out;
    if (!node) {
        r.error(where,
                "missing table [space]: the search space needs at least one dimension, "
                "e.g. units = { int = [8, 256] }");
        return out;
    }
    const auto* t = node->as_table();
    if (!t) {
        r.error(where, "[space] must be a table, got " + describe(*node));
        return out;
    }
    if (t->empty()) {
        r.error(where, "[space] needs at least one dimension, e.g. units = { int = [8, 256] }");
        return out;
    }
    std::vector<entry> entries = in_file_order(*t, where, r);
    if (order) {
        auto rank = [&](const entry& e) {
            return std::find(order->begin(), order->end(), e.key->str()) - order->begin();
        };
        std::stable_sort(entries.begin(), entries.end(),
                         [&](const entry& a, const entry& b) { return rank(a) < rank(b); });
    }
    std::map<std::string, source_pos> when_at;
    for (const auto& e : entries) {
        const std::string name(e.key->str());
        // A name goes into tables, CSV headers, TOML, environment variables and file names:
        // letters, digits, '_' and '-' only, so it reads back the same everywhere.
        if (auto why = param_name_problem(name)) {
            r.error(r.pos(*e.node, e.where),
                    "[space] param name \"" + printable(name) + "\" " + *why);
            continue;
        }
        const auto* dt = e.node->as_table();
        if (!dt) {
            r.error(r.pos(*e.node, e.where),
                    "[space." + name +
                        "] must be a table such as { int = [1, 5] }, { float = [0.0, 1.0] } or "
                        "{ choices = [\"a\", \"b\"] }, got " +
                        describe(*e.node));
            continue;
        }
        dimension_reader reader(name, *dt, e.where, r);
        if (auto d = reader.read()) {
            if (d->when()) when_at.emplace(name, reader.when_pos());
            out.add(std::move(*d));
        }
    }
    // Conditions refer to other dimensions, so they are checked once the space is complete;
    // each dimension's own rules were reported above.
    if (!when_at.empty()) {
        std::set<std::string> own;
        for (const auto& d : out)
            for (const auto& p : d.problems()) own.insert("[space." + d.name() + "] " + p);
        for (const auto& p : out.problems()) {
            if (own.count(p)) continue;
            std::string name = p.substr(7, p.find(']') - 7);
            auto it = when_at.find(name);
            r.error(it == when_at.end() ? where : it->second, p);
        }
    }
    return out;
}

std::optional<std::string> param_name_problem(const std::string& name) {
    if (name.empty()) return "is empty";
    if (name.size() > 64) return "is longer than 64 characters";
    for (unsigned char c : name)
        if (!(std::isalnum(c) || c == '_' || c == '-'))
            return std::string("has ") +
                   (c == ' '          ? "a space"
                    : std::isprint(c) ? "'" + std::string(1, static_cast<char>(c)) + "'"
                                      : "a control character") +
                   ": a param name is letters, digits, '_' and '-'";
    return std::nullopt;
}

std::string printable(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isprint(c)) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    return out;
}

}  // namespace caviar
