"""relata: a knowledge-graph engine for the graphs extractors make of news text.

    import relata
    with relata.Database.open("news.db") as db:
        db.load("data/news/000-xinhua-2025-06-20.jsonl")
        for org, in db.query("SELECT ?org WHERE { e:russia kg:member_of+ ?org }"):
            print(org.value)

Queries are SPARQL 1.1 (with relata's PATHS, relata:search and relata:text); rows are
tuples of terms (NamedNode, BlankNode, Literal, Triple; None when unbound),
or of Python values with native=True. The GIL is released while relata
works, Ctrl-C cancels what runs, and errors are relata.Error and its
subclasses. `import relata.rdflib` makes relata an rdflib store.
"""
import json as _json
import os as _os
import tempfile as _tempfile

from ._relata import (BlankNode, Cancelled, Database, Error, Literal, LoadError, NamedNode, PreparedQuery, Quad,
                      Results, SyntaxError, Term, Timeout, Transaction, Triple)

__all__ = ["BlankNode", "Cancelled", "Database", "Error", "Literal", "LoadError", "NamedNode", "PreparedQuery",
           "Quad", "Results", "SyntaxError", "Term", "Timeout", "Transaction", "Triple"]


def _load_records(self, records, replace=False):
    """Loads extractor output given as Python objects: an iterable of dicts in
    the KG-JSONL shape (docs/extractor-format.md), all or nothing like every
    load. A bad record raises relata.LoadError whose `line` is the record's
    number (from 1) and whose `file` is "<records>"."""
    handle, path = _tempfile.mkstemp(prefix="relata-records-", suffix=".jsonl")
    try:
        with _os.fdopen(handle, "w", encoding="utf-8") as out:
            for record in records:
                out.write(_json.dumps(record, ensure_ascii=False))
                out.write("\n")
        try:
            return self.load(path, format="kg", replace=replace)
        except LoadError as error:
            message = str(error).replace(path, "<records>", 1)
            renamed = LoadError(message)
            renamed.file, renamed.line, renamed.column = "<records>", error.line, error.column
            raise renamed from None
    finally:
        _os.unlink(path)


def _search(self, text, limit=10):
    """The entities whose names match `text` best (relata:search: words and
    prefixes of words, any alphabet), as (entity, score, label) tuples, best
    first; label is None for an entity without rdfs:label."""
    rows = self.query(
        "SELECT ?e ?score ?label WHERE { (?e ?score) relata:search ?text OPTIONAL { ?e rdfs:label ?label } } "
        "ORDER BY DESC(?score) LIMIT %d" % int(limit), bindings={"text": Literal(text)})
    return [(e, score.to_python(), None if label is None else label.value) for e, score, label in rows]


def _search_text(self, text, limit=10):
    """The texts that match a full-text query best (relata:text: words,
    "phrases", prefix*, OR, NOT; BM25), as (holder, score, snippet, fact,
    document) tuples, best first: holder holds the text (a relation's
    reifier, a document, an entity), snippet marks the matched words with
    « and », fact is the triple a reifier's evidence states (a Triple term,
    else None) and document the graph that states it (else None)."""
    rows = self.query(
        "SELECT ?holder ?score ?snippet ?fact ?document WHERE { (?holder ?score ?snippet) relata:text ?text "
        "OPTIONAL { GRAPH ?document { ?holder rdf:reifies ?fact } } } LIMIT %d" % int(limit),
        bindings={"text": Literal(text)})
    return [(holder, score.to_python(), snippet.value, fact, document)
            for holder, score, snippet, fact, document in rows]


def _to_pandas(self):
    """The remaining rows as a pandas DataFrame, one column per variable, each
    value as Python has it (Term.to_python()); needs pandas."""
    import pandas
    rows = [tuple(None if v is None else (v.to_python() if isinstance(v, Term) else v) for v in row)
            for row in self.to_list()]
    return pandas.DataFrame(rows, columns=list(self.columns))


def _iterate(self):
    """The rows one by one, read from relata a batch at a time."""
    rows = self._batch()
    # An answer that fits in a batch, as most lookups do, needs no generator.
    return iter(rows) if self._complete else _rest(self, rows)


def _rest(self, rows):
    while rows:
        yield from rows
        rows = self._batch()


Database.load_records = _load_records
Results.__iter__ = _iterate
Database.search = _search
Database.search_text = _search_text
Results.to_pandas = _to_pandas
