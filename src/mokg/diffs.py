"""What changed between two snapshots of the graph: two releases, or a release and the living graph.

A release is a sorted, canonical N-Quads file (:mod:`mokg.releases`, :mod:`mokg.snapshot`), and
so is the living graph's snapshot: the two are compared by one merge of their lines, in memory
that grows with the changes, not with the graph. What is compared:

- the **asserted facts and claims**: every triple of the data files (the named graphs under
  ``graph/data/``), a triple stated by two files being one triple; the file that states it is
  kept, to say on whose word (a curated record, an import's file of a source);
- the **derived headline** of each model: its MOF class, openness score and OSAID status (rule
  40, 50, 60), which a reader follows; the other derived facts follow from the asserted ones.

Changes are grouped **per entity**: a component (``model/x#weights``) and a source match belong
to their model; a claim to the model it is about (``mokg:aboutModel`` in either snapshot). The
diff is written as JSON, as an RDF Patch (https://afs.github.io/rdf-patch/: ``A``/``D`` rows of
quads in a transaction) or in words (:func:`sentences`), from which the change feeds are made.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import itertools
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from mokg.releases import Releases
from mokg.snapshot import write_snapshot
from mokg.store import Store
from mokg.vocab import DERIVATION_WORDS, MOKG, PREFIXES, curie

__all__ = [
    "HEADLINE",
    "LATEST",
    "Change",
    "Diff",
    "EntityChanges",
    "compare",
    "diff_versions",
    "gzip_lines",
    "labels_of",
    "rdf_patch",
    "release_lines",
    "sentences",
    "snapshot_lines",
    "to_json",
]

#: The name of the living graph where a release version is expected (``mokg diff 1.0 latest``).
LATEST = "latest"

#: Derived facts a reader follows, compared with the asserted ones.
HEADLINE = (MOKG.achievedMOFClass, MOKG.opennessScore, MOKG.osaidStatus)
_HEADLINE = tuple(f"<{p.value}>" for p in HEADLINE)
_HEADLINE_IRIS = frozenset(p.value for p in HEADLINE)
_RDF = PREFIXES["rdf"]
_LICENSE = f"{PREFIXES['dcterms']}license"


@dataclass(frozen=True)
class Change:
    """One triple added or removed, with the file (named graph) that states it."""

    added: bool
    triple: ox.Triple
    graph: ox.NamedNode


@dataclass
class EntityChanges:
    """The changes of one entity: its own triples, its components', the claims about it."""

    iri: str
    changes: list[Change] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """A fragment id for the entity on a diff page: its path under the base (``model-olmo-7b``)."""
        return "e-" + hashlib.sha1(self.iri.encode()).hexdigest()[:12]


@dataclass
class Diff:
    """What changed from ``old`` to ``new`` (release versions, or :data:`LATEST`), entity by entity."""

    old: str
    new: str
    old_created: datetime | None
    new_created: datetime | None
    entities: list[EntityChanges]

    @property
    def added(self) -> int:
        return sum(c.added for e in self.entities for c in e.changes)

    @property
    def removed(self) -> int:
        return sum(not c.added for e in self.entities for c in e.changes)


def release_lines(file: BinaryIO) -> Iterator[bytes]:
    """The sorted N-Quads lines of a release file (gzip, opened and verified: :meth:`Releases.open_file`), streamed."""
    with file, gzip.open(file, "rb") as lines:
        yield from lines


def snapshot_lines(store: Store, folder: Path | None = None) -> Iterator[bytes]:
    """The sorted N-Quads lines of a store's snapshot (:func:`mokg.snapshot.write_snapshot`), in a temporary file."""
    with tempfile.TemporaryDirectory(dir=folder) as work:
        path = Path(work) / "snapshot.nq"
        write_snapshot(store, path)
        with path.open("rb") as lines:
            yield from lines


def _compared(lines: Iterable[bytes], base_iri: str) -> Iterator[tuple[bytes, bytes]]:
    """(triple, graph) of the lines that are compared, each triple once (the first graph that states it)."""
    data, derived = f"<{base_iri}graph/data/".encode(), f"<{base_iri}graph/derived/".encode()
    headline = tuple(p.encode() for p in _HEADLINE)
    last = None
    for line in lines:
        triple, graph = line[:-3].rsplit(b" ", 1)  # "S P O G .\n": an IRI has no space
        if not (graph.startswith(data) or (graph.startswith(derived) and any(p in triple for p in headline))):
            continue
        if triple != last:
            last = triple
            yield triple, graph


def _merge(
    old: Iterable[tuple[bytes, bytes]], new: Iterable[tuple[bytes, bytes]]
) -> Iterator[tuple[bool, bytes, bytes]]:
    """(added, triple, graph) for each triple in one sequence only; both are sorted by triple."""
    tagged = heapq.merge(((t, 0, g) for t, g in old), ((t, 1, g) for t, g in new))
    for triple, copies in itertools.groupby(tagged, key=itemgetter(0)):
        (first, *both) = copies
        if not both:  # in one sequence only
            yield first[1] == 1, triple, first[2]


def compare(
    old_lines: Iterable[bytes],
    new_lines: Iterable[bytes],
    base_iri: str,
    *,
    names: tuple[str, str] = ("old", "new"),
    created: tuple[datetime | None, datetime | None] = (None, None),
    stores: Iterable[Store] = (),
) -> Diff:
    """The changes from one snapshot to the other, grouped per entity (claims under the model they are about).

    ``stores`` hold the two snapshots' graphs, to find the model a changed claim is about when
    the claim's ``mokg:aboutModel`` itself did not change.
    """
    changes: list[Change] = []
    for added, triple, graph in _merge(_compared(old_lines, base_iri), _compared(new_lines, base_iri)):
        (parsed,) = ox.parse(triple + b" .\n", format=ox.RdfFormat.N_TRIPLES)
        changes.append(Change(added, parsed, ox.NamedNode(graph[1:-1].decode())))
    about = _claims_about(changes, list(stores), base_iri)
    grouped: dict[str, EntityChanges] = {}
    for change in changes:
        for entity in about.get(change.triple.subject.value, [_entity(change.triple.subject)]):
            grouped.setdefault(entity, EntityChanges(entity)).changes.append(change)
    return Diff(names[0], names[1], created[0], created[1], [grouped[k] for k in sorted(grouped)])


def diff_versions(
    releases: Releases,
    store: Store,
    old: str,
    new: str,
    base_iri: str,
    latest: Callable[[], Iterable[bytes]] | None = None,
) -> tuple[Diff, dict[str, str]]:
    """The diff from release ``old`` to ``new`` (either may be :data:`LATEST`, the living graph of ``store``); labels.

    Release files are verified against their manifests as they are read (:meth:`Releases.open_file`);
    an unknown version is :class:`~mokg.releases.UnknownRelease`, a malformed one
    :class:`~mokg.releases.InvalidVersion`. The living graph's lines are ``latest()`` when given
    (the service reads its sorted N-Quads dump), else its snapshot is written now.
    """
    sides = []
    for version in (old, new):
        if version == LATEST:
            sides.append((latest() if latest else snapshot_lines(store), store, None))
        else:
            manifest, file = releases.open_file(version)
            sides.append((release_lines(file), releases.store(version), manifest.created))
    (old_lines, old_store, old_created), (new_lines, new_store, new_created) = sides
    diff = compare(
        old_lines,
        new_lines,
        base_iri,
        names=(old, new),
        created=(old_created, new_created),
        stores=(new_store, old_store),
    )
    return diff, labels_of(diff.entities, (new_store, old_store))


def gzip_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a gzip stream given in chunks (a dump the service sends): decompressed as they come."""
    inflate, tail = zlib.decompressobj(wbits=31), b""
    for chunk in chunks:
        lines = (tail + inflate.decompress(chunk)).split(b"\n")
        tail = lines.pop()
        yield from (line + b"\n" for line in lines)
    rest = tail + inflate.flush()
    yield from (line + b"\n" for line in rest.split(b"\n") if line)


def _entity(subject: ox.NamedNode | ox.BlankNode) -> str:
    """The entity a subject belongs to: its IRI without the fragment (a component belongs to its model)."""
    return subject.value.split("#", 1)[0] if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"


def _claims_about(changes: list[Change], stores: list[Store], base_iri: str) -> dict[str, list[str]]:
    """For each changed subject under ``{base}claim/``: the models it is about (claims) or matched (source matches)."""
    claims = {c.triple.subject.value for c in changes if c.triple.subject.value.startswith(f"{base_iri}claim/")}
    about: dict[str, set[str]] = defaultdict(set)
    for change in changes:
        if change.triple.predicate in (MOKG.aboutModel, MOKG.matchedRecord):
            about[change.triple.subject.value].add(change.triple.object.value)
    if claims:
        values = " ".join(str(ox.NamedNode(c)) for c in sorted(claims))
        query = f"SELECT ?c ?m WHERE {{ VALUES ?c {{ {values} }} ?c mokg:aboutModel|mokg:matchedRecord ?m }}"
        for store in stores:
            for row in store.query(query):
                about[row["c"].value].add(row["m"].value)
    return {claim: sorted(models) for claim, models in about.items()}


# --------------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------------


def to_json(diff: Diff, labels: dict[str, str] | None = None) -> dict[str, object]:
    """The diff as JSON: per entity, the triples added and removed (N-Triples terms) and the file of each."""
    labels = labels or {}

    def row(change: Change) -> dict[str, str]:
        t = change.triple
        return {
            "subject": str(t.subject),
            "predicate": str(t.predicate),
            "object": str(t.object),
            "graph": change.graph.value,
        }

    return {
        "from": diff.old,
        "to": diff.new,
        "fromCreated": diff.old_created.isoformat() if diff.old_created else None,
        "toCreated": diff.new_created.isoformat() if diff.new_created else None,
        "added": diff.added,
        "removed": diff.removed,
        "entities": [
            {
                "id": entity.iri,
                "label": labels.get(entity.iri),
                "changes": sentences(entity, labels),
                "added": [row(c) for c in entity.changes if c.added],
                "removed": [row(c) for c in entity.changes if not c.added],
            }
            for entity in diff.entities
        ],
    }


def rdf_patch(diff: Diff) -> str:
    """The diff as an RDF Patch: one transaction, ``D`` rows then ``A`` rows of quads (each in its file's graph).

    The header names the two snapshots (``H from``/``H to``), so that a patch applied to ``from``
    gives the compared part of ``to``.
    """
    rows = [f'H from "{diff.old}" .', f'H to "{diff.new}" .', "TX ."]
    for added in (False, True):
        for entity in diff.entities:
            for change in entity.changes:
                if change.added == added:
                    t = change.triple
                    rows.append(f"{'A' if added else 'D'} {t.subject} {t.predicate} {t.object} {change.graph} .")
    rows.append("TC .")
    return "\n".join(rows) + "\n"


def labels_of(entities: Sequence[EntityChanges], stores: Iterable[Store]) -> dict[str, str]:
    """Names of every IRI the changes mention (entities, subjects, objects, predicates): the newer snapshot's first."""
    iris = {e.iri for e in entities}
    for entity in entities:
        for change in entity.changes:
            for term in (change.triple.subject, change.triple.predicate, change.triple.object):
                if isinstance(term, ox.NamedNode):
                    iris.add(term.value)
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(iri)) for iri in sorted(iris))
    query = (
        f"SELECT ?x ?label WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label|skos:prefLabel ?label "
        "FILTER(LANG(?label) IN ('en', '')) }"
    )
    labels: dict[str, str] = {}
    stores = list(stores)
    for store in stores:
        for row in store.query(query):
            labels.setdefault(row["x"].value, row["label"].value)
    # A claim is named by what it grades and who says so: "the data card of Alpaca 7B, as the Index grades it".
    claims = " ".join(str(ox.NamedNode(iri)) for iri in sorted(iris) if "/claim/" in iri)
    if claims:
        query = (
            f"SELECT ?c ?type ?model ?source WHERE {{ VALUES ?c {{ {claims} }} ?c mokg:componentType/skos:prefLabel "
            "?type ; mokg:aboutModel/rdfs:label ?model ; prov:wasQuotedFrom/rdfs:label ?source }"
        )
        for store in stores:
            for row in store.query(query):
                named = f"the {row['type'].value[0].lower()}{row['type'].value[1:]} of {row['model'].value}"
                labels.setdefault(row["c"].value, f"{named}, as {row['source'].value} grades it")
    return labels


# --------------------------------------------------------------------------------------------
# In words
# --------------------------------------------------------------------------------------------


def _name(term: ox.Term, labels: dict[str, str]) -> str:
    if isinstance(term, ox.Literal):
        return term.value
    return labels[term.value] if term.value in labels else curie(term.value)


def sentences(entity: EntityChanges, labels: dict[str, str]) -> list[str]:
    """The entity's changes in words: one sentence per part added or removed whole, else per property changed.

    "The licence of the weights of Mistral 7B changed from Apache License 2.0 to MIT License";
    "The training code of X, as the Index grades it: Level 0 (was Level 3)"; "X is now recorded as
    fine-tuned from Y"; "Added: the data card of X, as the Tool grades it"; a record added or
    removed as a whole is one sentence.
    """
    name = labels.get(entity.iri, entity.iri)
    by_subject: dict[str, list[Change]] = defaultdict(list)
    for change in entity.changes:
        by_subject[change.triple.subject.value].append(change)
    own = _whole(by_subject.get(entity.iri, []))
    if own is not None and all(c.added == own for c in entity.changes):  # the record came or went, all of it
        return [f"{name} was {'added' if own else 'removed'}."]
    wholes = {subject: _whole(changes) for subject, changes in by_subject.items()}
    headline, said = [], []
    for subject, changes in sorted(by_subject.items()):
        whole = wholes[subject]
        if whole is not None:
            what = name if subject == entity.iri else labels.get(subject) or _kind(changes, labels)
            said.append(f"{what} was {'added' if whole else 'removed'}." if subject == entity.iri
                        else f"{'Added' if whole else 'Removed'}: {what}.")  # fmt: skip
            continue
        by_property: dict[str, tuple[list[ox.Term], list[ox.Term]]] = defaultdict(lambda: ([], []))
        for change in changes:
            t = change.triple
            if wholes.get(t.object.value) is not None:
                continue  # the link to a part added or removed whole: said with the part
            # A licence and a licence status are one thing said two ways: one sentence when one replaces the other.
            predicate = _LICENSE if t.predicate == MOKG.licenseStatus else t.predicate.value
            by_property[predicate][1 if change.added else 0].append(t.object)
        for predicate, (removed, added) in sorted(by_property.items()):
            sentence = _sentence(entity.iri, name, subject, predicate, removed, added, labels)
            (headline if predicate in _HEADLINE_IRIS else said).append(sentence)
    return headline + said  # the MOF class, score and OSAID status first: what a reader follows


def _whole(changes: list[Change]) -> bool | None:
    """True when a subject's triples were all added with its type (a new part), False when all removed; else None."""
    typed = any(c.triple.predicate.value == f"{_RDF}type" for c in changes)
    if typed and all(c.added for c in changes):
        return True
    if typed and not any(c.added for c in changes):
        return False
    return None


def _kind(changes: list[Change], labels: dict[str, str]) -> str:
    """What a part added or removed whole is, when it has no name: its type, and a source match's file and method."""
    values = {c.triple.predicate.value: c.triple.object for c in changes}
    kind = next((_name(c.triple.object, labels) for c in changes if c.triple.predicate.value == f"{_RDF}type"), "")
    if f"{MOKG}sourceFile" in values:
        source = _name(values.get(f"{PREFIXES['prov']}wasQuotedFrom", values[f"{MOKG}sourceFile"]), labels)
        method = _name(values.get(f"{MOKG}matchMethod", ox.Literal("")), labels)
        method = method[:1].lower() + method[1:]
        return f"how {source}'s {values[f'{MOKG}sourceFile'].value} was matched ({method})"
    return f"a {kind.lower()}" if kind else "a part of the record"


def _sentence(
    entity: str,
    name: str,
    subject: str,
    predicate: str,
    removed: list[ox.Term],
    added: list[ox.Term],
    labels: dict[str, str],
) -> str:
    local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    old = ", ".join(sorted(_name(t, labels).rstrip(".") for t in removed))  # the sentence ends it
    new = ", ".join(sorted(_name(t, labels).rstrip(".") for t in added))
    if subject == entity:
        what = f"of {name}"
    elif subject.startswith(f"{entity}#"):
        part = labels.get(subject, subject.split("#", 1)[1].replace("-", " "))
        what = f"of {part}"
    else:
        what = f"of {labels.get(subject, subject)} (about {name})"
    if local in ("license", "licenseStatus"):
        subject_words = f"the weights of {name}" if subject == entity else what.removeprefix("of ")
        if removed and added:
            return f"The licence of {subject_words} changed from {old} to {new}."
        return (
            f"The licence of {subject_words} is now {new}."
            if added
            else f"The licence {old} of {subject_words} was removed."
        )
    if local == "opennessLevel":
        graded = labels.get(subject, f"claim {subject}")
        if added:
            return f"{graded[0].upper()}{graded[1:]}: {new}" + (f" (was {old})." if removed else ".")
        return f"{graded[0].upper()}{graded[1:]}: no longer graded (was {old})."
    if local in DERIVATION_WORDS and subject == entity:
        relation = DERIVATION_WORDS[local]
        if added and not removed:
            return f"{name} is now recorded as {relation} {new}."
        if removed and not added:
            return f"{name} is no longer recorded as {relation} {old}."
        return f"{name} is now recorded as {relation} {new}, no longer {old}."
    label = labels.get(predicate, local)
    if removed and added:
        return f"The {label} {what} changed from {old} to {new}."
    if added:
        return f"The {label} {what} is now {new}."
    return f"The {label} {what}, {old}, was removed."
