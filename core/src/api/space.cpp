#include <caviar/space.hpp>

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>

namespace caviar {

const dimension* space::find(std::string_view name) const {
    for (const auto& d : dims_)
        if (d.name() == name) return &d;
    return nullptr;
}

std::vector<std::string> space::problems() const {
    std::vector<std::string> out;
    std::set<std::string, std::less<>> seen;
    for (const auto& d : dims_) {
        std::string prefix = "[space." + d.name() + "] ";
        if (!seen.insert(d.name()).second) out.push_back(prefix + "is defined twice");
        for (auto& p : d.problems()) out.push_back(prefix + p);
        if (!d.when()) continue;
        const condition& c = *d.when();
        // Parents come first, so conditions resolve in one pass and cannot form a cycle.
        const dimension* parent = find(c.parent);
        if (!parent) {
            std::string names;
            for (const auto& o : dims_)
                if (&o != &d) names += (names.empty() ? "" : ", ") + o.name();
            out.push_back(prefix + "when refers to \"" + c.parent +
                          "\", which is not a dimension (the space has: " + names + ")");
        } else if (parent == &d) {
            out.push_back(prefix + "when cannot refer to the dimension itself");
        } else if (!seen.count(c.parent)) {
            out.push_back(prefix + "when refers to \"" + c.parent +
                          "\", which must be defined before \"" + d.name() + "\"");
        } else if (c.values.empty()) {
            out.push_back(prefix + "when needs at least one value of \"" + c.parent + "\"");
        } else {
            for (const auto& v : c.values)
                if (!parent->contains(v))
                    out.push_back(prefix + "when " + c.parent + " = " +
                                  (std::holds_alternative<std::string>(v)
                                       ? "\"" + std::get<std::string>(v) + "\""
                                       : to_string(v)) +
                                  " can never hold: \"" + c.parent + "\" is " +
                                  parent->describe().substr(c.parent.size() + 1));
        }
    }
    return out;
}

bool space::conditional() const {
    for (const auto& d : dims_)
        if (d.when()) return true;
    return false;
}

bool space::active(const dimension& d, const params& p) const {
    if (!d.when()) return true;
    auto it = p.find(d.when()->parent);
    if (it == p.end()) return false;
    const auto& values = d.when()->values;
    return std::find(values.begin(), values.end(), it->second) != values.end();
}

params space::from_unit(std::span<const double> u) const {
    if (u.size() != dims_.size())
        throw std::invalid_argument("a point of " + std::to_string(u.size()) +
                                    " coordinates for a space of " + std::to_string(dims_.size()) +
                                    " dimensions");
    params p;
    // Parents precede their children, so each condition sees its parent's final state.
    for (std::size_t i = 0; i < dims_.size(); ++i)
        if (active(dims_[i], p)) p.emplace(dims_[i].name(), dims_[i].from_unit(u[i]));
    return p;
}

std::vector<double> space::to_unit(const params& p) const {
    std::vector<double> u;
    u.reserve(dims_.size());
    for (const auto& d : dims_) {
        auto it = p.find(d.name());
        if (it != p.end())
            u.push_back(d.to_unit(it->second));
        else if (d.when())
            u.push_back(std::numeric_limits<double>::quiet_NaN());
        else
            throw std::invalid_argument("missing parameter '" + d.name() + "'");
    }
    return u;
}

bool space::contains(const params& p) const {
    std::size_t present = 0;
    for (const auto& d : dims_) {
        auto it = p.find(d.name());
        bool on = active(d, p);
        if (on != (it != p.end())) return false;
        if (on && !d.contains(it->second)) return false;
        present += on;
    }
    return present == p.size();  // no names outside the space
}

std::string space::problems(const params& p) const {
    std::string out;
    for (const auto& d : dims_) {
        auto it = p.find(d.name());
        bool on = active(d, p);
        if (on && it == p.end()) out += d.name() + " is active but missing; ";
        if (!on && it != p.end()) out += d.name() + " is inactive but given; ";
        if (it != p.end() && !d.contains(it->second))
            out += d.name() + "=" + to_string(it->second) + " is not in " + d.describe() + "; ";
    }
    for (const auto& [name, v] : p)
        if (!find(name)) out += name + " is not a dimension; ";
    return out;
}

std::string space::describe() const {
    std::string out;
    for (const auto& d : dims_) out += d.describe() + '\n';
    return out;
}

std::uint64_t space::hash() const {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, stable across builds and machines
    for (unsigned char c : describe()) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

}  // namespace caviar
