// The control service's API: JSON over HTTP, as a function of the request, so each endpoint and
// error is tested without a socket. Reads come from the study watch; actions are checked with
// the same rules as `caviar ctl` and go to the study's command inbox, where the process that runs
// the study applies them at the trial's next step (or to the store, for prune, budget and
// enqueue on a study no process runs).
//
//   GET  /                         the live page
//   GET  /api/study                the study: objective, budget, counts, best, space, running
//   GET  /api/trials               {"cursor", "trials": [summaries]}
//   GET  /api/trials/N             one trial with its curve (every metric) and events
//   GET  /api/curves?points=P      {"cursor", "curves": [{"trial", "points": [[step, value]]}]}
//   GET  /api/events?after=K       the push stream (server-sent events) of changes after K
//   POST /api/trials/N/pause | resume | update | prune     resume, update: {"params": {...}}
//   POST /api/study/stop | budget | enqueue                budget: {"trials": N}
//
// Errors are {"error": "..."}: 400 bad params or body (with the rule), 404 no such trial or
// endpoint, 409 an architecture param or a state that does not allow it (or a command the study
// could not apply); 401, 403, 413 come from the server's access rules.
#pragma once

#include "serve/study_watch.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace caviar {

struct api_reply {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    /// A command was posted: its seq. The server waits (without blocking) for it to end, then
    /// replies with command_reply().
    std::int64_t command = 0;
    /// GET /api/events: the server streams the changes after `after`.
    bool stream = false;
    std::int64_t after = 0;
};

class study_api {
public:
    /// store_file: where the study's store is (for its lock, to act on a study no process runs).
    study_api(study_watch& watch, store& db, std::filesystem::path store_file);

    api_reply handle(const std::string& method, const std::string& target, const std::string& body);
    /// The reply for posted command `seq`, once it ended or the wait timed out.
    api_reply command_reply(std::int64_t seq);

private:
    api_reply trial_action(std::int64_t number, const std::string& action, const std::string& body);
    api_reply study_action(const std::string& action, const std::string& body);
    api_reply post(command_record c);

    study_watch& watch_;
    store& db_;
    std::filesystem::path store_file_;
};

/// {"error": message} with `status`.
api_reply error_reply(int status, const std::string& message);

}  // namespace caviar
