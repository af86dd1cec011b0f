// caviar ctl URL ...: the same verbs against a live service (caviar run --serve, caviar serve),
// and `watch N`, which prints a trial's curve as it grows, from a service or from a store.
#include "cli/ctl_remote.hpp"

#include "cli/commands.hpp"
#include "cli/http_client.hpp"
#include "config/toml_reader.hpp"
#include "store/store.hpp"

#include <boost/program_options/errors.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

namespace caviar::cli {

namespace po = boost::program_options;
using nlohmann::json;

namespace {

std::string number_text(const json& v) {
    if (v.is_number_float()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
        return buf;
    }
    if (v.is_null()) return "-";
    return v.is_string() ? v.get<std::string>() : v.dump();
}

// -p NAME=VALUE as JSON values: TOML read (an int stays an int), else a string.
json params_json(const std::vector<std::string>& pairs) {
    json out = json::object();
    for (const auto& kv : pairs) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            throw po::error("-p needs NAME=VALUE, got \"" + kv + "\"");
        std::string name = kv.substr(0, eq), text = kv.substr(eq + 1);
        try {
            auto parsed = toml::parse("v = " + text);
            const toml::node& n = *parsed.get("v");
            if (n.is_integer())
                out[name] = *n.value<std::int64_t>();
            else if (n.is_floating_point())
                out[name] = *n.value<double>();
            else if (n.is_boolean())
                out[name] = *n.value<bool>();
            else if (n.is_string())
                out[name] = *n.value<std::string>();
            else
                out[name] = text;
        } catch (const toml::parse_error&) {
            out[name] = text;
        }
    }
    return out;
}

std::int64_t trial_number(const std::vector<std::string>& words, const std::string& action) {
    if (words.size() != 2) throw po::error(action + " needs one trial number");
    const auto& w = words[1];
    if (w.empty() || w.size() > 18 || w.find_first_not_of("0123456789") != std::string::npos)
        throw po::error(action + ": the trial number must be a number 0 or above, got \"" + w +
                        "\"");
    return std::stoll(w);
}

// A command's reply: what happened on stdout (0), or why not on stderr (2 a rule, 1 otherwise).
int outcome(const http_result& r) {
    json j = json::parse(r.body, nullptr, false);
    std::string result =
        j.is_object() && j.contains("command") ? j["command"].value("result", "") : std::string();
    if (r.status == 200) {
        std::printf("%s\n", result.empty() ? "done" : result.c_str());
        return ok;
    }
    std::string error = j.is_object() ? j.value("error", r.body) : r.body;
    if (r.status == 202) {
        std::fprintf(stderr, "caviar ctl: accepted, not applied yet: %s\n", result.c_str());
        return study_failed;
    }
    const bool dropped =
        j.is_object() && j.contains("command") && j["command"].value("state", "") == "dropped";
    std::fprintf(stderr, "caviar ctl: %s: %s\n", dropped ? "not applied" : "refused",
                 error.c_str());
    return dropped ? study_failed : usage;
}

void print_point(std::int64_t step, const json& metrics, const std::string& objective) {
    std::string line = "step " + std::to_string(step);
    if (metrics.contains(objective))
        line += "  " + objective + " " + number_text(metrics[objective]);
    for (const auto& [k, v] : metrics.items())
        if (k != objective) line += "  " + k + " " + number_text(v);
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

bool finished(const std::string& state) {
    return state == "complete" || state == "pruned" || state == "failed";
}

}  // namespace

int ctl_remote(const std::string& url, const std::vector<std::string>& words,
               const std::vector<std::string>& pairs, const std::string& token, bool as_json) {
    if (token.empty())
        throw po::error(
            "give the service's token with --token TOKEN or CAVIAR_TOKEN (it printed "
            "it with its address, and wrote it beside the store, serve.token)");
    const http_target t = parse_url(url);
    const std::string& action = words.front();
    if (action == "status") {
        auto study = http_call(t, "GET", "/api/study", token);
        if (study.status != 200) return outcome(study);
        auto trials = http_call(t, "GET", "/api/trials", token);
        json s = json::parse(study.body), tr = json::parse(trials.body);
        if (as_json) {
            std::cout << json{{"study", s}, {"trials", tr["trials"]}}.dump(2) << '\n';
            return ok;
        }
        std::printf("study \"%s\" (%s): %s, budget %lld, %zu trials\n\n",
                    s["name"].get<std::string>().c_str(), url.c_str(),
                    s["running"].get<bool>() ? "running" : "not running",
                    static_cast<long long>(s["budget"].get<std::int64_t>()), tr["trials"].size());
        const std::string metric = s["objective"]["metric"];
        std::printf("trial  state     steps  %-12s params\n", metric.c_str());
        for (const auto& x : tr["trials"]) {
            std::string params;
            for (const auto& [k, v] : x["params"].items())
                params += (params.empty() ? "" : ", ") + k + "=" + number_text(v);
            std::string state = x["state"];
            if (x["held"] == true) state += " (yours)";
            std::printf("%5lld  %-8s  %5lld  %-12s %s\n",
                        static_cast<long long>(x["number"].get<std::int64_t>()), state.c_str(),
                        static_cast<long long>(x["steps"].get<std::int64_t>()),
                        number_text(x["value"]).c_str(), params.c_str());
        }
        return ok;
    }
    if (action == "watch") {
        const auto n = trial_number(words, action);
        auto study = http_call(t, "GET", "/api/study", token);
        if (study.status != 200) return outcome(study);
        const std::string metric = json::parse(study.body)["objective"]["metric"];
        auto list = json::parse(http_call(t, "GET", "/api/trials", token).body);
        auto one = http_call(t, "GET", "/api/trials/" + std::to_string(n), token);
        if (one.status != 200) return outcome(one);
        json tr = json::parse(one.body);
        std::int64_t last = 0;
        for (const auto& p : tr["curve"]) {
            print_point(p["step"].get<std::int64_t>(), p["metrics"], metric);
            last = p["step"].get<std::int64_t>();
        }
        if (finished(tr["state"])) {
            std::printf("trial %lld is %s\n", static_cast<long long>(n),
                        tr["state"].get<std::string>().c_str());
            return ok;
        }
        bool over = false;
        http_stream(t, "/api/events?after=" + std::to_string(list["cursor"].get<std::int64_t>()),
                    token, [&](const std::string& data) {
                        json item = json::parse(data, nullptr, false);
                        if (!item.is_object()) return true;
                        const std::string type = item.value("type", "");
                        if (type == "point" && item["trial"] == n && item["step"] > last) {
                            last = item["step"].get<std::int64_t>();
                            print_point(last, item["metrics"], metric);
                        } else if (type == "truncate" && item["trial"] == n) {
                            last = item["step"].get<std::int64_t>();
                            std::printf("(back to step %lld)\n", static_cast<long long>(last));
                        } else if (type == "event" && item["event"]["trial"] == n) {
                            std::printf("%s\n", item["event"]["text"].get<std::string>().c_str());
                        } else if (type == "trial" && item["trial"]["number"] == n &&
                                   finished(item["trial"]["state"])) {
                            std::printf("trial %lld is %s\n", static_cast<long long>(n),
                                        item["trial"]["state"].get<std::string>().c_str());
                            over = true;
                            return false;
                        }
                        std::fflush(stdout);
                        return true;
                    });
        if (over) return ok;
        std::fprintf(stderr,
                     "caviar ctl: the live service ended before trial %lld did (the "
                     "study stopped?)\n",
                     static_cast<long long>(n));
        return study_failed;
    }
    std::string path, body = "{}";
    if (action == "pause" || action == "resume" || action == "prune" || action == "set") {
        const auto n = trial_number(words, action);
        path = "/api/trials/" + std::to_string(n) + "/" + (action == "set" ? "update" : action);
        if (action == "set" && pairs.empty()) throw po::error("set needs -p NAME=VALUE...");
        if (!pairs.empty()) {
            if (action != "set" && action != "resume") throw po::error(action + " takes no -p");
            body = json{{"params", params_json(pairs)}}.dump();
        }
    } else if (action == "stop") {
        path = "/api/study/stop";
    } else if (action == "budget") {
        if (words.size() != 2 || words[1].find_first_not_of("0123456789") != std::string::npos ||
            words[1].empty() || words[1].size() > 18)
            throw po::error("budget needs a trial budget, a number");
        path = "/api/study/budget";
        body = json{{"trials", std::stoll(words[1])}}.dump();
    } else {
        throw po::error("unknown action \"" + action +
                        "\" (status, watch, pause, set, resume, prune, stop, budget)");
    }
    return outcome(http_call(t, "POST", path, token, body));
}

int ctl_watch_store(store& db, const study_record& s, std::int64_t n,
                    const std::function<bool()>& running) {
    auto trials = db.load_trials(s.id);
    if (n < 0 || n >= static_cast<std::int64_t>(trials.size()))
        throw po::error("no trial " + std::to_string(n) + " in study \"" + s.name + "\" (it has " +
                        std::to_string(trials.size()) + ")");
    std::int64_t last = 0;
    auto show = [&](const std::vector<curve_point>& points) {
        for (const auto& p : points) {
            json m = json::object();
            for (const auto& [k, v] : p.metrics) m[k] = v;
            print_point(p.step, m, s.objective.metric);
            last = p.step;
        }
    };
    show(trials[static_cast<std::size_t>(n)].curve);
    for (;;) {
        auto now = db.load_open_trials(s.id, n, {n});
        const trial* t = nullptr;
        for (const auto& x : now)
            if (x.number == n) t = &x;
        if (t && t->steps < last && t->state != trial_state::running) {
            last = t->steps;
            std::printf("(back to step %lld)\n", static_cast<long long>(last));
        }
        show(db.load_curve_after(s.id, n, last));
        if (!t || is_finished(t->state)) {
            std::printf("trial %lld is %s\n", static_cast<long long>(n),
                        t ? to_string(t->state) : "gone");
            return ok;
        }
        if (!running()) {
            std::printf("trial %lld is %s, and no caviar process runs the study\n",
                        static_cast<long long>(n), to_string(t->state));
            return ok;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

}  // namespace caviar::cli
