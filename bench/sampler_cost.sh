#!/usr/bin/env bash
# Sampler cost: time per proposal in-process (sampler_bench), and whole-run overhead per trial
# with a trivial objective (2,000 trials of functions/sphere, 5 params, 1 thread, store on disk)
# through the real `caviar` program. Median of REPS runs.
#   bench/sampler_cost.sh [BUILD_DIR] [SAMPLER...]     (default: random tpe)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
shift || true
samplers=("$@")
[ ${#samplers[@]} -gt 0 ] || samplers=(random tpe)
caviar=$build/bin/caviar
reps=${REPS:-3}
trials=2000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source "$here/stats.sh"

echo "## Time per proposal, in-process"
"$build/bin/sampler_bench" "${samplers[@]}"

cat > "$work/sphere.toml" <<TOML
[experiment]
name = "cost"
trials = $trials
objective = { metric = "value", direction = "minimize" }
[space]
a = { float = [-5.0, 5.0] }
b = { float = [-5.0, 5.0] }
c = { float = [-5.0, 5.0] }
d = { int = [-5, 5] }
e = { float = [-5.0, 5.0] }
[model]
plugin = "functions"
function = "sphere"
TOML

echo
echo "## Whole run, $trials trials of sphere (5 params), 1 thread, per trial"
for s in "${samplers[@]}"; do
  if [ ! -f "$build/lib/caviar/plugins/sampler_$s.so" ]; then
    echo "$s: skipped, sampler_$s.so is not built"
    continue
  fi
  times=$(for _ in $(seq "$reps"); do
    rm -f "$work"/s.db*
    t0=$(date +%s.%N)
    "$caviar" run "$work/sphere.toml" --store "$work/s.db" -q --threads 1 \
      --set "sampler.plugin=$s" >/dev/null
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
  done)
  med=$(echo "$times" | median)
  printf "%-8s median %.3f s  =>  %.1f us per trial (%d runs)\n" "$s" "$med" \
    "$(echo "$med * 1000000 / $trials" | bc -l)" "$reps"
done
