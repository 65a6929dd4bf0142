"""Graphs leave relata in the formats other tools read, and those tools read
them: networkx reads the GraphML of a CONSTRUCT and of the shell's .graph,
Graphviz draws the DOT and the .graph picture, and the JSON node/edge list
parses, all with the labels, types and relations of the news graph.

Run by CTest with Debian's python3: graph_export_test.py RELATA NEWS_DIR WORK_DIR
"""
import glob
import json
import os
import shutil
import subprocess
import sys

import networkx

RELATA, NEWS, WORK = sys.argv[1:4]
SIBERIA = "https://relata.dev/e/power-of-siberia"
CONNECTS = ("CONSTRUCT { ?p ?r ?c . ?p rdfs:label ?pl ; a ?pt . ?c rdfs:label ?cl ; a ?ct } WHERE { "
            "?p kg:connects ?c BIND(kg:connects AS ?r) ?p rdfs:label ?pl ; a ?pt . ?c rdfs:label ?cl ; a ?ct }")


def run(*args, stdin=None):
    return subprocess.run([RELATA, *args], check=True, capture_output=True, text=True, input=stdin).stdout


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    db = os.path.join(WORK, "db")
    run("load", db, *sorted(glob.glob(os.path.join(NEWS, "*.jsonl"))))

    # A CONSTRUCT as GraphML, read by networkx: labels, types, relations.
    graphml = os.path.join(WORK, "connects.graphml")
    with open(graphml, "w") as out:
        out.write(run("query", db, CONNECTS, "--format", "graphml"))
    g = networkx.read_graphml(graphml)
    assert g.is_directed()
    assert g.nodes[SIBERIA]["label"] == "Power of Siberia", g.nodes[SIBERIA]
    assert g.nodes["https://relata.dev/e/china"]["type"] == "State", g.nodes["https://relata.dev/e/china"]
    assert set(g.successors(SIBERIA)) == {"https://relata.dev/e/russia", "https://relata.dev/e/china"}, list(g.edges)
    for _, _, data in g.edges(data=True):
        assert data["label"] == "connects" and data["predicate"] == "https://relata.dev/kg/connects", data

    # The same as DOT, which Graphviz draws, and as a JSON node/edge list.
    dot = run("query", db, CONNECTS, "--format", "dot")
    assert '"https://relata.dev/e/power-of-siberia" [label="Power of Siberia", class="Project"' in dot, dot
    svg = subprocess.run(["dot", "-Tsvg"], input=dot, check=True, capture_output=True, text=True).stdout
    assert "<svg" in svg and "Power of Siberia" in svg and "connects" in svg
    listed = json.loads(run("query", db, CONNECTS, "--format", "json"))
    assert {"id": SIBERIA, "label": "Power of Siberia", "type": "Project"} in listed["nodes"], listed["nodes"]
    assert {"source": SIBERIA, "predicate": "https://relata.dev/kg/connects",
            "target": "https://relata.dev/e/china"} in listed["edges"], listed["edges"]

    # The shell's neighbourhood: a picture through Graphviz, and GraphML.
    picture = os.path.join(WORK, "siberia.svg")
    said = run(db, "-c", '.graph "Power of Siberia" > ' + picture)
    assert "entities and" in said and picture in said, said
    with open(picture) as f:
        drawn = f.read()
    assert drawn.lstrip().startswith("<?xml") and "<svg" in drawn, drawn[:200]
    for name in ("Power of Siberia", "Russia", "China"):
        assert name in drawn, name
    near = os.path.join(WORK, "siberia.graphml")
    run(db, "-c", ".graph e:power-of-siberia 1 > " + near)
    h = networkx.read_graphml(near)
    assert SIBERIA in h
    neighbours = set(h.successors(SIBERIA)) | set(h.predecessors(SIBERIA))
    assert {"https://relata.dev/e/russia", "https://relata.dev/e/china"} <= neighbours, neighbours
    # Every node is within one step of the Power of Siberia.
    assert all(n == SIBERIA or n in neighbours for n in h.nodes), set(h.nodes) - neighbours
    # Two steps reach further.
    run(db, "-c", ".graph e:power-of-siberia 2 > " + near)
    assert networkx.read_graphml(near).number_of_nodes() > h.number_of_nodes()

    failed = subprocess.run([RELATA, db, "-c", ".graph Atlantis > x.svg"], capture_output=True, text=True)
    assert failed.returncode == 1 and 'nothing in the store is called "Atlantis"' in failed.stderr, failed.stderr
    print("graph export: GraphML, DOT, JSON and .graph read by networkx and Graphviz")


if __name__ == "__main__":
    main()
