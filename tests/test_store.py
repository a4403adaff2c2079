from __future__ import annotations

import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, TEST_DATA, TINY_ROOT

from mokg.config import Settings
from mokg.errors import LoadError, QueryError
from mokg.graph import open_store
from mokg.store import EmbeddedStore


def tiny_store() -> EmbeddedStore:
    """The tiny root in a store, without derived facts: these tests are about the store itself."""
    store = EmbeddedStore()
    store.replace(_load(TINY_ROOT))
    return store


def labels(store: EmbeddedStore) -> set[str]:
    return {row["label"].value for row in store.query("SELECT ?label WHERE { ?m a mokg:Model ; rdfs:label ?label }")}


def test_default_graph_is_the_union_of_the_file_graphs():
    """Users query models without knowing which file said what."""
    store = tiny_store()
    assert labels(store) == {"Tiny model", "Tiny base"}


def test_named_graphs_stay_queryable():
    store = tiny_store()
    rows = store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{BASE}model/tiny-model> ?p ?o }} }}")
    assert {row["g"].value for row in rows} == {f"{BASE}graph/data/models/tiny-model"}


def test_a_failed_load_keeps_the_old_graph(tmp_path: Path):
    """A failed load must leave the old graph, never a half-loaded one."""
    store = tiny_store()
    root = tmp_path / "root"
    shutil.copytree(TINY_ROOT, root)
    (root / "data" / "models" / "tiny-model.ttl").write_text("<model/x> a mokg:Model .")  # no prefix
    with pytest.raises(LoadError):
        store.replace(_load(root))
    assert labels(store) == {"Tiny model", "Tiny base"}


def _load(root: Path) -> list[ox.Quad]:
    from mokg.loader import discover, load_files

    return load_files(discover(root, BASE), BASE)


def test_replace_swaps_the_whole_content():
    store = tiny_store()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    model = ox.NamedNode("https://w3id.org/mokg/ontology#Model")
    store.replace([ox.Quad(ox.NamedNode(f"{BASE}model/other"), rdf_type, model, ox.NamedNode(f"{BASE}graph/other"))])
    assert store.stats().classes == {"Model": 1}


def test_on_disk_store_keeps_the_graph_between_openings(tmp_path: Path):
    settings = Settings(root=TINY_ROOT, store=tmp_path / "store")
    first = open_store(settings)
    expected = first.stats()
    del first
    reopened = open_store(settings, load=False)
    assert reopened.stats() == expected
    assert expected.quads > 0


def test_stats_counts_entities_per_class():
    stats = tiny_store().stats()
    assert stats.classes == {"Model": 2}
    assert stats.graphs == 3
    assert stats.quads == 4 + 2 + 3  # mini ontology, tiny-base, tiny-model
    assert stats.derived == 0


def test_replace_graph_replaces_one_graph_only():
    store = tiny_store()
    graph = ox.NamedNode(f"{BASE}graph/derived/test")
    triple = (ox.NamedNode(f"{BASE}model/a"), ox.NamedNode(f"{BASE}p"), ox.Literal("x"))
    store.replace_graph(graph, [ox.Quad(*triple, graph)])
    store.replace_graph(graph, [ox.Quad(*triple, graph)])
    stats = store.stats()
    assert (stats.quads, stats.derived, stats.graphs) == (10, 1, 4)
    store.replace_graph(graph, [])
    assert store.stats().quads == 9


def test_query_syntax_error_is_a_query_error():
    store = tiny_store()
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        store.query("SELECT ?x WHERE { ?x ?y }")


def test_the_bad_fixture_folder_is_not_loadable():
    """Guards the fixtures themselves: every file in tests/data/bad must fail."""
    from mokg.loader import parse_file

    for path in (TEST_DATA / "bad").iterdir():
        with pytest.raises(LoadError):
            parse_file(path, BASE, ox.NamedNode(f"{BASE}graph/x"))


def _three_graphs() -> EmbeddedStore:
    store = EmbeddedStore()
    store.replace(
        [ox.Quad(ox.NamedNode(f"http://g/{i}"), ox.NamedNode("http://p"), ox.Literal(str(i)), ox.NamedNode(f"http://g/{i}"))
         for i in (1, 2, 3)]
    )  # fmt: skip
    return store


def values_of(store: EmbeddedStore, sparql: str, **dataset) -> set[str]:
    return {row["o"].value for row in store.query(sparql, **dataset)}


def test_the_querys_own_dataset_is_honoured():
    """FROM must restrict the default graph even though the store's default is the union."""
    store = _three_graphs()
    assert values_of(store, "SELECT ?o WHERE { ?s ?p ?o }") == {"1", "2", "3"}
    assert values_of(store, "SELECT ?o FROM <http://g/3> WHERE { ?s ?p ?o }") == {"3"}
    assert values_of(store, "SELECT ?o FROM NAMED <http://g/2> WHERE { GRAPH ?g { ?s ?p ?o } }") == {"2"}


def test_protocol_dataset_wins_and_leaves_the_other_part_empty():
    """SPARQL protocol: given default-graph-uri or named-graph-uri, the dataset is exactly those."""
    store = _three_graphs()
    assert values_of(store, "SELECT ?o FROM <http://g/3> WHERE { ?s ?p ?o }", default_graphs=["http://g/1"]) == {"1"}
    assert values_of(store, "SELECT ?o WHERE { ?s ?p ?o }", named_graphs=["http://g/1"]) == set()
    assert values_of(store, "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", default_graphs=["http://g/1"]) == set()
    assert values_of(
        store, "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", default_graphs=["http://g/1"], named_graphs=["http://g/2"]
    ) == {"2"}


def test_relative_iris_resolve_against_the_given_base():
    store = _three_graphs()
    assert values_of(store, "SELECT ?o WHERE { <1> ?p ?o }", base_iri="http://g/") == {"1"}


@pytest.mark.parametrize(
    ("query", "declares"),
    [
        ("SELECT * FROM <x> WHERE { ?s ?p ?o }", True),
        ("ask from named <x> {}", True),
        ("SELECT * { ?s <http://ex/FROM> ?o }", False),
        ("SELECT * { ?s ex:FROM ?o }", False),
        ('SELECT * { ?s ?p "FROM here" } # FROM', False),
        ("SELECT (1 AS ?from) {}", False),
        ("SELECT * { ?s ?p ?o FILTER(?a < ?b) }", False),
    ],
)
def test_declares_dataset(query: str, declares: bool):
    from mokg.store import declares_dataset

    assert declares_dataset(query) is declares


@pytest.mark.parametrize("with_default_graph", [False, True])
def test_dump_nquads_writes_every_named_graph_and_nothing_else(with_default_graph: bool):
    """The engine writes the quads itself unless the default graph holds triples (which are not mokg's)."""
    s, p = ox.NamedNode(f"{BASE}a"), ox.NamedNode(f"{BASE}p")
    named = {ox.Quad(s, p, ox.Literal(str(i)), ox.NamedNode(f"{BASE}graph/{i % 3}")) for i in range(10)}
    named.add(ox.Quad(ox.BlankNode("b"), p, s, ox.NamedNode(f"{BASE}graph/0")))
    store = EmbeddedStore()
    store.replace([*named, *([ox.Quad(s, p, s)] if with_default_graph else [])])
    output = io.BytesIO()
    store.dump_nquads(output)
    written = list(ox.parse(output.getvalue(), format=ox.RdfFormat.N_QUADS))
    assert len(written) == len(named) and all(not isinstance(q.graph_name, ox.DefaultGraph) for q in written)
    assert {q for q in written if not isinstance(q.subject, ox.BlankNode)} == {
        q for q in named if not isinstance(q.subject, ox.BlankNode)
    }


def test_triples_are_what_a_querys_default_graph_holds_by_pattern():
    """What a record walks (mokg.records): every graph, as the union default graph of a query holds them."""
    s, p, q = ox.NamedNode(f"{BASE}a"), ox.NamedNode(f"{BASE}p"), ox.NamedNode(f"{BASE}q")
    one, two = ox.NamedNode(f"{BASE}graph/1"), ox.NamedNode(f"{BASE}graph/2")
    store = EmbeddedStore()
    store.replace([ox.Quad(s, p, s, one), ox.Quad(s, p, s, two), ox.Quad(s, q, s, one), ox.Quad(s, q, q)])
    assert list(store.triples(s, p)) == [ox.Triple(s, p, s)] * 2  # once per graph, as the docstring says
    assert set(store.triples(None, None, s)) == {ox.Triple(s, p, s), ox.Triple(s, q, s)}
    assert list(store.triples(s, q, q)) == [ox.Triple(s, q, q)]  # the default graph's, which a query's union holds
    assert store.query(f"ASK {{ {s} {q} {q} }}")


def test_a_write_empties_the_memos():
    """What readers keep of the store's content (record labels) never outlives a write, failed or not."""
    store = tiny_store()
    store.memo("labels")["x"] = 1
    assert store.memo("labels") == {"x": 1} and store.memo("other") == {}
    graph = ox.NamedNode(f"{BASE}graph/derived/test")
    store.replace_graph(graph, [])
    assert store.memo("labels") == {}
    store.memo("labels")["x"] = 1
    with pytest.raises(TypeError):
        store.replace_graph(graph, [None])  # a write that fails half-way
    assert store.memo("labels") == {}
    store.memo("labels")["x"] = 1
    store.replace(_load(TINY_ROOT))
    assert store.memo("labels") == {}
