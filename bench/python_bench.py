"""Timings of relata's Python module and of rdflib on the same work, for
bench/compare_python.sh (which runs the C++ API's side and prints the
ratios). Prints one tab-separated line per measure: name, engine, count,
median milliseconds of REPEAT runs.

    python_bench.py rows DB QUERY_FILE [--repeat N]
        every row of the query, as tuples of terms and as native values
    python_bench.py rdflib-rows NQUADS QUERY_FILE [--repeat N]
        the same query over the same quads in rdflib's in-memory store
    python_bench.py one-hop NEWS_DIR [--runs N] [--repeat N] [--no-rdflib]
        a prepared 1-hop query on the bundled news graph, run N times with a
        different entity bound, every row read; in relata and in rdflib (CPU
        time)
"""
import argparse
import glob
import os
import statistics
import sys
import tempfile
import time

import relata


def median_ms(work, repeat, clock=time.perf_counter):
    """The median time of `work()` over `repeat` runs (wall time, or `clock`'s), and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = clock()
        result = work()
        times.append((clock() - start) * 1000)
    return statistics.median(times), result


def emit(name, engine, count, ms):
    print("%s\t%s\t%d\t%.3f" % (name, engine, count, ms), flush=True)


def count_rows(rows):
    n = 0
    for _ in rows:
        n += 1
    return n


def rows(args):
    text = open(args.query, encoding="utf-8").read()
    with relata.Database.open(args.db, read_only=True) as db:
        for native in (False, True):
            ms, n = median_ms(lambda: count_rows(db.query(text, native=native)), args.repeat)
            emit("rows" + (" native" if native else ""), "python", n, ms)


def rdflib_rows(args):
    import rdflib
    text = open(args.query, encoding="utf-8").read()
    graph = rdflib.ConjunctiveGraph()
    start = time.perf_counter()
    graph.parse(args.nquads, format="nquads")
    print("# rdflib parsed %d quads in %.1f s" % (len(graph), time.perf_counter() - start), file=sys.stderr)
    ms, n = median_ms(lambda: count_rows(graph.query(text)), args.repeat)
    emit("rows", "rdflib", n, ms)


ONE_HOP = "SELECT ?p ?o WHERE { ?entity ?p ?o }"


def one_hop(args):
    import rdflib
    from rdflib.plugins.sparql import prepareQuery

    files = sorted(glob.glob(os.path.join(args.news, "*.jsonl")))
    with relata.Database.memory() as db, tempfile.TemporaryDirectory() as scratch:
        db.load(files)
        entities = [e for e, in db.query("SELECT DISTINCT ?e WHERE { ?e a ?type } ORDER BY ?e")]
        prepared = db.prepare(ONE_HOP)

        def relata_runs():
            n = 0
            for i in range(args.runs):
                n += count_rows(prepared.execute(entity=entities[i % len(entities)]))
            return n

        # CPU time, as Google Benchmark's cpu_time on the C++ side: the
        # virtual machines' stolen time falls out of both.
        ms, n = median_ms(relata_runs, args.repeat, time.process_time)
        emit("one-hop x%d" % args.runs, "python", n, ms)
        if args.no_rdflib:
            return

        # rdflib on the same quads, its query prepared once and run with
        # the entity as an initial binding.
        # rdflib 6 reads no RDF 1.2 triple terms: the reifiers' rdf:reifies
        # quads stay out (a 1-hop from an entity never reaches them).
        dump = os.path.join(scratch, "news.nq")
        db.dump(dump)
        with open(dump, encoding="utf-8") as quads:
            kept = [line for line in quads if "<<(" not in line]
        graph = rdflib.ConjunctiveGraph()
        graph.parse(data="".join(kept), format="nquads")
    query = prepareQuery(ONE_HOP)
    terms = [rdflib.URIRef(e.value) for e in entities]

    def rdflib_runs():
        n = 0
        for i in range(args.runs):
            n += count_rows(graph.query(query, initBindings={"entity": terms[i % len(terms)]}))
        return n

    ms, n = median_ms(rdflib_runs, args.repeat, time.process_time)
    emit("one-hop x%d" % args.runs, "rdflib", n, ms)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="measure", required=True)
    p = sub.add_parser("rows")
    p.add_argument("db")
    p.add_argument("query")
    p.add_argument("--repeat", type=int, default=5)
    p.set_defaults(run=rows)
    p = sub.add_parser("rdflib-rows")
    p.add_argument("nquads")
    p.add_argument("query")
    p.add_argument("--repeat", type=int, default=1)
    p.set_defaults(run=rdflib_rows)
    p = sub.add_parser("one-hop")
    p.add_argument("news")
    p.add_argument("--runs", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-rdflib", action="store_true", help="relata only")
    p.set_defaults(run=one_hop)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
