// Reads for a follower of a running study (the live page): only what can have changed since it
// last looked, so following a study of 10,000 trials stays cheap.
#include "store/store_impl.hpp"

#include <algorithm>
#include <map>

namespace caviar {

std::vector<trial> store::load_open_trials(std::int64_t study, std::int64_t from,
                                           const std::vector<std::int64_t>& also) {
    auto& m = *impl_;
    std::vector<trial> out;
    std::map<std::int64_t, std::size_t> at;
    auto read = [&](sqlite::statement& q) {
        while (q.step()) {
            if (at.count(q.column_int(0))) continue;
            trial t = m.read_trial_row(q);
            at[t.number] = out.size();
            out.push_back(std::move(t));
        }
    };
    {
        auto& q = m.sql(
            "SELECT number, state, seed, origin, error, value, steps, started_at, finished_at "
            "FROM trials WHERE study_id = ?1 AND (number >= ?2 OR state IN ('queued', "
            "'running', 'paused')) ORDER BY number");
        sqlite::reset_guard guard(q);
        q.bind(1, study).bind(2, from);
        read(q);
    }
    // Trials the follower saw unfinished that may have finished since.
    for (std::int64_t n : also) {
        if (at.count(n)) continue;
        auto& q = m.sql(
            "SELECT number, state, seed, origin, error, value, steps, started_at, finished_at "
            "FROM trials WHERE study_id = ?1 AND number = ?2");
        sqlite::reset_guard guard(q);
        q.bind(1, study).bind(2, n);
        read(q);
    }
    std::sort(out.begin(), out.end(),
              [](const trial& a, const trial& b) { return a.number < b.number; });
    if (out.empty()) return out;
    auto& p = m.sql("SELECT name, value FROM params WHERE study_id = ?1 AND trial = ?2");
    auto& x = m.sql("SELECT name, value FROM metrics WHERE study_id = ?1 AND trial = ?2");
    for (auto& t : out) {
        {
            sqlite::reset_guard guard(p);
            p.bind(1, study).bind(2, t.number);
            while (p.step()) t.params.emplace(p.column_text(0), p.column_value(1));
        }
        sqlite::reset_guard guard(x);
        x.bind(1, study).bind(2, t.number);
        while (x.step()) t.metrics.emplace(x.column_text(0), x.column_double(1));
    }
    return out;
}

std::vector<curve_point> store::load_curve_after(std::int64_t study, std::int64_t trial,
                                                 std::int64_t step) {
    auto& q = impl_->sql(
        "SELECT step, metric, value FROM curves WHERE study_id = ?1 AND trial = ?2 AND step > ?3 "
        "ORDER BY step, metric");
    sqlite::reset_guard guard(q);
    q.bind(1, study).bind(2, trial).bind(3, step);
    std::vector<curve_point> out;
    while (q.step()) {
        std::int64_t s = q.column_int(0);
        if (out.empty() || out.back().step != s) out.push_back({s, {}});
        out.back().metrics.emplace(q.column_text(1), q.column_double(2));
    }
    return out;
}

}  // namespace caviar
