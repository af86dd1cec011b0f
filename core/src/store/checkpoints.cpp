// Checkpoints: a paused trial's saved run, as a BLOB, one per trial (its latest).
#include "store/store_impl.hpp"

namespace caviar {

void store::save_checkpoint(std::int64_t study, std::int64_t trial, const checkpoint_record& c) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql(
         "INSERT OR REPLACE INTO checkpoints (study_id, trial, step, data) "
         "VALUES (?1, ?2, ?3, ?4)")
        .bind(1, study)
        .bind(2, trial)
        .bind(3, c.step)
        .bind_blob(4, c.bytes)
        .run();
    w.done();
}

void store::delete_checkpoint(std::int64_t study, std::int64_t trial) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql("DELETE FROM checkpoints WHERE study_id = ?1 AND trial = ?2")
        .bind(1, study)
        .bind(2, trial)
        .run();
    w.done();
}

std::optional<checkpoint_record> store::load_checkpoint(std::int64_t study, std::int64_t trial) {
    auto& q = impl_->sql("SELECT step, data FROM checkpoints WHERE study_id = ?1 AND trial = ?2");
    sqlite::reset_guard guard(q);
    if (!q.bind(1, study).bind(2, trial).step()) return std::nullopt;
    return checkpoint_record{q.column_int(0), q.column_blob(1)};
}

std::optional<std::int64_t> store::checkpoint_step(std::int64_t study, std::int64_t trial) {
    auto& q = impl_->sql("SELECT step FROM checkpoints WHERE study_id = ?1 AND trial = ?2");
    sqlite::reset_guard guard(q);
    if (!q.bind(1, study).bind(2, trial).step()) return std::nullopt;
    return q.column_int(0);
}

std::pair<std::int64_t, std::int64_t> store::checkpoint_usage(std::int64_t study) {
    auto& q = impl_->sql(
        "SELECT count(*), coalesce(sum(length(data)), 0) FROM checkpoints WHERE study_id = ?1");
    sqlite::reset_guard guard(q);
    if (!q.bind(1, study).step()) return {0, 0};
    return {q.column_int(0), q.column_int(1)};
}

}  // namespace caviar
