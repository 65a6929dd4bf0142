"""Fills in each relation's evidence offsets (start, end: Unicode code
points into the article, end exclusive) from the seed articles, and checks
that every evidence text is verbatim. Run from the repository root:
    python3 data/news/fill_offsets.py ../shared/seeds
"""
import glob
import json
import os
import sys


def main(seeds):
    articles = {os.path.basename(p)[:3]: open(p, encoding="utf-8").read()
                for p in glob.glob(os.path.join(seeds, "*.txt"))}
    missing = 0
    for path in sorted(glob.glob("data/news/[0-9][0-9][0-9]-*.jsonl")):
        text = articles[os.path.basename(path)[:3]]
        out = []
        for number, line in enumerate(open(path, encoding="utf-8"), 1):
            record = json.loads(line)
            evidence = record.get("evidence") if record.get("kind") == "relation" else None
            if evidence is not None:
                # Within its sentence when it has one: a phrase may recur.
                sentence = evidence.get("sentence")
                around = text.find(sentence) if isinstance(sentence, str) else -1
                at = text.find(evidence["text"], max(around, 0))
                if at < 0:
                    at = text.find(evidence["text"])
                if at < 0:
                    print(f"{path}:{number}: evidence not in the article: {evidence['text']!r}", file=sys.stderr)
                    missing += 1
                else:
                    evidence["start"], evidence["end"] = at, at + len(evidence["text"])
            out.append(json.dumps(record, ensure_ascii=False) + "\n")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(out)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
