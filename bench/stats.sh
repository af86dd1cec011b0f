# Shell helpers the benchmark scripts share (sourced, not run).

# The [space] lines of a `functions` benchmark problem: its box (the suite's problems are listed
# in bench/README.md, "Search quality on problems the samplers were not tuned on").
function_space() {
  local i
  floats() {  # DIMS LOW HIGH
    for i in $(seq 1 "$1"); do echo "x$i = { float = [$2, $3] }"; done
  }
  case $1 in
    branin) printf '%s\n' 'x = { float = [-5.0, 10.0] }' 'y = { float = [0.0, 15.0] }' ;;
    hartmann6) for i in 1 2 3 4 5 6; do echo "x$i = { float = [0.0, 1.0] }"; done ;;
    rosenbrock) for i in 1 2 3 4; do echo "x$i = { float = [-5.0, 10.0] }"; done ;;
    ackley) for i in 1 2 3 4 5; do echo "x$i = { float = [-32.768, 32.768] }"; done ;;
    styblinski_tang) for i in 1 2 3 4; do echo "x$i = { float = [-5.0, 5.0] }"; done ;;
    goldstein_price) floats 2 -2.0 2.0 ;;
    hartmann3) floats 3 0.0 1.0 ;;
    six_hump_camel) printf '%s\n' 'x1 = { float = [-3.0, 3.0] }' 'x2 = { float = [-2.0, 2.0] }' ;;
    sphere) floats 10 -5.12 5.12 ;;
    trid) floats 6 -36.0 36.0 ;;
    bukin6) printf '%s\n' 'x1 = { float = [-15.0, -5.0] }' 'x2 = { float = [-3.0, 3.0] }' ;;
    dixon_price) floats 10 -10.0 10.0 ;;
    perm) floats 4 -4.0 4.0 ;;
    powell) floats 8 -4.0 5.0 ;;
    zakharov) floats 6 -5.0 10.0 ;;
    griewank) floats 5 -60.0 60.0 ;;
    levy) floats 4 -10.0 10.0 ;;
    rastrigin) floats 4 -5.12 5.12 ;;
    eggholder) floats 2 -512.0 512.0 ;;
    schwefel) floats 4 -500.0 500.0 ;;
    easom) floats 2 -10.0 10.0 ;;
    michalewicz) floats 5 0.0 3.141592653589793 ;;
    shekel) floats 4 0.0 10.0 ;;
    perm_int) for i in 1 2 3 4; do echo "x$i = { int = [-4, 4] }"; done ;;
    trid_int) for i in 1 2 3 4 5 6; do echo "x$i = { int = [-36, 36] }"; done ;;
    rastrigin_choice)
      floats 3 -5.12 5.12
      printf '%s\n' 'c1 = { choices = ["a", "b", "c"] }' 'c2 = { choices = ["a", "b", "c"] }' ;;
    sphere_choice)
      floats 4 -5.0 5.0
      echo 'c = { choices = ["a", "b", "c"] }' ;;
    *) echo "function_space: no box for $1" >&2; return 1 ;;
  esac
}

# The [model] option lines (after plugin = "functions") of a benchmark problem: the function,
# and the shift, rotation or choice_shift that move its optimum.
function_model() {
  case $1 in
    sphere) printf '%s\n' 'function = "sphere"' 'shift = 2.0' ;;
    griewank) printf '%s\n' 'function = "griewank"' 'shift = 10.0' ;;
    rastrigin) printf '%s\n' 'function = "rastrigin"' 'shift = 1.3' 'rotate = 7' ;;
    perm_int) echo 'function = "perm"' ;;
    trid_int) echo 'function = "trid"' ;;
    rastrigin_choice) printf '%s\n' 'function = "rastrigin"' 'choice_shift = 1.0' ;;
    sphere_choice) printf '%s\n' 'function = "sphere"' 'choice_shift = 2.0' ;;
    *) function_space "$1" >/dev/null && echo "function = \"$1\"" ;;
  esac
}

# The median of numbers on stdin, one a line.
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Median, first and third quartile of numbers on stdin (one a line), interpolated.
quartiles() {
  sort -g | awk '{ a[NR] = $1 }
    function q(p,  i, f) { i = 1 + p * (NR - 1); f = int(i); return a[f] + (i - f) * (a[f + 1] - a[f]) }
    END { printf "%.4g %.4g %.4g", q(0.5), q(0.25), q(0.75) }'
}
