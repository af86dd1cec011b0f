// caviar ctl STORE ACTION ...: steer a study from another terminal, while `caviar run` runs it.
// A command is checked against the store first (refused with exit 2 naming the rule), then
// posted to the study's inbox; the running process applies it at the trial's next step boundary
// and ctl waits for that. A study no process runs is changed in the store directly where that
// makes sense (prune, budget, enqueue).
#include "cli/commands.hpp"
#include "cli/ctl_remote.hpp"
#include "cli/param_args.hpp"
#include "cli/study_access.hpp"
#include "cli/terminal_width.hpp"
#include "report/counted.hpp"
#include "report/study_space.hpp"
#include "report/trial_table.hpp"
#include "run/command_check.hpp"
#include "serve/study_control.hpp"
#include "store/params_json.hpp"

#include <boost/program_options.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>

#include <unistd.h>

namespace caviar::cli {

namespace po = boost::program_options;

namespace {

const char* usage_text =
    "Usage: caviar ctl STORE|URL [--study NAME] ACTION [ARGS] [OPTIONS]\n\n"
    "Steers a study from another terminal while `caviar run` runs it: through its STORE file,\n"
    "or through its live service (URL http://HOST:PORT printed by --serve or caviar serve, with\n"
    "--token or CAVIAR_TOKEN). Actions:\n"
    "  status [--json]            trials, states, steps, values, commands waiting\n"
    "  watch N                    print trial N's curve as it grows, until it ends\n"
    "  pause N                    trial N stops at its next step, paused (its checkpoint saved);\n"
    "                             it is yours: the strategy leaves it alone until you resume it\n"
    "  set N -p NAME=VALUE...     trial N trains with these params from its next step on,\n"
    "                             without a pause (models with run::update)\n"
    "  resume N [-p NAME=VALUE]   a paused trial goes on from its checkpoint, with new params\n"
    "  prune N                    trial N stops for good (pruned, reason \"manual\")\n"
    "  stop                       the whole study stops cleanly, as with Ctrl-C\n"
    "  budget N                   the trial budget of the running study becomes N\n\n"
    "A command is checked first and refused with exit code 2 and the rule it breaks (an\n"
    "architecture param never changes mid-run; values must lie in the space). ctl waits until the\n"
    "running process applied it (--no-wait: post and return). On a study no process runs, prune,\n"
    "budget (and `caviar enqueue`) change the store directly; the others say no process runs "
    "it.\n\n"
    "Options";

std::string describe_params(const params& p) {
    std::string out;
    for (const auto& [k, v] : p) out += (out.empty() ? "" : ", ") + k + "=" + to_string(v);
    return out;
}

long holder_pid(const std::filesystem::path& store_file, const study_record& s) {
    std::ifstream in(study_lock_file(store_file, s.name));
    long pid = 0;
    in >> pid;
    return pid;
}

// What the running process has that the store shows late: a running trial's steps and value
// are its curve's last point (the trials table is written when a run ends).
void bring_up_to_date(std::vector<trial>& trials, const objective& obj) {
    for (auto& t : trials) {
        if (t.state != trial_state::running || t.curve.empty()) continue;
        t.steps = t.curve.back().step;
        t.metrics = t.curve.back().metrics;
        auto it = t.metrics.find(obj.metric);
        if (it != t.metrics.end()) t.value = it->second;
    }
}

int status(store& db, const std::filesystem::path& file, const study_record& s, bool json) {
    auto trials = db.load_trials(s.id);
    auto events = db.load_events(s.id);
    bring_up_to_date(trials, s.objective);
    auto held = held_trials(trials, events);
    std::optional<long> pid;
    if (!take_if_idle(file, s)) pid = holder_pid(file, s);
    std::vector<command_record> waiting = db.commands_in_state(s.id, "pending");
    for (auto& c : db.commands_in_state(s.id, "accepted")) waiting.push_back(std::move(c));
    std::map<std::string, std::int64_t> counts;
    for (const auto& t : trials) ++counts[to_string(t.state)];
    if (json) {
        nlohmann::json out = {{"study", s.name},
                              {"running", pid.has_value()},
                              {"pid", pid ? nlohmann::json(*pid) : nlohmann::json(nullptr)},
                              {"budget", s.budget},
                              {"counts", counts},
                              {"trials", nlohmann::json::array()},
                              {"commands", nlohmann::json::array()}};
        for (const auto& t : trials) {
            auto j = to_json(t);
            j["held"] = held.count(t.number) > 0;
            out["trials"].push_back(std::move(j));
        }
        for (const auto& c : waiting)
            out["commands"].push_back({{"seq", c.seq},
                                       {"kind", to_string(c.kind)},
                                       {"trial", c.trial},
                                       {"params", params_to_json(c.params)},
                                       {"state", c.state},
                                       {"result", c.result}});
        std::cout << out.dump(2) << '\n';
        return ok;
    }
    std::printf("study \"%s\" (%s): %s\n", s.name.c_str(), file.c_str(),
                pid ? ("running (pid " + std::to_string(*pid) + ")").c_str()
                    : "not running (caviar run resumes it)");
    std::string line = "budget " + std::to_string(s.budget) + ", " +
                       counted(static_cast<long long>(trials.size()), "trial");
    for (const char* st : {"running", "queued", "paused", "complete", "pruned", "failed"})
        if (counts[st]) line += ", " + std::to_string(counts[st]) + " " + st;
    if (!held.empty()) line += " (" + std::to_string(held.size()) + " held by you)";
    std::printf("%s\n\n", line.c_str());
    write_trials_table(
        std::cout,
        [&](const std::function<void(const trial&)>& each) {
            for (const auto& t : trials) each(t);
        },
        param_names(s.space), terminal_width(STDOUT_FILENO));
    if (!held.empty()) {
        std::string list;
        for (auto n : held) list += (list.empty() ? "" : ", ") + std::to_string(n);
        std::printf("\nheld by you (paused from outside; resume or prune them): %s\n",
                    list.c_str());
    }
    if (!waiting.empty()) {
        std::printf("\ncommands waiting:\n");
        for (const auto& c : waiting)
            std::printf("  #%lld %s%s %s\n", static_cast<long long>(c.seq), to_string(c.kind),
                        c.trial >= 0 ? (" " + std::to_string(c.trial)).c_str() : "",
                        c.result.empty() ? "(posted)" : ("(" + c.result + ")").c_str());
    }
    return ok;
}

std::int64_t number_operand(const std::vector<std::string>& words, const std::string& action,
                            const char* what) {
    if (words.size() < 2) throw po::error(action + " needs " + what);
    if (words.size() > 2)
        throw po::error(action + " takes one " + std::string(what) + ", got \"" + words[2] + "\"");
    try {
        std::size_t used = 0;
        long long n = std::stoll(words[1], &used);
        if (used == words[1].size() && n >= 0) return n;
    } catch (const std::exception&) {
    }
    throw po::error(action + ": " + what + " must be a number 0 or above, got \"" + words[1] +
                    "\"");
}

}  // namespace

int ctl_command(const args& a) {
    po::options_description d(usage_text);
    d.add_options()("study", po::value<std::string>(),
                    "the study's name (needed when the store has several)")(
        "param,p", po::value<std::vector<std::string>>()->composing(),
        "set, resume: a param, NAME=VALUE (repeatable; the value is read as TOML)")(
        "json", "status: print one JSON object")(
        "token", po::value<std::string>(),
        "the live service's token, for ctl URL (default: $CAVIAR_TOKEN)")(
        "no-wait", "post the command and return without waiting for it to apply")(
        "timeout", po::value<double>()->default_value(0),
        "seconds to wait for the command to apply (0: until it is applied, refused or dropped)")(
        "help,h", "show this help");
    po::options_description hidden;
    hidden.add_options()("store", po::value<std::string>())("words",
                                                            po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(d).add(hidden);
    po::positional_options_description pos;
    pos.add("store", 1).add("words", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(a).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
        std::cout << d;
        return ok;
    }
    if (!vm.count("store"))
        throw po::error("missing the STORE file (the experiment's .db) or the service's URL");
    if (!vm.count("words"))
        throw po::error("missing the ACTION (status, pause, set, resume, prune, stop, budget)");
    const auto words = vm["words"].as<std::vector<std::string>>();
    const std::string action = words.front();
    const std::vector<std::string> pairs_given =
        vm.count("param") ? vm["param"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (vm["store"].as<std::string>().rfind("http://", 0) == 0) {
        std::string token = vm.count("token") ? vm["token"].as<std::string>() : "";
        if (token.empty())
            if (const char* env = std::getenv("CAVIAR_TOKEN")) token = env;
        try {
            return ctl_remote(vm["store"].as<std::string>(), words, pairs_given, token,
                              vm.count("json") > 0);
        } catch (const std::runtime_error& e) {
            std::fprintf(stderr, "caviar ctl: %s\n", e.what());
            return study_failed;
        }
    }
    resolve_experiment_operand(vm, "store");
    const std::filesystem::path file = vm["store"].as<std::string>();
    if (store::is_memory(file))
        throw po::error("an in-memory store cannot be steered from outside");
    if (!std::filesystem::exists(file)) throw po::error("no store at " + file.string());
    const std::vector<std::string> pairs =
        vm.count("param") ? vm["param"].as<std::vector<std::string>>() : std::vector<std::string>{};

    store db(file);
    study_record s = select_study(db, vm);
    if (action == "status") {
        if (words.size() > 1) throw po::error("status takes no argument, got \"" + words[1] + "\"");
        return status(db, file, s, vm.count("json") > 0);
    }
    if (action == "watch")
        return ctl_watch_store(db, s, number_operand(words, action, "a trial number"),
                               [&] { return !take_if_idle(file, s).has_value(); });

    command_record c;
    c.source = "manual";
    try {
        c.kind = command_kind_from_string(action);
    } catch (const std::invalid_argument&) {
        throw po::error("unknown action \"" + action +
                        "\" (status, watch, pause, set, resume, prune, stop, budget)");
    }
    if (c.kind == command_kind::enqueue)
        throw po::error("enqueue is its own command: caviar enqueue STORE -p NAME=VALUE...");
    auto trials = db.load_trials(s.id);
    space sp = study_space(s);
    switch (c.kind) {
        case command_kind::pause:
        case command_kind::set:
        case command_kind::resume:
        case command_kind::prune:
            c.trial = number_operand(words, action, "a trial number");
            break;
        case command_kind::budget:
            c.amount = number_operand(words, action, "a trial budget");
            break;
        default:
            if (words.size() > 1)
                throw po::error(action + " takes no argument, got \"" + words[1] + "\"");
    }
    if (!pairs.empty() && c.kind != command_kind::set && c.kind != command_kind::resume)
        throw po::error(action + " takes no -p");
    if (c.kind == command_kind::set && pairs.empty())
        throw po::error("set needs the params to change: -p NAME=VALUE...");

    const trial* t = c.trial >= 0 && c.trial < static_cast<std::int64_t>(trials.size())
                         ? &trials[static_cast<std::size_t>(c.trial)]
                         : nullptr;
    if (t && !pairs.empty()) {
        auto changes = changed_params(pairs, t->params, sp, "ctl");
        if (!changes) return usage;
        c.params = *changes;
    }
    // The rules, against the store as it is now.
    auto refusal = [&]() -> std::optional<std::string> {
        auto now = db.load_trials(s.id);
        auto held = held_trials(now, db.load_events(s.id));
        const trial* at = c.trial >= 0 && c.trial < static_cast<std::int64_t>(now.size())
                              ? &now[static_cast<std::size_t>(c.trial)]
                              : nullptr;
        command_facts facts{.space = sp,
                            .architecture = s.architecture,
                            .capabilities = s.capabilities,
                            .model_name = s.model,
                            .trials = static_cast<std::int64_t>(now.size())};
        return check_command(c, at, at && held.count(at->number), facts);
    };
    if (auto why = refusal()) {
        std::fprintf(stderr, "caviar ctl: refused: %s\n", why->c_str());
        return usage;
    }

    if (auto lock = take_if_idle(file, s)) {
        // No process runs the study. It may have finished since the check: check again, now
        // that no run can start.
        if (c.kind == command_kind::prune || c.kind == command_kind::budget) {
            if (auto why = refusal()) {
                std::fprintf(stderr, "caviar ctl: refused: %s\n", why->c_str());
                return usage;
            }
            s = *db.find_study(s.name);
            std::printf("%s\n", apply_to_store(db, s, c).c_str());
            return ok;
        }
        std::fprintf(stderr,
                     "caviar ctl: no caviar process runs study \"%s\": %s needs a running study "
                     "(`caviar run` on its experiment resumes it; prune, budget and enqueue work "
                     "on a study that does not run)\n",
                     s.name.c_str(), action.c_str());
        return study_failed;
    }
    if (c.kind == command_kind::resume && !c.params.empty() && !s.capabilities.update() &&
        s.capabilities.checkpoints())
        std::fprintf(stderr,
                     "caviar ctl: model %s cannot change params mid-run: trial %lld restarts "
                     "from step 0 with %s\n",
                     s.model.c_str(), static_cast<long long>(c.trial),
                     describe_params(c.params).c_str());
    command_record done = post_and_wait(
        db, file, s, c, {.wait = vm.count("no-wait") == 0, .timeout = vm["timeout"].as<double>()});
    if (done.state == "applied") {
        std::printf("%s\n", done.result.c_str());
        return ok;
    }
    if (done.state == "refused") {  // a rule, checked again when the study took it
        std::fprintf(stderr, "caviar ctl: refused: %s\n", done.result.c_str());
        return usage;
    }
    if (done.state == "dropped") {  // not the user's mistake: the trial or the study moved on
        std::fprintf(stderr, "caviar ctl: not applied: %s\n", done.result.c_str());
        return study_failed;
    }
    if (vm.count("no-wait")) {
        std::printf("posted command #%lld (%s): %s\n", static_cast<long long>(done.seq),
                    done.state.c_str(), action.c_str());
        return ok;
    }
    std::fprintf(stderr, "caviar ctl: command #%lld is still %s after %g s%s\n",
                 static_cast<long long>(done.seq), done.state.c_str(), vm["timeout"].as<double>(),
                 done.result.empty() ? "" : (": " + done.result).c_str());
    return study_failed;
}

}  // namespace caviar::cli
