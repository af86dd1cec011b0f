#include "store/sqlite.hpp"

#include "store/fault.hpp"
#include "store/store.hpp"

#include <sqlite3.h>

#include <limits>
#include <type_traits>
#include <utility>

namespace caviar::sqlite {

void fail(sqlite3* db, const std::string& where) {
    throw store_error(where + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

connection::~connection() {
    // close_v2 defers the close until every statement is finalized, whatever the member order.
    if (db_) sqlite3_close_v2(db_);
}

void connection::open(const std::string& file, int flags, const std::string& where) {
    where_ = where;
    if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string message = where_ + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw store_error(message);
    }
}

void connection::exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db_, where_);
}

std::string connection::query_text(const char* sql) {
    statement s(*this, sql);
    reset_guard guard(s);
    return s.step() ? s.column_text(0) : std::string();
}

std::int64_t connection::query_int(const char* sql) {
    statement s(*this, sql);
    reset_guard guard(s);
    return s.step() ? s.column_int(0) : 0;
}

statement::statement(const connection& db, std::string_view sql)
    : db_(db.get()), where_(&db.where()) {
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt_, nullptr) != SQLITE_OK)
        fail();
}

statement::~statement() {
    sqlite3_finalize(stmt_);
}

statement::statement(statement&& o) noexcept
    : stmt_(std::exchange(o.stmt_, nullptr)), db_(o.db_), where_(o.where_) {}

statement& statement::operator=(statement&& o) noexcept {
    if (this != &o) {
        sqlite3_finalize(stmt_);
        stmt_ = std::exchange(o.stmt_, nullptr);
        db_ = o.db_;
        where_ = o.where_;
    }
    return *this;
}

void statement::fail() const {
    sqlite::fail(db_, *where_);
}

statement& statement::bind(int i, std::int64_t v) {
    if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail();
    return *this;
}

statement& statement::bind(int i, double v) {
    if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail();
    return *this;
}

statement& statement::bind(int i, std::string_view v) {
    if (sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
        SQLITE_OK)
        fail();
    return *this;
}

statement& statement::bind_blob(int i, std::string_view bytes) {
    if (sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK)
        fail();
    return *this;
}

statement& statement::bind_null(int i) {
    if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail();
    return *this;
}

statement& statement::bind_value(int i, const value& v) {
    return std::visit(
        [&](const auto& x) -> statement& {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::string>)
                return bind(i, std::string_view(x));
            else
                return bind(i, x);
        },
        v);
}

bool statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(stmt_);
        return false;
    }
    // Read the message before reset, which may replace it.
    std::string message = *where_ + ": " + sqlite3_errmsg(db_);
    sqlite3_reset(stmt_);
    throw store_error(message);
}

void statement::run() {
    fault_point();
    while (step()) {
    }
}

void statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::changes() const {
    return sqlite3_changes64(db_);
}

bool statement::is_null(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::int64_t statement::column_int(int col) const {
    return sqlite3_column_int64(stmt_, col);
}

double statement::column_double(int col) const {
    if (is_null(col)) return std::numeric_limits<double>::quiet_NaN();
    return sqlite3_column_double(stmt_, col);
}

std::string statement::column_text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
}

std::string statement::column_blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
}

value statement::column_value(int col) const {
    switch (sqlite3_column_type(stmt_, col)) {
        case SQLITE_INTEGER:
            return column_int(col);
        case SQLITE_FLOAT:
            return sqlite3_column_double(stmt_, col);
        case SQLITE_NULL:
            return std::numeric_limits<double>::quiet_NaN();  // a NaN was written
        default:
            return column_text(col);
    }
}

}  // namespace caviar::sqlite
