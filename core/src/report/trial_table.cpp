#include "report/trial_table.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>

namespace caviar {

namespace {

std::string cell(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string cell(const value& v) {
    if (const auto* d = std::get_if<double>(&v)) return cell(*d);
    return to_string(v);
}

// Columns a UTF-8 string takes on a terminal (one per code point: no wide characters here).
std::size_t columns(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Splits text into lines of at most `width` columns, at spaces where it can.
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
    std::vector<std::string> lines;
    std::string line;
    std::istringstream words(text);
    std::string w;
    while (words >> w) {
        while (columns(w) > width) {  // a word longer than a line is cut where it must
            if (!line.empty()) lines.push_back(std::exchange(line, {}));
            std::size_t cut = 0, cols = 0;
            while (cut < w.size() && cols < width) {
                ++cut;
                while (cut < w.size() && (static_cast<unsigned char>(w[cut]) & 0xC0) == 0x80) ++cut;
                ++cols;
            }
            lines.push_back(w.substr(0, cut));
            w.erase(0, cut);
        }
        if (w.empty()) continue;
        if (!line.empty() && columns(line) + 1 + columns(w) > width)
            lines.push_back(std::exchange(line, {}));
        line += (line.empty() ? "" : " ") + w;
    }
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
}

// Rows with columns padded to their widest cell; numbers right-aligned. Every row is measured
// first (measure), then rendered (render), so the rows need not all be in memory at once. With
// `fit` > 0 the last column wraps so that lines stay within `fit` columns (it keeps at least 30).
class table_layout {
public:
    void measure(const std::vector<std::string>& r) {
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (width_.size() <= i) width_.push_back(0);
            width_[i] = std::max(width_[i], columns(r[i]));
        }
    }

    /// Once every row is measured.
    void fit(std::size_t fit) {
        last_at_ = 0;  // where the last column starts
        for (std::size_t i = 0; i + 1 < width_.size(); ++i) last_at_ += width_[i] + 2;
        last_width_ = fit == 0 ? 0 : std::max<std::size_t>(30, fit > last_at_ ? fit - last_at_ : 0);
    }

    void render(const std::vector<std::string>& r, std::string& out) const {
        std::string line;
        std::vector<std::string> more;  // the last cell's further lines
        for (std::size_t i = 0; i < r.size(); ++i) {
            std::string text = r[i];
            if (last_width_ && i + 1 == width_.size() && columns(text) > last_width_) {
                more = wrap(text, last_width_);
                text = more.front();
                more.erase(more.begin());
            }
            bool numeric = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) ||
                                             text[0] == '-' || text[0] == '#');
            const std::size_t w = i < width_.size() ? width_[i] : 0;
            std::string pad(w - std::min(w, columns(text)), ' ');
            line += (i ? "  " : "") + (numeric ? pad + text : text + pad);
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + '\n';
        for (const auto& m : more) out += std::string(last_at_, ' ') + m + '\n';
    }

private:
    std::vector<std::size_t> width_;
    std::size_t last_at_ = 0, last_width_ = 0;
};

std::string align(const std::vector<std::vector<std::string>>& rows, std::size_t fit = 0) {
    table_layout layout;
    for (const auto& r : rows) layout.measure(r);
    layout.fit(fit);
    std::string out;
    for (const auto& r : rows) layout.render(r, out);
    return out;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + '"';
}

nlohmann::json json_value(const value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return *d;
    return std::get<std::string>(v);
}

}  // namespace

std::vector<const trial*> ranked(const std::vector<trial>& trials, const objective& obj) {
    std::vector<const trial*> out;
    for (const auto& t : trials)
        if (t.state == trial_state::complete && t.value) out.push_back(&t);
    std::stable_sort(out.begin(), out.end(), [&](const trial* a, const trial* b) {
        return obj.better(*a->value, *b->value);
    });
    return out;
}

std::vector<std::string> param_names(const std::string& space_description) {
    std::vector<std::string> names;
    std::istringstream in(space_description);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) names.push_back(line.substr(0, line.find(' ')));
    return names;
}

std::string ranking_table(const std::vector<trial>& trials, const objective& obj,
                          const std::vector<std::string>& names, std::size_t top) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head = {"rank", "trial", obj.metric};
    head.insert(head.end(), names.begin(), names.end());
    rows.push_back(head);
    auto best = ranked(trials, obj);
    for (std::size_t i = 0; i < best.size() && i < top; ++i) {
        const trial& t = *best[i];
        std::vector<std::string> r = {std::to_string(i + 1), "#" + std::to_string(t.number),
                                      cell(*t.value)};
        for (const auto& n : names) {
            auto it = t.params.find(n);
            r.push_back(it == t.params.end() ? "-" : cell(it->second));
        }
        rows.push_back(std::move(r));
    }
    return align(rows);
}

namespace {

std::vector<std::string> trials_table_head(const std::vector<std::string>& names) {
    std::vector<std::string> head = {"trial", "state", "value", "steps"};
    head.insert(head.end(), names.begin(), names.end());
    head.push_back("reason");  // why it failed, was pruned or paused
    return head;
}

std::vector<std::string> trials_table_row(const trial& t, const std::vector<std::string>& names) {
    std::vector<std::string> r = {std::to_string(t.number), to_string(t.state),
                                  t.value ? cell(*t.value) : "-", std::to_string(t.steps)};
    for (const auto& n : names) {
        auto it = t.params.find(n);
        r.push_back(it == t.params.end() ? "-" : cell(it->second));
    }
    std::string err = t.error;
    std::replace(err.begin(), err.end(), '\n', ' ');
    r.push_back(err);
    return r;
}

}  // namespace

void write_trials_table(std::ostream& out, const trial_source& trials,
                        const std::vector<std::string>& names, std::size_t width) {
    table_layout layout;
    const auto head = trials_table_head(names);
    layout.measure(head);
    trials([&](const trial& t) { layout.measure(trials_table_row(t, names)); });
    layout.fit(width);
    std::string text;
    layout.render(head, text);
    out << text;
    trials([&](const trial& t) {
        text.clear();
        layout.render(trials_table_row(t, names), text);
        out << text;
    });
}

nlohmann::json to_json(const trial& t) {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& [k, v] : t.params) params[k] = json_value(v);
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [k, v] : t.metrics)
        metrics[k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    return {{"number", t.number},
            {"state", to_string(t.state)},
            {"params", params},
            {"value", t.value ? nlohmann::json(*t.value) : nlohmann::json(nullptr)},
            {"metrics", metrics},
            {"seed", t.seed},
            {"error", t.error},
            {"steps", t.steps},
            {"origin", t.origin},
            {"attrs", t.attrs},
            {"started_at", t.started_at},
            {"finished_at", t.finished_at}};
}

nlohmann::json to_json(const trial_event& e) {
    nlohmann::json detail = nlohmann::json::parse(e.detail, nullptr, false);
    if (detail.is_discarded()) detail = e.detail;  // not JSON (written by hand): keep the text
    return {
        {"step", e.step}, {"kind", e.kind}, {"detail", detail}, {"at", e.at}, {"source", e.source}};
}

std::string describe(const trial_event& e) {
    std::string out =
        "trial " + std::to_string(e.trial) + " at step " + std::to_string(e.step) + ": " + e.kind;
    auto by = [&] {
        if (e.source == "manual") return std::string(", by caviar ctl");
        if (e.source == "enqueue") return std::string(", by caviar enqueue");
        return std::string();
    };
    auto d = nlohmann::json::parse(e.detail, nullptr, false);
    if (!d.is_object()) return out + by();
    auto text = [](const nlohmann::json& j) {
        return j.is_string() ? j.get<std::string>() : j.dump();
    };
    if (e.kind == "exploit") {
        out += " of trial " + text(d.value("from", nlohmann::json())) + " at step " +
               text(d.value("from_step", nlohmann::json()));
        if (d.contains("new")) out += ", params now " + d["new"].dump();
    } else if (e.kind == "update") {
        if (d.contains("changes") && d["changes"].is_string())
            out += " " + d["changes"].get<std::string>();
        else if (d.contains("new"))
            out += ", params now " + d["new"].dump();
    } else if (e.kind == "resume") {
        out += " from its checkpoint";
    } else if (e.kind == "restart") {
        out += " from step 0 (" + text(d.value("reason", nlohmann::json("no checkpoint"))) + ")";
    } else if (e.kind == "rollback") {
        out += " (interrupted at step " + text(d.value("from_step", nlohmann::json())) +
               "; back to its checkpoint)";
    } else if (e.kind == "retry") {
        return out + " (it had failed: " + text(d.value("error", nlohmann::json(""))) +
               "), by caviar run --retry-failed";
    } else if (e.kind == "enqueue") {
        if (d.contains("params")) out += " " + d["params"].dump();
    } else if (e.kind == "died") {
        // The process died while the trial ran (crash_guard.hpp).
        std::string cause = text(d.value("cause", nlohmann::json("")));
        out = "trial " + std::to_string(e.trial) + " at step " + std::to_string(e.step) +
              ": the process died while it ran" + (cause.empty() ? "" : ": " + cause);
        if (d.contains("beside"))
            out += "; trial " + text(d["beside"]) + " caused it, so this one is not blamed";
        return out;
    } else if (d.contains("reason") && !text(d["reason"]).empty()) {
        out += " (" + text(d["reason"]) + ")";
    }
    return out + by();
}

std::string describe(const study_event& e) {
    std::string out = "study: " + e.kind;
    auto d = nlohmann::json::parse(e.detail, nullptr, false);
    if (e.kind == "budget" && d.is_object())
        out = "study: budget " + d.value("old", nlohmann::json()).dump() + " → " +
              d.value("new", nlohmann::json()).dump() + " trials";
    else if (e.kind == "stop")
        out = "study: stopped";
    else if (e.kind == "config" && d.is_object() && d.contains("changes")) {
        out = "study: configuration changed on resume (--allow-config-change)";
        for (const auto& c : d["changes"])
            out += "\n  " + (c.is_string() ? c.get<std::string>() : c.dump());
    }
    return out + (e.source == "manual" ? ", by caviar ctl" : "");
}

void write_csv_header(std::ostream& out, const std::vector<std::string>& names,
                      const std::vector<std::string>& metric_names) {
    out << "number,state,value";
    for (const auto& n : names) out << ',' << csv_field("params." + n);
    for (const auto& m : metric_names) out << ',' << csv_field("metrics." + m);
    out << ",seed,steps,origin,error\n";
}

void write_csv_row(std::ostream& out, const trial& t, const std::vector<std::string>& names,
                   const std::vector<std::string>& metric_names) {
    out << t.number << ',' << to_string(t.state) << ','
        << (t.value ? to_string(value{*t.value}) : "");
    for (const auto& n : names) {
        auto it = t.params.find(n);
        out << ',' << (it == t.params.end() ? "" : csv_field(to_string(it->second)));
    }
    for (const auto& m : metric_names) {
        auto it = t.metrics.find(m);
        out << ',' << (it == t.metrics.end() ? "" : to_string(value{it->second}));
    }
    out << ',' << t.seed << ',' << t.steps << ',' << csv_field(t.origin) << ','
        << csv_field(t.error) << '\n';
}

}  // namespace caviar
