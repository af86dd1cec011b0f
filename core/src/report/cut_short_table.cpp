#include "report/cut_short_table.hpp"

#include "report/counted.hpp"
#include "report/lineage.hpp"
#include "report/svg/escape.hpp"

namespace caviar {

std::string cut_short_table(const chart_input& in, std::size_t limit) {
    std::string rows, more;
    for (auto state : {trial_state::failed, trial_state::pruned, trial_state::paused}) {
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
        if (n > limit)
            more += (more.empty() ? "" : ", ") + std::to_string(n - limit) + " more " +
                    to_string(state);
    }
    if (rows.empty()) return "<p class=\"note\">Every finished trial completed.</p>\n";
    std::string out =
        "<table class=\"cut\">\n<tr><th>trial</th><th>state</th><th>steps</th><th>reason</th>"
        "<th>params</th></tr>\n" +
        rows + "</table>\n";
    if (!more.empty())
        out += "<p class=\"note\">Not shown: " + more +
               "; <code>caviar trials STORE --wide</code> lists every trial with its reason.</p>\n";
    return out;
}

}  // namespace caviar
