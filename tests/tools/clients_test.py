"""Clients nobody here wrote talk to relata serve: SPARQLWrapper and rdflib's
SPARQL store run a query and an update on the news graph, and get the answers
`relata query` gives on the same store (it reads beside the server).

Run by CTest with Debian's python3: clients_test.py RELATA NEWS_DIR WORK_DIR
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from SPARQLWrapper import JSON, POST, SPARQLWrapper

RELATA, NEWS, WORK = sys.argv[1:4]
MEMBERSHIPS = ("SELECT ?org WHERE { <https://relata.dev/e/russia> <https://relata.dev/kg/member_of> ?org } "
               "ORDER BY ?org")


def relata_query(db, query):
    out = subprocess.run([RELATA, "query", db, query, "--format", "json"], check=True, capture_output=True, text=True)
    return [b["org"]["value"] for b in json.loads(out.stdout)["results"]["bindings"]]


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    db = os.path.join(WORK, "db")
    subprocess.run([RELATA, "load", db] + sorted(glob.glob(os.path.join(NEWS, "*.jsonl"))), check=True,
                   capture_output=True)
    server = subprocess.Popen([RELATA, "serve", db, "--bind", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert "http://127.0.0.1:" in line, line
        url = line[line.index("http://"):].strip()

        wrapper = SPARQLWrapper(url)
        wrapper.setQuery(MEMBERSHIPS)
        wrapper.setReturnFormat(JSON)
        by_wrapper = [b["org"]["value"] for b in wrapper.query().convert()["results"]["bindings"]]
        assert by_wrapper == relata_query(db, MEMBERSHIPS), (by_wrapper, relata_query(db, MEMBERSHIPS))
        assert "https://relata.dev/e/shanghai-cooperation-organization" in by_wrapper, by_wrapper

        store = SPARQLUpdateStore(url, url)
        graph = rdflib.Graph(store, identifier=rdflib.URIRef("https://relata.dev/doc/extra"))
        # rdflib writes an added triple as an INSERT DATA into the graph.
        graph.add((rdflib.URIRef("https://relata.dev/e/russia"), rdflib.URIRef("https://relata.dev/kg/member_of"),
                   rdflib.URIRef("https://relata.dev/e/atlantis")))
        asked = list(rdflib.Graph(store).query("ASK { <https://relata.dev/e/russia> ?p <https://relata.dev/e/atlantis> }"))
        assert asked == [True], asked

        wrapper = SPARQLWrapper(url)
        wrapper.setMethod(POST)
        wrapper.setQuery(MEMBERSHIPS)
        wrapper.setReturnFormat(JSON)
        after = [b["org"]["value"] for b in wrapper.query().convert()["results"]["bindings"]]
        assert "https://relata.dev/e/atlantis" in after, after
        assert after == relata_query(db, MEMBERSHIPS), (after, relata_query(db, MEMBERSHIPS))
        print(f"SPARQLWrapper and rdflib: {len(after)} memberships, as relata query gives them")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert server.returncode == 0, server.returncode
    check = subprocess.run([RELATA, "check", db], capture_output=True, text=True)
    assert check.returncode == 0 and "consistent" in check.stdout, check.stdout
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
