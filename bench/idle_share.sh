#!/usr/bin/env bash
# Idle workers under synchronous versus asynchronous successive halving: the share of the
# workers' time spent outside trials (waiting at a rung barrier or for the last trials), from the
# run summary's "workers busy" figure. The learning_curve model with a fixed 10 ms per step
# stands in for training, so the share measures scheduling rather than varying trial costs.
#   bench/idle_share.sh [BUILD_DIR]        SEEDS=5 TRIALS=81 STEPS=27 THREADS=2 STEP_MS=10
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
caviar=$build/bin/caviar
seeds=${SEEDS:-5}
trials=${TRIALS:-81}
steps=${STEPS:-27}
threads=${THREADS:-2}
step_ms=${STEP_MS:-10}
strategies=${STRATEGIES:-successive_halving asha hyperband}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source "$here/stats.sh"

echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
echo "learning_curve ($step_ms ms a step, noise 0.02), $trials trials of up to $steps steps, eta 3, $threads threads, seeds 1..$seeds"
echo
printf "%-20s %4s  %6s  %5s\n" strategy seed steps idle
for strategy in $strategies; do
  for seed in $(seq "$seeds"); do
    cat > "$work/e.toml" <<TOML
[experiment]
name = "idle"
seed = $seed
trials = $trials
threads = $threads
objective = { metric = "val_loss", direction = "minimize" }
[space]
learning_rate = { float = [0.005, 0.6], scale = "log" }
x = { float = [0.0, 1.0] }
[strategy]
plugin = "$strategy"
[model]
plugin = "learning_curve"
steps = $steps
step_ms = $step_ms
noise = 0.02
TOML
    rm -f "$work"/s.db*
    summary=$("$caviar" run "$work/e.toml" --store "$work/s.db" -q | grep "this run took")
    ran=$(sed -E 's/.*\(([0-9]+) steps.*/\1/' <<<"$summary")
    busy=$(sed -E 's/.*workers busy ([0-9]+)%.*/\1/' <<<"$summary")
    printf "%-20s %4d  %6d  %4d%%\n" "$strategy" "$seed" "$ran" $((100 - busy)) | tee -a "$work/rows"
  done
done
echo
echo "## Medians over $seeds seeds"
for strategy in $strategies; do
  idle=$(awk -v s="$strategy" '$1 == s { sub("%", "", $4); print $4 }' "$work/rows" | median)
  ran=$(awk -v s="$strategy" '$1 == s { print $3 }' "$work/rows" | median)
  printf "%-20s  idle %4.0f%%  steps %6d\n" "$strategy" "$idle" "$ran"
done
