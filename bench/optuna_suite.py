#!/usr/bin/python3
"""Optuna 3.1's side of bench/suite_quality.sh: one sampler on one experiment file, many seeds.

    optuna_suite.py SUITE_EVAL EXPERIMENT.toml tpe|cmaes FIRST_SEED SEEDS TRIALS

Reads the space from the experiment's [space] table and has every point evaluated by
SUITE_EVAL (bench/suite_eval.cpp: the experiment's own `functions` model), so Optuna searches
the same problem as caviar: same box, options and code. Prints, for SEEDS seeds from FIRST_SEED, the regret
of the best trial of a study of TRIALS trials with the sampler's default settings (seeded).
"""
import subprocess
import sys
import tomllib

import optuna


def main():
    suite_eval, experiment, sampler_name, first, seeds, trials = sys.argv[1:7]
    with open(experiment, "rb") as f:
        space = tomllib.load(f)["space"]
    names = list(space)  # the file's order, as caviar reads it
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    evaluator = subprocess.Popen(
        [suite_eval, experiment], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )

    def evaluate(values):
        evaluator.stdin.write(" ".join(str(v) for v in values) + "\n")
        evaluator.stdin.flush()
        value, regret = evaluator.stdout.readline().split()
        return float(value), float(regret)

    def suggest(trial, name, spec):
        log = spec.get("scale") == "log"
        if "float" in spec:
            return trial.suggest_float(name, *spec["float"], log=log)
        if "int" in spec:
            return trial.suggest_int(name, *spec["int"], log=log)
        return trial.suggest_categorical(name, spec["choices"])

    for seed in range(int(first), int(first) + int(seeds)):
        if sampler_name == "tpe":
            sampler = optuna.samplers.TPESampler(seed=seed)
        else:
            sampler = optuna.samplers.CmaEsSampler(seed=seed)
        study = optuna.create_study(sampler=sampler, direction="minimize")
        regrets = []

        def objective(trial):
            value, regret = evaluate([suggest(trial, n, space[n]) for n in names])
            regrets.append(regret)
            return value

        study.optimize(objective, n_trials=int(trials))
        # The model is noiseless: the best value's trial has the lowest regret.
        print(f"{min(regrets):.10g}", flush=True)
    evaluator.stdin.close()
    evaluator.wait()


if __name__ == "__main__":
    main()
