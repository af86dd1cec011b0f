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

template <class Interface>
std::shared_ptr<Interface> create(const loaded_plugin& p, const plugin_ref& ref,
                                  const experiment& exp, std::vector<diagnostic>& errors) {
    std::size_t before = errors.size();
    options opts = resolve_options(p.info, ref, exp.file.parent_path(), errors);
    if (errors.size() != before) return nullptr;
    try {
        return registry::create<Interface>(p, opts);
    } catch (const std::exception& e) {
        errors.push_back({ref.where, "[" + ref.table + "] " + e.what()});
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
        s.sampler = create<sampler>(*sp, exp.sampler, exp, errors);
    }
    if (st) {
        s.strategy_plugin = *st;
        s.strategy = create<strategy>(*st, exp.strategy, exp, errors);
    }
    if (mo) {
        s.model_plugin = *mo;
        s.model = create<model>(*mo, exp.model, exp, errors);
    }
    if (s.sampler && check_fit) {
        try {
            s.sampler->prepare(exp.space, exp.trials);
        } catch (const std::exception& e) {
            errors.push_back({exp.sampler.where, "[sampler] " + std::string(e.what())});
        }
    }
    if (s.model && check_fit) {
        try {
            s.model->prepare(exp.space);
        } catch (const std::exception& e) {
            // A model that names the dimension ("[space.NAME] ...") gets that dimension's place.
            std::string what = e.what();
            std::string key = "space";
            if (what.rfind("[space.", 0) == 0 && what.find(']') != std::string::npos)
                key = what.substr(1, what.find(']') - 1);
            errors.push_back({exp.at(key), "model \"" + s.model_plugin.info.name +
                                               "\" cannot train over this space: " + what});
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
    std::stable_sort(errors.begin(), errors.end(), [](const diagnostic& a, const diagnostic& b) {
        return std::tie(a.where.file, a.where.line, a.where.column) <
               std::tie(b.where.file, b.where.line, b.where.column);
    });
    s.exp = std::move(exp);
    return s;
}

}  // namespace caviar
