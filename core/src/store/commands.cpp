// The command inbox: commands another process (caviar ctl) posts to a running study.
#include "store/params_json.hpp"
#include "store/store_impl.hpp"

#include <sqlite3.h>

#include <stdexcept>
#include <utility>

namespace caviar {

namespace {

constexpr std::pair<command_kind, const char*> command_names[] = {
    {command_kind::pause, "pause"},    {command_kind::set, "set"},
    {command_kind::resume, "resume"},  {command_kind::prune, "prune"},
    {command_kind::stop, "stop"},      {command_kind::budget, "budget"},
    {command_kind::enqueue, "enqueue"}};

#define CAVIAR_COMMAND_COLUMNS \
    "seq, kind, trial, params, amount, source, state, result, posted_at, applied_at"

command_record read_command(const std::string& where, const sqlite::statement& q) {
    command_record c;
    c.seq = q.column_int(0);
    try {
        c.kind = command_kind_from_string(q.column_text(1));
    } catch (const std::invalid_argument& e) {
        throw store_error(where + ": command " + std::to_string(c.seq) + ": " + e.what());
    }
    c.trial = q.column_int(2);
    c.params = params_from_json(nlohmann::json::parse(q.column_text(3), nullptr, false));
    c.amount = q.column_int(4);
    c.source = q.column_text(5);
    c.state = q.column_text(6);
    c.result = q.column_text(7);
    c.posted_at = q.column_double(8);
    c.applied_at = q.column_double(9);
    return c;
}

}  // namespace

const char* to_string(command_kind k) {
    for (const auto& [kind, name] : command_names)
        if (kind == k) return name;
    return "?";
}

command_kind command_kind_from_string(std::string_view s) {
    for (const auto& [kind, name] : command_names)
        if (s == name) return kind;
    throw std::invalid_argument("unknown command \"" + std::string(s) + "\"");
}

std::int64_t store::post_command(std::int64_t study, const command_record& c) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql(
         "INSERT INTO commands (study_id, kind, trial, params, amount, source, state, result, "
         "posted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .bind(1, study)
        .bind(2, std::string_view(to_string(c.kind)))
        .bind(3, c.trial)
        .bind(4, params_to_json(c.params).dump())
        .bind(5, c.amount)
        .bind(6, c.source)
        .bind(7, c.state)
        .bind(8, c.result)
        .bind(9, c.posted_at == 0 ? store_now() : c.posted_at)
        .run();
    auto seq = sqlite3_last_insert_rowid(m.db.get());
    w.done();
    return seq;
}

std::vector<command_record> store::commands_in_state(std::int64_t study, std::string_view state) {
    auto& m = *impl_;
    auto& q = m.sql("SELECT " CAVIAR_COMMAND_COLUMNS
                    " FROM commands WHERE study_id = ?1 AND state = ?2 ORDER BY seq");
    sqlite::reset_guard guard(q);
    q.bind(1, study).bind(2, state);
    std::vector<command_record> out;
    while (q.step()) out.push_back(read_command(m.db.where(), q));
    return out;
}

std::vector<command_record> store::load_commands(std::int64_t study) {
    auto& m = *impl_;
    auto& q =
        m.sql("SELECT " CAVIAR_COMMAND_COLUMNS " FROM commands WHERE study_id = ?1 ORDER BY seq");
    sqlite::reset_guard guard(q);
    q.bind(1, study);
    std::vector<command_record> out;
    while (q.step()) out.push_back(read_command(m.db.where(), q));
    return out;
}

std::optional<command_record> store::find_command(std::int64_t seq) {
    auto& m = *impl_;
    auto& q = m.sql("SELECT " CAVIAR_COMMAND_COLUMNS " FROM commands WHERE seq = ?1");
    sqlite::reset_guard guard(q);
    if (!q.bind(1, seq).step()) return std::nullopt;
    return read_command(m.db.where(), q);
}

void store::set_command_state(std::int64_t seq, std::string_view state, std::string_view result,
                              std::int64_t trial) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql(
         "UPDATE commands SET state = ?2, result = ?3, "
         "applied_at = CASE WHEN ?2 IN ('applied', 'refused', 'dropped') THEN ?4 ELSE applied_at "
         "END, "
         "trial = CASE WHEN ?5 >= 0 THEN ?5 ELSE trial END WHERE seq = ?1")
        .bind(1, seq)
        .bind(2, state)
        .bind(3, result)
        .bind(4, store_now())
        .bind(5, trial)
        .run();
    w.done();
}

}  // namespace caviar
