#include "report/drift.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <stdexcept>

namespace caviar::drift {

namespace {

using json = nlohmann::json;

struct summary {
    std::size_t n = 0;
    double mean = NAN, half = NAN;  // half-width of the 95% interval, NaN below 2 values
};

double t_quantile(std::size_t n) {
    boost::math::students_t t(static_cast<double>(n - 1));
    return boost::math::quantile(t, 0.975);
}

summary summarise(const std::vector<double>& v) {
    summary s;
    s.n = v.size();
    if (v.empty()) return s;
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    if (v.size() < 2) return s;
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    double sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
    s.half = t_quantile(v.size()) * sd / std::sqrt(static_cast<double>(v.size()));
    return s;
}

json number_or_null(double x) {
    return std::isfinite(x) ? json(x) : json(nullptr);
}

json interval(const summary& s) {
    if (!std::isfinite(s.half)) return nullptr;
    return json::array({s.mean - s.half, s.mean + s.half});
}

// Kendall's tau-b of two sequences (ties in either count as neither concordant nor discordant).
double kendall_tau(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = a.size();
    if (n < 2) return NAN;
    double concordant = 0, discordant = 0, ties_a = 0, ties_b = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            double da = a[i] - a[j], db = b[i] - b[j];
            if (da == 0 && db == 0) continue;
            if (da == 0) {
                ++ties_a;
            } else if (db == 0) {
                ++ties_b;
            } else if ((da > 0) == (db > 0)) {
                ++concordant;
            } else {
                ++discordant;
            }
        }
    double denom =
        std::sqrt((concordant + discordant + ties_a) * (concordant + discordant + ties_b));
    return denom > 0 ? (concordant - discordant) / denom : NAN;
}

// A number of the report, NaN when it is null (a value the store had none of).
double number(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : NAN;
}

std::string fmt(double x) {
    if (!std::isfinite(x)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", x);
    return buf;
}

std::string params_text(const json& p) {
    std::string out;
    for (const auto& [k, v] : p.items())
        out += (out.empty() ? "" : " ") + k + "=" +
               (v.is_string() ? v.get<std::string>() : fmt(v.get<double>()));
    return out;
}

// "new search: 20 trials, best 0.95 (trial #31: ...)", and its confirmation.
std::string search_text(const json& s) {
    if (!s.is_object()) return "";
    std::string out = "new search: " + std::to_string(s.value("trials", 0LL)) + " trials";
    if (s["best"].is_object())
        out += ", best " + fmt(number(s["best"], "value")) + " (trial #" +
               std::to_string(s["best"].value("trial", 0LL)) + ": " +
               params_text(s["best"]["params"]) + ")";
    out += "\n";
    const auto& c = s.contains("confirmed") ? s["confirmed"] : json();
    if (c.is_object() && c["mean"].is_number()) {
        out += "  run again with the repeats' seeds: " + fmt(c["mean"].get<double>());
        if (c["ci"].is_array())
            out +=
                " [" + fmt(c["ci"][0].get<double>()) + ", " + fmt(c["ci"][1].get<double>()) + "]";
        out += "\n";
    }
    return out;
}

}  // namespace

tolerance tolerance::parse(const std::string& text) {
    tolerance t;
    std::string number = text;
    bool percent = !number.empty() && number.back() == '%';
    if (percent) number.pop_back();
    std::size_t used = 0;
    double x = NAN;
    try {
        x = std::stod(number, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != number.size() || !std::isfinite(x) || x < 0)
        throw std::invalid_argument("--tolerance " + text +
                                    ": give a number >= 0 (in the objective's units, e.g. 0.01) "
                                    "or a percentage of the old best's value today (e.g. 5%)");
    (percent ? t.percent : t.absolute) = x;
    return t;
}

json report(const inputs& in) {
    const bool minimize = in.objective.direction == direction::minimize;
    // better(a, b): a is better than b.
    auto better = [minimize](double a, double b) { return minimize ? a < b : a > b; };
    // How much a improves on b (positive: a is better).
    auto improvement = [minimize](double a, double b) { return minimize ? b - a : a - b; };

    // Re-evaluations by old trial, and by repeat within each.
    std::map<std::int64_t, std::map<std::int64_t, double>> values;
    std::map<std::int64_t, std::vector<std::int64_t>> numbers;
    const trial* search_best = nullptr;
    std::int64_t searched = 0;
    // Confirmations of the search's best: its params run again with the repeats' seeds.
    std::map<std::int64_t, double> confirmed;
    std::vector<std::int64_t> confirm_numbers;
    std::int64_t confirms = -1;
    for (const auto& t : in.trials) {
        if (auto c = t.attrs.find(confirms_attr); c != t.attrs.end()) {
            confirms = std::stoll(c->second);
            confirm_numbers.push_back(t.number);
            auto r = t.attrs.find(repeat_attr);
            if (t.state == trial_state::complete && t.value && r != t.attrs.end())
                confirmed[std::stoll(r->second)] = *t.value;
            continue;
        }
        auto of = t.attrs.find(retune_of_attr);
        if (of == t.attrs.end()) {
            if (is_finished(t.state)) ++searched;
            if (t.state == trial_state::complete && t.value &&
                (!search_best || better(*t.value, *search_best->value)))
                search_best = &t;
            continue;
        }
        std::int64_t old = std::stoll(of->second);
        numbers[old].push_back(t.number);
        if (t.state != trial_state::complete || !t.value) continue;
        auto r = t.attrs.find(repeat_attr);
        values[old][r == t.attrs.end() ? t.number : std::stoll(r->second)] = *t.value;
    }

    json out;
    out["study"] = in.study;
    out["from"] = {{"study", in.from_study}, {"store", in.from_store}};
    out["objective"] = {{"metric", in.objective.metric},
                        {"direction", to_string(in.objective.direction)}};
    out["top"] = in.top;
    out["repeats"] = in.repeats;

    struct row {
        const configuration* c;
        summary s;
        std::vector<double> v;
        std::int64_t new_rank = 0;
    };
    std::vector<row> rows;
    for (const auto& c : in.configurations) {
        row r{&c, {}, {}};
        for (const auto& [rep, v] : values[c.old_trial]) r.v.push_back(v);
        r.s = summarise(r.v);
        rows.push_back(std::move(r));
    }
    // Today's ranks: by mean, configurations with no value last.
    std::vector<std::size_t> order(rows.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        bool fa = std::isfinite(rows[a].s.mean), fb = std::isfinite(rows[b].s.mean);
        if (fa != fb) return fa;
        return fa && better(rows[a].s.mean, rows[b].s.mean);
    });
    for (std::size_t k = 0; k < order.size(); ++k)
        rows[order[k]].new_rank = static_cast<std::int64_t>(k + 1);

    json configs = json::array();
    std::vector<double> old_values, new_means;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        json p = json::object();
        for (const auto& [k, v] : r.c->p) std::visit([&](const auto& x) { p[k] = x; }, v);
        configs.push_back({{"old_trial", r.c->old_trial},
                           {"params", p},
                           {"old_value", r.c->old_value},
                           {"old_rank", i + 1},
                           {"trials", numbers[r.c->old_trial]},
                           {"values", r.v},
                           {"mean", number_or_null(r.s.mean)},
                           {"ci", interval(r.s)},
                           {"new_rank", r.new_rank}});
        if (std::isfinite(r.s.mean)) {
            old_values.push_back(r.c->old_value);
            new_means.push_back(r.s.mean);
        }
    }
    out["configurations"] = configs;
    json skipped = json::array();
    for (const auto& [t, why] : in.skipped) skipped.push_back({{"old_trial", t}, {"reason", why}});
    out["skipped"] = skipped;
    out["kendall_tau"] = number_or_null(kendall_tau(old_values, new_means));

    out["search"] = nullptr;
    if (searched > 0 || search_best) {
        json s = {{"trials", searched}, {"best", nullptr}};
        if (search_best) {
            json p = json::object();
            for (const auto& [k, v] : search_best->params)
                std::visit([&](const auto& x) { p[k] = x; }, v);
            s["best"] = {
                {"trial", search_best->number}, {"value", *search_best->value}, {"params", p}};
        }
        s["confirmed"] = nullptr;
        if (!confirm_numbers.empty()) {
            std::vector<double> v;
            for (const auto& [rep, x] : confirmed) v.push_back(x);
            summary c = summarise(v);
            s["confirmed"] = {{"trial", confirms},
                              {"trials", confirm_numbers},
                              {"values", v},
                              {"mean", number_or_null(c.mean)},
                              {"ci", interval(c)}};
        }
        out["search"] = s;
    }
    out["changes"] = in.changes;

    // The old best today, against today's best re-evaluated (or its runner-up, when it is still
    // the best), paired over the repeats.
    json verdict_old = nullptr;
    double tol = 0;
    std::string rule;
    double gap = 0;
    bool drifted = false;
    std::string verdict;
    if (!rows.empty()) {
        const row& ob = rows.front();
        const row* now_best = rows.size() ? &rows[order.front()] : nullptr;
        const bool still = now_best == &ob;
        const row* other = still ? (order.size() > 1 ? &rows[order[1]] : nullptr) : now_best;
        json o = {
            {"old_trial", ob.c->old_trial},
            {"old_value", ob.c->old_value},
            {"mean", number_or_null(ob.s.mean)},
            {"ci", interval(ob.s)},
            {"still_best", still && std::isfinite(ob.s.mean)},
            {"best_now", now_best && std::isfinite(now_best->s.mean) ? json(now_best->c->old_trial)
                                                                     : json(nullptr)},
            {"compared_with", other ? json(other->c->old_trial) : json(nullptr)},
            {"difference", nullptr},
            {"difference_ci", nullptr},
            {"p_value", nullptr},
            {"pairs", 0}};
        if (other && std::isfinite(ob.s.mean) && std::isfinite(other->s.mean)) {
            std::vector<double> d;
            const auto& a = values[ob.c->old_trial];
            const auto& b = values[other->c->old_trial];
            for (const auto& [rep, v] : a)
                if (auto it = b.find(rep); it != b.end()) d.push_back(it->second - v);
            summary sd = summarise(d);
            o["pairs"] = d.size();
            o["difference"] = number_or_null(sd.mean);
            o["difference_ci"] = interval(sd);
            if (d.size() >= 2) {
                double se = std::isfinite(sd.half) ? sd.half / t_quantile(d.size()) : 0;
                double p = 1;
                if (se > 0) {
                    boost::math::students_t t(static_cast<double>(d.size() - 1));
                    p = 2 * boost::math::cdf(boost::math::complement(t, std::abs(sd.mean) / se));
                } else if (sd.mean != 0) {
                    p = 0;
                }
                o["p_value"] = p;
            }
        }
        verdict_old = o;

        // The tolerance and the verdict.
        if (in.tol.absolute) {
            tol = *in.tol.absolute;
            rule = "--tolerance " + fmt(tol);
        } else if (in.tol.percent) {
            tol = *in.tol.percent / 100 * std::abs(std::isfinite(ob.s.mean) ? ob.s.mean : 0);
            rule = "--tolerance " + fmt(*in.tol.percent) + "% of the old best's value today";
        } else if (std::isfinite(ob.s.half)) {
            tol = ob.s.half;
            rule = "the half-width of the old best's 95% interval today";
        } else {
            tol = 0;
            rule = "none: with one repeat there is no interval (give --tolerance or --repeats 2+)";
        }
        if (!std::isfinite(ob.s.mean)) {
            drifted = true;
            verdict = "every re-evaluation of the old best (trial " +
                      std::to_string(ob.c->old_trial) + ") failed today";
        } else {
            // Today's best: a re-evaluated configuration's mean, or the new search's best.
            double best_today = ob.s.mean;
            std::string where = "the old best itself";
            std::string from = "old best";
            if (now_best && std::isfinite(now_best->s.mean) &&
                better(now_best->s.mean, best_today)) {
                best_today = now_best->s.mean;
                where = "old trial " + std::to_string(now_best->c->old_trial) + " re-evaluated";
                from = "re-evaluation";
            }
            // The search's best is one draw, the best of many: once confirmed (run again with
            // the repeats' seeds), its mean is what counts.
            const auto& sr = out["search"];
            const bool has_confirmed =
                sr.is_object() && sr["confirmed"].is_object() &&
                sr["confirmed"]["mean"].is_number() &&
                sr["confirmed"].value("trial", -1LL) == (search_best ? search_best->number : -2);
            if (has_confirmed) {
                double m = sr["confirmed"]["mean"].get<double>();
                if (better(m, best_today)) {
                    best_today = m;
                    from = "confirmed search";
                    where = "trial " + std::to_string(search_best->number) +
                            " of the new search, confirmed over " +
                            std::to_string(sr["confirmed"]["values"].size()) + " seeds";
                }
            } else if (search_best && better(*search_best->value, best_today)) {
                best_today = *search_best->value;
                from = "search";
                where = "trial " + std::to_string(search_best->number) + " of the new search";
            }
            gap = improvement(best_today, ob.s.mean);
            out["best_today"] = {{"value", best_today}, {"from", from}};
            // Only today's values are compared: the old value was the best of many noisy draws
            // and would make any re-evaluation look worse (the winner's curse). How it moved
            // is reported beside the verdict.
            if (gap > tol) {
                drifted = true;
                verdict = "drifted: today's best (" + where + ", " + fmt(best_today) +
                          ") beats the old best's " + fmt(ob.s.mean) + " today by " + fmt(gap) +
                          ", beyond the tolerance " + fmt(tol);
            } else {
                verdict = "no drift: the old best (trial " + std::to_string(ob.c->old_trial) +
                          ") is still within " + fmt(tol) + " of today's best";
            }
            verdict_old["moved"] = improvement(ob.s.mean, ob.c->old_value);
        }
    }
    if (!out.contains("best_today")) out["best_today"] = nullptr;
    out["old_best"] = verdict_old;
    out["tolerance"] = tol;
    out["tolerance_rule"] = rule;
    out["gap"] = gap;
    out["drifted"] = drifted;
    out["verdict"] = verdict;
    return out;
}

std::string text(const json& r, bool verdict_only) {
    std::string out;
    char line[512];
    if (verdict_only) {
        out += search_text(r["search"]);
        return out + "tolerance: " + fmt(r.value("tolerance", 0.0)) + " (" +
               r.value("tolerance_rule", "") + ")\n" + r.value("verdict", "") + "\n";
    }
    const std::string metric = r["objective"].value("metric", "");
    std::snprintf(line, sizeof line,
                  "retune of study \"%s\"%s as \"%s\": top %lld × %lld repeats\n",
                  r["from"].value("study", "").c_str(),
                  r["from"].value("store", "").empty()
                      ? ""
                      : (" (" + r["from"].value("store", std::string()) + ")").c_str(),
                  r.value("study", "").c_str(), r.value("top", 0LL), r.value("repeats", 0LL));
    out += line;
    const auto& changes = r["changes"];
    if (changes.is_array() && !changes.empty()) {
        out += "what changed:\n";
        for (const auto& c : changes) out += "  " + c.get<std::string>() + "\n";
    } else {
        out += "what changed: nothing caviar can see (same data files, plugins and options)\n";
    }
    out += "\n  rank     trial  old " + metric + "   today: mean [95% interval]   params\n";
    for (const auto& c : r["configurations"]) {
        std::string today = c["mean"].is_null() ? "failed" : fmt(c["mean"].get<double>());
        if (c["ci"].is_array())
            today +=
                " [" + fmt(c["ci"][0].get<double>()) + ", " + fmt(c["ci"][1].get<double>()) + "]";
        std::snprintf(line, sizeof line, "  %2lld → %-3lld  #%-5lld %-12s  %-28s %s\n",
                      c.value("old_rank", 0LL), c.value("new_rank", 0LL), c.value("old_trial", 0LL),
                      fmt(number(c, "old_value")).c_str(), today.c_str(),
                      params_text(c["params"]).c_str());
        out += line;
    }
    for (const auto& s : r["skipped"])
        out += "  skipped: trial #" + std::to_string(s.value("old_trial", 0LL)) + ": " +
               s.value("reason", "") + "\n";
    out += "\nKendall's τ, old ranking against today's: " +
           (r["kendall_tau"].is_null() ? std::string("- (fewer than 2 configurations)")
                                       : fmt(r["kendall_tau"].get<double>())) +
           "\n";
    const auto& o = r["old_best"];
    if (o.is_object() && o["mean"].is_number() && std::isfinite(number(o, "moved"))) {
        double moved = number(o, "moved");
        out += "the old best (#" + std::to_string(o.value("old_trial", 0LL)) + ") scores " +
               fmt(o["mean"].get<double>()) + " today against " + fmt(number(o, "old_value")) +
               " then" +
               (moved == 0 ? std::string(": the same")
                           : std::string(moved > 0 ? ": better by " : ": worse by ") +
                                 fmt(std::abs(moved))) +
               " (then it was the best of many draws, so some loss is expected)\n";
    }
    if (o.is_object() && !o["compared_with"].is_null() && !o["difference"].is_null()) {
        std::string diff = fmt(o["difference"].get<double>());
        if (o["difference_ci"].is_array())
            diff += " [" + fmt(o["difference_ci"][0].get<double>()) + ", " +
                    fmt(o["difference_ci"][1].get<double>()) + "]";
        std::string p = o["p_value"].is_null() ? "no test with one pair"
                                               : "p = " + fmt(o["p_value"].get<double>());
        if (o.value("still_best", false))
            out += "the old best (#" + std::to_string(o.value("old_trial", 0LL)) +
                   ") is still the best re-evaluated; the runner-up #" +
                   std::to_string(o["compared_with"].get<long long>()) + " differs by " + diff +
                   " (paired over " + std::to_string(o.value("pairs", 0)) + " seeds, " + p + ")\n";
        else
            out += "the best re-evaluated today is #" +
                   std::to_string(o["compared_with"].get<long long>()) + ", not the old best #" +
                   std::to_string(o.value("old_trial", 0LL)) + ": it differs by " + diff +
                   " (paired over " + std::to_string(o.value("pairs", 0)) + " seeds, " + p + ")\n";
    }
    out += search_text(r["search"]);
    out += "tolerance: " + fmt(r.value("tolerance", 0.0)) + " (" + r.value("tolerance_rule", "") +
           ")\n";
    out += r.value("verdict", "") + "\n";
    return out;
}

}  // namespace caviar::drift
