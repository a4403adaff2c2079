"""One record's history across the releases: each fact and claim, when it appeared and disappeared.

A researcher who cited a model needs what was true on the day they cited it; someone who builds
on it needs to know when its terms changed. The releases (:mod:`mokg.releases`) freeze the graph;
a record's history reads, in each release and in the living graph, the facts of the record (its
triples and its components', from the data files, with the file that states each), the claims
about it and how sources were matched to it (the same grouping as :mod:`mokg.diffs`), and its
derived headline (MOF class, score, OSAID status). Successive versions are compared: each fact
gets the spans of versions it held in.

It is published as JSON, as a timeline (the changes of each step in words, :func:`mokg.diffs.sentences`)
and as PROV: each fact an ``rdf:Statement`` and a ``prov:Entity`` with ``prov:generatedAtTime`` /
``prov:invalidatedAtTime`` (the release dates), ``mokg:appearedIn`` / ``mokg:disappearedIn`` (the
releases), ``prov:wasQuotedFrom`` (the source whose claim or record it is) and
``mokg:statedIn`` (the data file: a curated record or an import's file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pyoxigraph as ox

from mokg.diffs import HEADLINE, LATEST, Change, EntityChanges, labels_of, sentences
from mokg.releases import ReleaseManifest, Releases, release_dataset_iri
from mokg.store import Store
from mokg.vocab import MOKG, PREFIXES

__all__ = [
    "HISTORY_KINDS",
    "TIMELINE_QUADS",
    "Fact",
    "History",
    "Version",
    "history",
    "history_triples",
    "labels",
    "record_facts",
    "shows_timeline",
    "timeline",
    "to_json",
    "versions",
]

_PROV, _RDF, _XSD = PREFIXES["prov"], PREFIXES["rdf"], PREFIXES["xsd"]

#: The kinds of record that have a history (``/{kind}/{slug}/history``): what changes from release to release.
HISTORY_KINDS = ("model", "dataset", "license")
#: Quads of all releases together up to which a record page shows its timeline: a history reads every
#: release in memory (each release's store, about 160 bytes a quad). Past it (a million models: 65 M
#: quads a release), a record page links its history instead of loading every release to show it.
TIMELINE_QUADS = 10_000_000


def versions(releases: Releases, manifests: Sequence[ReleaseManifest], store: Store, base_iri: str) -> list[Version]:
    """The versions a history spans: each release of ``manifests`` in its verified store, then the living ``store``."""
    found = [
        Version(m.version, m.created, releases.store(m.version), release_dataset_iri(base_iri, m.version))
        for m in manifests
    ]
    return [*found, Version(LATEST, None, store)]


def shows_timeline(manifests: Sequence[ReleaseManifest]) -> bool:
    """Whether a record page embeds its timeline: the releases, all read, stay within :data:`TIMELINE_QUADS`."""
    return sum(m.quads for m in manifests) <= TIMELINE_QUADS


@dataclass(frozen=True)
class Version:
    """One version of the graph: a release (with its IRI and date) or the living graph (``latest``)."""

    name: str
    created: datetime | None
    store: Store
    iri: str | None = None  # the release's dataset IRI


@dataclass
class Fact:
    """One triple of the record, the file that states it, its source, and the spans of versions it held in."""

    triple: ox.Triple
    graph: ox.NamedNode
    source: ox.NamedNode | None
    spans: list[tuple[int, int | None]] = field(default_factory=list)  # [first, end) version indexes


@dataclass
class History:
    """A record's facts across ``versions`` (oldest first), and each step's changes."""

    iri: str
    versions: list[Version]
    facts: list[Fact]
    steps: list[EntityChanges]  # steps[i]: what changed from versions[i - 1] (nothing before the first) to versions[i]


def record_facts(store: Store, iri: str, base_iri: str) -> dict[ox.Triple, tuple[ox.NamedNode, ox.NamedNode | None]]:
    """The record's facts in one version: triple → (the data file stating it, the source of its claim or record)."""
    entity = ox.NamedNode(iri)
    data = f"{base_iri}graph/data/"
    headline = " ".join(str(p) for p in HEADLINE)
    query = f"""
SELECT ?s ?p ?o ?g ?source WHERE {{
  {{
    GRAPH ?g {{ ?s ?p ?o }}
    {{ BIND({entity} AS ?s) }} UNION {{ {entity} mokg:hasComponent ?s }}
    UNION {{ ?s mokg:aboutModel|mokg:matchedRecord {entity} }}
    FILTER(STRSTARTS(STR(?g), "{data}"))
  }} UNION {{
    VALUES ?p {{ {headline} }} BIND({entity} AS ?s) GRAPH ?g {{ ?s ?p ?o }}
  }}
  OPTIONAL {{ ?s prov:wasQuotedFrom|dcterms:source ?claimSource }}
  OPTIONAL {{ {entity} dcterms:source ?recordSource }}
  BIND(COALESCE(?claimSource, ?recordSource) AS ?source)
}}"""
    facts: dict[ox.Triple, tuple[ox.NamedNode, ox.NamedNode | None]] = {}
    for row in store.query(query):
        triple = ox.Triple(row["s"], row["p"], row["o"])
        if triple not in facts or row["g"].value < facts[triple][0].value:  # the same file whichever row comes first
            facts[triple] = (row["g"], row["source"])
    return facts


def history(versions: Sequence[Version], iri: str, base_iri: str) -> History:
    """The record's history over ``versions`` (oldest first): spans per fact, changes per step."""
    facts: dict[ox.Triple, Fact] = {}
    steps: list[EntityChanges] = []
    before: set[ox.Triple] = set()
    for index, version in enumerate(versions):
        found = record_facts(version.store, iri, base_iri)
        step = EntityChanges(iri)
        for triple, (graph, source) in sorted(found.items(), key=lambda item: str(item[0])):
            fact = facts.setdefault(triple, Fact(triple, graph, source))
            if triple not in before:
                fact.spans.append((index, None))
                step.changes.append(Change(True, triple, graph))
        for triple in sorted(before - found.keys(), key=str):
            fact = facts[triple]
            fact.spans[-1] = (fact.spans[-1][0], index)
            step.changes.append(Change(False, triple, fact.graph))
        steps.append(step)
        before = set(found)
    ordered = sorted(facts.values(), key=lambda f: (f.spans[0][0], str(f.triple)))
    return History(iri, list(versions), ordered, steps)


def labels(found: History) -> dict[str, str]:
    """Names of everything the history mentions, the newest version's first (:func:`mokg.diffs.labels_of`)."""
    return labels_of(found.steps, [version.store for version in reversed(found.versions)])


def timeline(found: History) -> list[tuple[Version, list[str]]]:
    """Each version that changed the record, with its changes in words (oldest first); none without a release."""
    if len(found.versions) < 2:  # the living graph alone: nothing to tell from release to release
        return []
    named = labels(found)
    return [(v, sentences(step, named)) for v, step in zip(found.versions, found.steps, strict=True) if step.changes]


def to_json(found: History) -> dict[str, object]:
    """The history as JSON: the versions, and each fact with the spans it held in."""

    def name(index: int | None) -> str | None:
        return None if index is None else found.versions[index].name

    return {
        "id": found.iri,
        "versions": [
            {"version": v.name, "created": v.created.isoformat() if v.created else None} for v in found.versions
        ],
        "facts": [
            {
                "subject": str(f.triple.subject),
                "predicate": str(f.triple.predicate),
                "object": str(f.triple.object),
                "statedIn": f.graph.value,
                "source": f.source.value if f.source is not None else None,
                "spans": [{"from": name(start), "until": name(end)} for start, end in f.spans],
            }
            for f in found.facts
        ],
    }


def history_triples(found: History) -> list[ox.Triple]:
    """The history as PROV: one ``rdf:Statement`` per fact and span, with its times, releases, source and file."""
    triples = []
    record = ox.NamedNode(found.iri)
    for fact in found.facts:
        for start, end in fact.spans:
            digest = hashlib.sha1(f"{fact.triple} {start}".encode()).hexdigest()[:16]
            node = ox.NamedNode(f"{found.iri}/history#f-{digest}")
            t = fact.triple
            triples += [
                ox.Triple(node, ox.NamedNode(f"{_RDF}type"), ox.NamedNode(f"{_RDF}Statement")),
                ox.Triple(node, ox.NamedNode(f"{_RDF}type"), ox.NamedNode(f"{_PROV}Entity")),
                ox.Triple(node, ox.NamedNode(f"{_RDF}subject"), t.subject),
                ox.Triple(node, ox.NamedNode(f"{_RDF}predicate"), t.predicate),
                ox.Triple(node, ox.NamedNode(f"{_RDF}object"), t.object),
                ox.Triple(node, ox.NamedNode(f"{PREFIXES['dcterms']}subject"), record),
                ox.Triple(node, MOKG.statedIn, fact.graph),
            ]
            if fact.source is not None:
                triples.append(ox.Triple(node, ox.NamedNode(f"{_PROV}wasQuotedFrom"), fact.source))
            for index, time_property, version_property in ((start, "generatedAtTime", "appearedIn"),
                                                           (end, "invalidatedAtTime", "disappearedIn")):  # fmt: skip
                if index is None:
                    continue
                version = found.versions[index]
                if version.iri is not None:
                    triples.append(ox.Triple(node, MOKG[version_property], ox.NamedNode(version.iri)))
                if version.created is not None:
                    stamp = ox.Literal(version.created.isoformat(), datatype=ox.NamedNode(f"{_XSD}dateTime"))
                    triples.append(ox.Triple(node, ox.NamedNode(f"{_PROV}{time_property}"), stamp))
    return triples
