// caviar history STORE: the studies of a store as chains, each original followed by its
// retunes (and theirs), with dates, what changed, the best value and configuration.
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/study_access.hpp"
#include "report/study_line.hpp"
#include "report/trial_table.hpp"
#include "store/store.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <functional>
#include <iostream>
#include <map>

namespace caviar::cli {

namespace po = boost::program_options;
using json = nlohmann::json;

namespace {

std::string date_of(double unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::localtime(&t));
    return buf;
}

std::string short_number(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return v.dump();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return buf;
}

json entry(store& db, const study_record& s) {
    auto trials = db.load_trials(s.id);
    std::int64_t finished = 0;
    for (const auto& t : trials) finished += is_finished(t.state);
    json e = {{"study", s.name},
              {"created", date_of(s.created_at)},
              {"created_at", s.created_at},
              {"finished", finished},
              {"budget", s.budget},
              {"parent", s.parent.empty() ? json(nullptr) : json(s.parent)},
              {"parent_store", s.parent_store.empty() ? json(nullptr) : json(s.parent_store)},
              {"link", s.link.empty() ? json(nullptr) : json(s.link)},
              {"best", nullptr},
              {"changes", json::array()},
              {"drifted", nullptr},
              {"verdict", nullptr}};
    auto best = ranked(trials, s.objective);
    if (!best.empty()) {
        json p = json::object();
        for (const auto& [k, v] : best.front()->params)
            std::visit([&](const auto& x) { p[k] = x; }, v);
        e["best"] = {
            {"trial", best.front()->number}, {"value", *best.front()->value}, {"params", p}};
    }
    if (auto r = retune_report(db, s.id); r.is_object()) {
        e["changes"] = r.value("changes", json::array());
        e["drifted"] = r.value("drifted", false);
        e["verdict"] = r.value("verdict", std::string());
    }
    return e;
}

}  // namespace

int history_command(const args& a) {
    po::options_description d(
        "Usage: caviar history STORE [OPTIONS]\n\n"
        "Lists the studies of a store as chains: each original study, then the retunes made\n"
        "from it (caviar retune), with their dates, what changed, their best value and\n"
        "configuration, and whether the retune found drift.\n\nOptions");
    d.add_options()("json", "print an array of studies, each with its \"retunes\"");
    po::variables_map vm;
    if (!parse_command_line(a, d, "store", "STORE file (or an experiment file)", vm)) return ok;
    resolve_experiment_operand(vm, "store");
    auto db = open_store(vm);
    auto studies = db->studies();
    std::map<std::string, std::vector<const study_record*>> children;
    std::vector<const study_record*> roots;
    for (const auto& s : studies) {
        bool parent_here = !s.parent.empty() && s.parent_store.empty() && db->find_study(s.parent);
        if (parent_here)
            children[s.parent].push_back(&s);
        else
            roots.push_back(&s);
    }
    std::function<json(const study_record&)> chain = [&](const study_record& s) {
        json e = entry(*db, s);
        json kids = json::array();
        for (const auto* c : children[s.name]) kids.push_back(chain(*c));
        e["retunes"] = kids;
        return e;
    };
    json all = json::array();
    for (const auto* r : roots) all.push_back(chain(*r));
    if (vm.count("json")) {
        std::cout << all.dump(2) << '\n';
        return ok;
    }
    if (all.empty()) {
        std::printf("%s holds no study yet\n", db->file().c_str());
        return ok;
    }
    std::function<void(const json&, int)> print = [&](const json& e, int depth) {
        std::string indent(static_cast<std::size_t>(depth) * 4, ' ');
        std::string best = "no complete trial";
        if (e["best"].is_object()) {
            best = "best " + short_number(e["best"]["value"]) + " (#" +
                   std::to_string(e["best"]["trial"].get<long long>()) + ":";
            for (const auto& [k, v] : e["best"]["params"].items())
                best += " " + k + "=" + short_number(v);
            best += ")";
        }
        std::string from;
        if (!e["parent"].is_null() && depth == 0)
            from =
                ", a retune of \"" + e["parent"].get<std::string>() + "\"" +
                (e["parent_store"].is_null() ? "" : " in " + e["parent_store"].get<std::string>());
        std::printf("%s%s%s  %s  %lld of %lld trials, %s%s\n", indent.c_str(), depth ? "└ " : "",
                    e["study"].get<std::string>().c_str(), e["created"].get<std::string>().c_str(),
                    e["finished"].get<long long>(), e["budget"].get<long long>(), best.c_str(),
                    from.c_str());
        for (const auto& c : e["changes"])
            std::printf("%s    changed: %s\n", indent.c_str(), c.get<std::string>().c_str());
        if (e["verdict"].is_string())
            std::printf("%s    %s\n", indent.c_str(), e["verdict"].get<std::string>().c_str());
        for (const auto& k : e["retunes"]) print(k, depth + 1);
    };
    for (const auto& e : all) print(e, 0);
    return ok;
}

}  // namespace caviar::cli
