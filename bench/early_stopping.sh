#!/usr/bin/env bash
# Early stopping on real training: hyperband, asha and successive_halving versus batch random
# search with the same number of trials, on the mlp model and the digits data, over several
# seeds. For each run: the best validation accuracy of a complete trial (one trained for the full
# epochs), the epochs trained in all (the steps the run made), the wall time and how busy the
# workers were (the run summary's "workers busy" share; the rest is idle time at barriers).
#   bench/early_stopping.sh [BUILD_DIR]        SEEDS=5 TRIALS=81 EPOCHS=27 THREADS=2
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
caviar=$build/bin/caviar
data=$(cd "$here/../examples/data" && pwd)/digits.csv.gz
seeds=${SEEDS:-5}
trials=${TRIALS:-81}
epochs=${EPOCHS:-27}
threads=${THREADS:-2}
strategies=${STRATEGIES:-batch hyperband asha successive_halving}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source "$here/stats.sh"

write_experiment() {  # FILE STRATEGY SEED
  local strategy_options=""
  case $2 in
    hyperband | asha | successive_halving) strategy_options="min_steps = 1
eta = 3" ;;
  esac
  cat > "$1" <<TOML
[experiment]
name = "es"
seed = $3
trials = $trials
threads = $threads
objective = { metric = "val_accuracy", direction = "maximize" }
[space]
layers        = { int = [1, 4] }
units         = { int = [16, 256], scale = "log" }
learning_rate = { float = [1e-3, 0.5], scale = "log" }
beta          = { float = [0.5, 0.999], scale = "log1m" }
activation    = { choices = ["relu", "tanh"] }
[sampler]
plugin = "random"
[strategy]
plugin = "$2"
$strategy_options
[model]
plugin = "mlp"
data = "$data"
epochs = $epochs
TOML
}

echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
echo "mlp on digits, random sampler, $trials trials of up to $epochs epochs, $threads threads, seeds 1..$seeds"
echo
printf "%-20s %4s  %8s  %7s  %7s  %5s\n" strategy seed best_acc epochs seconds busy
for strategy in $strategies; do
  for seed in $(seq "$seeds"); do
    write_experiment "$work/e.toml" "$strategy" "$seed"
    rm -f "$work"/s.db*
    t0=$(date +%s.%N)
    summary=$("$caviar" run "$work/e.toml" --store "$work/s.db" -q | grep "this run took")
    t1=$(date +%s.%N)
    steps=$(sed -E 's/.*\(([0-9]+) steps.*/\1/' <<<"$summary")
    busy=$(sed -E 's/.*workers busy ([0-9]+)%.*/\1/' <<<"$summary")
    best=$("$caviar" best "$work/s.db" --json | sed -nE 's/^  "value": ([0-9.eE+-]+),?$/\1/p')
    printf "%-20s %4d  %8.4f  %7d  %7.1f  %4d%%\n" "$strategy" "$seed" "$best" "$steps" \
      "$(echo "$t1 - $t0" | bc -l)" "$busy" | tee -a "$work/rows"
  done
done

echo
echo "## Medians over $seeds seeds"
printf "%-20s  %8s  %7s  %12s  %7s  %5s\n" strategy best_acc epochs "epochs/batch" seconds busy
batch_epochs=$(awk '$1 == "batch" { print $4 }' "$work/rows" | median)
for strategy in $strategies; do
  rows=$(awk -v s="$strategy" '$1 == s' "$work/rows")
  [ -n "$rows" ] || continue
  acc=$(awk '{ print $3 }' <<<"$rows" | median)
  ep=$(awk '{ print $4 }' <<<"$rows" | median)
  sec=$(awk '{ print $5 }' <<<"$rows" | median)
  busy=$(awk '{ sub("%", "", $6); print $6 }' <<<"$rows" | median)
  ratio=$(echo "$ep / $batch_epochs" | bc -l)
  printf "%-20s  %8.4f  %7d  %12.3f  %7.1f  %4.0f%%\n" "$strategy" "$acc" "$ep" "$ratio" "$sec" "$busy"
done
