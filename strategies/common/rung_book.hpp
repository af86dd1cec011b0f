// What a rung strategy knows of each trial, and the moves the three of them share: the report
// rule (pause at a rung, complete at the last), ranking at a rung, and one pass of synchronous
// successive halving over a group of trials.
//
// The book is rebuilt from the trials' curves when the strategy is built (a resumed study) and is
// kept current by reports afterwards, so a trial re-run from step 0 (a model without checkpoints)
// keeps the results it had. Every scheduling decision is a function of the book and the trials'
// states, so a resumed study takes the same decisions as the run it continues: a trial that was
// promoted and then interrupted (back to paused at its rung) ranks where it ranked and is
// promoted again.
#pragma once

#include "curves.hpp"
#include "rungs.hpp"

#include <caviar/strategy.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace caviar::strategies {

class rung_book {
public:
    struct entry {
        const std::vector<std::int64_t>* rungs = nullptr;  // null: not scheduled by rungs
        std::vector<std::optional<double>> values;         // the objective at each rung
        int reached = -1;                                  // highest rung with a value
        int assigned = 0;         // the rung its current or last job runs to
        std::int64_t target = 0;  // steps of its current job; 0 = unknown: pause at any rung
    };
    /// A trial's rung budgets (null for a trial the strategy does not schedule). The pointee
    /// must outlive the book.
    using ladder_fn = std::function<const std::vector<std::int64_t>*(const trial&)>;

    explicit rung_book(ladder_fn ladder) : ladder_(std::move(ladder)) {}

    /// Adds the trials the book has not seen, with what their curves say.
    void sync(const study_view& s) {
        auto all = s.trials();
        const std::string& metric = s.objective().metric;
        for (std::size_t i = entries_.size(); i < all.size(); ++i) {
            const trial& t = *all[i];
            entry e;
            e.rungs = ladder_(t);
            if (e.rungs) {
                e.values.resize(e.rungs->size());
                for (std::size_t k = 0; k < e.rungs->size(); ++k)
                    if (auto v = value_at(t, metric, (*e.rungs)[k])) {
                        e.values[k] = v;
                        e.reached = static_cast<int>(k);
                    }
                e.assigned = std::max(e.reached, 0);
            }
            entries_.push_back(std::move(e));
        }
    }

    entry& at(const trial& t) { return entries_.at(static_cast<std::size_t>(t.number)); }
    const entry& at(const trial& t) const {
        return entries_.at(static_cast<std::size_t>(t.number));
    }
    std::optional<double> value(const trial& t, int k) const {
        const entry& e = at(t);
        return k < static_cast<int>(e.values.size()) ? e.values[static_cast<std::size_t>(k)]
                                                     : std::nullopt;
    }

private:
    ladder_fn ladder_;
    std::vector<entry> entries_;  // by trial number
};

/// The report rule of every rung strategy: record the objective at a rung budget; complete at
/// the last rung; pause at the rung the trial's job was sent to (or at any rung, for a trial
/// the host re-ran without a job of ours). A non-finite objective at a rung prunes the trial:
/// it cannot be ranked.
inline decision rung_report(rung_book& book, const study_view& s, const trial& t, std::int64_t step,
                            const metrics& m) {
    book.sync(s);
    rung_book::entry& e = book.at(t);
    if (!e.rungs) return {};
    const auto& rungs = *e.rungs;
    int k = rung_of_step(rungs, step);
    if (k < 0) return {};
    const std::string& metric = s.objective().metric;
    auto it = m.find(metric);
    if (it == m.end() || !std::isfinite(it->second))
        return {decision::kind::prune, "no finite " + metric + " at rung " + std::to_string(k) +
                                           " (" + steps_text(step) + "): it cannot be ranked"};
    e.values[static_cast<std::size_t>(k)] = it->second;
    e.reached = std::max(e.reached, k);
    e.assigned = std::max(e.assigned, k);
    if (k + 1 == static_cast<int>(rungs.size())) return {decision::kind::complete, {}};
    if (step >= e.target)
        return {decision::kind::pause, "reached rung " + std::to_string(k) + " (" +
                                           steps_text(step) + "); paused until promoted"};
    return {};
}

/// A resume job that runs trial t on to rung k.
inline job promote(rung_book& book, const trial& t, int k) {
    rung_book::entry& e = book.at(t);
    e.assigned = k;
    e.target = (*e.rungs)[static_cast<std::size_t>(k)];
    job j;
    j.what = job::kind::resume;
    j.trial = t.number;
    j.steps = e.target;
    return j;
}

/// A paused trial sent to a rung it has not reached (a job cut short): resume it there.
inline std::optional<job> resume_unfinished(rung_book& book, const study_view& s) {
    for (const trial* t : s.trials()) {
        if (t->state != trial_state::paused || s.held(t->number)) continue;
        const rung_book::entry& e = book.at(*t);
        if (e.rungs && e.assigned > e.reached) return promote(book, *t, e.assigned);
    }
    return std::nullopt;
}

struct ranked_trial {
    const trial* t = nullptr;
    double value = 0;
};

/// The trials of `group` with a result at rung k, best first (ties by number); failed trials
/// are left out.
inline std::vector<ranked_trial> rank_at(const rung_book& book, const objective& obj,
                                         const std::vector<const trial*>& group, int k) {
    std::vector<ranked_trial> out;
    for (const trial* t : group) {
        if (t->state == trial_state::failed) continue;
        if (auto v = book.value(*t, k)) out.push_back({t, *v});
    }
    std::stable_sort(out.begin(), out.end(), [&](const ranked_trial& a, const ranked_trial& b) {
        return obj.better(a.value, b.value);  // stable: ties keep number order
    });
    return out;
}

/// "not promoted at rung 1 (budget 3 steps): rank 5 of 9".
inline std::string not_promoted(int k, std::int64_t budget, std::size_t rank, std::size_t of) {
    return "not promoted at rung " + std::to_string(k) + " (budget " + steps_text(budget) +
           "): rank " + std::to_string(rank) + " of " + std::to_string(of);
}

/// A group of trials that halves synchronously: a successive_halving study, or one bracket.
struct halving_group {
    std::vector<const trial*> members;       // in number order
    const std::vector<std::int64_t>* rungs;  // its rung budgets
    std::int64_t eta = 3;
    bool closed = false;  // no more trials will join rung 0
    std::string label;    // prefix of prune reasons, e.g. "bracket 2: "
};

/// One pass of synchronous successive halving: walks up the rungs while each is settled (every
/// member sent to it reached it, or is finished); at a settled rung of n members it promotes the
/// best max(1, ⌊n/η⌋) and prunes the other paused ones. Returns the first promotion, or nothing
/// when the group waits at a barrier or is over.
inline std::optional<job> halving_pass(study_view& s, rung_book& book, const halving_group& g) {
    if (!g.closed) return std::nullopt;
    const auto& rungs = *g.rungs;
    for (int k = 0; k + 1 < static_cast<int>(rungs.size()); ++k) {
        std::vector<const trial*> rung;
        bool settled = true;
        for (const trial* t : g.members) {
            const rung_book::entry& e = book.at(*t);
            if (e.assigned < k) continue;
            rung.push_back(t);
            if (e.reached < k && !is_finished(t->state)) settled = false;
        }
        if (!settled || rung.empty()) return std::nullopt;
        auto ranked = rank_at(book, s.objective(), rung, k);
        auto keep = static_cast<std::size_t>(
            std::max<std::int64_t>(1, static_cast<std::int64_t>(rung.size()) / g.eta));
        std::optional<job> next;
        for (std::size_t i = 0; i < ranked.size(); ++i) {
            const trial& t = *ranked[i].t;
            rung_book::entry& e = book.at(t);
            // Running past a settled rung: promoted by an earlier instance of the strategy
            // (a rebuilt one knows only the trials).
            if (i < keep && e.assigned == k && !is_finished(t.state) &&
                t.state != trial_state::paused)
                e.assigned = k + 1;
            // A trial a person holds is theirs: neither promoted nor pruned until released.
            if (t.state != trial_state::paused || e.assigned != k || s.held(t.number)) continue;
            if (i >= keep)
                s.prune(t.number, g.label + not_promoted(k, rungs[static_cast<std::size_t>(k)],
                                                         i + 1, ranked.size()));
            else if (!next)
                next = promote(book, t, k + 1);
        }
        if (next) return next;
    }
    return std::nullopt;
}

/// Prunes every paused trial of `group` (the study is over for them), each with its rank at
/// the rung it reached.
inline void prune_paused(study_view& s, rung_book& book, const std::vector<const trial*>& group,
                         const std::string& label = {}) {
    std::map<int, std::vector<ranked_trial>> by_rung;  // the group shares one ladder
    for (const trial* t : group) {
        if (t->state != trial_state::paused || s.held(t->number)) continue;
        const rung_book::entry& e = book.at(*t);
        if (!e.rungs || e.reached < 0) {
            s.prune(t->number, label + "not promoted: the study is over");
            continue;
        }
        auto found = by_rung.find(e.reached);
        if (found == by_rung.end())
            found =
                by_rung.emplace(e.reached, rank_at(book, s.objective(), group, e.reached)).first;
        const auto& ranked = found->second;
        std::size_t rank = 0;
        while (rank < ranked.size() && ranked[rank].t != t) ++rank;
        s.prune(t->number,
                label + not_promoted(e.reached, (*e.rungs)[static_cast<std::size_t>(e.reached)],
                                     rank + 1, ranked.size()));
    }
}

/// What successive_halving and asha share: one ladder of rungs over the model's length (known
/// from the first call on), the book of rung results, and the report rule.
class ladder_strategy : public strategy {
public:
    explicit ladder_strategy(const options& o)
        : settings_(read_rung_settings(o)), book_([this](const trial&) { return &rungs_; }) {}

    void prepare(const study_plan& plan) override { check_rung_plan(settings_, plan, name()); }

    decision on_report(study_view& study, const trial& t, std::int64_t step,
                       const metrics& m) override {
        set_up(study);
        return rung_report(book_, study, t, step, m);
    }

protected:
    virtual std::string name() const = 0;

    void set_up(const study_view& study) {
        if (rungs_.empty())
            rungs_ = halving_rungs(settings_.min_steps, settings_.eta,
                                   longest_run(settings_, study.max_steps()));
        book_.sync(study);
    }

    rung_settings settings_;
    std::vector<std::int64_t> rungs_;
    rung_book book_;
};

}  // namespace caviar::strategies
