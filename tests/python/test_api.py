"""The Python module as its users call it: every public call, its errors,
cancellation, threads, and what happens after the database closes."""
import copy
import datetime
import decimal
import os
import pickle
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import relata
from relata import BlankNode, Literal, NamedNode, Quad

E = "https://relata.dev/e/"
KG = "https://relata.dev/kg/"
XSD = "http://www.w3.org/2001/XMLSchema#"
MEMBERSHIPS = "SELECT ?org ?name WHERE { e:russia kg:member_of ?org . ?org rdfs:label ?name } ORDER BY ?name"
# Tens of millions of combinations: runs until stopped.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != ?i) }"


def test_open_create_and_reopen(tmp_path):
    path = str(tmp_path / "store")
    with relata.Database.open(path) as db:
        assert not db.closed and db.path == path and not db.read_only
        db.update("INSERT DATA { <http://x/a> <http://x/p> 1 }")
    assert db.closed
    with relata.Database.open(path, create=False) as db:
        assert db.query("ASK { <http://x/a> <http://x/p> 1 }") is True
    with pytest.raises(relata.Error, match="missing"):
        relata.Database.open(str(tmp_path / "missing"), create=False)


def test_a_second_writer_is_told_who_holds_the_store_and_a_reader_opens_beside_it(db):
    db.update("INSERT DATA { <http://x/a> <http://x/p> 1 }")
    with pytest.raises(relata.Error, match="already open in this process"):
        relata.Database.open(db.path)
    with relata.Database.open(db.path, read_only=True) as reader:
        assert reader.read_only
        assert reader.query("ASK { <http://x/a> <http://x/p> 1 }") is True
        with pytest.raises(relata.Error):
            reader.update("INSERT DATA { <http://x/b> <http://x/p> 2 }")


def test_memory_store():
    with relata.Database.memory() as db:
        assert db.insert([(NamedNode("http://x/a"), NamedNode("http://x/p"), Literal("v"))]) == 1
        assert db.query("SELECT ?o WHERE { <http://x/a> ?p ?o }").to_list() == [(Literal("v"),)]


def test_select_rows_are_tuples_of_terms_with_none_unbound(news):
    results = news.query(MEMBERSHIPS)
    assert results.columns == ("org", "name") and results.kind == "solutions"
    rows = list(results)
    assert rows[0] == (NamedNode(E + "brics"), Literal("BRICS"))
    assert len(rows) == 3
    optional = news.query("SELECT ?x ?y WHERE { VALUES ?x { 1 } OPTIONAL { ?x <http://x/none> ?y } }").to_list()
    assert optional == [(Literal(1), None)]


def test_native_values(news):
    rows = news.query("SELECT ?i ?d ?f ?b ?day ?time ?s ?iri WHERE { VALUES (?i ?d ?f ?b ?day ?time ?s ?iri) "
                      "{ (42 1.5 2.5e0 true '2024-05-16'^^xsd:date '2024-05-16T10:30:00Z'^^xsd:dateTime 'text' "
                      "e:china) } }", native=True).to_list()
    assert rows == [(42, decimal.Decimal("1.5"), 2.5, True, datetime.date(2024, 5, 16),
                     datetime.datetime(2024, 5, 16, 10, 30, tzinfo=datetime.timezone.utc), "text", E + "china")]
    published = news.query("SELECT ?d WHERE { ?doc a kg:SourceDocument ; kg:published ?d } LIMIT 1").to_list()[0][0]
    assert isinstance(published.to_python(), (datetime.date, datetime.datetime))
    # A lexical form that is not of its type stays text.
    assert Literal("abc", datatype=XSD + "integer").to_python() == "abc"


def test_ask_is_a_bool_and_construct_gives_quads(news):
    assert news.query("ASK { e:russia kg:member_of e:brics }") is True
    assert news.query("ASK { e:brics kg:member_of e:russia }") is False
    quads = news.query("CONSTRUCT { ?org kg:has_member e:russia } WHERE { e:russia kg:member_of ?org }").to_list()
    assert quads and all(isinstance(q, Quad) and q.graph is None for q in quads)
    s, p, o, g = quads[0]
    assert p == NamedNode(KG + "has_member") and o == NamedNode(E + "russia") and g is None


def test_to_pandas(news):
    frame = news.query(MEMBERSHIPS).to_pandas()
    assert list(frame.columns) == ["org", "name"]
    assert frame["name"].tolist() == ["BRICS", "Group of Friends in Defense of the UN Charter",
                                      "Shanghai Cooperation Organization"]


def test_a_syntax_error_has_its_position_and_caret(db):
    with pytest.raises(relata.SyntaxError) as error:
        db.query("SELECT ?x\nWHERE { ?x ?y }")
    assert (error.value.line, error.value.column) == (2, 15)
    assert error.value.text == "WHERE { ?x ?y }\n              ^"
    assert str(error.value).startswith("2:15: ")
    # Columns count characters, as the shell's caret does: "Путин" is five.
    with pytest.raises(relata.SyntaxError) as error:
        db.query('SELECT * WHERE { ?x rdfs:label "Путин" ?y }')
    assert error.value.column == 40
    assert error.value.text == 'SELECT * WHERE { ?x rdfs:label "Путин" ?y }\n' + " " * 39 + "^"
    with pytest.raises(relata.SyntaxError):
        db.update("INSERT DATA { <http://x/a> }")


def test_a_bad_load_names_file_line_column_and_changes_nothing(db, tmp_path):
    good, bad = tmp_path / "good.nt", tmp_path / "bad.nt"
    good.write_text("<http://x/a> <http://x/p> <http://x/b> .\n")
    bad.write_text("<http://x/c> <http://x/p> <http://x/d> .\n<http://x/e> <http://x/p> .\n")
    with pytest.raises(relata.LoadError) as error:
        db.load([str(good), str(bad)])
    assert (error.value.file, error.value.line) == (str(bad), 2) and error.value.column > 1
    assert db.stats()["quads"] == 0
    report = db.load(good)
    assert report["added"] == 1 and report["statements"] == 1


def test_load_takes_paths_a_format_and_a_graph(db, tmp_path):
    facts = tmp_path / "facts.data"
    facts.write_text("<http://x/a> <http://x/p> <http://x/b> .\n")
    report = db.load(facts, format="turtle", graph="http://x/g")
    assert report["quads"] == 1
    assert db.query("ASK { GRAPH <http://x/g> { <http://x/a> <http://x/p> <http://x/b> } }") is True
    more = tmp_path / "more.nt"
    more.write_text("<http://x/b> <http://x/p> <http://x/c> .\n")
    assert db.load([str(more)], format=None, graph=None)["quads"] == 1
    assert db.query("ASK { <http://x/b> <http://x/p> <http://x/c> }") is True


def test_load_records_all_or_nothing(db):
    records = [
        {"kind": "document", "id": "d1", "title": "One"},
        {"kind": "entity", "id": "a", "name": "Alpha Corp", "type": "Organization"},
        {"kind": "entity", "id": "b", "name": "Beta Corp", "type": "Organization"},
        {"kind": "relation", "subject": "a", "predicate": "partner_of", "object": "b", "document": "d1",
         "confidence": 0.8, "evidence": {"text": "Alpha and Beta are partners."}},
    ]
    report = db.load_records(iter(records))
    assert report["relations"] == 1 and report["entities"] == 2
    assert db.query("ASK { ?a kg:partner_of ?b . ?a rdfs:label 'Alpha Corp' }") is True
    before = db.stats()["quads"]
    broken = [{"kind": "entity", "id": "c", "name": "Gamma"}, {"kind": "relation", "subject": "c"}]
    with pytest.raises(relata.LoadError) as error:
        db.load_records(broken)
    assert error.value.file == "<records>" and error.value.line == 2
    assert db.stats()["quads"] == before


def graph_document_records(graph_document, document_id):
    """docs/python.md's conversion of a LangChain GraphDocument to KG-JSONL, as written there."""
    return {
        "document": {"id": document_id, "title": graph_document.source.metadata.get("title")},
        "entities": [{"id": node.id, "name": node.id, "type": node.type, "properties": node.properties}
                     for node in graph_document.nodes],
        "relations": [{"subject": r.source.id, "predicate": r.type.lower(), "object": r.target.id,
                       "properties": r.properties} for r in graph_document.relationships],
    }


def test_load_records_from_a_langchain_graph_document(db):
    # LangChain's classes (langchain_community.graphs.graph_document) in their shape.
    from types import SimpleNamespace as Shape
    putin = Shape(id="Vladimir Putin", type="Person", properties={})
    sco = Shape(id="SCO", type="Organization", properties={"founded": 2001})
    document = Shape(nodes=[putin, sco],
                     relationships=[Shape(source=putin, target=sco, type="ATTENDED", properties={})],
                     source=Shape(page_content="Putin attended the SCO summit.", metadata={"title": "Summit"}))
    report = db.load_records([graph_document_records(document, "summit-1")])
    assert report["entities"] == 2 and report["relations"] == 1
    rows = db.query("SELECT ?who ?founded WHERE { ?p kg:attended ?o . ?p rdfs:label ?who . ?o kg:founded ?founded }",
                    native=True).to_list()
    assert rows == [("Vladimir Putin", 2001)]


def test_timeout(news):
    with pytest.raises(relata.Timeout):
        news.query(ENDLESS, timeout=0.2).to_list()


def test_cancel_from_another_thread(news):
    # Rows stream: cancel() stops the reading of a query already returned.
    results = news.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    timer = threading.Timer(0.3, results.cancel)
    timer.start()
    with pytest.raises(relata.Cancelled):
        for _ in results:
            pass
    timer.join()
    # The database goes on.
    assert news.query("ASK { e:russia ?p ?o }") is True
    timer = threading.Timer(0.3, news.interrupt)
    timer.start()
    with pytest.raises(relata.Cancelled):
        news.query(ENDLESS).to_list()
    timer.join()


def test_the_gil_is_released_while_a_query_runs(news):
    counted = []

    def count():
        n = 0
        while not done.is_set():
            n += 1
        counted.append(n)

    done = threading.Event()
    counter = threading.Thread(target=count)
    counter.start()
    try:
        with pytest.raises(relata.Timeout):
            news.query(ENDLESS, timeout=0.5).to_list()
    finally:
        done.set()
        counter.join()
    # Holding the GIL for the query would leave the counter a few switch
    # intervals; with it released, it counts the whole half second.
    assert counted[0] > 1_000_000


def test_ctrl_c_cancels_a_running_query(tmp_path, news_files):
    script = tmp_path / "endless.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time, relata
        db = relata.Database.open({str(tmp_path / 'db')!r})
        db.load({news_files!r})
        print("running", flush=True)
        try:
            db.query({ENDLESS!r}).to_list()
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            print(db.query("ASK {{ e:russia ?p ?o }}"), flush=True)
            sys.exit(3)
    """))
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=os.environ)
    try:
        assert process.stdout.readline().strip() == "running"
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0]
    finally:
        process.kill()
    assert process.returncode == 3
    assert output.split() == ["interrupted", "True"]


def test_many_threads_query_at_once(news):
    expected = news.query(MEMBERSHIPS).to_list()
    answers, errors = [], []

    def ask():
        try:
            for _ in range(50):
                answers.append(news.query(MEMBERSHIPS).to_list())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(answers) == 400 and all(a == expected for a in answers)


def test_after_close_results_and_transactions_raise(tmp_path):
    db = relata.Database.open(str(tmp_path / "db"))
    db.insert([(NamedNode(f"http://x/{i}"), NamedNode("http://x/p"), Literal(i)) for i in range(2000)])
    results = db.query("SELECT ?s ?o WHERE { ?s ?p ?o }")
    first = next(results)
    assert first is not None
    transaction = db.begin()
    db.close()
    with pytest.raises(relata.Error, match="closed"):
        results.to_list()
    with pytest.raises(relata.Error):
        transaction.add((NamedNode("http://x/a"), NamedNode("http://x/p"), Literal(1)))
    with pytest.raises(relata.Error, match="closed"):
        db.query("ASK {}")
    db.close()  # twice: nothing happens


def test_transactions(db):
    a, p = NamedNode("http://x/a"), NamedNode("http://x/p")
    with db.begin() as t:
        assert t.add(Quad(a, p, Literal(1))) is True
        assert t.add((a, p, Literal(1))) is False
        assert t.add((a, p, Literal(2), NamedNode("http://x/g"))) is True
        assert t.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").to_list() == [(Literal(2),)]
        assert db.query("ASK { ?s ?p ?o }") is False  # not yet visible
    assert db.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").to_list() == [(Literal(1),)]
    with pytest.raises(ZeroDivisionError):
        with db.begin() as t:
            t.remove((a, p, Literal(1)))
            t.update("INSERT DATA { <http://x/b> <http://x/p> 3 }")
            1 / 0
    assert db.query("ASK { <http://x/a> ?p 1 }") is True and db.query("ASK { <http://x/b> ?p 3 }") is False
    t = db.begin()
    assert t.remove((a, p, Literal(1))) is True
    assert t.commit()["deleted"] == 1
    assert not t.active
    with pytest.raises(relata.Error, match="ended"):
        t.add((a, p, Literal(5)))
    t = db.begin()
    t.add((a, p, Literal(9)))
    t.rollback()
    assert db.query("ASK { ?s ?p 9 }") is False


def test_update_reports_what_changed(db):
    report = db.update("INSERT DATA { <http://x/a> <http://x/p> 1, 2 }")
    assert report["inserted"] == 2 and report["deleted"] == 0
    assert db.update("DELETE WHERE { <http://x/a> <http://x/p> ?o }")["deleted"] == 2


def test_prepared_queries_and_bindings(news):
    prepared = news.prepare("SELECT ?name WHERE { ?e rdfs:label ?name }")
    assert prepared.execute(e=NamedNode(E + "china")).to_list() == [(Literal("China"),)]
    assert prepared.execute(e=NamedNode(E + "russia"), native=True).to_list() == [("Russia",)]
    with pytest.raises(relata.Error):
        prepared.execute(nosuch=Literal(1))
    assert news.query("SELECT ?n WHERE { ?e rdfs:label ?n }", bindings={"e": NamedNode(E + "china")}).to_list() == \
        [(Literal("China"),)]
    # Python values become literals of their type.
    assert news.query("SELECT ?x WHERE { BIND(?v + 1 AS ?x) }", bindings={"v": 41}, native=True).to_list() == [(42,)]


def test_search_stats_check_explain_match_dump(news, tmp_path):
    hits = news.search("путин", 3)
    assert hits[0][0] == NamedNode(E + "vladimir-putin") and hits[0][2] == "Vladimir Putin"
    assert hits[0][1] >= hits[-1][1]
    texts = news.search_text("national currencies", 5)
    assert sorted((fact.subject.value, fact.predicate.value) for _, _, _, fact, _ in texts) == \
        [(E + "china", KG + "settles_trade_in"), (E + "russia", KG + "settles_trade_in")]
    assert all("«national currencies»" in snippet and score > 0 for _, score, snippet, _, _ in texts)
    assert {document for *_, document in texts} == {NamedNode("https://relata.dev/doc/izvestia-2025-putin-xinhua-interview")}
    stats = news.stats()
    assert stats["quads"] > 1000 and stats["predicates"][KG + "member_of"] > 0
    assert news.check() == {"quads": stats["quads"], "terms": news.check()["terms"], "problems": [], "ok": True}
    assert "IndexNestedLoop" in news.explain(MEMBERSHIPS)
    assert "rows" in news.explain(MEMBERSHIPS, analyze=True)
    quads = news.match(NamedNode(E + "russia"), NamedNode(KG + "member_of"))
    assert {q.object for q in quads} >= {NamedNode(E + "brics")}
    news.dump(str(tmp_path / "out.nq"))
    assert (tmp_path / "out.nq").read_text().count("\n") == stats["quads"]


def test_terms_are_values():
    assert NamedNode("http://x/a") == NamedNode("http://x/a") != NamedNode("http://x/b")
    assert len({NamedNode("http://x/a"), NamedNode("http://x/a"), Literal("a"), Literal("a", language="en")}) == 3
    assert str(Literal("a", language="en")) == '"a"@en'
    assert Literal("a", language="ar", direction="rtl").direction == "rtl"
    assert Literal(5).datatype == NamedNode(XSD + "integer")
    assert Literal(True).value == "true"
    assert Literal(decimal.Decimal("1.50")).datatype == NamedNode(XSD + "decimal")
    assert Literal(datetime.date(2024, 5, 16)).value == "2024-05-16"
    assert BlankNode() != BlankNode()
    assert BlankNode("x") == BlankNode("x")
    t = relata.Triple(NamedNode("http://x/a"), NamedNode("http://x/p"), Literal(1))
    assert t.object == Literal(1) and str(t).startswith("<<(")
    assert repr(NamedNode("http://x/a")) == "<NamedNode <http://x/a>>"
    with pytest.raises(TypeError):
        Literal(object())
    with pytest.raises(TypeError):
        Literal(5, language="en")
    with pytest.raises(TypeError):
        relata.Term()
    with pytest.raises(TypeError):
        Literal(NamedNode("http://x/a"))
    assert isinstance(Literal("a"), relata.Term) and not isinstance(Literal("a"), NamedNode)
    terms = [NamedNode("http://x/a"), BlankNode("b"), Literal("a", language="ar", direction="rtl"), Literal(1.5),
             Literal("x", datatype=XSD + "token"), t]
    assert pickle.loads(pickle.dumps(terms)) == terms
    assert copy.deepcopy(terms) == terms
    assert {term: i for i, term in enumerate(terms)}[Literal(1.5)] == 3


def test_every_public_name_has_a_docstring_and_a_type_hint():
    def documented(value):
        lines = (getattr(value, "__doc__", None) or "").strip().splitlines()
        # pybind11 starts a function's __doc__ with its signature.
        if lines and re.match(r"^\w+\(.*\)( -> .*)?$", lines[0]):
            lines = lines[1:]
        return any(line.strip() for line in lines)

    with open(os.path.join(os.path.dirname(relata.__file__), "__init__.pyi"), encoding="utf-8") as stub:
        hints = stub.read()
    missing = []
    for name in relata.__all__:
        value = getattr(relata, name)
        if not documented(value):
            missing.append(name)
        if not re.search(r"^class %s\b" % name, hints, re.M):
            missing.append(name + " (no hint)")
        for attribute, member in vars(value).items():
            if attribute.startswith("_") and attribute not in ("__init__", "__iter__", "__enter__", "__exit__"):
                continue
            if not documented(member):
                missing.append("%s.%s" % (name, attribute))
            if not attribute.startswith("_") and not re.search(r"\b(def|property.*\n\s+def) %s\b|^\s+%s:" % (
                    attribute, attribute), hints, re.M):
                missing.append("%s.%s (no hint)" % (name, attribute))
    assert missing == []
