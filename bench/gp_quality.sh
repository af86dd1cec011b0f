#!/usr/bin/env bash
# The gp sampler's search quality (issue "A Gaussian-process sampler"): median regret over 20
# seeds after 50 and 100 trials on branin, hartmann6, rosenbrock (4-D), ackley (5-D) and
# styblinski_tang (4-D), for gp, tpe, cmaes and random with 1 and 2 threads (search_quality.sh),
# then Optuna 3.1's TPE and CMA-ES on the same boxes and budgets when python3-optuna is
# installed (optuna_suite.py; each point evaluated by the same functions plugin through
# build/bin/suite_eval).
#   bench/gp_quality.sh [BUILD_DIR]          SEEDS (20) and BUDGETS ("50 100") override
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
seeds=${SEEDS:-20}
functions="branin hartmann6 rosenbrock ackley styblinski_tang"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$here/stats.sh"

for trials in ${BUDGETS:-50 100}; do
  SEEDS=$seeds TRIALS=$trials FUNCTIONS=$functions "$here/search_quality.sh" "$build" gp tpe cmaes random
  echo
done

if ! /usr/bin/python3 -c 'import optuna' 2>/dev/null; then
  echo "note: python3-optuna is not installed: no Optuna figures"
  exit 0
fi
echo "## Optuna $(/usr/bin/python3 -c 'import optuna; print(optuna.__version__)'): median regret over $seeds seeds (q25-q75 in brackets)"
printf "%-16s %-8s %-7s %-10s %s\n" function sampler trials median "[q25, q75]"
for trials in ${BUDGETS:-50 100}; do
  for fn in $functions; do
    { echo "[experiment]"; echo "name = \"q\""; echo "objective = { metric = \"value\", direction = \"minimize\" }"
      echo "[space]"; function_space "$fn"; echo "[model]"; echo "plugin = \"functions\""; echo "function = \"$fn\""; } > "$work/$fn.toml"
    for s in tpe cmaes; do
      read -r med q1 q3 <<<"$(/usr/bin/python3 "$here/optuna_suite.py" "$build/bin/suite_eval" "$work/$fn.toml" "$s" 1 "$seeds" "$trials" | quartiles)"
      printf "%-16s %-8s %-7s %-10s [%s, %s]\n" "$fn" "$s" "$trials" "$med" "$q1" "$q3"
    done
  done
done
