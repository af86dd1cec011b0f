#include "run/resume_plan.hpp"

#include "run/params_text.hpp"
#include "store/params_json.hpp"

#include <algorithm>

namespace caviar {

namespace {

resume_plan refuse(std::string why) {
    resume_plan p;
    p.refusal = std::move(why);
    return p;
}

}  // namespace

std::optional<std::string> architecture_change(const params& a, const params& b,
                                               std::span<const std::string> architecture) {
    for (const auto& name : architecture) {
        auto x = a.find(name), y = b.find(name);
        bool same = (x == a.end()) == (y == b.end()) && (x == a.end() || x->second == y->second);
        if (!same) return name;
    }
    return std::nullopt;
}

resume_plan plan_resume(const trial& t, const job& j, const trial* donor, const resume_facts& f) {
    const std::string who = "trial " + std::to_string(t.number);
    if (t.state != trial_state::paused)
        return refuse(who + " is " + to_string(t.state) + ", not paused");
    const bool checkpoints = f.capabilities.checkpoints();
    resume_plan p;

    if (j.from >= 0) {
        // An exploit: the donor's weights (and params, unless the job gives explored ones).
        if (!donor || j.from == t.number)
            return refuse(who + " cannot continue from trial " + std::to_string(j.from) +
                          "'s checkpoint");
        if (!checkpoints)
            return refuse(who +
                          " cannot continue from another trial's checkpoint: the model has "
                          "no checkpoints");
        if (!f.donor_checkpoint)
            return refuse(who + " cannot continue from trial " + std::to_string(j.from) +
                          ", which has no checkpoint");
        p.params = j.params.empty() ? donor->params : j.params;
        if (!f.space.contains(p.params))
            return refuse(who + " was resumed with params that do not match the space: " +
                          describe(p.params));
        if (p.params != donor->params && !f.capabilities.update())
            return refuse(who + " cannot continue from trial " + std::to_string(j.from) +
                          " with other params than the donor's: the model cannot change params "
                          "mid-run");
        p.params_changed = p.params != t.params;
        p.checkpoint_of = j.from;
        p.copy_checkpoint = true;
        p.first_step = *f.donor_checkpoint;
        p.keep_curve_to = std::min(t.steps, p.first_step);
        p.update = f.capabilities.update();
        p.events.push_back({"exploit",
                            {{"from", j.from},
                             {"from_step", p.first_step},
                             {"old", params_to_json(t.params)},
                             {"new", params_to_json(p.params)}}});
        return p;
    }

    p.params = j.params.empty() ? t.params : j.params;
    p.params_changed = p.params != t.params;
    if (p.params_changed) {
        if (!f.space.contains(p.params))
            return refuse(who + " was resumed with params that do not match the space: " +
                          describe(p.params));
        if (auto name = architecture_change(t.params, p.params, f.architecture);
            name && (checkpoints || f.manual))
            return refuse(who + " was resumed with a new value of architecture param " + *name);
        p.events.push_back({"update",
                            {{"old", params_to_json(t.params)},
                             {"new", params_to_json(p.params)},
                             {"changes", changes_text(t.params, p.params)}}});
    }
    std::string restart_reason;
    if (!checkpoints)
        restart_reason = "the model has no checkpoints";
    else if (!f.own_checkpoint)
        restart_reason = "no checkpoint was saved";
    else if (p.params_changed && !f.capabilities.update())
        restart_reason = "the model cannot change params mid-run: it restarts with the new ones";
    if (restart_reason.empty()) {
        p.checkpoint_of = t.number;
        p.first_step = *f.own_checkpoint;
        p.keep_curve_to = p.first_step;
        // Always, when the model can: the checkpoint may hold older params than the trial's (a
        // change after it was saved, then an interrupt that rolled the trial back to it).
        p.update = f.capabilities.update();
        p.events.push_back({"resume", {{"from_step", p.first_step}}});
    } else {
        p.drop_checkpoint = f.own_checkpoint.has_value();
        p.events.push_back({"restart", {{"from_step", t.steps}, {"reason", restart_reason}}});
    }
    return p;
}

}  // namespace caviar
