#!/bin/bash
# relata's full-text index against SQLite FTS5 (Debian's sqlite3), in one run
# on the same texts:
#   build    relata: loading the input with its text index minus loading it
#            with --no-text-index; FTS5: inserting the same distinct texts
#            (evidence and titles) into a contentless fts5 table (porter
#            stemming, unicode61) and optimising it
#   size     relata: the text index's bytes (relata stats); FTS5: its pages
#            (dbstat)
#   queries  the best 10 by BM25 of two words, a phrase, a prefix, an OR,
#            a rare word with a common one: median and first run, ms (relata:
#            wall time with every row read, in relata-bench-query; FTS5: the
#            CPU time sqlite3's .timer prints, as its wall time is in whole ms)
# Prints the table and the ratios (FTS5 / relata: above 1, relata is faster).
#
#   bench/compare_text.sh [kg-1M | news-10M]
#
# kg-1M (the default) is relata-generate-news --kg-relations 1000000 (every
# relation with an evidence sentence); news-10M is --triples 10000000 --rdf12
# (a reifier with an evidence sentence for one relation in three). ROUNDS (3)
# loads with and without the index, alternating; REPEAT (20) runs per query.
# BENCH_WORK (default build/bench-data) holds the inputs and stores.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
WORK=${BENCH_WORK:-$BUILD/bench-data}
INPUT=${1:-kg-1M}
ROUNDS=${ROUNDS:-3}
REPEAT=${REPEAT:-20}
PYTHON=/usr/bin/python3
RELATA=$BUILD/tools/relata
command -v sqlite3 >/dev/null || { echo "compare_text.sh needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
mkdir -p "$WORK"
case "$INPUT" in
  kg-1M) DATA=$WORK/news-kg-1M.jsonl
         [ -f "$DATA" ] || "$BUILD/bench/relata-generate-news" --kg-relations 1000000 -o "$DATA" ;;
  news-10M) DATA=$WORK/news-10M-rdf12.nq
            [ -f "$DATA" ] || "$BUILD/bench/relata-generate-news" --triples 10000000 --rdf12 -o "$DATA" ;;
  *) echo "usage: bench/compare_text.sh [kg-1M | news-10M]" >&2; exit 2 ;;
esac
OUT=$WORK/text.$INPUT.tsv
: >"$OUT"
DB=$WORK/text.$INPUT.relata

# The distinct texts relata indexes, one per line, for FTS5.
TEXTS=$WORK/text.$INPUT.txt
[ -f "$TEXTS" ] || "$PYTHON" - "$DATA" "$TEXTS" <<'EOF'
import json, re, sys
source, target = sys.argv[1], sys.argv[2]
texts = set()
literal = re.compile(r'^\S+ <[^>]*/(?:evidence|title)> "((?:[^"\\]|\\.)*)"')
with open(source, encoding='utf-8') as f:
    for line in f:
        if source.endswith('.jsonl'):
            record = json.loads(line)
            if record.get('kind') == 'relation' and record.get('evidence', {}).get('text'):
                texts.add(record['evidence']['text'])
            elif record.get('kind') == 'document' and record.get('title'):
                texts.add(record['title'])
        else:
            match = literal.match(line)
            if match:
                texts.add(json.loads('"' + match.group(1) + '"'))
with open(target, 'w', encoding='utf-8') as out:
    for text in texts:
        out.write(text.replace('\n', ' ').replace('\t', ' ') + '\n')
EOF

seconds() { awk '/ s wall/ { print $1 }'; }
# Loads, alternating with and without the index, so that both meet the same
# state of the machine.
for ((round = 0; round < ROUNDS; round++)); do
  for mode in with without; do
    rm -rf "$DB.$mode"
    flag=$([ "$mode" = without ] && echo --no-text-index || true)
    s=$( { /usr/bin/time -f "%e s wall" "$RELATA" load "$DB.$mode" "$DATA" $flag >/dev/null; } 2>&1 | seconds)
    printf 'load %s\t%s\n' "$mode" "$s" >>"$OUT"
  done
  rm -f "$WORK/text.$INPUT.fts5"
  s=$(sqlite3 "$WORK/text.$INPUT.fts5" <<EOF | awk '/Run Time/ { t += $4 } END { print t }'
CREATE TABLE texts(t TEXT);
.mode tabs
.import $TEXTS texts
.timer on
CREATE VIRTUAL TABLE f USING fts5(t, content='', tokenize='porter unicode61 remove_diacritics 2');
INSERT INTO f(rowid, t) SELECT rowid, t FROM texts;
INSERT INTO f(f) VALUES('optimize');
EOF
)
  printf 'fts5 build\t%s\n' "$s" >>"$OUT"
done
relata_bytes=$("$RELATA" stats "$DB.with" | awk '/^text index:/ { print $(NF - 1) }')
fts5_bytes=$(sqlite3 "$WORK/text.$INPUT.fts5" "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'f_%'")

# name | relata:text query | FTS5 MATCH
QUERIES=$(cat <<'EOF'
two words|gas pipeline|gas pipeline
phrase|\"national currencies\"|"national currencies"
prefix|pipel*|pipel*
or|sanctions OR tariffs|sanctions OR tariffs
rare and common|rouble settlements|rouble settlements
EOF
)
RQ=$WORK/text.queries
rm -rf "$RQ" && mkdir -p "$RQ"
i=0
while IFS='|' read -r name text match; do
  i=$((i + 1))
  echo "SELECT ?r ?score WHERE { (?r ?score) <https://relata.dev/ns#text> \"$text\" } LIMIT 10" >"$RQ/$i.rq"
  echo "$name" >"$RQ/$i.name"
  printf '.timer on\n' >"$RQ/$i.sql"
  for ((r = 0; r < REPEAT; r++)); do
    printf "SELECT rowid, bm25(f) FROM f WHERE f MATCH '%s' ORDER BY bm25(f) LIMIT 10;\n" "$match" >>"$RQ/$i.sql"
  done
done <<<"$QUERIES"
# relata: one process per query, first run included (relata-bench-query
# prints rows, first, median, fastest).
for ((q = 1; q <= i; q++)); do
  "$BUILD/bench/relata-bench-query" "$DB.with" --repeat "$REPEAT" "$RQ/$q.rq" |
    awk -F'\t' -v name="$(cat "$RQ/$q.name")" '!/^#/ && NF >= 5 { printf "query %s\trelata\t%s\t%s\t%s\n", name, $2, $3, $4 }' >>"$OUT"
  sqlite3 "$WORK/text.$INPUT.fts5" <"$RQ/$q.sql" |
    awk -v name="$(cat "$RQ/$q.name")" '/Run Time/ { ms[++n] = ($6 + $8) * 1000 }
      END {
        first = ms[1]
        for (i = 2; i <= n; i++) for (j = i; j > 1 && ms[j - 1] > ms[j]; j--) { t = ms[j]; ms[j] = ms[j - 1]; ms[j - 1] = t }
        printf "query %s\tfts5\t-\t%.3f\t%.3f\n", name, first, ms[int((n + 1) / 2)]
      }' >>"$OUT"
done

awk -F'\t' -v relata_bytes="$relata_bytes" -v fts5_bytes="$fts5_bytes" -v input="$INPUT" '
  function median(list,    v, m, i, j, t) {
    m = split(list, v, " ")
    for (i = 2; i <= m; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return v[int((m + 1) / 2)]
  }
  /^load with\t/ { with = with " " $2 }
  /^load without\t/ { without = without " " $2 }
  /^fts5 build\t/ { fts = fts " " $2 }
  /^query / { q = substr($1, 7); if (!seen[q]++) order[++k] = q; first[q, $2] = $4; med[q, $2] = $5; if ($2 == "relata") rows[q] = $3 }
  END {
    w = median(with); wo = median(without); f = median(fts)
    printf "%s: load %.1f s with the text index, %.1f s without (+%.0f%%)\n", input, w, wo, 100 * (w - wo) / wo
    printf "%-22s %12s %12s %8s\n", "", "relata", "FTS5", "FTS5/relata"
    printf "%-22s %12.1f %12.1f %8.2f\n", "index build, s", w - wo, f, f / (w - wo)
    printf "%-22s %12.1f %12.1f %8.2f\n", "index size, MB", relata_bytes / 1e6, fts5_bytes / 1e6, fts5_bytes / relata_bytes
    for (i = 1; i <= k; i++) {
      q = order[i]
      printf "%-22s %12.2f %12.2f %8.2f   (first run: %.2f vs %.2f ms; %s rows)\n", q " ms", med[q, "relata"], med[q, "fts5"],
             med[q, "fts5"] / med[q, "relata"], first[q, "relata"], first[q, "fts5"], rows[q]
    }
  }' "$OUT"
