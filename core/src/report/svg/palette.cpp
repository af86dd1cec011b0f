#include "report/svg/palette.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace caviar {

namespace {

// Nine samples of matplotlib's viridis at 0, 1/8, ..., 1; interpolated linearly between them.
constexpr std::array<std::array<int, 3>, 9> ramp = {{{68, 1, 84},
                                                     {71, 44, 122},
                                                     {59, 81, 139},
                                                     {44, 113, 142},
                                                     {33, 144, 141},
                                                     {39, 173, 129},
                                                     {92, 200, 99},
                                                     {170, 220, 50},
                                                     {253, 231, 37}}};

std::string hex(double r, double g, double b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(std::lround(r)),
                  static_cast<int>(std::lround(g)), static_cast<int>(std::lround(b)));
    return buf;
}

}  // namespace

std::string viridis(double t) {
    if (std::isnan(t)) return "#9e9e9e";
    t = std::clamp(t, 0.0, 1.0) * (ramp.size() - 1);
    auto i = std::min(static_cast<std::size_t>(t), ramp.size() - 2);
    double f = t - static_cast<double>(i);
    const auto& a = ramp[i];
    const auto& b = ramp[i + 1];
    return hex(a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]));
}

std::string state_colour(trial_state s) {
    switch (s) {
        case trial_state::complete:
            return "#3b528b";
        case trial_state::pruned:
            return "#e07b00";
        case trial_state::failed:
            return "#c62828";
        case trial_state::paused:
            return "#8e24aa";
        default:
            return "#9e9e9e";
    }
}

}  // namespace caviar
