#include "report/lineage.hpp"
#include "report/counted.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <set>
#include <stdexcept>

namespace caviar {

namespace {

params params_from_json(const nlohmann::json& j) {
    params p;
    if (!j.is_object()) return p;
    for (const auto& [k, v] : j.items()) {
        if (v.is_number_integer())
            p[k] = v.get<std::int64_t>();
        else if (v.is_number())
            p[k] = v.get<double>();
        else if (v.is_string())
            p[k] = v.get<std::string>();
    }
    return p;
}

nlohmann::json params_to_json(const params& p) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : p) std::visit([&](const auto& x) { out[k] = x; }, v);
    return out;
}

std::string short_value(const value& v) {
    if (const auto* d = std::get_if<double>(&v)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", *d);
        return buf;
    }
    return to_string(v);
}

// Trial `number`'s params just before time `at`: replayed from its exploits (each replaced
// them), or its params now when none came later.
params params_before(const trial& t, const std::vector<const exploit_record*>& own, double at) {
    const exploit_record* last = nullptr;
    for (const auto* e : own)
        if (e->at < at) last = e;
    if (last) return last->new_params;
    for (const auto* e : own)
        if (e->at >= at) return e->old_params;  // the first exploit after: what it replaced
    return t.params;
}

}  // namespace

std::vector<exploit_record> exploits(const std::vector<trial_event>& events) {
    std::vector<exploit_record> out;
    for (const auto& e : events) {
        if (e.kind != "exploit") continue;
        auto d = nlohmann::json::parse(e.detail, nullptr, false);
        if (!d.is_object() || !d.contains("from") || !d["from"].is_number_integer()) continue;
        exploit_record r;
        r.trial = e.trial;
        r.step = e.step;
        r.from = d["from"].get<std::int64_t>();
        r.from_step = d.value("from_step", std::int64_t{0});
        r.old_params = params_from_json(d.value("old", nlohmann::json::object()));
        r.new_params = params_from_json(d.value("new", nlohmann::json::object()));
        r.at = e.at;
        out.push_back(std::move(r));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const exploit_record& a, const exploit_record& b) { return a.at < b.at; });
    return out;
}

std::vector<lineage_stretch> lineage(const std::vector<trial>& trials,
                                     const std::vector<exploit_record>& exploits,
                                     std::int64_t number) {
    auto find = [&](std::int64_t n) -> const trial& {
        for (const auto& t : trials)
            if (t.number == n) return t;
        throw std::out_of_range("no trial " + std::to_string(n));
    };
    auto own = [&](std::int64_t n) {
        std::vector<const exploit_record*> out;
        for (const auto& e : exploits)
            if (e.trial == n) out.push_back(&e);
        return out;
    };
    std::vector<lineage_stretch> chain;
    const trial* t = &find(number);
    double at = std::numeric_limits<double>::infinity();
    std::int64_t to_step = t->steps;
    // Each link goes to a strictly earlier exploit, so the walk ends; the bound is a guard.
    for (std::size_t guard = 0; guard <= exploits.size(); ++guard) {
        auto mine = own(t->number);
        lineage_stretch s;
        s.trial = t->number;
        s.to_step = to_step;
        s.params = params_before(*t, mine, at);
        const exploit_record* last = nullptr;
        for (const auto* e : mine)
            if (e->at < at && e->from_step <= to_step) last = e;
        if (!last) {
            chain.push_back(std::move(s));
            break;
        }
        s.from_step = last->from_step;
        s.began = *last;
        const trial& donor = find(last->from);
        s.donor_params = params_before(donor, own(donor.number), last->at);
        chain.push_back(std::move(s));
        t = &donor;
        at = last->at;
        to_step = last->from_step;
    }
    return chain;
}

void add_updates(std::vector<lineage_stretch>& chain, const std::vector<trial_event>& events) {
    double until = std::numeric_limits<double>::infinity();  // the copy that ended the stretch
    for (auto& s : chain) {
        for (const auto& e : events) {
            if (e.kind != "update" || e.trial != s.trial || e.at >= until) continue;
            if (e.step < s.from_step || e.step > s.to_step) continue;
            auto d = nlohmann::json::parse(e.detail, nullptr, false);
            if (!d.is_object()) continue;
            s.updates.push_back({e.step, e.source,
                                 params_from_json(d.value("old", nlohmann::json::object())),
                                 params_from_json(d.value("new", nlohmann::json::object()))});
        }
        if (s.began) until = s.began->at;
    }
}

nlohmann::json to_json(const std::vector<lineage_stretch>& chain) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : chain) {
        nlohmann::json j = {{"trial", s.trial},
                            {"from_step", s.from_step},
                            {"to_step", s.to_step},
                            {"params", params_to_json(s.params)},
                            {"updates", nlohmann::json::array()}};
        for (const auto& u : s.updates)
            j["updates"].push_back({{"step", u.step},
                                    {"source", u.source},
                                    {"old", params_to_json(u.before)},
                                    {"new", params_to_json(u.after)}});
        if (s.began)
            j["exploit"] = {{"from", s.began->from},
                            {"from_step", s.began->from_step},
                            {"step", s.began->step},
                            {"old", params_to_json(s.began->old_params)},
                            {"new", params_to_json(s.began->new_params)},
                            {"donor", params_to_json(s.donor_params)}};
        out.push_back(std::move(j));
    }
    return out;
}

std::string param_changes(const params& a, const params& b) {
    std::string out;
    auto add = [&](const std::string& name, const value* x, const value* y) {
        out += (out.empty() ? "" : ", ") + name + " " + (x ? short_value(*x) : "–") + " -> " +
               (y ? short_value(*y) : "–");
    };
    for (const auto& [k, v] : a) {
        auto it = b.find(k);
        if (it == b.end())
            add(k, &v, nullptr);
        else if (it->second != v)
            add(k, &v, &it->second);
    }
    for (const auto& [k, v] : b)
        if (!a.count(k)) add(k, nullptr, &v);
    return out;
}

std::string param_list(const params& p) {
    std::string out;
    for (const auto& [k, v] : p) out += (out.empty() ? "" : ", ") + k + "=" + short_value(v);
    return out;
}

std::string importance_caveat(const std::vector<trial_event>& events) {
    std::set<std::int64_t> changed;
    for (const auto& e : events)
        if (e.kind == "exploit" || e.kind == "update") changed.insert(e.trial);
    if (changed.empty()) return "";
    return "The params of " + counted(static_cast<long long>(changed.size()), "trial") +
           " changed while they ran (PBT exploits or updates): importance relates each trial's "
           "final params to its result, so it says which final settings went with good results, "
           "not which settings produced them.";
}

}  // namespace caviar
