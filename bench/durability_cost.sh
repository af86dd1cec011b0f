#!/usr/bin/env bash
# What each `[experiment] durability` costs per trial, and how wide the window of "process" is:
# one-shot trials of a trivial objective (functions/sphere, 5 params: float, log float, int,
# choices, float; random sampler, batch strategy) on 1 thread with a fresh store on disk, for
# durability = "process" (WAL, synchronous = NORMAL) and "power" (synchronous = FULL: an fsync
# per commit). Median of REPS runs (default 3) of TRIALS trials (default 5000), less the
# start-up (a 1-trial study). Then one run of each under strace, counting the syncs: with
# "process" the WAL is only synced at its checkpoints, so the trials between two of them are
# what a power cut may roll back (they run again on resume).
#   bench/durability_cost.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
caviar=$build/bin/caviar
reps=${REPS:-3}
trials=${TRIALS:-5000}
work=$(mktemp -d "${TMPDIR:-/tmp}/caviar-durability.XXXXXX")
trap 'rm -rf "$work"' EXIT
source "$here/stats.sh"

cat > "$work/d.toml" <<'TOML'
[experiment]
name = "durability"
threads = 1
objective = { metric = "value", direction = "minimize" }
[space]
x = { float = [-5.0, 5.0] }
lr = { float = [1e-4, 1.0], scale = "log" }
n = { int = [1, 100] }
c = { choices = ["a", "b", "c"] }
y = { float = [-5.0, 5.0] }
[model]
plugin = "functions"
function = "sphere"
TOML

one_run() {  # durability trials -> seconds
  rm -f "$work"/s.db*
  local t0 t1
  t0=$(date +%s.%N)
  "$caviar" run "$work/d.toml" -q --trials "$2" --store "$work/s.db" \
    --set "experiment.durability=\"$1\"" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d), store on $(df -P "$work" | awk 'NR == 2 { print $1 }')"
echo "## Cost per one-shot trial by durability (functions/sphere, 5 params, 1 thread, $trials trials)"
for d in process power; do
  start=$(for _ in $(seq "$reps"); do one_run "$d" 1; done | median)
  med=$(for _ in $(seq "$reps"); do one_run "$d" "$trials"; done | median)
  printf "%-8s median %7.3f s  net %7.1f us per trial  (start-up %.3f s, %d runs)\n" "$d" "$med" \
    "$(echo "($med - $start) * 1000000 / ($trials - 1)" | bc -l)" "$start" "$reps"
done

if command -v strace >/dev/null; then
  echo "## Syncs (strace -f: fsync + fdatasync) in one run of $trials trials"
  for d in process power; do
    rm -f "$work"/s.db*
    strace -f -c -o "$work/strace" -e trace=fsync,fdatasync "$caviar" run "$work/d.toml" -q \
      --trials "$trials" --store "$work/s.db" --set "experiment.durability=\"$d\"" >/dev/null
    syncs=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$work/strace")
    # A checkpoint syncs twice (the WAL, then the database file): trials per checkpoint.
    per=$(echo "2 * $trials / ($syncs + (($syncs == 0)))" | bc -l)
    printf "%-8s %6d syncs: %.2f per trial; a checkpoint (2 syncs) every %.0f trials\n" "$d" \
      "$syncs" "$(echo "$syncs / $trials" | bc -l)" "$per"
  done
fi
