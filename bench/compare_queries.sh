#!/bin/bash
# Runs a query suite on relata and, in the same run on the same data, on the
# peers from ../shared/peers: Oxigraph (npm, in-memory), Virtuoso (Debian)
# and, for the traversal suite, Kuzu (npm, Cypher). Prints per query the rows,
# relata's first run and median, each peer's median, the peer/relata ratio,
# whether the row counts agree and whether relata's first run beat every
# peer's median.
#
#   bench/compare_queries.sh lubm10|news-1M|news-10M|traversal [REPEAT]
#
#   lubm10     ../shared/bench-data/lubm10.nt.gz, its 14 LUBM queries and bench/queries/lubm
#              (ours: anti-joins as NOT EXISTS, MINUS, OPTIONAL+!BOUND; string and
#              numeric functions per row in BIND and FILTER)
#   news-N     the news-shaped generator at N triples (1M, 10M) and
#              bench/queries/news (point lookups, stars, 2-/3-hop chains, a
#              transitive path, OPTIONAL, filters, GROUP BY, ORDER BY+LIMIT,
#              the same anti-joins and functions per row)
#   traversal  the peers' own 1M-triple graph (bin/gen-data.py "big") and its
#              q1-q4: transitive paths over chains and cycles, a cyclic join
#
# Times are medians of REPEAT runs (default 5) inside each engine's process,
# every row fetched: relata through its C++ API (relata-bench-query, one fresh
# process per query, so that its first run is a first run on a store just
# opened), Oxigraph through its JS API, Kuzu through its Node API; Virtuoso
# over HTTP (bin/virtuoso-query), as its clients use it. A peer's query that
# runs longer than PEER_TIMEOUT seconds (default 300) with all its runs is
# stopped and shown as "timeout"; its other queries still count. Environment:
# BUILD, BENCH_WORK (data, stores and the peers' npm install; default
# $BUILD/bench-data), PEERS, PEER_TIMEOUT.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SUITE=${1:?usage: compare_queries.sh lubm10|news-1M|news-10M|traversal [REPEAT]}
REPEAT=${2:-5}
PEER_TIMEOUT=${PEER_TIMEOUT:-300}

# The peers, the data, the relata store and the queries of the suite.
. "$ROOT/bench/prepare_suite.sh"

echo "# relata" >&2
for f in "${FILES[@]}"; do
  "$BUILD/bench/relata-bench-query" "$DB" --repeat "$REPEAT" "$f"
done >"$WORK/$SUITE.relata.tsv"

# Oxigraph loads the file, then prints a line per query as it finishes one.
# Its npm build is WebAssembly, in memory and synchronous: a query cannot be
# cancelled inside it, so a query silent for PEER_TIMEOUT seconds after the
# load is ended by stopping the process; the remaining queries run in a new
# one. 10M quads exceed its 4 GiB and it aborts: its queries are then
# "failed", and the other peers still run.
echo "# oxigraph (loads the file first)" >&2
: >"$WORK/$SUITE.oxigraph.tsv"
pending=("${FILES[@]}")
while ((${#pending[@]})); do
  out=$WORK/oxigraph.part
  node "$ROOT/bench/peers/oxigraph-run.js" "$DATA" "$FORMAT" "$REPEAT" "${pending[@]}" >"$out" 2>"$WORK/oxigraph.err" &
  pid=$!
  done_lines=0
  quiet=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    lines=$(wc -l <"$out")
    if ((lines > done_lines)) || ! grep -q '^# oxigraph=' "$WORK/oxigraph.err"; then
      done_lines=$lines quiet=0
    elif ((++quiet >= PEER_TIMEOUT)); then
      kill "$pid" 2>/dev/null || true
    fi
  done
  status=0
  wait "$pid" || status=$?
  cat "$out" >>"$WORK/$SUITE.oxigraph.tsv"
  grep '^#' "$WORK/oxigraph.err" >&2 || true
  pending=("${pending[@]:$(wc -l <"$out")}")
  ((${#pending[@]})) || break
  if ((quiet >= PEER_TIMEOUT)); then
    printf '%s\ttimeout\t\t\n' "$(basename "${pending[0]}" .rq)" >>"$WORK/$SUITE.oxigraph.tsv"
    echo "# oxigraph: $(basename "${pending[0]}" .rq) ran over ${PEER_TIMEOUT} s" >&2
    pending=("${pending[@]:1}")
  elif ((status != 0)); then
    echo "# oxigraph failed: $(grep -m1 -i 'error' "$WORK/oxigraph.err")" >&2
    for f in "${pending[@]}"; do printf '%s\tfail\t\t\n' "$(basename "$f" .rq)"; done >>"$WORK/$SUITE.oxigraph.tsv"
    break
  fi
done

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

# One line per query: rows, relata's first run and median, each peer's median
# and the ratio peer median / relata median, and whether relata's first run
# beat every peer's median.
awk -F'\t' -v suite="$SUITE" '
  FILENAME ~ /relata.tsv$/   { order[++n] = $1; rows[$1] = $2; first[$1] = $3; ms[$1] = $4; next }
  FILENAME ~ /oxigraph.tsv$/ { orows[$1] = $2; oms[$1] = $4; next }
  FILENAME ~ /virtuoso.tsv$/ { vrows[$1] = $2; vms[$1] = $4; next }
  FILENAME ~ /kuzu.tsv$/     { krows[$1] = $2; kms[$1] = $4; have_kuzu = 1; next }
  function cell(m, r, q) {
    if (r == "timeout") return sprintf("%-22s", "timeout");
    if (m == "" || r == "fail") return sprintf("%-22s", "failed");
    if (first[q] >= m) slower[q] = 1
    return sprintf("%9.3f (%6.1fx)%s", m, m / (ms[q] > 0 ? ms[q] : 0.001), r == rows[q] ? "  " : " !");
  }
  END {
    printf "%s: ms per query (ratio = peer median / relata median; ! = different row count)\n", suite
    printf "%-22s %9s %9s %9s  %-22s %-22s%s %s\n", "query", "rows", "1st run", "median", "oxigraph", "virtuoso",
           have_kuzu ? " kuzu                  " : "", "1st run < peers"
    for (i = 1; i <= n; i++) {
      q = order[i]
      line = sprintf("%-22s %9s %9.3f %9.3f  %s %s", q, rows[q], first[q], ms[q], cell(oms[q], orows[q], q),
                     cell(vms[q], vrows[q], q))
      if (have_kuzu) line = line " " cell(kms[q], krows[q], q)
      print line " " (slower[q] ? "no" : "yes")
    }
  }' "$WORK/$SUITE.relata.tsv" "$WORK/$SUITE.oxigraph.tsv" "$WORK/$SUITE.virtuoso.tsv" "$WORK/$SUITE.kuzu.tsv"
