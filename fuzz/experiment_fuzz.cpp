// libFuzzer target: an experiment file through everything the loader does before plugins are
// loaded (nesting pre-scan, TOML parse, --set overrides, validation, the space and [[enqueue]]),
// then, when the file validated, the space it built (describe, hash, from_unit, to_unit).
//
// An input is the file's text. Each of its lines that starts with "#set " (a TOML comment, so
// the parser skips it) is also given as an override, `--set REST-OF-LINE`.
//
// Diagnostics are the loader's answer to a bad file and are fine. A crash, a sanitizer report,
// a hang, an exception out of the loader (it documents none: every problem is a diagnostic) or
// a broken promise checked below (CAVIAR_FUZZ_CHECK) is a bug.
#include "config/diagnostic.hpp"
#include "config/experiment.hpp"
#include "config/nesting.hpp"
#include "config/overrides.hpp"
#include "config/space_reader.hpp"
#include "config/toml_reader.hpp"

#include <caviar/space.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace caviar;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail, int line) {
    std::fprintf(stderr, "experiment_fuzz.cpp:%d: check failed: %s\n%s\n", line, what,
                 detail.c_str());
    std::abort();  // libFuzzer saves the input as crash-*
}

#define CAVIAR_FUZZ_CHECK(cond, detail)             \
    do {                                            \
        if (!(cond)) fail(#cond, detail, __LINE__); \
    } while (false)

const char* const file_name = "fuzz.toml";
constexpr std::string_view set_prefix = "#set ";

std::vector<std::string> overrides_in(std::string_view text) {
    std::vector<std::string> out;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (line.starts_with(set_prefix)) out.emplace_back(line.substr(set_prefix.size()));
        start = end + 1;
    }
    return out;
}

std::size_t lines_in(std::string_view text) {
    std::size_t n = 1;
    for (char c : text) n += c == '\n';
    return n;
}

std::string all(const std::vector<diagnostic>& errors) {
    std::string out;
    for (const auto& d : errors) out += d.format() + '\n';
    return out;
}

// Every diagnostic says something and points into the file (or at a --set argument).
void check_diagnostics(const std::vector<diagnostic>& errors, std::string_view text) {
    const std::size_t lines = lines_in(text);
    for (const auto& d : errors) {
        CAVIAR_FUZZ_CHECK(!d.message.empty(), d.format());
        CAVIAR_FUZZ_CHECK(d.where.file == file_name || d.where.file.starts_with("--set "),
                          d.format());
        CAVIAR_FUZZ_CHECK(d.where.line >= 0 && d.where.column >= 0, d.format());
        CAVIAR_FUZZ_CHECK(static_cast<std::size_t>(d.where.line) <= lines, d.format());
        if (d.where.file != file_name) CAVIAR_FUZZ_CHECK(d.where.line == 0, d.format());
    }
    config_error e(errors);  // what the program throws and prints
    CAVIAR_FUZZ_CHECK(e.what()[0] != '\0', "empty config_error");
}

// How deep a tree is, found without recursion (the tree may be the bug).
std::size_t depth_of(const toml::table& root) {
    std::size_t deepest = 0;
    std::vector<std::pair<const toml::node*, std::size_t>> todo = {{&root, 0}};
    while (!todo.empty()) {
        auto [n, depth] = todo.back();
        todo.pop_back();
        deepest = std::max(deepest, depth);
        if (const auto* t = n->as_table())
            for (const auto& [k, v] : *t) todo.emplace_back(&v, depth + 1);
        if (const auto* a = n->as_array())
            for (const auto& v : *a) todo.emplace_back(&v, depth + 1);
    }
    return deepest;
}

// The tree the loader built (the file, then --set) nests no deeper than the pre-scan allows:
// TOML++ recurses once per level printing it, freeing it, and parsing the stored text again,
// and crashes a few thousand levels down. Built again here, as the loader builds it.
void check_depth(std::string_view text, const std::vector<std::string>& overrides) {
    if (too_deep(text)) return;  // refused before parsing
    toml::table root;
    try {
        root = toml::parse(text, std::string(file_name));
    } catch (const toml::parse_error&) {
        return;
    }
    std::vector<diagnostic> ignored;
    apply_overrides(root, overrides, ignored);
    const std::size_t depth = depth_of(root);
    CAVIAR_FUZZ_CHECK(depth <= static_cast<std::size_t>(max_toml_nesting),
                      "the experiment nests " + std::to_string(depth) + " levels deep");
}

// Whether every key of a plugin table is a plain name (letters, digits, '_', '-'). Only those
// keys reach the store: resolve_options() refuses any key that is not one of the plugin's
// options. TOML++ 3.3.0 prints a key with ', a tab or a line break unquoted (not TOML), so the
// read-back check below is only made when no such key is there (fuzz/README.md).
bool plain_option_keys(const experiment& ex) {
    for (const plugin_ref* ref : {&ex.sampler, &ex.strategy, &ex.model})
        for (const auto& [key, option] : ref->options)
            if (key.empty() || key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
                                                     "TUVWXYZ0123456789_-") != std::string::npos)
                return false;
    return true;
}

// The effective file of a valid experiment is kept in the store and parsed again: by the next
// `caviar run` (what changed) and by reports, which read the study's space from it and check it
// against the stored one (report/study_space.cpp). It must read back, to the same space.
void check_effective_text(const experiment& ex) {
    toml::table root;
    try {
        root = toml::parse(ex.text);
    } catch (const toml::parse_error& e) {
        fail("the effective text reads back", std::string(e.description()) + "\n" + ex.text,
             __LINE__);
    }
    std::vector<diagnostic> errors;
    toml_reader r("stored", errors);
    std::vector<std::string> order;  // the study's, as its stored description keeps it
    for (const auto& d : ex.space) order.push_back(d.name());
    const space back = read_space(root.get("space"), r.file_pos(), r, &order);
    CAVIAR_FUZZ_CHECK(errors.empty(), "the stored space has errors: " + all(errors) + ex.text);
    CAVIAR_FUZZ_CHECK(back.describe() == ex.space.describe(),
                      ex.space.describe() + "reads back as\n" + back.describe() + ex.text);
}

// A few points of the unit cube, the same for the same input: corners, the centre, points
// outside it and not numbers (from_unit clamps them), and some from the input's hash.
std::vector<std::vector<double>> points(std::size_t dims, std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
    auto next = [&] {  // splitmix64
        std::uint64_t z = (h += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
    };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<std::vector<double>> out;
    for (double x : {0.0, 1.0, 0.5, std::nextafter(1.0, 0.0), -1.0, 2.0, nan, inf, -inf})
        out.emplace_back(dims, x);
    for (int i = 0; i < 4; ++i) {
        std::vector<double> u(dims);
        for (auto& x : u) x = next();
        out.push_back(std::move(u));
    }
    return out;
}

// What the samplers rely on, on a space the loader accepted.
void check_space(const space& s, std::string_view text) {
    CAVIAR_FUZZ_CHECK(!s.empty(), "a validated experiment with an empty space");
    auto problems = s.problems();
    CAVIAR_FUZZ_CHECK(problems.empty(), "a validated space has problems: " + problems.front());
    const std::string described = s.describe();
    (void)s.hash();
    for (const auto& d : s) {
        (void)d.cardinality();
        CAVIAR_FUZZ_CHECK(described.find(d.describe()) != std::string::npos, d.describe());
    }
    for (const auto& u : points(s.size(), text)) {
        params p = s.from_unit(u);
        CAVIAR_FUZZ_CHECK(s.contains(p), "from_unit gave params outside the space\n" + described);
        std::vector<double> back = s.to_unit(p);
        CAVIAR_FUZZ_CHECK(back.size() == s.size(), described);
        for (std::size_t i = 0; i < back.size(); ++i) {
            const dimension& d = s[i];
            if (std::isnan(back[i])) {
                CAVIAR_FUZZ_CHECK(!p.count(d.name()), "NaN for an active " + d.describe());
                continue;
            }
            CAVIAR_FUZZ_CHECK(back[i] >= 0 && back[i] <= 1, d.describe());
            // A choice, or an int of a range narrow enough to be exact in the unit interval,
            // maps to its cell's centre and back to itself (dimension::to_unit).
            bool exact = d.kind() == dimension_kind::categorical ||
                         (d.kind() == dimension_kind::integer && d.high() - d.low() <= 1e6);
            if (exact)
                CAVIAR_FUZZ_CHECK(d.from_unit(back[i]) == p.at(d.name()),
                                  "to_unit/from_unit do not round-trip on " + d.describe());
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<diagnostic> errors;
    const std::vector<std::string> overrides = overrides_in(text);
    experiment ex = load_experiment_text(text, file_name, overrides, errors);
    check_diagnostics(errors, text);
    check_depth(text, overrides);
    for (const auto& [key, where] : ex.positions) (void)ex.at(key + ".x");
    if (!errors.empty()) return 0;

    if (plain_option_keys(ex)) check_effective_text(ex);
    check_space(ex.space, text);
    for (const auto& p : ex.enqueue)
        CAVIAR_FUZZ_CHECK(ex.space.contains(p), "an [[enqueue]] outside the space");
    CAVIAR_FUZZ_CHECK(ex.trials >= 1 && ex.threads >= 0, all(errors));
    CAVIAR_FUZZ_CHECK(!ex.objective.metric.empty(), "no metric");
    return 0;
}
