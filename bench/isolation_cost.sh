#!/usr/bin/env bash
# What isolation = "process" costs: the host overhead per trial of 2,000 one-shot trials of a
# trivial objective (functions/sphere) and per step of 200 ten-step trials, on 1 and 2 threads,
# with trials on caviar's worker threads ("thread") and in trial processes ("process"); and the
# quick start (40 MLPs) both ways on 2 threads. Median of REPS runs (default 3).
#   bench/isolation_cost.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
caviar=$build/bin/caviar
reps=${REPS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$here/stats.sh"

cat > "$work/sphere.toml" <<'TOML'
[experiment]
name = "isolation"
objective = { metric = "value", direction = "minimize" }
[space]
x = { float = [-5.0, 5.0] }
y = { float = [-5.0, 5.0] }
[model]
plugin = "functions"
function = "sphere"
TOML
cat > "$work/curves.toml" <<'TOML'
[experiment]
name = "isolation-curves"
objective = { metric = "val_loss", direction = "minimize" }
[space]
learning_rate = { float = [0.001, 0.5], scale = "log" }
x = { float = [0.0, 1.0] }
[model]
plugin = "learning_curve"
steps = 10
TOML

seconds() {  # file trials threads isolation
  rm -f "$work"/s.db*
  local t0 t1
  t0=$(date +%s.%N)
  "$caviar" run "$1" -q --trials "$2" --threads "$3" --store "$work/s.db" \
    --set "experiment.isolation=\"$4\"" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

row() {  # label file trials threads unit_count unit
  local label=$1 file=$2 trials=$3 threads=$4 units=$5 unit=$6
  local med=()
  for iso in thread process; do
    : > "$work/runs"
    for _ in $(seq "$reps"); do seconds "$file" "$trials" "$threads" "$iso" >> "$work/runs"; done
    med+=("$(median < "$work/runs")")
  done
  printf "| %s, %d thread%s | %.3f s (%.0f µs/%s) | %.3f s (%.0f µs/%s) | %.2f× |\n" \
    "$label" "$threads" "$( [[ $threads == 1 ]] || echo s)" \
    "${med[0]}" "$(echo "${med[0]} * 1000000 / $units" | bc -l)" "$unit" \
    "${med[1]}" "$(echo "${med[1]} * 1000000 / $units" | bc -l)" "$unit" \
    "$(echo "${med[1]} / ${med[0]}" | bc -l)"
}

echo "| case | thread | process | process / thread |"
echo "|---|---|---|---|"
for threads in 1 2; do
  row "2,000 one-shot trials" "$work/sphere.toml" 2000 "$threads" 2000 trial
  row "200 trials of 10 steps" "$work/curves.toml" 200 "$threads" 2000 step
done
row "quick start (40 MLPs)" "$here/../examples/quickstart.toml" 40 2 40 trial
