// The pbt strategy: its explore step on each kind of dimension, its generations and exploits in
// a simulated study (tests/support/strategy_sim.hpp), and whole studies run by the real program.
#define BOOST_TEST_MODULE pbt
#include <boost/test/unit_test.hpp>

#include "../strategies/common/curves.hpp"
#include "../strategies/pbt/explore.hpp"
#include "report/lineage.hpp"
#include "store/store.hpp"
#include "support/process.hpp"
#include "support/strategy_sim.hpp"

#include <caviar/caviar.hpp>
#include <plugin/registry.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using caviar::dimension;
using caviar::scale;
using caviar::testing::sim_study;

std::string plugin_file(const std::string& name) {
    return std::string(CAVIAR_PLUGIN_OUTPUT_DIR) + "/" + name + ".so";
}

std::shared_ptr<caviar::strategy> make_pbt(const caviar::options& extra = {}) {
    caviar::options o;
    o.set("interval", std::int64_t{0});
    o.set("quantile", 0.25);
    o.set("resample_probability", 0.25);
    o.set("perturb_down", 0.8);
    o.set("perturb_up", 1.2);
    for (const auto& [k, v] : extra.values()) o.set(k, v);
    return caviar::registry::create<caviar::strategy>(
        caviar::registry::load_file(plugin_file("strategy_pbt")), o);
}

caviar::options with(std::string name, caviar::option_value v) {
    caviar::options o;
    o.set(std::move(name), std::move(v));
    return o;
}

bool near(double a, double b, double rel = 1e-9) {
    return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

// Records every job the strategy hands out, with the donor's params at that moment.
class recording : public caviar::strategy {
public:
    struct exploit {
        caviar::job j;
        caviar::params donor, before;
    };
    explicit recording(std::shared_ptr<caviar::strategy> s) : s_(std::move(s)) {}
    caviar::job next(caviar::study_view& study) override {
        caviar::job j = s_->next(study);
        auto all = study.trials();
        if (j.what == caviar::job::kind::resume && j.from >= 0)
            exploits.push_back({j, all[static_cast<std::size_t>(j.from)]->params,
                                all[static_cast<std::size_t>(j.trial)]->params});
        if (j.what == caviar::job::kind::start) origins.insert(j.origin);
        return j;
    }
    caviar::decision on_report(caviar::study_view& study, const caviar::trial& t, std::int64_t step,
                               const caviar::metrics& m) override {
        return s_->on_report(study, t, step, m);
    }
    void on_end(caviar::study_view& study, const caviar::trial& t) override {
        s_->on_end(study, t);
    }
    std::vector<exploit> exploits;
    std::set<std::string> origins;

private:
    std::shared_ptr<caviar::strategy> s_;
};

caviar::space lr_space() {
    return caviar::space({dimension::real("learning_rate", 1e-4, 1, scale::log)});
}

// The best learning rate moves from 0.1 at the start to 0.001 at the end (a decaying schedule
// wins); minimise.
double decaying_optimum(const caviar::params& p, std::int64_t step) {
    double opt = -1 - 2 * static_cast<double>(step) / 30;
    double d = std::log10(caviar::get_real(p, "learning_rate")) - opt;
    return d * d + 1.0 / static_cast<double>(step);
}

// Every "resume"/"exploit" from step s comes after all `population` members paused at s.
void check_in_step(const caviar::testing::sim_log& log, std::size_t population) {
    std::map<std::int64_t, std::size_t> paused_at;
    for (const auto& line : log.lines) {
        auto at = line.find('@');
        if (at == std::string::npos) continue;
        std::int64_t s = std::stoll(line.substr(at + 1));
        if (line.rfind("pause ", 0) == 0) ++paused_at[s];
        if (line.rfind("resume ", 0) == 0 || line.rfind("exploit ", 0) == 0)
            BOOST_TEST(paused_at[s] == population, line);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(explore_step)

BOOST_AUTO_TEST_CASE(log_dims_multiply_the_value) {
    auto d = dimension::real("lr", 1e-4, 1, scale::log);
    BOOST_TEST(near(caviar::to_double(caviar::strategies::pbt::perturb(d, 0.01, 0.8)), 0.008));
    BOOST_TEST(near(caviar::to_double(caviar::strategies::pbt::perturb(d, 0.01, 1.2)), 0.012));
    // Clipped to the bounds.
    BOOST_TEST(caviar::to_double(caviar::strategies::pbt::perturb(d, 0.9, 1.2)) == 1.0);
    BOOST_TEST(caviar::to_double(caviar::strategies::pbt::perturb(d, 1e-4, 0.8)) == 1e-4);
}

BOOST_AUTO_TEST_CASE(log1m_dims_multiply_the_distance_to_one) {
    auto d = dimension::real("beta", 0.9, 0.999, scale::log1m);
    BOOST_TEST(near(caviar::to_double(caviar::strategies::pbt::perturb(d, 0.99, 1.2)), 0.988));
    BOOST_TEST(near(caviar::to_double(caviar::strategies::pbt::perturb(d, 0.99, 0.8)), 0.992));
}

BOOST_AUTO_TEST_CASE(linear_dims_move_proportionally) {
    auto d = dimension::real("dropout", 0, 0.5);
    BOOST_TEST(near(caviar::to_double(caviar::strategies::pbt::perturb(d, 0.25, 1.2)), 0.3));
    // At 0 a product would stay put: it moves by (f - 1) × half the range instead.
    BOOST_TEST(near(caviar::to_double(caviar::strategies::pbt::perturb(d, 0.0, 1.2)), 0.05));
    auto signed_dim = dimension::real("shift", -1, 1);
    BOOST_TEST(
        near(caviar::to_double(caviar::strategies::pbt::perturb(signed_dim, -0.5, 0.8)), -0.7));
}

BOOST_AUTO_TEST_CASE(ints_and_steps_stay_on_their_grid_and_move) {
    auto units = dimension::integer("units", 8, 256, scale::log);
    BOOST_TEST(std::get<std::int64_t>(
                   caviar::strategies::pbt::perturb(units, std::int64_t{100}, 1.2)) == 120);
    auto layers = dimension::integer("layers", 1, 5);
    // 2 × 1.2 rounds back to 2: it moves one step instead.
    BOOST_TEST(std::get<std::int64_t>(
                   caviar::strategies::pbt::perturb(layers, std::int64_t{2}, 1.2)) == 3);
    BOOST_TEST(std::get<std::int64_t>(
                   caviar::strategies::pbt::perturb(layers, std::int64_t{1}, 0.8)) == 1);
    auto ratio = dimension::real("ratio", 0, 1, scale::linear, 0.25);
    auto moved = caviar::strategies::pbt::perturb(ratio, 0.5, 1.2);
    BOOST_TEST(caviar::to_double(moved) == 0.75);
    BOOST_TEST(ratio.contains(moved));
}

BOOST_AUTO_TEST_CASE(choices_move_to_a_neighbour) {
    auto d = dimension::categorical(
        "act", {std::string("relu"), std::string("tanh"), std::string("gelu")});
    using caviar::value;
    BOOST_TEST((caviar::strategies::pbt::perturb(d, std::string("tanh"), 1.2) ==
                value(std::string("gelu"))));
    BOOST_TEST((caviar::strategies::pbt::perturb(d, std::string("tanh"), 0.8) ==
                value(std::string("relu"))));
    BOOST_TEST((caviar::strategies::pbt::perturb(d, std::string("relu"), 0.8) ==
                value(std::string("tanh"))));
}

BOOST_AUTO_TEST_CASE(explored_params_stay_in_a_conditional_space) {
    caviar::space s({dimension::categorical("optimizer", {std::string("sgd"), std::string("adam")}),
                     dimension::real("beta2", 0.9, 0.9999, scale::log1m)
                         .when("optimizer", {std::string("adam")}),
                     dimension::integer("units", 8, 256, scale::log),
                     dimension::real("lr", 1e-4, 1, scale::log)});
    std::vector<std::string> arch{"units"};
    auto fixed = caviar::strategies::pbt::architecture_closure(s, arch);
    caviar::rng r(3);
    caviar::params donor{
        {"optimizer", std::string("sgd")}, {"units", std::int64_t{64}}, {"lr", 0.01}};
    int switched = 0;
    for (int i = 0; i < 200; ++i) {
        auto p = caviar::strategies::pbt::explore(s, fixed, donor, {}, r);
        BOOST_TEST_REQUIRE(s.contains(p));
        BOOST_TEST(std::get<std::int64_t>(p.at("units")) == 64);
        switched += p.count("beta2") == 1;
    }
    BOOST_TEST(switched > 0);  // optimizer moved to adam and beta2 was sampled
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pbt_schedule)

BOOST_AUTO_TEST_CASE(generations_stay_in_step_with_two_workers) {
    sim_study study({.space = lr_space(), .budget = 8, .max_steps = 30});
    recording strat(make_pbt());
    caviar::testing::simulate(strat, study, 2, decaying_optimum);
    BOOST_TEST(study.count(caviar::trial_state::complete) == 8);
    for (const auto* t : study.trials()) BOOST_TEST(t->steps == 30);
    check_in_step(study.log, 8);
    // interval 0 = max_steps / 10: a pause at 3, 6, ..., 27 for each member.
    BOOST_TEST(study.log.count("pause ") == 8u * 9u);
    BOOST_TEST(study.log.count("start ") == 8u);
    BOOST_TEST((strat.origins == std::set<std::string>{"pbt member"}));
}

BOOST_AUTO_TEST_CASE(the_bottom_quantile_exploits_the_top_each_generation) {
    sim_study study({.space = lr_space(), .budget = 8, .max_steps = 30});
    recording strat(make_pbt(with("interval", std::int64_t{5})));
    caviar::testing::simulate(strat, study, 3, decaying_optimum);
    // Generations at 5, 10, ..., 25: two exploits each (a quarter of 8).
    std::map<std::int64_t, std::vector<caviar::testing::sim_study::exploit_record>> by_step;
    for (const auto& e : study.exploits) by_step[e.step].push_back(e);
    BOOST_TEST(by_step.size() == 5u);
    for (const auto& [s, list] : by_step) {
        BOOST_TEST(list.size() == 2u, "step " << s);
        // Rank every member by its value at s (curves keep each member's own past).
        std::vector<std::pair<double, std::int64_t>> ranked;
        for (const auto* t : study.trials())
            ranked.push_back({*caviar::strategies::value_at(*t, "value", s), t->number});
        std::sort(ranked.begin(), ranked.end());
        std::set<std::int64_t> top{ranked[0].second, ranked[1].second};
        std::set<std::int64_t> bottom{ranked[6].second, ranked[7].second};
        for (const auto& e : list) {
            BOOST_TEST(bottom.count(e.trial) == 1u, "recipient " << e.trial << " at " << s);
            BOOST_TEST(top.count(e.from) == 1u, "donor " << e.from << " at " << s);
        }
    }
}

BOOST_AUTO_TEST_CASE(explored_params_keep_the_space_and_the_donors_architecture) {
    caviar::space s(
        {dimension::real("learning_rate", 1e-4, 1, scale::log),
         dimension::real("beta", 0.9, 0.999, scale::log1m),
         dimension::integer("units", 8, 256, scale::log),
         dimension::categorical("activation", {std::string("relu"), std::string("tanh")})});
    sim_study study({.space = s,
                     .budget = 16,
                     .max_steps = 40,
                     .architecture = {"units", "activation"},
                     .seed = 5});
    recording strat(make_pbt(with("interval", std::int64_t{2})));
    caviar::testing::simulate(strat, study, 4, decaying_optimum);
    BOOST_TEST_REQUIRE(strat.exploits.size() == 19u * 4u);
    int down = 0, up = 0, other = 0;
    for (const auto& e : strat.exploits) {
        BOOST_TEST(s.contains(e.j.params));
        BOOST_TEST((e.j.params.at("units") == e.donor.at("units")));
        BOOST_TEST((e.j.params.at("activation") == e.donor.at("activation")));
        double ratio = caviar::get_real(e.j.params, "learning_rate") /
                       caviar::get_real(e.donor, "learning_rate");
        if (near(ratio, 0.8))
            ++down;
        else if (near(ratio, 1.2))
            ++up;
        else
            ++other;  // resampled, or clipped at a bound
    }
    // Three in four perturbed, half of those each way.
    BOOST_TEST(down > 15);
    BOOST_TEST(up > 15);
    BOOST_TEST(other > 5);
    BOOST_TEST(other < 40);
    // The params a member ends with are those of its last exploit (or its own).
    for (const auto& e : strat.exploits) BOOST_TEST(e.j.params != e.before);
}

BOOST_AUTO_TEST_CASE(exploits_beat_the_same_members_without_them) {
    auto final_values = [](double quantile) {
        sim_study study({.space = lr_space(), .budget = 8, .max_steps = 30, .seed = 11});
        auto strat = make_pbt(with("quantile", quantile));
        caviar::testing::simulate(*strat, study, 2, decaying_optimum);
        std::vector<double> v;
        for (const auto* t : study.trials()) v.push_back(*t->value);
        return std::make_pair(v, study.log.lines);
    };
    auto [fixed, fixed_log] = final_values(0.0);
    auto [pbt, pbt_log] = final_values(0.25);
    BOOST_TEST(fixed_log.size() > 0u);
    BOOST_TEST(std::count_if(pbt_log.begin(), pbt_log.end(),
                             [](auto& l) { return l.rfind("exploit", 0) == 0; }) > 0);
    double best_fixed = *std::min_element(fixed.begin(), fixed.end());
    double best_pbt = *std::min_element(pbt.begin(), pbt.end());
    double mean_fixed = std::accumulate(fixed.begin(), fixed.end(), 0.0) / 8;
    double mean_pbt = std::accumulate(pbt.begin(), pbt.end(), 0.0) / 8;
    BOOST_TEST_MESSAGE("best " << best_fixed << " -> " << best_pbt << ", mean " << mean_fixed
                               << " -> " << mean_pbt);
    BOOST_TEST(best_pbt < best_fixed);
    BOOST_TEST(mean_pbt < mean_fixed);
    // Deterministic: the same study again gives the same schedule and values.
    auto [again, again_log] = final_values(0.25);
    BOOST_TEST(again == pbt);
    BOOST_TEST(again_log == pbt_log);
}

BOOST_AUTO_TEST_CASE(a_new_strategy_continues_members_paused_at_different_steps) {
    // As after an interrupt: a fresh strategy object sees members paused at 3 and at 6.
    sim_study study({.space = lr_space(), .budget = 4, .max_steps = 12});
    auto first = make_pbt(with("interval", std::int64_t{3}));
    auto run_job = [&](caviar::strategy& s, const caviar::job& j) {
        caviar::trial& t = j.what == caviar::job::kind::start ? study.start(j) : study.resume(j);
        std::int64_t limit = j.steps > 0 ? j.steps : study.max_steps();
        for (;;) {
            auto d = study.report(t, decaying_optimum(t.params, t.steps + 1), s);
            if (d.what == caviar::decision::kind::pause) {
                study.end(t, caviar::trial_state::paused, d.reason, s);
                return;
            }
            if (t.steps >= limit) {
                study.end(t, caviar::trial_state::complete, "", s);
                return;
            }
        }
    };
    for (int i = 0; i < 4; ++i) run_job(*first, first->next(study));  // all paused at 3
    for (int i = 0; i < 2; ++i) run_job(*first, first->next(study));  // two move on to 6
    std::size_t cut = study.log.lines.size();
    auto second = make_pbt(with("interval", std::int64_t{3}));
    caviar::testing::simulate(*second, study, 2, decaying_optimum);
    BOOST_TEST(study.count(caviar::trial_state::complete) == 4);
    // The two members left at 3 go first.
    for (std::size_t i = cut; i < cut + 2; ++i)
        BOOST_TEST((study.log.lines[i].find("@3") != std::string::npos), study.log.lines[i]);
    for (const auto* t : study.trials()) BOOST_TEST(t->steps == 12);
}

BOOST_AUTO_TEST_CASE(refuses_a_model_without_checkpoints) {
    sim_study study({.space = lr_space(), .budget = 4, .max_steps = 10, .capabilities = {}});
    auto strat = make_pbt();
    BOOST_CHECK_EXCEPTION(strat->next(study), std::invalid_argument,
                          [](const std::invalid_argument& e) {
                              return std::string(e.what()).find("checkpoints") != std::string::npos;
                          });
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

using caviar::test::run;
using caviar::test::temp_dir;
using json = nlohmann::json;

const std::string bin = CAVIAR_BIN;

// A population of 8 on the learning_curve model (units is architecture), 30 steps, a
// generation every 3.
std::string pbt_file(const std::string& model_extra = "") {
    return "[experiment]\n"
           "name = \"pbt\"\nseed = 3\ntrials = 8\nthreads = 2\n"
           "objective = { metric = \"val_loss\", direction = \"minimize\" }\n"
           "store = \"study.db\"\n"
           "[space]\n"
           "learning_rate = { float = [0.01, 0.45], scale = \"log\" }\n"
           "units = { int = [8, 256], scale = \"log\" }\n"
           "dropout = { float = [0, 0.5] }\n"
           "[strategy]\nplugin = \"pbt\"\ninterval = 3\n"
           "[model]\nplugin = \"learning_curve\"\nsteps = 30\narchitecture = \"units\"\n" +
           model_extra;
}

json trials_json(const std::filesystem::path& db) {
    auto r = run({bin, "trials", db.string(), "--format", "json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    return json::parse(r.out);
}

std::vector<caviar::exploit_record> stored_exploits(const std::filesystem::path& db) {
    caviar::store s(db, true);
    return caviar::exploits(s.load_events(s.studies().front().id));
}

caviar::params params_of(const json& j) {
    caviar::params p;
    for (const auto& [k, v] : j.items()) {
        if (v.is_number_integer())
            p[k] = v.get<std::int64_t>();
        else if (v.is_number())
            p[k] = v.get<double>();
        else
            p[k] = v.get<std::string>();
    }
    return p;
}

// The checks every finished PBT study must pass: all members complete after the full run with
// an unbroken curve; exploits in the store; each member's stored params are those of its last
// exploit; every exploit kept the donor's architecture (units) as the donor had it then.
void check_finished_study(const std::filesystem::path& db) {
    auto trials = trials_json(db);
    BOOST_TEST_REQUIRE(trials.size() == 8u);
    for (const auto& t : trials) {
        BOOST_TEST(t["state"] == "complete", t.dump());
        BOOST_TEST(t["steps"] == 30);
        BOOST_TEST(t["origin"] == "pbt member");
    }
    auto curves = json::parse(run({bin, "curves", db.string(), "--format", "json"}).out);
    for (const auto& c : curves) {
        BOOST_TEST_REQUIRE(c["points"].size() == 30u, c["trial"]);
        for (std::size_t i = 0; i < 30; ++i) BOOST_TEST(c["points"][i]["step"] == i + 1);
    }
    auto exps = stored_exploits(db);
    BOOST_TEST(exps.size() >= 9u * 2u);  // 9 generations (3, 6, ..., 27), a quarter of 8 each
    std::map<std::int64_t, caviar::params> now, first_old;
    for (const auto& t : trials) now[t["number"]] = params_of(t["params"]);
    // Replay: params of trial n just before time `at`.
    auto before = [&](std::int64_t n, double at) {
        const caviar::exploit_record* last = nullptr;
        for (const auto& e : exps)
            if (e.trial == n && e.at < at) last = &e;
        if (last) return last->new_params;
        for (const auto& e : exps)
            if (e.trial == n) return e.old_params;
        return now[n];
    };
    std::map<std::int64_t, const caviar::exploit_record*> last_of;
    for (const auto& e : exps) {
        last_of[e.trial] = &e;
        BOOST_TEST(e.step % 3 == 0);
        BOOST_TEST(e.from_step == e.step);  // the population stays in step
        auto donor = before(e.from, e.at);
        BOOST_TEST((e.new_params.at("units") == donor.at("units")), "exploit of " << e.trial);
        BOOST_TEST((e.new_params != donor));  // explored
    }
    for (const auto& [n, e] : last_of) BOOST_TEST((now[n] == e->new_params), "trial " << n);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pbt_study)

BOOST_AUTO_TEST_CASE(a_study_ends_with_every_member_complete_and_exploits_in_the_store) {
    temp_dir dir;
    auto file = dir.write("pbt.toml", pbt_file());
    auto r = run({bin, "run", file.string(), "-q"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    check_finished_study(dir / "study.db");
    // The report draws one jump per exploit.
    auto html = dir / "r.html";
    BOOST_TEST_REQUIRE(
        run({bin, "report", (dir / "study.db").string(), "-o", html.string()}).exit_code == 0);
    std::ifstream in(html);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::size_t jumps = 0;
    for (auto i = text.find("class=\"jump"); i != std::string::npos;
         i = text.find("class=\"jump", i + 1))
        ++jumps;
    BOOST_TEST(jumps == stored_exploits(dir / "study.db").size());
    BOOST_TEST(text.find("Lineage of the best trial") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lineage_follows_the_best_trial_back_to_a_start) {
    temp_dir dir;
    auto file = dir.write("pbt.toml", pbt_file());
    BOOST_TEST_REQUIRE(run({bin, "run", file.string(), "-q"}).exit_code == 0);
    auto db = (dir / "study.db").string();
    auto best = json::parse(run({bin, "best", db, "--json"}).out);
    auto r = run({bin, "lineage", db, "--format", "json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto l = json::parse(r.out);
    BOOST_TEST(l["trial"] == best["number"]);
    BOOST_TEST(l["exploits"].get<std::size_t>() >= 18u);
    const auto& chain = l["chain"];
    BOOST_TEST_REQUIRE(chain.size() >= 1u);
    BOOST_TEST(chain[0]["trial"] == best["number"]);
    BOOST_TEST(chain[0]["params"] == best["params"]);
    BOOST_TEST(chain[0]["to_step"] == 30);
    BOOST_TEST(chain.back()["from_step"] == 0);
    BOOST_TEST(!chain.back().contains("exploit"));
    for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
        BOOST_TEST(chain[i]["exploit"]["from"] == chain[i + 1]["trial"]);
        BOOST_TEST(chain[i]["from_step"] == chain[i + 1]["to_step"]);
        BOOST_TEST(chain[i]["exploit"]["donor"] == chain[i + 1]["params"]);
        BOOST_TEST(chain[i]["exploit"]["new"] == chain[i]["params"]);
        BOOST_TEST(chain[i]["exploit"]["donor"]["units"] == chain[i]["params"]["units"]);
    }
    auto text = run({bin, "lineage", db});
    BOOST_TEST(text.exit_code == 0);
    BOOST_TEST(text.out.find("lineage of trial " + best["number"].dump()) == 0u, text.out);
    BOOST_TEST(text.out.find("started from scratch") != std::string::npos, text.out);
    auto other = json::parse(run({bin, "lineage", db, "--trial", "3", "--format", "json"}).out);
    BOOST_TEST(other["trial"] == 3);
    auto missing = run({bin, "lineage", db, "--trial", "99"});
    BOOST_TEST(missing.exit_code == 2);
    BOOST_TEST(missing.err.find("no trial 99") != std::string::npos, missing.err);
}

BOOST_AUTO_TEST_CASE(an_interrupted_study_resumes_paused_members_from_their_checkpoints) {
    temp_dir dir;
    auto file = dir.write("pbt.toml", pbt_file("step_ms = 15\n"));
    auto db = dir / "study.db";
    caviar::test::process p({bin, "run", file.string(), "-q"});
    // Stop it once some exploits have happened, mid-study.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        BOOST_TEST_REQUIRE((std::chrono::steady_clock::now() < deadline));
        if (!std::filesystem::exists(db)) continue;
        try {
            if (stored_exploits(db).size() >= 4) break;
        } catch (const caviar::store_error&) {
        }
    }
    p.signal(SIGINT);
    auto stopped = p.wait();
    BOOST_TEST_REQUIRE(stopped.exit_code == 128 + SIGINT, stopped.err);
    auto mid = trials_json(db);
    std::size_t paused = 0;
    for (const auto& t : mid) {
        BOOST_TEST(t["state"] != "running");
        paused += t["state"] == "paused";
    }
    BOOST_TEST(paused > 0u);

    auto resumed = run({bin, "run", file.string(), "-q"});
    BOOST_TEST_REQUIRE(resumed.exit_code == 0, resumed.err);
    check_finished_study(db);
    // Paused members went on from their checkpoints, not from step 0.
    caviar::store s(db, true);
    std::size_t restarts = 0, resumes = 0;
    for (const auto& e : s.load_events(s.studies().front().id)) {
        restarts += e.kind == "restart";
        resumes += e.kind == "resume";
    }
    BOOST_TEST(restarts == 0u);
    BOOST_TEST(resumes > 0u);
}

BOOST_AUTO_TEST_CASE(the_example_trains_a_population_of_mlps) {
    temp_dir dir;
    auto db = dir / "pbt.db";
    auto r = run({bin, "run", std::string(CAVIAR_SOURCE_DIR) + "/examples/pbt.toml", "--store",
                  db.string(), "-q"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto trials = trials_json(db);
    BOOST_TEST(trials.size() == 8u);
    for (const auto& t : trials) BOOST_TEST(t["state"] == "complete", t.dump());
    BOOST_TEST(stored_exploits(db).size() == 9u * 2u);
    auto best = json::parse(run({bin, "best", db.string(), "--json"}).out);
    BOOST_TEST(best["value"].get<double>() > 0.9);
}

BOOST_AUTO_TEST_CASE(a_model_without_checkpoints_is_a_configuration_error) {
    temp_dir dir;
    auto file = dir.write("pbt.toml", pbt_file("checkpoints = false\n"));
    auto r = run({bin, "run", file.string(), "-q"});
    BOOST_TEST(r.exit_code == 2, r.err);  // before any trial runs (strategy::prepare)
    BOOST_TEST(r.err.find("pbt needs a model that saves checkpoints") != std::string::npos, r.err);
    BOOST_TEST(!std::filesystem::exists(dir / "study.db"));
}

BOOST_AUTO_TEST_SUITE_END()
