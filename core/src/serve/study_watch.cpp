#include "serve/study_watch.hpp"

#include "report/study_space.hpp"
#include "report/trial_table.hpp"
#include "run/command_check.hpp"
#include "store/params_json.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace caviar {

namespace {

// Changes kept for pages that fall behind; one further back reloads the study.
constexpr std::size_t log_limit = 50000;

double unix_now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

nlohmann::json number_or_null(double x) {
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

nlohmann::json metrics_json(const metrics& m) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : m) out[k] = number_or_null(v);
    return out;
}

nlohmann::json value_json(const value& v) {
    return to_json(v);
}

nlohmann::json dimension_json(const dimension& d, bool architecture) {
    nlohmann::json j = {{"name", d.name()},
                        {"kind", to_string(d.kind())},
                        {"scale", to_string(d.scale())},
                        {"architecture", architecture}};
    if (d.kind() == dimension_kind::categorical) {
        j["choices"] = nlohmann::json::array();
        for (const auto& c : d.choices()) j["choices"].push_back(value_json(c));
    } else {
        j["low"] = d.low();
        j["high"] = d.high();
        if (d.step() > 0) j["step"] = d.step();
    }
    if (const auto& w = d.when()) {
        nlohmann::json values = nlohmann::json::array();
        for (const auto& v : w->values) values.push_back(value_json(v));
        j["when"] = {{"parent", w->parent}, {"values", values}};
    }
    return j;
}

nlohmann::json event_json(const trial_event& e) {
    nlohmann::json j = to_json(e);
    j["trial"] = e.trial;
    j["seq"] = e.seq;
    j["text"] = describe(e);
    return j;
}

}  // namespace

study_watch::study_watch(store& db, study_record study, std::function<bool()> running)
    : db_(db), study_(std::move(study)), space_(study_space(study_)), running_(std::move(running)) {
    trials_ = db_.load_trials(study_.id);
    events_ = db_.load_events(study_.id);
    for (const auto& e : events_) event_seq_ = std::max(event_seq_, e.seq);
    std::sort(events_.begin(), events_.end(),
              [](const trial_event& a, const trial_event& b) { return a.seq < b.seq; });
    held_ = held_trials(trials_, events_);
    refresh_running(true);
}

void study_watch::log(nlohmann::json item) {
    log_.emplace_back(next_seq_++,
                      item.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    while (log_.size() > log_limit) log_.pop_front();
}

void study_watch::refresh_running(bool force) {
    if (!running_) return;
    const double now = unix_now();
    if (!force && now - running_checked_ < 2) return;
    running_checked_ = now;
    bool r = running_();
    if (r != running_now_ || force) {
        running_now_ = r;
        if (!force) log({{"type", "study"}, {"study", study_json()}});
    }
}

bool study_watch::refresh() {
    const std::int64_t before = next_seq_;
    if (auto s = db_.find_study(study_.name); s && s->budget != study_.budget) {
        study_.budget = s->budget;
        log({{"type", "study"}, {"study", study_json()}});
    }
    bool states_changed = false;
    // New and unfinished trials: their rows, then the points after what the page has.
    std::vector<std::int64_t> open;
    for (const auto& t : trials_)
        if (!is_finished(t.state)) open.push_back(t.number);
    for (auto& fresh :
         db_.load_open_trials(study_.id, static_cast<std::int64_t>(trials_.size()), open)) {
        const auto n = fresh.number;
        bool changed_now = false;
        if (n > static_cast<std::int64_t>(trials_.size())) break;  // a gap: read it next time
        if (n == static_cast<std::int64_t>(trials_.size())) {
            trials_.push_back(std::move(fresh));
            states_changed = changed_now = true;
        } else {
            trial& t = trials_[static_cast<std::size_t>(n)];
            const std::int64_t had = t.curve.empty() ? 0 : t.curve.back().step;
            const bool changed = t.state != fresh.state || t.steps != fresh.steps ||
                                 t.value != fresh.value || t.error != fresh.error ||
                                 t.params != fresh.params;
            if (!changed && t.state != trial_state::running) continue;
            if (changed) {
                states_changed |= t.state != fresh.state;
                t.state = fresh.state;
                t.steps = fresh.steps;
                t.value = fresh.value;
                t.error = fresh.error;
                t.params = fresh.params;
                t.metrics = fresh.metrics;
                t.started_at = fresh.started_at;
                t.finished_at = fresh.finished_at;
                // Resumed from an earlier checkpoint, restarted, rolled back: the points after
                // its steps are gone from the store.
                if (t.state != trial_state::running || fresh.steps < had) {
                    if (fresh.steps < had) {
                        while (!t.curve.empty() && t.curve.back().step > fresh.steps)
                            t.curve.pop_back();
                        log({{"type", "truncate"}, {"trial", n}, {"step", fresh.steps}});
                    }
                }
                changed_now = true;
            }
        }
        trial& t = trials_[static_cast<std::size_t>(n)];
        const std::int64_t last = t.curve.empty() ? 0 : t.curve.back().step;
        for (auto& p : db_.load_curve_after(study_.id, n, last)) {
            auto it = p.metrics.find(study_.objective.metric);
            log({{"type", "point"},
                 {"trial", n},
                 {"step", p.step},
                 {"value",
                  it == p.metrics.end() ? nlohmann::json(nullptr) : number_or_null(it->second)},
                 {"metrics", metrics_json(p.metrics)}});
            t.metrics = p.metrics;
            t.curve.push_back(std::move(p));
        }
        // After its points: a page that sees it finished has seen its last step.
        if (changed_now) log({{"type", "trial"}, {"trial", summary(t)}});
    }
    auto fresh_events = db_.load_events_after(study_.id, event_seq_);
    for (auto& e : fresh_events) {
        event_seq_ = std::max(event_seq_, e.seq);
        log({{"type", "event"}, {"event", event_json(e)}});
        events_.push_back(std::move(e));
    }
    if (states_changed || !fresh_events.empty()) {
        auto was = held_;
        held_ = held_trials(trials_, events_);
        for (auto n : was)
            if (!held_.count(n)) log({{"type", "trial"}, {"trial", summary(trials_[n])}});
        for (auto n : held_)
            if (!was.count(n)) log({{"type", "trial"}, {"trial", summary(trials_[n])}});
    }
    refresh_running(false);
    return next_seq_ != before;
}

std::optional<std::vector<std::pair<std::int64_t, std::string>>> study_watch::since(
    std::int64_t after) const {
    std::vector<std::pair<std::int64_t, std::string>> out;
    if (after >= cursor()) return out;
    if (log_.empty() || log_.front().first > after + 1) return std::nullopt;
    auto it = std::lower_bound(log_.begin(), log_.end(), after + 1,
                               [](const auto& item, std::int64_t s) { return item.first < s; });
    for (; it != log_.end(); ++it) out.push_back(*it);
    return out;
}

nlohmann::json study_watch::summary(const trial& t) const {
    std::int64_t steps = t.steps;
    if (t.state == trial_state::running && !t.curve.empty()) steps = t.curve.back().step;
    std::optional<double> v = t.value;
    if (t.state == trial_state::running && !t.curve.empty())
        if (auto it = t.curve.back().metrics.find(study_.objective.metric);
            it != t.curve.back().metrics.end() && std::isfinite(it->second))
            v = it->second;
    return {{"number", t.number},
            {"state", to_string(t.state)},
            {"steps", steps},
            {"value", v ? nlohmann::json(*v) : nlohmann::json(nullptr)},
            {"params", params_to_json(t.params)},
            {"error", t.error},
            {"origin", t.origin},
            {"held", held(t.number)},
            {"started_at", t.started_at},
            {"finished_at", t.finished_at}};
}

nlohmann::json study_watch::study_json() const {
    nlohmann::json counts = nlohmann::json::object();
    for (auto s : {trial_state::queued, trial_state::running, trial_state::paused,
                   trial_state::complete, trial_state::pruned, trial_state::failed})
        counts[to_string(s)] = 0;
    const trial* best = nullptr;
    for (const auto& t : trials_) {
        counts[to_string(t.state)] = counts[to_string(t.state)].get<int>() + 1;
        if (t.state == trial_state::complete && t.value &&
            (!best || study_.objective.better(*t.value, *best->value)))
            best = &t;
    }
    nlohmann::json dims = nlohmann::json::array();
    for (const auto& d : space_)
        dims.push_back(dimension_json(
            d, std::find(study_.architecture.begin(), study_.architecture.end(), d.name()) !=
                   study_.architecture.end()));
    return {{"name", study_.name},
            {"objective",
             {{"metric", study_.objective.metric},
              {"direction", to_string(study_.objective.direction)}}},
            {"budget", study_.budget},
            {"trials", trials_.size()},
            {"running", running_now_},
            {"counts", counts},
            {"best", best ? nlohmann::json{{"trial", best->number}, {"value", *best->value}}
                          : nlohmann::json(nullptr)},
            {"space", dims},
            {"sampler", study_.sampler},
            {"strategy", study_.strategy},
            {"model", study_.model},
            {"max_steps", study_.max_steps},
            {"capabilities",
             {{"checkpoints", study_.capabilities.checkpoints()},
              {"update", study_.capabilities.update()}}},
            {"cursor", cursor()}};
}

nlohmann::json study_watch::trials_json() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : trials_) out.push_back(summary(t));
    return out;
}

std::optional<nlohmann::json> study_watch::trial_json(std::int64_t number) const {
    if (number < 0 || number >= static_cast<std::int64_t>(trials_.size())) return std::nullopt;
    const trial& t = trials_[static_cast<std::size_t>(number)];
    nlohmann::json j = summary(t);
    j["metrics"] = metrics_json(t.metrics);
    j["curve"] = nlohmann::json::array();
    for (const auto& p : t.curve)
        j["curve"].push_back({{"step", p.step}, {"metrics", metrics_json(p.metrics)}});
    j["events"] = nlohmann::json::array();
    for (const auto& e : events_)
        if (e.trial == number) j["events"].push_back(event_json(e));
    return j;
}

nlohmann::json study_watch::curves_json(std::size_t points) const {
    nlohmann::json out = nlohmann::json::array();
    points = std::max<std::size_t>(points, 2);
    for (const auto& t : trials_) {
        nlohmann::json pts = nlohmann::json::array();
        const std::size_t n = t.curve.size();
        const std::size_t stride = n <= points ? 1 : (n + points - 2) / (points - 1);
        for (std::size_t i = 0; i < n; i += stride) {
            if (i + stride >= n && i + 1 != n) i = n - 1;  // end on the last point
            const auto& p = t.curve[i];
            auto it = p.metrics.find(study_.objective.metric);
            pts.push_back({p.step, it == p.metrics.end() ? nlohmann::json(nullptr)
                                                         : number_or_null(it->second)});
        }
        out.push_back({{"trial", t.number}, {"points", pts}});
    }
    return out;
}

}  // namespace caviar
