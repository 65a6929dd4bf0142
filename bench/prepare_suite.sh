# Sourced by compare_queries.sh and compare_endpoint.sh: installs the peers'
# npm recipes, makes the suite's data, loads it into the relata store
# $WORK/$SUITE.relata and writes its queries to $QUERIES. Expects ROOT, BUILD
# and SUITE (BENCH_WORK and PEERS from the environment); sets WORK, P, DATA,
# FORMAT, QUERIES, DB, FILES, and defines load_virtuoso.
WORK=${BENCH_WORK:-$BUILD/bench-data}
PEERS_SRC=${PEERS:-$ROOT/../shared/peers}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
# The peers' recipes, copied where npm may write.
P=$WORK/peers
if [ ! -d "$P/node_modules/oxigraph" ]; then
  mkdir -p "$P"
  cp -r "$PEERS_SRC/bin" "$PEERS_SRC/package.json" "$P/"
  (cd "$P" && npm install --no-audit --no-fund >"$P/npm.log" 2>&1)
fi
export NODE_PATH=$P/node_modules
# Virtuoso comes from Debian, as the peers' setup.sh installs it (its
# package would start a system-wide server: service starts are refused).
if ! command -v virtuoso-t >/dev/null; then
  if [ ! -x /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends virtuoso-opensource >"$WORK/virtuoso-install.log" 2>&1 ||
    echo "# could not install virtuoso-opensource (see $WORK/virtuoso-install.log): its columns stay empty" >&2
fi
# Virtuoso reads only files under the directories its ini allows: the data is here.
export VIRT_DIRS_ALLOWED="$P/data, $WORK"

QUERIES=$WORK/$SUITE.queries
rm -rf "$QUERIES"
mkdir -p "$QUERIES"
case $SUITE in
  lubm10)
    DATA=$WORK/lubm10.nt
    [ -f "$DATA" ] || zcat "$ROOT/../shared/bench-data/lubm10.nt.gz" >"$DATA"
    FORMAT=application/n-triples
    cp "$ROOT"/../shared/bench-data/lubm-queries/q*.rq "$QUERIES/"
    # Ours beside the 14: anti-joins and functions per row (x*.rq).
    cp "$ROOT"/bench/queries/lubm/x*.rq "$QUERIES/"
    ;;
  news-*)
    n=${SUITE#news-}
    n=${n/M/000000}
    DATA=$WORK/news-$n.nq
    [ -f "$DATA" ] || "$BUILD/bench/relata-generate-news" --triples "$n" -o "$DATA"
    FORMAT=application/n-quads
    ;;
  traversal)
    DATA=$WORK/traversal/big.nt
    if [ ! -f "$DATA" ]; then
      mkdir -p "$WORK/traversal"
      (cd "$WORK/traversal" && python3 "$P/bin/gen-data.py" big.nt --people 100000 --orgs 14000 --countries 200 --window 100)
    fi
    FORMAT=application/n-triples
    for q in q1 q2 q3 q4; do
      cp "$WORK/traversal/big.nt.queries/$q.rq" "$WORK/traversal/big.nt.queries/$q.cypher" "$QUERIES/"
    done
    ;;
  *) echo "unknown suite $SUITE" >&2; exit 2 ;;
esac

DB=$WORK/$SUITE.relata
if [ ! -d "$DB" ]; then "$BUILD/tools/relata" load "$DB" "$DATA" >/dev/null; fi
if [[ $SUITE == news-* ]]; then
  # A well-connected entity (the generator's degrees are power-law in the
  # entity index) and the most used entity-valued relation.
  entity=$("$BUILD/tools/relata" query "$DB" 'SELECT ?e WHERE { ?e a ?t FILTER(STRENDS(STR(?e), "-1")) } LIMIT 1' | sed -n '2s/[<>]//gp')
  predicate=$("$BUILD/tools/relata" query "$DB" 'SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?p), "https://relata.dev/kg/")) } GROUP BY ?p ORDER BY DESC(?n) LIMIT 1' | sed -n '2s/[<>]//gp' | cut -f1)
  for f in "$ROOT"/bench/queries/news/*.rq; do
    sed -e "s|{{ENTITY}}|$entity|g" -e "s|{{PREDICATE}}|$predicate|g" "$f" >"$QUERIES/$(basename "$f")"
  done
fi
mapfile -t FILES < <(ls "$QUERIES"/*.rq | sort -V)

# Prints NAME, the rows and the median ms of REPEAT runs of query FILE
# against Virtuoso's /sparql over HTTP (tab-separated, as relata-bench-query
# with an empty first-run column; "fail" rows when it fails).
virtuoso_median() {
  local name=$1 file=$2 times=() rows=fail out median
  for ((r = 0; r < REPEAT; r++)); do
    if out=$(timeout 300 "$P/bin/virtuoso-query" "$VDB" "$file" 2>"$WORK/virtuoso.err"); then
      rows=$(($(printf '%s\n' "$out" | wc -l) - 1))
      times+=("$(sed -n 's/^# query_s=//p' "$WORK/virtuoso.err")")
    else
      break
    fi
  done
  median=$(printf '%s\n' "${times[@]:-}" | sort -g | awk '{ a[NR] = $1 } END { if (NR) printf "%.3f", a[int((NR + 1) / 2)] * 1000 }')
  printf '%s\t%s\t\t%s\n' "$name" "$rows" "${median:-}"
}

# Virtuoso's store of the suite, $VDB, kept between runs: loaded once, and
# marked loaded ($VDB/loaded) only when no file failed (a file Virtuoso may
# not read loads nothing, silently).
load_virtuoso() {
  VDB=$WORK/$SUITE.virtuoso
  [ -f "$VDB/loaded" ] && return
  rm -rf "$VDB"
  if VIRT_LOADERS=1 "$P/bin/virtuoso-load" "$DATA" "$VDB" >/dev/null 2>"$WORK/virtuoso-load.err" &&
     grep -q '^# files_with_errors=0' "$WORK/virtuoso-load.err"; then
    touch "$VDB/loaded"
  else
    echo "# virtuoso did not load $DATA: $(grep -m1 -e files_with_errors -e died "$WORK/virtuoso-load.err")" >&2
    "$P/bin/virtuoso-stop" "$VDB" >/dev/null 2>&1 || true
  fi
}
