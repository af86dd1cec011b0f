#include "report/cut_short_table.hpp"

#include "report/counted.hpp"
#include "report/lineage.hpp"
#include "report/svg/escape.hpp"

namespace caviar {

namespace {

// More rows of pruned or paused trials than this fold away: a strategy that prunes is working
// as meant, and its reasons should not push the charts off the first screen. Failures never fold.
constexpr std::size_t folded_above = 8;

}  // namespace

std::string cut_short_table(const chart_input& in, std::size_t limit) {
    std::string out, more;
    for (auto state : {trial_state::failed, trial_state::pruned, trial_state::paused}) {
        std::string rows;
        std::size_t n = 0;
        for (const auto& t : in.trials) {
            if (t.state != state) continue;
            if (++n > limit) continue;
            rows += "<tr data-trial=\"" + std::to_string(t.number) + "\"><td class=\"num\">" +
                    std::to_string(t.number) + "</td><td class=\"state " + to_string(state) +
                    "\">" + to_string(state) + "</td><td class=\"num\">" + std::to_string(t.steps) +
                    "</td><td class=\"reason\">" +
                    xml_escape(t.error.empty() ? "(no reason recorded)" : t.error) +
                    "</td><td><code>" + xml_escape(param_list(t.params)) + "</code></td></tr>\n";
        }
        if (n == 0) continue;
        if (n > limit)
            more += (more.empty() ? "" : ", ") + std::to_string(n - limit) + " more " +
                    to_string(state);
        std::string table =
            "<table class=\"cut\">\n<tr><th>trial</th><th>state</th><th>steps</th>"
            "<th>reason</th><th>params</th></tr>\n" +
            rows + "</table>\n";
        if (state != trial_state::failed && n > folded_above)
            table = "<details><summary>" + counted(static_cast<long long>(n), "trial") + " " +
                    to_string(state) + ", and why</summary>\n" + table + "</details>\n";
        out += table;
    }
    if (out.empty()) return "<p class=\"note\">Every finished trial completed.</p>\n";
    if (!more.empty())
        out += "<p class=\"note\">Not shown: " + more +
               "; <code>caviar trials STORE --wide</code> lists every trial with its reason.</p>\n";
    return out;
}

}  // namespace caviar
