// caviar ctl against a live service (URL instead of STORE), and `watch`.
#pragma once

#include "store/store.hpp"

#include <functional>
#include <string>
#include <vector>

namespace caviar::cli {

/// The ctl verbs (status, watch, pause, set, resume, prune, stop, budget) over HTTP; the exit
/// code (0 applied, 2 refused for a rule, 1 not applied or unreachable).
int ctl_remote(const std::string& url, const std::vector<std::string>& words,
               const std::vector<std::string>& pairs, const std::string& token, bool as_json);

/// Prints trial n's curve from the store as it grows, until it is finished (or no process runs
/// the study and the trial does not run).
int ctl_watch_store(store& db, const study_record& s, std::int64_t n,
                    const std::function<bool()>& running);

}  // namespace caviar::cli
