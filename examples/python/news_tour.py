# %% [markdown]
# # The news graph from Python
#
# A notebook in the "percent" format (Jupyter through jupytext, VS Code, Spyder
# run its `# %%` cells one by one; `python3 news_tour.py` runs them all). It
# loads the bundled news graph, asks three of the tour's questions
# (docs/tour.md §5, §8 and §20) and draws the Power of Siberia's
# neighbourhood with networkx.
#
#     PYTHONPATH=build/python python3 examples/python/news_tour.py [PICTURE.png]

# %%
import glob
import os
import sys
import tempfile

import relata

HERE = os.path.dirname(os.path.abspath(__file__))
NEWS = os.path.join(HERE, "..", "..", "data", "news")
picture = sys.argv[1] if len(sys.argv) > 1 else "power-of-siberia.png"

workdir = tempfile.TemporaryDirectory(prefix="relata-tour-")
db = relata.Database.open(os.path.join(workdir.name, "news.db"))
report = db.load(sorted(glob.glob(os.path.join(NEWS, "*.jsonl"))))
print("loaded %d quads: %d entities, %d relations" % (report["quads"], report["entities"], report["relations"]))

# %% [markdown]
# ## Who belongs to the SCO?
# Rows are tuples; `native=True` gives Python values instead of terms.

# %%
sco, _score, _label = db.search("Shanghai Cooperation", limit=1)[0]
members = db.query("""
    SELECT ?state (IF(BOUND(?f), "founder", "joined later") AS ?how) WHERE {
      ?s kg:member_of ?org ; rdfs:label ?state .
      OPTIONAL { ?s kg:founding_member_of ?f }
    } ORDER BY ?how ?state""", bindings={"org": sco}, native=True)
for state, how in members:
    print("%-12s %s" % (state, how))

# %% [markdown]
# ## Which article says that Russia and China trade 240 billion dollars, and how sure was the extractor?

# %%
for amount, year, confidence, article in db.query("""
    SELECT ?amount ?year ?confidence ?article WHERE {
      GRAPH ?g { ?r rdf:reifies <<( e:russia kg:bilateral_trade_usd ?amount )>> ;
                    kg:confidence ?confidence ; kg:year ?year }
      ?g kg:title ?article }""", native=True):
    print("%s USD in %s, confidence %s: %s" % (amount, year, confidence, article))

# %% [markdown]
# ## How is Putin connected to the EAEU?
# `PATHS` returns the chain, one row per step, with the article behind each
# step. A prepared query runs again with other ends.

# %%
chain = db.prepare("""
    SELECT ?relation ?to ?article ?confidence WHERE {
      PATHS SHORTEST FROM ?from TO ?target EITHER
        AS (?path ?step ?start ?predicate ?end ?document ?confidence ?evidence ?forward)
      ?end rdfs:label ?to
      BIND(CONCAT(IF(?forward, "", "^"), STRAFTER(STR(?predicate), "kg/")) AS ?relation)
      BIND(STRAFTER(STR(?document), "doc/") AS ?article)
    } ORDER BY ?step""")
putin = db.search("Vladimir Putin", limit=1)[0][0]
eaeu = db.search("Eurasian Economic Union", limit=1)[0][0]
print("Vladimir Putin")
for relation, to, article, confidence in chain.execute(native=True, **{"from": putin, "target": eaeu}):
    print("  —%s→ %s   [%s, %s]" % (relation, to, article, confidence))

# %% [markdown]
# ## The Power of Siberia's neighbourhood, drawn with networkx

# %%
import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt
import networkx as nx

pipeline, _score, pipeline_label = db.search("Power of Siberia", limit=1)[0]
# The labelled entities one step away, then every relation among them (a
# term's str() is its SPARQL form).
labels = {pipeline: pipeline_label}
labels.update((n, label.value) for n, label in db.query(
    "SELECT DISTINCT ?n ?label WHERE { { ?c ?p ?n } UNION { ?n ?p ?c } FILTER(?p != rdf:type) ?n rdfs:label ?label }",
    bindings={"c": pipeline}))
within = " ".join(str(n) for n in labels)
graph = nx.DiGraph()
for start, predicate, end in db.query(
        "SELECT ?a ?p ?b WHERE { VALUES ?a { %s } VALUES ?b { %s } ?a ?p ?b }" % (within, within)):
    a, b, relation = labels[start], labels[end], predicate.value.rsplit("/", 1)[-1]
    # One arrow per pair, labelled with all its relations.
    if graph.has_edge(a, b):
        graph[a][b]["label"] = "\n".join(sorted({*graph[a][b]["label"].split("\n"), relation}))
    else:
        graph.add_edge(a, b, label=relation)
print("neighbourhood: %d nodes, %d edges" % (graph.number_of_nodes(), graph.number_of_edges()))
for a, b, data in sorted(graph.edges(data=True)):
    print("  %s —%s→ %s" % (a, data["label"].replace("\n", ", "), b))

plt.figure(figsize=(9, 6))
layout = nx.spring_layout(graph, seed=7)
nx.draw_networkx(graph, layout, node_color="#cfe3f7", node_size=1600, font_size=8)
# Off-centre, so that the labels of a→b and b→a do not overlap.
nx.draw_networkx_edge_labels(graph, layout, edge_labels=nx.get_edge_attributes(graph, "label"), label_pos=0.3,
                             font_size=7)
plt.axis("off")
plt.tight_layout()
plt.savefig(picture, dpi=100)
print("drew %s" % picture)

# %%
db.close()
workdir.cleanup()
