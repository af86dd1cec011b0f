// caviar __worker --socket FD --parent PID FILE [--set K=V]...: a trial process of a study run
// with isolation = "process" (run/trial_process.hpp). Not for people: `caviar run` starts one
// per worker thread and talks to it over the socket.
#include "cli/commands.hpp"
#include "cli/experiment_loading.hpp"
#include "cli/signals.hpp"
#include "run/executor.hpp"
#include "run/frames.hpp"
#include "run/study_lock.hpp"
#include "run/trial_process.hpp"
#include "store/store.hpp"

#include <csignal>
#include <cstdio>
#include <string>

#include <sys/prctl.h>
#include <unistd.h>

namespace caviar::cli {

int worker_command(const args& a) {
    int fd = -1;
    long parent = -1;
    std::string file;
    std::vector<std::string> overrides;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] == "--socket" && i + 1 < a.size())
            fd = std::stoi(a[++i]);
        else if (a[i] == "--parent" && i + 1 < a.size())
            parent = std::stol(a[++i]);
        else if (a[i] == "--set" && i + 1 < a.size())
            overrides.push_back(a[++i]);
        else
            file = a[i];
    }
    if (fd < 0 || parent < 0 || file.empty()) {
        std::fprintf(stderr, "caviar __worker: started by caviar run, not by hand\n");
        return usage;
    }
    // Dies with caviar, even by kill -9. Ctrl-C at a terminal reaches the trial process too: it
    // stops its run at once (as caviar's watchdog does with runs on threads) and says so; what
    // becomes of the trial is caviar's rule. A second one changes nothing: caviar, quitting at
    // once, takes its trial processes with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) return study_failed;
    struct sigaction sa {};
    sa.sa_handler = [](int sig) { stop_signal.store(sig); };
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);

    auto setup = load_study(file, overrides);
    if (!setup) return usage;
    const experiment& e = setup->exp;
    socket_queue queue(fd, &stop_signal);
    if (!send_frame(fd, 'H', {})) return study_failed;
    execute(queue, *setup->model,
            {.model_name = setup->model_plugin.info.name,
             .study = e.name,
             .files = trials_folder(e.store, e.name, parent),
             .threads = 1,
             .trial_timeout = e.trial_timeout,
             .trial_process = {}});  // this is the trial process
    return ok;
}

}  // namespace caviar::cli
