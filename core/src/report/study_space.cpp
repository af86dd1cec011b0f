#include "report/study_space.hpp"

#include "config/space_reader.hpp"
#include "config/toml_reader.hpp"
#include "report/trial_table.hpp"

#include <stdexcept>

namespace caviar {

space study_space(const study_record& s) {
    std::vector<diagnostic> errors;
    toml_reader r("study " + s.name, errors);
    toml::table root;
    try {
        root = toml::parse(std::string_view(s.config), r.file());
    } catch (const toml::parse_error& e) {
        throw std::runtime_error(
            "study \"" + s.name +
            "\": stored experiment text does not parse: " + std::string(e.description()));
    }
    // The stored text lists the keys in another order (TOML++ writes a table's keys sorted);
    // the stored description has the study's, in which each condition's parent comes first.
    const std::vector<std::string> order = param_names(s.space);
    space read = read_space(root.get("space"), r.file_pos(), r, &order);
    space sp;
    for (const auto& name : order)
        if (const auto* d = read.find(name)) sp.add(*d);
    if (!errors.empty() || sp.hash() != s.space_hash)
        throw std::runtime_error("study \"" + s.name +
                                 "\": the stored experiment text does not give the study's space" +
                                 (errors.empty() ? "" : ": " + errors.front().message));
    return sp;
}

}  // namespace caviar
