// The study store: one SQLite file, readable with the `sqlite3` shell.
//
// Schema (version 2, kept in PRAGMA user_version; version 1 lacked the last three tables and is
// upgraded in place):
//   studies(id, name UNIQUE, seed, budget, metric, direction, space_hash, space, config,
//           sampler, strategy, model, created_at)
//       one row per study; direction is 'minimize' or 'maximize'; space_hash is space::hash() as
//       16 lower-case hex digits (TEXT); space is space::describe(); config is the effective
//       experiment file text; sampler/strategy/model are plugin names.
//   trials(study_id, number, state, seed, origin, error, value, steps, started_at, finished_at)
//       primary key (study_id, number); state is queued|running|paused|complete|pruned|failed;
//       value is the objective's value, NULL when there is none.
//   params(study_id, trial, name, value)        one row per parameter; `value` has no declared
//       type, so an int stays INTEGER, a real REAL (even 3.0) and a choice TEXT.
//   metrics(study_id, trial, name, value)       a trial's final (last reported) metrics.
//   curves(study_id, trial, step, metric, value) learning curves: one row per metric per step.
//   attributes(study_id, trial, name, value)    what the strategy recorded with a trial (TEXT),
//       e.g. coarse-to-fine's round and box, Hyperband's bracket.
//   checkpoints(study_id, trial, step, data)    a paused (or interrupted) trial's saved run: the
//       BLOB run::save wrote after `step` steps; one row per trial, its latest. Deleted (by
//       update_trial) when the trial completes, is pruned or fails, so the file holds only what
//       can still resume.
//   events(study_id, trial, seq, step, kind, detail, at) pause/resume/restart/exploit/update/
//       prune/rollback history; detail is a JSON object (an exploit's donor, old and new params).
// Seeds are uint64 stored bit-for-bit as INTEGER (seeds >= 2^63 show as negative in the shell).
// Times are unix seconds (REAL, 0 = not yet). A NaN metric is stored as NULL. Primary keys are
// the indexes: every lookup is by (study_id[, trial]). Deleting a study or trial cascades.
// The file is in WAL mode with synchronous=NORMAL: each write method is one transaction, so a
// killed process loses nothing already written, and a commit costs no fsync.
#include "store/store.hpp"

#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <system_error>

namespace caviar {

namespace {

constexpr std::int64_t schema_version = 2;

constexpr const char* schema_sql = R"sql(
CREATE TABLE IF NOT EXISTS studies (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    seed       INTEGER NOT NULL,
    budget     INTEGER NOT NULL,
    metric     TEXT NOT NULL,
    direction  TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
    space_hash TEXT NOT NULL,
    space      TEXT NOT NULL,
    config     TEXT NOT NULL,
    sampler    TEXT NOT NULL,
    strategy   TEXT NOT NULL,
    model      TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS trials (
    study_id    INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    state       TEXT NOT NULL
                CHECK (state IN ('queued', 'running', 'paused', 'complete', 'pruned', 'failed')),
    seed        INTEGER NOT NULL,
    origin      TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    value       REAL,
    steps       INTEGER NOT NULL DEFAULT 0,
    started_at  REAL NOT NULL DEFAULT 0,
    finished_at REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (study_id, number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS params (
    study_id INTEGER NOT NULL,
    trial    INTEGER NOT NULL,
    name     TEXT NOT NULL,
    value,
    PRIMARY KEY (study_id, trial, name),
    FOREIGN KEY (study_id, trial) REFERENCES trials (study_id, number) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS metrics (
    study_id INTEGER NOT NULL,
    trial    INTEGER NOT NULL,
    name     TEXT NOT NULL,
    value    REAL,
    PRIMARY KEY (study_id, trial, name),
    FOREIGN KEY (study_id, trial) REFERENCES trials (study_id, number) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS curves (
    study_id INTEGER NOT NULL,
    trial    INTEGER NOT NULL,
    step     INTEGER NOT NULL,
    metric   TEXT NOT NULL,
    value    REAL,
    PRIMARY KEY (study_id, trial, step, metric),
    FOREIGN KEY (study_id, trial) REFERENCES trials (study_id, number) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attributes (
    study_id INTEGER NOT NULL,
    trial    INTEGER NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (study_id, trial, name),
    FOREIGN KEY (study_id, trial) REFERENCES trials (study_id, number) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
    study_id INTEGER NOT NULL,
    trial    INTEGER NOT NULL,
    step     INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (study_id, trial),
    FOREIGN KEY (study_id, trial) REFERENCES trials (study_id, number) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS events (
    study_id INTEGER NOT NULL,
    trial    INTEGER NOT NULL,
    seq      INTEGER PRIMARY KEY,
    step     INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}',
    at       REAL NOT NULL,
    FOREIGN KEY (study_id, trial) REFERENCES trials (study_id, number) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS events_by_trial ON events (study_id, trial);
)sql";

constexpr const char* study_columns =
    "id, name, seed, budget, metric, direction, space_hash, space, config, sampler, strategy, "
    "model, created_at";

// uint64 <-> INTEGER, bit for bit.
std::int64_t to_sql(std::uint64_t x) {
    return static_cast<std::int64_t>(x);
}
std::uint64_t from_sql(std::int64_t x) {
    return static_cast<std::uint64_t>(x);
}

std::string hex(std::uint64_t x) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x));
    return buf;
}

double now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

struct store::impl {
    sqlite::connection db;  // first member: closed after every statement is finalized
    sqlite::statement begin_write, begin_read, commit, rollback;
    sqlite::statement select_studies, select_study, insert_study, update_budget;
    sqlite::statement select_trials, select_params, select_metrics, select_curves;
    sqlite::statement insert_trial, insert_param, insert_metric, insert_point;
    sqlite::statement update_trial, delete_metrics, delete_curve;
    sqlite::statement requeue_curves, requeue_metrics, requeue_trials;
    sqlite::statement select_attrs, insert_attr, select_events, insert_event;
    sqlite::statement delete_params, truncate_curve, select_checkpoint, select_checkpoint_step;
    sqlite::statement upsert_checkpoint, delete_checkpoint, checkpoint_usage;
    sqlite::statement rollback_curves, rollback_metrics, rollback_trials, rollback_events;
    sqlite::statement rollback_metrics_fill;

    void prepare();
    study_record read_study(const sqlite::statement& s) const;
    void write_metrics(std::int64_t study, const trial& t);
    void write_point(std::int64_t study, std::int64_t trial, const curve_point& p);
    std::uint64_t parse_hash(const std::string& text) const;
};

void store::impl::prepare() {
    std::string select_study_sql = std::string("SELECT ") + study_columns + " FROM studies";
    begin_write = {db, "BEGIN IMMEDIATE"};
    begin_read = {db, "BEGIN"};
    commit = {db, "COMMIT"};
    rollback = {db, "ROLLBACK"};
    select_studies = {db, select_study_sql + " ORDER BY id"};
    select_study = {db, select_study_sql + " WHERE name = ?1"};
    insert_study = {
        db,
        "INSERT INTO studies (name, seed, budget, metric, direction, space_hash, space, "
        "config, sampler, strategy, model, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"};
    update_budget = {db, "UPDATE studies SET budget = ?2 WHERE id = ?1"};
    select_trials = {db,
                     "SELECT number, state, seed, origin, error, value, steps, started_at, "
                     "finished_at FROM trials WHERE study_id = ?1 ORDER BY number"};
    select_params = {db,
                     "SELECT trial, name, value FROM params WHERE study_id = ?1 "
                     "ORDER BY trial, name"};
    select_metrics = {db,
                      "SELECT trial, name, value FROM metrics WHERE study_id = ?1 "
                      "ORDER BY trial, name"};
    select_curves = {db,
                     "SELECT trial, step, metric, value FROM curves WHERE study_id = ?1 "
                     "ORDER BY trial, step, metric"};
    insert_trial = {db,
                    "INSERT INTO trials (study_id, number, state, seed, origin, error, value, "
                    "steps, started_at, finished_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"};
    insert_param = {db,
                    "INSERT INTO params (study_id, trial, name, value) VALUES (?1, ?2, ?3, ?4)"};
    insert_metric = {db,
                     "INSERT INTO metrics (study_id, trial, name, value) VALUES (?1, ?2, ?3, ?4)"};
    // A step reported again (a run resumed from an earlier checkpoint) replaces the old value.
    insert_point = {db,
                    "INSERT OR REPLACE INTO curves (study_id, trial, step, metric, value) "
                    "VALUES (?1, ?2, ?3, ?4, ?5)"};
    update_trial = {db,
                    "UPDATE trials SET state = ?3, origin = ?4, error = ?5, value = ?6, "
                    "steps = ?7, started_at = ?8, finished_at = ?9 "
                    "WHERE study_id = ?1 AND number = ?2"};
    delete_metrics = {db, "DELETE FROM metrics WHERE study_id = ?1 AND trial = ?2"};
    delete_curve = {db, "DELETE FROM curves WHERE study_id = ?1 AND trial = ?2"};
    select_attrs = {db,
                    "SELECT trial, name, value FROM attributes WHERE study_id = ?1 "
                    "ORDER BY trial, name"};
    insert_attr = {db,
                   "INSERT OR REPLACE INTO attributes (study_id, trial, name, value) "
                   "VALUES (?1, ?2, ?3, ?4)"};
    select_events = {db,
                     "SELECT trial, step, kind, detail, at FROM events WHERE study_id = ?1 "
                     "ORDER BY trial, seq"};
    insert_event = {db,
                    "INSERT INTO events (study_id, trial, step, kind, detail, at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"};
    delete_params = {db, "DELETE FROM params WHERE study_id = ?1 AND trial = ?2"};
    truncate_curve = {db, "DELETE FROM curves WHERE study_id = ?1 AND trial = ?2 AND step > ?3"};
    select_checkpoint = {db,
                         "SELECT step, data FROM checkpoints WHERE study_id = ?1 AND trial = ?2"};
    select_checkpoint_step = {db,
                              "SELECT step FROM checkpoints WHERE study_id = ?1 AND trial = ?2"};
    upsert_checkpoint = {db,
                         "INSERT OR REPLACE INTO checkpoints (study_id, trial, step, data) "
                         "VALUES (?1, ?2, ?3, ?4)"};
    delete_checkpoint = {db, "DELETE FROM checkpoints WHERE study_id = ?1 AND trial = ?2"};
    checkpoint_usage = {db,
                        "SELECT count(*), coalesce(sum(length(data)), 0) FROM checkpoints "
                        "WHERE study_id = ?1"};
    // Interrupted trials with a checkpoint: back to paused at its step (run before the requeue
    // statements, which then only see the trials without one).
    constexpr const char* rolled =
        "(SELECT t.number FROM trials t JOIN checkpoints c ON c.study_id = t.study_id AND "
        "c.trial = t.number WHERE t.study_id = ?1 AND t.state IN ('running', 'queued'))";
    rollback_events = {
        db, std::string("INSERT INTO events (study_id, trial, step, kind, detail, at) "
                        "SELECT t.study_id, t.number, c.step, 'rollback', "
                        "json_object('from_step', t.steps), ?2 FROM trials t JOIN checkpoints c ON "
                        "c.study_id = t.study_id AND c.trial = t.number WHERE t.study_id = ?1 AND "
                        "t.state IN ('running', 'queued')")};
    rollback_curves = {db, std::string("DELETE FROM curves WHERE study_id = ?1 AND trial IN ") +
                               rolled +
                               " AND step > (SELECT step FROM checkpoints c WHERE c.study_id = ?1 "
                               "AND c.trial = curves.trial)"};
    rollback_metrics = {
        db, std::string("DELETE FROM metrics WHERE study_id = ?1 AND trial IN ") + rolled};
    rollback_metrics_fill = {
        db, std::string("INSERT INTO metrics (study_id, trial, name, value) "
                        "SELECT cv.study_id, cv.trial, cv.metric, cv.value FROM curves cv JOIN "
                        "checkpoints c ON c.study_id = cv.study_id AND c.trial = cv.trial AND "
                        "c.step = cv.step WHERE cv.study_id = ?1 AND cv.trial IN ") +
                rolled};
    rollback_trials = {
        db, std::string("UPDATE trials SET state = 'paused', "
                        "steps = (SELECT step FROM checkpoints c WHERE c.study_id = ?1 AND "
                        "c.trial = trials.number), "
                        "error = 'interrupted; resumes from its checkpoint', finished_at = 0, "
                        "value = (SELECT cv.value FROM curves cv JOIN checkpoints c ON "
                        "c.study_id = cv.study_id AND c.trial = cv.trial AND c.step = cv.step "
                        "WHERE cv.study_id = ?1 AND cv.trial = trials.number AND cv.metric = "
                        "(SELECT metric FROM studies WHERE id = ?1)) "
                        "WHERE study_id = ?1 AND number IN ") +
                rolled};
    constexpr const char* unfinished =
        "(SELECT number FROM trials WHERE study_id = ?1 AND state IN ('running', 'queued'))";
    requeue_curves = {
        db, std::string("DELETE FROM curves WHERE study_id = ?1 AND trial IN ") + unfinished};
    requeue_metrics = {
        db, std::string("DELETE FROM metrics WHERE study_id = ?1 AND trial IN ") + unfinished};
    requeue_trials = {db,
                      "UPDATE trials SET state = 'queued', value = NULL, steps = 0, error = '', "
                      "started_at = 0, finished_at = 0 "
                      "WHERE study_id = ?1 AND state IN ('running', 'queued')"};
}

std::uint64_t store::impl::parse_hash(const std::string& text) const {
    std::uint64_t h = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), h, 16);
    if (ec != std::errc{} || end != text.data() + text.size())
        throw store_error(db.where() + ": space_hash \"" + text + "\" is not 16 hex digits");
    return h;
}

study_record store::impl::read_study(const sqlite::statement& s) const {
    study_record r;
    r.id = s.column_int(0);
    r.name = s.column_text(1);
    r.seed = from_sql(s.column_int(2));
    r.budget = s.column_int(3);
    r.objective.metric = s.column_text(4);
    r.objective.direction =
        s.column_text(5) == "maximize" ? direction::maximize : direction::minimize;
    r.space_hash = parse_hash(s.column_text(6));
    r.space = s.column_text(7);
    r.config = s.column_text(8);
    r.sampler = s.column_text(9);
    r.strategy = s.column_text(10);
    r.model = s.column_text(11);
    r.created_at = s.column_double(12);
    return r;
}

void store::impl::write_metrics(std::int64_t study, const trial& t) {
    for (const auto& [name, x] : t.metrics)
        insert_metric.bind(1, study).bind(2, t.number).bind(3, name).bind(4, x).run();
}

void store::impl::write_point(std::int64_t study, std::int64_t trial, const curve_point& p) {
    for (const auto& [name, x] : p.metrics)
        insert_point.bind(1, study).bind(2, trial).bind(3, p.step).bind(4, name).bind(5, x).run();
}

store::store(const std::filesystem::path& file, bool read_only)
    : file_(file), impl_(std::make_unique<impl>()) {
    namespace fs = std::filesystem;
    const std::string where = "store " + file.string();
    auto& db = impl_->db;
    std::error_code ec;
    if (read_only) {
        if (!fs::exists(file, ec)) throw store_error("no store at " + file.string());
        db.open(file.string(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, where);
    } else {
        if (file.has_parent_path() && !fs::exists(file.parent_path(), ec)) {
            fs::create_directories(file.parent_path(), ec);
            if (ec)
                throw store_error(where + ": cannot create folder " + file.parent_path().string() +
                                  ": " + ec.message());
        }
        db.open(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                where);
    }
    // Another process (a report, a second run) may hold the write lock briefly.
    sqlite3_busy_timeout(db.get(), 5000);
    db.exec("PRAGMA foreign_keys = ON");

    // The first read of the file: something that is not SQLite fails here, with
    // "file is not a database".
    std::int64_t version = db.query_int("PRAGMA user_version");
    if (version > schema_version)
        throw store_error(where + ": written by a newer caviar (schema version " +
                          std::to_string(version) + ", this build reads up to " +
                          std::to_string(schema_version) + ")");
    if (version == 0 && db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                     "name NOT IN ('studies', 'trials', 'params', 'metrics', "
                                     "'curves', 'attributes', 'checkpoints', 'events')") > 0)
        throw store_error(where + ": not a caviar store (a SQLite database with other tables)");
    if (read_only) {
        if (version == 0) throw store_error(where + ": not a caviar store (no schema)");
    } else {
        std::string mode = db.query_text("PRAGMA journal_mode = WAL");
        if (mode != "wal")
            throw store_error(where + ": cannot switch to WAL mode (journal_mode is " + mode + ")");
        db.exec("PRAGMA synchronous = NORMAL");
        if (version < schema_version) {
            // Schema and version in one transaction: a second process creating the same file
            // at the same time waits, then finds the tables there. Every statement is
            // IF NOT EXISTS, so the same script upgrades a version 1 file.
            db.exec("BEGIN IMMEDIATE");
            try {
                db.exec(schema_sql);
                db.exec(("PRAGMA user_version = " + std::to_string(schema_version)).c_str());
                db.exec("COMMIT");
            } catch (...) {
                sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
                throw;
            }
        }
    }
    impl_->prepare();
}

store::~store() = default;

std::vector<study_record> store::studies() {
    auto& m = *impl_;
    sqlite::reset_guard guard(m.select_studies);
    std::vector<study_record> out;
    while (m.select_studies.step()) out.push_back(m.read_study(m.select_studies));
    return out;
}

std::optional<study_record> store::find_study(std::string_view name) {
    auto& m = *impl_;
    sqlite::reset_guard guard(m.select_study);
    if (!m.select_study.bind(1, name).step()) return std::nullopt;
    return m.read_study(m.select_study);
}

study_record store::create_study(study_record s) {
    auto& m = *impl_;
    if (s.created_at == 0) s.created_at = now();
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    {
        sqlite::reset_guard guard(m.select_study);
        if (m.select_study.bind(1, s.name).step())
            throw store_error(m.db.where() + ": a study named \"" + s.name + "\" exists already");
    }
    m.insert_study.bind(1, s.name)
        .bind(2, to_sql(s.seed))
        .bind(3, s.budget)
        .bind(4, s.objective.metric)
        .bind(5, s.objective.direction == direction::maximize ? "maximize" : "minimize")
        .bind(6, hex(s.space_hash))
        .bind(7, s.space)
        .bind(8, s.config)
        .bind(9, s.sampler)
        .bind(10, s.strategy)
        .bind(11, s.model)
        .bind(12, s.created_at)
        .run();
    s.id = sqlite3_last_insert_rowid(m.db.get());
    tx.commit();
    return s;
}

void store::set_budget(std::int64_t study, std::int64_t budget) {
    auto& m = *impl_;
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    m.update_budget.bind(1, study).bind(2, budget).run();
    if (m.update_budget.changes() == 0)
        throw store_error(m.db.where() + ": no study with id " + std::to_string(study));
    tx.commit();
}

std::vector<trial> store::load_trials(std::int64_t study) {
    auto& m = *impl_;
    // One read transaction: the four queries see the same snapshot while runs keep writing.
    sqlite::transaction tx(m.begin_read, m.commit, m.rollback);
    std::vector<trial> out;
    {
        auto& q = m.select_trials;
        sqlite::reset_guard guard(q);
        q.bind(1, study);
        while (q.step()) {
            trial t;
            t.number = q.column_int(0);
            auto state = q.column_text(1);
            try {
                t.state = trial_state_from_string(state);
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
        auto& q = m.select_params;
        sqlite::reset_guard guard(q);
        q.bind(1, study);
        while (q.step())
            if (trial* t = at(q.column_int(0)))
                t->params.emplace_hint(t->params.end(), q.column_text(1), q.column_value(2));
    }
    {
        auto& q = m.select_attrs;
        sqlite::reset_guard guard(q);
        q.bind(1, study);
        while (q.step())
            if (trial* t = at(q.column_int(0)))
                t->attrs.emplace_hint(t->attrs.end(), q.column_text(1), q.column_text(2));
    }
    {
        auto& q = m.select_metrics;
        sqlite::reset_guard guard(q);
        q.bind(1, study);
        while (q.step())
            if (trial* t = at(q.column_int(0)))
                t->metrics.emplace_hint(t->metrics.end(), q.column_text(1), q.column_double(2));
    }
    {
        auto& q = m.select_curves;
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
    tx.commit();
    return out;
}

requeue_result store::requeue_unfinished(std::int64_t study) {
    auto& m = *impl_;
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    requeue_result r;
    m.rollback_events.bind(1, study).bind(2, now()).run();
    m.rollback_curves.bind(1, study).run();
    m.rollback_metrics.bind(1, study).run();
    m.rollback_metrics_fill.bind(1, study).run();
    m.rollback_trials.bind(1, study).run();
    r.rolled_back = m.rollback_trials.changes();
    m.requeue_curves.bind(1, study).run();
    m.requeue_metrics.bind(1, study).run();
    m.requeue_trials.bind(1, study).run();
    r.requeued = m.requeue_trials.changes();
    tx.commit();
    return r;
}

void store::insert_trial(std::int64_t study, const trial& t) {
    auto& m = *impl_;
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    auto& q = m.insert_trial;
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
    for (const auto& [name, v] : t.params)
        m.insert_param.bind(1, study).bind(2, t.number).bind(3, name).bind_value(4, v).run();
    for (const auto& [name, v] : t.attrs)
        m.insert_attr.bind(1, study).bind(2, t.number).bind(3, name).bind(4, v).run();
    // A trial copied whole (a re-tune, an import) keeps its results too.
    m.write_metrics(study, t);
    for (const auto& p : t.curve) m.write_point(study, t.number, p);
    tx.commit();
}

void store::update_trial(std::int64_t study, const trial& t, const curve_point* point) {
    auto& m = *impl_;
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    auto& q = m.update_trial;
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
    m.delete_metrics.bind(1, study).bind(2, t.number).run();
    m.write_metrics(study, t);
    if (point) m.write_point(study, t.number, *point);
    // A finished trial never resumes: its checkpoint goes in the same transaction.
    if (is_finished(t.state)) m.delete_checkpoint.bind(1, study).bind(2, t.number).run();
    tx.commit();
}

void store::add_point(std::int64_t study, std::int64_t trial, const curve_point& p) {
    auto& m = *impl_;
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    m.write_point(study, trial, p);
    tx.commit();
}

void store::clear_curve(std::int64_t study, std::int64_t trial) {
    auto& m = *impl_;
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    m.delete_curve.bind(1, study).bind(2, trial).run();
    tx.commit();
}

void store::truncate_curve(std::int64_t study, std::int64_t trial, std::int64_t step) {
    auto& m = *impl_;
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    m.truncate_curve.bind(1, study).bind(2, trial).bind(3, step).run();
    tx.commit();
}

void store::update_params(std::int64_t study, const trial& t) {
    auto& m = *impl_;
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    m.delete_params.bind(1, study).bind(2, t.number).run();
    for (const auto& [name, v] : t.params)
        m.insert_param.bind(1, study).bind(2, t.number).bind(3, name).bind_value(4, v).run();
    tx.commit();
}

void store::save_checkpoint(std::int64_t study, std::int64_t trial, const checkpoint_record& c) {
    auto& m = *impl_;
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    m.upsert_checkpoint.bind(1, study).bind(2, trial).bind(3, c.step).bind_blob(4, c.bytes).run();
    tx.commit();
}

std::optional<checkpoint_record> store::load_checkpoint(std::int64_t study, std::int64_t trial) {
    auto& m = *impl_;
    auto& q = m.select_checkpoint;
    sqlite::reset_guard guard(q);
    if (!q.bind(1, study).bind(2, trial).step()) return std::nullopt;
    return checkpoint_record{q.column_int(0), q.column_blob(1)};
}

std::optional<std::int64_t> store::checkpoint_step(std::int64_t study, std::int64_t trial) {
    auto& m = *impl_;
    auto& q = m.select_checkpoint_step;
    sqlite::reset_guard guard(q);
    if (!q.bind(1, study).bind(2, trial).step()) return std::nullopt;
    return q.column_int(0);
}

std::pair<std::int64_t, std::int64_t> store::checkpoint_usage(std::int64_t study) {
    auto& m = *impl_;
    auto& q = m.checkpoint_usage;
    sqlite::reset_guard guard(q);
    if (!q.bind(1, study).step()) return {0, 0};
    return {q.column_int(0), q.column_int(1)};
}

void store::add_event(std::int64_t study, const trial_event& e) {
    auto& m = *impl_;
    sqlite::transaction tx(m.begin_write, m.commit, m.rollback);
    m.insert_event.bind(1, study)
        .bind(2, e.trial)
        .bind(3, e.step)
        .bind(4, e.kind)
        .bind(5, e.detail.empty() ? std::string_view("{}") : std::string_view(e.detail))
        .bind(6, e.at == 0 ? now() : e.at)
        .run();
    tx.commit();
}

std::vector<trial_event> store::load_events(std::int64_t study) {
    auto& m = *impl_;
    auto& q = m.select_events;
    sqlite::reset_guard guard(q);
    q.bind(1, study);
    std::vector<trial_event> out;
    while (q.step())
        out.push_back({q.column_int(0), q.column_int(1), q.column_text(2), q.column_text(3),
                       q.column_double(4)});
    return out;
}

}  // namespace caviar
