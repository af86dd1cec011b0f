#include "serve/study_api.hpp"

#include "run/command_check.hpp"
#include "run/resume_plan.hpp"
#include "serve/access.hpp"
#include "serve/live_page.hpp"
#include "serve/study_control.hpp"
#include "store/params_json.hpp"

#include <cmath>
#include <variant>

namespace caviar {

namespace {

using nlohmann::json;

api_reply json_reply(int status, const json& body) {
    api_reply r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
}

std::string names_of(const space& s) {
    std::string out;
    for (const auto& d : s) out += (out.empty() ? "" : ", ") + d.name();
    return out;
}

// A JSON value as a value of dimension d, or why it is not one.
std::variant<value, std::string> value_of(const dimension& d, const json& j) {
    const std::string what = d.name() + " = " + j.dump();
    std::optional<value> v;
    switch (d.kind()) {
        case dimension_kind::integer:
            if (j.is_number_integer())
                v = j.get<std::int64_t>();
            else if (j.is_number_float() && std::floor(j.get<double>()) == j.get<double>())
                v = static_cast<std::int64_t>(j.get<double>());
            else
                return what + " is not an integer (" + d.describe() + ")";
            break;
        case dimension_kind::real:
            if (!j.is_number()) return what + " is not a number (" + d.describe() + ")";
            v = j.get<double>();
            break;
        case dimension_kind::categorical:
            for (const auto& c : d.choices()) {
                if (const auto* s = std::get_if<std::string>(&c); s && j.is_string() && j == *s)
                    v = c;
                else if (const auto* i = std::get_if<std::int64_t>(&c);
                         i && j.is_number() && j.get<double>() == static_cast<double>(*i))
                    v = c;
                else if (const auto* x = std::get_if<double>(&c);
                         x && j.is_number() && j.get<double>() == *x)
                    v = c;
            }
            if (!v) return what + " is not one of its choices (" + d.describe() + ")";
            break;
    }
    if (!d.contains(*v)) return what + " is outside its dimension (" + d.describe() + ")";
    return *v;
}

// {"params": {...}} of a body, each value read as its dimension's; a reply when they are not.
std::variant<params, api_reply> params_of(const json& body, const space& sp, bool required) {
    params out;
    if (!body.contains("params")) {
        if (required) return error_reply(400, "the body needs \"params\": {\"NAME\": VALUE, ...}");
        return out;
    }
    const json& p = body["params"];
    if (!p.is_object()) return error_reply(400, "\"params\" must be an object of NAME: VALUE");
    for (const auto& [k, v] : p.items()) {
        const dimension* d = sp.find(k);
        if (!d)
            return error_reply(
                400, "no param \"" + k + "\" in the study's space (it has " + names_of(sp) + ")");
        auto got = value_of(*d, v);
        if (auto* why = std::get_if<std::string>(&got)) return error_reply(400, *why);
        out[k] = std::get<value>(got);
    }
    return out;
}

std::variant<json, api_reply> body_of(const std::string& text) {
    if (text.empty()) return json::object();
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return error_reply(400, "the body is not a JSON object");
    return j;
}

json command_json(const command_record& c) {
    return {{"seq", c.seq},     {"kind", to_string(c.kind)},
            {"trial", c.trial}, {"params", params_to_json(c.params)},
            {"state", c.state}, {"result", c.result}};
}

bool is_number(const std::string& s) {
    return !s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

api_reply error_reply(int status, const std::string& message) {
    return json_reply(status, {{"error", message}});
}

study_api::study_api(study_watch& watch, store& db, std::filesystem::path store_file)
    : watch_(watch), db_(db), store_file_(std::move(store_file)) {}

api_reply study_api::handle(const std::string& method, const std::string& target,
                            const std::string& body) {
    const std::string path = target_path(target);
    std::vector<std::string> parts;  // "/api/trials/3/pause" -> api, trials, 3, pause
    for (std::size_t i = 1; i <= path.size();) {
        auto end = path.find('/', i);
        if (end == std::string::npos) end = path.size();
        parts.push_back(path.substr(i, end - i));
        i = end + 1;
    }
    if (method == "GET" || method == "HEAD") {
        if (path == "/") {
            api_reply r;
            r.content_type = "text/html; charset=utf-8";
            r.body = live_page();
            return r;
        }
        if (path == "/api/study") return json_reply(200, watch_.study_json());
        if (path == "/api/trials")
            return json_reply(200, {{"cursor", watch_.cursor()}, {"trials", watch_.trials_json()}});
        if (parts.size() == 3 && parts[0] == "api" && parts[1] == "trials" && is_number(parts[2])) {
            if (auto t = watch_.trial_json(std::stoll(parts[2]))) return json_reply(200, *t);
            return error_reply(
                404, "no trial " + parts[2] + " in study \"" + watch_.study().name + "\"");
        }
        if (path == "/api/curves") {
            std::size_t points = 300;
            if (auto p = query_param(target, "points"); p && is_number(*p))
                points = static_cast<std::size_t>(std::stoll(*p));
            return json_reply(
                200, {{"cursor", watch_.cursor()}, {"curves", watch_.curves_json(points)}});
        }
        if (path == "/api/events") {
            api_reply r;
            r.stream = true;
            if (auto a = query_param(target, "after"); a && is_number(*a)) r.after = std::stoll(*a);
            return r;
        }
        return error_reply(404, "no such endpoint: " + path);
    }
    if (method != "POST") return error_reply(405, "method " + method + " is not allowed");
    // Check against the study as it is now, not as the last look at it found it.
    watch_.refresh();
    if (parts.size() == 4 && parts[0] == "api" && parts[1] == "trials" && is_number(parts[2]))
        return trial_action(std::stoll(parts[2]), parts[3], body);
    if (parts.size() == 3 && parts[0] == "api" && parts[1] == "study")
        return study_action(parts[2], body);
    return error_reply(404, "no such endpoint: POST " + path);
}

api_reply study_api::trial_action(std::int64_t number, const std::string& action,
                                  const std::string& text) {
    command_record c;
    c.trial = number;
    if (action == "pause")
        c.kind = command_kind::pause;
    else if (action == "resume")
        c.kind = command_kind::resume;
    else if (action == "update")
        c.kind = command_kind::set;
    else if (action == "prune")
        c.kind = command_kind::prune;
    else
        return error_reply(404, "no such action: " + action + " (pause, resume, update, prune)");
    auto body = body_of(text);
    if (auto* r = std::get_if<api_reply>(&body)) return *r;
    const auto& trials = watch_.trials();
    if (number >= static_cast<std::int64_t>(trials.size()))
        return error_reply(404, "no trial " + std::to_string(number) + " in study \"" +
                                    watch_.study().name + "\"");
    const trial& t = trials[static_cast<std::size_t>(number)];
    auto p = params_of(std::get<json>(body), watch_.space(), c.kind == command_kind::set);
    if (auto* r = std::get_if<api_reply>(&p)) return *r;
    c.params = std::get<params>(p);
    const auto& study = watch_.study();
    if (!c.params.empty()) {
        params next = t.params;
        for (const auto& [k, v] : c.params) next[k] = v;
        if (auto name = architecture_change(t.params, next, study.architecture))
            return error_reply(409, architecture_refusal(*name, study.model));
    }
    command_facts facts{.space = watch_.space(),
                        .architecture = study.architecture,
                        .capabilities = study.capabilities,
                        .model_name = study.model,
                        .trials = static_cast<std::int64_t>(trials.size())};
    if (auto why = check_command(c, &t, watch_.held(number), facts)) return error_reply(409, *why);
    return post(std::move(c));
}

api_reply study_api::study_action(const std::string& action, const std::string& text) {
    auto body = body_of(text);
    if (auto* r = std::get_if<api_reply>(&body)) return *r;
    const json& b = std::get<json>(body);
    command_record c;
    if (action == "stop") {
        c.kind = command_kind::stop;
    } else if (action == "budget") {
        c.kind = command_kind::budget;
        if (!b.contains("trials") || !b["trials"].is_number_integer())
            return error_reply(400, "the body needs \"trials\": N (the new trial budget)");
        c.amount = b["trials"].get<std::int64_t>();
    } else if (action == "enqueue") {
        c.kind = command_kind::enqueue;
        c.source = "enqueue";
        auto p = params_of(b, watch_.space(), true);
        if (auto* r = std::get_if<api_reply>(&p)) return *r;
        c.params = std::get<params>(p);
        if (!watch_.space().contains(c.params))
            return error_reply(400,
                               "these params are not a point of the study's space: give "
                               "every active dimension (" +
                                   names_of(watch_.space()) + ")");
    } else {
        return error_reply(404, "no such action: " + action + " (stop, budget, enqueue)");
    }
    const auto& study = watch_.study();
    command_facts facts{.space = watch_.space(),
                        .architecture = study.architecture,
                        .capabilities = study.capabilities,
                        .model_name = study.model,
                        .trials = static_cast<std::int64_t>(watch_.trials().size())};
    if (auto why = check_command(c, nullptr, false, facts)) return error_reply(409, *why);
    return post(std::move(c));
}

// Into the inbox of the running study; or, when no process runs it, into the store (prune,
// budget, enqueue), holding its lock meanwhile, as caviar ctl does.
api_reply study_api::post(command_record c) {
    if (auto lock = take_if_idle(store_file_, watch_.study())) {
        if (c.kind != command_kind::prune && c.kind != command_kind::budget &&
            c.kind != command_kind::enqueue)
            return error_reply(409, "no caviar process runs study \"" + watch_.study().name +
                                        "\": " + to_string(c.kind) + " needs a running study");
        auto study = db_.find_study(watch_.study().name);
        if (!study) return error_reply(404, "the study is gone from the store");
        apply_to_store(db_, *study, c);
        watch_.refresh();
        return json_reply(200, {{"command", command_json(c)}});
    }
    api_reply r;
    r.command = db_.post_command(watch_.study().id, c);
    return r;
}

api_reply study_api::command_reply(std::int64_t seq) {
    watch_.refresh();  // a read right after the reply sees what the command did
    auto c = db_.find_command(seq);
    if (!c) return error_reply(500, "command " + std::to_string(seq) + " vanished");
    if (c->state == "applied") return json_reply(200, {{"command", command_json(*c)}});
    if (c->state == "refused" || c->state == "dropped")
        return json_reply(409, {{"error", c->result}, {"command", command_json(*c)}});
    return json_reply(202, {{"command", command_json(*c)}});  // still waiting for its step
}

}  // namespace caviar
