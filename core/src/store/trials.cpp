// Trials: their rows, params, attributes and final metrics.
#include "store/store_impl.hpp"

#include <algorithm>
#include <limits>
#include <optional>

namespace caviar {

void store::impl::write_metrics(std::int64_t study, const trial& t) {
    auto& q = sql("INSERT INTO metrics (study_id, trial, name, value) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [name, x] : t.metrics)
        q.bind(1, study).bind(2, t.number).bind(3, name).bind(4, x).run();
}

trial store::impl::read_trial_row(const sqlite::statement& q) const {
    trial t;
    t.number = q.column_int(0);
    try {
        t.state = trial_state_from_string(q.column_text(1));
    } catch (const std::invalid_argument& e) {
        throw store_error(db.where() + ": trial " + std::to_string(t.number) + ": " + e.what());
    }
    t.seed = from_sql(q.column_int(2));
    t.origin = q.column_text(3);
    t.error = q.column_text(4);
    if (!q.is_null(5)) t.value = q.column_double(5);
    t.steps = q.column_int(6);
    t.started_at = q.column_double(7);
    t.finished_at = q.column_double(8);
    return t;
}

void store::impl::write_params(std::int64_t study, const trial& t) {
    auto& q = sql("INSERT INTO params (study_id, trial, name, value) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [name, v] : t.params)
        q.bind(1, study).bind(2, t.number).bind(3, name).bind_value(4, v).run();
}

namespace {

// The rows of one of the tables keyed by (study_id, trial, ...), in trial order, read alongside
// the trials: the rows of trial n are taken when trial n is read (a merge join), and rows of a
// trial that has no row of its own are passed over.
class rows_by_trial {
public:
    rows_by_trial(const sqlite::connection& db, const char* sql, std::int64_t study,
                  std::int64_t first, std::int64_t last)
        : q_(db, sql) {
        q_.bind(1, study).bind(2, first).bind(3, last);
        more_ = q_.step();
    }
    /// Calls row(q) for every row of trial `number`.
    template <class F>
    void take(std::int64_t number, F&& row) {
        while (more_ && q_.column_int(0) < number) more_ = q_.step();
        while (more_ && q_.column_int(0) == number) {
            row(q_);
            more_ = q_.step();
        }
    }

private:
    sqlite::statement q_;
    bool more_ = false;
};

}  // namespace

std::vector<trial> store::load_trials(std::int64_t study) {
    std::vector<trial> out;
    for_each_trial(study, {.curves = true, .only = {}},
                   [&](trial& t, const std::vector<trial_event>&) { out.push_back(std::move(t)); });
    return out;
}

void store::for_each_trial(
    std::int64_t study, const trial_reading& what,
    const std::function<void(trial&, const std::vector<trial_event>&)>& each) {
    auto& m = *impl_;
    read_scope read(m);
    const std::int64_t first = what.only ? *what.only : 0;
    const std::int64_t last = what.only ? *what.only : std::numeric_limits<std::int64_t>::max();
    // Statements of their own (not the cached ones): `each` may read the store meanwhile.
    sqlite::statement q(
        m.db,
        "SELECT number, state, seed, origin, error, value, steps, started_at, finished_at "
        "FROM trials WHERE study_id = ?1 AND number BETWEEN ?2 AND ?3 ORDER BY number");
    q.bind(1, study).bind(2, first).bind(3, last);
    rows_by_trial params(m.db,
                         "SELECT trial, name, value FROM params WHERE study_id = ?1 AND trial "
                         "BETWEEN ?2 AND ?3 ORDER BY trial, name",
                         study, first, last);
    rows_by_trial attrs(m.db,
                        "SELECT trial, name, value FROM attributes WHERE study_id = ?1 AND trial "
                        "BETWEEN ?2 AND ?3 ORDER BY trial, name",
                        study, first, last);
    rows_by_trial metrics(m.db,
                          "SELECT trial, name, value FROM metrics WHERE study_id = ?1 AND trial "
                          "BETWEEN ?2 AND ?3 ORDER BY trial, name",
                          study, first, last);
    std::optional<rows_by_trial> curves, events;
    if (what.curves)
        curves.emplace(m.db,
                       "SELECT trial, step, metric, value FROM curves WHERE study_id = ?1 AND "
                       "trial BETWEEN ?2 AND ?3 ORDER BY trial, step, metric",
                       study, first, last);
    if (what.events)
        events.emplace(m.db,
                       "SELECT trial, step, kind, detail, at, source, seq FROM events WHERE "
                       "study_id = ?1 AND trial BETWEEN ?2 AND ?3 ORDER BY trial, seq",
                       study, first, last);
    std::vector<trial_event> trial_events;
    while (q.step()) {
        trial t = m.read_trial_row(q);
        params.take(t.number, [&](const sqlite::statement& r) {
            t.params.emplace_hint(t.params.end(), r.column_text(1), r.column_value(2));
        });
        attrs.take(t.number, [&](const sqlite::statement& r) {
            t.attrs.emplace_hint(t.attrs.end(), r.column_text(1), r.column_text(2));
        });
        metrics.take(t.number, [&](const sqlite::statement& r) {
            t.metrics.emplace_hint(t.metrics.end(), r.column_text(1), r.column_double(2));
        });
        if (curves)
            curves->take(t.number, [&](const sqlite::statement& r) {
                std::int64_t step = r.column_int(1);
                if (t.curve.empty() || t.curve.back().step != step) t.curve.push_back({step, {}});
                auto& point = t.curve.back().metrics;
                point.emplace_hint(point.end(), r.column_text(2), r.column_double(3));
            });
        trial_events.clear();
        if (events)
            events->take(t.number, [&](const sqlite::statement& r) {
                trial_events.push_back(read_event(r));
            });
        each(t, trial_events);
    }
}

std::int64_t store::trial_count(std::int64_t study) {
    auto& q = impl_->sql("SELECT count(*) FROM trials WHERE study_id = ?1");
    sqlite::reset_guard guard(q);
    q.bind(1, study).step();
    return q.column_int(0);
}

std::vector<std::string> store::metric_names(std::int64_t study) {
    auto& q = impl_->sql("SELECT DISTINCT name FROM metrics WHERE study_id = ?1 ORDER BY name");
    sqlite::reset_guard guard(q);
    q.bind(1, study);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.column_text(0));
    return out;
}

store::snapshot::snapshot(store& s) : s_(s) {
    auto& m = *s_.impl_;
    if (m.snapshots++ == 0 && !m.writing) {
        m.sql("BEGIN").step();
        m.reading = true;
    }
}

store::snapshot::~snapshot() {
    auto& m = *s_.impl_;
    if (--m.snapshots == 0 && m.reading) {
        m.reading = false;
        m.rollback();
    }
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
