# Shell helpers the benchmark scripts share (sourced, not run).

# The [space] lines of a `functions` benchmark: the function's box (branin or hartmann6).
function_space() {
  case $1 in
    branin) printf '%s\n' 'x = { float = [-5.0, 10.0] }' 'y = { float = [0.0, 15.0] }' ;;
    hartmann6) for i in 1 2 3 4 5 6; do echo "x$i = { float = [0.0, 1.0] }"; done ;;
    rosenbrock) for i in 1 2 3 4; do echo "x$i = { float = [-5.0, 10.0] }"; done ;;
    ackley) for i in 1 2 3 4 5; do echo "x$i = { float = [-32.768, 32.768] }"; done ;;
    styblinski_tang) for i in 1 2 3 4; do echo "x$i = { float = [-5.0, 5.0] }"; done ;;
    *) echo "function_space: no box for $1" >&2; return 1 ;;
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
