#!/usr/bin/env bash
# Coarse to fine against plain random search at the same trial budget: the `coarse_to_fine`
# strategy (random sampler inside each round's box) and one round of random search (`batch`),
# on branin and hartmann6, over SEEDS seeds (default 20: experiment.seed 1..20) of TRIALS trials
# (default 100), running the real `caviar` program on a fresh store each time. Reports the
# median best value and the median regret (best - known minimum) with its quartiles, the ratio
# of median regrets (c2f / random, below 1 = c2f better) and, seed by seed, how often c2f's
# regret was lower, equal (its first round is random search's first trials, so when neither
# finds better later the two tie) or higher.
#   bench/c2f_vs_random.sh [BUILD_DIR] [ROUNDS...]     (default rounds: 2 3 5)
set -euo pipefail
shopt -s inherit_errexit  # a failed run inside $(...) stops the script too
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
shift || true
rounds_list=("$@")
[ ${#rounds_list[@]} -gt 0 ] || rounds_list=(2 3 5)
caviar=$build/bin/caviar
seeds=${SEEDS:-20}
trials=${TRIALS:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$build/lib/caviar/plugins/strategy_coarse_to_fine.so" ]; then
  echo "strategy_coarse_to_fine.so is not built in $build" >&2
  exit 1
fi

source "$here/stats.sh"

write_experiment() {  # FILE FUNCTION: the space is the function's box
  local space
  space=$(function_space "$2")
  cat > "$1" <<TOML
[experiment]
name = "c2f-bench"
trials = $trials
objective = { metric = "value", direction = "minimize" }
[space]
$space
[sampler]
plugin = "random"
[model]
plugin = "functions"
function = "$2"
TOML
}

# One line per seed: "best_value regret" of a fresh study with the given --set overrides.
run_seeds() {  # FILE SET...
  local file=$1; shift
  local sets=()
  for s in "$@"; do sets+=(--set "$s"); done
  for seed in $(seq 1 "$seeds"); do
    rm -f "$work"/s.db*
    "$caviar" run "$file" --store "$work/s.db" -q --threads 1 --set "experiment.seed=$seed" \
      "${sets[@]}" >/dev/null
    "$caviar" best "$work/s.db" --json | jq -r '"\(.value) \(.metrics.regret)"'
  done
}

echo "## Coarse to fine (random inside) vs random search: $seeds seeds, $trials trials each"
printf "%-10s %-26s %-12s %-12s %-24s %-8s %s\n" function strategy "best value" regret \
  "regret [q25, q75]" ratio "c2f won-tied-lost"
for fn in branin hartmann6; do
  write_experiment "$work/$fn.toml" "$fn"
  base=$(run_seeds "$work/$fn.toml" "strategy.plugin=batch")
  read -r bv _ _ <<<"$(echo "$base" | cut -d' ' -f1 | quartiles)"
  read -r br bq1 bq3 <<<"$(echo "$base" | cut -d' ' -f2 | quartiles)"
  printf "%-10s %-26s %-12s %-12s %-24s %-8s %s\n" "$fn" "random (1 round)" "$bv" "$br" \
    "[$bq1, $bq3]" "1" "-"
  for rounds in "${rounds_list[@]}"; do
    c2f=$(run_seeds "$work/$fn.toml" "strategy.plugin=coarse_to_fine" "strategy.rounds=$rounds")
    read -r cv _ _ <<<"$(echo "$c2f" | cut -d' ' -f1 | quartiles)"
    read -r cr cq1 cq3 <<<"$(echo "$c2f" | cut -d' ' -f2 | quartiles)"
    wins=$(paste -d' ' <(echo "$base" | cut -d' ' -f2) <(echo "$c2f" | cut -d' ' -f2) |
      awk '$2 < $1 { w++ } $2 == $1 { t++ } $2 > $1 { l++ } END { printf "%d-%d-%d", w, t, l }')
    printf "%-10s %-26s %-12s %-12s %-24s %-8.3g %s\n" "$fn" "coarse_to_fine, $rounds rounds" \
      "$cv" "$cr" "[$cq1, $cq3]" "$(echo "$cr / $br" | bc -l)" "$wins"
  done
done
