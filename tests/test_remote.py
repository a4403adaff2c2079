"""RemoteStore against a real Oxigraph server (``oxigraph serve`` from the PyPI package ``oxigraph``).

No mocks: each server is a subprocess on 127.0.0.1, started and stopped by these tests. The
bundled graph is loaded into it through mokg (``RemoteStore.replace`` + ``run_rules``) and
must answer as the embedded store does (conftest's ``store`` fixture).
"""

from __future__ import annotations

import json
import pickle
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, REPO, TINY_ROOT, OxigraphServer, free_port

from mokg.config import Settings
from mokg.errors import ConfigError, LoadError, QueryError, StoreTimeout, StoreUnavailable
from mokg.loader import discover, load_files
from mokg.remote import RemoteStore, accept_header, prefix_header
from mokg.store import EmbeddedStore, Store
from mokg.vocab import MOKG, PREFIXES

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
TRIPLE_CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def quads_of(root: Path) -> list[ox.Quad]:
    return load_files(discover(root, BASE), BASE)


@pytest.fixture(scope="session")
def remote(loaded_server: OxigraphServer) -> RemoteStore:
    """The bundled graph in an Oxigraph server, loaded by `mokg load --store URL` (files, rules, validation)."""
    return RemoteStore.for_oxigraph(loaded_server.url)


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[tuple[OxigraphServer, RemoteStore]]:
    """A server of its own holding the tiny root, for tests that change or stop it."""
    server = OxigraphServer(tmp_path).start()
    try:
        remote = RemoteStore.for_oxigraph(server.url)
        remote.replace(quads_of(TINY_ROOT))
        yield server, remote
    finally:
        server.stop()


@pytest.fixture
def slow(tmp_path: Path) -> Iterator[str]:
    """A server that stops queries after 1 s, with enough triples for a cross join to take longer."""
    server = OxigraphServer(tmp_path, timeout_s=1).start()
    try:
        graph = ox.NamedNode(f"{BASE}graph/synthetic")
        label = ox.NamedNode(PREFIXES["rdfs"] + "label")
        RemoteStore.for_oxigraph(server.url).replace(
            [ox.Quad(ox.NamedNode(f"{BASE}model/m{i}"), label, ox.Literal(f"m{i}"), graph) for i in range(1500)]
        )
        yield server.url
    finally:
        server.stop()


def answer(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> object:
    """A result as plain, comparable data (rows and triples sorted)."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return sorted(str(triple) for triple in result)
    names = [variable.value for variable in result.variables]
    return names, sorted(tuple(str(row[name]) for name in names) for row in result)


def graph(path: str) -> str:
    return f"{BASE}graph/{path}"


LLAMA = f"<{BASE}model/llama-2-7b>"

#: Queries whose answers must be the same from both stores: (SPARQL, dataset keyword arguments).
SAME_ANSWERS = {
    "entities per class": (
        "SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?class } GROUP BY ?class",
        {},
    ),
    "join over derived facts": (
        "SELECT ?model ?status ?class WHERE { ?model a mokg:Model ; mokg:osaidStatus ?status "
        "OPTIONAL { ?model mokg:mofClass ?class } }",
        {},
    ),
    "ask true": ("ASK { ?m a mokg:Model ; mokg:finetunedFrom ?base }", {}),
    "ask false": ("ASK { ?m a mokg:NoSuchClass }", {}),
    "a declared prefix wins": ("PREFIX mokg: <http://example.org/other#> ASK { ?m a mokg:Model }", {}),
    "construct": ("CONSTRUCT { ?m rdfs:label ?l } WHERE { ?m a mokg:Model ; rdfs:label ?l }", {}),
    "describe": (f"DESCRIBE {LLAMA}", {}),
    # A query that names its dataset is answered over it, not over the union default graph.
    "FROM": (f"SELECT (COUNT(*) AS ?n) FROM <{BASE}graph/data/models/llama-2-7b> WHERE {{ ?s ?p ?o }}", {}),
    "FROM NAMED": (
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{BASE}graph/data/models/llama-2-7b> "
        "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        {},
    ),
    "relative IRIs against base_iri": ("SELECT ?p ?o WHERE { <model/llama-2-7b> ?p ?o }", {"base_iri": BASE}),
    "the query's own BASE wins": (
        "BASE <https://example.org/> SELECT ?p WHERE { <model/llama-2-7b> ?p ?o }",
        {"base_iri": BASE},
    ),
    "graph": ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", {}),
    "default-graph-uri": (
        f"SELECT ?p ?o WHERE {{ {LLAMA} ?p ?o }}",
        {"default_graphs": [graph("data/models/llama-2-7b")]},
    ),
    "default-graph-uri of another file": (
        f"SELECT ?p ?o WHERE {{ {LLAMA} ?p ?o }}",
        {"default_graphs": [graph("data/models/olmo-7b")]},
    ),
    "named-graph-uri": (
        "SELECT ?g ?m WHERE { GRAPH ?g { ?m a mokg:Model } }",
        {"named_graphs": [graph("data/models/llama-2-7b"), graph("data/models/olmo-7b")]},
    ),
    "both": (
        "SELECT ?m ?g ?n WHERE { ?m a mokg:Model . GRAPH ?g { ?n a mokg:Model } }",
        {"default_graphs": [graph("data/models/olmo-7b")], "named_graphs": [graph("data/models/llama-2-7b")]},
    ),
}


#: The queries of SAME_ANSWERS whose right answer is empty.
EMPTY = {"default-graph-uri of another file", "the query's own BASE wins"}


@pytest.mark.parametrize("name", SAME_ANSWERS)
def test_same_answers_as_the_embedded_store(name: str, remote: RemoteStore, store: EmbeddedStore):
    sparql, dataset = SAME_ANSWERS[name]
    expected = answer(store.query(sparql, **dataset))
    assert answer(remote.query(sparql, **dataset)) == expected
    if not isinstance(expected, bool):  # the comparison means something: rows or triples to compare
        rows = expected[1] if isinstance(expected, tuple) else expected
        assert bool(rows) == (name not in EMPTY)


def test_results_are_pyoxigraph_objects_that_serialize_alike(remote: RemoteStore, store: EmbeddedStore):
    """Callers never branch on the store kind: same classes, same serializations."""
    select = "SELECT ?m ?l WHERE { ?m a mokg:Model ; rdfs:label ?l } ORDER BY ?m"
    for fmt in (ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.JSON):
        assert remote.query(select).serialize(format=fmt) == store.query(select).serialize(format=fmt)
    assert isinstance(remote.query("ASK {}"), ox.QueryBoolean)
    construct = remote.query(f"CONSTRUCT WHERE {{ {LLAMA} ?p ?o }}")
    assert isinstance(construct, ox.QueryTriples)
    assert "llama-2-7b" in ox.serialize(construct, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode()


def test_stats_equal_the_embedded_store(remote: RemoteStore, store: EmbeddedStore):
    stats = remote.stats()
    assert stats == store.stats()
    assert stats.derived > 0 and stats.classes["Model"] > 0


def derived_facts(s: Store) -> tuple[set[ox.Quad], int]:
    """The derived graphs' triples but the run times in their provenance and the validation results; their count.

    The validation results are compared by count only: their result nodes are not named alike
    by two loads of the same files, even into two embedded stores (``mokg.validation`` today).
    """
    ended = ox.NamedNode(PREFIXES["prov"] + "endedAtTime")
    validation = set(s.graphs_under(graph("derived/validation")))
    return {q for q in s.graphs_under(graph("derived/")) if q.predicate != ended} - validation, len(validation)


def test_rules_derive_the_same_facts(remote: RemoteStore, store: EmbeddedStore):
    """The rules run unchanged on the remote store; only the run times in the provenance differ."""
    assert derived_facts(remote) == derived_facts(store)
    status = remote.query(f"SELECT ?s WHERE {{ <{BASE}model/gpt-neo-2-7b> mokg:osaidStatus ?s }}")
    assert [row["s"] for row in status] == [MOKG.OSAIDConformant]


def test_graphs_under(remote: RemoteStore, store: EmbeddedStore):
    models = remote.graphs_under(graph("data/models/"))
    assert set(models) == set(store.graphs_under(graph("data/models/")))
    assert len(models) > 100
    assert len(remote.graphs_under(graph("shapes/"))) == len(store.graphs_under(graph("shapes/")))  # blank nodes
    assert remote.graphs_under(graph("no-such-folder/")) == []


def test_syntax_error_is_a_query_error_at_the_same_position(remote: RemoteStore, store: EmbeddedStore):
    """The prefixes mokg adds do not move the position the server reports."""
    for sparql in ("SELECT ?x WHERE { ?x ?y }", "PREFIX ex: <http://example.org/>\nSELECT ?x WHERE {\n  ?x ex:p }"):
        with pytest.raises(QueryError) as embedded_error:
            store.query(sparql)
        with pytest.raises(QueryError, match="rejected") as remote_error:
            remote.query(sparql)
        position = re.compile(r"at (\d+:\d+)")
        assert position.search(str(remote_error.value))[1] == position.search(str(embedded_error.value))[1]


def test_an_update_is_not_a_query(remote: RemoteStore):
    with pytest.raises(QueryError):
        remote.query("DROP ALL")
    assert remote.query("ASK { ?m a mokg:Model }")


def test_a_remote_store_can_be_sent_to_a_worker_process(remote: RemoteStore):
    """It is its URLs and settings only: picklable, as multiprocessing needs."""
    copy = pickle.loads(pickle.dumps(remote))
    assert repr(copy) == repr(remote)
    assert copy.stats() == remote.stats()


def test_prefix_header_adds_only_undeclared_prefixes():
    header = prefix_header("PREFIX  mokg : <http://example.org/>\nprefix rdfs:<x:> SELECT * {}")
    assert "PREFIX mokg:" not in header and "PREFIX rdfs:" not in header
    assert "PREFIX prov: <http://www.w3.org/ns/prov#> " in header and "\n" not in header
    assert prefix_header(" ".join(f"PREFIX {name}: <{iri}>" for name, iri in PREFIXES.items())) == ""


def test_replace_graph_replaces_one_graph_only(scratch: tuple[OxigraphServer, RemoteStore]):
    _, remote = scratch
    derived = ox.NamedNode(graph("derived/test"))
    triple = (ox.NamedNode(f"{BASE}model/a"), ox.NamedNode(f"{BASE}p"), ox.Literal("x"))
    remote.replace_graph(derived, [ox.Quad(*triple, derived)])
    remote.replace_graph(derived, [ox.Quad(*triple, derived)])
    stats = remote.stats()
    assert (stats.quads, stats.derived, stats.graphs) == (10, 1, 4)
    remote.replace_graph(derived, [])
    assert remote.stats().quads == 9
    remote.replace_graph(derived, [])  # a graph that is not there is already empty
    assert remote.stats().quads == 9

    tiny = ox.NamedNode(graph("data/models/tiny-model"))
    model = ox.NamedNode(f"{BASE}model/tiny-model")
    renamed = [
        ox.Quad(model, ox.NamedNode(PREFIXES["rdf"] + "type"), MOKG.Model, tiny),
        ox.Quad(model, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("Renamed"), tiny),
    ]
    remote.replace_graph(tiny, renamed)
    labels = remote.query("SELECT ?l WHERE { ?m a mokg:Model ; rdfs:label ?l }")
    assert {row["l"].value for row in labels} == {"Renamed", "Tiny base"}
    in_graphs = remote.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert {row["g"].value: int(row["n"].value) for row in in_graphs}[tiny.value] == 2


def test_replace_swaps_the_whole_content(scratch: tuple[OxigraphServer, RemoteStore]):
    _, remote = scratch
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    remote.replace([ox.Quad(ox.NamedNode(f"{BASE}model/other"), rdf_type, MOKG.Model, ox.NamedNode(graph("other")))])
    stats = remote.stats()
    assert (stats.classes, stats.graphs, stats.quads) == ({"Model": 1}, 1, 1)
    remote.replace([])
    assert remote.stats().quads == 0


def test_a_server_that_is_down_then_back(scratch: tuple[OxigraphServer, RemoteStore]):
    server, remote = scratch
    before = remote.stats()
    server.stop()
    with pytest.raises(StoreUnavailable, match=re.escape(f"{server.url}/query")):
        remote.query("ASK {}")
    with pytest.raises(StoreUnavailable, match=re.escape(f"{server.url}/store")):
        remote.replace_graph(ox.NamedNode(graph("x")), [])
    server.start()  # same port, same folder: the data is still there
    assert remote.stats() == before


def test_nobody_listening_is_unavailable():
    url = f"http://127.0.0.1:{free_port()}"
    remote = RemoteStore.for_oxigraph(url, timeout=2)
    for call in (lambda: remote.query("ASK {}"), lambda: remote.replace([]), lambda: remote.stats()):
        with pytest.raises(StoreUnavailable, match=re.escape(url)):
            call()


def test_an_error_status_is_unavailable(remote: RemoteStore, loaded_server: OxigraphServer):
    with pytest.raises(StoreUnavailable, match="404"):
        RemoteStore(f"{loaded_server.url}/no-such-endpoint").query("ASK {}")


def test_a_read_only_store_refuses_to_write(remote: RemoteStore, loaded_server: OxigraphServer):
    read_only = RemoteStore(f"{loaded_server.url}/query")
    with pytest.raises(ConfigError, match="update_url"):
        read_only.replace([])
    with pytest.raises(ConfigError, match="store_url"):
        read_only.replace_graph(ox.NamedNode(graph("x")), [])
    # Without the union-default-graph parameter, Oxigraph's default graph is its own (empty)
    # default graph, not the union of the named graphs that for_oxigraph asks for.
    assert not read_only.query("ASK { ?m a mokg:Model }")
    union = RemoteStore(f"{loaded_server.url}/query", union_default_graph="union-default-graph")
    assert union.query("ASK { ?m a mokg:Model }")


def test_slow_answer_is_a_timeout_then_queries_work_again(slow: str):
    with pytest.raises(StoreTimeout, match=r"within 0\.001 s"):
        RemoteStore.for_oxigraph(slow, timeout=0.001).query(CROSS_JOIN)
    remote = RemoteStore.for_oxigraph(slow)
    assert len(list(remote.query("SELECT ?s WHERE { ?s rdfs:label ?l }"))) == 1500


def test_the_server_time_limit_is_a_timeout(slow: str):
    started = time.monotonic()
    with pytest.raises(StoreTimeout, match="its own time limit"):
        RemoteStore.for_oxigraph(slow).query(TRIPLE_CROSS_JOIN)
    assert time.monotonic() - started < 10


def test_a_bad_file_stops_the_load_before_the_server_is_touched(
    scratch: tuple[OxigraphServer, RemoteStore], tmp_path: Path
):
    _, remote = scratch
    before = remote.stats()
    root = tmp_path / "root"
    shutil.copytree(TINY_ROOT, root)
    (root / "data" / "broken.ttl").write_text("<a> <b> .\n")
    with pytest.raises(LoadError, match=r"broken\.ttl"):
        remote.load(discover(root, BASE), BASE)
    assert remote.stats() == before


def test_the_accept_header_follows_the_query_form():
    for graph_query in ("CONSTRUCT WHERE { ?s ?p ?o }", "# SELECT\nprefix select: <x:> describe <x:y>"):
        assert accept_header(graph_query).startswith("application/n-triples")
    for table_query in ('SELECT ?construct WHERE { ?s ?p "CONSTRUCT" }', "ask {}", "DROP ALL"):
        assert accept_header(table_query).startswith("application/sparql-results+json")


def test_the_settings_pick_the_server_kind():
    oxigraph = RemoteStore.for_url("http://127.0.0.1:7878", Settings())
    assert (oxigraph.query_url, oxigraph.union_default_graph) == ("http://127.0.0.1:7878/query", "union-default-graph")
    settings = Settings(store_engine="virtuoso", store_user="mokg", store_password="secret")
    virtuoso = RemoteStore.for_url("http://127.0.0.1:8890/", settings)
    assert (virtuoso.query_url, virtuoso.store_url) == (
        "http://127.0.0.1:8890/sparql",
        "http://127.0.0.1:8890/sparql-graph-crud-auth",
    )
    assert virtuoso.credentials == ("mokg", "secret") and "secret" not in repr(settings)
    assert RemoteStore.for_url("http://127.0.0.1:8890", Settings(store_engine="virtuoso")).update_url is None


def test_validate_store_checks_the_remote_graph_where_it_is(loaded_server: OxigraphServer, capsys):
    """`mokg validate --store URL` validates the bundled graph that `mokg load` wrote to an Oxigraph
    server where it is (tests/test_validation.py shows that the store, not the files, is read)
    and gives what validating the files gives: the findings, with their files and classes, and
    the verdict. Breaks if the remote store's answers (terms, the graphs that find each file)
    are read differently from an embedded store's."""
    from mokg.cli import main

    code = main(["validate", "--root", str(REPO), "--format", "json"])
    from_files = capsys.readouterr().out
    assert main(["validate", "--root", str(REPO), "--store", loaded_server.url, "--format", "json"]) == code
    from_server = capsys.readouterr().out
    assert json.loads(from_server) == json.loads(from_files)
    assert len(json.loads(from_server)["results"]) > 1000
