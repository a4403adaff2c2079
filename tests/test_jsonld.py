"""The direct JSON-LD framer (mokg.jsonld) gives byte for byte the document PyLD's framing gives.

Every record of the bundled graph (every entity of every kind, ~650, PyLD taking ~25 s for all of
them), release and versioned records, a record built to use every kind of term and value of the
context, other contexts, random graphs (hypothesis), and the records that fall back to PyLD.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pyoxigraph as ox
import pytest
from conftest import BASE, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from mokg import records
from mokg.jsonld import Unsupported, frame_record
from mokg.releases import ReleaseManifest, release_record_links, version_links

CONTEXT = records.load_context(REPO)
CONTEXT_URL = f"{BASE}context.jsonld"
MOKG = "https://w3id.org/mokg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"


def text(document: dict) -> str:
    """The document as records.render writes it."""
    return json.dumps(document, ensure_ascii=False, indent=2)


def assert_same(triples: list[ox.Triple], iri: str, context: dict = CONTEXT) -> None:
    """The direct framer (no fallback) writes exactly PyLD's document."""
    fast = frame_record(triples, iri, context, CONTEXT_URL, records.FRAME_TERMS)
    assert text(fast) == text(records.framed_with_pyld(triples, iri, context, CONTEXT_URL))


def entities(store, kind: str) -> list[str]:
    query = f"SELECT ?e WHERE {{ ?e a <{records.KINDS[kind].cls}> }} ORDER BY ?e"
    return [row["e"].value for row in store.query(query)]


def slug_of(store, kind: str, iri: str) -> str:
    if kind == "license":
        rows = list(store.query(f"SELECT ?id WHERE {{ <{iri}> mokg:licenseId ?id }}"))
        return rows[0]["id"].value
    return iri.rsplit("/", 1)[1]


def iri(local: str) -> ox.NamedNode:
    return ox.NamedNode(local if ":" in local else f"{BASE}{local}")


def triple(s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> ox.Triple:
    return ox.Triple(iri(s), iri(p), iri(o) if isinstance(o, str) else o)


# -- the bundled graph ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(records.KINDS))
def test_every_record_of_the_bundled_graph_is_pyld_s_document(store, kind: str):
    """Every entity of the kind (all ~385 models: the slow part, PyLD's), byte for byte."""
    found = entities(store, kind)
    assert found
    different = []
    for entity in found:
        triples = records.record_triples(store, entity)
        fast = frame_record(triples, entity, CONTEXT, CONTEXT_URL, records.FRAME_TERMS)  # no fallback
        if text(fast) != text(records.framed_with_pyld(triples, entity, CONTEXT, CONTEXT_URL)):
            different.append(entity)
    assert not different, f"{len(different)} of {len(found)} differ from PyLD: {different[:5]}"


def test_records_resolve_to_the_framed_entities(store):
    """The entities compared above are the ones record URLs name."""
    for kind in records.KINDS:
        for entity in entities(store, kind)[:3]:
            assert records.resolve(store, kind, slug_of(store, kind, entity), BASE) == entity


def manifest(version: str, day: int) -> ReleaseManifest:
    return ReleaseManifest(
        version=version,
        created=datetime(2025, 1, day, 12, 30, tzinfo=UTC),
        file=f"mokg-{version}.nq.gz",
        sha256="0" * 64,
        size=1,
        quads=1,
        triples=1,
        graphs=1,
        base_iri=BASE,
        mokg_version="0.1.0",
    )


@pytest.mark.parametrize("kind", list(records.KINDS))
def test_release_and_versioned_records_are_pyld_s_documents(store, kind: str):
    """A release record (the release node embedded under hasVersion) and a living record with versions."""
    releases = [manifest("1.0", 2), manifest("1.1", 20)]
    for entity in entities(store, kind)[:8]:
        slug = slug_of(store, kind, entity)
        triples = records.record_triples(store, entity)
        assert_same(triples + release_record_links(entity, BASE, releases[0], kind=kind, slug=slug), entity)
        assert_same(triples + version_links(entity, BASE, releases, kind=kind, slug=slug), entity)


def test_framed_is_the_direct_document(store):
    """records.framed takes the direct path for bundled records, and render writes it."""
    entity = f"{BASE}model/alpaca-7b"
    triples = records.record_triples(store, entity)
    expected = text(records.framed_with_pyld(triples, entity, CONTEXT, CONTEXT_URL))
    assert text(records.framed(triples, entity, CONTEXT, CONTEXT_URL)) == expected
    assert records.render(triples, records.JSON_LD, entity, CONTEXT, CONTEXT_URL) == expected.encode()


# -- every kind of term and value -----------------------------------------------------------

LITERALS = [
    ox.Literal("plain"),
    ox.Literal("also plain, sorted after a quote: \"'"),
    ox.Literal("English", language="en"),
    ox.Literal("Français", language="fr"),
    ox.Literal("Upper case tag", language="EN-GB"),
    ox.Literal("7000000000", datatype=ox.NamedNode(f"{XSD}integer")),
    ox.Literal("true", datatype=ox.NamedNode(f"{XSD}boolean")),
    ox.Literal("17.9", datatype=ox.NamedNode(f"{XSD}decimal")),
    ox.Literal("2024-05-01", datatype=ox.NamedNode(f"{XSD}date")),
    ox.Literal("x", datatype=ox.NamedNode("http://example.org/datatype")),
    ox.Literal("line\nbreak and tab\t"),
]
NODES = [
    "model/other",  # a node with a label and a type
    "model/other-two",  # sorts before "model/other" in N-Triples (<…-two> < <…>)
    "model/bare",  # a node with nothing
    f"{SH}Violation",  # the IRI of a term ("Violation")
    f"{MOKG}Level3",  # under @vocab
    "http://example.org/elsewhere",  # no prefix
    f"{RDFS}Class",  # a prefix of the context
]


def context_iris(context: dict) -> list[str]:
    """The IRIs of the context's terms (PyLD's processing of it), reverse ones left out."""
    processor = jsonld.JsonLdProcessor()
    active = processor.process_context(processor._get_initial_context({}), context["@context"], {})
    mappings = active["mappings"].values()
    return sorted({m["@id"] for m in mappings if m and not m["reverse"] and not m["@id"].startswith("@")})


def all_terms_record() -> list[ox.Triple]:
    """A model with every property of the context (and some it lacks) holding every kind of value."""
    reverse = {f"{MOKG}aboutModel", f"{MOKG}disagreementAbout"}  # literals there fail PyLD: tested below
    properties = [p for p in context_iris(CONTEXT) if p not in reverse]
    properties += [f"{MOKG}notInTheContext", f"{SH}focusNode", "http://example.org/property"]
    entity = "model/all"
    triples = [triple(entity, f"{RDF}type", f"{MOKG}Model")]
    for prop in properties:
        for value in [*LITERALS, *NODES]:
            triples.append(triple(entity, prop, value))
    for node in ("model/other", "model/other-two"):
        triples += [triple(node, f"{RDF}type", f"{MOKG}Model"), triple(node, f"{RDFS}label", ox.Literal(node))]
    triples += [
        triple(f"{MOKG}Level3", f"{RDF}type", "http://www.w3.org/2004/02/skos/core#Concept"),
        triple(f"{MOKG}Level3", f"{RDF}type", f"{MOKG}OpennessLevel"),  # two types
        # claims and disagreements (reverse terms), a claim about another model too
        triple("claim/a", f"{MOKG}aboutModel", entity),
        triple("claim/a", f"{MOKG}aboutModel", "model/other"),
        triple("claim/a", f"{MOKG}validationResult", "claim/a#result"),
        triple("claim/a#result", f"{SH}focusNode", "claim/a"),
        triple("claim/a#result", f"{SH}resultSeverity", f"{SH}Violation"),
        triple("claim/b", f"{MOKG}aboutModel", entity),
        triple("claim/c", f"{MOKG}aboutModel", "model/other"),  # not about the entity
        triple("disagreement/x", f"{MOKG}disagreementAbout", entity),
        triple("disagreement/x", f"{MOKG}betweenClaims", "claim/a"),
        triple("disagreement/x", f"{MOKG}betweenClaims", "claim/b"),
    ]
    return triples


def test_every_term_and_kind_of_value():
    """Coercions, languages, datatypes, sets, @vocab, compact IRIs, reverse terms: PyLD's choices."""
    assert_same(all_terms_record(), f"{BASE}model/all")


def components_and_cycles() -> list[ox.Triple]:
    """Components embedded @always (with what they link to, again and again), cycles, a self-loop."""
    return [
        triple("model/m", f"{RDF}type", f"{MOKG}Model"),
        triple("model/m", f"{MOKG}hasComponent", "model/m#weights"),
        triple("model/m", f"{MOKG}hasComponent", "model/m#code"),
        triple("model/m", "http://purl.org/dc/terms/license", "license/l"),  # embedded once at the top…
        triple("model/m", f"{MOKG}finetunedFrom", "model/base"),
        triple("model/m", f"{MOKG}derivedFrom", "model/base"),  # …a reference the second time
        triple("model/m", f"{MOKG}derivedFrom", "model/m"),  # a self-loop
        triple("model/m#weights", "http://purl.org/dc/terms/license", "license/l"),  # …but always in components
        triple("model/m#weights", f"{MOKG}componentType", f"{MOKG}ModelParametersFinal"),
        triple("model/m#weights", f"{MOKG}derivedFrom", "model/m#code"),
        triple("model/m#code", f"{MOKG}derivedFrom", "model/m#weights"),  # a cycle between components
        triple("model/m#code", f"{MOKG}derivedFrom", "model/m#code"),  # a self-loop
        triple("model/m#code", f"{MOKG}derivedFrom", "model/m"),  # back to the top
        triple("license/l", f"{RDFS}label", ox.Literal("L", language="en")),
        triple("license/l", f"{MOKG}derivedFrom", "license/l2"),
        triple("license/l2", f"{MOKG}derivedFrom", "license/l"),
        triple("model/base", f"{RDFS}label", ox.Literal("Base", language="en")),
        triple("model/base", f"{MOKG}finetunedFrom", "model/m"),
        triple("claim/1", f"{MOKG}aboutModel", "model/m"),
        triple("claim/1", f"{MOKG}aboutModel", "model/base"),
        triple("claim/1", f"{MOKG}validationResult", "claim/1#r"),
        triple("claim/1#r", f"{SH}focusNode", "claim/1"),
        triple("claim/1#r", f"{SH}value", "model/base"),
        triple("claim/1#r", f"{SH}value", "license/l"),
        triple("claim/2", f"{MOKG}aboutModel", "model/m"),
        triple("claim/2", f"{MOKG}aboutModel", "claim/1"),  # a claim about a claim
        triple("model/m", f"{MOKG}aboutModel", "model/m"),  # the entity is its own claim
        triple("disagreement/d", f"{MOKG}disagreementAbout", "model/m"),
        triple("disagreement/d", f"{MOKG}betweenClaims", "claim/1"),
        triple("disagreement/d", f"{MOKG}betweenClaims", "claim/2"),
    ]


def test_embedding_cycles_and_reverse_terms():
    triples = components_and_cycles()
    for entity in ("model/m", "model/base", "license/l", "claim/1"):
        assert_same(triples, f"{BASE}{entity}")


def other_contexts() -> dict[str, dict]:
    """Variants of mokg's context that use other parts of the compaction algorithm."""
    changes = {
        "no default language": lambda c: c.pop("@language"),
        "rdfs:label as a compact IRI": lambda c: c.pop("label"),
        "a language map": lambda c: c.update(label={"@id": "rdfs:label", "@container": "@language"}),
        "a language map of sets": lambda c: c.update(label={"@id": "rdfs:label", "@container": ["@language", "@set"]}),
        "two terms for an IRI": lambda c: c.update(label={"@id": "rdfs:label", "@container": "@set"}, lbl="rdfs:label"),
        "types always in an array": lambda c: c.update(type={"@id": "@type", "@container": "@set"}),
        "a reverse term without @set": lambda c: c.update(claims={"@reverse": "mokg:aboutModel"}),
        "other coercions": lambda c: c.update(
            derivedFrom={"@type": "@vocab"},
            issued={"@id": "dcterms:issued", "@type": "xsd:date"},
            notation={"@id": "skos:notation", "@language": "fr"},
        ),
        "two prefixes for an IRI": lambda c: c.update(shacl="http://www.w3.org/ns/shacl#"),
        "another @vocab": lambda c: c.update({"@vocab": "http://www.w3.org/ns/shacl#"}),
    }
    variants = {}
    for name, change in changes.items():
        context = copy.deepcopy(CONTEXT)
        change(context["@context"])
        variants[name] = context
    return variants


@pytest.mark.parametrize("name", list(other_contexts()))
def test_other_contexts(store, name: str):
    """The tables come from the context: another context, PyLD's document for it."""
    context = other_contexts()[name]
    assert_same(all_terms_record(), f"{BASE}model/all", context)
    assert_same(components_and_cycles(), f"{BASE}model/m", context)
    entity = f"{BASE}model/alpaca-7b"
    assert_same(records.record_triples(store, entity), entity, context)


# -- random graphs --------------------------------------------------------------------------

NAMES = ["model/e", "model/a", "model/a-b", "claim/c", "claim/c#r", f"{MOKG}Level1", f"{SH}Violation"]
PREDICATES = [
    f"{RDF}type",
    f"{MOKG}hasComponent",
    f"{MOKG}aboutModel",
    f"{MOKG}disagreementAbout",
    f"{MOKG}derivedFrom",
    f"{MOKG}finetunedFrom",
    f"{MOKG}componentType",
    f"{MOKG}validationResult",
    f"{MOKG}levelLabel",
    f"{RDFS}label",
    "http://purl.org/dc/terms/license",
    "http://www.w3.org/2004/02/skos/core#notation",
    f"{SH}focusNode",
    f"{SH}resultSeverity",
    "http://example.org/p",
]
OBJECTS = [*NAMES, *LITERALS[:6]]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(NAMES), st.sampled_from(PREDICATES), st.sampled_from(OBJECTS)),
        min_size=1,
        max_size=30,
    )
)
def test_random_graphs(statements):
    """Any graph of these nodes, properties and values frames on model/e as PyLD frames it."""
    triples = [triple("model/e", f"{RDF}type", f"{MOKG}Model")]
    for s, p, o in statements:
        if p == f"{RDF}type" and isinstance(o, ox.Literal):
            continue  # a literal type falls back (tested below)
        if p in (f"{MOKG}aboutModel", f"{MOKG}disagreementAbout") and isinstance(o, ox.Literal):
            continue  # PyLD fails on those (tested below)
        triples.append(triple(s, p, o))
    assert_same(triples, f"{BASE}model/e")


# -- what falls back to PyLD ----------------------------------------------------------------


def fallback_cases() -> dict[str, list[ox.Triple]]:
    entity = iri("model/f")
    base = [ox.Triple(entity, iri(f"{RDF}type"), iri(f"{MOKG}Model"))]
    blank = ox.BlankNode("b0")
    nil = iri(f"{RDF}nil")
    first, rest = iri(f"{RDF}first"), iri(f"{RDF}rest")
    return {
        "blank node": [
            *base,
            ox.Triple(entity, iri(f"{MOKG}hasComponent"), blank),
            ox.Triple(blank, iri(f"{RDFS}label"), ox.Literal("anonymous", language="en")),
        ],
        "rdf list": [
            *base,
            ox.Triple(entity, iri(f"{MOKG}mergedFrom"), blank),
            ox.Triple(blank, first, iri("model/a")),
            ox.Triple(blank, rest, nil),
        ],
        "rdf:nil": [*base, ox.Triple(entity, iri(f"{MOKG}mergedFrom"), nil)],
        "rdf:JSON": [*base, ox.Triple(entity, iri(f"{RDFS}comment"), ox.Literal("[1]", datatype=iri(f"{RDF}JSON")))],
        "@null": [*base, ox.Triple(entity, iri(f"{RDFS}label"), ox.Literal("@null"))],
        "literal type": [*base, ox.Triple(entity, iri(f"{RDF}type"), ox.Literal("Model"))],
    }


@pytest.mark.parametrize("case", list(fallback_cases()))
def test_fallback_to_pyld(case: str):
    """What the direct framer does not reproduce goes to PyLD: records.framed is PyLD's document."""
    triples = fallback_cases()[case]
    entity = f"{BASE}model/f"
    with pytest.raises(Unsupported):
        frame_record(triples, entity, CONTEXT, CONTEXT_URL, records.FRAME_TERMS)
    document = records.framed(triples, entity, CONTEXT, CONTEXT_URL)
    assert text(document) == text(records.framed_with_pyld(triples, entity, CONTEXT, CONTEXT_URL))
    assert document["id"] == entity


def test_unsupported_context_falls_back(store):
    """A context with a feature the framer does not implement (an @index container): PyLD frames."""
    context = copy.deepcopy(CONTEXT)
    context["@context"]["label"] = {"@id": "rdfs:label", "@container": "@index"}
    entity = f"{BASE}model/alpaca-7b"
    triples = records.record_triples(store, entity)
    with pytest.raises(Unsupported):
        frame_record(triples, entity, context, CONTEXT_URL, records.FRAME_TERMS)
    assert text(records.framed(triples, entity, context, CONTEXT_URL)) == text(
        records.framed_with_pyld(triples, entity, context, CONTEXT_URL)
    )
    # and the bundled context again: the compiled context is not mixed up with the other
    assert_same(triples, entity)


def test_literal_reverse_property_is_left_to_pyld():
    """A literal mokg:aboutModel: PyLD's framing fails on it, and framed() fails the same way."""
    entity = iri("model/f")
    triples = [
        ox.Triple(entity, iri(f"{RDF}type"), iri(f"{MOKG}Model")),
        ox.Triple(iri("claim/x"), iri(f"{MOKG}aboutModel"), ox.Literal("model/f")),
    ]
    with pytest.raises(Unsupported):
        frame_record(triples, entity.value, CONTEXT, CONTEXT_URL, records.FRAME_TERMS)
    with pytest.raises(Exception) as pyld_error:
        records.framed_with_pyld(triples, entity.value, CONTEXT, CONTEXT_URL)
    with pytest.raises(type(pyld_error.value)):
        records.framed(triples, entity.value, CONTEXT, CONTEXT_URL)
