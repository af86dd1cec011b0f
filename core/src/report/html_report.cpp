#include "report/html_report.hpp"
#include "report/counted.hpp"

#include "config/plugin_tables.hpp"
#include "report/charts/charts.hpp"
#include "report/cut_short_table.hpp"
#include "report/drift.hpp"
#include "report/lineage.hpp"
#include "report/study_summary.hpp"
#include "report/svg/escape.hpp"
#include "report/trial_table.hpp"

#include <algorithm>
#include <ctime>

namespace caviar {

namespace {

const char* style = R"(
:root { --ink: #1f2430; --muted: #5f6675; --rule: #e3e6ec; --accent: #3b528b; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #fff; margin: 0 auto; max-width: 1280px; padding: 24px 32px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 6px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
p.meta, p.note { color: var(--muted); margin: 4px 0 10px; }
section { margin: 26px 0; break-inside: avoid; page-break-inside: avoid; }
dl.brief { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 8px 0; }
dl.brief dt { color: var(--muted); } dl.brief dd { margin: 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 14px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); text-align: left; }
td.num { text-align: right; }
table.cut td.reason { max-width: 640px; overflow-wrap: anywhere; }
td.state.failed { color: #c62828; } td.state.pruned { color: #b35f00; }
td.state.paused { color: #8e24aa; }
details { margin: 8px 0; } details pre { background: #f5f6f8; padding: 8px 12px;
  overflow-x: auto; font-size: 13px; }
th { background: #f5f6f8; font-weight: 600; }
code { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 10px 18px; }
svg.chart { width: 100%; height: auto; display: block; font-size: 12px; }
svg[data-chart="scatter"] { max-width: 820px; }
svg .grid { stroke: #eceef2; } svg .tick, svg .frame { stroke: #8a90a0; }
svg .ticklabel { fill: #4a5060; } svg .axislabel { fill: var(--ink); font-size: 13px; font-weight: 600; }
svg .objective { fill: #7a1f6b; }
svg .legend { fill: #4a5060; font-size: 12px; }
svg .halo { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .best { fill: none; stroke: #2a9d5b; stroke-width: 2; }
svg .pt { stroke: #fff; stroke-width: 0.8; }
svg path.pt.failed { stroke-width: 2.2; }
svg .curve { fill: none; stroke-width: 1.4; opacity: 0.8; }
svg .line { fill: none; stroke-width: 1.3; opacity: 0.7; }
svg .bar { fill: var(--accent); } svg .barlabel { font-size: 13px; } svg .barvalue { fill: #4a5060; }
svg .box { fill: #3b528b; fill-opacity: 0.07; stroke: #3b528b; stroke-dasharray: 4 3; }
svg .boxlabel { fill: #3b528b; font-size: 11px; }
svg .hl { stroke: #000 !important; stroke-width: 2.5 !important; opacity: 1 !important; }
svg polyline.hl { stroke-width: 3.5 !important; }
svg .jump { stroke: #1f2430; stroke-width: 1.8; stroke-dasharray: 5 3; }
svg .outline { stroke: #fff; stroke-width: 4.5; opacity: 0.9; }
svg .pt.clipped { fill-opacity: 0.45; }
svg .clipedge { stroke: #8a90a0; stroke-dasharray: 2 3; }
svg .then { stroke: #4a5060; stroke-width: 1.5; } svg .today { stroke: #fff; stroke-width: 0.8; }
svg .interval { stroke: #1f4e79; stroke-width: 1.5; } svg .moved { stroke: #8a90a0; stroke-dasharray: 3 2; }
pre.drift { background: #f6f7f9; padding: 10px 12px; overflow-x: auto; font-size: 12px; }
ul.chain { margin: 6px 0; padding-left: 22px; } ul.chain li.this { font-weight: 600; }
ol.lineage { margin: 6px 0; padding-left: 22px; } ol.lineage li { margin: 2px 0; }
footer { color: var(--muted); font-size: 13px; margin-top: 30px; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  section { margin: 14px 0; }
  .grid { grid-template-columns: repeat(2, 1fr); }
  svg .hl { stroke: inherit !important; }
}
)";

// Hovering a point or line highlights the same trial in every chart.
const char* script = R"(
(function () {
  function mark(e, on) {
    var t = e.target.closest && e.target.closest('[data-trial]');
    if (!t) return;
    document.querySelectorAll('[data-trial="' + t.getAttribute('data-trial') + '"]')
      .forEach(function (el) { el.classList.toggle('hl', on); });
  }
  document.addEventListener('mouseover', function (e) { mark(e, true); });
  document.addEventListener('mouseout', function (e) { mark(e, false); });
})();
)";

std::string cell(const value& v) {
    if (const auto* d = std::get_if<double>(&v)) return short_number(*d);
    return to_string(v);
}

std::string best_table(const chart_input& in, std::size_t top) {
    auto best = ranked(in.trials, in.study.objective);
    if (best.empty()) return "<p class=\"note\">No complete trial yet.</p>\n";
    std::string out = "<table class=\"best\">\n<tr><th>rank</th><th>trial</th><th>" +
                      xml_escape(in.study.objective.metric) + "</th>";
    for (const auto& d : in.space) out += "<th>" + xml_escape(d.name()) + "</th>";
    out += "</tr>\n";
    for (std::size_t i = 0; i < best.size() && i < top; ++i) {
        const trial& t = *best[i];
        out += "<tr data-trial=\"" + std::to_string(t.number) + "\"><td class=\"num\">" +
               std::to_string(i + 1) + "</td><td class=\"num\">" + std::to_string(t.number) +
               "</td><td class=\"num\">" + short_number(*t.value) + "</td>";
        for (const auto& d : in.space) {
            auto it = t.params.find(d.name());
            out += "<td class=\"num\">" +
                   (it == t.params.end() ? std::string("–") : xml_escape(cell(it->second))) +
                   "</td>";
        }
        out += "</tr>\n";
    }
    return out + "</table>\n";
}

std::string brief(const chart_input& in, const std::string& store_file) {
    const auto& s = in.study;
    auto row = [](const std::string& k, const std::string& v) {
        return "<dt>" + xml_escape(k) + "</dt><dd>" + v + "</dd>\n";
    };
    std::string out = "<dl class=\"brief\">\n";
    out += row("objective", "<b>" + xml_escape(s.objective.metric) + "</b> (" +
                                to_string(s.objective.direction) + ")");
    auto best = ranked(in.trials, s.objective);
    if (!best.empty())
        out += row("best", short_number(*best.front()->value) + " (trial " +
                               std::to_string(best.front()->number) + ")");
    out += row("trials", xml_escape(state_counts(in.trials)) + "; budget " +
                             xml_escape(counted(s.budget, "trial")));
    out += row("plugins", "sampler <code>" + xml_escape(s.sampler) + "</code>, strategy <code>" +
                              xml_escape(s.strategy) + "</code>, model <code>" +
                              xml_escape(s.model) + "</code>");
    // The options each plugin ran with, as the experiment file (after --set) gave them.
    for (const char* table : {"model", "sampler", "strategy"}) {
        std::string opts;
        for (const auto& [k, v] : flat_table_of(s.config, table))
            if (k != "plugin") opts += (opts.empty() ? "" : ", ") + k + " = " + v;
        if (!opts.empty())
            out += row(std::string(table) + " options", "<code>" + xml_escape(opts) + "</code>");
    }
    out += row("seed", std::to_string(s.seed));
    std::string dims;
    for (const auto& d : in.space) dims += "<code>" + xml_escape(d.describe()) + "</code><br>";
    out += row("space", dims);
    out += row("store", "<code>" + xml_escape(store_file) + "</code>");
    out += "</dl>\n";
    if (!s.config.empty())
        out += "<details><summary>The experiment file as it ran</summary><pre><code>" +
               xml_escape(s.config) + "</code></pre></details>\n";
    return out;
}

// The best trial's chain of PBT exploits, newest first; empty when the study has none.
std::string lineage_note(const chart_input& in) {
    auto all = exploits(in.events);
    auto best = ranked(in.trials, in.study.objective);
    if (all.empty() || best.empty()) return "";
    auto chain = lineage(in.trials, all, best.front()->number);
    std::string out = "<p class=\"note\">Lineage of the best trial (" +
                      std::to_string(best.front()->number) +
                      "): whose weights it carries, newest first. " + std::to_string(all.size()) +
                      " exploits in the study; <code>caviar lineage STORE</code> prints the "
                      "same.</p>\n<ol class=\"lineage\">\n";
    for (const auto& st : chain) {
        out += "<li data-trial=\"" + std::to_string(st.trial) + "\">trial " +
               std::to_string(st.trial) + ", steps " + std::to_string(st.from_step) + "–" +
               std::to_string(st.to_step) + ": <code>" + xml_escape(param_list(st.params)) +
               "</code>";
        if (st.began) {
            std::string changes = param_changes(st.donor_params, st.began->new_params);
            out += " — continued from trial " + std::to_string(st.began->from) +
                   "'s checkpoint at step " + std::to_string(st.began->from_step) +
                   (changes.empty() ? "" : "; explored: " + xml_escape(changes));
        } else {
            out += " — trained from scratch";
        }
        out += "</li>\n";
    }
    return out + "</ol>\n";
}

std::string chain_list(const chart_input& in) {
    std::string out = "<ul class=\"chain\">\n";
    for (const auto& l : in.chain) {
        char when[32] = "";
        std::time_t t = static_cast<std::time_t>(l.created_at);
        std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", std::localtime(&t));
        out += std::string("<li") + (l.name == in.study.name ? " class=\"this\"" : "") + ">" +
               std::string(l.depth * 2, ' ') + (l.depth ? "↳ " : "") + xml_escape(l.name) + ", " +
               when + (l.best ? ", best " + xml_escape(short_number(*l.best)) : std::string()) +
               (l.verdict.empty() ? std::string() : ": " + xml_escape(l.verdict)) + "</li>\n";
    }
    return out + "</ul>\n";
}

// Said above every chart of a big study: what it draws.
std::string drawn_note(const chart_input& in) {
    if (!in.drawn) return "";
    return " Drawn here: " + grouped(static_cast<long long>(in.drawn->size())) + " of the " +
           grouped(static_cast<long long>(in.trials.size())) +
           " trials (the 100 best and a random sample of the others, the same each time); the "
           "tables and counts include every trial.";
}

std::string section(const std::string& id, const std::string& title, const std::string& note,
                    const std::string& body) {
    return "<section id=\"" + id + "\">\n<h2>" + xml_escape(title) + "</h2>\n" +
           (note.empty() ? "" : "<p class=\"note\">" + xml_escape(note) + "</p>\n") + body +
           "</section>\n";
}

}  // namespace

std::string html_report(const chart_input& in, const std::string& store_file) {
    const auto& s = in.study;
    std::string title = "caviar report: " + s.name;
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"generator\" content=\"caviar report\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>" +
        xml_escape(title) + "</title>\n<style>" + style + "</style>\n</head>\n<body>\n";
    char when[32] = "";
    std::time_t now = std::time(nullptr);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", std::localtime(&now));
    out += "<header>\n<h1>Study “" + xml_escape(s.name) + "”</h1>\n<p class=\"meta\">" +
           "report generated " + when + " by caviar</p>\n</header>\n";
    out += section("summary", "Summary", "", brief(in, store_file));
    if (!in.chain.empty())
        out += section("chain", "Studies of this line",
                       "The study this one was re-tuned from, and the retunes made from it "
                       "(caviar history lists them all).",
                       chain_list(in));
    if (in.drift.is_object())
        out += section("drift", "Drift since the old study",
                       "The best configurations of study “" +
                           in.drift["from"].value("study", std::string()) +
                           "” run again today: then (hollow) and today's mean with its 95% "
                           "interval over the repeats; the line is the new search's best.",
                       drift_chart(in) + "<pre class=\"drift\">" +
                           xml_escape(drift::text(in.drift)) + "</pre>\n");
    out += section("best", "Best trials", "", best_table(in, 10));
    out += section("cut-short", "Failed, pruned and paused trials",
                   "Why each trial stopped before it completed, as its model or strategy said.",
                   cut_short_table(in, 50));
    out += section("history", "Optimisation history",
                   "The objective of each trial in the order they were numbered; the line is the "
                   "best value so far. Hover a point for its params." +
                       drawn_note(in),
                   history_chart(in));

    std::string method =
        "fANOVA over a random forest of " + std::to_string(in.importance.trees) +
        " regression trees fitted to the complete trials (params in unit space → objective): "
        "the share of the objective's variance each parameter explains alone. " +
        importance_basis(in.importance) + " used.";
    if (auto caveat = importance_caveat(in.events); !caveat.empty()) method += " " + caveat;
    out += section("importance", "Parameter importance", method, importance_chart(in));

    std::string slices = "<div class=\"grid\">\n";
    for (const auto& d : in.space) slices += slice_chart(in, d);
    slices += "</div>\n";
    out += section("slices", "Objective by parameter",
                   "Complete trials, each parameter on the scale it was searched on; colour = "
                   "trial number (dark = early, yellow = late)." +
                       drawn_note(in),
                   slices);

    // The two most important parameters (space order when importance is not known).
    std::vector<const dimension*> top;
    for (const auto& p : in.importance.params)
        if (const auto* d = in.space.find(p.name); d && top.size() < 2) top.push_back(d);
    if (top.size() == 2)
        out += section("scatter", "The two most important parameters",
                       top[0]->name() + " against " + top[1]->name() + "; colour = " +
                           s.objective.metric + " (yellow = best)." + drawn_note(in),
                       scatter_chart(in, *top[0], *top[1]));
    else
        out += section("scatter", "The two most important parameters",
                       "The space has fewer than two parameters.", "");

    out += section(
        "curves", "Learning curves",
        "The value of " + s.objective.metric + " after each step of every trial." + drawn_note(in),
        curves_chart(in) + lineage_note(in));
    out +=
        section("parallel", "Parallel coordinates",
                "Every complete trial as a line through its params and its objective; colour = " +
                    s.objective.metric + " (yellow = best)." + drawn_note(in),
                parallel_chart(in));
    out +=
        "<footer>caviar · every chart is inline SVG; hover any point or line to see the "
        "trial and highlight it everywhere.</footer>\n";
    out += std::string("<script>") + script + "</script>\n</body>\n</html>\n";
    return out;
}

}  // namespace caviar
