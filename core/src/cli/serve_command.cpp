// caviar serve STORE: the live page of a study from another process than the one that runs it
// (or of a finished study): read from the store, actions through the study's command inbox.
#include "cli/commands.hpp"
#include "cli/signals.hpp"
#include "cli/study_access.hpp"
#include "config/experiment.hpp"
#include "serve/control_service.hpp"

#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

namespace caviar::cli {

namespace po = boost::program_options;

int serve_command(const args& a) {
    po::options_description d(
        "Usage: caviar serve STORE [OPTIONS]\n\n"
        "Serves the live page of a study (watch its learning curves, pause, change params,\n"
        "resume, prune) until Ctrl-C, and prints its address with a token. The study may be run\n"
        "by another `caviar run` (actions go through its command inbox and apply at the trial's\n"
        "next step) or by none (prune, budget and enqueue change the store).\n\nOptions");
    d.add_options()("address", po::value<std::string>()->default_value("127.0.0.1:0"),
                    "ADDRESS:PORT to listen on (port 0: any free one)")(
        "serve-public", "allow an address other than loopback");
    po::variables_map vm;
    if (!parse_store_arguments(a, d, vm)) return ok;
    const auto address = vm["address"].as<std::string>();
    if (auto why = serve_address_problem(address); !why.empty())
        throw po::error("--address " + address + ": " + why);
    std::string study;
    {
        auto db = open_store(vm);  // also upgrades an older store
        study = select_study(*db, vm).name;
    }
    install_stop_handlers();
    service_settings s;
    auto colon = address.rfind(':');
    s.address = address.substr(0, colon);
    s.port = static_cast<unsigned short>(std::stoi(address.substr(colon + 1)));
    s.allow_public = vm.count("serve-public") > 0;
    s.store = vm["store"].as<std::string>();
    s.study = study;
    std::optional<control_service> service;
    try {
        service.emplace(std::move(s));
    } catch (const std::runtime_error& e) {
        throw po::error(e.what());
    }
    std::fprintf(stderr, "live view: %s\n(the token is also in %s; Ctrl-C stops)\n",
                 service->url().c_str(), service->token_file().c_str());
    while (stop_signal.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    service->stop();
    return 128 + stop_signal.load();
}

}  // namespace caviar::cli
