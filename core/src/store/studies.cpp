// Studies: one row each, with the experiment they were created from.
#include "store/store_impl.hpp"

#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <system_error>

namespace caviar {

namespace {

#define CAVIAR_STUDY_COLUMNS                                                                    \
    "id, name, seed, budget, metric, direction, space_hash, space, config, sampler, strategy, " \
    "model, created_at, architecture, capabilities, max_steps, file_budget, parent, "           \
    "parent_store, "                                                                            \
    "link"

std::string hex(std::uint64_t x) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x));
    return buf;
}

std::uint64_t parse_hash(const std::string& where, const std::string& text) {
    std::uint64_t h = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), h, 16);
    if (ec != std::errc{} || end != text.data() + text.size())
        throw store_error(where + ": space_hash \"" + text + "\" is not 16 hex digits");
    return h;
}

study_record read_study(const std::string& where, const sqlite::statement& s) {
    study_record r;
    r.id = s.column_int(0);
    r.name = s.column_text(1);
    r.seed = from_sql(s.column_int(2));
    r.budget = s.column_int(3);
    r.objective.metric = s.column_text(4);
    try {
        r.objective.direction = direction_from_string(s.column_text(5));
    } catch (const std::invalid_argument& e) {
        throw store_error(where + ": study " + r.name + ": " + e.what());
    }
    r.space_hash = parse_hash(where, s.column_text(6));
    r.space = s.column_text(7);
    r.config = s.column_text(8);
    r.sampler = s.column_text(9);
    r.strategy = s.column_text(10);
    r.model = s.column_text(11);
    r.created_at = s.column_double(12);
    auto names = nlohmann::json::parse(s.column_text(13), nullptr, false);
    if (names.is_array())
        for (const auto& n : names)
            if (n.is_string()) r.architecture.push_back(n.get<std::string>());
    r.capabilities = capabilities_from_string(s.column_text(14));
    r.max_steps = s.column_int(15);
    r.file_budget = s.column_int(16);
    r.parent = s.column_text(17);
    r.parent_store = s.column_text(18);
    r.link = s.column_text(19);
    return r;
}

}  // namespace

std::vector<study_record> store::studies() {
    auto& m = *impl_;
    auto& q = m.sql("SELECT " CAVIAR_STUDY_COLUMNS " FROM studies ORDER BY id");
    sqlite::reset_guard guard(q);
    std::vector<study_record> out;
    while (q.step()) out.push_back(read_study(m.db.where(), q));
    return out;
}

std::optional<study_record> store::find_study(std::string_view name) {
    auto& m = *impl_;
    auto& q = m.sql("SELECT " CAVIAR_STUDY_COLUMNS " FROM studies WHERE name = ?1");
    sqlite::reset_guard guard(q);
    if (!q.bind(1, name).step()) return std::nullopt;
    return read_study(m.db.where(), q);
}

study_record store::create_study(study_record s) {
    auto& m = *impl_;
    if (s.created_at == 0) s.created_at = store_now();
    write_scope w(m);
    {
        auto& q = m.sql("SELECT id FROM studies WHERE name = ?1");
        sqlite::reset_guard guard(q);
        if (q.bind(1, s.name).step())
            throw store_error(m.db.where() + ": a study named \"" + s.name + "\" exists already");
    }
    m.sql(
         "INSERT INTO studies (name, seed, budget, metric, direction, space_hash, space, config, "
         "sampler, strategy, model, created_at, architecture, capabilities, max_steps, "
         "file_budget, parent, parent_store, link) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
         "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)")
        .bind(1, s.name)
        .bind(2, to_sql(s.seed))
        .bind(3, s.budget)
        .bind(4, s.objective.metric)
        .bind(5, std::string_view(to_string(s.objective.direction)))
        .bind(6, hex(s.space_hash))
        .bind(7, s.space)
        .bind(8, s.config)
        .bind(9, s.sampler)
        .bind(10, s.strategy)
        .bind(11, s.model)
        .bind(12, s.created_at)
        .bind(13, nlohmann::json(s.architecture).dump())
        .bind(14, to_string(s.capabilities))
        .bind(15, s.max_steps)
        .bind(16, s.file_budget)
        .bind(17, s.parent)
        .bind(18, s.parent_store)
        .bind(19, s.link)
        .run();
    s.id = sqlite3_last_insert_rowid(m.db.get());
    w.done();
    return s;
}

void store::set_budget(std::int64_t study, std::int64_t budget,
                       std::optional<std::int64_t> file_budget) {
    auto& m = *impl_;
    write_scope w(m);
    auto& q = m.sql(
        "UPDATE studies SET budget = ?2, file_budget = coalesce(?3, file_budget) WHERE id = ?1");
    q.bind(1, study).bind(2, budget);
    if (file_budget)
        q.bind(3, *file_budget);
    else
        q.bind_null(3);
    q.run();
    if (q.changes() == 0)
        throw store_error(m.db.where() + ": no study with id " + std::to_string(study));
    w.done();
}

void store::set_model_facts(std::int64_t study, const study_record& facts) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql("UPDATE studies SET architecture = ?2, capabilities = ?3, max_steps = ?4 WHERE id = ?1")
        .bind(1, study)
        .bind(2, nlohmann::json(facts.architecture).dump())
        .bind(3, to_string(facts.capabilities))
        .bind(4, facts.max_steps)
        .run();
    w.done();
}

void store::set_config(std::int64_t study, const std::string& text) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql("UPDATE studies SET config = ?2 WHERE id = ?1").bind(1, study).bind(2, text).run();
    w.done();
}

void store::add_environment(std::int64_t study, const std::string& fingerprint) {
    auto& m = *impl_;
    write_scope w(m);
    m.sql("INSERT INTO environments (study_id, at, fingerprint) VALUES (?1, ?2, ?3)")
        .bind(1, study)
        .bind(2, store_now())
        .bind(3, fingerprint)
        .run();
    w.done();
}

std::vector<environment_record> store::load_environments(std::int64_t study) {
    auto& m = *impl_;
    auto& q =
        m.sql("SELECT seq, at, fingerprint FROM environments WHERE study_id = ?1 ORDER BY seq");
    sqlite::reset_guard guard(q);
    q.bind(1, study);
    std::vector<environment_record> out;
    while (q.step())
        out.push_back(
            {.seq = q.column_int(0), .at = q.column_double(1), .fingerprint = q.column_text(2)});
    return out;
}

}  // namespace caviar
