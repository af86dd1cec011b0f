// caviar lineage STORE: whose weights a trial carries after population-based training — the
// chain of exploits from the best trial (or --trial N) back to a trial's start.
#include "cli/commands.hpp"
#include "cli/study_access.hpp"
#include "report/lineage.hpp"
#include "report/trial_table.hpp"

#include <cstdio>
#include <iostream>

namespace caviar::cli {

namespace po = boost::program_options;

namespace {

std::string value_text(const trial& t) {
    if (!t.value) return "no value";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", *t.value);
    return buf;
}

void print_chain(const study_record& s, const trial& t, const std::vector<trial>& trials,
                 const std::vector<lineage_stretch>& chain) {
    std::printf("lineage of trial %lld (%s, %s %s after %lld steps), newest first:\n",
                static_cast<long long>(t.number), to_string(t.state), s.objective.metric.c_str(),
                value_text(t).c_str(), static_cast<long long>(t.steps));
    for (const auto& st : chain) {
        std::printf("  trial %-4lld steps %lld-%lld  %s\n", static_cast<long long>(st.trial),
                    static_cast<long long>(st.from_step), static_cast<long long>(st.to_step),
                    param_list(st.params).c_str());
        for (const auto& u : st.updates)
            std::printf("              at step %lld: %s (%s)\n", static_cast<long long>(u.step),
                        param_changes(u.before, u.after).c_str(),
                        u.source == "manual" ? "by caviar ctl" : "by the strategy");
        if (st.began) {
            std::string changes = param_changes(st.donor_params, st.began->new_params);
            std::printf(
                "              at step %lld: copied trial %lld's checkpoint (step %lld); "
                "explored: %s\n",
                static_cast<long long>(st.began->step), static_cast<long long>(st.began->from),
                static_cast<long long>(st.began->from_step),
                changes.empty() ? "no change" : changes.c_str());
            std::printf("              its own params before: %s\n",
                        param_list(st.began->old_params).c_str());
        } else {
            std::string origin;
            for (const auto& other : trials)
                if (other.number == st.trial) origin = other.origin;
            std::printf("              started from scratch%s\n",
                        origin.empty() ? "" : (" (origin: " + origin + ")").c_str());
        }
    }
}

}  // namespace

int lineage_command(const args& a) {
    po::options_description d(
        "Usage: caviar lineage STORE [OPTIONS]\n\n"
        "Shows whose weights a trial carries after population-based training: each exploit\n"
        "(continuing from another trial's checkpoint with explored params), from the trial\n"
        "back to a start from scratch, with the params changed along the way (by caviar ctl or\n"
        "the strategy). Default: the best complete trial.\n\nOptions");
    d.add_options()("trial", po::value<std::int64_t>(), "this trial (its number)")(
        "format", po::value<std::string>()->default_value("text"),
        "text or json ({study, trial, state, metric, value, exploits, chain: [{trial, "
        "from_step, to_step, params, updates: [{step, source, old, new}], exploit: {from, "
        "from_step, step, old, new, donor}}]})");
    po::variables_map vm;
    if (!parse_store_arguments(a, d, vm)) return ok;
    auto format = vm["format"].as<std::string>();
    if (format != "text" && format != "json")
        throw po::error("--format must be text or json, got \"" + format + "\"");
    auto db = open_store(vm);
    study_record s = select_study(*db, vm);
    auto trials = db->load_trials(s.id);
    const trial* chosen = nullptr;
    if (vm.count("trial")) {
        auto n = vm["trial"].as<std::int64_t>();
        for (const auto& t : trials)
            if (t.number == n) chosen = &t;
        if (!chosen)
            throw po::error("study \"" + s.name + "\" has no trial " + std::to_string(n) +
                            " (it has " + std::to_string(trials.size()) + ")");
    } else {
        auto best = ranked(trials, s.objective);
        if (best.empty()) {
            std::fprintf(stderr,
                         "caviar lineage: study \"%s\" has no complete trial yet; choose one "
                         "with --trial N\n",
                         s.name.c_str());
            return study_failed;
        }
        chosen = best.front();
    }
    auto events = db->load_events(s.id);
    auto all = exploits(events);
    auto chain = lineage(trials, all, chosen->number);
    add_updates(chain, events);
    if (format == "json") {
        nlohmann::json out = {
            {"study", s.name},
            {"trial", chosen->number},
            {"state", to_string(chosen->state)},
            {"metric", s.objective.metric},
            {"value", chosen->value ? nlohmann::json(*chosen->value) : nlohmann::json(nullptr)},
            {"exploits", all.size()},
            {"chain", to_json(chain)}};
        std::cout << out.dump(2) << '\n';
        return ok;
    }
    print_chain(s, *chosen, trials, chain);
    if (all.empty()) std::printf("(the study has no exploits: every trial trained on its own)\n");
    return ok;
}

}  // namespace caviar::cli
