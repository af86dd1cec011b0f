#include "cli/study_access.hpp"

#include "cli/command_line.hpp"

namespace caviar::cli {

namespace po = boost::program_options;

bool parse_store_arguments(const args& a, po::options_description& d, po::variables_map& vm) {
    d.add_options()("study", po::value<std::string>(),
                    "the study's name (needed when the store has several)");
    return parse_command_line(a, d, "store", "STORE file (the experiment's .db)", vm);
}

study_record select_study(store& db, const po::variables_map& vm) {
    auto all = db.studies();
    if (vm.count("study")) {
        auto name = vm["study"].as<std::string>();
        if (auto s = db.find_study(name)) return *s;
        std::string names;
        for (const auto& s : all) names += (names.empty() ? "" : ", ") + s.name;
        throw po::error("no study \"" + name + "\" in " + db.file().string() +
                        (names.empty() ? "" : " (it has: " + names + ")"));
    }
    if (all.size() == 1) return all.front();
    if (all.empty()) throw po::error(db.file().string() + " holds no study yet");
    std::string names;
    for (const auto& s : all) names += (names.empty() ? "" : ", ") + s.name;
    throw po::error(db.file().string() + " holds several studies (" + names +
                    "): choose one with --study NAME");
}

std::unique_ptr<store> open_store(const po::variables_map& vm) {
    const auto file = vm["store"].as<std::string>();
    try {
        try {
            return std::make_unique<store>(file, true);
        } catch (const store_outdated&) {
            // An older caviar's store: upgraded in place once (tables and columns added, nothing
            // removed), then read.
            try {
                store upgrade(file);
            } catch (const store_error& e) {
                throw store_error(file +
                                  " was written by an older caviar and cannot be upgraded "
                                  "here (" +
                                  e.what() +
                                  "); run a caviar command on it where the file is writable");
            }
            return std::make_unique<store>(file, true);
        }
    } catch (const store_error& e) {
        throw po::error(e.what());
    }
}

}  // namespace caviar::cli
