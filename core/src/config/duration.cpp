#include "config/duration.hpp"

#include <charconv>
#include <cmath>

namespace caviar {

std::optional<double> parse_duration(std::string_view text) {
    double total = 0;
    bool any = false;
    while (!text.empty()) {
        double amount = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
        if (ec != std::errc{} || end == text.data() || amount < 0) return std::nullopt;
        text.remove_prefix(static_cast<std::size_t>(end - text.data()));
        double unit = 0;
        if (text.starts_with("ms")) {
            unit = 0.001;
            text.remove_prefix(2);
        } else if (!text.empty() &&
                   (text[0] == 's' || text[0] == 'm' || text[0] == 'h' || text[0] == 'd')) {
            unit = text[0] == 's' ? 1 : text[0] == 'm' ? 60 : text[0] == 'h' ? 3600 : 86400;
            text.remove_prefix(1);
        } else {
            return std::nullopt;  // every amount needs its unit
        }
        total += amount * unit;
        any = true;
    }
    if (!any || !std::isfinite(total)) return std::nullopt;
    return total;
}

}  // namespace caviar
