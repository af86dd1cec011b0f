// The command model: external programs (small sh scripts written here) reporting curves as JSON
// or name=value lines, failing, printing garbage, hanging, receiving awkward params; stopped
// early, cancelled, run in parallel; and end to end through the real `caviar` program with the
// Python example.
#define BOOST_TEST_MODULE command
#include <boost/test/unit_test.hpp>

#include "support/process.hpp"

#include <caviar/caviar.hpp>
#include <plugin/registry.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using caviar::dimension;
using caviar::params;
using caviar::test::temp_dir;
using clock_type = std::chrono::steady_clock;
using nlohmann::json;

const caviar::loaded_plugin& plugin() {
    static const caviar::loaded_plugin p =
        caviar::registry::load_file(std::string(CAVIAR_PLUGIN_OUTPUT_DIR) + "/model_command.so");
    return p;
}

struct settings {
    std::string args;
    std::string metrics = "loss";
    std::int64_t max_steps = 1;
    bool env = true;
    bool params_file = true;
    double grace = 5.0;
    std::int64_t stderr_tail = 20;
    std::int64_t log_limit = std::int64_t{10} << 20;
    // Given as arrays (args = [...], metrics = [...]) instead of the strings above when set.
    std::optional<std::vector<std::string>> args_list, metrics_list;
};

// Every option set, as the host would after filling defaults; the program runs in dir.
std::shared_ptr<caviar::model> make_model(const temp_dir& dir, const settings& s,
                                          const caviar::space& sp = caviar::space()) {
    caviar::options o;
    if (s.args_list)
        o.set("args", *s.args_list);
    else
        o.set("args", s.args);
    if (s.metrics_list)
        o.set("metrics", *s.metrics_list);
    else
        o.set("metrics", s.metrics);
    o.set("max_steps", s.max_steps);
    o.set("cwd", dir.path().string());
    o.set("env", s.env);
    o.set("params_file", s.params_file);
    o.set("grace", s.grace);
    o.set("stderr_tail", s.stderr_tail);
    o.set("log_limit", s.log_limit);
    auto m = caviar::registry::create<caviar::model>(plugin(), o);
    m->prepare(sp);
    return m;
}

// An executable sh script in dir.
std::string script(const temp_dir& dir, const std::string& name, const std::string& body) {
    auto path = dir.write(name, "#!/bin/sh\n" + body);
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add);
    return path.string();
}

caviar::run_context context(const temp_dir& dir, std::int64_t trial = 0) {
    return {.trial = trial, .study = "test", .workdir = dir / ("trial-" + std::to_string(trial))};
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The error message of f(), or "" when it does not throw.
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

// Alive and not a zombie (an orphan killed here may wait for an init that never reaps).
bool alive(pid_t pid) {
    if (::kill(pid, 0) != 0) return false;
    std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    auto close = stat.rfind(')');
    return close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] != 'Z';
}

pid_t read_pid(const fs::path& file) {
    for (int i = 0; i < 500 && !fs::exists(file); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return static_cast<pid_t>(std::stol(slurp(file)));
}

bool eventually_dead(pid_t pid) {
    for (int i = 0; i < 200 && alive(pid); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return !alive(pid);
}

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

// The process group of pid (field 5 of /proc/PID/stat), or -1.
pid_t process_group(pid_t pid) {
    std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(stat.substr(close + 2));
    std::string state;
    long ppid = 0, pgrp = -1;
    rest >> state >> ppid >> pgrp;
    return static_cast<pid_t>(pgrp);
}

// SIGKILL to what a test left running when it failed, so no test leaves processes behind.
struct kill_on_exit {
    std::vector<pid_t> pids;
    ~kill_on_exit() {
        for (pid_t pid : pids)
            if (pid > 0 && alive(pid)) ::kill(pid, SIGKILL);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(reads_a_json_curve_and_ends_when_the_program_exits) {
    temp_dir dir;
    auto prog = script(dir, "curve.sh",
                       "echo 'starting'\n"
                       "for i in 1 2 3; do echo \"{\\\"step\\\": $i, \\\"loss\\\": 0.$((9 - i)), "
                       "\\\"acc\\\": 0.$i, \\\"other\\\": \\\"x\\\"}\"; done\n");
    auto m = make_model(dir, {.args = prog, .metrics = "loss, acc", .max_steps = 3});
    BOOST_TEST(m->max_steps() == 3);
    BOOST_TEST((m->metric_names() == std::vector<std::string>{"loss", "acc"}));
    auto r = m->start({}, 1, context(dir));
    for (int i = 1; i <= 3; ++i) {
        auto got = r->step();
        BOOST_TEST(got.size() == 2u);  // only the declared metrics; "step" numbers the point
        BOOST_TEST(got.at("loss") == (9 - i) / 10.0, boost::test_tools::tolerance(1e-12));
        BOOST_TEST(got.at("acc") == i / 10.0, boost::test_tools::tolerance(1e-12));
        BOOST_TEST(r->done() == (i == 3));
    }
    // Asked again after the end, the last report is the result.
    BOOST_TEST(r->step().at("loss") == 0.6, boost::test_tools::tolerance(1e-12));
    auto log = slurp(dir / "trial-0/stdout.log");
    BOOST_TEST(log.find("starting\n") == 0u);
    BOOST_TEST(log.find("\"step\": 3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(reads_name_value_pairs_several_per_line) {
    temp_dir dir;
    auto prog = script(dir, "pairs.sh",
                       "echo 'step=1 loss=0.5 acc=0.7'\n"
                       "echo 'epoch 2: loss = 0.25, acc=0.75; lr=0.1'\n"
                       "printf 'loss=1e-3 acc=nan'\n");  // last line without its newline
    auto m = make_model(dir, {.args = prog, .metrics = "loss,acc", .max_steps = 3});
    auto r = m->start({}, 1, context(dir));
    auto a = r->step();
    BOOST_TEST(a.at("loss") == 0.5);
    BOOST_TEST(a.at("acc") == 0.7);
    auto b = r->step();
    BOOST_TEST(b.at("loss") == 0.25);
    BOOST_TEST(b.at("acc") == 0.75);
    BOOST_TEST(b.count("lr") == 0u);
    auto c = r->step();
    BOOST_TEST(c.at("loss") == 1e-3);
    BOOST_TEST(std::isnan(c.at("acc")));
    BOOST_TEST(r->done());
}

BOOST_AUTO_TEST_CASE(other_lines_go_to_the_log_and_malformed_reports_are_skipped) {
    temp_dir dir;
    auto prog = script(dir, "noisy.sh",
                       "echo 'loading data...'\n"
                       "echo 'loss=abc'\n"
                       "echo '{\"loss\": '\n"
                       "echo '{\"loss\": [1, 2]}'\n"
                       "echo '{\"note\": \"no metric here\"}'\n"
                       "echo '{\"loss\": NaN}'\n"
                       "echo 'loss=0.3'\n");
    auto m = make_model(dir, {.args = prog, .max_steps = 5});
    auto r = m->start({}, 1, context(dir));
    BOOST_TEST(std::isnan(r->step().at("loss")));  // Python's bare NaN is read, not dropped
    BOOST_TEST(r->step().at("loss") == 0.3);
    BOOST_TEST(r->done());
    auto log = slurp(dir / "trial-0/stdout.log");
    BOOST_TEST(log.find("loading data...\n") != std::string::npos);
    BOOST_TEST(log.find("warning: line 2 ignored: metric \"loss\" is not a number: abc") !=
               std::string::npos);
    BOOST_TEST(log.find("warning: line 3 ignored: not valid JSON") != std::string::npos);
    BOOST_TEST(log.find("warning: line 4 ignored: metric \"loss\" is not a number: [1,2]") !=
               std::string::npos);
    BOOST_TEST(log.find("line 5 ignored") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_failing_program_fails_with_its_status_and_the_tail_of_its_stderr) {
    temp_dir dir;
    auto prog = script(dir, "fail.sh",
                       "echo loss=1\n"
                       "for i in 1 2 3 4 5 6 7 8 9 10; do echo \"err$i\" >&2; done\n"
                       "exit 3\n");
    auto m = make_model(dir, {.args = prog, .max_steps = 5, .stderr_tail = 3});
    auto r = m->start({}, 1, context(dir));
    BOOST_TEST(r->step().at("loss") == 1);
    // The program failed after its last report: the trial fails, whether asked by done() or
    // step().
    auto msg = error_of([&] { r->done(); });
    BOOST_TEST(msg.find("exited with status 3") != std::string::npos, msg);
    BOOST_TEST(msg.find("err8\nerr9\nerr10") != std::string::npos, msg);
    BOOST_TEST(msg.find("err7") == std::string::npos, msg);
    BOOST_TEST(error_of([&] { r->step(); }) == msg);
    BOOST_TEST(slurp(dir / "trial-0/stderr.log").find("err1\n") == 0u);
}

BOOST_AUTO_TEST_CASE(a_crash_fails_with_the_signal) {
    temp_dir dir;
    auto prog = script(dir, "crash.sh", "echo 'segfault coming' >&2\nkill -SEGV $$\n");
    auto m = make_model(dir, {.args = prog});
    auto r = m->start({}, 1, context(dir));
    auto msg = error_of([&] { r->step(); });
    BOOST_TEST(msg.find("was killed by signal 11") != std::string::npos, msg);
    BOOST_TEST(msg.find("before reporting a metric") != std::string::npos, msg);
    BOOST_TEST(msg.find("segfault coming") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(a_program_that_reports_nothing_fails) {
    temp_dir dir;
    auto prog = script(dir, "quiet.sh", "echo 'all done, val_loss=0.1'\n");
    auto m = make_model(dir, {.args = prog, .metrics = "loss, acc"});
    auto r = m->start({}, 1, context(dir));
    auto msg = error_of([&] { r->step(); });
    BOOST_TEST(msg.find("exited with status 0 without reporting any of its metrics (loss, acc)") !=
                   std::string::npos,
               msg);
}

BOOST_AUTO_TEST_CASE(a_program_that_cannot_run_is_a_clear_error) {
    temp_dir dir;
    auto missing = error_of([&] { make_model(dir, {.args = "no-such-program-xyz --flag"}); });
    BOOST_TEST(
        missing.find("program \"no-such-program-xyz\" not found in PATH") != std::string::npos,
        missing);
    dir.write("data.txt", "not a program\n");
    auto msg = error_of([&] { make_model(dir, {.args = "./data.txt"}); });
    BOOST_TEST(msg.find("is not an executable file") != std::string::npos, msg);

    // A program chosen by a param is looked up per trial: that trial fails.
    caviar::space sp({dimension::categorical("prog", {std::string("./nope")})});
    auto m = make_model(dir, {.args = "{prog}"}, sp);
    auto at_start = error_of([&] { m->start({{"prog", std::string("./nope")}}, 1, context(dir)); });
    BOOST_TEST(at_start.find("program \"./nope\" is not an executable file") != std::string::npos,
               at_start);

    // exec itself failing (here: no interpreter for the script) is reported, not a hang.
    auto bad = dir.write("bad.sh", "#!/no/such/interpreter\n");
    fs::permissions(bad, fs::perms::owner_all, fs::perm_options::add);
    auto m2 = make_model(dir, {.args = bad.string()});
    auto exec = error_of([&] { m2->start({}, 1, context(dir)); });
    BOOST_TEST(exec.find("cannot execute " + bad.string() + ": No such file") != std::string::npos,
               exec);
}

BOOST_AUTO_TEST_CASE(options_are_checked) {
    temp_dir dir;
    BOOST_TEST(error_of([&] {
                   make_model(dir, {.args = "sh -c 'oops"});
               }).find("unterminated ' quote") != std::string::npos);
    BOOST_TEST(error_of([&] { make_model(dir, {.args = "   "}); }).find("args names no program") !=
               std::string::npos);
    BOOST_TEST(error_of([&] {
                   make_model(dir, {.args = "true", .log_limit = 100});
               }).find("log_limit must be 0 (keep all) or at least 4096 bytes, got 100") !=
               std::string::npos);
    BOOST_TEST(error_of([&] {
                   make_model(dir, {.args = "true", .metrics = "a,,b"});
               }).find("metric names separated by commas") != std::string::npos);
    BOOST_TEST(error_of([&] {
                   make_model(dir, {.args = "true", .metrics = "a, a"});
               }).find("metric \"a\" is listed twice in metrics") != std::string::npos);
    BOOST_TEST(error_of([&] {
                   make_model(dir, {.args = "true", .metrics = "step"});
               }).find("cannot be a metric name") != std::string::npos);
    caviar::space sp({dimension::real("lr", 0.1, 1)});
    auto msg = error_of([&] { make_model(dir, {.args = "true --lr={lrate}"}, sp); });
    BOOST_TEST(msg.find("unknown placeholder {lrate}") != std::string::npos, msg);
    BOOST_TEST(msg.find("lr, params_json, seed, trial, workdir") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(params_with_spaces_and_quotes_stay_one_argument_and_no_shell_runs) {
    temp_dir dir;
    // Each argument NUL-terminated, so any text survives the round trip.
    auto prog =
        script(dir, "args.sh", "printf '%s\\0' \"$@\" > \"$CAVIAR_WORKDIR/args\"\necho loss=0\n");
    dir.write("x", "canary\n");
    caviar::space sp({dimension::categorical("name", {std::string("a")}),
                      dimension::real("lr", 1e-4, 1), dimension::integer("layers", 1, 8)});
    auto m = make_model(dir,
                        {.args = prog + " --name={name} '--quoted={name} stays' \"two words\" "
                                        "lr={lr},layers={layers} {{literal}} '--json={\"a\": 1}' "
                                        "--seed={seed} --trial={trial} --dir={workdir}/out "
                                        "{params_json}"},
                        sp);
    const std::string evil = "a b; rm -rf x \"q\" $(touch pwned) `touch pwned2` 'sq' {seed}";
    params p = {{"name", evil}, {"lr", 0.001}, {"layers", std::int64_t{3}}};
    auto r = m->start(p, 42, context(dir, 5));
    r->step();
    BOOST_TEST(r->done());
    std::vector<std::string> args;
    std::string all = slurp(dir / "trial-5/args");
    for (std::size_t i = 0, j; (j = all.find('\0', i)) != std::string::npos; i = j + 1)
        args.push_back(all.substr(i, j - i));
    auto workdir = fs::absolute(dir / "trial-5").string();
    std::vector<std::string> want = {"--name=" + evil,
                                     "--quoted=" + evil + " stays",
                                     "two words",
                                     "lr=0.001,layers=3",
                                     "{literal}",
                                     "--json={\"a\": 1}",
                                     "--seed=42",
                                     "--trial=5",
                                     "--dir=" + workdir + "/out",
                                     json{{"layers", 3}, {"lr", 0.001}, {"name", evil}}.dump()};
    BOOST_TEST(args == want, boost::test_tools::per_element());
    BOOST_TEST(fs::exists(dir / "x"));
    BOOST_TEST(!fs::exists(dir / "pwned"));
    BOOST_TEST(!fs::exists(dir / "pwned2"));
}

BOOST_AUTO_TEST_CASE(args_and_metrics_may_be_arrays) {
    // An array is not split: each element is one argument, placeholders replaced inside it.
    temp_dir dir;
    auto prog =
        script(dir, "args.sh", "printf '%s\\0' \"$@\" > \"$CAVIAR_WORKDIR/args\"\necho a=1 b=2\n");
    caviar::space sp({dimension::categorical("name", {std::string("a")})});
    auto m = make_model(
        dir,
        {.args_list = std::vector<std::string>{prog, "--name={name}", "two words 'quoted' \"too\"",
                                               "", "{{literal}}", "--seed={seed}"},
         .metrics_list = std::vector<std::string>{"a", "b"}},
        sp);
    BOOST_TEST((m->metric_names() == std::vector<std::string>{"a", "b"}));
    auto r = m->start({{"name", std::string("x y")}}, 42, context(dir));
    auto got = r->step();
    BOOST_TEST(got.at("a") == 1);
    BOOST_TEST(got.at("b") == 2);
    std::vector<std::string> args;
    std::string all = slurp(dir / "trial-0/args");
    for (std::size_t i = 0, j; (j = all.find('\0', i)) != std::string::npos; i = j + 1)
        args.push_back(all.substr(i, j - i));
    std::vector<std::string> want = {"--name=x y", "two words 'quoted' \"too\"", "", "{literal}",
                                     "--seed=42"};
    BOOST_TEST(args == want, boost::test_tools::per_element());

    using list = std::vector<std::string>;
    BOOST_TEST(error_of([&] {
                   make_model(dir, {.args_list = list{}});
               }).find("args names no program") != std::string::npos);
    BOOST_TEST(error_of([&] {
                   make_model(dir, {.args = "true", .metrics_list = list{}});
               }).find("metrics lists no metric") != std::string::npos);
    BOOST_TEST(error_of([&] {
                   make_model(dir, {.args = "true", .metrics_list = list{"a", "a"}});
               }).find("metric \"a\" is listed twice") != std::string::npos);
    BOOST_TEST(error_of([&] {
                   make_model(dir, {.args = "true", .metrics_list = list{"a, b"}});
               }).find("metric name \"a, b\" must start with a letter") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(params_reach_the_environment_and_params_json) {
    temp_dir dir;
    auto prog = script(dir, "env.sh", "env > \"${CAVIAR_WORKDIR:-.}/env\"\necho loss=0\n");
    caviar::space sp({dimension::real("learning_rate", 1e-4, 1),
                      dimension::categorical("act-fn", {std::string("relu")})});
    params p = {{"learning_rate", 0.01}, {"act-fn", std::string("relu")}};
    auto workdir = fs::absolute(dir / "trial-7").string();
    {
        auto m = make_model(dir, {.args = prog}, sp);
        auto r = m->start(p, 99, context(dir, 7));
        r->step();
        auto env = slurp(dir / "trial-7/env");
        for (const std::string& var : std::vector<std::string>{
                 "CAVIAR_PARAM_LEARNING_RATE=0.01\n", "CAVIAR_PARAM_ACT_FN=relu\n",
                 "CAVIAR_TRIAL=7\n", "CAVIAR_SEED=99\n", "CAVIAR_STUDY=test\n",
                 "CAVIAR_WORKDIR=" + workdir + "\n",
                 "CAVIAR_PARAMS_FILE=" + workdir + "/params.json\n"})
            BOOST_TEST(env.find(var) != std::string::npos, var);
        BOOST_TEST(env.find("PATH=") != std::string::npos);  // the host's environment is kept
        auto file = json::parse(slurp(dir / "trial-7/params.json"));
        BOOST_TEST(file == (json{{"learning_rate", 0.01}, {"act-fn", "relu"}}));
    }
    fs::remove_all(dir / "trial-7");
    auto m = make_model(dir, {.args = prog, .env = false, .params_file = false}, sp);
    auto quiet = m->start(p, 99, context(dir, 7));
    // Without env the script cannot find its folder: it writes "env" in its cwd.
    quiet->step();
    auto env = slurp(dir / "env");
    BOOST_TEST(env.find("CAVIAR_PARAM_") == std::string::npos, env);
    BOOST_TEST(env.find("CAVIAR_TRIAL=") == std::string::npos, env);
    BOOST_TEST(!fs::exists(dir / "trial-7/params.json"));
}

BOOST_AUTO_TEST_CASE(done_lets_the_program_finish_after_its_last_report) {
    temp_dir dir;
    auto prog = script(dir, "save.sh",
                       "echo loss=0.5\nsleep 0.3\necho saved > \"$CAVIAR_WORKDIR/weights\"\n");
    auto m = make_model(dir, {.args = prog});
    auto r = m->start({}, 1, context(dir));
    BOOST_TEST(r->step().at("loss") == 0.5);
    BOOST_TEST(r->done());
    BOOST_TEST(slurp(dir / "trial-0/weights") == "saved\n");
}

BOOST_AUTO_TEST_CASE(after_its_last_expected_report_a_program_gets_grace_then_is_stopped) {
    // max_steps = 1, grace = 1: done() waits up to 1 s for the exit, then SIGTERM, then
    // SIGKILL 1 s later; it never holds the trial for as long as the program likes.
    struct program {
        std::string name, body;
        std::string error;  // what done() throws, or "" when it returns true
        double at_least, at_most;
        bool stopped;  // caviar had to stop it (a note in stdout.log)
    };
    const std::vector<program> programs = {
        {"exits in time after saving",
         "echo loss=1\nsleep 0.2\necho saved > \"$CAVIAR_WORKDIR/weights\"\n", "", 0.15, 0.95,
         false},
        {"fails in time", "echo loss=1\nsleep 0.1\nexit 3\n", "exited with status 3", 0.05, 0.95,
         false},
        {"keeps running", "echo loss=1\nexec sleep 300\n", "", 0.95, 3.0, true},
        {"keeps running and ignores SIGTERM",
         "trap '' TERM\necho loss=1\nwhile :; do sleep 0.05; done\n", "", 1.95, 4.0, true},
        {"keeps reporting", "echo loss=1\nwhile :; do echo loss=2; sleep 0.01; done\n", "", 0.95,
         3.0, true},
    };
    for (const auto& p : programs) {
        BOOST_TEST_CONTEXT(p.name) {
            temp_dir dir;
            auto prog = script(dir, "p.sh", "echo $$ > \"$CAVIAR_WORKDIR/pid\"\n" + p.body);
            auto m = make_model(dir, {.args = prog, .max_steps = 1, .grace = 1});
            auto r = m->start({}, 1, context(dir));
            BOOST_TEST(r->step().at("loss") == 1);
            pid_t pid = read_pid(dir / "trial-0/pid");
            kill_on_exit cleanup{{pid}};
            auto t0 = clock_type::now();
            bool done = false;
            auto error = error_of([&] { done = r->done(); });
            double took = seconds_since(t0);
            BOOST_TEST(error.find(p.error) != std::string::npos, error);
            if (p.error.empty()) BOOST_TEST(done);
            BOOST_TEST(took >= p.at_least);
            BOOST_TEST(took <= p.at_most);
            BOOST_TEST(!alive(pid));
            auto log = slurp(dir / "trial-0/stdout.log");
            BOOST_TEST((log.find("still running 1 s after its last expected report "
                                 "(max_steps = 1)") != std::string::npos) == p.stopped,
                       log.substr(0, 300));
            if (p.name == "exits in time after saving")
                BOOST_TEST(slurp(dir / "trial-0/weights") == "saved\n");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_grandchild_that_left_the_process_group_dies_with_its_program) {
    // setsid takes the grandchild out of the program's group (and session): SIGKILL to the
    // group misses it, the keeper (its subreaper once the program is gone) does not.
    struct ending {
        std::string name, last_line;
        bool stop_early;  // the trial ends while the program runs (else the program exits)
    };
    const std::vector<ending> endings = {
        // (a moment after its report, so the test sees the grandchild before the keeper kills it)
        {"the program exits", "sleep 0.5\nexit 0\n", false},
        {"the trial ends first", "exec sleep 60\n", true},
    };
    for (const auto& e : endings) {
        BOOST_TEST_CONTEXT(e.name) {
            temp_dir dir;
            auto prog = script(dir, "daemon.sh",
                               "echo $$ > \"$CAVIAR_WORKDIR/pid\"\n"
                               "setsid sleep 60 &\n"
                               "child=$!\n"
                               "while [ \"$(cut -d' ' -f5 /proc/$child/stat)\" != \"$child\" ]; do "
                               "sleep 0.01; done\n"
                               "echo $child > \"$CAVIAR_WORKDIR/child\"\n"
                               "echo loss=1\n" +
                                   e.last_line);
            auto m = make_model(dir, {.args = prog, .max_steps = 5, .grace = 0.5});
            auto r = m->start({}, 1, context(dir));
            BOOST_TEST(r->step().at("loss") == 1);
            pid_t pid = read_pid(dir / "trial-0/pid"), child = read_pid(dir / "trial-0/child");
            kill_on_exit cleanup{{pid, child}};
            BOOST_TEST(process_group(child) == child);  // in a group of its own indeed
            if (e.stop_early)
                r.reset();
            else
                BOOST_TEST(r->done());
            BOOST_TEST(eventually_dead(pid));
            BOOST_TEST(eventually_dead(child), "grandchild " << child << " outlived its trial");
        }
    }
}

// What a capped log must hold of `full`: all of it under the limit, else a head and a tail of
// whole lines around one marker line, which together with the bytes left out are `full`.
void check_capped_log(const std::string& log, const std::string& full, std::int64_t limit,
                      bool one_line) {
    if (limit == 0 || full.size() <= static_cast<std::size_t>(limit)) {
        BOOST_TEST(log == full);
        return;
    }
    auto at = log.find("caviar: ");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    auto eol = log.find('\n', at);
    std::string marker = log.substr(at, eol + 1 - at);
    std::size_t left_out = std::stoul(marker.substr(8));
    BOOST_TEST(marker == "caviar: " + std::to_string(left_out) +
                             " bytes of output left out here (log_limit = " +
                             std::to_string(limit) + " bytes keeps the head and the tail)\n");
    std::string head = log.substr(0, at), tail = log.substr(eol + 1);
    BOOST_TEST(head.size() + tail.size() + left_out == full.size());
    BOOST_TEST(full.compare(0, head.size(), head) == 0);
    BOOST_TEST(full.compare(full.size() - tail.size(), tail.size(), tail) == 0);
    BOOST_TEST(head.size() <= static_cast<std::size_t>(limit / 2));
    BOOST_TEST(tail.size() <= static_cast<std::size_t>(limit - limit / 2));
    BOOST_TEST((head.empty() || head.back() == '\n'));  // whole lines
    BOOST_TEST(full[full.size() - tail.size() - 1] == '\n');
    BOOST_TEST(tail.ends_with(full.substr(full.rfind('\n', full.size() - 2) + 1)));
    if (!one_line) BOOST_TEST(head.starts_with("output line 1: "));
}

BOOST_AUTO_TEST_CASE(stdout_and_stderr_logs_keep_their_head_and_tail_within_log_limit) {
    // The program prints `bytes` of numbered lines (or one long line) to stdout, the same with
    // "err " before each line to stderr, then its report.
    struct output {
        std::string name;
        std::size_t bytes;
        std::int64_t limit;
        bool one_line = false;
    };
    const std::vector<output> outputs = {
        {"under the limit", 10'000, 65536},
        {"far over the limit", 3'000'000, 65536},
        {"just over the limit", 70'000, 65536},
        {"no limit", 1'000'000, 0},
        {"one line longer than the limit", 200'000, 65536, true},
    };
    for (const auto& o : outputs) {
        BOOST_TEST_CONTEXT(o.name) {
            temp_dir dir;
            std::string text;
            for (int i = 1; text.size() < o.bytes; ++i) {
                text += o.one_line ? std::string(100, 'x')
                                   : "output line " + std::to_string(i) + ": some filler text\n";
            }
            if (o.one_line) text += "\n";
            dir.write("out.txt", text);
            auto prog = script(dir, "chatty.sh",
                               "cat out.txt\ncat out.txt >&2\necho loss=0.5\necho done >&2\n");
            auto m = make_model(dir, {.args = prog, .log_limit = o.limit});
            auto r = m->start({}, 1, context(dir));
            BOOST_TEST(r->step().at("loss") == 0.5);  // read past all that was left out
            BOOST_TEST(r->done());
            r.reset();
            BOOST_TEST_CONTEXT("stdout.log") {
                check_capped_log(slurp(dir / "trial-0/stdout.log"), text + "loss=0.5\n", o.limit,
                                 o.one_line);
            }
            BOOST_TEST_CONTEXT("stderr.log") {
                check_capped_log(slurp(dir / "trial-0/stderr.log"), text + "done\n", o.limit,
                                 o.one_line);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(destroying_a_running_run_stops_the_program_and_its_children) {
    temp_dir dir;
    // Reports a step, then trains forever; a background child shares its process group.
    auto prog = script(dir, "forever.sh",
                       "echo $$ > \"$CAVIAR_WORKDIR/pid\"\n"
                       "sleep 1000 &\necho $! > \"$CAVIAR_WORKDIR/child\"\n"
                       "trap 'echo bye > \"$CAVIAR_WORKDIR/bye\"; exit 0' TERM\n"
                       "echo loss=1\n"
                       "while :; do sleep 1 & wait $!; done\n");
    auto m = make_model(dir, {.args = prog, .max_steps = 10});
    auto r = m->start({}, 1, context(dir));
    BOOST_TEST(r->step().at("loss") == 1);
    pid_t pid = read_pid(dir / "trial-0/pid"), child = read_pid(dir / "trial-0/child");
    BOOST_TEST(alive(pid));
    BOOST_TEST(alive(child));
    auto t0 = clock_type::now();
    r.reset();                            // the strategy pruned the trial
    BOOST_TEST(seconds_since(t0) < 4.0);  // it left on SIGTERM, well before the grace ran out
    BOOST_TEST(!alive(pid));
    BOOST_TEST(eventually_dead(child));
    BOOST_TEST(slurp(dir / "trial-0/bye") == "bye\n");  // SIGTERM first: it could clean up
    BOOST_TEST(slurp(dir / "trial-0/stdout.log").find("caviar: stopping the program") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_program_ignoring_sigterm_is_killed_after_the_grace_period) {
    temp_dir dir;
    auto prog = script(dir, "stubborn.sh",
                       "trap '' TERM\necho $$ > \"$CAVIAR_WORKDIR/pid\"\necho loss=1\n"
                       "while :; do sleep 0.05; done\n");
    auto m = make_model(dir, {.args = prog, .max_steps = 10, .grace = 0.5});
    auto r = m->start({}, 1, context(dir));
    r->step();
    pid_t pid = read_pid(dir / "trial-0/pid");
    auto t0 = clock_type::now();
    r.reset();
    double took = seconds_since(t0);
    BOOST_TEST(took >= 0.45);
    BOOST_TEST(took < 3.0);
    BOOST_TEST(!alive(pid));
}

BOOST_AUTO_TEST_CASE(cancel_from_another_thread_ends_a_blocked_step) {
    temp_dir dir;
    auto prog = script(dir, "hang.sh",
                       "trap '' TERM\necho $$ > \"$CAVIAR_WORKDIR/pid\"\necho loss=1\n"
                       "while :; do sleep 0.05; done\n");
    auto m = make_model(dir, {.args = prog, .max_steps = 10, .grace = 0.5});
    auto r = m->start({}, 1, context(dir));
    r->step();
    pid_t pid = read_pid(dir / "trial-0/pid");
    auto t0 = clock_type::now();
    std::thread watchdog([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        r->cancel();
    });
    auto msg = error_of([&] { r->step(); });  // blocks: the program never reports again
    double took = seconds_since(t0);
    watchdog.join();
    BOOST_TEST(msg.find("cancelled") == 0u, msg);
    BOOST_TEST(msg.find("was killed by signal 9") != std::string::npos, msg);
    BOOST_TEST(took >= 0.6);  // 0.2 s until cancel, then the 0.5 s grace
    BOOST_TEST(took < 3.0);
    BOOST_TEST(!alive(pid));  // stopped and reaped before step() threw
    BOOST_TEST(error_of([&] { r->done(); }).find("cancelled") == 0u);
}

BOOST_AUTO_TEST_CASE(a_program_that_stops_on_sigterm_ends_a_cancelled_step_at_once) {
    temp_dir dir;
    auto prog = script(dir, "polite.sh", "echo loss=1\nexec sleep 1000\n");
    auto m = make_model(dir, {.args = prog, .max_steps = 10});
    auto r = m->start({}, 1, context(dir));
    r->step();
    auto t0 = clock_type::now();
    std::thread watchdog([&] { r->cancel(); });
    auto msg = error_of([&] { r->step(); });
    watchdog.join();
    BOOST_TEST(msg.find("was killed by signal 15") != std::string::npos, msg);
    BOOST_TEST(seconds_since(t0) < 2.0);  // not the 5 s grace
}

BOOST_AUTO_TEST_CASE(runs_started_from_many_threads_each_get_their_own_program) {
    temp_dir dir;
    auto prog =
        script(dir, "count.sh", "for i in 1 2 3; do echo \"loss=$1.$i\"; sleep 0.05; done\n");
    caviar::space sp({dimension::integer("k", 1, 100)});
    auto m = make_model(dir, {.args = prog + " {k}", .max_steps = 3}, sp);
    constexpr int n = 8;
    std::vector<std::vector<double>> seen(n);
    std::vector<std::string> errors(n);
    std::vector<std::thread> threads;
    auto t0 = clock_type::now();
    for (int t = 0; t < n; ++t)
        threads.emplace_back([&, t] {
            errors[t] = error_of([&] {
                auto r = m->start({{"k", std::int64_t{t + 1}}}, 1, context(dir, t));
                while (true) {
                    seen[t].push_back(r->step().at("loss"));
                    if (r->done()) break;
                }
            });
        });
    for (auto& th : threads) th.join();
    for (int t = 0; t < n; ++t) {
        BOOST_TEST(errors[t] == "");
        std::vector<double> want = {t + 1.1, t + 1.2, t + 1.3};
        BOOST_TEST(seen[t] == want, boost::test_tools::tolerance(1e-12)
                                        << boost::test_tools::per_element());
    }
    // A pipe end leaked into a sibling's program would hold each run open until all ended;
    // together they take about one run's time.
    BOOST_TEST(seconds_since(t0) < 10.0);
}

// ---- end to end, through the real program

namespace {

const std::string bin = CAVIAR_BIN;

json trials_json(const fs::path& store) {
    auto r = caviar::test::run({bin, "trials", store.string(), "--format", "json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    return json::parse(r.out);
}

// A python3 that has NumPy, or "" (PATH may lead to an interpreter without it).
std::string python_with_numpy() {
    if (caviar::test::run({"/usr/bin/env", "python3", "-c", "import numpy"}).exit_code == 0)
        return "python3";
    for (std::string py : {"/usr/bin/python3", "/usr/local/bin/python3"})
        if (fs::exists(py) && caviar::test::run({py, "-c", "import numpy"}).exit_code == 0)
            return py;
    return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(caviar_runs_a_study_of_a_shell_script) {
    temp_dir dir;
    auto prog =
        script(dir, "quad.sh",
               "x=$1\n"
               "if [ \"$CAVIAR_PARAM_MODE\" = bad ]; then echo \"bad mode $x\" >&2; exit 4; fi\n"
               "for s in 1 2; do echo \"{\\\"step\\\": $s, \\\"value\\\": $x}\"; done\n");
    auto file = dir.write("study.toml",
                          "[experiment]\nname = \"sh\"\ntrials = 6\nseed = 1\n"
                          "objective = { metric = \"value\", direction = \"minimize\" }\n"
                          "store = \"s.db\"\n[space]\nx = { float = [0.0, 1.0] }\n"
                          "mode = { choices = [\"good\", \"bad\"] }\n"
                          "[model]\nplugin = \"command\"\nargs = \"./quad.sh {x}\"\n"
                          "metrics = \"value\"\nmax_steps = 2\n");
    auto r = caviar::test::run({bin, "run", file.string(), "--threads", "2", "-q"});
    BOOST_TEST_REQUIRE((r.exit_code == 0 || r.exit_code == 1), r.err);
    auto trials = trials_json(dir / "s.db");
    BOOST_TEST_REQUIRE(trials.size() == 6u);
    int good = 0;
    for (const auto& t : trials) {
        if (t["params"]["mode"] == "good") {
            ++good;
            BOOST_TEST(t["state"] == "complete");
            BOOST_TEST(t["steps"] == 2);
            BOOST_TEST(t["value"].get<double>() == t["params"]["x"].get<double>(),
                       boost::test_tools::tolerance(1e-12));
        } else {
            BOOST_TEST(t["state"] == "failed");
            auto error = t["error"].get<std::string>();
            BOOST_TEST(
                error.find("exited with status 4 before reporting a metric") != std::string::npos,
                error);
            BOOST_TEST(error.find("bad mode") != std::string::npos, error);
        }
        auto workdir = dir / "s-files/sh" / ("trial-" + std::to_string(t["number"].get<int>()));
        BOOST_TEST(fs::exists(workdir / "params.json"));
        BOOST_TEST(fs::exists(workdir / "stdout.log"));
    }
    BOOST_TEST(good > 0);
}

namespace {

// An experiment of `trials` trials of ./PROGRAM {x} (the script is written by the test), with
// extra lines for [experiment] and [model].
std::string experiment_file(const std::string& name, const std::string& program, int trials,
                            const std::string& experiment_lines, const std::string& model_lines,
                            const std::string& space = "x = { int = [1, 1000] }\n") {
    return "[experiment]\nname = \"" + name + "\"\ntrials = " + std::to_string(trials) +
           "\nseed = 1\nobjective = { metric = \"value\", direction = \"minimize\" }\n"
           "store = \"s.db\"\n" +
           experiment_lines + "[space]\n" + space + "[model]\nplugin = \"command\"\nargs = \"./" +
           program + " {x}\"\nmetrics = \"value\"\n" + model_lines;
}

// Waits for p to exit, at most `limit` seconds (then kills it: a test must not hang).
caviar::test::process_result wait_at_most(caviar::test::process& p, double limit) {
    std::atomic<bool> over{false};
    std::thread guard([&] {
        auto t0 = clock_type::now();
        while (!over && seconds_since(t0) < limit)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (!over) p.signal(SIGKILL);
    });
    auto r = p.wait();
    over = true;
    guard.join();
    return r;
}

// The pids written to the files named `prefix*` in dir, once there are `count` of them.
std::vector<pid_t> pids_in(const temp_dir& dir, const std::string& prefix, std::size_t count) {
    std::vector<pid_t> pids;
    for (int i = 0; i < 500 && pids.size() < count; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        pids.clear();
        for (const auto& f : fs::directory_iterator(dir.path()))
            if (f.path().filename().string().starts_with(prefix) && fs::file_size(f.path()) > 0)
                pids.push_back(read_pid(f.path()));
    }
    return pids;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_killed_caviar_takes_every_process_of_its_programs_with_it) {
    // kill -9, or a second Ctrl-C, gives caviar no chance to stop its programs: each program's
    // keeper sees caviar go and stops its whole tree (SIGTERM, SIGKILL after grace): a
    // grandchild in the program's group, one that moved to a session of its own, a program
    // that ignores SIGTERM. The keepers end too.
    struct death {
        std::string name;
        std::vector<int> signals;
    };
    const std::vector<death> deaths = {{"kill -9", {SIGKILL}}, {"double Ctrl-C", {SIGINT, SIGINT}}};
    for (const auto& d : deaths) {
        BOOST_TEST_CONTEXT(d.name) {
            temp_dir dir;
            // Every program ignores SIGTERM but the polite one, so the first Ctrl-C leaves caviar
            // waiting out their grace when the second one comes.
            script(dir, "tree.sh",
                   "kind=$1\n"
                   "[ $kind = polite ] || trap '' TERM\n"
                   "case $kind in\n"
                   "  group) sleep 60 & echo $! > child-$kind ;;\n"
                   "  session) setsid sleep 60 & c=$!\n"
                   "    while [ \"$(cut -d' ' -f5 /proc/$c/stat)\" != $c ]; do sleep 0.01; done\n"
                   "    echo $c > child-$kind ;;\n"
                   "  polite) sleep 60 & echo $! > child-$kind ;;\n"
                   "esac\n"
                   "echo $PPID > keeper-$kind\n"
                   "echo $$ > program-$kind\n"
                   "while :; do sleep 0.05; done\n");
            auto file = dir.write(
                "study.toml",
                experiment_file("tree", "tree.sh", 4, "threads = 4\n[sampler]\nplugin = \"grid\"\n",
                                "max_steps = 1\ngrace = 1\n",
                                "x = { choices = [\"group\", \"session\", \"stubborn\", "
                                "\"polite\"] }\n"));
            caviar::test::process p({bin, "run", file.string(), "-q"});
            auto programs = pids_in(dir, "program-", 4);
            auto children = pids_in(dir, "child-", 3);
            auto keepers = pids_in(dir, "keeper-", 4);
            kill_on_exit cleanup;
            for (const auto* v : {&programs, &children, &keepers})
                cleanup.pids.insert(cleanup.pids.end(), v->begin(), v->end());
            BOOST_TEST_REQUIRE(programs.size() == 4u);
            BOOST_TEST_REQUIRE(children.size() == 3u);
            BOOST_TEST_REQUIRE(keepers.size() == 4u);
            for (pid_t pid : cleanup.pids) BOOST_TEST_REQUIRE(alive(pid));
            for (std::size_t i = 0; i < d.signals.size(); ++i) {
                if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
                p.signal(d.signals[i]);
            }
            auto r = wait_at_most(p, 10);
            BOOST_TEST(r.exit_code == 128 + d.signals.back(), r.err);
            auto t0 = clock_type::now();
            // SIGTERM at once, SIGKILL a grace (1 s) later.
            for (pid_t pid : cleanup.pids) {
                for (int i = 0; i < 400 && alive(pid); ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                BOOST_TEST(!alive(pid), "process " << pid << " outlived caviar");
            }
            BOOST_TEST(seconds_since(t0) < 4.0);
        }
    }
}

BOOST_AUTO_TEST_CASE(caviar_gives_a_program_grace_after_its_last_report_not_forever) {
    // max_steps = 1 and a program that runs on: the trial completes with its report a grace
    // (1 s) after it, instead of waiting the 300 s the program would take.
    temp_dir dir;
    script(dir, "linger.sh", "echo value=$1\nexec sleep 300\n");
    auto file = dir.write("study.toml", experiment_file("linger", "linger.sh", 2, "threads = 2\n",
                                                        "max_steps = 1\ngrace = 1\n"));
    auto t0 = clock_type::now();
    caviar::test::process p({bin, "run", file.string(), "-q"});
    auto r = wait_at_most(p, 30);
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(seconds_since(t0) < 10.0);
    auto trials = trials_json(dir / "s.db");
    BOOST_TEST_REQUIRE(trials.size() == 2u);
    for (const auto& t : trials) {
        BOOST_TEST(t["state"] == "complete", t.dump());
        BOOST_TEST(t["steps"] == 1);
        BOOST_TEST(t["value"].get<double>() == t["params"]["x"].get<double>());
    }
}

BOOST_AUTO_TEST_CASE(a_timeout_while_the_program_should_exit_fails_with_timeout_and_its_steps) {
    // One report, then the program runs on; the timeout (1 s) comes while caviar waits for its
    // next report or its exit.
    struct wait {
        std::string name, model_lines;
    };
    const std::vector<wait> waits = {
        {"until it exits (max_steps = 0)", "max_steps = 0\n"},
        {"for its next report (max_steps = 3)", "max_steps = 3\n"},
        {"for its exit after its last report (max_steps = 1, grace = 30)",
         "max_steps = 1\ngrace = 30\n"},
    };
    for (const auto& w : waits) {
        BOOST_TEST_CONTEXT(w.name) {
            temp_dir dir;
            script(dir, "slow.sh", "echo value=$1\nexec sleep 300\n");
            auto file = dir.write(
                "study.toml",
                experiment_file("slow", "slow.sh", 1, "trial_timeout = \"1s\"\n", w.model_lines));
            caviar::test::process p({bin, "run", file.string(), "-q"});
            auto r = wait_at_most(p, 30);
            BOOST_TEST(r.exit_code == 1, r.err);  // its only trial failed
            auto trials = trials_json(dir / "s.db");
            BOOST_TEST_REQUIRE(trials.size() == 1u);
            const auto& t = trials[0];
            BOOST_TEST(t["state"] == "failed");
            BOOST_TEST(t["error"].get<std::string>().rfind("timeout:", 0) == 0u, t["error"]);
            BOOST_TEST(t["steps"] == 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(one_ctrl_c_stops_a_silent_program_within_its_grace) {
    // The program reports nothing for a long time; Ctrl-C must not wait for its next report:
    // SIGTERM at once, SIGKILL after grace (0.5 s), and the trial runs again on resume.
    struct program {
        std::string name, body;
    };
    const std::vector<program> programs = {
        {"polite", "echo $$ > pid\nexec sleep 300\n"},
        {"ignores SIGTERM", "trap '' TERM\necho $$ > pid\nwhile :; do sleep 0.05; done\n"},
    };
    for (const auto& prog : programs) {
        BOOST_TEST_CONTEXT(prog.name) {
            temp_dir dir;
            script(dir, "silent.sh", prog.body);
            auto file = dir.write("study.toml", experiment_file("silent", "silent.sh", 1, "",
                                                                "max_steps = 3\ngrace = 0.5\n"));
            caviar::test::process p({bin, "run", file.string(), "-q"});
            pid_t pid = read_pid(dir / "pid");
            kill_on_exit cleanup{{pid}};
            BOOST_TEST_REQUIRE(alive(pid));
            auto t0 = clock_type::now();
            p.signal(SIGINT);
            auto r = wait_at_most(p, 20);
            BOOST_TEST(r.exit_code == 130, r.err);
            BOOST_TEST(seconds_since(t0) < 3.0);
            BOOST_TEST(!alive(pid));
            auto trials = trials_json(dir / "s.db");
            BOOST_TEST_REQUIRE(trials.size() == 1u);
            BOOST_TEST(trials[0]["state"] == "queued", trials[0].dump());
        }
    }
}

BOOST_AUTO_TEST_CASE(caviar_caps_stdout_log_at_log_limit) {
    temp_dir dir;
    // 3 MB of output, then the report.
    script(dir, "chatty.sh",
           "i=0\nwhile [ $i -lt 3000 ]; do printf '%01000d\\n' $i; i=$((i + 1)); done\n"
           "echo value=$1\n");
    auto file = dir.write("study.toml", experiment_file("chatty", "chatty.sh", 1, "",
                                                        "max_steps = 1\nlog_limit = 65536\n"));
    auto r = caviar::test::run({bin, "run", file.string(), "-q"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto trials = trials_json(dir / "s.db");
    BOOST_TEST_REQUIRE(trials.size() == 1u);
    BOOST_TEST(trials[0]["state"] == "complete");
    auto log = dir / "s-files/chatty/trial-0/stdout.log";
    BOOST_TEST(fs::file_size(log) <= 65536u + 200u);
    // Head, marker line, tail: together with what was left out, every byte the program wrote.
    auto text = slurp(log);
    auto at = text.find("\ncaviar: ");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    auto eol = text.find('\n', at + 1);
    std::size_t left_out = std::stoul(text.substr(at + 9));
    std::size_t written =
        3000 * 1001 +
        ("value=" + std::to_string(trials[0]["params"]["x"].get<int>()) + "\n").size();
    BOOST_TEST(at + 1 + (text.size() - eol - 1) + left_out == written);
    BOOST_TEST(text.starts_with(std::string(1000, '0') + "\n"));
    BOOST_TEST(
        text.ends_with("value=" + std::to_string(trials[0]["params"]["x"].get<int>()) + "\n"));
}

BOOST_AUTO_TEST_CASE(caviar_takes_args_and_metrics_as_arrays) {
    temp_dir dir;
    script(dir, "args.sh", "printf '%s\\0' \"$@\" > args-$CAVIAR_TRIAL\necho value=1 other=2\n");
    auto file = dir.write("study.toml",
                          "[experiment]\nname = \"arrays\"\ntrials = 1\nseed = 1\n"
                          "objective = { metric = \"value\", direction = \"minimize\" }\n"
                          "store = \"s.db\"\n[space]\nx = { choices = [\"a b\"] }\n"
                          "[model]\nplugin = \"command\"\n"
                          "args = [\"./args.sh\", \"--x={x}\", \"no 'shell' here\", \"{{x}}\"]\n"
                          "metrics = [\"value\", \"other\"]\nmax_steps = 1\n");
    auto r = caviar::test::run({bin, "run", file.string(), "-q"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto trials = trials_json(dir / "s.db");
    BOOST_TEST_REQUIRE(trials.size() == 1u);
    BOOST_TEST(trials[0]["state"] == "complete");
    BOOST_TEST(trials[0]["metrics"]["other"] == 2);
    auto all = slurp(dir / "args-0");
    BOOST_TEST(all == std::string("--x=a b\0no 'shell' here\0{x}\0", 28));

    // --set takes an array too, and the string form still works beside it.
    auto store = dir / "set.db";
    r = caviar::test::run({bin, "run", file.string(), "-q", "--store", store.string(), "--set",
                           "model.args=[\"./args.sh\", \"{x} c\"]", "--set",
                           "model.metrics=value, other"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(trials_json(store)[0]["state"] == "complete");
    BOOST_TEST(slurp(dir / "args-0") == std::string("a b c\0", 6));
}

BOOST_AUTO_TEST_CASE(bad_args_metrics_and_log_limit_are_reported_at_their_place) {
    struct bad {
        std::string line;  // the [model] line under test
        std::string message;
        int column;  // of the value at fault
    };
    const std::vector<bad> cases = {
        {"args = [\"./p.sh\", 3]",
         "[model] option \"args\": element 2 is 3; an array option holds strings only", 19},
        {"args = 3", "[model] args must be an array of strings (or a single string), got 3", 1},
        {"args = []", "[model] args names no program", 1},
        {"args = \"sh -c 'oops\"", "[model] args: unterminated ' quote", 1},
        {"metrics = []", "[model] metrics lists no metric", 1},
        {"metrics = [\"value\", [\"x\"]]",
         "element 2 is an array; an array option holds strings only", 21},
        {"env = [\"x\"]", "[model] env must be a bool (true or false), got [\"x\"]", 1},
        {"log_limit = 100",
         "[model] log_limit must be 0 (keep all) or at least 4096 bytes, got 100", 1},
        {"log_limit = -1", "[model] log_limit must be >= 0, got -1", 1},
        {"log_limit = \"10MB\"", "[model] log_limit must be an int, got \"10MB\"", 1},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.line) {
            temp_dir dir;
            script(dir, "p.sh", "echo value=1\n");
            std::string model = "[model]\nplugin = \"command\"\n";
            auto key = c.line.substr(0, c.line.find(' '));
            if (key != "args") model += "args = \"./p.sh\"\n";
            if (key != "metrics") model += "metrics = \"value\"\n";
            int line = 9 + (key != "args") + (key != "metrics");
            auto file = dir.write("study.toml",
                                  "[experiment]\nname = \"bad\"\ntrials = 1\n"
                                  "objective = { metric = \"value\", direction = \"minimize\" }\n"
                                  "[space]\nx = { float = [0.0, 1.0] }\n" +
                                      model + c.line + "\n");
            auto r = caviar::test::run({bin, "validate", file.string()});
            BOOST_TEST(r.exit_code == 2, r.out);
            auto where = file.string() + ":" + std::to_string(line) + ":";
            BOOST_TEST(r.err.find(where) != std::string::npos, r.err);
            BOOST_TEST(r.err.find(c.message) != std::string::npos, r.err);
            if (c.column > 1)
                BOOST_TEST(
                    r.err.find(where + std::to_string(c.column) + ": error:") != std::string::npos,
                    r.err);
        }
    }
}

BOOST_AUTO_TEST_CASE(caviar_plugins_shows_the_string_list_type) {
    auto text = caviar::test::run({bin, "plugins"});
    BOOST_TEST_REQUIRE(text.exit_code == 0, text.err);
    BOOST_TEST(text.out.find("args           (string list, required)") != std::string::npos,
               text.out);
    BOOST_TEST(text.out.find("log_limit      (int, default 10485760)") != std::string::npos);
    auto j = json::parse(caviar::test::run({bin, "plugins", "--json"}).out);
    bool found = false;
    for (const auto& p : j["plugins"])
        if (p["name"] == "command")
            for (const auto& o : p["options"])
                if (o["name"] == "metrics") {
                    found = true;
                    BOOST_TEST(o["type"] == "string list");
                }
    BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(caviar_tunes_the_python_example) {
    std::string python = python_with_numpy();
    if (python.empty()) {
        BOOST_TEST_MESSAGE("skipped: no python3 with NumPy (apt-get install python3-numpy)");
        return;
    }
    temp_dir dir;
    auto store = dir / "py.db";
    auto r = caviar::test::run(
        {bin, "run", std::string(CAVIAR_SOURCE_DIR) + "/examples/python/digits.toml", "--store",
         store.string(), "--trials", "3", "--threads", "2", "-q", "--set",
         "model.args=" + python +
             " train_digits.py --epochs 3 --learning-rate {learning_rate} --momentum "
             "{momentum} --hidden {hidden} --activation {activation} --seed {seed} "
             "--save {workdir}/weights.npz",
         "--set", "model.max_steps=3", "--set",
         "space.learning_rate={ float = [0.01, 0.1], scale = \"log\" }"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.out << r.err);
    auto trials = trials_json(store);
    BOOST_TEST_REQUIRE(trials.size() == 3u);
    int learned = 0;
    for (const auto& t : trials) {
        BOOST_TEST(t["state"] == "complete", t.dump());
        BOOST_TEST(t["steps"] == 3);
        BOOST_TEST(t["metrics"].contains("val_loss"));
        learned += t["value"].get<double>() > 0.5;  // chance is 0.1
        auto workdir =
            dir / "py-files/python-digits" / ("trial-" + std::to_string(t["number"].get<int>()));
        BOOST_TEST(fs::exists(workdir / "weights.npz"));
    }
    BOOST_TEST(learned >= 1);
}
