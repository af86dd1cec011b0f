#include "condition_groups.hpp"

namespace caviar::tpe {

std::vector<condition_group> group_by_condition(const space& s) {
    std::vector<condition_group> groups;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto& when = s[i].when();
        condition_group* home = nullptr;
        for (auto& g : groups) {
            bool same =
                when ? g.when && g.when->parent == when->parent && g.when->values == when->values
                     : !g.when;
            if (same) {
                home = &g;
                break;
            }
        }
        if (!home) {
            home = &groups.emplace_back();
            if (when) {
                home->when = &*when;
                for (std::size_t p = 0; p < i; ++p)
                    if (s[p].name() == when->parent) home->parent = p;
            }
        }
        home->axes.emplace_back(s[i], i);
    }
    return groups;
}

}  // namespace caviar::tpe
