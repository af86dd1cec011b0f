// Events: what happened to a trial besides its steps, and who decided it.
#include "store/store_impl.hpp"

namespace caviar {

void store::add_event(std::int64_t study, const trial_event& e) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql(
         "INSERT INTO events (study_id, trial, step, kind, detail, at, source) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, study)
        .bind(2, e.trial)
        .bind(3, e.step)
        .bind(4, e.kind)
        .bind(5, e.detail.empty() ? std::string_view("{}") : std::string_view(e.detail))
        .bind(6, e.at == 0 ? store_now() : e.at)
        .bind(7, e.source)
        .run();
    w.done();
}

trial_event read_event(const sqlite::statement& q) {
    return {.trial = q.column_int(0),
            .step = q.column_int(1),
            .kind = q.column_text(2),
            .detail = q.column_text(3),
            .at = q.column_double(4),
            .source = q.column_text(5),
            .seq = q.column_int(6)};
}

std::vector<trial_event> store::load_events(std::int64_t study) {
    std::vector<trial_event> out;
    for_each_event(study, [&](const trial_event& e) { out.push_back(e); });
    return out;
}

void store::for_each_event(std::int64_t study,
                           const std::function<void(const trial_event&)>& each) {
    // Its own statement, not the cached one: a caller may read trials (for_each_trial) inside.
    sqlite::statement q(impl_->db,
                        "SELECT trial, step, kind, detail, at, source, seq FROM events "
                        "WHERE study_id = ?1 ORDER BY trial, seq");
    q.bind(1, study);
    while (q.step()) each(read_event(q));
}

std::int64_t store::event_count(std::int64_t study) {
    auto& q = impl_->sql("SELECT count(*) FROM events WHERE study_id = ?1");
    sqlite::reset_guard guard(q);
    q.bind(1, study).step();
    return q.column_int(0);
}

std::vector<trial_event> store::load_events_after(std::int64_t study, std::int64_t seq) {
    auto& q = impl_->sql(
        "SELECT trial, step, kind, detail, at, source, seq FROM events WHERE study_id = ?1 "
        "AND seq > ?2 ORDER BY seq");
    sqlite::reset_guard guard(q);
    q.bind(1, study).bind(2, seq);
    std::vector<trial_event> out;
    while (q.step()) out.push_back(read_event(q));
    return out;
}

void store::add_study_event(std::int64_t study, const study_event& e) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql(
         "INSERT INTO study_events (study_id, kind, detail, source, at) "
         "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, study)
        .bind(2, e.kind)
        .bind(3, e.detail.empty() ? std::string_view("{}") : std::string_view(e.detail))
        .bind(4, e.source)
        .bind(5, e.at == 0 ? store_now() : e.at)
        .run();
    w.done();
}

std::vector<study_event> store::load_study_events(std::int64_t study) {
    auto& q = impl_->sql(
        "SELECT seq, kind, detail, source, at FROM study_events WHERE study_id = ?1 ORDER BY seq");
    sqlite::reset_guard guard(q);
    q.bind(1, study);
    std::vector<study_event> out;
    while (q.step())
        out.push_back({.seq = q.column_int(0),
                       .kind = q.column_text(1),
                       .detail = q.column_text(2),
                       .source = q.column_text(3),
                       .at = q.column_double(4)});
    return out;
}

}  // namespace caviar
