"""relata as an rdflib store.

    import rdflib
    import relata.rdflib  # registers the store "relata"

    graph = rdflib.Graph(store="relata")
    graph.open("news.db", create=True)
    graph.parse("facts.ttl")
    for row in graph.query("SELECT ?s WHERE { ?s a <http://schema.org/Person> }"):
        ...
    graph.close()

`graph.query` and `graph.update` run in relata's engine (SPARQL 1.1 with
relata's extensions), not in rdflib's evaluator; `triples`, `add`,
`remove`, `contexts` and `len` read and write the store. A graph without a
name (rdflib's default, a blank node identifier) is relata's default graph,
which a query sees as the union of all graphs; a graph named by an IRI is
that named graph. rdflib's blank nodes are stored as IRIs under
https://relata.dev/.well-known/genid/ (RDF 1.1 skolemisation), so that one
blank node stays one node across calls, and come back as blank nodes.
to_rdflib() and from_rdflib() convert single terms.
"""
import shutil

import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, Graph
from rdflib.query import Result
from rdflib.store import NO_STORE, VALID_STORE, Store
from rdflib.term import BNode, Literal, URIRef, Variable

import relata

__all__ = ["RelataStore", "from_rdflib", "to_rdflib"]

GENID = "https://relata.dev/.well-known/genid/"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"


def to_rdflib(term):
    """A relata term as an rdflib one (None stays None)."""
    if term is None:
        return None
    if isinstance(term, relata.NamedNode):
        if term.value.startswith(GENID):
            return BNode(term.value[len(GENID):])
        return URIRef(term.value)
    if isinstance(term, relata.BlankNode):
        return BNode(term.value)
    if isinstance(term, relata.Literal):
        datatype = term.datatype.value
        if term.language is not None:
            return Literal(term.value, lang=term.language)
        if datatype in (_XSD_STRING, _LANG_STRING, _DIR_LANG_STRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    # An RDF 1.2 triple term: rdflib 6 has none; its N-Triples form stands in.
    return Literal(str(term))


def from_rdflib(node):
    """An rdflib term as a relata one (None stays None); blank nodes as their
    skolem IRIs."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return relata.NamedNode(str(node))
    if isinstance(node, BNode):
        return relata.NamedNode(GENID + str(node))
    if isinstance(node, Literal):
        if node.language:
            return relata.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return relata.Literal(str(node), datatype=str(node.datatype))
        return relata.Literal(str(node))
    raise TypeError("not an RDF term rdflib stores: %r" % (node,))


def _graph_iri(context):
    """The relata graph of an rdflib context: None for the default graph."""
    if context is None:
        return None
    identifier = getattr(context, "identifier", context)
    if identifier == "__UNION__" or identifier == DATASET_DEFAULT_GRAPH_ID or isinstance(identifier, BNode):
        return None
    return relata.NamedNode(str(identifier))


class RelataStore(Store):
    """An rdflib Store over a relata database (its `configuration` is the
    store's path; None opens a scratch store in memory)."""

    context_aware = True
    formula_aware = False
    transaction_aware = False
    graph_aware = True

    _BATCH = 10000

    def __init__(self, configuration=None, identifier=None):
        self._db = None
        self._pending = []
        self._namespace = {}
        self._prefix = {}
        self.identifier = identifier
        super().__init__(configuration, identifier)

    # ---- the database ----

    def open(self, configuration, create=False):
        try:
            self._db = relata.Database.memory() if configuration is None else relata.Database.open(
                str(configuration), create=create)
        except relata.Error:
            return NO_STORE
        return VALID_STORE

    def close(self, commit_pending_transaction=False):
        if self._db is not None:
            self._flush()
            self._db.close()
            self._db = None

    def destroy(self, configuration):
        self.close()
        shutil.rmtree(str(configuration), ignore_errors=True)

    @property
    def database(self):
        """The relata.Database behind the store."""
        if self._db is None:
            raise relata.Error("the rdflib store is not open: graph.open(path, create=True) first")
        return self._db

    # Adds are written in batches (one atomic write each), before anything
    # reads the store.
    def _flush(self):
        if self._pending:
            self.database.insert(self._pending)
            self._pending = []

    def commit(self):
        self._flush()

    def rollback(self):
        self._pending = []

    # ---- triples ----

    def add(self, triple, context, quoted=False):
        if quoted:
            raise rdflib.exceptions.Error("relata stores no quoted (formula) graphs")
        s, p, o = triple
        self._pending.append(relata.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), _graph_iri(context)))
        if len(self._pending) >= self._BATCH:
            self._flush()
        super().add(triple, context, quoted)

    def addN(self, quads):
        for s, p, o, c in quads:
            self._pending.append(relata.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), _graph_iri(c)))
        self._flush()

    def _match(self, pattern, context):
        self._flush()
        s, p, o = (from_rdflib(x) if x is not None else None for x in pattern)
        return self.database.match(s, p, o, _graph_iri(context))

    def remove(self, triple, context=None):
        found = self._match(triple, context)
        with self.database.begin() as transaction:
            for quad in found:
                transaction.remove(quad)
        super().remove(triple, context)

    def triples(self, triple_pattern, context=None):
        for quad in self._match(triple_pattern, context):
            graph = context if context is not None else (
                Graph(store=self, identifier=URIRef(quad.graph.value)) if quad.graph is not None else None)
            yield (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)), iter([graph])

    def __len__(self, context=None):
        self._flush()
        graph = _graph_iri(context)
        text = ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }" if graph is None else
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }" % graph.value)
        (count,), = self.database.query(text).to_list()
        return count.to_python()

    def contexts(self, triple=None):
        self._flush()
        if triple is None:
            rows = self.database.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        else:
            bindings = {name: from_rdflib(value) for name, value in zip("spo", triple) if value is not None}
            rows = self.database.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", bindings=bindings)
        for (g,) in rows:
            yield Graph(store=self, identifier=to_rdflib(g))

    def add_graph(self, graph):
        pass  # a named graph exists in relata once it holds a triple

    def remove_graph(self, graph):
        iri = _graph_iri(graph)
        self._flush()
        if iri is None:
            self.database.update("DROP SILENT DEFAULT")
        else:
            self.database.update("DROP SILENT GRAPH <%s>" % iri.value)

    # ---- SPARQL, in relata's engine ----

    def _options(self, initNs, queryGraph):
        prefixes = {str(k): str(v) for k, v in (initNs or {}).items()}
        graph = _graph_iri(queryGraph) if queryGraph not in (None, "__UNION__") else None
        return prefixes, ([graph.value] if graph is not None else None)

    def query(self, query, initNs, initBindings, queryGraph, **kwargs):
        if not isinstance(query, str):
            raise NotImplementedError  # a query rdflib prepared: rdflib evaluates it
        self._flush()
        prefixes, default_graphs = self._options(initNs, queryGraph)
        bindings = {str(k): from_rdflib(v) for k, v in (initBindings or {}).items()} or None
        answer = self.database.query(query, bindings=bindings, prefixes=prefixes, default_graphs=default_graphs)
        if isinstance(answer, bool):
            result = Result("ASK")
            result.askAnswer = answer
            return result
        if answer.kind == "triples":
            result = Result("CONSTRUCT")
            result.graph = Graph()
            for quad in answer:
                result.graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
            return result
        result = Result("SELECT")
        result.vars = [Variable(c) for c in answer.columns]
        result.bindings = [{var: to_rdflib(value) for var, value in zip(result.vars, row) if value is not None}
                           for row in answer]
        return result

    def update(self, update, initNs, initBindings, queryGraph, **kwargs):
        if not isinstance(update, str) or initBindings:
            raise NotImplementedError
        self._flush()
        prefixes, _ = self._options(initNs, None)
        self.database.update(update, prefixes=prefixes)

    # ---- namespaces ----

    def bind(self, prefix, namespace, override=True):
        prefix, namespace = str(prefix), URIRef(str(namespace))
        if not override and (prefix in self._namespace or namespace in self._prefix):
            return
        old = self._namespace.get(prefix)
        if old is not None:
            self._prefix.pop(old, None)
        self._namespace[prefix] = namespace
        self._prefix[namespace] = prefix

    def namespace(self, prefix):
        return self._namespace.get(str(prefix))

    def prefix(self, namespace):
        return self._prefix.get(URIRef(str(namespace)))

    def namespaces(self):
        yield from self._namespace.items()


rdflib.plugin.register("relata", Store, "relata.rdflib", "RelataStore")
