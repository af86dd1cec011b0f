# Shell helpers the benchmark scripts share (sourced, not run).

# The median of numbers on stdin, one a line.
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Median, first and third quartile of numbers on stdin (one a line), interpolated.
quartiles() {
  sort -g | awk '{ a[NR] = $1 }
    function q(p,  i, f) { i = 1 + p * (NR - 1); f = int(i); return a[f] + (i - f) * (a[f + 1] - a[f]) }
    END { printf "%.4g %.4g %.4g", q(0.5), q(0.25), q(0.75) }'
}
