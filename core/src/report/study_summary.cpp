#include "report/study_summary.hpp"
#include "report/counted.hpp"

#include "config/plugin_tables.hpp"
#include "report/lineage.hpp"
#include "report/trial_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace caviar {

std::string state_counts(const std::vector<trial>& trials) {
    std::map<trial_state, std::size_t> n;
    for (const auto& t : trials) ++n[t.state];
    std::string out = std::to_string(trials.size()) + (trials.size() == 1 ? " trial" : " trials");
    std::string parts;
    for (auto s : {trial_state::complete, trial_state::pruned, trial_state::failed,
                   trial_state::paused, trial_state::running, trial_state::queued})
        if (n[s]) parts += (parts.empty() ? "" : ", ") + std::to_string(n[s]) + " " + to_string(s);
    return parts.empty() ? out : out + ": " + parts;
}

std::string share_bar(double share, int width) {
    static const char* eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    int cells = static_cast<int>(std::lround(std::clamp(share, 0.0, 1.0) * width * 8));
    std::string out;
    for (int i = 0; i < cells / 8; ++i) out += "█";
    out += eighths[cells % 8];
    int used = cells / 8 + (cells % 8 ? 1 : 0);
    out += std::string(static_cast<std::size_t>(std::max(0, width - used)), ' ');
    return out;
}

std::string study_summary(const study_record& s, const std::string& store_file, const space& sp,
                          const std::vector<trial>& trials, const importance_result& imp,
                          std::size_t top, const std::vector<trial_event>& events) {
    std::string out = "study \"" + s.name + "\" (" + store_file + ")\n";
    auto line = [&](const char* key, const std::string& v) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "  %-10s ", key);
        out += buf + v + "\n";
    };
    line("objective", s.objective.metric + " (" + to_string(s.objective.direction) + ")");
    line("plugins", "sampler " + s.sampler + ", strategy " + s.strategy + ", model " + s.model);
    for (const char* table : {"model", "sampler", "strategy"}) {
        std::string opts;
        for (const auto& [k, v] : flat_table_of(s.config, table))
            if (k != "plugin") opts += (opts.empty() ? "" : ", ") + k + " = " + v;
        if (!opts.empty()) line(table, opts);
    }
    line("budget", counted(s.budget, "trial") + ", seed " + std::to_string(s.seed));
    bool first = true;
    for (const auto& d : sp) {
        line(first ? "space" : "", d.describe());
        first = false;
    }
    line("trials", state_counts(trials));

    auto best = ranked(trials, s.objective);
    std::vector<std::string> names;
    for (const auto& d : sp) names.push_back(d.name());
    if (best.empty()) {
        out += "\nno complete trial yet\n";
    } else {
        out += "\nbest trials (" + std::to_string(std::min(top, best.size())) + " of " +
               std::to_string(best.size()) + " complete):\n";
        out += ranking_table(trials, s.objective, names, top);
    }

    out += "\nparameter importance (fANOVA main effects: share of the variance of " +
           s.objective.metric + ", " + importance_basis(imp) + "):\n";
    if (!imp.note.empty()) {
        out += "  not computed: " + imp.note + "\n";
        return out;
    }
    std::size_t width = 0;
    for (const auto& p : imp.params) width = std::max(width, p.name.size());
    double explained = 0;
    for (const auto& p : imp.params) {
        char share[16];
        std::snprintf(share, sizeof share, "%.3f", p.importance);
        out += "  " + p.name + std::string(width - p.name.size(), ' ') + "  " +
               share_bar(p.importance, 30) + "  " + share + "\n";
        explained += p.importance;
    }
    char rest[16];
    std::snprintf(rest, sizeof rest, "%.3f", std::max(0.0, 1 - explained));
    out += "  (interactions and noise: " + std::string(rest) + ")\n";
    if (auto caveat = importance_caveat(events); !caveat.empty()) {
        // Wrapped at 96 columns like the rest of the summary.
        std::string line_text;
        std::size_t start = 0;
        while (start < caveat.size()) {
            auto end = caveat.find(' ', start);
            if (end == std::string::npos) end = caveat.size();
            std::string word = caveat.substr(start, end - start);
            if (!line_text.empty() && line_text.size() + 1 + word.size() > 94) {
                out += "  " + line_text + "\n";
                line_text.clear();
            }
            line_text += (line_text.empty() ? "" : " ") + word;
            start = end + 1;
        }
        out += "  " + line_text + "\n";
    }
    return out;
}

}  // namespace caviar
