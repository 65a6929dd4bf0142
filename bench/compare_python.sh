#!/bin/bash
# relata's Python module against its C++ API and against rdflib (pyoxigraph,
# the peer the issue names, is not among the packages these machines reach),
# in one run on the same data:
#   rows     every row of a SELECT of ROWS triples of news-1M, as terms (and
#            in Python also as native values); rdflib over the same quads
#   one-hop  a prepared 1-hop query on the bundled news graph, run RUNS times
#            with another entity bound each time, every row read (CPU time)
# Prints per measure the median milliseconds of each and the ratios.
#
#   bench/compare_python.sh [ROWS] [RUNS]
#
# ROWS defaults to 1000000, RUNS to 10000; ROUNDS (3) of C++ then Python,
# medians over them. BENCH_WORK as compare_queries.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
ROWS=${1:-1000000}
RUNS=${2:-10000}
ROUNDS=${ROUNDS:-3}
SUITE=news-1M
. "$ROOT/bench/prepare_suite.sh"
PYTHON=/usr/bin/python3
export PYTHONPATH=$BUILD/python
OUT=$WORK/python.tsv
: >"$OUT"

ROWS_QUERY=$WORK/python.rows.rq
echo "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT $ROWS" >"$ROWS_QUERY"

# Rounds of C++ then Python, so that both meet the same state of the
# machine; each figure is the median over the rounds.
for ((round = 0; round < ROUNDS; round++)); do
  # The C++ API: relata-bench-query reads every row and decodes its terms.
  "$BUILD/bench/relata-bench-query" "$DB" --repeat 3 "$ROWS_QUERY" |
    awk -F'\t' '!/^#/ && NF >= 5 { printf "rows\tc++\t%s\t%s\n", $2, $4 }' >>"$OUT"
  "$PYTHON" "$ROOT/bench/python_bench.py" rows "$DB" "$ROWS_QUERY" --repeat 3 >>"$OUT"
  # The C++ API's prepared 1-hop (Google Benchmark's CPU time per run, scaled
  # to RUNS; python_bench.py measures CPU time too).
  "$BUILD/bench/api_benchmark" --benchmark_filter='^BM_PreparedOneHop$' --benchmark_format=csv 2>/dev/null |
    awk -F, -v runs="$RUNS" '/BM_PreparedOneHop/ { printf "one-hop x%d\tc++\t%d\t%.3f\n", runs, $11 * runs, $4 * runs / 1e6 }' >>"$OUT"
  "$PYTHON" "$ROOT/bench/python_bench.py" one-hop "$ROOT/data/news" --runs "$RUNS" --repeat 3 \
    $([ "$round" = 0 ] || echo --no-rdflib) >>"$OUT"
done
# rdflib once: it is several times slower, and loading 1M quads takes it a minute.
"$PYTHON" "$ROOT/bench/python_bench.py" rdflib-rows "$DATA" "$ROWS_QUERY" --repeat 1 >>"$OUT"

# measure → engine → ms; ratios against C++ and of rdflib against Python.
awk -F'\t' '
  function median(list,    v, m, i, j, t) {
    m = split(list, v, " ")
    for (i = 2; i <= m; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return v[int((m + 1) / 2)]
  }
  { all[$1, $2] = all[$1, $2] " " $4; if (!seen[$1]++) order[++k] = $1 }
  END {
    for (key in all) ms[key] = median(all[key])
    printf "%-18s %12s %12s %12s %12s %14s\n", "measure", "c++ ms", "python ms", "rdflib ms", "python/c++", "rdflib/python"
    for (i = 1; i <= k; i++) {
      m = order[i]
      c = ms[m, "c++"]; p = ms[m, "python"]; r = ms[m, "rdflib"]
      base = m; sub(/ native$/, "", base); if (c == "") c = ms[base, "c++"]
      printf "%-18s %12s %12s %12s %12s %14s\n", m, c, p, (r == "" ? "-" : r),
             (c > 0 && p > 0 ? sprintf("%.2f", p / c) : "-"), (r > 0 && p > 0 ? sprintf("%.1f", r / p) : "-")
    }
  }' "$OUT"
echo "# rows per engine (must agree):" >&2
sort -u -t$'\t' -k1,3 "$OUT" | awk -F'\t' '{ printf "#   %s %s: %s\n", $1, $2, $3 }' >&2
