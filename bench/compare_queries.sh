#!/bin/bash
# Runs a query suite on relata and, in the same run on the same data, on the
# peers from ../shared/peers: Oxigraph (npm, in-memory), Virtuoso (Debian)
# and, for the traversal suite, Kuzu (npm, Cypher). Prints per query the rows
# and the median time of each engine, the peer/relata ratio, and whether the
# row counts agree.
#
#   bench/compare_queries.sh lubm10|news-1M|news-10M|traversal [REPEAT]
#
#   lubm10     ../shared/bench-data/lubm10.nt.gz, its 14 LUBM queries and bench/queries/lubm
#              (ours: anti-joins as NOT EXISTS, MINUS, OPTIONAL+!BOUND; a function per row)
#   news-N     the news-shaped generator at N triples (1M, 10M) and
#              bench/queries/news (point lookups, stars, 2-/3-hop chains, a
#              transitive path, OPTIONAL, filters, GROUP BY, ORDER BY+LIMIT)
#   traversal  the peers' own 1M-triple graph (bin/gen-data.py "big") and its
#              q1-q4: transitive paths over chains and cycles, a cyclic join
#
# Times are medians of REPEAT runs (default 5) inside each engine's process,
# every row fetched: relata through its C++ API (relata-bench-query),
# Oxigraph through its JS API, Kuzu through its Node API; Virtuoso over HTTP
# (bin/virtuoso-query), as its clients use it. Environment: BUILD, BENCH_WORK
# (data, stores and the peers' npm install; default $BUILD/bench-data), PEERS.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SUITE=${1:?usage: compare_queries.sh lubm10|news-1M|news-10M|traversal [REPEAT]}
REPEAT=${2:-5}

# The peers, the data, the relata store and the queries of the suite.
. "$ROOT/bench/prepare_suite.sh"

echo "# relata" >&2
"$BUILD/bench/relata-bench-query" "$DB" --repeat "$REPEAT" "${FILES[@]}" >"$WORK/$SUITE.relata.tsv"
echo "# oxigraph (loads the file first)" >&2
# Its npm build is WebAssembly, in memory: 10M quads exceed its 4 GiB and it
# aborts. Every query is then "failed" for it, and the other peers still run.
if ! node "$ROOT/bench/peers/oxigraph-run.js" "$DATA" "$FORMAT" "$REPEAT" "${FILES[@]}" \
    >"$WORK/$SUITE.oxigraph.tsv" 2>"$WORK/oxigraph.err"; then
  echo "# oxigraph failed: $(grep -m1 -i 'error' "$WORK/oxigraph.err")" >&2
  for f in "${FILES[@]}"; do printf '%s\tfail\t\t\n' "$(basename "$f" .rq)"; done >"$WORK/$SUITE.oxigraph.tsv"
fi
grep '^#' "$WORK/oxigraph.err" >&2 || true

# Virtuoso: one store per suite, kept between runs; the server is stopped at the end.
load_virtuoso
: >"$WORK/$SUITE.virtuoso.tsv"
if [ -f "$VDB/loaded" ]; then
  echo "# virtuoso" >&2
  for f in "${FILES[@]}"; do virtuoso_median "$(basename "$f" .rq)" "$f" >>"$WORK/$SUITE.virtuoso.tsv"; done
  "$P/bin/virtuoso-stop" "$VDB" >/dev/null 2>&1 || true
fi

# Kuzu: only where the peers' recipe maps the graph and the queries (Cypher).
: >"$WORK/$SUITE.kuzu.tsv"
if [ "$SUITE" = traversal ]; then
  KDB=$WORK/traversal.kuzu
  [ -f "$KDB/kuzu.db" ] || "$P/bin/kuzu-load" "$DATA" "$KDB" >/dev/null 2>&1
  echo "# kuzu" >&2
  for f in "${FILES[@]}"; do
    c=${f%.rq}.cypher
    times=()
    rows=fail
    for ((r = 0; r < REPEAT; r++)); do
      out=$("$P/bin/kuzu-query" "$KDB" "$c" 2>"$WORK/kuzu.err") || break
      rows=$(($(printf '%s\n' "$out" | wc -l) - 1))
      times+=("$(sed -n 's/.*query_s=\([0-9.]*\).*/\1/p' "$WORK/kuzu.err")")
    done
    median=$(printf '%s\n' "${times[@]:-}" | sort -g | awk '{ a[NR] = $1 } END { if (NR) printf "%.3f", a[int((NR + 1) / 2)] * 1000 }')
    printf '%s\t%s\t\t%s\n' "$(basename "$f" .rq)" "$rows" "${median:-}" >>"$WORK/$SUITE.kuzu.tsv"
  done
fi

# One line per query: rows and median ms for each engine, peer/relata ratios.
awk -F'\t' -v suite="$SUITE" '
  FILENAME ~ /relata.tsv$/   { order[++n] = $1; rows[$1] = $2; ms[$1] = $4; next }
  FILENAME ~ /oxigraph.tsv$/ { orows[$1] = $2; oms[$1] = $4; next }
  FILENAME ~ /virtuoso.tsv$/ { vrows[$1] = $2; vms[$1] = $4; next }
  FILENAME ~ /kuzu.tsv$/     { krows[$1] = $2; kms[$1] = $4; have_kuzu = 1; next }
  function cell(m, r, q) {
    if (m == "" || r == "fail") return sprintf("%-22s", "failed");
    return sprintf("%9.3f (%6.1fx)%s", m, m / (ms[q] > 0 ? ms[q] : 0.001), r == rows[q] ? "  " : " !");
  }
  END {
    printf "%s: median ms per query (ratio = peer / relata; ! = different row count)\n", suite
    printf "%-18s %9s %10s  %-22s %-22s%s\n", "query", "rows", "relata", "oxigraph", "virtuoso", have_kuzu ? " kuzu" : ""
    for (i = 1; i <= n; i++) {
      q = order[i]
      line = sprintf("%-18s %9s %10.3f  %s %s", q, rows[q], ms[q], cell(oms[q], orows[q], q), cell(vms[q], vrows[q], q))
      if (have_kuzu) line = line " " cell(kms[q], krows[q], q)
      print line
    }
  }' "$WORK/$SUITE.relata.tsv" "$WORK/$SUITE.oxigraph.tsv" "$WORK/$SUITE.virtuoso.tsv" "$WORK/$SUITE.kuzu.tsv"
