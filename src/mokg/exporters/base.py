"""What every exporter shares: a model's recorded facts, read from the store, and licences as text.

An exporter writes a model back in a source's own format, so that a correction made in mokg can
go upstream as a pull request. It reads the model as the graph records it: :func:`read_models`
gathers, in four queries for any number of models, the model's own facts, its components
(``mokg:Artifact``), the claims the sources made about it, and the licences, organizations and
base models these name. The exporters then only arrange those facts in the source's format.

:func:`licence_text` is the one place where a licence, or the absence of one, becomes the
string a source writes. How mokg records "no licence to name" has changed (marker licence
records such as ``license/undisclosed``, then ``mokg:licenseStatus`` ``mokg:NoAssertion`` /
``mokg:NoLicense`` with the source's words in ``mokg:licenseStatement``): only this function,
:class:`Licensing` and their tables :data:`ABSENCES` and :data:`ABSENCE_WORDS` know either way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import yaml

from mokg.citation import UnknownRecord
from mokg.records import resolve
from mokg.store import Store
from mokg.vocab import PREFIXES, curie

__all__ = [
    "ABSENCES",
    "ABSENCE_WORDS",
    "NO_ASSERTION",
    "NO_LICENSE",
    "Claim",
    "Component",
    "Export",
    "Licensing",
    "ModelFacts",
    "Organization",
    "broader_types",
    "file_name",
    "licence_text",
    "model_iri",
    "read_model",
    "read_models",
    "to_yaml",
]

SPDX = PREFIXES["spdx"]

# --- licences as text ------------------------------------------------------------------------------------------

#: Kinds of "no licence to name", with SPDX's semantics: published without a licence (NONE); no
#: licence known, because the creators published no terms, the source stated none or its words name
#: none, or mokg recorded nothing (NOASSERTION).
NO_LICENSE, NO_ASSERTION = "NoLicense", "NoAssertion"

#: What stands for each kind: the statuses (``mokg:licenseStatus``, local names) and the marker
#: licence records of older data (by ``mokg:licenseId``).
ABSENCES: dict[str, str] = {
    "NoLicense": NO_LICENSE,
    "NoAssertion": NO_ASSERTION,
    "no-licence-stated": NO_LICENSE,
    "undisclosed": NO_ASSERTION,
    "not-recorded": NO_ASSERTION,
}

#: How each format writes an absence when the source's own words for it are not recorded
#: (``mokg:licenseStatement``). The Tool: "unlicensed" is its word for a component included
#: without a licence, "Undisclosed" the one its files use for terms not published (neither is
#: open, RULES.md). The Index: "No licence stated" reads back as no licence, a blank licence as
#: "the Index states nothing".
ABSENCE_WORDS: dict[str, dict[str, str]] = {
    "mot": {NO_LICENSE: "unlicensed", NO_ASSERTION: "Undisclosed"},
    "osai": {NO_LICENSE: "No licence stated", NO_ASSERTION: ""},
}


@dataclass(frozen=True)
class Licensing:
    """What the graph records of an entity's licensing: a licence (its IRI, id and label), or a status.

    Neither is a licence mokg has not recorded: no assertion.
    """

    licence: str | None = None
    licence_id: str | None = None
    label: str | None = None
    status: str | None = None  # local name of the mokg:licenseStatus value
    statement: str | None = None  # the source's words when they name no licence (mokg:licenseStatement)

    @property
    def absence(self) -> str | None:
        """The kind of absence (:data:`NO_LICENSE` or :data:`NO_ASSERTION`), or None: a licence is named."""
        if self.licence is None:
            return ABSENCES.get(self.status or "", NO_ASSERTION)
        return ABSENCES.get(self.licence_id or "")


def licence_text(licensing: Licensing, fmt: str) -> str:
    """The string format ``fmt`` (``mot``, ``osai``) writes for ``licensing``.

    A licence is written as its SPDX id when it has an SPDX IRI, else as its label (the name
    sources use, which the importers read back to the same record). An absence is written in
    the source's own words when mokg kept them, else in the format's word for it
    (:data:`ABSENCE_WORDS`).
    """
    absence, licence = licensing.absence, licensing.licence
    if absence is not None or licence is None:
        return licensing.statement or ABSENCE_WORDS[fmt][absence or NO_ASSERTION]
    if licence.startswith(SPDX):
        return licence.removeprefix(SPDX)
    return licensing.label or licensing.licence_id or licence.rstrip("/").rsplit("/", 1)[-1]


# --- a model's facts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organization:
    """An organization a model names: its label, homepage and description."""

    iri: str
    label: str
    homepage: str | None = None
    description: str | None = None
    names: tuple[str, ...] = ()  # label and skos:altLabel spellings


@dataclass(frozen=True)
class Component:
    """One of the model's artifacts: its component type, availability, licensing and location."""

    iri: str
    types: tuple[str, ...]  # local names of mokg:componentType values
    availability: str | None  # local name of mokg:availability
    licensing: Licensing
    location: str | None


@dataclass(frozen=True)
class Claim:
    """A claim a source made about the model (or, for the Index, an entry's claim about its base)."""

    iri: str
    about: str | None
    about_label: str | None
    component_type: str | None  # local name
    level: str | None  # local name of mokg:opennessLevel
    claimed: Licensing | None  # mokg:claimedLicense, with the licence's id and label
    row: str | None  # mokg:sourceRow
    grade: str | None  # mokg:sourceGrade
    motivation: str | None
    mof_class: int | None  # mokg:claimedMOFClass
    score: str | None  # mokg:sourceScore
    label: str | None
    description: str | None
    entry: str | None = None  # mokg:sourceEntry of a mokg:SourceMatch: the source's name for the model
    file: str | None = None  # mokg:sourceFile of a mokg:SourceMatch: the source's file
    record: str | None = None  # mokg:matchedRecord of a mokg:SourceMatch: the model the entry landed on
    method: str | None = None  # mokg:matchMethod of a mokg:SourceMatch (local name): how it landed there


@dataclass(frozen=True)
class ModelFacts:
    """What the graph records of one model, as the exporters need it."""

    iri: str
    slug: str
    label: str
    description: str | None
    creator: Organization | None
    issued: str | None  # the lexical form: 2024-06-13, 2024-06 or 2024
    architecture: str | None
    hugging_face: str | None  # the https://huggingface.co/… page skos:exactMatch names
    homepage: str | None
    licensing: Licensing
    bases: tuple[tuple[str, str], ...]  # (IRI, label) of the models it was fine-tuned from
    components: tuple[Component, ...]
    claims: Mapping[str, tuple[Claim, ...]] = field(default_factory=dict)  # by source slug

    def matched(self, source: str, *, base: bool = False) -> Claim | None:
        """How the source's entry was matched to this model (``mokg:SourceMatch``), if the import kept it.

        With ``base``, how the entry's base model was matched (the Index names one per entry).
        """
        return next(
            (
                claim
                for claim in self.claims.get(source, ())
                if claim.entry is not None and (claim.record != self.iri if base else claim.record == self.iri)
            ),
            None,
        )


def model_iri(store: Store, slug: str, base_iri: str) -> str:
    """The IRI of ``model/{slug}``; :class:`~mokg.citation.UnknownRecord` (exit 2, HTTP 404) when there is none."""
    iri = resolve(store, "model", slug, base_iri)
    if iri is None:
        raise UnknownRecord(f"no model {slug!r} in mokg")
    return iri


_Properties = dict[str, dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]]


def _properties(store: Store, where: str) -> _Properties:
    """Every ``?s ?p ?o`` that ``where`` binds, as subject → predicate (prefixed) → objects, sorted."""
    found: _Properties = defaultdict(lambda: defaultdict(list))
    for row in store.query(f"SELECT ?s ?p ?o WHERE {{ {where} }}"):
        found[row["s"].value][curie(row["p"].value)].append(row["o"])
    for values in found.values():
        for objects in values.values():
            objects.sort(key=lambda term: (not (isinstance(term, ox.Literal) and term.language == "en"), str(term)))
    return found


def _first(values: Mapping[str, list], key: str) -> str | None:
    """The first value of ``key`` (English first, then in order), as text."""
    objects = values.get(key) or []
    return objects[0].value if objects else None


def _values(subjects: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(s)) for s in sorted(set(subjects)))


def _local(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1] if iri is not None else None


def _licensing(values: Mapping[str, list], licences: _Properties, key: str = "dcterms:license") -> Licensing:
    """An entity's licensing: its licence with the licence's id and label, else its status.

    A source's field holds one licence: of several (dual licensing), the first by IRI.
    """
    iri = _first(values, key)
    if iri is not None:
        licence = licences.get(iri, {})
        return Licensing(iri, _first(licence, "mokg:licenseId"), _first(licence, "rdfs:label"))
    return Licensing(
        status=_local(_first(values, "mokg:licenseStatus")), statement=_first(values, "mokg:licenseStatement")
    )


def read_models(store: Store, iris: Sequence[str], base_iri: str, sources: Sequence[str] = ()) -> list[ModelFacts]:
    """The facts of the models ``iris`` (in that order), with the claims of the ``sources`` (slugs) filed under them.

    Four queries, whatever the number of models: their own triples; their components'; the
    claims each source filed under the model (``claim/{source}/{slug}/…``, quoted from that
    source: the claims of the model's file, the Index's claim about the entry's base model
    included); and what those name (licences, organizations, base models).
    """
    if not iris:
        return []
    models = _properties(store, f"VALUES ?s {{ {_values(iris)} }} ?s ?p ?o")
    parts = {
        t.value
        for values in models.values()
        for t in values.get("mokg:hasComponent", [])
        if isinstance(t, ox.NamedNode)
    }
    components = _properties(store, f"VALUES ?s {{ {_values(parts)} }} ?s ?p ?o") if parts else {}
    claims: _Properties = {}
    if sources:
        quoted = " ".join(str(ox.NamedNode(f"{base_iri}source/{source}")) for source in sources)
        claims = _properties(
            store,
            f"""VALUES ?src {{ {quoted} }} ?s prov:wasQuotedFrom ?src .
                BIND(STRAFTER(STRAFTER(STR(?s), {ox.Literal(f"{base_iri}claim/")}), "/") AS ?filed)
                BIND(IRI(CONCAT({ox.Literal(f"{base_iri}model/")}, STRBEFORE(?filed, "/"))) AS ?m)
                VALUES ?m {{ {_values(iris)} }} ?s ?p ?o""",
        )
    named = {
        term.value
        for table, keys in (
            (models, ("dcterms:license", "dcterms:creator", "mokg:finetunedFrom")),
            (components, ("dcterms:license",)),
            (claims, ("mokg:claimedLicense", "mokg:aboutModel")),
        )
        for values in table.values()
        for key in keys
        for term in values.get(key, [])
        if isinstance(term, ox.NamedNode)
    }
    others: _Properties = {}
    if named:
        others = _properties(
            store,
            f"VALUES ?s {{ {_values(named)} }} "
            "VALUES ?p { rdfs:label skos:altLabel mokg:licenseId foaf:homepage dcterms:description } ?s ?p ?o",
        )
    return [_model(iri, models.get(iri, {}), components, claims, others, base_iri, sources) for iri in iris]


def _model(
    iri: str,
    values: Mapping[str, list],
    components: _Properties,
    claims: _Properties,
    others: _Properties,
    base_iri: str,
    sources: Sequence[str],
) -> ModelFacts:
    slug = iri.rsplit("/", 1)[-1]
    creator = None
    if (creator_iri := _first(values, "dcterms:creator")) is not None:
        org = others.get(creator_iri, {})
        creator = Organization(
            creator_iri,
            _first(org, "rdfs:label") or creator_iri.rsplit("/", 1)[-1],
            _first(org, "foaf:homepage"),
            _first(org, "dcterms:description"),
            tuple(t.value for key in ("rdfs:label", "skos:altLabel") for t in org.get(key, [])),
        )
    matches = [t.value for t in values.get("skos:exactMatch", []) if "huggingface.co/" in t.value]
    bases = tuple(
        (t.value, _first(others.get(t.value, {}), "rdfs:label") or t.value.rsplit("/", 1)[-1])
        for t in values.get("mokg:finetunedFrom", [])
    )
    parts = tuple(
        Component(
            part,
            tuple(sorted(_local(t.value) or "" for t in components.get(part, {}).get("mokg:componentType", []))),
            _local(_first(components.get(part, {}), "mokg:availability")),
            _licensing(components.get(part, {}), others),
            _first(components.get(part, {}), "mokg:location"),
        )
        for part in sorted(t.value for t in values.get("mokg:hasComponent", []))
    )
    filed = {
        source: tuple(
            _claim(claim, claims[claim], others)
            for claim in sorted(claims)
            if claim.startswith(f"{base_iri}claim/{source}/{slug}/")
        )
        for source in sources
    }
    return ModelFacts(
        iri=iri,
        slug=slug,
        label=_first(values, "rdfs:label") or slug,
        description=_first(values, "dcterms:description"),
        creator=creator,
        issued=_first(values, "dcterms:issued"),
        architecture=_first(values, "mokg:architecture"),
        hugging_face=matches[0] if matches else None,
        homepage=_first(values, "foaf:homepage"),
        licensing=_licensing(values, others),
        bases=bases,
        components=parts,
        claims=filed,
    )


def _claim(iri: str, values: Mapping[str, list], others: _Properties) -> Claim:
    claimed = _licensing(values, others, "mokg:claimedLicense") if values.get("mokg:claimedLicense") else None
    mof_class = _first(values, "mokg:claimedMOFClass")
    about = _first(values, "mokg:aboutModel")
    return Claim(
        iri=iri,
        about=about,
        about_label=_first(others.get(about, {}), "rdfs:label") if about else None,
        component_type=_local(_first(values, "mokg:componentType")),
        level=_local(_first(values, "mokg:opennessLevel")),
        claimed=claimed,
        row=_first(values, "mokg:sourceRow"),
        grade=_first(values, "mokg:sourceGrade"),
        motivation=_first(values, "mokg:motivation"),
        mof_class=int(mof_class) if mof_class is not None else None,
        score=_first(values, "mokg:sourceScore"),
        label=_first(values, "rdfs:label"),
        description=_first(values, "dcterms:description"),
        entry=_first(values, "mokg:sourceEntry"),
        file=_first(values, "mokg:sourceFile"),
        record=_first(values, "mokg:matchedRecord"),
        method=_local(_first(values, "mokg:matchMethod")),
    )


def read_model(store: Store, slug: str, base_iri: str, sources: Sequence[str] = ()) -> ModelFacts:
    """The facts of ``model/{slug}``; :class:`~mokg.citation.UnknownRecord` when there is no such model."""
    return read_models(store, [model_iri(store, slug, base_iri)], base_iri, sources)[0]


def broader_types(store: Store) -> dict[str, str]:
    """Each component type (local name) with the broader one the ontology gives it.

    ``PreTrainingData`` → ``Datasets``: a source that knows only the broader type gets that.
    """
    return {
        _local(row["t"].value) or "": _local(row["b"].value) or ""
        for row in store.query("SELECT ?t ?b WHERE { ?t skos:inScheme mokg:ComponentTypeScheme ; skos:broader ?b }")
    }


# --- writing ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A model in a source's format: the document, and the name of the file the source keeps it in."""

    document: dict[str, Any]
    file_name: str


def file_name(facts: ModelFacts, source: str, name: str, suffix: str) -> str:
    """The source's file for the model: the one its import read (``mokg:sourceFile``), else ``{name}{suffix}``.

    A pull request then changes the source's own file; a model the source does not list gets the
    name the source would give it (its entry's name, with no path separator).
    """
    matched = facts.matched(source)
    if matched is not None and matched.file:
        return matched.file
    return f"{name.replace('/', '-').strip() or facts.slug}{suffix}"


class _Dumper(yaml.SafeDumper):
    """YAML as the sources write it: block style, keys in order, lists indented under their key, nothing as blank."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.add_representer(type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", ""))


def to_yaml(document: Mapping[str, object]) -> str:
    """A document as YAML: keys in order, Unicode kept, strings that would read as something else quoted."""
    return yaml.dump(
        dict(document), Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000
    )
