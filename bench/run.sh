#!/usr/bin/env bash
# caviar benchmarks: host overhead per trial and parallel speed-up. Timings on shared machines are
# noisy, so each case runs several times and the median is reported.
#   bench/run.sh [BUILD_DIR]        (make bench)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
caviar=$build/bin/caviar
reps=${REPS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source "$here/stats.sh"

# Wall-clock seconds of one fresh study (new store each time).
time_study() {
  local file=$1; shift
  rm -f "$work"/s.db*
  local t0 t1
  t0=$(date +%s.%N)
  "$caviar" run "$file" --store "$work/s.db" -q "$@" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

cat > "$work/overhead.toml" <<'TOML'
[experiment]
name = "overhead"
trials = 5000
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

echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
echo
echo "## Host overhead per trial (random sampler, batch strategy, trivial objective, SQLite store on disk)"
for threads in 1 2; do
  times=$(for _ in $(seq "$reps"); do time_study "$work/overhead.toml" --threads "$threads"; done)
  med=$(echo "$times" | median)
  printf "threads=%d  5000 trials  median %.3f s  =>  %.1f us per trial (min %.3f s, max %.3f s, %d runs)\n" \
    "$threads" "$med" "$(echo "$med * 1000000 / 5000" | bc -l)" \
    "$(echo "$times" | sort -g | head -1)" "$(echo "$times" | sort -g | tail -1)" "$reps"
done

echo
echo "## Parallel speed-up on the quick start (40 MLPs, 30 epochs each)"
declare -A med_by
for threads in 1 2; do
  times=$(for _ in $(seq 3); do time_study "$here/../examples/quickstart.toml" --threads "$threads"; done)
  med_by[$threads]=$(echo "$times" | median)
  printf "threads=%d  median %.2f s (3 runs)\n" "$threads" "${med_by[$threads]}"
done
printf "speed-up 2 threads vs 1: %.2fx\n" "$(echo "${med_by[1]} / ${med_by[2]}" | bc -l)"

echo
"$here/search_quality.sh" "$build"
echo
"$here/sampler_cost.sh" "$build"
echo
"$here/overhead_scaling.sh" "$build"
echo
"$here/serve_load.sh" "$build"
