// A thin RAII layer over SQLite for the store: a connection, prepared statements that are reused
// for the life of the store. Every failure throws store_error with
// SQLite's message after the `where` prefix ("store runs/x.db").
#pragma once

#include <caviar/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace caviar::sqlite {

/// Throws store_error "WHERE: SQLite's last message on db".
[[noreturn]] void fail(sqlite3* db, const std::string& where);

/// An open database handle, closed on destruction.
class connection {
public:
    connection() = default;
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Opens with sqlite3_open_v2 flags; throws on failure.
    void open(const std::string& file, int flags, const std::string& where);
    /// Runs one or more statements that return no rows we need (pragmas, schema).
    void exec(const char* sql);
    /// First column of the first row of a one-row query, as text ("" when there is none).
    std::string query_text(const char* sql);
    std::int64_t query_int(const char* sql);

    sqlite3* get() const { return db_; }
    const std::string& where() const { return where_; }

private:
    sqlite3* db_ = nullptr;
    std::string where_;
};

/// A prepared statement. Bind parameters are 1-based, columns 0-based, as in SQLite.
class statement {
public:
    statement() = default;
    statement(const connection& db, std::string_view sql);
    ~statement();
    statement(statement&& o) noexcept;
    statement& operator=(statement&& o) noexcept;

    statement& bind(int i, std::int64_t v);
    statement& bind(int i, double v);  // NaN is stored as NULL by SQLite
    statement& bind(int i, std::string_view v);
    statement& bind_null(int i);
    /// Bytes as a BLOB (checkpoints), copied by SQLite.
    statement& bind_blob(int i, std::string_view bytes);
    /// INTEGER, REAL or TEXT by the value's alternative, so its type survives a round trip.
    statement& bind_value(int i, const value& v);

    /// Steps once: true when a row is ready. Resets the statement when done or on error, so a
    /// finished read never keeps its snapshot of the WAL open.
    bool step();
    /// Steps to completion (a write) and resets. Every write goes through here (fault.hpp).
    void run();
    /// Resets and clears bindings; call before reusing a statement left mid-way.
    void reset();
    /// Rows changed by the last write on this connection.
    std::int64_t changes() const;

    bool is_null(int col) const;
    std::int64_t column_int(int col) const;
    double column_double(int col) const;  // NULL reads as NaN
    std::string column_text(int col) const;
    std::string column_blob(int col) const;
    /// A column of a type-less column: INTEGER -> int64, REAL -> double, else text.
    value column_value(int col) const;

private:
    [[noreturn]] void fail() const;

    sqlite3_stmt* stmt_ = nullptr;
    sqlite3* db_ = nullptr;
    const std::string* where_ = nullptr;
};

/// Resets a statement when the scope ends, including by an exception mid-way through its rows.
class reset_guard {
public:
    explicit reset_guard(statement& s) : s_(s) {}
    ~reset_guard() { s_.reset(); }
    reset_guard(const reset_guard&) = delete;
    reset_guard& operator=(const reset_guard&) = delete;

private:
    statement& s_;
};

}  // namespace caviar::sqlite
