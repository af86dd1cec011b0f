#!/usr/bin/env bash
# Search quality: median regret (the functions model's `regret`: best value - known minimum) over
# 20 seeds after 100 trials, on branin and hartmann6, for each sampler, with 1 and 2 threads,
# running the real `caviar` program on a fresh store each time.
#   bench/search_quality.sh [BUILD_DIR] [SAMPLER...]     (default: random sobol tpe cmaes gp)
# SEEDS, TRIALS and FUNCTIONS (names with a box in stats.sh: branin hartmann6 rosenbrock ackley
# styblinski_tang) override the defaults.
# Samplers whose plugin is not built are skipped with a note.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
shift || true
samplers=("$@")
[ ${#samplers[@]} -gt 0 ] || samplers=(random sobol tpe cmaes gp)
caviar=$build/bin/caviar
plugins=$build/lib/caviar/plugins
seeds=${SEEDS:-20}
trials=${TRIALS:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source "$here/stats.sh"

write_experiment() {  # FILE FUNCTION: the space is the function's box
  local space
  space=$(function_space "$2")
  cat > "$1" <<TOML
[experiment]
name = "quality"
trials = $trials
objective = { metric = "value", direction = "minimize" }
[space]
$space
[model]
plugin = "functions"
function = "$2"
TOML
}

echo "## Search quality: median regret over $seeds seeds after $trials trials (q25-q75 in brackets)"
printf "%-16s %-8s %-7s %-10s %s\n" function sampler threads median "[q25, q75]"
for fn in ${FUNCTIONS:-branin hartmann6}; do
  write_experiment "$work/$fn.toml" "$fn"
  for s in "${samplers[@]}"; do
    if [ ! -f "$plugins/sampler_$s.so" ]; then
      printf "%-16s %-8s skipped: sampler_%s.so is not built\n" "$fn" "$s" "$s"
      continue
    fi
    for threads in 1 2; do
      regrets=$(for seed in $(seq 1 "$seeds"); do
        rm -f "$work"/s.db*
        "$caviar" run "$work/$fn.toml" --store "$work/s.db" -q --threads "$threads" \
          --set "sampler.plugin=$s" --set "experiment.seed=$seed" >/dev/null
        "$caviar" best "$work/s.db" --json | jq -r '.metrics.regret'
      done)
      read -r med q1 q3 <<<"$(echo "$regrets" | quartiles)"
      printf "%-16s %-8s %-7s %-10s [%s, %s]\n" "$fn" "$s" "$threads" "$med" "$q1" "$q3"
    done
  done
done
