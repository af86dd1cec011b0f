#include "report/study_line.hpp"

#include "report/trial_table.hpp"

#include <functional>

namespace caviar {

nlohmann::json retune_report(store& db, std::int64_t study) {
    nlohmann::json out;
    for (const auto& e : db.load_study_events(study)) {
        if (e.kind != "retune") continue;
        auto r = nlohmann::json::parse(e.detail, nullptr, false);
        if (r.is_object()) out = std::move(r);
    }
    return out;
}

std::vector<chain_link> study_line(store& db, const study_record& s) {
    auto all = db.studies();
    auto find = [&](const std::string& name) -> const study_record* {
        for (const auto& x : all)
            if (x.name == name) return &x;
        return nullptr;
    };
    // Up to the original (a parent in another store ends the line here).
    const study_record* root = find(s.name);
    for (int guard = 0; root && !root->parent.empty() && root->parent_store.empty() && guard < 1000;
         ++guard) {
        const study_record* up = find(root->parent);
        if (!up) break;
        root = up;
    }
    std::vector<chain_link> out;
    if (!root) return out;
    std::function<void(const study_record&, int)> walk = [&](const study_record& x, int depth) {
        chain_link l;
        l.name = x.name;
        l.created_at = x.created_at;
        l.depth = depth;
        auto trials = db.load_trials(x.id);
        if (auto best = ranked(trials, x.objective); !best.empty()) l.best = *best.front()->value;
        auto r = retune_report(db, x.id);
        if (r.is_object()) l.verdict = r.value("verdict", std::string());
        out.push_back(std::move(l));
        for (const auto& c : all)
            if (c.parent == x.name && c.parent_store.empty() && depth < 1000) walk(c, depth + 1);
    };
    walk(*root, 0);
    if (out.size() == 1) out.clear();  // a study alone is no line
    return out;
}

}  // namespace caviar
