#include "run/evaluation.hpp"

#include <cmath>

namespace caviar {

evaluation evaluate(const objective& obj, trial_state state, std::string error, const metrics& last,
                    std::int64_t steps) {
    evaluation out{state, std::nullopt, std::move(error)};
    if (state == trial_state::failed) return out;
    auto it = last.find(obj.metric);
    if (it != last.end() && std::isfinite(it->second)) {
        out.value = it->second;
        return out;
    }
    // A pruned or paused trial may lack a value; a complete one must have one.
    if (state != trial_state::complete) return out;
    out.state = trial_state::failed;
    if (it == last.end()) {
        std::string names;
        for (const auto& [k, v] : last) names += (names.empty() ? "" : ", ") + k;
        out.error = "the model reported no metric \"" + obj.metric + "\"" +
                    (names.empty() ? std::string() : " (it reported " + names + ")");
        return out;
    }
    std::string others;
    for (const auto& [k, v] : last)
        if (k != obj.metric)
            others += (others.empty() ? "" : ", ") + k + " = " + to_string(value{v});
    out.error = "objective " + obj.metric + " is " + to_string(value{it->second}) + " after step " +
                std::to_string(steps) + (others.empty() ? std::string() : " (" + others + ")");
    return out;
}

}  // namespace caviar
