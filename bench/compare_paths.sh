#!/bin/bash
# Path searches side by side, in one run on the same data: relata's PATHS,
# Kuzu's SHORTEST / ALL SHORTEST / ACYCLIC patterns (npm, Cypher on the
# peers' property-graph mapping) and Virtuoso's TRANSITIVE option
# (t_shortest_only, t_step). Four searches between two entities:
#
#   shortest      one shortest path
#   all-shortest  every shortest path
#   within-3      the shortest path to every node within 3 steps of the source
#   k10           the 10 shortest simple paths (Kuzu: every acyclic path up to
#                 the length of relata's tenth, ordered by length, LIMIT 10;
#                 Virtuoso has no k shortest paths: its every-shortest-path
#                 answer stands in)
#
#   bench/compare_paths.sh traversal|news-1M|news-10M [REPEAT]
#
#   traversal  the peers' 1M-triple graph: from person/0 to person/77777
#              over ex:knows, forwards
#   news-N     the news-shaped generator: from the entity numbered 1000 to the
#              one numbered 20000 over the most used entity-valued relation,
#              either way
#
# Each engine returns every path with its nodes, every row fetched, and runs
# each search REPEAT times (default 20) in one process: relata through its C++
# API (relata-bench-query, one fresh process per search, so that its first
# run is a first run), Kuzu through its Node API (bench/peers/kuzu-run.js),
# Virtuoso over HTTP as its clients use it. Prints rows, relata's first run
# and median, the peers' medians and the ratios peer / relata. Environment as
# compare_queries.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SUITE=${1:?usage: compare_paths.sh traversal|news-1M|news-10M [REPEAT]}
REPEAT=${2:-20}
. "$ROOT/bench/prepare_suite.sh"
RELATA=$BUILD/tools/relata

one() { "$RELATA" query "$DB" "$1" | sed -n '2s/[<>]//gp' | cut -f1; }
case $SUITE in
  traversal)
    SOURCE=http://example.org/person/0 TARGET=http://example.org/person/77777 PREDICATE=http://example.org/knows
    DIRECTION=FORWARD ARROW='->' VDIRECTION=''
    ;;
  news-*)
    SOURCE=$(one 'SELECT ?e WHERE { ?e a ?t FILTER(STRENDS(STR(?e), "-1000")) } LIMIT 1')
    TARGET=$(one 'SELECT ?e WHERE { ?e a ?t FILTER(STRENDS(STR(?e), "-20000")) } LIMIT 1')
    PREDICATE=$predicate DIRECTION=EITHER ARROW='-'
    ;;
  *) echo "compare_paths.sh: no path searches for $SUITE" >&2; exit 2 ;;
esac
echo "# $SUITE: from $SOURCE to $TARGET over $PREDICATE, $DIRECTION" >&2

Q=$WORK/$SUITE.paths
rm -rf "$Q"
mkdir -p "$Q"
columns='AS (?path ?step ?start ?predicate ?end)'
via="VIA <$PREDICATE> $DIRECTION"
cat >"$Q/shortest.rq" <<EOF
SELECT ?path ?step ?start ?end WHERE { PATHS SHORTEST FROM <$SOURCE> TO <$TARGET> $via $columns }
EOF
cat >"$Q/all-shortest.rq" <<EOF
SELECT ?path ?step ?start ?end WHERE { PATHS ALL SHORTEST FROM <$SOURCE> TO <$TARGET> $via $columns }
EOF
cat >"$Q/within-3.rq" <<EOF
SELECT ?to ?path ?step ?start ?end WHERE { PATHS SHORTEST FROM <$SOURCE> TO ?to $via MAX 3 $columns }
EOF
cat >"$Q/k10.rq" <<EOF
SELECT ?path ?step ?start ?end WHERE { PATHS SHORTEST 10 FROM <$SOURCE> TO <$TARGET> $via $columns }
EOF
# The length of relata's tenth path bounds Kuzu's enumeration of acyclic paths.
longest=$("$RELATA" query "$DB" "SELECT (MAX(?step) AS ?n) WHERE { PATHS SHORTEST 10 FROM <$SOURCE> TO <$TARGET> $via $columns }" |
  sed -n '2s/"\([0-9]*\)".*/\1/p')

# Kuzu: the peers' mapping has one relationship table per predicate, named
# by its local name; the news graph's quads become distinct triples.
rel=${PREDICATE##*[/#]}
a="(a:R {iri: '$SOURCE'})" b="(b:R {iri: '$TARGET'})"
nodes="properties(nodes(p), 'iri') AS path"
echo "MATCH p = $a-[:$rel* SHORTEST 1..64]$ARROW$b RETURN $nodes" >"$Q/shortest.cypher"
echo "MATCH p = $a-[:$rel* ALL SHORTEST 1..64]$ARROW$b RETURN $nodes" >"$Q/all-shortest.cypher"
echo "MATCH p = $a-[:$rel* SHORTEST 1..3]$ARROW(b:R) RETURN b.iri AS to, $nodes" >"$Q/within-3.cypher"
echo "MATCH p = $a-[:$rel* ACYCLIC 1..$longest]$ARROW$b RETURN $nodes, length(p) AS n ORDER BY n LIMIT 10" >"$Q/k10.cypher"

# Virtuoso: TRANSITIVE over the predicate's pairs (both ways round for
# EITHER); t_shortest_only gives every shortest path, one row per step.
if [ "$DIRECTION" = EITHER ]; then
  pairs="{ SELECT ?x ?y WHERE { { ?x <$PREDICATE> ?y } UNION { ?y <$PREDICATE> ?x } } }"
else
  pairs="{ SELECT ?x ?y WHERE { ?x <$PREDICATE> ?y } }"
fi
steps="t_step(?x) AS ?via, t_step('path_id') AS ?path, t_step('step_no') AS ?step"
for name in shortest all-shortest k10; do
  cat >"$Q/$name.virtuoso.rq" <<EOF
SELECT ?via ?path ?step WHERE { $pairs OPTION (TRANSITIVE, t_distinct, t_in(?x), t_out(?y), t_shortest_only, $steps)
  FILTER (?x = <$SOURCE> && ?y = <$TARGET>) }
EOF
done
cat >"$Q/within-3.virtuoso.rq" <<EOF
SELECT ?y ?via ?path ?step WHERE { $pairs OPTION (TRANSITIVE, t_distinct, t_in(?x), t_out(?y), t_min(1), t_max(3), $steps)
  FILTER (?x = <$SOURCE>) }
EOF

NAMES=(shortest all-shortest within-3 k10)
echo "# relata" >&2
: >"$WORK/$SUITE.paths.relata.tsv"
for name in "${NAMES[@]}"; do
  "$BUILD/bench/relata-bench-query" "$DB" --repeat "$REPEAT" "$Q/$name.rq" >>"$WORK/$SUITE.paths.relata.tsv"
done

: >"$WORK/$SUITE.paths.kuzu.tsv"
KDB=$WORK/$SUITE.kuzu
if [ ! -f "$KDB/kuzu.db" ]; then
  echo "# kuzu: loading $DATA" >&2
  triples=$DATA
  if [[ $DATA == *.nq ]]; then
    # Each triple once, as relata's union default graph has it.
    triples=$WORK/$SUITE.triples.nt
    [ -f "$triples" ] || "$RELATA" dump "$DB" --format ntriples >"$triples"
  fi
  # Its loader holds the parsed triples in node's heap: 10M need more than the default 4 GiB.
  NODE_OPTIONS=--max-old-space-size=16384 "$P/bin/kuzu-load" "$triples" "$KDB" >"$WORK/kuzu-load.out" 2>&1 || echo "# kuzu did not load: $(tail -1 "$WORK/kuzu-load.out")" >&2
fi
if [ -f "$KDB/kuzu.db" ]; then
  echo "# kuzu" >&2
  files=()
  for name in "${NAMES[@]}"; do files+=("$Q/$name.cypher"); done
  timeout 1800 node "$ROOT/bench/peers/kuzu-run.js" "$KDB" "$REPEAT" "${files[@]}" >"$WORK/$SUITE.paths.kuzu.tsv" \
    2>"$WORK/kuzu.err" || echo "# kuzu failed: $(tail -1 "$WORK/kuzu.err")" >&2
fi

load_virtuoso
: >"$WORK/$SUITE.paths.virtuoso.tsv"
if [ -f "$VDB/loaded" ]; then
  echo "# virtuoso" >&2
  for name in "${NAMES[@]}"; do virtuoso_median "$name" "$Q/$name.virtuoso.rq" >>"$WORK/$SUITE.paths.virtuoso.tsv"; done
  "$P/bin/virtuoso-stop" "$VDB" >/dev/null 2>&1 || true
fi

# Virtuoso has no k shortest paths: its k10 cell is its every-shortest-path
# answer (a smaller task), marked *, and relata's first run is not held to it.
awk -F'\t' -v suite="$SUITE" '
  FILENAME ~ /relata.tsv$/   { order[++n] = $1; rows[$1] = $2; first[$1] = $3; ms[$1] = $4; next }
  FILENAME ~ /kuzu.tsv$/     { krows[$1] = $2; kms[$1] = $4; next }
  FILENAME ~ /virtuoso.tsv$/ { vrows[$1] = $2; vms[$1] = $4; next }
  function cell(m, r, q) {
    if (m == "" || r == "fail") return sprintf("%-28s", "failed");
    return sprintf("%6s %9.3f (%7.1fx)", r, m, m / (ms[q] > 0 ? ms[q] : 0.001))
  }
  END {
    printf "%s: path searches, ms (ratio = peer median / relata median; rows: relata and Virtuoso one per\n", suite
    printf "step, Virtuoso with each path'"'"'s start too, Kuzu one per path)\n"
    printf "%-13s %6s %9s %9s  %-28s %-29s %s\n", "search", "rows", "1st run", "median", "kuzu rows, median", "virtuoso rows, median", "1st run < peers"
    for (i = 1; i <= n; i++) {
      q = order[i]
      standin = q == "k10"
      beats = "yes"
      if ((kms[q] != "" && first[q] >= kms[q]) || (!standin && vms[q] != "" && first[q] >= vms[q])) beats = "no"
      printf "%-13s %6s %9.3f %9.3f  %s %s%s %s\n", q, rows[q], first[q], ms[q], cell(kms[q], krows[q], q),
             cell(vms[q], vrows[q], q), standin ? "*" : " ", beats
    }
    printf "* Virtuoso has no k shortest paths: its every-shortest-path answer stands in\n"
  }' "$WORK/$SUITE.paths.relata.tsv" "$WORK/$SUITE.paths.kuzu.tsv" "$WORK/$SUITE.paths.virtuoso.tsv"
