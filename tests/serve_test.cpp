// The control service through the real programs: `caviar run --serve` and `caviar serve` in the
// background, a raw HTTP client in the test. Every endpoint and error code, the security rules
// (token, Host, Origin, body size, paths), the push stream, and steering a learning_curve trial
// (pause, new params, resume) checked in the store afterwards.
#define BOOST_TEST_MODULE serve
#include <boost/test/unit_test.hpp>

#include "store/store.hpp"
#include "support/http.hpp"
#include "support/print.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <functional>
#include <regex>
#include <thread>

using namespace caviar::test;
using nlohmann::json;

namespace {

const std::string bin = CAVIAR_BIN;

std::string experiment(int trials, int steps, int step_ms, const std::string& extra_model = "") {
    return "[experiment]\nname = \"s\"\nseed = 5\ntrials = " + std::to_string(trials) +
           "\nthreads = 1\nobjective = { metric = \"val_loss\", direction = \"minimize\" }\n"
           "store = \"s.db\"\n[space]\nlearning_rate = { float = [0.01, 0.5], scale = \"log\" }\n"
           "x = { float = [0.0, 1.0] }\n[model]\nplugin = \"learning_curve\"\nsteps = " +
           std::to_string(steps) + "\nstep_ms = " + std::to_string(step_ms) + "\nnoise = 0.01\n" +
           extra_model;
}

bool wait_until(const std::function<bool()>& pred, double seconds = 30) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        try {
            if (pred()) return true;
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

struct live {
    unsigned short port = 0;
    std::string token;
};

// The address `caviar run --serve` / `caviar serve` printed on stderr.
live address_of(const process& p) {
    live out;
    std::smatch m;
    BOOST_TEST_REQUIRE(wait_until([&] {
        std::string err = p.err_so_far();
        static const std::regex url(
            "live view: http://127\\.0\\.0\\.1:([0-9]+)/\\?token=([0-9a-f]{64})");
        if (!std::regex_search(err, m, url)) return false;
        out.port = static_cast<unsigned short>(std::stoi(m[1]));
        out.token = m[2];
        return true;
    }));
    return out;
}

json body(const http_reply& r) {
    return json::parse(r.body, nullptr, false);
}

std::vector<caviar::trial> load(const std::filesystem::path& file) {
    caviar::store db(file, true);
    return db.load_trials(db.find_study("s")->id);
}

}  // namespace

BOOST_AUTO_TEST_CASE(steers_a_running_trial_through_the_api) {
    temp_dir dir;
    auto file = dir.write("s.toml", experiment(2, 60, 25, "architecture = \"x\"\n"));
    process runner({bin, "run", file.string(), "-q", "--serve"});
    auto svc = address_of(runner);
    auto get = [&](const std::string& target) {
        return http_request(svc.port, "GET", target, svc.token);
    };
    auto post = [&](const std::string& target, const std::string& b = "{}") {
        return http_request(svc.port, "POST", target, svc.token, b);
    };

    auto study = get("/api/study");
    BOOST_TEST_REQUIRE(study.status == 200, study.raw);
    auto s = body(study);
    BOOST_TEST(s["name"] == "s");
    BOOST_TEST(s["running"] == true);
    BOOST_TEST(s["space"][0]["name"] == "learning_rate");
    BOOST_TEST(s["space"][1]["architecture"] == true);
    BOOST_TEST(s["objective"]["metric"] == "val_loss");
    BOOST_TEST_REQUIRE(wait_until([&] {
        auto t = body(get("/api/trials/0"));
        return t["curve"].size() >= 3;
    }));

    auto paused = post("/api/trials/0/pause");
    BOOST_TEST_REQUIRE(paused.status == 200, paused.raw);
    BOOST_TEST(body(paused)["command"]["state"] == "applied");
    auto t = body(get("/api/trials/0"));
    BOOST_TEST(t["state"] == "paused");
    BOOST_TEST(t["held"] == true);
    const auto at = t["steps"].get<std::int64_t>();
    // Errors, each with its code.
    BOOST_TEST(post("/api/trials/0/update", R"({"params": {"learning_rate": 0.02}})").status ==
               409);
    auto arch = post("/api/trials/0/resume", R"({"params": {"x": 0.9}})");
    BOOST_TEST(arch.status == 409);
    BOOST_TEST(body(arch)["error"].get<std::string>().find("x is architecture for model "
                                                           "learning_curve") != std::string::npos);
    auto outside = post("/api/trials/0/resume", R"({"params": {"learning_rate": 5}})");
    BOOST_TEST(outside.status == 400);
    BOOST_TEST(body(outside)["error"].get<std::string>().find("outside its dimension") !=
               std::string::npos);
    BOOST_TEST(post("/api/trials/0/resume", R"({"params": {"lr": 0.1}})").status == 400);
    BOOST_TEST(post("/api/trials/0/resume", R"({"params": 3})").status == 400);
    BOOST_TEST(post("/api/trials/0/resume", "not json").status == 400);
    BOOST_TEST(post("/api/trials/9/pause").status == 404);
    BOOST_TEST(get("/api/trials/9").status == 404);
    BOOST_TEST(post("/api/trials/0/jump").status == 404);
    BOOST_TEST(post("/api/study/budget", R"({"trials": "many"})").status == 400);
    BOOST_TEST(post("/api/study/budget", R"({"trials": 0})").status == 409);

    auto resumed = post("/api/trials/0/resume", R"({"params": {"learning_rate": 0.02}})");
    BOOST_TEST_REQUIRE(resumed.status == 200, resumed.raw);
    BOOST_TEST(body(resumed)["command"]["result"].get<std::string>().find(
                   "resumed at step " + std::to_string(at) + " from its checkpoint") !=
               std::string::npos);
    auto budget = post("/api/study/budget", R"({"trials": 3})");
    BOOST_TEST(budget.status == 200, budget.raw);
    auto q = post("/api/study/enqueue", R"({"params": {"learning_rate": 0.05, "x": 0.5}})");
    BOOST_TEST(q.status == 200, q.raw);
    BOOST_TEST(post("/api/study/enqueue", R"({"params": {"learning_rate": 0.05}})").status == 400);

    // The push stream: what changed, numbered, from a cursor.
    int fd = http_connect(svc.port);
    std::string req =
        "GET /api/events?after=0 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(svc.port) +
        "\r\nAuthorization: Bearer " + svc.token + "\r\n\r\n";
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    auto streamed = http_read(fd, 1500);
    ::close(fd);
    BOOST_TEST(streamed.find("Content-Type: text/event-stream") != std::string::npos, streamed);
    BOOST_TEST(streamed.find("id: 1\ndata: {") != std::string::npos);
    BOOST_TEST(streamed.find("\"type\":\"point\"") != std::string::npos);
    BOOST_TEST(streamed.find("\"type\":\"event\"") != std::string::npos);
    auto cursor = body(get("/api/trials"))["cursor"].get<std::int64_t>();
    BOOST_TEST(cursor > 0);
    auto curves = body(get("/api/curves?points=5"));
    BOOST_TEST(curves["curves"][0]["points"].size() <= 5u);

    auto r = runner.wait();
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto trials = load(dir / "s.db");
    BOOST_TEST(trials.size() == 3u);  // the budget raised by the API
    BOOST_TEST(std::get<double>(trials[0].params.at("learning_rate")) == 0.02);
    BOOST_TEST(trials[0].steps == 60);
    for (std::size_t k = 0; k < trials[0].curve.size(); ++k)  // continued at the same step
        BOOST_TEST(trials[0].curve[k].step == static_cast<std::int64_t>(k) + 1);
    caviar::store db(dir / "s.db", true);
    std::vector<std::string> kinds;
    for (const auto& e : db.load_events(db.find_study("s")->id))
        if (e.trial == 0) kinds.push_back(e.kind + "/" + e.source);
    BOOST_TEST(
        (kinds == std::vector<std::string>{"pause/manual", "update/manual", "resume/manual"}));
    BOOST_TEST(trials[2].origin == "enqueued");
}

BOOST_AUTO_TEST_CASE(refuses_what_the_access_rules_forbid) {
    temp_dir dir;
    auto file = dir.write("s.toml", experiment(1, 400, 25));
    process runner({bin, "run", file.string(), "-q", "--serve"});
    auto svc = address_of(runner);
    const auto p = svc.port;
    const std::string host = "127.0.0.1:" + std::to_string(p);
    BOOST_TEST(http_request(p, "GET", "/api/study", "").status == 401);
    BOOST_TEST(http_request(p, "GET", "/api/study", std::string(64, 'a')).status == 401);
    BOOST_TEST(
        http_request(p, "GET", "/api/study", svc.token, "", {{"Host", "evil.example:80"}}).status ==
        403);
    BOOST_TEST(http_request(p, "GET", "/api/study", svc.token, "",
                            {{"Host", "localhost:" + std::to_string(p)}})
                   .status == 200);
    auto cross = http_request(p, "POST", "/api/trials/0/pause", svc.token, "{}",
                              {{"Origin", "http://evil.example"}});
    BOOST_TEST(cross.status == 403);
    BOOST_TEST(http_request(p, "POST", "/api/trials/0/pause", svc.token, "{}",
                            {{"Content-Type", "text/plain"}})
                   .status == 400);
    BOOST_TEST(http_request(p, "PUT", "/api/study", svc.token).status == 405);
    BOOST_TEST(
        http_request(p, "POST", "/api/study/stop", svc.token, std::string(70000, ' ')).status ==
        413);
    for (std::string path : {"/../../etc/passwd", "/api/../../etc/passwd", "/etc/passwd",
                             "/api/trials/0/../../x", "/%2e%2e/%2e%2e/etc/passwd"})
        BOOST_TEST(http_request(p, "GET", path, svc.token).status == 404, path);
    // The page: ?token= becomes an HttpOnly, SameSite=Strict cookie and the address is cleaned.
    auto first = http_request(p, "GET", "/?token=" + svc.token, "");
    BOOST_TEST(first.status == 303);
    BOOST_TEST(first.headers["location"] == "/");
    BOOST_TEST(first.headers["set-cookie"].find("HttpOnly") != std::string::npos);
    BOOST_TEST(first.headers["set-cookie"].find("SameSite=Strict") != std::string::npos);
    const std::string cookie = "caviar_token=" + svc.token;
    auto page = http_request(p, "GET", "/", "", "", {{"Cookie", cookie}});
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.headers["content-type"].find("text/html") != std::string::npos);
    BOOST_TEST(page.body.find("<canvas id=\"chart\">") != std::string::npos);
    BOOST_TEST(page.headers["content-security-policy"].find("default-src 'none'") !=
               std::string::npos);
    // With the cookie, a change must say where it comes from (and come from the page itself).
    BOOST_TEST(http_request(p, "POST", "/api/study/stop", "", "{}", {{"Cookie", cookie}}).status ==
               403);
    BOOST_TEST(http_request(p, "GET", "/?token=" + std::string(64, '0'), "").status == 401);
    // Malformed requests and many connections: refused or dropped, never a crash or a hang.
    BOOST_TEST(http_raw(p, "GARBAGE\r\n\r\n").status == 400);
    BOOST_TEST(http_raw(p, "GET /api/study HTTP/1.1\r\nHost: " + host + "\r\n" +
                               std::string(20000, 'X') + ": y\r\n\r\n")
                   .status == 431);
    {
        int half = http_connect(p);
        std::string partial =
            "POST /api/study/stop HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 100\r\n\r\n{";
        ::send(half, partial.data(), partial.size(), MSG_NOSIGNAL);
        ::close(half);
    }
    std::vector<int> idle;
    for (int i = 0; i < 200; ++i) idle.push_back(http_connect(p));
    BOOST_TEST(http_request(p, "GET", "/api/study", svc.token).status == 200);
    for (int fd : idle) ::close(fd);
    BOOST_TEST(http_request(p, "GET", "/api/study", svc.token).status == 200);
    // Ctrl-C with a page following the stream: the study stops as always.
    int follower = http_connect(p);
    std::string req = "GET /api/events?after=0 HTTP/1.1\r\nHost: " + host +
                      "\r\nAuthorization: Bearer " + svc.token + "\r\n\r\n";
    ::send(follower, req.data(), req.size(), MSG_NOSIGNAL);
    runner.signal(SIGINT);
    auto r = runner.wait();
    ::close(follower);
    BOOST_TEST(r.exit_code == 130, r.err);
    BOOST_TEST(load(dir / "s.db")[0].state == caviar::trial_state::queued);
}

BOOST_AUTO_TEST_CASE(serve_follows_a_study_another_process_runs_or_none) {
    temp_dir dir;
    auto file = dir.write("s.toml", experiment(2, 8, 5));
    auto ran = run({bin, "run", file.string(), "-q"});
    BOOST_TEST_REQUIRE(ran.exit_code == 0, ran.err);
    process server({bin, "serve", (dir / "s.db").string()});
    auto svc = address_of(server);
    auto s = body(http_request(svc.port, "GET", "/api/study", svc.token));
    BOOST_TEST(s["running"] == false);
    BOOST_TEST(s["counts"]["complete"] == 2);
    BOOST_TEST(body(http_request(svc.port, "GET", "/api/trials", svc.token))["trials"].size() ==
               2u);
    auto pause = http_request(svc.port, "POST", "/api/trials/0/pause", svc.token, "{}");
    BOOST_TEST(pause.status == 409);  // complete; and nothing runs the study anyway
    auto budget =
        http_request(svc.port, "POST", "/api/study/budget", svc.token, R"({"trials": 4})");
    BOOST_TEST(budget.status == 200, budget.raw);
    {
        caviar::store db(dir / "s.db", true);
        BOOST_TEST(db.find_study("s")->budget == 4);
    }
    // A run of the study while the page follows it: the new trials reach the page.
    process runner({bin, "run", file.string(), "-q"});
    BOOST_TEST(runner.wait().exit_code == 0);
    BOOST_TEST(wait_until([&] {
        return body(http_request(svc.port, "GET", "/api/trials", svc.token))["trials"].size() == 4u;
    }));
    server.signal(SIGINT);
    BOOST_TEST(server.wait().exit_code == 130);
}

BOOST_AUTO_TEST_CASE(ctl_speaks_to_the_service_too) {
    temp_dir dir;
    auto file = dir.write("s.toml", experiment(1, 80, 25));
    process runner({bin, "run", file.string(), "-q", "--serve"});
    auto svc = address_of(runner);
    const std::string url = "http://127.0.0.1:" + std::to_string(svc.port);
    const std::map<std::string, std::string> env = {{"CAVIAR_TOKEN", svc.token}};
    BOOST_TEST_REQUIRE(wait_until([&] {
        return run({bin, "ctl", url, "status"}, env).out.find("running") != std::string::npos;
    }));
    auto status = run({bin, "ctl", url, "status", "--json"}, env);
    BOOST_TEST_REQUIRE(status.exit_code == 0, status.err);
    BOOST_TEST(json::parse(status.out)["study"]["name"] == "s");
    BOOST_TEST(run({bin, "ctl", url, "--token", std::string(64, '0'), "status"}).exit_code == 2);
    BOOST_TEST(run({bin, "ctl", url, "status"}).exit_code == 2);  // no token at all
    auto paused = run({bin, "ctl", url, "pause", "0"}, env);
    BOOST_TEST_REQUIRE(paused.exit_code == 0, paused.err);
    BOOST_TEST(paused.out.find("trial 0 paused at step") != std::string::npos, paused.out);
    auto wrong = run({bin, "ctl", url, "set", "0", "-p", "learning_rate=0.02"}, env);
    BOOST_TEST(wrong.exit_code == 2);
    BOOST_TEST(wrong.err.find("give new params when you resume it") != std::string::npos,
               wrong.err);
    auto resumed = run({bin, "ctl", url, "resume", "0", "-p", "learning_rate=0.02"}, env);
    BOOST_TEST_REQUIRE(resumed.exit_code == 0, resumed.err);
    // watch prints the curve as it grows, from the service and from the store, to the end.
    process watcher({bin, "ctl", url, "watch", "0"}, env);
    auto from_store = run({bin, "ctl", (dir / "s.db").string(), "watch", "0"});
    auto watched = watcher.wait();
    BOOST_TEST(runner.wait().exit_code == 0);
    for (const auto* w : {&watched, &from_store}) {
        BOOST_TEST(w->exit_code == 0, w->err);
        BOOST_TEST(w->out.find("step 80  val_loss ") != std::string::npos,
                   w->out.substr(w->out.size() > 300 ? w->out.size() - 300 : 0));
        BOOST_TEST(w->out.find("trial 0 is complete") != std::string::npos,
                   w->out.substr(w->out.size() > 300 ? w->out.size() - 300 : 0));
    }
    BOOST_TEST(watched.out.find("step 1  val_loss ") != std::string::npos, watched.out);
    auto gone = run({bin, "ctl", url, "status"}, env);
    BOOST_TEST(gone.exit_code == 1);  // the service ended with the study
    BOOST_TEST(gone.err.find("cannot reach the live service") != std::string::npos, gone.err);
}

BOOST_AUTO_TEST_CASE(refuses_a_public_address_unless_told) {
    temp_dir dir;
    auto file = dir.write("s.toml", experiment(1, 2, 0));
    auto r = run({bin, "run", file.string(), "-q", "--serve", "0.0.0.0:0"});
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find("--serve-public") != std::string::npos, r.err);
    auto bad = run({bin, "run", file.string(), "-q", "--serve", "127.0.0.1"});
    BOOST_TEST(bad.exit_code == 2);
    auto memory = run({bin, "run", file.string(), "-q", "--serve", "--store", ":memory:"});
    BOOST_TEST(memory.exit_code == 2);
    BOOST_TEST(memory.err.find("needs a store file") != std::string::npos, memory.err);
}
