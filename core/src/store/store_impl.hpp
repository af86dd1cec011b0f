// What the store's files share: the connection, its statements (prepared on first use and kept),
// and the write scope that makes each write method one transaction, or a part of an open unit.
#pragma once

#include "store/sqlite.hpp"
#include "store/store.hpp"

#include <unordered_map>

namespace caviar {

// uint64 <-> INTEGER, bit for bit.
inline std::int64_t to_sql(std::uint64_t x) {
    return static_cast<std::int64_t>(x);
}
inline std::uint64_t from_sql(std::int64_t x) {
    return static_cast<std::uint64_t>(x);
}

/// Unix seconds now.
double store_now();

/// An event from a row of (trial, step, kind, detail, at, source, seq) (events.cpp).
trial_event read_event(const sqlite::statement& q);

struct store::impl {
    sqlite::connection db;  // first member: closed after every statement is finalized
    // By the address of their SQL text: each call site passes one string literal.
    std::unordered_map<const char*, sqlite::statement> statements;
    int units = 0;         // open store::unit scopes
    bool writing = false;  // a write transaction is open
    int snapshots = 0;     // open store::snapshot scopes (reading = snapshots > 0)
    bool reading = false;  // a read transaction of a snapshot is open

    /// The statement for this SQL literal, prepared the first time.
    sqlite::statement& sql(const char* text) {
        auto it = statements.find(text);
        if (it == statements.end())
            it = statements.emplace(text, sqlite::statement(db, text)).first;
        return it->second;
    }
    void begin() {
        sql("BEGIN IMMEDIATE").step();
        writing = true;
    }
    void commit() {
        sql("COMMIT").step();
        writing = false;
    }
    void rollback() noexcept;
    /// Throws when SQLite rolled the open transaction back on its own (a full disk, an I/O
    /// error): the writes after it would each commit alone, half an operation.
    void check_still_open();

    void write_metrics(std::int64_t study, const trial& t);
    void write_point(std::int64_t study, std::int64_t trial, const curve_point& p);
    void write_params(std::int64_t study, const trial& t);
    /// A trial's own columns from a row of `SELECT number, state, seed, origin, error, value,
    /// steps, started_at, finished_at FROM trials ...` (params, metrics and the rest are read
    /// apart).
    trial read_trial_row(const sqlite::statement& q) const;
};

/// The transaction of one write method: its own (BEGIN IMMEDIATE now, COMMIT at done()), or
/// the open unit's (begun at its first write, committed by the unit). IMMEDIATE takes the write
/// lock up front, so a busy database waits (busy timeout) at BEGIN instead of failing half-way.
class write_scope {
public:
    explicit write_scope(store::impl& m) : m_(m), own_(m.units == 0) {
        if (m_.writing)
            m_.check_still_open();
        else
            m_.begin();
    }
    ~write_scope() {
        if (own_ && !done_) m_.rollback();
    }
    write_scope(const write_scope&) = delete;
    write_scope& operator=(const write_scope&) = delete;
    void done() {
        if (own_) m_.commit();
        done_ = true;
    }

private:
    store::impl& m_;
    bool own_;
    bool done_ = false;
};

/// One read transaction for a reading method, unless one is open already (a unit's write, or a
/// snapshot): its queries then see the same state while a run keeps writing.
class read_scope {
public:
    explicit read_scope(store::impl& m) : m_(m), own_(!m.writing && !m.reading) {
        if (own_) m_.sql("BEGIN").step();
    }
    ~read_scope() {
        if (own_) m_.rollback();
    }
    read_scope(const read_scope&) = delete;
    read_scope& operator=(const read_scope&) = delete;

private:
    store::impl& m_;
    bool own_;
};

}  // namespace caviar
