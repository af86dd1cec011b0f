#!/usr/bin/env bash
# Host overhead per trial as a study grows: 1,000 to 100,000 one-shot trials of a trivial
# objective (functions/sphere, 4 dimensions, random sampler, batch strategy) on 1 thread, with the
# durable SQLite store and with store = :memory:. Median of REPS runs (default 3) per size, and
# the peak RSS. Given a second build (BASELINE_BUILD_DIR, e.g. an older commit built elsewhere),
# runs it on the same work in the same run, side by side.
#   bench/overhead_scaling.sh [BUILD_DIR] [BASELINE_BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
baseline=${2:-}
reps=${REPS:-3}
sizes=${SIZES:-"1000 10000 100000"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$here/stats.sh"

cat > "$work/overhead.toml" <<'TOML'
[experiment]
name = "overhead"
threads = 1
objective = { metric = "value", direction = "minimize" }
[space]
x = { float = [-5.0, 5.0] }
y = { float = [-5.0, 5.0] }
n = { int = [1, 100], scale = "log" }
c = { choices = ["a", "b", "c"] }
[model]
plugin = "functions"
function = "sphere"
TOML

# "seconds peak_kb" of one fresh study of $2 trials with caviar $1 and store $3.
one_run() {
  local caviar=$1 trials=$2 store=$3
  rm -f "$work"/s.db*
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/time" "$caviar" run "$work/overhead.toml" -q \
    --trials "$trials" --store "$store" >/dev/null
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc -l) $(cat "$work/time")"
}

measure() {  # label caviar store
  local label=$1 caviar=$2 store=$3
  # Start-up (loading plugins, opening the store) is paid once: a 1-trial study measures it, and
  # "net" is the cost of each further trial.
  : > "$work/runs"
  for _ in $(seq "$reps"); do one_run "$caviar" 1 "$store" >> "$work/runs"; done
  local start
  start=$(cut -d' ' -f1 "$work/runs" | median)
  printf "%-9s %-8s start-up (1 trial) median %.3f s\n" "$label" \
    "$( [[ $store == :memory: ]] && echo memory || echo disk )" "$start"
  for n in $sizes; do
    : > "$work/runs"
    for _ in $(seq "$reps"); do one_run "$caviar" "$n" "$store" >> "$work/runs"; done
    local med rss
    med=$(cut -d' ' -f1 "$work/runs" | median)
    rss=$(cut -d' ' -f2 "$work/runs" | median)
    printf "%-9s %-8s %7d trials  median %7.3f s  %6.1f us per trial, net %6.1f us  peak RSS %4.0f MB  (%d runs)\n" \
      "$label" "$( [[ $store == :memory: ]] && echo memory || echo disk )" "$n" "$med" \
      "$(echo "$med * 1000000 / $n" | bc -l)" "$(echo "($med - $start) * 1000000 / ($n - 1)" | bc -l)" \
      "$(echo "$rss / 1024" | bc -l)" "$reps"
  done
}

echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
echo "## Host overhead per trial by study size (random, batch, functions/sphere, 1 thread)"
measure "this" "$build/bin/caviar" "$work/s.db"
if [[ -n $baseline ]]; then
  measure "baseline" "$baseline/bin/caviar" "$work/s.db"
fi
measure "this" "$build/bin/caviar" ":memory:"
