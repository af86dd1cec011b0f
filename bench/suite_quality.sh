#!/usr/bin/env bash
# Search quality on the whole `functions` suite, its tuning and held-out halves (bench/README.md,
# "Search quality on problems the samplers were not tuned on"): the median regret over seeds
# after a budget of trials, for caviar's samplers (the real `caviar` program, a fresh store per
# run) and, when python3-optuna is installed, Optuna 3.1's TPE and CMA-ES on the same problems
# (bench/optuna_suite.py, each point evaluated by the same `functions` plugin through
# build/bin/suite_eval); then per half the ratio caviar/Optuna, how many problems caviar wins
# (ratio <= 1) and the geometric mean of the ratios.
#   bench/suite_quality.sh [BUILD_DIR]
# Environment (defaults in brackets): SEEDS [20], FIRST_SEED [1] (seeds FIRST_SEED..), TRIALS
# [100], SAMPLERS [tpe cmaes], FUNCTIONS [both halves] (problem names, see bench/stats.sh),
# HALVES [tuning held-out], OPTUNA [1] (0: caviar only), OPTUNA_SAMPLERS [tpe cmaes], JOBS [2]
# (runs at a time),
# TPE_OPTIONS / CMAES_OPTIONS (e.g. "gamma=0.2 candidates=48": --set sampler.KEY=VALUE on that
# sampler's runs), OPTUNA_CACHE (a file: Optuna's regrets are read from it when it was written
# for the same seeds and trials, else computed and written there; Optuna's side does not change
# with caviar's, and is most of the time). SAMPLERS=none runs Optuna's side only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
caviar=$build/bin/caviar
plugins=$build/lib/caviar/plugins
seeds=${SEEDS:-20}
first=${FIRST_SEED:-1}
trials=${TRIALS:-100}
read -r -a samplers <<<"${SAMPLERS:-tpe cmaes}"
[ "${samplers[*]}" != none ] || samplers=()
jobs=${JOBS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source "$here/stats.sh"

# The split, as fixed in bench/README.md before any tuning.
tuning=(branin hartmann3 hartmann6 sphere bukin6 perm rosenbrock ackley levy styblinski_tang
  schwefel michalewicz perm_int rastrigin_choice)
held_out=(goldstein_price six_hump_camel trid dixon_price powell zakharov griewank rastrigin
  eggholder easom shekel trid_int sphere_choice)

wanted() {  # PROBLEM: whether FUNCTIONS (when set) names it
  [ -z "${FUNCTIONS:-}" ] && return 0
  local f
  for f in $FUNCTIONS; do [ "$f" = "$1" ] && return 0; done
  return 1
}

problems=()
for half in ${HALVES:-tuning held-out}; do
  case $half in
    tuning) list=("${tuning[@]}") ;;
    held-out) list=("${held_out[@]}") ;;
    *) echo "suite_quality.sh: HALVES takes tuning and held-out, got $half" >&2; exit 2 ;;
  esac
  for p in "${list[@]}"; do wanted "$p" && problems+=("$p"); done
done

optuna=0
if [ "${OPTUNA:-1}" != 0 ]; then
  if /usr/bin/python3 -c 'import optuna' 2>/dev/null; then
    optuna=1
  else
    echo "note: python3-optuna is not installed: caviar only"
  fi
fi
[ $optuna = 0 ] || [ -x "$build/bin/suite_eval" ] || {
  echo "suite_quality.sh: $build/bin/suite_eval is not built" >&2
  exit 1
}

for p in "${problems[@]}"; do
  cat >"$work/$p.toml" <<TOML
[experiment]
name = "suite"
trials = $trials
objective = { metric = "value", direction = "minimize" }
[space]
$(function_space "$p")
[model]
plugin = "functions"
$(function_model "$p")
TOML
done

# One job a line: "caviar PROBLEM SAMPLER SEED" or "optuna PROBLEM SAMPLER"; each prints
# "PROBLEM WHO REGRET" lines (WHO: the caviar sampler's name, or optuna-tpe / optuna-cmaes).
run_job() {
  local kind=$1 p=$2 s=$3 seed=${4:-}
  if [ "$kind" = optuna ]; then
    /usr/bin/python3 "$here/optuna_suite.py" "$build/bin/suite_eval" "$work/$p.toml" "$s" \
      "$first" "$seeds" "$trials" | sed "s/^/$p optuna-$s /"
    return
  fi
  local db=$work/$p.$s.$seed.db sets=() o opts=
  case $s in
    tpe) opts=${TPE_OPTIONS:-} ;;
    cmaes) opts=${CMAES_OPTIONS:-} ;;
  esac
  for o in $opts; do sets+=(--set "sampler.$o"); done
  "$caviar" run "$work/$p.toml" --store "$db" -q --threads 1 --set "sampler.plugin=$s" \
    --set "experiment.seed=$seed" "${sets[@]}" >/dev/null
  echo "$p $s $("$caviar" best "$db" --json | jq -r '.metrics.regret')"
  rm -f "$db"*
}
export -f run_job
export here build caviar work first seeds trials
export TPE_OPTIONS=${TPE_OPTIONS:-} CMAES_OPTIONS=${CMAES_OPTIONS:-}

cache=${OPTUNA_CACHE:-}
stamp="# optuna_suite seeds $first..$((first + seeds - 1)) trials $trials"
cached=0
if [ $optuna = 1 ] && [ -n "$cache" ] && [ -f "$cache" ] && [ "$(head -n 1 "$cache")" = "$stamp" ]; then
  cached=1
  tail -n +2 "$cache" >"$work/results"
fi
in_cache() { [ $cached = 1 ] && awk -v p="$1" -v w="optuna-$2" '$1 == p && $2 == w { f = 1 } END { exit !f }' "$work/results"; }

{
  # Optuna's studies first: they are the long ones.
  if [ $optuna = 1 ]; then
    for s in ${OPTUNA_SAMPLERS:-tpe cmaes}; do
      for p in "${problems[@]}"; do
        [ "$s" = cmaes ] && [[ $p == *_choice ]] && continue  # CMA-ES has no categoricals
        in_cache "$p" "$s" || echo "optuna $p $s"
      done
    done
  fi
  for s in "${samplers[@]}"; do
    if [ ! -f "$plugins/sampler_$s.so" ]; then
      echo "note: sampler_$s.so is not built: $s skipped" >&2
      continue
    fi
    for p in "${problems[@]}"; do
      for seed in $(seq "$first" $((first + seeds - 1))); do echo "caviar $p $s $seed"; done
    done
  done
} | xargs -P "$jobs" -L 1 bash -c 'run_job "$@"' _ >>"$work/results"
if [ $optuna = 1 ] && [ -n "$cache" ]; then
  { echo "$stamp"; grep ' optuna-' "$work/results"; } >"$work/cache" && mv "$work/cache" "$cache"
fi

med() {  # PROBLEM WHO: the median regret, or empty
  local r
  r=$(awk -v p="$1" -v w="$2" '$1 == p && $2 == w { print $3 }' "$work/results")
  if [ -n "$r" ]; then echo "$r" | median; fi
}

show() { if [ -n "$1" ]; then printf "%.3g" "$1"; else printf "–"; fi; }  # a median, 3 digits

# Whether caviar's sampler S is compared with Optuna's of the same name.
against() {
  [ $optuna = 1 ] || return 1
  local o
  for o in ${OPTUNA_SAMPLERS:-tpe cmaes}; do [ "$o" = "$1" ] && return 0; done
  return 1
}

# ratio A B with regrets floored at 1e-9 (both 0: a tie)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { f = 1e-9; a = a < f ? f : a; b = b < f ? f : b; printf "%.3g", a / b }'; }

last=$((first + seeds - 1))
echo "## Suite quality: median regret over $seeds seeds ($first..$last) after $trials trials, 1 thread"
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
for half in ${HALVES:-tuning held-out}; do
  if [ "$half" = tuning ]; then list=("${tuning[@]}"); else list=("${held_out[@]}"); fi
  any=0
  for p in "${list[@]}"; do if wanted "$p"; then any=1; fi; done
  [ $any = 1 ] || continue
  echo
  echo "### $half half"
  header="| problem |"
  rule="|---|"
  for s in "${samplers[@]}"; do
    header+=" caviar $s |"
    rule+="---|"
    if against "$s"; then
      header+=" Optuna $s | ratio |"
      rule+="---|---|"
    fi
  done
  echo "$header"
  echo "$rule"
  declare -A logsum=() count=() won=() above=() worst=()
  for p in "${list[@]}"; do
    wanted "$p" || continue
    row="| $p |"
    for s in "${samplers[@]}"; do
      c=$(med "$p" "$s")
      row+=" $(show "$c") |"
      against "$s" || continue
      o=$(med "$p" "optuna-$s")
      if [ -z "$c" ] || [ -z "$o" ]; then
        row+=" $(show "$o") | – |"
        continue
      fi
      r=$(ratio "$c" "$o")
      row+=" $(show "$o") | $r |"
      logsum[$s]=$(awk -v s="${logsum[$s]:-0}" -v r="$r" 'BEGIN { print s + log(r) }')
      count[$s]=$((${count[$s]:-0} + 1))
      if awk -v r="$r" 'BEGIN { exit !(r <= 1) }'; then won[$s]=$((${won[$s]:-0} + 1)); fi
      if awk -v r="$r" 'BEGIN { exit !(r > 1.5) }'; then above[$s]="${above[$s]:-}$p ($r) "; fi
    done
    echo "$row"
  done
  if [ $optuna = 1 ]; then
    for s in "${samplers[@]}"; do
      [ -n "${count[$s]:-}" ] || continue
      gm=$(awk -v s="${logsum[$s]}" -v n="${count[$s]}" 'BEGIN { printf "%.3g", exp(s / n) }')
      echo "caviar $s against Optuna $s: won ${won[$s]:-0}/${count[$s]}, geometric mean of ratios $gm, above 1.5x: ${above[$s]:-none}"
    done
  fi
  unset logsum count won above worst
done
