"""Linked-data records: content negotiation, headers, JSON-LD with the published context, 404s."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import BASE, GENERATED_MODELS, REPO, TINY_ROOT
from fastapi.testclient import TestClient
from pyld import jsonld
from rdflib.compare import isomorphic

from mokg.config import Settings
from mokg.formats import RECORD_FORMATS
from mokg.loader import discover
from mokg.records import KINDS, RecordModel, record_query, record_triples
from mokg.rules import run_rules
from mokg.service import create_app
from mokg.store import EmbeddedStore
from mokg.vocab import MOKG, PREFIXES

SUFFIX = {f.media_type: f.suffix for f in RECORD_FORMATS}
LABEL = ox.NamedNode(f"{PREFIXES['rdfs']}label")
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
RECORDS = [
    ("model", "alpaca-7b", f"{BASE}model/alpaca-7b"),
    ("dataset", "alpaca-data", f"{BASE}dataset/alpaca-data"),
    ("license", "Apache-2.0", "http://spdx.org/licenses/Apache-2.0"),
    ("license", "llama-2-community", f"{BASE}license/llama-2-community"),
    ("org", "meta", f"{BASE}org/meta"),
    ("family", "llama-2", f"{BASE}family/llama-2"),
    ("source", "how-open-is-generative-ai-part-2", f"{BASE}source/how-open-is-generative-ai-part-2"),
]


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(Settings(root=REPO), store=store)) as test_client:
        yield test_client


def loader_for(client: TestClient):
    """A JSON-LD document loader that fetches mokg's context from the service itself, no network."""

    def load(url: str, options: dict | None = None) -> dict:
        assert url == f"{BASE}context.jsonld", f"unexpected fetch of {url}"
        response = client.get("/context.jsonld")
        assert response.status_code == 200
        return {"contextUrl": None, "documentUrl": url, "document": response.json()}

    return load


def graph_of(body: bytes, media: str, client: TestClient) -> rdflib.Graph:
    if media == "application/ld+json":
        expanded = jsonld.expand(json.loads(body), {"documentLoader": loader_for(client)})
        nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
        return rdflib.Graph().parse(data=nquads, format="nt")
    return rdflib.Graph().parse(data=body, format=RDF_FORMATS[media])


@pytest.mark.parametrize(("kind", "slug", "iri"), RECORDS)
@pytest.mark.parametrize("media", list(RDF_FORMATS))
def test_every_format_holds_the_same_record(client: TestClient, kind: str, slug: str, iri: str, media: str):
    """Turtle, N-Triples, RDF/XML and JSON-LD (expanded by pyld) are the same graph: nothing dropped."""
    reference = graph_of(client.get(f"/{kind}/{slug}.ttl").content, "text/turtle", client)
    response = client.get(f"/{kind}/{slug}", headers={"accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    graph = graph_of(response.content, media, client)
    assert (rdflib.URIRef(iri), None, None) in graph
    assert len(graph) == len(reference) > 3
    assert isomorphic(graph, reference)


@pytest.mark.parametrize(("suffix", "media"), [(f.suffix, f.media_type) for f in RECORD_FORMATS])
def test_suffixes_fix_the_format(client: TestClient, suffix: str, media: str):
    response = client.get(f"/model/alpaca-7b{suffix}", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert "Accept" not in response.headers.get("vary", "").split(", ")  # the URL alone decides


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
        ("application/ld+json;q=0.9, text/turtle;q=0.5", "application/ld+json"),
        ("text/turtle;q=0.2, application/n-triples", "application/n-triples"),
        ("application/*;q=0.5, text/turtle;q=0.1", "application/ld+json"),
        ("*/*", "text/html"),
    ],
)
def test_accept_with_q_values(client: TestClient, accept: str, media: str):
    response = client.get("/model/alpaca-7b", headers={"accept": accept})
    assert response.headers["content-type"].startswith(media)
    assert "Accept" in response.headers["vary"].split(", ")
    assert response.headers["content-location"] == f"/model/alpaca-7b{SUFFIX[media]}"


def test_bad_accept_is_406_listing_the_alternatives(client: TestClient):
    response = client.get("/model/alpaca-7b", headers={"accept": "image/png"})
    assert response.status_code == 406
    assert set(response.json()["offered"]) == set(SUFFIX)


@pytest.mark.parametrize("suffix", ["", *SUFFIX.values()])
def test_unknown_slug_is_404_in_the_asked_format(client: TestClient, suffix: str):
    response = client.get(f"/model/no-such-model{suffix}", headers={"accept": "text/turtle"})
    assert response.status_code == 404
    media = "text/turtle" if not suffix else {v: k for k, v in SUFFIX.items()}[suffix]
    assert response.headers["content-type"].startswith(media)
    if media == "application/ld+json":
        assert "no-such-model" in response.json()["detail"]
    elif media != "text/html":
        assert len(rdflib.Graph().parse(data=response.content, format=RDF_FORMATS[media])) == 0
    else:
        assert "no-such-model" in response.text


def test_link_headers(client: TestClient):
    link = client.get("/model/alpaca-7b", headers={"accept": "text/turtle"}).headers["link"]
    assert f'<{BASE}model/alpaca-7b>; rel="cite-as"' in link
    assert '<http://spdx.org/licenses/CC-BY-4.0>; rel="license"' in link
    assert 'rel="describedby"' in link
    for media, suffix in SUFFIX.items():
        if media != "text/turtle":
            assert f'</model/alpaca-7b{suffix}>; rel="alternate"; type="{media}"' in link


def test_etag_and_304(client: TestClient):
    first = client.get("/model/alpaca-7b.ttl")
    assert first.headers["cache-control"].startswith("public")
    again = client.get("/model/alpaca-7b.ttl", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    other = client.get("/model/alpaca-7b.nt")
    assert other.headers["etag"] != first.headers["etag"]


def test_json_ld_record_is_framed_on_the_model_and_matches_its_model(client: TestClient):
    document = client.get("/model/alpaca-7b.jsonld").json()
    assert document["@context"] == f"{BASE}context.jsonld"
    assert document["id"] == f"{BASE}model/alpaca-7b"
    record = RecordModel.model_validate(document)
    assert record.type == "Model"
    assert {c["componentType"]["id"] if isinstance(c["componentType"], dict) else c["componentType"]
            for c in record.components} >= {"mokg:ModelParametersFinal", "ModelParametersFinal"} & {
        c["componentType"]["id"] if isinstance(c["componentType"], dict) else c["componentType"]
        for c in record.components
    }  # fmt: skip
    assert any(claim.get("validationResult") for claim in record.claims)


def test_model_record_holds_what_a_reader_needs(client: TestClient):
    """Facts, components with licences, claims with validation, lineage and data, derived facts."""
    graph = graph_of(client.get("/model/alpaca-7b.ttl").content, "text/turtle", client)
    text = graph.serialize(format="nt")
    for expected in (
        "https://w3id.org/mokg/model/llama-7b",  # base model
        '"LLaMA 7B"@en',  # its label
        "https://w3id.org/mokg/dataset/alpaca-data",  # fine-tuning data
        "http://spdx.org/licenses/CC-BY-NC-4.0",  # licence
        "https://w3id.org/mokg/ontology#inheritsRestriction",
        "https://w3id.org/mokg/ontology#nextStep",  # the path of an inherited restriction
        "https://w3id.org/mokg/ontology#achievedMOFClass",
        "https://w3id.org/mokg/ontology#osaidReason",
        "https://w3id.org/mokg/ontology#componentAssessment",
        "http://www.w3.org/ns/shacl#resultMessage",  # the claims' validation results
        "which allows at most level 2",
    ):
        assert expected in text, expected


def test_context_is_published(client: TestClient):
    response = client.get("/context.jsonld")
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.json() == json.loads((REPO / "ontology" / "context.jsonld").read_text())


@pytest.mark.parametrize("path", ["/ontology", "/shapes"])
def test_ontology_and_shapes_are_served(client: TestClient, path: str):
    turtle = client.get(path, headers={"accept": "text/turtle"})
    assert turtle.headers["content-location"] == f"{path}.ttl"
    graph = rdflib.Graph().parse(data=turtle.content, format="turtle")
    assert len(graph) > 100
    for suffix, media in ((".nt", "nt"), (".rdf", "xml"), (".jsonld", "json-ld")):
        assert len(rdflib.Graph().parse(data=client.get(f"{path}{suffix}").content, format=media)) == len(graph)
    assert client.get(path, headers={"accept": "text/html"}).headers["content-type"].startswith("text/html")


def test_records_follow_the_configured_base():
    """Published under another base, records are about IRIs under that base, at the same paths."""
    settings = Settings(root=TINY_ROOT, base_iri="http://localhost:8000/")
    with TestClient(create_app(settings)) as client:
        response = client.get("/model/tiny-model.nt")
    assert response.status_code == 200
    triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    assert ox.NamedNode("http://localhost:8000/model/tiny-model") in {t.subject for t in triples}


def test_openapi_describes_the_json_ld_record(client: TestClient):
    spec = client.get("/openapi.json").json()
    content = spec["paths"]["/model/{name}"]["get"]["responses"]["200"]["content"]
    assert "claims" in json.dumps(content["application/ld+json"]["schema"])


def _entities(store: EmbeddedStore) -> list[str]:
    classes = " ".join(f"<{kind.cls}>" for kind in KINDS.values())
    query = f"SELECT DISTINCT ?e WHERE {{ VALUES ?class {{ {classes} }} ?e a ?class FILTER(isIRI(?e)) }}"
    return sorted(row["e"].value for row in store.query(query))


def _walk_is_the_query(store: EmbeddedStore) -> int:
    """Every record of ``store``, walked (twice: labels first read, then kept) and constructed: the same triples."""
    entities = _entities(store)
    for iri in entities * 2:
        constructed = set(store.query(record_query(iri)))
        walked = record_triples(store, iri)
        assert len(walked) == len(set(walked)), iri
        assert set(walked) == constructed, iri
    return len(entities)


def test_the_walked_record_is_the_record_query(store: EmbeddedStore):
    """On the embedded store a record is walked link by link; the CONSTRUCT query stays its definition."""
    assert _walk_is_the_query(store) > 500


def test_the_walked_record_is_the_record_query_on_disk(generated_root: Path, tmp_path: Path):
    """The same on RocksDB, over a generated Hub-like graph: lineage to depth 8, inherited restrictions, claims."""
    store = EmbeddedStore(tmp_path / "store")
    store.load(discover(generated_root, BASE), BASE)
    run_rules(store, BASE)
    assert _walk_is_the_query(store) >= GENERATED_MODELS


def test_a_record_shows_what_a_write_changed():
    """The labels a store keeps for records are dropped by a write: an edited label shows at once."""
    store = EmbeddedStore()
    store.load(discover(TINY_ROOT, BASE), BASE)
    model, base = f"{BASE}model/tiny-model", ox.NamedNode(f"{BASE}model/tiny-base")

    def base_labels() -> set[str]:
        return {t.object.value for t in record_triples(store, model) if t.subject == base and t.predicate == LABEL}

    assert base_labels() == {"Tiny base"}
    base_file = ox.NamedNode(f"{BASE}graph/data/models/tiny-base")
    store.replace_graph(base_file, [ox.Quad(base, LABEL, ox.Literal("Renamed base"), base_file)])
    assert base_labels() == {"Renamed base"}


def test_a_walk_passes_over_literals_and_triple_terms_where_nodes_were_expected():
    """A data file may link a literal or an RDF 1.2 triple term where a component or a step is expected: no error."""
    store = EmbeddedStore()
    store.load(discover(TINY_ROOT, BASE), BASE)
    model = ox.NamedNode(f"{BASE}model/tiny-model")
    odd = ox.Triple(model, LABEL, ox.Literal("said"))
    graph = ox.NamedNode(f"{BASE}graph/test-odd-links")
    links = [(MOKG.hasComponent, odd), (MOKG.hasComponent, ox.Literal("weights")), (MOKG.inheritsRestriction, odd)]
    store.replace_graph(graph, [ox.Quad(model, p, o, graph) for p, o in links])
    walked = record_triples(store, model.value)
    assert set(walked) == set(store.query(record_query(model.value)))
    assert ox.Triple(model, MOKG.hasComponent, odd) in walked
