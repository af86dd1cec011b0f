// Learning curves: one row per metric per step.
#include "store/store_impl.hpp"

namespace caviar {

void store::impl::write_point(std::int64_t study, std::int64_t trial, const curve_point& p) {
    // A step reported again (a run resumed from an earlier checkpoint) replaces the old value.
    auto& q =
        sql("INSERT OR REPLACE INTO curves (study_id, trial, step, metric, value) "
            "VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const auto& [name, x] : p.metrics)
        q.bind(1, study).bind(2, trial).bind(3, p.step).bind(4, name).bind(5, x).run();
}

void store::add_point(std::int64_t study, std::int64_t trial, const curve_point& p) {
    auto& m = *impl_;
    write_scope w(m);
    m.write_point(study, trial, p);
    w.done();
}

void store::truncate_curve(std::int64_t study, std::int64_t trial, std::int64_t step) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql("DELETE FROM curves WHERE study_id = ?1 AND trial = ?2 AND step > ?3")
        .bind(1, study)
        .bind(2, trial)
        .bind(3, step)
        .run();
    w.done();
}

}  // namespace caviar
