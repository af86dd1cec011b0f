// Out-of-line virtual members: the interfaces' vtables and typeinfo live in libcaviar only.
#include <caviar/model.hpp>
#include <caviar/plugin_kind.hpp>
#include <caviar/sampler.hpp>
#include <caviar/strategy.hpp>
#include <caviar/trial.hpp>

#include <stdexcept>
#include <string>

namespace caviar {

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
    switch (s) {
        case trial_state::queued:
            return "queued";
        case trial_state::running:
            return "running";
        case trial_state::paused:
            return "paused";
        case trial_state::complete:
            return "complete";
        case trial_state::pruned:
            return "pruned";
        case trial_state::failed:
            return "failed";
    }
    return "?";
}

trial_state trial_state_from_string(std::string_view s) {
    for (auto st : {trial_state::queued, trial_state::running, trial_state::paused,
                    trial_state::complete, trial_state::pruned, trial_state::failed})
        if (s == to_string(st)) return st;
    throw std::invalid_argument("unknown trial state \"" + std::string(s) + "\"");
}

bool is_finished(trial_state s) {
    return s == trial_state::complete || s == trial_state::pruned || s == trial_state::failed;
}

sampler::~sampler() = default;
void sampler::prepare(const space&, std::int64_t) {}

study_view::~study_view() = default;
strategy::~strategy() = default;
decision strategy::on_report(study_view&, const trial&, std::int64_t, const metrics&) {
    return {};
}
void strategy::on_end(study_view&, const trial&) {}

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
