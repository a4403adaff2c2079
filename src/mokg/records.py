"""Linked-data records: one document per entity, from one focused query, in five formats.

A record is what a reader needs about one entity in one document: for a model, its facts,
its components, the claims about it with their validation results, its restrictions with the
path that carries each one, its MOF components and class, its OSAID status, and the labels
of everything it links to. :func:`record_triples` gets it with a single CONSTRUCT query (the
design brief: no copying of the graph into rdflib). :func:`render` writes it as Turtle,
N-Triples, RDF/XML or JSON-LD, the JSON-LD framed so that the top-level object is the entity
and compacted with mokg's published context (``ontology/context.jsonld``, served at
``/context.jsonld``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field
from pyld import jsonld

from mokg.config import bundled_root
from mokg.formats import HTML, JSON_LD, RDF_XML, RECORD_FORMATS, Format, canonical, serialize, split_suffix
from mokg.jsonld import Unsupported, frame_record
from mokg.store import EmbeddedStore, Store
from mokg.vocab import MOKG, PREFIXES

__all__ = [
    "DATA_LICENSE",
    "FRAME_TERMS",
    "KINDS",
    "Kind",
    "RecordModel",
    "RecordRequest",
    "framed",
    "framed_with_pyld",
    "link_header",
    "load_context",
    "not_found_body",
    "parse_record_name",
    "record_query",
    "record_triples",
    "render",
    "resolve",
    "schema_org",
]


@dataclass(frozen=True)
class Kind:
    """A kind of record: its URL path segment and mokg class."""

    path: str
    cls: str


#: The record kinds, by the path segment of their URIs (``{base}model/{slug}`` …).
KINDS: dict[str, Kind] = {
    "model": Kind("model", f"{MOKG}Model"),
    "dataset": Kind("dataset", f"{MOKG}Dataset"),
    "license": Kind("license", f"{MOKG}License"),
    "org": Kind("org", f"{MOKG}Organization"),
    "family": Kind("family", f"{MOKG}ModelFamily"),
    "source": Kind("source", f"{MOKG}Source"),
}

#: The licence of every record document: mokg's data are CC-BY-4.0.
DATA_LICENSE = "http://spdx.org/licenses/CC-BY-4.0"


@dataclass(frozen=True)
class RecordRequest:
    """What a record URL asks for: the slug, and the format when a suffix fixes it."""

    slug: str
    media: Format | None


def parse_record_name(name: str) -> RecordRequest:
    """Split ``alpaca-7b.ttl`` into the slug and the format its suffix names (none without suffix)."""
    return RecordRequest(*split_suffix(name, RECORD_FORMATS))


def link_header(path: str, media: Format, iri: str, describedby: str) -> str:
    """The Link header of a record: its other formats, the IRI to cite, its licence, its shapes (RFC 8288, 8574)."""
    links = [
        f'<{path}{other.suffix}>; rel="alternate"; type="{other.media_type}"'
        for other in RECORD_FORMATS
        if other != media
    ]
    links += [f'<{iri}>; rel="cite-as"', f'<{DATA_LICENSE}>; rel="license"', f'<{describedby}>; rel="describedby"']
    return ", ".join(links)


def not_found_body(media: Format, message: str) -> bytes:
    """A 404 answer in the asked format: still a valid (empty) document of that format."""
    if media == HTML:
        return f"<!doctype html><title>Not found</title><h1>Not found</h1><p>{_escape(message)}</p>".encode()
    if media == JSON_LD:
        return json.dumps({"detail": message}).encode()
    if media == RDF_XML:
        return (
            f'<?xml version="1.0" encoding="utf-8"?>\n<!-- {_escape(message)} -->\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
        ).encode()
    return f"# {message}\n".encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("--", "- -")


def resolve(store: Store, kind: str, slug: str, base_iri: str) -> str | None:
    """The IRI of the entity a record URL names, or ``None``.

    Licences are found by ``mokg:licenseId``: ``/license/Apache-2.0`` is the SPDX licence
    ``http://spdx.org/licenses/Apache-2.0``, ``/license/llama-2-community`` a mokg one.
    """
    spec = KINDS[kind]
    literal = str(ox.Literal(slug))
    if kind == "license":
        query = f"SELECT ?e WHERE {{ ?e a <{spec.cls}> ; mokg:licenseId {literal} }} LIMIT 1"
    else:
        try:
            iri = ox.NamedNode(f"{base_iri}{spec.path}/{slug}")
        except ValueError:  # a slug that cannot be part of an IRI names nothing
            return None
        query = f"SELECT ?e WHERE {{ BIND({iri} AS ?e) ?e a <{spec.cls}> }} LIMIT 1"
    rows = list(store.query(query))
    return rows[0]["e"].value if rows else None


#: Everything a record holds, reached from the entity ($entity) in one query.
_RECORD_QUERY = """
CONSTRUCT { ?s ?p ?o . ?o ?lp ?lo . }
WHERE {
  {
    { BIND($entity AS ?s) }
    UNION { $entity mokg:hasComponent ?s }
    UNION { ?s mokg:aboutModel $entity }
    UNION { $entity (mokg:hasComponent|^mokg:aboutModel)?/mokg:validationResult ?s }
    UNION { $entity mokg:inheritsRestriction/mokg:nextStep* ?s }
    UNION { $entity mokg:componentAssessment ?s }
    UNION { ?s mokg:disagreementAbout $entity }
    UNION { ?s mokg:matchedRecord $entity }
    UNION { $entity mokg:classDifference|mokg:unrecordedComponent ?s }
  }
  ?s ?p ?o .
  OPTIONAL {
    # Labels of what the record links to (not of its classes: a JSON-LD type has no properties).
    ?o ?lp ?lo .
    FILTER(isIRI(?o) && ?p != rdf:type && ?lp IN (rdfs:label, skos:prefLabel, rdf:type, skos:notation))
  }
}
"""


def record_query(iri: str) -> str:
    """:data:`_RECORD_QUERY` for the entity ``iri``: the definition of its record."""
    return _RECORD_QUERY.replace("$entity", str(ox.NamedNode(iri)))


def record_triples(store: Store, iri: str) -> list[ox.Triple]:
    """The record of one entity: what :func:`record_query` constructs, each triple once.

    A remote store answers the query. The embedded store is walked link by link instead
    (:func:`_walk`), the labels of what records link to kept between records: a record
    never asked before costs a millisecond there, where the query costs two and a half on
    disk at 100,000 models, most of the service's time for such a record. The query stays
    the definition: the tests hold the walk to it, entity by entity.
    """
    if isinstance(store, EmbeddedStore):
        return _walk(store, ox.NamedNode(iri))
    return list(set(store.query(record_query(iri))))


_RDF_TYPE = ox.NamedNode(f"{PREFIXES['rdf']}type")
#: The properties of :data:`_RECORD_QUERY`'s labels of what a record links to.
_LABELS = tuple(
    ox.NamedNode(f"{PREFIXES[prefix]}{name}")
    for prefix, name in (("rdfs", "label"), ("skos", "prefLabel"), ("rdf", "type"), ("skos", "notation"))
)
#: The most linked IRIs whose labels a store keeps for records (then forgotten all at once).
_LABELS_KEPT = 50_000


def _subject(term: ox.Term) -> bool:
    """Whether ``term`` can be a subject: a literal or an RDF 1.2 triple term reached by a link has no triples."""
    return isinstance(term, ox.NamedNode | ox.BlankNode)


def _walk(store: EmbeddedStore, entity: ox.NamedNode) -> list[ox.Triple]:
    """:data:`_RECORD_QUERY`'s triples, found by index lookups: its UNION's nodes, their triples, then labels."""

    def objects(node: ox.Term, predicate: ox.NamedNode) -> list[ox.Term]:
        return [t.object for t in store.triples(node, predicate)] if _subject(node) else []

    def subjects(predicate: ox.NamedNode, node: ox.Term) -> list[ox.Term]:
        return [t.subject for t in store.triples(None, predicate, node)]

    components, claims = objects(entity, MOKG.hasComponent), subjects(MOKG.aboutModel, entity)
    nodes = {entity, *components, *claims}
    for node in (entity, *components, *claims):  # (hasComponent|^aboutModel)?/validationResult
        nodes.update(objects(node, MOKG.validationResult))
    steps, walked = objects(entity, MOKG.inheritsRestriction), set()  # inheritsRestriction/nextStep*
    while steps:
        step = steps.pop()
        if step not in walked:
            walked.add(step)
            steps += objects(step, MOKG.nextStep)
    nodes |= walked
    nodes.update(objects(entity, MOKG.componentAssessment), subjects(MOKG.disagreementAbout, entity))
    nodes.update(subjects(MOKG.matchedRecord, entity), objects(entity, MOKG.classDifference))
    nodes.update(objects(entity, MOKG.unrecordedComponent))
    found: set[ox.Triple] = set()
    linked: set[ox.NamedNode] = set()
    for node in nodes:
        if _subject(node):
            for triple in store.triples(node):
                found.add(triple)
                if isinstance(triple.object, ox.NamedNode) and triple.predicate != _RDF_TYPE:
                    linked.add(triple.object)
    labels = store.memo("record labels")
    if len(labels) > _LABELS_KEPT:
        labels.clear()
    for node in linked:
        kept = labels.get(node)
        if kept is None:
            kept = labels[node] = [t for predicate in _LABELS for t in store.triples(node, predicate)]
        found.update(kept)
    return list(found)


def load_context(root: Path) -> dict[str, object]:
    """The JSON-LD context of mokg (``ontology/context.jsonld``), the document served at ``/context.jsonld``.

    A root without one (a test graph, a custom data set) uses the context shipped with mokg.
    """
    path = root / "ontology" / "context.jsonld"
    if not path.is_file():
        path = bundled_root() / "ontology" / "context.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))


#: The context's terms the record frame embeds with ``@embed: @always`` (and ``@omitDefault``).
FRAME_TERMS = ("components", "claims", "disagreements", "sourceMatches")


def framed(triples: Sequence[ox.Triple], iri: str, context: dict[str, object], context_url: str) -> dict:
    """The record as JSON-LD, framed on the entity.

    Claims nest under their model by reverse property; the document is compacted with the
    context, which is then referred to by its published URL. The document is the one PyLD's
    framing gives (:func:`framed_with_pyld`), built directly from the triples by
    :func:`mokg.jsonld.frame_record` (30 times faster); a record holding something that
    builder does not reproduce (a blank node, an RDF list… see :mod:`mokg.jsonld`) is framed
    by PyLD.
    """
    try:
        return frame_record(triples, iri, context, context_url, FRAME_TERMS)
    except Unsupported:
        return framed_with_pyld(triples, iri, context, context_url)


def framed_with_pyld(triples: Sequence[ox.Triple], iri: str, context: dict[str, object], context_url: str) -> dict:
    """The record as JSON-LD, framed by PyLD: the reference :func:`framed` reproduces.

    The triples are put in canonical order first, so the same record always frames the same way.
    """
    # PyLD's own dataset form, built directly: its N-Quads parser compares every new triple with
    # all earlier ones (quadratic; most of the site build's time), and the triples are distinct already.
    dataset = {"@default": [{"subject": _pyld_term(t.subject), "predicate": _pyld_term(t.predicate),
                             "object": _pyld_term(t.object)} for t in canonical(triples)]}  # fmt: skip
    expanded = jsonld.from_rdf(dataset, {})
    frame = {
        "@context": copy.deepcopy(context["@context"]),
        "@id": iri,
        **{term: {"@embed": "@always", "@omitDefault": True} for term in FRAME_TERMS},
    }
    document = jsonld.frame(expanded, frame, {"omitGraph": True})
    document["@context"] = context_url
    return document


def _pyld_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    """An RDF term as PyLD's RDF dataset form writes it."""
    if isinstance(term, ox.NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "blank node", "value": f"_:{term.value}"}
    literal = {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    if term.language:
        literal["language"] = term.language
    return literal


def render(
    triples: Sequence[ox.Triple], media: Format, iri: str, context: dict[str, object], context_url: str
) -> bytes:
    """The record in an RDF format, the same bytes for the same triples (HTML is rendered from templates)."""
    if media == JSON_LD:
        return json.dumps(framed(triples, iri, context, context_url), ensure_ascii=False, indent=2).encode()
    return serialize(triples, media)


def schema_org(record: dict, kind: str) -> dict[str, object]:
    """schema.org JSON-LD for the HTML page, so that search engines index the record.

    A model is a ``SoftwareApplication`` (and a dataset a ``Dataset``) with ``isBasedOn`` its
    base models, ``license`` and ``creator``.
    """

    def ids(value: object) -> list[str]:
        values = value if isinstance(value, list) else [value] if value else []
        return [v["id"] if isinstance(v, dict) else v for v in values]

    def text(value: object) -> str | None:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("@value")
        return value if isinstance(value, str) else None

    bases = [
        *ids(record.get("finetunedFrom")),
        *ids(record.get("quantizedFrom")),
        *ids(record.get("adapterOf")),
        *ids(record.get("mergedFrom")),
        *ids(record.get("distilledFrom")),
        *ids(record.get("continuedPretrainingFrom")),
    ]
    description = {
        "@context": "https://schema.org",
        "@type": {"model": "SoftwareApplication", "dataset": "Dataset"}.get(kind, "Thing"),
        "@id": record.get("id"),
        "url": record.get("id"),
        "name": text(record.get("label")),
        "description": text(record.get("description")),
        "license": ids(record.get("license")) or None,
        "creator": [{"@type": "Organization", "@id": org} for org in ids(record.get("creator"))] or None,
        "isBasedOn": bases or None,
    }
    if kind == "model":
        description["applicationCategory"] = "AI model"
    return {key: value for key, value in description.items() if value is not None}


class RecordModel(BaseModel):
    """A record as JSON-LD (``application/ld+json``): the entity as the top-level object.

    Keys are the terms of mokg's context (``/context.jsonld``); linked entities appear as
    objects with ``id``, ``type`` and ``label`` the first time, as IRIs after that.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    context: str = Field(alias="@context", description="URL of mokg's JSON-LD context.")
    id: str = Field(description="The entity's persistent IRI.")
    type: str | list[str] = Field(description="mokg class(es): Model, Dataset, License, Organization…")
    label: str | list[str] | dict | None = Field(None, description="Name of the entity.")
    components: list[dict | str] | None = Field(None, description="A model's components, with licence and status.")
    claims: list[dict] | None = Field(None, description="Openness claims about a model, with validation results.")
