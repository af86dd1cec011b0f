#!/usr/bin/env bash
# Does the live page slow the study? Trial throughput of a learning_curve study (2 threads, 30
# steps of 1 ms each per trial) with --serve and 0, then 50 pages following the push stream
# (curl clients reading /api/events from the start). Median of REPS runs (default 3).
#   bench/serve_load.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
caviar=$build/bin/caviar
reps=${REPS:-3}
trials=${TRIALS:-240}
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
source "$here/stats.sh"

cat > "$work/load.toml" <<TOML
[experiment]
name = "load"
trials = $trials
threads = 2
objective = { metric = "val_loss", direction = "minimize" }
[space]
learning_rate = { float = [0.01, 0.5], scale = "log" }
x = { float = [0.0, 1.0] }
[model]
plugin = "learning_curve"
steps = 30
step_ms = 1
TOML

# Seconds for one fresh study with $1 clients following it.
one_run() {
  local clients=$1
  rm -rf "$work"/s.db* "$work"/s-files "$work/err"
  local t0 t1
  t0=$(date +%s.%N)
  "$caviar" run "$work/load.toml" --store "$work/s.db" -q --serve 2> "$work/err" > /dev/null &
  local run=$!
  local url=""
  for _ in $(seq 500); do
    url=$(grep -o 'http://[^ ]*' "$work/err" 2>/dev/null | head -1 || true)
    [[ -n $url ]] && break
    sleep 0.01
  done
  local base=${url%%\?*} token=${url##*token=}
  pids=()
  for _ in $(seq "$clients"); do
    curl -s -N -H "Authorization: Bearer $token" "${base}api/events?after=0" > /dev/null &
    pids+=($!)
  done
  wait "$run"
  t1=$(date +%s.%N)
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  echo "$t1 - $t0" | bc -l
}

echo "## Trial throughput with the live page followed by 0 and 50 clients ($trials trials x 30 steps, 2 threads)"
declare -A med
for clients in 0 50; do
  times=$(for _ in $(seq "$reps"); do one_run "$clients"; done)
  med[$clients]=$(echo "$times" | median)
  printf "clients=%-3d median %.3f s  =>  %.1f trials/s  (runs: %s)\n" "$clients" "${med[$clients]}" \
    "$(echo "$trials / ${med[$clients]}" | bc -l)" "$(echo $times | tr '\n' ' ')"
done
printf "throughput with 50 clients: %.1f%% of that with none\n" \
  "$(echo "100 * ${med[0]} / ${med[50]}" | bc -l)"
