#!/usr/bin/env bash
# Population-based training versus batch random search at the same total epochs, on the mlp
# model and the digits data, over several seeds: pbt with a population of P members trained for
# E epochs each (exploit/explore every INTERVAL epochs), batch with P random trials of E epochs.
# Both draw their starting params from the random sampler with the same study seed, so seed s
# starts both from the same P configurations. For each run: the best validation accuracy of a
# complete trial, the epochs trained in all, the exploits (pbt), the wall time and how busy the
# workers were (the rest is idle time at pbt's generation barriers).
#   bench/pbt_vs_batch.sh [BUILD_DIR]     SEEDS=5 POPULATION=8 EPOCHS=30 INTERVAL=3 THREADS=2
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
caviar=$build/bin/caviar
data=$(cd "$here/../examples/data" && pwd)/digits.csv.gz
seeds=${SEEDS:-5}
population=${POPULATION:-8}
epochs=${EPOCHS:-30}
interval=${INTERVAL:-3}
threads=${THREADS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source "$here/stats.sh"

write_experiment() {  # FILE STRATEGY SEED
  local strategy_options=""
  [ "$2" = pbt ] && strategy_options="interval = $interval"
  cat > "$1" <<TOML
[experiment]
name = "pbt-bench"
seed = $3
trials = $population
threads = $threads
objective = { metric = "val_accuracy", direction = "maximize" }
[space]
layers        = { int = [1, 3] }
units         = { int = [16, 128], scale = "log" }
activation    = { choices = ["relu", "tanh"] }
learning_rate = { float = [1e-3, 0.5], scale = "log" }
beta          = { float = [0.5, 0.99], scale = "log1m" }
weight_decay  = { float = [1e-6, 1e-2], scale = "log" }
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
echo "mlp on digits, random sampler, $population trials (pbt: the population) of $epochs epochs," \
  "pbt interval $interval, $threads threads, seeds 1..$seeds"
echo
printf "%-8s %4s  %8s  %8s  %6s  %8s  %7s  %5s\n" strategy seed best_acc mean_acc epochs exploits seconds busy
for seed in $(seq "$seeds"); do
  for strategy in batch pbt; do
    write_experiment "$work/e.toml" "$strategy" "$seed"
    rm -f "$work"/s.db*
    t0=$(date +%s.%N)
    summary=$("$caviar" run "$work/e.toml" --store "$work/s.db" -q | grep "this run took")
    t1=$(date +%s.%N)
    steps=$(sed -E 's/.*\(([0-9]+) steps.*/\1/' <<<"$summary")
    busy=$(sed -E 's/.*workers busy ([0-9]+)%.*/\1/' <<<"$summary")
    # Best and mean final accuracy of the complete trials (a diverged member fails: NaN loss).
    read -r best mean < <(sqlite3 "$work/s.db" \
      "SELECT printf('%.4f %.4f', MAX(value), AVG(value)) FROM trials WHERE state = 'complete'" | tr -d '\n'; echo)
    exploits=$(sqlite3 "$work/s.db" "SELECT COUNT(*) FROM events WHERE kind = 'exploit'")
    printf "%-8s %4d  %8.4f  %8.4f  %6d  %8d  %7.1f  %4d%%\n" "$strategy" "$seed" "$best" "$mean" \
      "$steps" "$exploits" "$(echo "$t1 - $t0" | bc -l)" "$busy" | tee -a "$work/rows"
  done
done

echo
echo "## Medians over $seeds seeds"
printf "%-8s  %8s  %8s  %6s  %8s  %7s  %5s\n" strategy best_acc mean_acc epochs exploits seconds busy
for strategy in batch pbt; do
  rows=$(awk -v s="$strategy" '$1 == s' "$work/rows")
  printf "%-8s  %8.4f  %8.4f  %6d  %8d  %7.1f  %4.0f%%\n" "$strategy" \
    "$(awk '{ print $3 }' <<<"$rows" | median)" "$(awk '{ print $4 }' <<<"$rows" | median)" \
    "$(awk '{ print $5 }' <<<"$rows" | median)" "$(awk '{ print $6 }' <<<"$rows" | median)" \
    "$(awk '{ print $7 }' <<<"$rows" | median)" \
    "$(awk '{ sub("%", "", $8); print $8 }' <<<"$rows" | median)"
done
wins=$(awk '{ acc[$2, $1] = $3 } END { w = 0; for (k in acc) { split(k, p, SUBSEP); if (p[2] == "pbt" && acc[p[1], "pbt"] > acc[p[1], "batch"]) w++ } print w }' "$work/rows")
ties=$(awk '{ acc[$2, $1] = $3 } END { w = 0; for (k in acc) { split(k, p, SUBSEP); if (p[2] == "pbt" && acc[p[1], "pbt"] == acc[p[1], "batch"]) w++ } print w }' "$work/rows")
echo "pbt better than batch on $wins of $seeds seeds (ties: $ties)"
