// Trials: their rows, params, attributes and final metrics.
#include "store/store_impl.hpp"

#include <algorithm>

namespace caviar {

void store::impl::write_metrics(std::int64_t study, const trial& t) {
    auto& q = sql("INSERT INTO metrics (study_id, trial, name, value) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [name, x] : t.metrics)
        q.bind(1, study).bind(2, t.number).bind(3, name).bind(4, x).run();
}

void store::impl::write_params(std::int64_t study, const trial& t) {
    auto& q = sql("INSERT INTO params (study_id, trial, name, value) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [name, v] : t.params)
        q.bind(1, study).bind(2, t.number).bind(3, name).bind_value(4, v).run();
}

std::vector<trial> store::load_trials(std::int64_t study) {
    auto& m = *impl_;
    // One read transaction: the queries see the same snapshot while a run keeps writing. Inside
    // an open write (a unit), they read what it wrote.
    const bool own = !m.writing;
    if (own) m.sql("BEGIN").step();
    struct end_read {
        store::impl& m;
        bool own;
        ~end_read() {
            if (own) m.rollback();
        }
    } guard_read{m, own};
    std::vector<trial> out;
    {
        auto& q = m.sql(
            "SELECT number, state, seed, origin, error, value, steps, started_at, finished_at "
            "FROM trials WHERE study_id = ?1 ORDER BY number");
        sqlite::reset_guard guard(q);
        q.bind(1, study);
        while (q.step()) {
            trial t;
            t.number = q.column_int(0);
            try {
                t.state = trial_state_from_string(q.column_text(1));
            } catch (const std::invalid_argument& e) {
                throw store_error(m.db.where() + ": trial " + std::to_string(t.number) + ": " +
                                  e.what());
            }
            t.seed = from_sql(q.column_int(2));
            t.origin = q.column_text(3);
            t.error = q.column_text(4);
            if (!q.is_null(5)) t.value = q.column_double(5);
            t.steps = q.column_int(6);
            t.started_at = q.column_double(7);
            t.finished_at = q.column_double(8);
            out.push_back(std::move(t));
        }
    }
    // Rows of the other tables come ordered by trial: find each trial by binary search.
    auto at = [&](std::int64_t number) -> trial* {
        auto it = std::lower_bound(out.begin(), out.end(), number,
                                   [](const trial& t, std::int64_t n) { return t.number < n; });
        return it != out.end() && it->number == number ? &*it : nullptr;
    };
    {
        auto& q =
            m.sql("SELECT trial, name, value FROM params WHERE study_id = ?1 ORDER BY trial, name");
        sqlite::reset_guard guard(q);
        q.bind(1, study);
        while (q.step())
            if (trial* t = at(q.column_int(0)))
                t->params.emplace_hint(t->params.end(), q.column_text(1), q.column_value(2));
    }
    {
        auto& q = m.sql(
            "SELECT trial, name, value FROM attributes WHERE study_id = ?1 ORDER BY trial, name");
        sqlite::reset_guard guard(q);
        q.bind(1, study);
        while (q.step())
            if (trial* t = at(q.column_int(0)))
                t->attrs.emplace_hint(t->attrs.end(), q.column_text(1), q.column_text(2));
    }
    {
        auto& q = m.sql(
            "SELECT trial, name, value FROM metrics WHERE study_id = ?1 ORDER BY trial, name");
        sqlite::reset_guard guard(q);
        q.bind(1, study);
        while (q.step())
            if (trial* t = at(q.column_int(0)))
                t->metrics.emplace_hint(t->metrics.end(), q.column_text(1), q.column_double(2));
    }
    {
        auto& q = m.sql(
            "SELECT trial, step, metric, value FROM curves WHERE study_id = ?1 "
            "ORDER BY trial, step, metric");
        sqlite::reset_guard guard(q);
        q.bind(1, study);
        trial* t = nullptr;
        while (q.step()) {
            std::int64_t number = q.column_int(0), step = q.column_int(1);
            if (!t || t->number != number) t = at(number);
            if (!t) continue;
            if (t->curve.empty() || t->curve.back().step != step) t->curve.push_back({step, {}});
            auto& point = t->curve.back().metrics;
            point.emplace_hint(point.end(), q.column_text(2), q.column_double(3));
        }
    }
    return out;
}

std::int64_t store::next_trial_number(std::int64_t study) {
    auto& m = *impl_;
    auto& q = m.sql("SELECT coalesce(max(number) + 1, 0) FROM trials WHERE study_id = ?1");
    sqlite::reset_guard guard(q);
    q.bind(1, study).step();
    return q.column_int(0);
}

void store::insert_trial(std::int64_t study, const trial& t) {
    auto& m = *impl_;
    write_scope w(m);
    auto& q = m.sql(
        "INSERT INTO trials (study_id, number, state, seed, origin, error, value, steps, "
        "started_at, finished_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    q.bind(1, study)
        .bind(2, t.number)
        .bind(3, std::string_view(to_string(t.state)))
        .bind(4, to_sql(t.seed))
        .bind(5, t.origin)
        .bind(6, t.error);
    if (t.value)
        q.bind(7, *t.value);
    else
        q.bind_null(7);
    q.bind(8, t.steps).bind(9, t.started_at).bind(10, t.finished_at).run();
    m.write_params(study, t);
    auto& attr =
        m.sql("INSERT INTO attributes (study_id, trial, name, value) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [name, v] : t.attrs)
        attr.bind(1, study).bind(2, t.number).bind(3, name).bind(4, v).run();
    // A trial copied whole (a re-tune, an import) keeps its results too.
    m.write_metrics(study, t);
    for (const auto& p : t.curve) m.write_point(study, t.number, p);
    w.done();
}

void store::update_trial(std::int64_t study, const trial& t, const curve_point* point) {
    auto& m = *impl_;
    write_scope w(m);
    auto& q = m.sql(
        "UPDATE trials SET state = ?3, origin = ?4, error = ?5, value = ?6, steps = ?7, "
        "started_at = ?8, finished_at = ?9 WHERE study_id = ?1 AND number = ?2");
    q.bind(1, study)
        .bind(2, t.number)
        .bind(3, std::string_view(to_string(t.state)))
        .bind(4, t.origin)
        .bind(5, t.error);
    if (t.value)
        q.bind(6, *t.value);
    else
        q.bind_null(6);
    q.bind(7, t.steps).bind(8, t.started_at).bind(9, t.finished_at).run();
    if (q.changes() == 0)
        throw store_error(m.db.where() + ": no trial " + std::to_string(t.number) + " in study " +
                          std::to_string(study));
    m.sql("DELETE FROM metrics WHERE study_id = ?1 AND trial = ?2")
        .bind(1, study)
        .bind(2, t.number)
        .run();
    m.write_metrics(study, t);
    if (point) m.write_point(study, t.number, *point);
    // A finished trial never resumes: its checkpoint goes in the same transaction.
    if (is_finished(t.state))
        m.sql("DELETE FROM checkpoints WHERE study_id = ?1 AND trial = ?2")
            .bind(1, study)
            .bind(2, t.number)
            .run();
    w.done();
}

void store::update_params(std::int64_t study, const trial& t) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql("DELETE FROM params WHERE study_id = ?1 AND trial = ?2")
        .bind(1, study)
        .bind(2, t.number)
        .run();
    m.write_params(study, t);
    w.done();
}

}  // namespace caviar
