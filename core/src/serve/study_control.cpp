#include "serve/study_control.hpp"

#include "store/params_json.hpp"

#include <caviar/seed.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

namespace caviar {

namespace {

double unix_now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

bool ended(const command_record& c) {
    return c.state == "applied" || c.state == "refused" || c.state == "dropped";
}

std::optional<study_lock> take_if_idle(const std::filesystem::path& store_file,
                                       const study_record& s) {
    try {
        std::optional<study_lock> lock;
        lock.emplace(study_lock_file(store_file, s.name), s.name);
        return lock;
    } catch (const study_busy&) {
        return std::nullopt;
    }
}

command_record post_and_wait(store& db, const std::filesystem::path& store_file,
                             const study_record& s, command_record c, const wait_options& w) {
    c.seq = db.post_command(s.id, c);
    if (!w.wait) return *db.find_command(c.seq);
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    auto last_check = start;
    bool told_accepted = false;
    for (;;) {
        auto now_c = db.find_command(c.seq);
        if (!now_c)
            throw store_error("command " + std::to_string(c.seq) + " vanished from the store");
        if (ended(*now_c)) return *now_c;
        if (now_c->state == "accepted" && !told_accepted) {
            told_accepted = true;
            std::fprintf(stderr, "caviar ctl: accepted: %s\n", now_c->result.c_str());
        }
        auto now = clock::now();
        double waited = std::chrono::duration<double>(now - start).count();
        if (w.timeout > 0 && waited >= w.timeout) return *now_c;
        // The process may end without taking it (the study finished): then nobody will.
        if (now - last_check >= std::chrono::seconds(1)) {
            last_check = now;
            if (auto lock = take_if_idle(store_file, s)) {
                auto again = db.find_command(c.seq);
                if (again && ended(*again)) return *again;
                db.set_command_state(c.seq, "dropped",
                                     "the study ended before the command could apply");
                return *db.find_command(c.seq);
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
}

std::string apply_to_store(store& db, const study_record& s, command_record& c) {
    store::unit u(db);
    std::string result;
    switch (c.kind) {
        case command_kind::budget:
            db.set_budget(s.id, c.amount);
            result = "budget " + std::to_string(s.budget) + " → " + std::to_string(c.amount) +
                     " trials (the next caviar run of the study uses it)";
            break;
        case command_kind::enqueue: {
            trial t;
            t.number = db.next_trial_number(s.id);
            t.seed = derive_seed(s.seed, static_cast<std::uint64_t>(t.number));
            t.params = c.params;
            t.state = trial_state::queued;
            t.origin = "enqueued";
            db.insert_trial(s.id, t);
            db.add_event(s.id,
                         {.trial = t.number,
                          .step = 0,
                          .kind = "enqueue",
                          .detail = nlohmann::json{{"params", params_to_json(t.params)}}.dump(),
                          .at = unix_now(),
                          .source = "enqueue"});
            c.trial = t.number;
            result = "queued as trial " + std::to_string(t.number) +
                     " (the next caviar run of the study runs it first)";
            break;
        }
        case command_kind::prune: {
            auto trials = db.load_trials(s.id);
            trial t = trials.at(static_cast<std::size_t>(c.trial));
            t.state = trial_state::pruned;
            t.error = "manual";
            t.finished_at = unix_now();
            db.update_trial(s.id, t);  // deletes its checkpoint with it
            db.add_event(s.id, {.trial = t.number,
                                .step = t.steps,
                                .kind = "prune",
                                .detail = nlohmann::json{{"reason", "manual"}}.dump(),
                                .at = unix_now(),
                                .source = "manual"});
            result =
                "trial " + std::to_string(t.number) + " pruned at step " + std::to_string(t.steps);
            break;
        }
        default:
            throw std::logic_error("apply_to_store: not a command for a study that does not run");
    }
    c.state = "applied";
    c.result = result;
    c.posted_at = c.applied_at = unix_now();
    auto seq = db.post_command(s.id, c);  // kept, like the ones a running study applies
    db.set_command_state(seq, "applied", result, c.trial);
    u.commit();
    return result;
}

}  // namespace caviar
