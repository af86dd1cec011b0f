#!/usr/bin/env bash
# What the warm start of `caviar retune` gains over a cold start. For each function and shift of
# its optimum (`functions` model, option shift) and each of SEEDS seeds (default 10): an old
# study of OLD trials (default 60, tpe) on the unshifted function; then
#   warm: caviar retune --set model.shift=S --top 5 --repeats 1 --trials N-5 (N trials in all)
#   cold: a new study of N trials (default 25, tpe) on the shifted function.
# Reports the median best regret of each, how often warm was better, and the warm-start gain:
# the trials warm needed to reach cold's best after N trials (median; "N+" when it did not
# within its N), against the N cold needed.
#   bench/retune_gain.sh [BUILD_DIR]
set -euo pipefail
shopt -s inherit_errexit
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
caviar=$build/bin/caviar
seeds=${SEEDS:-10}
old=${OLD:-60}
n=${N:-25}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$here/stats.sh"

space_of() {  # FUNCTION
  case $1 in
    sphere) for v in x y z; do echo "$v = { float = [-5.0, 5.0] }"; done ;;
    *) function_space "$1" ;;
  esac
}

write_experiment() {  # FILE FUNCTION SEED
  cat > "$1" <<TOML
[experiment]
name = "old"
seed = $3
trials = $old
threads = 1
store = "s.db"
objective = { metric = "regret", direction = "minimize" }
[space]
$(space_of "$2")
[sampler]
plugin = "tpe"
[model]
plugin = "functions"
function = "$2"
TOML
}

# The regrets of a study's trials in number order, one a line.
regrets() {  # STORE STUDY
  "$caviar" trials "$1" --study "$2" --format json |
    python3 -c 'import json,sys; [print(t["value"] if t["value"] is not None else "inf") for t in json.load(sys.stdin)]'
}

printf '%-10s %6s | %12s %12s | %9s | %s\n' function shift "warm regret" "cold regret" "warm won" \
  "trials to reach cold's best after $n (median): warm"
for case in "sphere 0.5" "sphere 2.0" "hartmann6 0.05" "hartmann6 0.2"; do
  set -- $case
  fn=$1 shift_by=$2
  : > "$work/warm" ; : > "$work/cold" ; : > "$work/reach" ; won=0
  for seed in $(seq 1 "$seeds"); do
    dir=$work/$fn-$shift_by-$seed
    mkdir -p "$dir"
    write_experiment "$dir/e.toml" "$fn" "$seed"
    "$caviar" run "$dir/e.toml" -q > /dev/null
    rc=0
    "$caviar" retune "$dir/e.toml" --from old --set "model.shift=$shift_by" --top 5 --repeats 1 \
      --trials $((n - 5)) --name warm -q --json > /dev/null || rc=$?
    [ $rc -eq 0 ] || [ $rc -eq 3 ] || { echo "retune failed ($rc)" >&2; exit 1; }
    "$caviar" run "$dir/e.toml" -q --set "model.shift=$shift_by" --set experiment.name=cold \
      --set "experiment.seed=$((seed + 1000))" --trials "$n" > /dev/null
    regrets "$dir/s.db" warm > "$dir/w"
    regrets "$dir/s.db" cold > "$dir/c"
    w=$(sort -g "$dir/w" | head -1) c=$(sort -g "$dir/c" | head -1)
    echo "$w" >> "$work/warm"
    echo "$c" >> "$work/cold"
    awk -v w="$w" -v c="$c" 'BEGIN { exit !(w < c) }' && won=$((won + 1))
    # The first warm trial (1-based, in number order) at or below cold's best; n+1 = not reached.
    awk -v c="$c" -v n="$n" '$1 <= c { print NR; found = 1; exit } END { if (!found) print n + 1 }' \
      "$dir/w" >> "$work/reach"
  done
  reach=$(median < "$work/reach")
  reach_text=$(awk -v r="$reach" -v n="$n" 'BEGIN { print (r > n) ? n "+" : r }')
  printf '%-10s %6s | %12.4g %12.4g | %4d of %-2d | %s (cold: %d)\n' "$fn" "$shift_by" \
    "$(median < "$work/warm")" "$(median < "$work/cold")" "$won" "$seeds" "$reach_text" "$n"
done
