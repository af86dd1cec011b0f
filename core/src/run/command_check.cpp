#include "run/command_check.hpp"
#include "report/counted.hpp"

#include "run/resume_plan.hpp"

#include <map>

namespace caviar {

namespace {

std::string names_of(const space& s) {
    std::string out;
    for (const auto& d : s) out += (out.empty() ? "" : ", ") + d.name();
    return out;
}

}  // namespace

std::string architecture_refusal(const std::string& name, const std::string& model) {
    return name + " is architecture for model " + model +
           ": a running trial keeps it; enqueue a new trial instead";
}

std::variant<params, std::string> changed_params(const trial& t, const params& changes,
                                                 const command_facts& f) {
    params out = t.params;
    for (const auto& [k, v] : changes) {
        const dimension* d = f.space.find(k);
        if (!d)
            return "no param \"" + k + "\" in the study's space (it has " + names_of(f.space) + ")";
        if (!d->contains(v))
            return k + " = " + to_string(v) + " is outside its dimension (" + d->describe() + ")";
        out[k] = v;
    }
    if (auto name = architecture_change(t.params, out, f.architecture))
        return architecture_refusal(*name, f.model_name);
    // A change of a parent switches conditional dimensions on or off: the result must still be a
    // point of the space.
    if (!f.space.contains(out)) {
        for (const auto& d : f.space) {
            bool active = f.space.active(d, out), present = out.count(d.name()) > 0;
            if (active && !present)
                return "these params make " + d.name() + " active: give it too (-p " + d.name() +
                       "=...)";
            if (!active && present)
                return "these params make " + d.name() + " inactive: it cannot keep a value";
        }
        return "these params are not a point of the study's space";
    }
    return out;
}

std::optional<std::string> check_command(const command_record& c, const trial* t, bool held,
                                         const command_facts& f) {
    const std::string who = "trial " + std::to_string(c.trial);
    switch (c.kind) {
        case command_kind::stop:
            return std::nullopt;
        case command_kind::budget:
            if (c.amount < 1)
                return "the budget must be at least 1, got " + std::to_string(c.amount);
            if (c.amount < f.trials)
                return "budget " + std::to_string(c.amount) + " is below the " +
                       counted(f.trials, "trial") + " the study has already";
            return std::nullopt;
        case command_kind::enqueue:
            if (!f.space.contains(c.params))
                return "these params are not a point of the study's space";
            return std::nullopt;
        default:
            break;
    }
    if (!t)
        return "no " + who + " in the study" +
               (f.trials > 0 ? " (it has trials 0 to " + std::to_string(f.trials - 1) + ")"
                             : std::string(" (it has no trials yet)"));
    const std::string state = to_string(t->state);
    switch (c.kind) {
        case command_kind::pause:
            if (t->state == trial_state::running) return std::nullopt;
            if (t->state == trial_state::paused)
                return held ? std::optional<std::string>(who + " is paused already (by you)")
                            : std::nullopt;  // paused by the strategy: a person takes it over
            return who + " is " + state + ": only a running trial can be paused";
        case command_kind::set: {
            if (t->state == trial_state::paused)
                return who + " is paused: give new params when you resume it (resume " +
                       std::to_string(c.trial) + " -p NAME=VALUE)";
            if (t->state != trial_state::running)
                return who + " is " + state + ": only a running trial takes new params";
            if (!f.capabilities.update())
                return "model " + f.model_name +
                       " cannot change params mid-run (it has no run::update): pause " +
                       std::to_string(c.trial) +
                       ", then resume it with -p, which restarts it from "
                       "step 0 with the new params";
            if (c.params.empty())
                return std::string("give the params to change with -p NAME=VALUE");
            auto p = changed_params(*t, c.params, f);
            if (auto* why = std::get_if<std::string>(&p)) return *why;
            return std::nullopt;
        }
        case command_kind::resume: {
            if (t->state != trial_state::paused)
                return who + " is " + state + ", not paused: only a paused trial resumes" +
                       (is_finished(t->state) ? " (enqueue its params to run them again)" : "");
            if (c.params.empty()) return std::nullopt;
            auto p = changed_params(*t, c.params, f);
            if (auto* why = std::get_if<std::string>(&p)) return *why;
            return std::nullopt;
        }
        case command_kind::prune:
            if (is_finished(t->state)) return who + " is " + state + " already";
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

std::set<std::int64_t> held_trials(std::span<const trial> trials,
                                   std::span<const trial_event> events) {
    std::map<std::int64_t, const trial_event*> last;
    for (const auto& e : events)
        if (e.kind == "pause" || e.kind == "resume" || e.kind == "exploit" || e.kind == "restart" ||
            e.kind == "rollback")
            last[e.trial] = &e;
    std::set<std::int64_t> out;
    for (const auto& t : trials) {
        if (t.state != trial_state::paused) continue;
        auto it = last.find(t.number);
        if (it != last.end() && it->second->kind == "pause" && it->second->source == "manual")
            out.insert(t.number);
    }
    return out;
}

}  // namespace caviar
