#!/bin/bash
# Loads one news-shaped N-Quads file into relata and, in the same run, into
# Virtuoso (the peer recipe in ../shared/peers), then prints load time,
# triples/s and bytes on disk for each, with ratios against the peer.
#
#   bench/compare_load.sh [TRIPLES]          default 10000000
#
# Environment: BUILD (default build/), BENCH_WORK (where the data file and the
# stores go; default $BUILD/bench-data), PEERS (default ../shared/peers),
# VIRT_LOADERS (parallel Virtuoso loaders; default 1: with 2, Virtuoso 7.2
# fails one part with "Transaction deadlock" on this data).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
TRIPLES=${1:-10000000}
WORK=${BENCH_WORK:-$BUILD/bench-data}
PEERS=${PEERS:-$ROOT/../shared/peers}
export VIRT_LOADERS=${VIRT_LOADERS:-1}
RELATA=$BUILD/tools/relata
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

FILE=$WORK/news-$TRIPLES.nq
if [ ! -f "$FILE" ]; then
  echo "generating $FILE" >&2
  "$BUILD/bench/relata-generate-news" --triples "$TRIPLES" -o "$FILE.tmp"
  mv "$FILE.tmp" "$FILE"
fi

now() { date +%s.%N; }
rows=()

# relata: the whole command, process start to exit.
rm -rf "$WORK/relata.db"
start=$(now)
"$RELATA" load "$WORK/relata.db" "$FILE" >"$WORK/relata-load.out"
end=$(now)
relata_s=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
relata_quads=$("$RELATA" stats "$WORK/relata.db" | awk '/^quads:/ {print $2}')
relata_bytes=$(du -sb "$WORK/relata.db" | cut -f1)
rows+=("relata|$relata_s|$relata_quads|$relata_bytes")

# Virtuoso: the peer recipe's server settings, ld_add, rdf_loader_run,
# checkpoint. With several loaders the file is split into N-Quads parts (the
# recipe's own split names parts .nt, which makes Virtuoso read quads as
# triples). Server start is not counted; a load error stops the script.
if command -v virtuoso-t >/dev/null && [ -x "$PEERS/bin/virtuoso-start" ]; then
  VDB=$WORK/virtuoso.db
  "$PEERS/bin/virtuoso-stop" "$VDB" >/dev/null 2>&1 || true
  rm -rf "$VDB"
  VIRT_DIRS_ALLOWED="$WORK" "$PEERS/bin/virtuoso-start" "$VDB" >/dev/null
  ISQL="isql-vt 127.0.0.1:$(cat "$VDB/sql.port") dba dba"
  parts=("$FILE")
  if [ "$VIRT_LOADERS" -gt 1 ]; then
    mkdir -p "$VDB/split"
    split -n "l/$VIRT_LOADERS" -d --additional-suffix=.nq "$FILE" "$VDB/split/part"
    parts=("$VDB"/split/part*.nq)
  fi
  start=$(now)
  for part in "${parts[@]}"; do $ISQL exec="ld_add('$part', 'http://example.org/graph');" >/dev/null; done
  pids=()
  for _ in $(seq 1 "$VIRT_LOADERS"); do $ISQL exec="rdf_loader_run();" >/dev/null 2>&1 & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid"; done
  $ISQL exec="checkpoint;" >/dev/null
  end=$(now)
  virtuoso_s=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
  errors=$($ISQL exec="select count(*) from DB.DBA.LOAD_LIST where ll_error is not null;" | grep -E '^ *[0-9]+ *$' | head -1 | tr -d ' ')
  virtuoso_quads=$($ISQL exec="sparql select count(*) where { graph ?g { ?s ?p ?o } filter(?g = <http://example.org/graph> || strstarts(str(?g), 'https://relata.dev/')) };" |
    grep -E '^ *[0-9]+ *$' | head -1 | tr -d ' ')
  "$PEERS/bin/virtuoso-stop" "$VDB" >/dev/null 2>&1 || true
  if [ "$errors" != 0 ]; then
    echo "Virtuoso reported load errors; see $VDB/virtuoso.log" >&2
    exit 1
  fi
  virtuoso_bytes=$(du -sb "$VDB/virtuoso.db" | cut -f1)
  rows+=("virtuoso ($VIRT_LOADERS loaders)|$virtuoso_s|$virtuoso_quads|$virtuoso_bytes")
else
  echo "Virtuoso not found (apt-get install virtuoso-opensource; recipe in $PEERS): relata alone" >&2
fi

printf '\n%s triples (%s)\n\n' "$TRIPLES" "$(basename "$FILE")"
printf '| %-22s | %8s | %12s | %11s | %14s | %14s |\n' system "load s" "triples/s" "quads" "bytes/triple" "speed vs peer"
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------ ---------- -------------- ------------- ---------------- ----------------
peer_s=""
[ ${#rows[@]} -gt 1 ] && peer_s=$(echo "${rows[1]}" | cut -d'|' -f2)
for row in "${rows[@]}"; do
  IFS='|' read -r name seconds quads bytes <<<"$row"
  rate=$(awk -v n="$TRIPLES" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
  per=$(awk -v b="$bytes" -v n="$TRIPLES" 'BEGIN { printf "%.1f", b / n }')
  ratio="-"
  [ -n "$peer_s" ] && ratio=$(awk -v p="$peer_s" -v s="$seconds" 'BEGIN { printf "%.2fx", p / s }')
  printf '| %-22s | %8.2f | %12s | %11s | %14s | %14s |\n' "$name" "$seconds" "$rate" "$quads" "$per" "$ratio"
done
