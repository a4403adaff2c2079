"""A record's history across releases (mokg.history): facts with the releases they held in, PROV, a timeline."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import BASE

from mokg.config import Settings
from mokg.diffs import LATEST
from mokg.graph import open_store
from mokg.history import Version, history, history_triples, timeline, to_json
from mokg.releases import list_releases, open_release, release_dataset_iri

MISTRAL = f"{BASE}model/mistral-7b"
WEIGHTS = ox.NamedNode(f"{MISTRAL}#weights")
LICENSE = ox.NamedNode("http://purl.org/dc/terms/license")
PROV = "http://www.w3.org/ns/prov#"


@pytest.fixture(scope="module")
def versions(two_releases) -> list[Version]:
    folder = two_releases / "data" / "releases"
    found = [
        Version(m.version, m.created, open_release(folder, m.version), release_dataset_iri(BASE, m.version))
        for m in list_releases(folder)
    ]
    return [*found, Version(LATEST, None, open_store(Settings(root=two_releases)))]


def test_each_fact_holds_from_the_release_it_appeared_in_to_the_one_it_left(versions):
    found = history(versions, MISTRAL, BASE)
    assert [v.name for v in found.versions] == ["1.0", "1.1", LATEST]
    spans = {
        f.triple.object.value: f.spans
        for f in found.facts
        if f.triple.subject == WEIGHTS and f.triple.predicate == LICENSE
    }
    assert spans == {"http://spdx.org/licenses/Apache-2.0": [(0, 1)], "http://spdx.org/licenses/MIT": [(1, None)]}
    (label,) = [
        f for f in found.facts if f.triple.predicate.value.endswith("#label") and f.triple.subject.value == MISTRAL
    ]
    assert label.spans == [(0, None)] and label.graph.value == f"{BASE}graph/data/models/mistral-7b"


def test_claims_about_the_record_carry_their_source(versions):
    found = history(versions, f"{BASE}model/alpaca-7b", BASE)
    # The one claim two_releases edits is the only level that changed: it left in 1.1, its new level came.
    levels = [f for f in found.facts if f.triple.predicate.value.endswith("#opennessLevel") and f.spans != [(0, None)]]
    assert {f.triple.object.value.rsplit("#", 1)[1]: f.spans for f in levels} == {
        "Level3": [(0, 1)],
        "Level0": [(1, None)],
    }
    assert {f.source.value for f in levels} == {f"{BASE}source/osai-index"}


def test_the_timeline_says_each_step_in_words(versions):
    steps = timeline(history(versions, MISTRAL, BASE))
    assert [(v.name, said) for v, said in steps] == [
        ("1.0", ["Mistral 7B was added."]),
        ("1.1", ["The licence of Mistral 7B weights changed from Apache License 2.0 to MIT License."]),
    ]


def test_the_history_as_prov(versions):
    found = history(versions, MISTRAL, BASE)
    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object) for t in history_triples(found))
    rows = list(
        graph.query(f"""
        PREFIX prov: <{PROV}> PREFIX mokg: <https://w3id.org/mokg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?o ?start ?end ?in ?out ?file WHERE {{
          ?f a rdf:Statement, prov:Entity ; rdf:subject <{WEIGHTS.value}> ; rdf:predicate <{LICENSE.value}> ;
             rdf:object ?o ; prov:generatedAtTime ?start ; mokg:appearedIn ?in ; mokg:statedIn ?file .
          OPTIONAL {{ ?f prov:invalidatedAtTime ?end ; mokg:disappearedIn ?out }}
        }} ORDER BY ?o""")
    )
    assert [(r["o"].value.rsplit("/", 1)[1], r["in"].value, r["out"].value if r["out"] else None) for r in rows] == [
        ("Apache-2.0", release_dataset_iri(BASE, "1.0"), release_dataset_iri(BASE, "1.1")),
        ("MIT", release_dataset_iri(BASE, "1.1"), None),
    ]
    assert all(r["start"].datatype.value.endswith("#dateTime") for r in rows)


def test_the_history_as_json(versions):
    document = to_json(history(versions, MISTRAL, BASE))
    assert [v["version"] for v in document["versions"]] == ["1.0", "1.1", LATEST]
    mit = next(
        f for f in document["facts"] if f["object"] == "<http://spdx.org/licenses/MIT>" and "#weights" in f["subject"]
    )
    assert mit["spans"] == [{"from": "1.1", "until": None}] and mit["statedIn"].endswith("/models/mistral-7b")


def test_without_a_release_there_is_no_timeline(versions):
    assert timeline(history(versions[-1:], MISTRAL, BASE)) == []
