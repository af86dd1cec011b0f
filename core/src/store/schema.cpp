// The store's schema, opening a file, and upgrading an older one. Readable with `sqlite3`.
//
// Schema (version 4, kept in PRAGMA user_version; each older version is upgraded in place):
//   studies(id, name UNIQUE, seed, budget, metric, direction, space_hash, space, config,
//           sampler, strategy, model, created_at, architecture, capabilities, max_steps,
//           file_budget, parent, parent_store, link)
//       one row per study; direction is 'minimize' or 'maximize'; space_hash is space::hash() as
//       16 lower-case hex digits (TEXT); space is space::describe(); config is the effective
//       experiment file text; sampler/strategy/model are plugin names. architecture (a JSON
//       array of param names), capabilities ("checkpoints,update") and max_steps are what the
//       model said when the study last ran, so `caviar ctl` can check a command in another
//       process. file_budget is the trial budget the experiment file gave at the last run: a
//       budget changed by `caviar ctl` holds until the file's changes. (v3) parent names the
//       study this one was made from ('' = none), parent_store its store file when that is
//       another one ('' = this one), and link how: 'retune' (caviar retune). (v4)
//   trials(study_id, number, state, seed, origin, error, value, steps, started_at, finished_at)
//       primary key (study_id, number); state is queued|running|paused|complete|pruned|failed;
//       value is the objective's value, NULL when there is none.
//   params(study_id, trial, name, value)        one row per parameter; `value` has no declared
//       type, so an int stays INTEGER, a real REAL (even 3.0) and a choice TEXT.
//   metrics(study_id, trial, name, value)       a trial's final (last reported) metrics.
//   curves(study_id, trial, step, metric, value) learning curves: one row per metric per step.
//   attributes(study_id, trial, name, value)    what the strategy recorded with a trial (TEXT).
//   checkpoints(study_id, trial, step, data)    a paused (or interrupted) trial's saved run: the
//       BLOB run::save wrote after `step` steps; one row per trial, its latest. Deleted (with
//       update_trial) when the trial completes, is pruned or fails. (v2)
//   events(study_id, trial, seq, step, kind, detail, at, source) pause/resume/restart/exploit/
//       update/prune/rollback/enqueue history; detail is a JSON object; source is who decided
//       it: strategy, manual, enqueue or host. (v2; source v3)
//   commands(study_id, seq, kind, trial, params, amount, source, state, result, posted_at,
//            applied_at)
//       the inbox of a running study: `caviar ctl` posts (state pending), the running process
//       takes (accepted) and applies, refuses (a rule broken) or drops (it could not apply: the
//       trial ended first, the study stopped) them, with what happened in result. (v3)
//   study_events(study_id, seq, kind, detail, source, at) what happened to the study as a
//       whole: "budget", "stop" (caviar ctl), "config" (a run with changed options, allowed with
//       --allow-config-change: detail has the changes and both texts), "retune" (caviar
//       retune: detail is the drift report, as `caviar retune --json` prints it). (v3)
//   environments(study_id, seq, at, fingerprint) what the study ran on: one row each time a
//       run found it different from the last row (the first run too). fingerprint is a JSON
//       object: caviar's version, the machine (cores, cpu), each plugin's name, version,
//       library file and its sha256, and every file a plugin's path option names (option,
//       path, size, mtime, sha256, lines). (v4)
// Seeds are uint64 stored bit-for-bit as INTEGER (seeds >= 2^63 show as negative in the shell).
// Times are unix seconds (REAL, 0 = not yet). A NaN metric is stored as NULL. Primary keys are
// the indexes: every lookup is by (study_id[, trial]). Deleting a study or trial cascades.
// The file is in WAL mode with synchronous=NORMAL: each coordinator operation is one
// transaction (store::unit), so a killed process loses nothing already written, and a commit
// costs no fsync; a power cut may roll back the commits since the WAL was last synced (at a
// checkpoint). sync_every_commit(true) (durability = "power") switches to synchronous=FULL:
// every commit syncs the WAL before it returns.
#include "store/fault.hpp"
#include "store/store_impl.hpp"

#include <sqlite3.h>

#include <chrono>
#include <system_error>

namespace caviar {

namespace {

constexpr std::int64_t schema_version = 4;

// Version 2, as IF NOT EXISTS statements: creates a new file, or completes a version 1 file.
constexpr const char* schema_v2_sql = R"sql(
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

// Version 2 -> 3: who decided each event, what the model is, and the command inbox.
constexpr const char* upgrade_to_v3_sql = R"sql(
ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'strategy';
ALTER TABLE studies ADD COLUMN architecture TEXT NOT NULL DEFAULT '[]';
ALTER TABLE studies ADD COLUMN capabilities TEXT NOT NULL DEFAULT '';
ALTER TABLE studies ADD COLUMN max_steps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE studies ADD COLUMN file_budget INTEGER NOT NULL DEFAULT 0;
CREATE TABLE commands (
    study_id   INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    seq        INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL
               CHECK (kind IN ('pause', 'set', 'resume', 'prune', 'stop', 'budget', 'enqueue')),
    trial      INTEGER NOT NULL DEFAULT -1,
    params     TEXT NOT NULL DEFAULT '{}',
    amount     INTEGER NOT NULL DEFAULT 0,
    source     TEXT NOT NULL DEFAULT 'manual',
    state      TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'accepted', 'applied', 'refused', 'dropped')),
    result     TEXT NOT NULL DEFAULT '',
    posted_at  REAL NOT NULL,
    applied_at REAL NOT NULL DEFAULT 0
);
CREATE INDEX commands_by_state ON commands (study_id, state);
CREATE TABLE study_events (
    study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    seq      INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}',
    source   TEXT NOT NULL DEFAULT 'host',
    at       REAL NOT NULL
);
)sql";

// Version 3 -> 4: study links (retune) and environment fingerprints.
constexpr const char* upgrade_to_v4_sql = R"sql(
ALTER TABLE studies ADD COLUMN parent TEXT NOT NULL DEFAULT '';
ALTER TABLE studies ADD COLUMN parent_store TEXT NOT NULL DEFAULT '';
ALTER TABLE studies ADD COLUMN link TEXT NOT NULL DEFAULT '';
CREATE TABLE environments (
    study_id    INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    seq         INTEGER PRIMARY KEY,
    at          REAL NOT NULL,
    fingerprint TEXT NOT NULL
);
CREATE INDEX environments_by_study ON environments (study_id, seq);
)sql";

}  // namespace

double store_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void store::impl::rollback() noexcept {
    writing = false;
    // A failed statement may have rolled the transaction back already; then this fails, and
    // there is nothing more to undo.
    sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void store::impl::check_still_open() {
    if (writing && sqlite3_get_autocommit(db.get()) != 0) {
        writing = false;
        throw store_error(db.where() + ": an earlier error rolled this operation back");
    }
}

store::store(const std::filesystem::path& file, bool read_only)
    : file_(file), impl_(std::make_unique<impl>()) {
    namespace fs = std::filesystem;
    const bool in_memory = is_memory(file);
    const std::string where = "store " + file.string();
    auto& db = impl_->db;
    std::error_code ec;
    if (in_memory) {
        if (read_only)
            throw store_error("an in-memory store cannot be opened from another command");
        db.open(memory, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, where);
    } else if (read_only) {
        if (!fs::exists(file, ec)) throw store_error("no store at " + file.string());
        // A read-only connection cannot remove the -wal and -shm files it makes a WAL store
        // grow: where the file is writable, read through a read-write connection that may not
        // write (query_only), which as the last one out removes them.
        try {
            db.open(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, where);
            db.exec("PRAGMA query_only = ON");
        } catch (const store_error&) {
            db.open(file.string(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, where);
        }
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
    // Another process (a report, caviar ctl, a second run) may hold the write lock briefly.
    sqlite3_busy_timeout(db.get(), 5000);
    db.exec("PRAGMA foreign_keys = ON");

    // The first read of the file: something that is not SQLite fails here, with
    // "file is not a database".
    std::int64_t version = db.query_int("PRAGMA user_version");
    if (version > schema_version)
        throw store_error(where + ": written by a newer caviar (schema version " +
                          std::to_string(version) + ", this build reads up to " +
                          std::to_string(schema_version) + ")");
    // A new store has no tables at all (caviar writes its schema and version in one
    // transaction): any table in a file of version 0 is someone else's, and nothing is written.
    if (version == 0 &&
        db.query_int("SELECT count(*) FROM sqlite_schema WHERE type IN ('table', 'view')") > 0)
        throw store_error(where +
                          ": not a caviar store (a SQLite database with tables of its "
                          "own); nothing was changed in it");
    if (read_only) {
        if (version == 0) throw store_error(where + ": not a caviar store (no schema)");
        if (version < schema_version)
            throw store_outdated(where + ": written by an older caviar (schema version " +
                                 std::to_string(version) + ")");
        return;
    }
    if (!in_memory) {
        std::string mode = db.query_text("PRAGMA journal_mode = WAL");
        if (mode != "wal")
            throw store_error(where + ": cannot switch to WAL mode (journal_mode is " + mode + ")");
        db.exec("PRAGMA synchronous = NORMAL");
    }
    if (version < schema_version) {
        // Schema and version in one transaction: a second process creating the same file at the
        // same time waits, then finds the tables there.
        db.exec("BEGIN IMMEDIATE");
        try {
            version = db.query_int("PRAGMA user_version");  // another process may have done it
            if (version < 3) {
                db.exec(schema_v2_sql);
                db.exec(upgrade_to_v3_sql);
            }
            if (version < 4) db.exec(upgrade_to_v4_sql);
            db.exec(("PRAGMA user_version = " + std::to_string(schema_version)).c_str());
            db.exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
}

store::~store() = default;

void store::sync_every_commit(bool on) {
    if (is_memory(file_)) return;
    impl_->db.exec(on ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
}

store::unit::unit(store& s) : s_(s) {
    ++s_.impl_->units;
}

store::unit::~unit() {
    auto& m = *s_.impl_;
    if (--m.units == 0 && !done_ && m.writing) m.rollback();
}

void store::unit::commit() {
    auto& m = *s_.impl_;
    if (m.units == 1 && m.writing) {
        m.check_still_open();
        m.commit();
    }
    done_ = true;
}

}  // namespace caviar
