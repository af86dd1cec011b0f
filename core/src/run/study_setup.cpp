#include "run/study_setup.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

namespace caviar {

namespace {

// Finds (by name or path) and loads the plugin of one [table]; nullopt after an error.
std::optional<loaded_plugin> load(const plugin_ref& ref, plugin_kind kind, const registry& plugins,
                                  std::vector<diagnostic>& errors) {
    if (ref.name.empty() && ref.path.empty()) return std::nullopt;  // already reported
    try {
        if (!ref.path.empty()) return registry::load_file(ref.path, &kind);
        return plugins.find(kind, ref.name);
    } catch (const std::exception& e) {
        errors.push_back({ref.where, "[" + ref.table + "] " + e.what()});
        return std::nullopt;
    }
}

// A plugin's complaint about the experiment, at the place it names: one of the plugin's own
// options (option_error), a dimension (dimension_error), or else the plugin's table.
diagnostic complaint(const std::exception& e, const plugin_ref& ref, const experiment& exp,
                     const std::string& prefix) {
    if (const auto* o = dynamic_cast<const option_error*>(&e))
        return {exp.at(ref.table + "." + o->option()), prefix + e.what()};
    if (const auto* d = dynamic_cast<const dimension_error*>(&e))
        return {exp.at("space." + d->dimension()),
                prefix + "[space." + d->dimension() + "] " + e.what()};
    return {ref.where, prefix + e.what()};
}

template <class Interface>
std::shared_ptr<Interface> create(const loaded_plugin& p, const plugin_ref& ref,
                                  const experiment& exp, std::vector<diagnostic>& errors,
                                  options& opts) {
    std::size_t before = errors.size();
    opts = resolve_options(p.info, ref, exp.file.parent_path(), errors);
    if (errors.size() != before) return nullptr;
    try {
        return registry::create<Interface>(p, opts);
    } catch (const std::exception& e) {
        errors.push_back(complaint(e, ref, exp, "[" + ref.table + "] "));
        return nullptr;
    }
}

}  // namespace

study_setup set_up_study(experiment exp, const registry& plugins, std::vector<diagnostic>& errors) {
    study_setup s;
    // The plugins' fit with the space and objective is only checked on a sound file; their
    // options are checked in any case, so one pass reports as much as it can.
    bool check_fit = errors.empty();
    auto sp = load(exp.sampler, plugin_kind::sampler, plugins, errors);
    auto st = load(exp.strategy, plugin_kind::strategy, plugins, errors);
    auto mo = load(exp.model, plugin_kind::model, plugins, errors);
    if (sp) {
        s.sampler_plugin = *sp;
        s.sampler = create<sampler>(*sp, exp.sampler, exp, errors, s.sampler_options);
    }
    if (st) {
        s.strategy_plugin = *st;
        s.strategy = create<strategy>(*st, exp.strategy, exp, errors, s.strategy_options);
    }
    if (mo) {
        s.model_plugin = *mo;
        s.model = create<model>(*mo, exp.model, exp, errors, s.model_options);
    }
    if (s.sampler && check_fit) {
        try {
            s.sampler->prepare(exp.space, exp.trials);
        } catch (const std::exception& e) {
            errors.push_back(complaint(e, exp.sampler, exp, "[sampler] "));
        }
    }
    if (s.model && check_fit) {
        try {
            s.model->prepare(exp.space);
        } catch (const std::exception& e) {
            // A model that names a dimension (dimension_error) gets that dimension's place, one
            // that names its own option (a data file it could not read) that option's.
            std::string prefix =
                "model \"" + s.model_plugin.info.name + "\" cannot train over this space: ";
            if (dynamic_cast<const option_error*>(&e))
                errors.push_back(complaint(e, exp.model, exp, "[model] "));
            else if (dynamic_cast<const dimension_error*>(&e))
                errors.push_back(complaint(e, exp.model, exp, prefix));
            else
                errors.push_back({exp.at("space"), prefix + e.what()});
        }
        auto names = s.model->metric_names();
        if (std::find(names.begin(), names.end(), exp.objective.metric) == names.end()) {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            errors.push_back({exp.at("experiment.objective.metric"),
                              "[experiment] objective metric \"" + exp.objective.metric +
                                  "\" is not reported by model \"" + s.model_plugin.info.name +
                                  "\"" + did_you_mean(exp.objective.metric, names) +
                                  "; it reports: " + list});
        }
    }
    // The strategy's fit with the study: its options against the model's length and abilities.
    if (s.strategy && s.model && check_fit) {
        auto architecture = s.model->architecture();
        try {
            s.strategy->prepare({.space = exp.space,
                                 .objective = exp.objective,
                                 .budget = exp.trials,
                                 .max_steps = s.model->max_steps(),
                                 .capabilities = s.model->capabilities(),
                                 .architecture = architecture});
        } catch (const std::exception& e) {
            errors.push_back(complaint(e, exp.strategy, exp, "[strategy] "));
        }
    }
    std::stable_sort(errors.begin(), errors.end(), [](const diagnostic& a, const diagnostic& b) {
        return std::tie(a.where.file, a.where.line, a.where.column) <
               std::tie(b.where.file, b.where.line, b.where.column);
    });
    s.exp = std::move(exp);
    return s;
}

}  // namespace caviar
