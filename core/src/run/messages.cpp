// MessagePack through nlohmann::json: ints stay ints, NaN metrics survive (JSON text would lose
// both), and checkpoint bytes are a binary field. Each message is an object with a "type" tag
// and a "v" version, so a rank of another build is refused instead of misread.
#include "run/messages.hpp"

#include "store/params_json.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace caviar {

namespace {

using json = nlohmann::json;
constexpr int version = 1;

std::string pack(const char* type, json body) {
    body["type"] = type;
    body["v"] = version;
    auto bytes = json::to_msgpack(body);
    return {bytes.begin(), bytes.end()};
}

json unpack(std::string_view bytes, const char* type) {
    json j;
    try {
        j = json::from_msgpack(bytes.begin(), bytes.end());
    } catch (const json::exception& e) {
        throw message_error(std::string("not a ") + type + " message: " + e.what());
    }
    if (!j.is_object() || j.value("type", "") != type)
        throw message_error(std::string("not a ") + type + " message");
    if (j.value("v", 0) != version)
        throw message_error(std::string(type) + " message of version " +
                            std::to_string(j.value("v", 0)) + ", this build reads version " +
                            std::to_string(version));
    return j;
}

// Field access that names what is missing, rather than nlohmann's generic message.
template <class T>
T field(const json& j, const char* name, const char* type) {
    auto it = j.find(name);
    if (it == j.end()) throw message_error(std::string(type) + " message without \"" + name + "\"");
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        throw message_error(std::string(type) + " message: \"" + name + "\" has the wrong type");
    }
}

json bytes_field(const std::optional<std::string>& b) {
    if (!b) return nullptr;
    return json::binary(std::vector<std::uint8_t>(b->begin(), b->end()));
}

std::optional<std::string> bytes_of(const json& j, const char* name, const char* type) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_binary())
        throw message_error(std::string(type) + " message: \"" + name + "\" is not bytes");
    const auto& b = it->get_binary();
    return std::string(b.begin(), b.end());
}

json metrics_json(const metrics& m) {
    json out = json::object();
    for (const auto& [k, v] : m) out[k] = v;  // msgpack keeps NaN and infinities
    return out;
}

metrics metrics_of(const json& j, const char* type) {
    metrics out;
    auto it = j.find("metrics");
    if (it == j.end() || !it->is_object())
        throw message_error(std::string(type) + " message without \"metrics\"");
    for (const auto& [k, v] : it->items()) {
        if (!v.is_number())
            throw message_error(std::string(type) + " message: metric \"" + k +
                                "\" is not a number");
        out.emplace(k, v.get<double>());
    }
    return out;
}

json assignment_json(const assignment& a) {
    return {{"number", a.number},
            {"params", params_to_json(a.params)},
            {"seed", a.seed},
            {"steps", a.steps},
            {"checkpoint", bytes_field(a.checkpoint)},
            {"first_step", a.first_step},
            {"update", a.update}};
}

assignment assignment_of(const json& j, const char* type) {
    assignment a;
    a.number = field<std::int64_t>(j, "number", type);
    a.params = params_from_json(field<json>(j, "params", type));
    a.seed = field<std::uint64_t>(j, "seed", type);
    a.steps = field<std::int64_t>(j, "steps", type);
    a.checkpoint = bytes_of(j, "checkpoint", type);
    a.first_step = field<std::int64_t>(j, "first_step", type);
    a.update = field<bool>(j, "update", type);
    return a;
}

}  // namespace

std::string encode(const assignment& m) {
    return pack("assignment", assignment_json(m));
}

assignment decode_assignment(std::string_view bytes) {
    return assignment_of(unpack(bytes, "assignment"), "assignment");
}

std::string encode(const work& m) {
    json j = {{"what", static_cast<int>(m.what)}};
    if (m.what == work::kind::run) j["job"] = assignment_json(m.job);
    return pack("work", std::move(j));
}

work decode_work(std::string_view bytes) {
    json j = unpack(bytes, "work");
    work w;
    int what = field<int>(j, "what", "work");
    if (what < 0 || what > static_cast<int>(work::kind::done))
        throw message_error("work message: unknown kind " + std::to_string(what));
    w.what = static_cast<work::kind>(what);
    if (w.what == work::kind::run) w.job = assignment_of(field<json>(j, "job", "work"), "work");
    return w;
}

std::string encode(const step_report& m) {
    return pack("step_report", {{"trial", m.trial},
                                {"step", m.step},
                                {"metrics", metrics_json(m.metrics)},
                                {"last", m.last}});
}

step_report decode_step_report(std::string_view bytes) {
    json j = unpack(bytes, "step_report");
    return {.trial = field<std::int64_t>(j, "trial", "step_report"),
            .step = field<std::int64_t>(j, "step", "step_report"),
            .metrics = metrics_of(j, "step_report"),
            .last = field<bool>(j, "last", "step_report")};
}

std::string encode(const decision& m) {
    return pack("decision", {{"what", static_cast<int>(m.what)},
                             {"reason", m.reason},
                             {"params", params_to_json(m.params)}});
}

decision decode_decision(std::string_view bytes) {
    json j = unpack(bytes, "decision");
    int what = field<int>(j, "what", "decision");
    if (what < 0 || what > static_cast<int>(decision::kind::pause))
        throw message_error("decision message: unknown kind " + std::to_string(what));
    decision d;
    d.what = static_cast<decision::kind>(what);
    d.reason = field<std::string>(j, "reason", "decision");
    d.params = params_from_json(field<json>(j, "params", "decision"));
    return d;
}

std::string encode(const trial_end& m) {
    return pack("trial_end", {{"trial", m.trial},
                              {"state", to_string(m.state)},
                              {"error", m.error},
                              {"checkpoint", bytes_field(m.checkpoint)}});
}

trial_end decode_trial_end(std::string_view bytes) {
    json j = unpack(bytes, "trial_end");
    trial_end e;
    e.trial = field<std::int64_t>(j, "trial", "trial_end");
    try {
        e.state = trial_state_from_string(field<std::string>(j, "state", "trial_end"));
    } catch (const std::invalid_argument& x) {
        throw message_error(std::string("trial_end message: ") + x.what());
    }
    e.error = field<std::string>(j, "error", "trial_end");
    e.checkpoint = bytes_of(j, "checkpoint", "trial_end");
    return e;
}

}  // namespace caviar
