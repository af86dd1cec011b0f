#include "run/executor.hpp"

#include <omp.h>

#include <exception>

namespace caviar {

namespace {

// One trial on the calling thread. Returns normally in every case.
void run_trial(coordinator& coord, const model& m, const execution_context& ctx,
               const assignment& a) {
    const std::string& model_name = ctx.model_name;
    std::int64_t limit = a.steps > 0 ? a.steps : m.max_steps();
    std::int64_t step = 0;
    try {
        run_context rc{.trial = a.number,
                       .study = ctx.study,
                       .workdir = ctx.files / ("trial-" + std::to_string(a.number))};
        std::unique_ptr<run> r = m.start(a.params, a.seed, rc);
        for (;;) {
            if (coord.stop_requested()) {
                coord.interrupt(a.number);
                return;
            }
            metrics values = r->step();
            ++step;
            decision d = coord.report(a.number, step, values);
            switch (d.what) {
                case decision::kind::go_on:
                    break;
                case decision::kind::complete:
                    coord.end(a.number, {trial_state::complete, d.reason});
                    return;
                case decision::kind::prune:
                    coord.end(a.number, {trial_state::pruned, d.reason});
                    return;
                case decision::kind::pause:
                    coord.end(a.number, {trial_state::paused, d.reason});
                    return;
            }
            if (r->done() || (limit > 0 && step >= limit)) {
                coord.end(a.number, {trial_state::complete, {}});
                return;
            }
        }
    } catch (const std::exception& e) {
        coord.end(a.number, {trial_state::failed, "model \"" + model_name + "\": " + e.what()});
    } catch (...) {
        coord.end(a.number,
                  {trial_state::failed, "model \"" + model_name + "\": unknown exception"});
    }
}

}  // namespace

int worker_count(int threads) {
    return threads > 0 ? threads : omp_get_num_procs();
}

void execute(coordinator& coord, const model& m, const execution_context& ctx) {
    int workers = worker_count(ctx.threads);
#pragma omp parallel num_threads(workers)
    {
        // Nothing may escape an OpenMP region: run_trial catches the model's exceptions, and
        // the coordinator turns its own failures into a fatal study error.
        try {
            while (auto a = coord.next()) run_trial(coord, m, ctx, *a);
        } catch (const std::exception& e) {
            coord.fail(std::string("worker failed: ") + e.what());
        }
    }
}

}  // namespace caviar
