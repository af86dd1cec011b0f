#include <caviar/space.hpp>

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
        if (!seen.insert(d.name()).second)
            out.push_back("[space." + d.name() + "] is defined twice");
        for (auto& p : d.problems()) out.push_back("[space." + d.name() + "] " + p);
    }
    return out;
}

params space::from_unit(std::span<const double> u) const {
    if (u.size() != dims_.size())
        throw std::invalid_argument("a point of " + std::to_string(u.size()) +
                                    " coordinates for a space of " + std::to_string(dims_.size()) +
                                    " dimensions");
    params p;
    for (std::size_t i = 0; i < dims_.size(); ++i)
        p.emplace(dims_[i].name(), dims_[i].from_unit(u[i]));
    return p;
}

std::vector<double> space::to_unit(const params& p) const {
    std::vector<double> u;
    u.reserve(dims_.size());
    for (const auto& d : dims_) {
        auto it = p.find(d.name());
        if (it == p.end()) throw std::invalid_argument("missing parameter '" + d.name() + "'");
        u.push_back(d.to_unit(it->second));
    }
    return u;
}

bool space::contains(const params& p) const {
    if (p.size() != dims_.size()) return false;
    for (const auto& d : dims_) {
        auto it = p.find(d.name());
        if (it == p.end() || !d.contains(it->second)) return false;
    }
    return true;
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
