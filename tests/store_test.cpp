#define BOOST_TEST_MODULE store
#include <boost/test/unit_test.hpp>

#include "store/store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>

namespace fs = std::filesystem;
using namespace caviar;

namespace {

// A fresh folder under the system temp dir, removed at the end of the test.
struct temp_dir {
    fs::path path;
    temp_dir() {
        std::random_device rd;
        path = fs::temp_directory_path() /
               ("caviar-store-test-" + std::to_string(rd()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

struct fixture {
    temp_dir dir;
    fs::path file = dir.path / "runs" / "study.db";
};

study_record sample_study(std::string name) {
    study_record s;
    s.name = std::move(name);
    s.seed = std::numeric_limits<std::uint64_t>::max();  // needs all 64 bits
    s.budget = 60;
    s.objective = {"val_accuracy", direction::maximize};
    s.space_hash = 0xfedcba9876543210ULL;  // high bit set
    s.space = "layers int [1, 5] linear\n";
    s.config = "[experiment]\nname = \"x\"\n";
    s.sampler = "random";
    s.strategy = "batch";
    s.model = "mlp";
    return s;
}

trial sample_trial(std::int64_t number) {
    trial t;
    t.number = number;
    t.state = trial_state::complete;
    t.seed = 0x8000000000000001ULL;
    t.params = {{"layers", std::int64_t{3}},
                {"lr", 0.001},
                {"momentum", 3.0},
                {"activation", std::string("relu")}};
    t.metrics = {{"val_accuracy", 0.91}, {"val_loss", 0.25}};
    t.value = 0.91;
    t.origin = "random";
    t.steps = 3;
    t.started_at = 1700000000.25;
    t.finished_at = 1700000012.5;
    return t;
}

// Runs a one-value query with the sqlite3 C API, as a person with the shell would.
std::string query(const fs::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    else
        out = std::string("error: ") + sqlite3_errmsg(db);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const store_error& e) {
        return e.what();
    }
    return "no store_error";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(store_suite, fixture)

BOOST_AUTO_TEST_CASE(creates_file_and_parent_folders) {
    store s(file);
    BOOST_TEST(fs::exists(file));
    BOOST_TEST(s.file() == file);
    BOOST_TEST(s.studies().empty());
}

BOOST_AUTO_TEST_CASE(uses_wal_mode_and_a_schema_version) {
    { store s(file); }
    BOOST_TEST(query(file, "PRAGMA journal_mode") == "wal");
    BOOST_TEST(query(file, "PRAGMA user_version") == "4");
    for (auto table : {"studies", "trials", "params", "metrics", "curves", "commands"})
        BOOST_TEST(query(file, std::string("SELECT count(*) FROM ") + table) == "0");
}

BOOST_AUTO_TEST_CASE(creates_and_finds_studies) {
    store s(file);
    auto a = s.create_study(sample_study("alpha"));
    auto b = s.create_study(sample_study("beta"));
    BOOST_TEST(a.id > 0);
    BOOST_TEST(b.id != a.id);
    BOOST_TEST(a.created_at > 1.6e9);

    auto found = s.find_study("alpha");
    BOOST_REQUIRE(found);
    BOOST_TEST(found->id == a.id);
    BOOST_TEST(found->name == "alpha");
    BOOST_TEST(found->seed == std::numeric_limits<std::uint64_t>::max());
    BOOST_TEST(found->budget == 60);
    BOOST_TEST(found->objective.metric == "val_accuracy");
    BOOST_TEST((found->objective.direction == direction::maximize));
    BOOST_TEST(found->space_hash == 0xfedcba9876543210ULL);
    BOOST_TEST(found->space == "layers int [1, 5] linear\n");
    BOOST_TEST(found->config == "[experiment]\nname = \"x\"\n");
    BOOST_TEST(found->sampler == "random");
    BOOST_TEST(found->strategy == "batch");
    BOOST_TEST(found->model == "mlp");
    BOOST_TEST(found->created_at == a.created_at);
    BOOST_TEST(!s.find_study("gamma"));

    auto all = s.studies();
    BOOST_REQUIRE(all.size() == 2u);
    BOOST_TEST(all[0].name == "alpha");
    BOOST_TEST(all[1].name == "beta");
    // The hash is readable in the shell as hex.
    BOOST_TEST(query(file, "SELECT space_hash FROM studies WHERE name = 'alpha'") ==
               "fedcba9876543210");
}

BOOST_AUTO_TEST_CASE(rejects_a_second_study_with_the_same_name) {
    store s(file);
    s.create_study(sample_study("alpha"));
    auto e = error_of([&] { s.create_study(sample_study("alpha")); });
    BOOST_TEST(contains(e, "alpha"));
    BOOST_TEST(contains(e, file.string()));
    BOOST_TEST(s.studies().size() == 1u);
}

BOOST_AUTO_TEST_CASE(updates_the_budget) {
    store s(file);
    auto a = s.create_study(sample_study("alpha"));
    s.set_budget(a.id, 120);
    BOOST_TEST(s.find_study("alpha")->budget == 120);
    BOOST_TEST(contains(error_of([&] { s.set_budget(a.id + 100, 1); }), "no study"));
}

BOOST_AUTO_TEST_CASE(round_trips_trials_with_typed_params) {
    store s(file);
    auto id = s.create_study(sample_study("alpha")).id;
    s.insert_trial(id, sample_trial(0));
    trial empty;
    empty.number = 1;
    empty.seed = 42;
    empty.origin = "enqueued";
    empty.params = {{"layers", std::int64_t{1}}};
    s.insert_trial(id, empty);

    auto trials = s.load_trials(id);
    BOOST_REQUIRE(trials.size() == 2u);
    const auto& t = trials[0];
    BOOST_TEST(t.number == 0);
    BOOST_TEST((t.state == trial_state::complete));
    BOOST_TEST(t.seed == 0x8000000000000001ULL);
    BOOST_REQUIRE(t.params.size() == 4u);
    BOOST_TEST(std::get<std::int64_t>(t.params.at("layers")) == 3);
    BOOST_TEST(std::get<double>(t.params.at("lr")) == 0.001);
    BOOST_REQUIRE(std::holds_alternative<double>(t.params.at("momentum")));  // 3.0 stays a double
    BOOST_TEST(std::get<double>(t.params.at("momentum")) == 3.0);
    BOOST_TEST(std::get<std::string>(t.params.at("activation")) == "relu");
    BOOST_TEST(t.metrics.at("val_accuracy") == 0.91);
    BOOST_TEST(t.metrics.at("val_loss") == 0.25);
    BOOST_REQUIRE(t.value);
    BOOST_TEST(*t.value == 0.91);
    BOOST_TEST(t.origin == "random");
    BOOST_TEST(t.error == "");
    BOOST_TEST(t.steps == 3);
    BOOST_TEST(t.started_at == 1700000000.25);
    BOOST_TEST(t.finished_at == 1700000012.5);

    const auto& u = trials[1];
    BOOST_TEST((u.state == trial_state::queued));
    BOOST_TEST(!u.value);
    BOOST_TEST(u.metrics.empty());
    BOOST_TEST(u.curve.empty());
    BOOST_TEST(u.origin == "enqueued");

    // The types are visible in the shell too.
    BOOST_TEST(
        query(file, "SELECT typeof(value) FROM params WHERE name = 'layers' AND trial = 0") ==
        "integer");
    BOOST_TEST(query(file, "SELECT typeof(value) FROM params WHERE name = 'momentum'") == "real");
    BOOST_TEST(query(file, "SELECT typeof(value) FROM params WHERE name = 'activation'") == "text");
}

BOOST_AUTO_TEST_CASE(keeps_curves_sorted_by_step_with_all_metrics_of_a_step) {
    store s(file);
    auto id = s.create_study(sample_study("alpha")).id;
    auto t = sample_trial(0);
    t.state = trial_state::running;
    s.insert_trial(id, t);
    s.add_point(id, 0, {2, {{"loss", 0.5}, {"acc", 0.8}}});
    s.add_point(id, 0, {1, {{"loss", 0.9}, {"acc", 0.6}}});
    s.add_point(id, 0, {3, {{"loss", std::nan("")}}});
    // A step reported again replaces the old values.
    s.add_point(id, 0, {2, {{"loss", 0.4}, {"acc", 0.8}}});

    auto curve = s.load_trials(id).at(0).curve;
    BOOST_REQUIRE(curve.size() == 3u);
    BOOST_TEST(curve[0].step == 1);
    BOOST_TEST(curve[0].metrics.at("loss") == 0.9);
    BOOST_TEST(curve[0].metrics.at("acc") == 0.6);
    BOOST_TEST(curve[1].step == 2);
    BOOST_TEST(curve[1].metrics.at("loss") == 0.4);
    BOOST_TEST(curve[1].metrics.size() == 2u);
    BOOST_TEST(curve[2].step == 3);
    BOOST_TEST(std::isnan(curve[2].metrics.at("loss")));  // NaN is kept as NULL, read as NaN
    BOOST_TEST(query(file, "SELECT count(*) FROM curves") == "5");
}

BOOST_AUTO_TEST_CASE(updates_state_metrics_and_value) {
    store s(file);
    auto id = s.create_study(sample_study("alpha")).id;
    auto t = sample_trial(4);
    t.state = trial_state::running;
    t.value.reset();
    t.metrics.clear();
    s.insert_trial(id, t);
    s.add_point(id, 4, {1, {{"val_accuracy", 0.5}}});

    t.state = trial_state::failed;
    t.error = "model threw: out of memory";
    t.metrics = {{"val_accuracy", 0.5}};
    t.value = 0.5;
    t.steps = 1;
    t.params = {{"layers", std::int64_t{99}}};  // update_trial does not touch params
    s.update_trial(id, t);

    auto back = s.load_trials(id).at(0);
    BOOST_TEST((back.state == trial_state::failed));
    BOOST_TEST(back.error == "model threw: out of memory");
    BOOST_TEST(back.metrics.size() == 1u);
    BOOST_TEST(back.metrics.at("val_accuracy") == 0.5);
    BOOST_TEST(*back.value == 0.5);
    BOOST_TEST(back.steps == 1);
    BOOST_TEST(std::get<std::int64_t>(back.params.at("layers")) == 3);
    BOOST_TEST(back.curve.size() == 1u);

    // Final metrics are replaced, not merged; the value can go back to none.
    t.metrics = {{"val_loss", 1.5}};
    t.value.reset();
    s.update_trial(id, t);
    back = s.load_trials(id).at(0);
    BOOST_TEST(back.metrics.size() == 1u);
    BOOST_TEST(back.metrics.count("val_loss") == 1u);
    BOOST_TEST(!back.value);
}

BOOST_AUTO_TEST_CASE(rejects_writes_to_unknown_or_duplicate_trials) {
    store s(file);
    auto id = s.create_study(sample_study("alpha")).id;
    s.insert_trial(id, sample_trial(0));
    auto dup = error_of([&] { s.insert_trial(id, sample_trial(0)); });
    BOOST_TEST(contains(dup, file.string()));
    BOOST_TEST(contains(dup, "UNIQUE"));
    BOOST_TEST(contains(error_of([&] { s.update_trial(id, sample_trial(7)); }), "no trial 7"));
    BOOST_TEST(contains(error_of([&] {
                            s.add_point(id, 7, {1, {{"loss", 1.0}}});
                        }),
                        "FOREIGN KEY"));
    // A failed write leaves nothing behind.
    BOOST_TEST(s.load_trials(id).size() == 1u);
    BOOST_TEST(s.load_trials(id)[0].curve.empty());
}

BOOST_AUTO_TEST_CASE(truncates_one_trials_curve) {
    store s(file);
    auto id = s.create_study(sample_study("alpha")).id;
    s.insert_trial(id, sample_trial(0));
    s.insert_trial(id, sample_trial(1));
    for (std::int64_t n : {0, 1})
        for (std::int64_t step = 1; step <= 3; ++step)
            s.add_point(id, n, {step, {{"loss", 1.0 / double(step)}}});
    s.truncate_curve(id, 1, 2);
    s.truncate_curve(id, 0, 0);
    auto trials = s.load_trials(id);
    BOOST_TEST(trials[0].curve.empty());
    BOOST_TEST(trials[1].curve.size() == 2u);
    BOOST_TEST(trials[1].curve.back().step == 2);
}

BOOST_AUTO_TEST_CASE(a_unit_keeps_all_its_writes_or_none) {
    store s(file);
    auto id = s.create_study(sample_study("alpha")).id;
    {
        store::unit u(s);
        s.insert_trial(id, sample_trial(0));
        s.add_point(id, 0, {1, {{"loss", 1.0}}});
        // Reads inside the unit see its writes.
        BOOST_TEST(s.load_trials(id).size() == 1u);
    }  // not committed: rolled back
    BOOST_TEST(s.load_trials(id).empty());
    {
        store::unit u(s);
        s.insert_trial(id, sample_trial(0));
        {
            store::unit inner(s);  // nested: joins the outer one
            s.add_point(id, 0, {1, {{"loss", 1.0}}});
            inner.commit();
        }
        u.commit();
    }
    auto trials = s.load_trials(id);
    BOOST_TEST_REQUIRE(trials.size() == 1u);
    BOOST_TEST(trials[0].curve.size() == 1u);
    // A failed write inside a unit loses the unit, not the store.
    try {
        store::unit u(s);
        s.insert_trial(id, sample_trial(1));
        s.insert_trial(id, sample_trial(1));  // duplicate: throws
        u.commit();
    } catch (const store_error&) {
    }
    BOOST_TEST(s.load_trials(id).size() == 1u);
    s.insert_trial(id, sample_trial(2));  // and the store takes writes again
    BOOST_TEST(s.next_trial_number(id) == 3);
}

BOOST_AUTO_TEST_CASE(an_in_memory_store_needs_no_file) {
    store s(store::memory);
    auto id = s.create_study(sample_study("alpha")).id;
    s.insert_trial(id, sample_trial(0));
    BOOST_TEST(s.load_trials(id).size() == 1u);
    BOOST_TEST(!fs::exists(store::memory));
    BOOST_TEST(contains(error_of([] { store r(store::memory, true); }), "in-memory"));
}

BOOST_AUTO_TEST_CASE(keeps_the_command_inbox_in_order) {
    store s(file);
    auto id = s.create_study(sample_study("alpha")).id;
    command_record pause;
    pause.kind = command_kind::pause;
    pause.trial = 3;
    command_record set;
    set.kind = command_kind::set;
    set.trial = 3;
    set.params = {
        {"learning_rate", 0.01}, {"layers", std::int64_t{2}}, {"act", std::string("relu")}};
    auto a = s.post_command(id, pause), b = s.post_command(id, set);
    BOOST_TEST(b > a);
    auto pending = s.commands_in_state(id, "pending");
    BOOST_TEST_REQUIRE(pending.size() == 2u);
    BOOST_TEST((pending[1].kind == command_kind::set));
    BOOST_TEST((pending[1].params == set.params));  // the types survive: int, real, text
    BOOST_TEST(pending[0].source == "manual");
    s.set_command_state(a, "accepted", "pauses at its next step");
    s.set_command_state(a, "applied", "paused at step 4");
    auto done = s.find_command(a);
    BOOST_TEST_REQUIRE(done.has_value());
    BOOST_TEST(done->state == "applied");
    BOOST_TEST(done->result == "paused at step 4");
    BOOST_TEST(done->applied_at > 0);
    BOOST_TEST(s.commands_in_state(id, "pending").size() == 1u);
    BOOST_TEST(s.load_commands(id).size() == 2u);
    s.set_command_state(b, "applied", "queued", 7);
    BOOST_TEST(s.find_command(b)->trial == 7);
    BOOST_TEST(to_string(command_kind_from_string("budget")) == std::string("budget"));
    BOOST_CHECK_THROW((void)command_kind_from_string("bogus"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(remembers_what_the_model_is) {
    store s(file);
    auto st = sample_study("alpha");
    st.architecture = {"layers", "units"};
    st.capabilities = {capability::checkpoints};
    st.max_steps = 30;
    auto id = s.create_study(st).id;
    auto back = s.find_study("alpha");
    BOOST_TEST((back->architecture == std::vector<std::string>{"layers", "units"}));
    BOOST_TEST(back->capabilities.checkpoints());
    BOOST_TEST(!back->capabilities.update());
    BOOST_TEST(back->max_steps == 30);
    st.capabilities = {capability::checkpoints, capability::update};
    st.architecture = {};
    s.set_model_facts(id, st);
    BOOST_TEST(s.find_study("alpha")->capabilities.update());
    BOOST_TEST(s.find_study("alpha")->architecture.empty());
}

BOOST_AUTO_TEST_CASE(keeps_one_checkpoint_per_trial_as_bytes) {
    store s(file);
    auto id = s.create_study(sample_study("alpha")).id;
    s.insert_trial(id, sample_trial(0));
    s.insert_trial(id, sample_trial(1));
    BOOST_TEST(!s.load_checkpoint(id, 0));
    const char raw[] = "a\0b\xff\ncheckpoint";
    std::string bytes(raw, sizeof raw - 1);  // binary, with a NUL inside: 15 bytes
    s.save_checkpoint(id, 0, {3, bytes});
    s.save_checkpoint(id, 0, {9, bytes + "more"});  // replaces the older one
    auto c = s.load_checkpoint(id, 0);
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->step == 9);
    BOOST_TEST((c->bytes == bytes + "more"));
    BOOST_TEST(*s.checkpoint_step(id, 0) == 9);
    BOOST_TEST(!s.checkpoint_step(id, 1));
    BOOST_TEST(s.checkpoint_usage(id).first == 1);
    BOOST_TEST(s.checkpoint_usage(id).second == 19);
    // Kept while the trial can resume; deleted with the update that finishes it.
    auto t = sample_trial(0);
    t.state = trial_state::paused;
    s.update_trial(id, t);
    BOOST_TEST(s.load_checkpoint(id, 0).has_value());
    t.state = trial_state::pruned;
    s.update_trial(id, t);
    BOOST_TEST(!s.load_checkpoint(id, 0));
    BOOST_TEST(s.checkpoint_usage(id).first == 0);
}

BOOST_AUTO_TEST_CASE(keeps_attributes_events_and_new_params) {
    store s(file);
    auto id = s.create_study(sample_study("alpha")).id;
    auto t = sample_trial(0);
    t.attrs = {{"round", "2"}, {"box", "{\"x\": [0.1, 0.5]}"}};
    s.insert_trial(id, t);
    t.params = {{"learning_rate", 0.5}, {"layers", std::int64_t{3}}};
    s.update_params(id, t);
    s.add_event(id, {0, 4, "exploit", R"({"from": 3})", 0});
    s.add_event(id, {0, 8, "pause", "", 0});
    auto loaded = s.load_trials(id)[0];
    BOOST_TEST((loaded.attrs == t.attrs));
    BOOST_TEST((loaded.params == t.params));
    auto events = s.load_events(id);
    BOOST_TEST_REQUIRE(events.size() == 2u);
    BOOST_TEST(events[0].kind == "exploit");
    BOOST_TEST(events[0].detail == R"({"from": 3})");
    BOOST_TEST(events[1].detail == "{}");
    BOOST_TEST(events[1].at > 0);
    for (std::int64_t step = 1; step <= 5; ++step) s.add_point(id, 0, {step, {{"loss", 1.0}}});
    s.truncate_curve(id, 0, 2);
    BOOST_TEST(s.load_trials(id)[0].curve.size() == 2u);
}

BOOST_AUTO_TEST_CASE(streams_trials_one_at_a_time_as_load_trials_reads_them) {
    store s(file);
    auto id = s.create_study(sample_study("alpha")).id;
    auto other = s.create_study(sample_study("beta")).id;  // its rows must not leak in
    for (std::int64_t n = 0; n < 4; ++n) {
        auto t = sample_trial(n);
        t.attrs = {{"round", std::to_string(n)}};
        t.metrics["extra" + std::to_string(n % 2)] = 1.0 * n;
        t.curve = {{1, {{"loss", 1.0 / (n + 1)}}}, {2, {{"loss", 0.5 / (n + 1)}, {"acc", 0.1}}}};
        s.insert_trial(id, t);
        s.insert_trial(other, sample_trial(n));
    }
    s.add_event(id, {2, 1, "pause", "", 0});
    s.add_event(id, {0, 1, "pause", "", 0});
    s.add_event(id, {2, 2, "resume", "", 0});
    s.add_event(other, {1, 1, "pause", "", 0});
    const auto all = s.load_trials(id);
    BOOST_TEST_REQUIRE(all.size() == 4u);
    std::vector<std::int64_t> seen;
    std::vector<std::size_t> events;
    {
        store::snapshot same(s);
        s.for_each_trial(id, {.curves = true, .events = true, .only = {}},
                         [&](trial& t, const std::vector<trial_event>& e) {
                             const auto& want = all[static_cast<std::size_t>(t.number)];
                             BOOST_TEST((t.params == want.params));
                             BOOST_TEST((t.attrs == want.attrs));
                             BOOST_TEST((t.metrics == want.metrics));
                             BOOST_TEST(t.curve.size() == want.curve.size());
                             seen.push_back(t.number);
                             events.push_back(e.size());
                             for (const auto& x : e) BOOST_TEST(x.trial == t.number);
                         });
    }
    BOOST_TEST((seen == std::vector<std::int64_t>{0, 1, 2, 3}));
    BOOST_TEST((events == std::vector<std::size_t>{1, 0, 2, 0}));
    // Without curves, and one trial only.
    std::size_t calls = 0;
    s.for_each_trial(id, {.curves = false, .events = false, .only = 2},
                     [&](trial& t, const std::vector<trial_event>& e) {
                         ++calls;
                         BOOST_TEST(t.number == 2);
                         BOOST_TEST(t.curve.empty());
                         BOOST_TEST(e.empty());
                     });
    BOOST_TEST(calls == 1u);
    BOOST_TEST(s.trial_count(id) == 4);
    BOOST_TEST(s.event_count(id) == 3);
    BOOST_TEST((s.metric_names(id) ==
                std::vector<std::string>{"extra0", "extra1", "val_accuracy", "val_loss"}));
    std::vector<std::int64_t> order;
    s.for_each_event(id, [&](const trial_event& e) { order.push_back(e.trial); });
    BOOST_TEST((order == std::vector<std::int64_t>{0, 2, 2}));
}

// A store as an older caviar wrote it: the version 2 schema (tests/fixtures/store), with one
// study and one trial; version 1 lacked the attributes, checkpoints and events tables.
void write_old_store(const fs::path& file, int version) {
    std::ifstream in(std::string(CAVIAR_SOURCE_DIR) + "/tests/fixtures/store/schema_v2.sql");
    std::string ddl((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST_REQUIRE(!ddl.empty());
    fs::create_directories(file.parent_path());
    sqlite3* db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
    std::string sql =
        ddl +
        "INSERT INTO studies VALUES (1, 'alpha', 5, 10, 'val_accuracy', 'maximize', "
        "'00000000000000ff', 'x float [0, 1] linear\n', '', 'random', 'batch', 'mlp', 1.0);"
        "INSERT INTO trials (study_id, number, state, seed) VALUES (1, 0, 'complete', 3);";
    if (version == 1)
        sql +=
            "DROP TABLE attributes; DROP TABLE checkpoints; DROP TABLE events; "
            "PRAGMA user_version = 1;";
    else
        sql += "INSERT INTO events (study_id, trial, step, kind, at) VALUES (1, 0, 2, 'pause', 1);";
    char* error = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK,
                       (error ? error : ""));
    sqlite3_close(db);
}

BOOST_AUTO_TEST_CASE(upgrades_older_stores_in_place) {
    for (int version : {1, 2}) {
        fs::remove_all(file.parent_path());
        write_old_store(file, version);
        // Read-only, it says why it cannot be read as it is (its columns are not there yet);
        // a read-write open upgrades it (the reporting commands do that first).
        BOOST_CHECK_THROW(store(file, true), store_outdated);
        store s(file);
        BOOST_TEST(query(file, "PRAGMA user_version") == "4");
        auto st = s.find_study("alpha");
        BOOST_TEST_REQUIRE(st.has_value());
        BOOST_TEST(st->architecture.empty());
        BOOST_TEST(st->max_steps == 0);
        BOOST_TEST(st->parent.empty());  // v4: no link, no fingerprint yet
        BOOST_TEST(s.load_environments(st->id).empty());
        s.add_environment(st->id, R"({"caviar": "old"})");
        BOOST_TEST(s.load_environments(st->id).size() == 1u);
        BOOST_TEST(s.load_trials(st->id).size() == 1u);
        s.save_checkpoint(st->id, 0, {1, "x"});
        BOOST_TEST(s.load_checkpoint(st->id, 0)->bytes == "x");
        command_record c;
        c.kind = command_kind::stop;
        BOOST_TEST(s.post_command(st->id, c) > 0);
        if (version == 2) {  // an old event was decided by the strategy
            auto events = s.load_events(st->id);
            BOOST_TEST_REQUIRE(events.size() == 1u);
            BOOST_TEST(events[0].source == "strategy");
        }
    }
}

BOOST_AUTO_TEST_CASE(keeps_a_studys_link_and_its_environments_in_order) {
    store s(file);
    auto r = sample_study("alpha-retune-1");
    r.parent = "alpha";
    r.parent_store = "/elsewhere/old.db";
    r.link = "retune";
    auto id = s.create_study(r).id;
    auto back = s.find_study("alpha-retune-1");
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST(back->parent == "alpha");
    BOOST_TEST(back->parent_store == "/elsewhere/old.db");
    BOOST_TEST(back->link == "retune");
    s.add_environment(id, R"({"n": 1})");
    s.add_environment(id, R"({"n": 2})");
    auto envs = s.load_environments(id);
    BOOST_TEST_REQUIRE(envs.size() == 2u);
    BOOST_TEST(envs[0].fingerprint == R"({"n": 1})");
    BOOST_TEST(envs[1].fingerprint == R"({"n": 2})");
    BOOST_TEST(envs[0].seq < envs[1].seq);
    BOOST_TEST(envs[1].at > 0);
    BOOST_TEST(s.load_environments(id + 1).empty());
}

BOOST_AUTO_TEST_CASE(keeps_studies_apart) {
    store s(file);
    auto a = s.create_study(sample_study("alpha")).id;
    auto b = s.create_study(sample_study("beta")).id;
    s.insert_trial(a, sample_trial(0));
    s.insert_trial(b, sample_trial(0));
    s.insert_trial(b, sample_trial(1));
    s.add_point(b, 0, {1, {{"loss", 2.0}}});
    BOOST_TEST(s.load_trials(a).size() == 1u);
    BOOST_TEST(s.load_trials(a)[0].curve.empty());
    BOOST_TEST(s.load_trials(b).size() == 2u);
    BOOST_TEST(s.load_trials(b + 10).empty());
}

BOOST_AUTO_TEST_CASE(a_second_store_on_the_same_file_sees_the_data) {
    std::int64_t id = 0;
    {
        store first(file);
        id = first.create_study(sample_study("alpha")).id;
        first.insert_trial(id, sample_trial(0));
        first.add_point(id, 0, {1, {{"loss", 1.0}}});
        // Seen by another connection while the first is still open.
        store second(file);
        BOOST_TEST(second.find_study("alpha")->id == id);
        BOOST_TEST(second.load_trials(id).size() == 1u);
        second.insert_trial(id, sample_trial(1));
        BOOST_TEST(first.load_trials(id).size() == 2u);
    }
    // Reopened later: resume.
    store again(file);
    auto trials = again.load_trials(id);
    BOOST_REQUIRE(trials.size() == 2u);
    BOOST_TEST(trials[0].curve.size() == 1u);
    BOOST_TEST(std::get<double>(trials[1].params.at("momentum")) == 3.0);
}

BOOST_AUTO_TEST_CASE(read_only_reads_and_refuses_writes) {
    {
        store s(file);
        s.insert_trial(s.create_study(sample_study("alpha")).id, sample_trial(0));
    }
    store r(file, true);
    auto study = r.find_study("alpha");
    BOOST_REQUIRE(study);
    BOOST_TEST(r.load_trials(study->id).size() == 1u);
    auto e = error_of([&] { r.set_budget(study->id, 5); });
    BOOST_TEST(contains(e, file.string()));
    BOOST_TEST(contains(e, "readonly"));
}

BOOST_AUTO_TEST_CASE(read_only_fails_on_a_missing_file) {
    auto missing = dir.path / "nothing.db";
    auto e = error_of([&] { store s(missing, true); });
    BOOST_TEST(e == "no store at " + missing.string());
    BOOST_TEST(!fs::exists(missing));
}

BOOST_AUTO_TEST_CASE(fails_clearly_on_a_file_that_is_not_a_database) {
    auto text = dir.path / "notes.db";
    std::ofstream(text) << "this is a text file, not a SQLite database; it is long enough to "
                           "look like a header and some pages, which it is not at all.\n";
    for (bool read_only : {false, true}) {
        auto e = error_of([&] { store s(text, read_only); });
        BOOST_TEST(contains(e, "store " + text.string() + ": "));
        BOOST_TEST(contains(e, "not a database"));
    }
}

BOOST_AUTO_TEST_CASE(fails_clearly_on_another_programs_database) {
    auto other = dir.path / "other.db";
    sqlite3* db = nullptr;
    sqlite3_open(other.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE people (name TEXT)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    BOOST_TEST(contains(error_of([&] { store s(other); }), "not a caviar store"));
}

BOOST_AUTO_TEST_SUITE_END()
