#include "run/retune_plan.hpp"

#include "report/trial_table.hpp"

#include <caviar/seed.hpp>

#include <algorithm>

namespace caviar::retune {

choice choose(const std::vector<trial>& old, const objective& obj, std::int64_t top,
              const space& today) {
    choice out;
    auto best = ranked(old, obj);
    out.complete = static_cast<std::int64_t>(best.size());
    for (const trial* t : best) {
        // The next best takes a skipped one's place: `top` configurations run when there are.
        if (static_cast<std::int64_t>(out.configurations.size()) >= top) break;
        // A dimension the old space had and today's has not is left out (and said); one today's
        // space added cannot be guessed.
        params p;
        std::string dropped;
        for (const auto& [name, v] : t->params) {
            if (today.find(name))
                p.emplace(name, v);
            else
                dropped += (dropped.empty() ? "" : ", ") + name + "=" + to_string(v);
        }
        if (auto why = today.problems(p); !why.empty()) {
            why.resize(why.size() - 2);  // the last "; "
            out.skipped.emplace_back(t->number, "outside today's space: " + why);
            continue;
        }
        if (!dropped.empty())
            out.notes.push_back("trial " + std::to_string(t->number) + " is re-evaluated without " +
                                dropped + ": no longer a dimension of today's space");
        out.configurations.push_back(
            {.old_trial = t->number, .p = std::move(p), .old_value = *t->value});
    }
    return out;
}

std::uint64_t repeat_seed(std::uint64_t study_seed, std::int64_t repeat) {
    // A stream of its own ("retune" in ASCII), apart from the trial-number seeds of the search.
    return derive_seed(derive_seed(study_seed, 0x726574756e65ULL),
                       static_cast<std::uint64_t>(repeat));
}

namespace {

// A queued trial that runs `p` again with repeat r's seed, marked by `attr` = `of`.
trial queued_repeat(std::int64_t number, const study_record& study, const params& p, std::int64_t r,
                    std::string origin, const char* attr, std::int64_t of) {
    trial t;
    t.number = number;
    t.seed = repeat_seed(study.seed, r);
    t.params = p;
    t.state = trial_state::queued;
    t.origin = std::move(origin);
    t.attrs = {{attr, std::to_string(of)}, {drift::repeat_attr, std::to_string(r)}};
    return t;
}

}  // namespace

study_record create(store& db, study_record record,
                    const std::vector<drift::configuration>& configurations, std::int64_t repeats) {
    store::unit u(db);
    record = db.create_study(std::move(record));
    const auto k = static_cast<std::int64_t>(configurations.size());
    for (std::int64_t r = 0; r < repeats; ++r)
        for (std::int64_t i = 0; i < k; ++i) {
            const auto& c = configurations[static_cast<std::size_t>(i)];
            db.insert_trial(record.id,
                            queued_repeat(r * k + i, record, c.p, r,
                                          "retune of trial " + std::to_string(c.old_trial),
                                          drift::retune_of_attr, c.old_trial));
        }
    u.commit();
    return record;
}

std::int64_t confirm(store& db, const study_record& study, const trial& best,
                     std::int64_t repeats) {
    store::unit u(db);
    std::int64_t number = db.next_trial_number(study.id);
    for (std::int64_t r = 0; r < repeats; ++r)
        db.insert_trial(study.id,
                        queued_repeat(number++, study, best.params, r,
                                      "confirmation of trial " + std::to_string(best.number),
                                      drift::confirms_attr, best.number));
    u.commit();
    return repeats;
}

std::int64_t reevaluations(const std::vector<trial>& trials) {
    return std::count_if(trials.begin(), trials.end(),
                         [](const trial& t) { return t.attrs.count(drift::retune_of_attr) > 0; });
}

}  // namespace caviar::retune
