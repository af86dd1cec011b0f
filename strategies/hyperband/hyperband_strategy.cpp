// Hyperband (Li et al. 2018): successive halving hedged over how early to judge. Bracket s of
// s_max+1 starts n_s = ⌈(s_max+1)/(s+1)·η^s⌉ trials at r_s = R·η^-s steps and halves
// synchronously within itself up to R; brackets run s_max, s_max-1, …, 0 and again while the
// trial budget lasts (the last one cut short). While a bracket waits at a rung, the next one
// starts its trials, so workers keep busy (parallel_brackets). A trial's bracket is in its attrs
// ("bracket", "cycle"), which is all a resumed study needs to rebuild the brackets.
#include "../common/rung_book.hpp"
#include "../common/rungs.hpp"

#include <caviar/caviar.hpp>

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace caviar {
namespace {

using namespace strategies;

std::optional<std::int64_t> attr_int(const trial& t, std::string_view name) {
    auto it = t.attrs.find(name);
    if (it == t.attrs.end()) return std::nullopt;
    std::int64_t v = 0;
    const std::string& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

class hyperband_strategy : public strategy {
public:
    static plugin_info info() {
        auto opts = rung_option_specs();
        opts.push_back({.name = "parallel_brackets",
                        .type = option_type::boolean,
                        .default_value = true,
                        .help = "start the next bracket's trials while a bracket waits at a rung "
                                "(false: one bracket at a time)"});
        return {.name = "hyperband",
                .version = "1.0.0",
                .summary =
                    "Hyperband: brackets of successive halving from min_steps to "
                    "max_steps, each halving synchronously (a barrier per rung), the next "
                    "bracket starting while one waits",
                .options = std::move(opts)};
    }

    explicit hyperband_strategy(const options& o)
        : settings_(read_rung_settings(o)),
          parallel_(o.get_bool("parallel_brackets")),
          book_([this](const trial& t) { return ladder(t); }) {}

    job next(study_view& study) override {
        set_up(study);
        if (auto j = resume_unfinished(book_, study)) return *j;
        auto all = study.trials();
        // Brackets by plan position; trials without a bracket (enqueued ones) run to R alone.
        std::map<std::int64_t, std::vector<const trial*>> brackets;
        for (const trial* t : all)
            if (auto pos = position(*t)) brackets[*pos].push_back(t);
        // The bracket that takes the next new trial: the first one not full. Brackets fill in
        // order, so every one before it is full.
        std::int64_t filling = 0;
        while (brackets.count(filling) &&
               static_cast<std::int64_t>(brackets[filling].size()) >= size(filling))
            ++filling;
        bool budget_left = static_cast<std::int64_t>(all.size()) < study.budget();
        for (auto& [pos, members] : brackets) {
            std::int64_t s = bracket_of(pos);
            halving_group g{.members = members,
                            .rungs = &rungs_[static_cast<std::size_t>(s)],
                            .eta = settings_.eta,
                            .closed = pos < filling || !budget_left,
                            .label = "bracket " + std::to_string(s) + ": "};
            if (auto j = halving_pass(study, book_, g)) return *j;
        }
        bool running =
            study.count(trial_state::running) > 0 || study.count(trial_state::queued) > 0;
        if (budget_left && (parallel_ || !running || earlier_finished(brackets, filling))) {
            std::int64_t s = bracket_of(filling), cycle = filling / (s_max_ + 1) + 1;
            job j;
            j.what = job::kind::start;
            j.params = study.propose(study.space());
            j.steps = rungs_[static_cast<std::size_t>(s)].front();
            j.origin = "bracket " + std::to_string(s) +
                       (cycle > 1 ? ", cycle " + std::to_string(cycle) : std::string());
            j.attrs = {{"bracket", std::to_string(s)}, {"cycle", std::to_string(cycle)}};
            return j;
        }
        if (running) return job::of(job::kind::wait);
        for (auto& [pos, members] : brackets)
            prune_paused(study, book_, members,
                         "bracket " + std::to_string(bracket_of(pos)) + ": ");
        return {};
    }

    decision on_report(study_view& study, const trial& t, std::int64_t step,
                       const metrics& m) override {
        set_up(study);
        return rung_report(book_, study, t, step, m);
    }

    void prepare(const study_plan& plan) override { check_rung_plan(settings_, plan, "hyperband"); }

private:
    void set_up(const study_view& study) {
        if (rungs_.empty()) {
            R_ = longest_run(settings_, study.max_steps());
            s_max_ = hyperband_s_max(settings_.min_steps, settings_.eta, R_);
            for (std::int64_t s = 0; s <= s_max_; ++s) {
                rungs_.push_back(bracket_rungs(s, settings_.min_steps, settings_.eta, R_));
                trials_.push_back(bracket_trials(s, s_max_, settings_.eta));
            }
        }
        book_.sync(study);
    }

    // Plan position p: cycle p / (s_max+1), bracket s_max - p % (s_max+1).
    std::int64_t bracket_of(std::int64_t pos) const { return s_max_ - pos % (s_max_ + 1); }
    std::int64_t size(std::int64_t pos) const {
        return trials_[static_cast<std::size_t>(bracket_of(pos))];
    }
    std::optional<std::int64_t> position(const trial& t) const {
        auto s = attr_int(t, "bracket");
        auto cycle = attr_int(t, "cycle").value_or(1);
        if (!s || *s < 0 || *s > s_max_ || cycle < 1) return std::nullopt;
        return (cycle - 1) * (s_max_ + 1) + (s_max_ - *s);
    }
    const std::vector<std::int64_t>* ladder(const trial& t) const {
        auto pos = position(t);
        return pos ? &rungs_[static_cast<std::size_t>(bracket_of(*pos))] : nullptr;
    }
    // Without parallel brackets a bracket starts once every trial of the earlier ones is done.
    static bool earlier_finished(const std::map<std::int64_t, std::vector<const trial*>>& brackets,
                                 std::int64_t filling) {
        for (const auto& [pos, members] : brackets) {
            if (pos >= filling) break;
            for (const trial* t : members)
                if (!is_finished(t->state)) return false;
        }
        return true;
    }

    rung_settings settings_;
    bool parallel_ = true;
    std::int64_t R_ = 0, s_max_ = 0;
    std::vector<std::vector<std::int64_t>> rungs_;  // by bracket s
    std::vector<std::int64_t> trials_;              // n_s by bracket s
    rung_book book_;
};

}  // namespace
}  // namespace caviar

CAVIAR_PLUGIN(caviar::hyperband_strategy)
