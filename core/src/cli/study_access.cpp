#include "cli/study_access.hpp"

#include "cli/command_line.hpp"
#include "config/experiment.hpp"

#include <cstdio>
#include <fstream>

namespace caviar::cli {

namespace po = boost::program_options;

namespace {

bool is_sqlite_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    char head[16] = {};
    in.read(head, sizeof head);
    return in.gcount() == sizeof head &&
           std::string_view(head, sizeof head) == std::string_view("SQLite format 3\0", 16);
}

}  // namespace

void resolve_experiment_operand(po::variables_map& vm, const std::string& operand) {
    auto it = vm.find(operand);
    if (it == vm.end()) return;
    const std::filesystem::path file = it->second.as<std::string>();
    std::error_code ec;
    if (store::is_memory(file) || !std::filesystem::is_regular_file(file, ec) ||
        is_sqlite_file(file))
        return;
    std::vector<diagnostic> errors;
    experiment e = load_experiment(file, {}, errors);
    if (!errors.empty()) {
        if (file.extension() != ".toml") return;  // not an experiment: the store says what it is
        for (const auto& d : errors) std::fprintf(stderr, "%s\n", d.format().c_str());
        throw po::error(file.string() +
                        " is an experiment file with errors; give its store "
                        "(.db) or fix the file");
    }
    if (store::is_memory(e.store))
        throw po::error(file.string() +
                        " keeps its study in memory (store = \":memory:\"): "
                        "there is nothing to read afterwards");
    if (!std::filesystem::exists(e.store))
        throw po::error(file.string() + ": its store " + e.store.string() +
                        " does not exist yet; run the experiment first (caviar run " +
                        file.string() + ")");
    it->second.value() = e.store.string();
    if (!vm.count("study")) vm.insert({"study", po::variable_value(e.name, false)});
}

bool parse_store_arguments(const args& a, po::options_description& d, po::variables_map& vm) {
    d.add_options()("study", po::value<std::string>(),
                    "the study's name (needed when the store has several; an experiment file "
                    "names its own)");
    if (!parse_command_line(a, d, "store",
                            "STORE file (the experiment's .db, or the experiment file itself)", vm))
        return false;
    resolve_experiment_operand(vm, "store");
    return true;
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
    return open_store(vm["store"].as<std::string>());
}

std::unique_ptr<store> open_store(const std::string& file) {
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
