"""VoID statistics counted at load (mokg.statistics) on a small store built to tell the counts apart."""

from __future__ import annotations

import pyoxigraph as ox

from mokg.statistics import void_statistics
from mokg.store import EmbeddedStore
from mokg.vocab import MOKG, VOID

BASE = "https://example.org/kg/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _store() -> EmbeddedStore:
    model, other = ox.NamedNode(f"{BASE}model/a"), ox.NamedNode("https://elsewhere.example/b")
    blank_class = ox.BlankNode("c")
    quads = []
    for graph in ("g1", "g2"):  # the same two triples in two graphs: one of each in the union
        g = ox.NamedNode(f"{BASE}graph/{graph}")
        quads += [ox.Quad(model, RDF_TYPE, MOKG.Model, g), ox.Quad(model, LABEL, ox.Literal("A"), g)]
    g3 = ox.NamedNode(f"{BASE}graph/g3")
    quads += [ox.Quad(other, RDF_TYPE, blank_class, g3), ox.Quad(other, LABEL, ox.Literal("A"), g3)]
    quads.append(ox.Quad(model, LABEL, ox.Literal("A"), g3))  # a third copy: still one triple
    store = EmbeddedStore()
    store.replace(quads)
    return store


def _counts(triples: list[ox.Triple]) -> dict[str, int]:
    return {
        t.predicate.value.removeprefix(str(VOID)): int(t.object.value)
        for t in triples
        if t.subject.value == f"{BASE}void#dataset" and isinstance(t.object, ox.Literal)
    }


def test_counts_of_the_union_graph():
    counts = _counts(void_statistics(_store(), BASE))
    assert counts == {
        "triples": 4,  # seven quads: one triple in three graphs, one in two
        "distinctSubjects": 2,
        "distinctObjects": 3,  # mokg:Model, "A", the blank class
        "entities": 1,  # only IRIs under the base
        "properties": 2,
        "classes": 2,  # a blank node used as class counts as a class
    }


def test_vocabularies_are_those_of_iri_properties_and_classes():
    triples = void_statistics(_store(), BASE)
    vocabularies = {t.object.value for t in triples if t.predicate == VOID.vocabulary}
    assert vocabularies == {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://www.w3.org/2000/01/rdf-schema#",
        str(MOKG),
    }
