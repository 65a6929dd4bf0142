"""relata: a knowledge-graph engine for the graphs extractors make of news text."""
import datetime
import decimal
import os
from typing import Any, Iterable, Iterator, Mapping, Sequence

_Value = Term | str | bool | int | float | decimal.Decimal | datetime.date | datetime.datetime
_Native = str | bool | int | float | decimal.Decimal | datetime.date | datetime.datetime

class Error(Exception):
    """Anything relata reports: the base of its exceptions."""

class SyntaxError(Error):
    """A query or update that does not parse."""
    line: int
    """The line of the query (from 1)."""
    column: int
    """The column (from 1)."""
    text: str
    """The query's line and a caret under the column."""

class LoadError(Error):
    """Bad input to a load; the store is as it was before it."""
    file: str
    """The file (for load_records, "<records>")."""
    line: int
    """The line (for load_records, the record's number from 1)."""
    column: int

class Timeout(Error):
    """A query that ran past its timeout."""

class Cancelled(Error):
    """A query or load cancelled: Results.cancel(), Database.interrupt()."""

class Term:
    """An RDF term: NamedNode, BlankNode, Literal or Triple. Immutable, hashable, compared by value."""
    @property
    def value(self) -> str:
        """The IRI, the blank node's label, or the literal's lexical form."""
    def to_python(self) -> _Native:
        """The value as Python has it: a literal's int, Decimal, float, bool, date, datetime or str (its lexical
        form when that does not parse as its type); an IRI as str; a blank node as "_:label"."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    def __str__(self) -> str:
        """The term in N-Triples syntax."""

class NamedNode(Term):
    """An IRI."""
    def __init__(self, value: str) -> None: ...

class BlankNode(Term):
    """A blank node; without a label, a new one."""
    def __init__(self, value: str | None = None) -> None: ...

class Literal(Term):
    """A literal: Literal("text"), Literal("text", language="en"), Literal("5", datatype=XSD integer IRI), or
    Literal(5) from a Python int, float, bool, Decimal, date or datetime (its XSD type and canonical form)."""
    def __init__(self, value: _Value, datatype: NamedNode | str | None = None, language: str | None = None,
                 direction: str | None = None) -> None: ...
    @property
    def datatype(self) -> NamedNode:
        """xsd:string for a simple literal, rdf:langString with a language."""
    @property
    def language(self) -> str | None: ...
    @property
    def direction(self) -> str | None:
        """RDF 1.2 base direction: "ltr" or "rtl"."""

class Triple(Term):
    """An RDF 1.2 triple term (what rdf:reifies points at)."""
    def __init__(self, subject: _Value, predicate: _Value, object: _Value) -> None: ...
    @property
    def subject(self) -> Term: ...
    @property
    def predicate(self) -> Term: ...
    @property
    def object(self) -> Term: ...

class Quad:
    """A triple in a graph (graph None: the default graph). Unpacks as (subject, predicate, object, graph)."""
    def __init__(self, subject: _Value, predicate: _Value, object: _Value, graph: _Value | None = None) -> None: ...
    @property
    def subject(self) -> Term: ...
    @property
    def predicate(self) -> Term: ...
    @property
    def object(self) -> Term: ...
    @property
    def graph(self) -> Term | None: ...
    def __iter__(self) -> Iterator[Term | None]: ...

class Results:
    """A query's answer, read as it comes: SELECT rows as tuples (None where unbound; Python values with
    native=True), CONSTRUCT/DESCRIBE triples as Quads."""
    @property
    def columns(self) -> tuple[str, ...]:
        """The variable names, in order."""
    @property
    def kind(self) -> str:
        """"solutions" or "triples"."""
    def __iter__(self) -> Iterator[Any]: ...
    def __next__(self) -> Any: ...
    def to_list(self) -> list[Any]:
        """Every remaining row."""
    def to_pandas(self) -> Any:
        """The remaining rows as a pandas DataFrame of Python values (needs pandas)."""
    def cancel(self) -> None:
        """Stops the query, from any thread: reading on raises Cancelled."""

class PreparedQuery:
    """A query parsed once, run many times with variables bound."""
    def execute(self, timeout: float | None = None, memory: int | None = None, native: bool = False,
                **bindings: _Value) -> Results | bool:
        """Runs the query with each keyword's variable bound (execute(e=NamedNode(...)) binds ?e)."""

class Transaction:
    """Changes that this transaction's queries see and that everyone sees at commit(), or nobody. As a context
    manager it commits, or rolls back when an exception ends the block."""
    @property
    def active(self) -> bool:
        """Neither committed nor rolled back yet."""
    def add(self, quad: Quad | Sequence[_Value]) -> bool:
        """Adds a Quad or (s, p, o[, g]); False when it was there already."""
    def remove(self, quad: Quad | Sequence[_Value]) -> bool:
        """Removes a Quad or (s, p, o[, g]); False when it was not there."""
    def update(self, sparql: str) -> dict[str, Any]:
        """Runs a SPARQL update inside the transaction."""
    def query(self, sparql: str, native: bool = False) -> Results | bool:
        """Queries the store as of begin() with this transaction's changes."""
    def commit(self) -> dict[str, Any]:
        """Makes every change visible at once; returns what was inserted and deleted."""
    def rollback(self) -> None: ...
    def __enter__(self) -> Transaction: ...
    def __exit__(self, *exc: object) -> bool: ...

class Database:
    """A relata store: Database.open(path) or Database.memory(); a context manager that closes it. Safe to use
    from several threads; relata's work runs with the GIL released."""
    @staticmethod
    def open(path: str | os.PathLike[str], create: bool = True, read_only: bool = False) -> Database:
        """Opens (or creates) the store at `path`; read_only opens it beside a process that writes it."""
    @staticmethod
    def memory() -> Database:
        """A scratch store, removed when closed."""
    def close(self) -> None:
        """Closes the store; its open results and transactions end (reading them raises Error)."""
    @property
    def closed(self) -> bool: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def path(self) -> str: ...
    def __enter__(self) -> Database: ...
    def __exit__(self, *exc: object) -> bool: ...
    def load(self, paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], format: str | None = None,
             lenient: bool = False, replace: bool = False, graph: str | None = None,
             base_iri: str | None = None) -> dict[str, Any]:
        """Loads files all or nothing: N-Triples, N-Quads, Turtle, TriG, KG-JSONL, neo4j CSV or OpenIE TSV (format
        from the extension, or "ntriples", "nquads", "turtle", "trig", "kg", "csv", "openie"). Returns the load
        report; raises LoadError with the file, line and column of bad input."""
    def load_records(self, records: Iterable[Mapping[str, Any]], replace: bool = False) -> dict[str, Any]:
        """Loads extractor output given as dicts in the KG-JSONL shape, all or nothing."""
    def query(self, sparql: str, timeout: float | None = None, memory: int | None = None,
              bindings: Mapping[str, _Value] | None = None, native: bool = False,
              prefixes: Mapping[str, str] | None = None, default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None) -> Results | bool:
        """Runs a SPARQL query: Results for SELECT and CONSTRUCT/DESCRIBE, a bool for ASK. `timeout` in seconds,
        `memory` in bytes, `bindings` variable name -> term, `prefixes` name -> IRI, the graphs replacing FROM and
        FROM NAMED. Raises SyntaxError, Timeout, Cancelled (KeyboardInterrupt on Ctrl-C)."""
    def update(self, sparql: str, timeout: float | None = None, prefixes: Mapping[str, str] | None = None
               ) -> dict[str, Any]:
        """Runs a SPARQL update all or nothing; returns what it inserted and deleted."""
    def prepare(self, sparql: str) -> PreparedQuery: ...
    def begin(self) -> Transaction: ...
    def insert(self, quads: Iterable[Quad | Sequence[_Value]]) -> int:
        """Adds quads in one atomic write; returns how many were new."""
    def match(self, subject: _Value | None = None, predicate: _Value | None = None, object: _Value | None = None,
              graph: _Value | None = None) -> list[Quad]:
        """The quads matching (None: any); without a graph each triple of the union once."""
    def search(self, text: str, limit: int = 10) -> list[tuple[NamedNode, float, str | None]]:
        """Entities by name (relata:search), best first: (entity, score, label)."""
    def search_text(self, text: str, limit: int = 10) -> list[tuple[Term, float, str, Triple | None, NamedNode | None]]:
        """Full-text search (relata:text), best first: (holder, score, snippet, fact, document)."""
    def stats(self) -> dict[str, Any]: ...
    def check(self) -> dict[str, Any]:
        """Reads the whole store: {"ok", "quads", "terms", "problems"}."""
    def explain(self, sparql: str, analyze: bool = False) -> str: ...
    def dump(self, path: str, format: str = "nquads") -> None: ...
    def interrupt(self) -> None:
        """Cancels every query and update of this database running now, from any thread."""
