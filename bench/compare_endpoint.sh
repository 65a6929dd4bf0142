#!/bin/bash
# SPARQL endpoints side by side, in one run on the same data: relata serve
# and Virtuoso's /sparql (Debian's virtuoso-opensource, through the peers'
# recipes), each queried by relata-endpoint-load with N = 1, 8 and 32
# clients at once, every answer read whole as SPARQL JSON. Prints per query
# and N the throughput and median latency of each, and the ratios. Then the
# cost of HTTP itself: per request, what relata's client waited beyond the
# answer's own time (Server-Timing), and relata's median over HTTP with one
# client against the same query run in-process and written as SPARQL JSON
# into memory (relata-bench-query --json).
#
#   bench/compare_endpoint.sh lubm10|news-1M|news-10M|traversal [REQUESTS]
#
# REQUESTS per query and N (default 200). Environment as compare_queries.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SUITE=${1:?usage: compare_endpoint.sh lubm10|news-1M|news-10M|traversal [REQUESTS]}
REQUESTS=${2:-200}
. "$ROOT/bench/prepare_suite.sh"
LOAD="$BUILD/bench/relata-endpoint-load"
# On LUBM also the two lookups whose in-process latency the README states:
# what HTTP adds to a 1-hop query is measured on the 1-hop query.
if [ "$SUITE" = lubm10 ]; then FILES+=("$ROOT"/bench/queries/latency/*.rq); fi

# relata serve, on a free port, stopped by its pid at the end.
"$BUILD/tools/relata" serve "$DB" --bind 127.0.0.1:0 --threads 32 >"$WORK/serve.out" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q http:// "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'http://[^ ]*' "$WORK/serve.out")
echo "# relata at $URL" >&2
"$LOAD" "$URL" --requests "$REQUESTS" "${FILES[@]}" >"$WORK/$SUITE.endpoint.relata.tsv"
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true

load_virtuoso
: >"$WORK/$SUITE.endpoint.virtuoso.tsv"
if [ -f "$VDB/loaded" ]; then
  "$P/bin/virtuoso-start" "$VDB" >/dev/null
  echo "# virtuoso at http://127.0.0.1:$(cat "$VDB/http.port")/sparql" >&2
  "$LOAD" "http://127.0.0.1:$(cat "$VDB/http.port")/sparql" --requests "$REQUESTS" "${FILES[@]}" \
    >"$WORK/$SUITE.endpoint.virtuoso.tsv"
  "$P/bin/virtuoso-stop" "$VDB" >/dev/null 2>&1 || true
fi

"$BUILD/bench/relata-bench-query" "$DB" --repeat 201 --json "${FILES[@]}" >"$WORK/$SUITE.inprocess.tsv"

awk -F'\t' -v suite="$SUITE" '
  FILENAME ~ /endpoint.relata.tsv$/   && FNR > 1 { k = $1 "\t" $2; order[++n] = k; rq[k] = $4; rm[k] = $5; rf[k] = $7; rh[k] = $9; next }
  FILENAME ~ /endpoint.virtuoso.tsv$/ && FNR > 1 { k = $1 "\t" $2; vq[k] = $4; vm[k] = $5; vf[k] = $7; next }
  FILENAME ~ /inprocess.tsv$/ { inproc[$1] = $4; next }
  END {
    printf "%s: queries per second and median ms over HTTP (ratio = relata / virtuoso for q/s)\n", suite
    printf "%-18s %3s %12s %10s %12s %10s %8s\n", "query", "N", "relata q/s", "median", "virtuoso q/s", "median", "ratio"
    for (i = 1; i <= n; i++) {
      k = order[i]; split(k, part, "\t")
      ratio = vq[k] > 0 ? sprintf("%7.1fx", rq[k] / vq[k]) : "      -"
      printf "%-18s %3s %12.1f %10.3f %12s %10s %8s%s\n", part[1], part[2], rq[k], rm[k],
             vq[k] == "" ? "-" : sprintf("%.1f", vq[k]), vm[k] == "" ? "-" : vm[k], ratio,
             (rf[k] > 0 || vf[k] > 0) ? "  (failed: " rf[k] + 0 " / " vf[k] + 0 ")" : ""
    }
    printf "\nHTTP itself, with 1 client: the median of what each request waited beyond the time the\n"
    printf "server says its answer took (Server-Timing; answers up to 64 KiB), and the median over\n"
    printf "HTTP minus the same query run in-process and written as JSON (other runs, other caches)\n"
    printf "%-18s %12s %30s\n", "query", "per request", "against in-process"
    for (i = 1; i <= n; i++) {
      k = order[i]; split(k, part, "\t")
      if (part[2] != 1 || !(part[1] in inproc)) continue
      printf "%-18s %12s %8.3f ms - %8.3f ms = %6.0f us\n", part[1], rh[k] == "-" ? "-" : sprintf("%.0f us", rh[k] * 1000),
             rm[k], inproc[part[1]], (rm[k] - inproc[part[1]]) * 1000
    }
  }' "$WORK/$SUITE.endpoint.relata.tsv" "$WORK/$SUITE.endpoint.virtuoso.tsv" "$WORK/$SUITE.inprocess.tsv"
