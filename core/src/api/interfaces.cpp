// Out-of-line virtual members: the interfaces' vtables and typeinfo live in libcaviar only.
#include <caviar/model.hpp>
#include <caviar/plugin_kind.hpp>
#include <caviar/sampler.hpp>
#include <caviar/strategy.hpp>
#include <caviar/trial.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace caviar {

namespace {

// A value of an enum with the name it is written as (in the store, reports and configs).
template <class E>
struct named {
    E value;
    const char* name;
};

// One table per enum, read by both to_string and *_from_string, so printing and parsing agree.
constexpr std::array<named<trial_state>, 6> trial_state_names = {{
    {trial_state::queued, "queued"},
    {trial_state::running, "running"},
    {trial_state::paused, "paused"},
    {trial_state::complete, "complete"},
    {trial_state::pruned, "pruned"},
    {trial_state::failed, "failed"},
}};

constexpr std::array<named<direction>, 2> direction_names = {{
    {direction::minimize, "minimize"},
    {direction::maximize, "maximize"},
}};

template <class E, std::size_t N>
const char* name_of(const std::array<named<E>, N>& table, E v) {
    for (const auto& [value, name] : table)
        if (value == v) return name;
    return "?";  // a value cast from an out-of-range integer
}

template <class E, std::size_t N>
std::optional<E> value_of(const std::array<named<E>, N>& table, std::string_view s) {
    for (const auto& [value, name] : table)
        if (s == name) return value;
    return std::nullopt;
}

}  // namespace

const char* to_string(plugin_kind k) {
    switch (k) {
        case plugin_kind::sampler:
            return "sampler";
        case plugin_kind::strategy:
            return "strategy";
        case plugin_kind::model:
            return "model";
    }
    return "?";
}

plugin_kind plugin_kind_from_string(std::string_view s) {
    if (s == "sampler") return plugin_kind::sampler;
    if (s == "strategy") return plugin_kind::strategy;
    if (s == "model") return plugin_kind::model;
    throw std::invalid_argument("unknown plugin kind \"" + std::string(s) +
                                "\" (expected sampler, strategy or model)");
}

const char* to_string(trial_state s) {
    return name_of(trial_state_names, s);
}

trial_state trial_state_from_string(std::string_view s) {
    if (auto st = value_of(trial_state_names, s)) return *st;
    throw std::invalid_argument("unknown trial state \"" + std::string(s) + "\"");
}

bool is_finished(trial_state s) {
    return s == trial_state::complete || s == trial_state::pruned || s == trial_state::failed;
}

const char* to_string(direction d) {
    return name_of(direction_names, d);
}

direction direction_from_string(std::string_view s) {
    if (auto d = value_of(direction_names, s)) return *d;
    throw std::invalid_argument("unknown direction \"" + std::string(s) +
                                "\" (minimize or maximize)");
}

sampler::~sampler() = default;
void sampler::prepare(const space&, std::int64_t) {}

study_view::~study_view() = default;
strategy::~strategy() = default;
decision strategy::on_report(study_view&, const trial&, std::int64_t, const metrics&) {
    return {};
}
void strategy::on_end(study_view&, const trial&) {}
void strategy::prepare(const study_plan&) {}

namespace {
constexpr std::pair<capability, const char*> capability_names[] = {
    {capability::checkpoints, "checkpoints"}, {capability::update, "update"}};
}  // namespace

const char* to_string(capability c) {
    for (const auto& [k, name] : capability_names)
        if (k == c) return name;
    return "?";
}

capability capability_from_string(std::string_view s) {
    for (const auto& [k, name] : capability_names)
        if (s == name) return k;
    throw std::invalid_argument("unknown model capability \"" + std::string(s) + "\"");
}

std::string to_string(model_capabilities c) {
    std::string out;
    for (const auto& [k, name] : capability_names)
        if (c.has(k)) out += (out.empty() ? "" : ",") + std::string(name);
    return out;
}

model_capabilities capabilities_from_string(std::string_view s) {
    model_capabilities out;
    while (!s.empty()) {
        auto comma = s.find(',');
        auto word = s.substr(0, comma);
        for (const auto& [k, name] : capability_names)
            if (word == name) out.add(k);
        s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
    }
    return out;
}

run::~run() = default;
void run::save(std::ostream&) const {
    throw std::logic_error("this model does not support checkpoints");
}
void run::load(std::istream&) {
    throw std::logic_error("this model does not support checkpoints");
}
void run::update(const params&) {
    throw std::logic_error("this model does not support changing params mid-run");
}

void run::cancel() noexcept {}

model::~model() = default;
std::unique_ptr<run> model::start(const params&, std::uint64_t) const {
    throw std::logic_error(
        "this model overrides neither start(params, seed) nor "
        "start(params, seed, context)");
}
std::unique_ptr<run> model::start(const params& p, std::uint64_t seed, const run_context&) const {
    return start(p, seed);
}
void model::prepare(const space&) {}

}  // namespace caviar
