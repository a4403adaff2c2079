"""Exporter to the Model Openness Tool: a model file the Tool reads, and the Tool's API answers.

:func:`release` writes a model as the ``release`` of a Tool model file (the Tool's
``mof_schema.json``) from what the graph records: the model's date, creator, architecture,
Hugging Face page and homepage, and one component per kind of ``mokg:Artifact`` it has, with the
licence that artifact carries. It is the importer (:mod:`mokg.importers.mot`) read backwards:
its table of components (``COMPONENT_TYPES``, and the ontology's broader types: pre-training
data is the Tool's Datasets), its description of a model it created (the Tool's type, version
and producer), its words for where a licence came from (``ORIGIN_WORD``), its rule that the
weights and the model card live on the model's Hugging Face page. What the schema refuses is left
out (a date that is a month or a year: the Tool checks formats); an architecture it does not name
is "other".

The Tool's name and file
    The Tool keys its models by name: the export keeps the name (and the file) under which the
    import found the model (``mokg:SourceMatch``), else writes the model's label.

Where the graph and the Tool agree, the Tool's own words stay
    The Tool's claims (``claim/model-openness-tool/{slug}/…``) quote the licence string the Tool
    applied, where it came from (set on the component, or one of the release's global licences)
    and the component's paths. For a component whose artifact records what the claim says (the
    same licence, or the same absence), the export writes what the Tool wrote ("Apache 2.0",
    through the release's distribution licence). A pull request then shows only what mokg
    corrects, and the file grades as the Tool's does. Where they differ, the artifact's licence
    is written on the component (:func:`mokg.exporters.base.licence_text`: its SPDX id, else its
    label, else the words of its licence status).

Where the graph says nothing, the Tool's claims fill in
    A component the model has no artifact of, but that the Tool's claims grade, is exported as
    the claim says (a model first recorded by the Index has only its weights). An artifact that
    is not publicly available (``mokg:NotPubliclyAvailable``) is a component the release does not
    include and is left out, unless the Tool's claim lists it with the words the artifact keeps
    ("Component not included"). So the graph's facts win: a record that says the weights are not
    public (the Index's grade of a base model) drops the Tool's weights until a curator corrects it.

:func:`classification` grades a release with the Tool's published rules
(:func:`mokg.importers.mot.evaluate`); :func:`api_model` and :func:`api_models` answer as the Tool's
REST API (``/api/v1/model/{id}``, ``/api/v1/models``), the model's slug as its id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from mokg.exporters.base import (
    NO_LICENSE,
    Claim,
    Component,
    Export,
    Licensing,
    ModelFacts,
    Organization,
    broader_types,
    file_name,
    licence_text,
    read_model,
    read_models,
)
from mokg.importers import mot
from mokg.importers.base import normalize, slugify
from mokg.store import Store

__all__ = [
    "ARCHITECTURES",
    "CLASS_LABELS",
    "FRAMEWORK",
    "TYPES",
    "api_model",
    "api_models",
    "classification",
    "export",
    "release",
]

#: The framework block every Tool file carries (its serializer writes exactly this).
FRAMEWORK: dict[str, str] = {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"}

#: ``release.type`` and ``release.architecture`` as the Tool's schema (mof_schema.json, MIT) enumerates them.
TYPES = ("", "language", "vision", "image", "audio", "video", "3d", "code", "multimodal", "other")
ARCHITECTURES = (
    *("", "transformer", "transformer decoder", "transformer encoder-decoder", "decoder", "encoder"),
    *("diffusion", "RNN", "CNN", "LSTM", "NeRF", "hybrid", "undisclosed", "other"),
)

#: The Tool's class labels (ModelEvaluator::getClassLabel).
CLASS_LABELS = {
    0: "Unclassified",
    1: "Class I - Open Science",
    2: "Class II - Open Tooling",
    3: "Class III - Open Model",
}

#: mokg component type (local name) → the Tool's component name: the importer's table, inverted.
COMPONENT_NAMES: dict[str, str] = {type_local: name for name, (type_local, _) in mot.COMPONENT_TYPES.items()}

#: The Tool's sources of a licence (``ComponentStatus.origin``), by the words the importer's claims use for them.
ORIGINS: dict[str, str] = {words: origin for origin, words in mot.ORIGIN_WORD.items()}
_GLOBALS = ("distribution", "code", "data", "document")
_HUB = "https://huggingface.co/"
#: What the importer's claims call the component's paths (component_path, license_path).
_PATHS = {"component": "component_path", "licence text": "license_path"}

_LICENSED = re.compile(
    r"^Model Openness Tool: licence '(?P<licence>.*)' \((?:"
    + "|".join(re.escape(mot.STATUS_WORD[s]) for s in (mot.OPEN, mot.INVALID))
    + r")\), (?P<origin>"
    + "|".join(re.escape(words) for words in ORIGINS)
    + r")(?:; the Tool warns that it is not designed for \w+)?(?: \((?P<links>[^()]*)\))?$",
    re.S,
)
_UNLICENSED = re.compile(r"^Model Openness Tool: no licence \(unlicensed\)(?: \((?P<links>[^()]*)\))?$", re.S)
#: The importer's description of a model it created: the Tool's type, producer and version, in words.
_DESCRIBED = re.compile(
    r"^A (?:(?P<type>\S+) )?model by (?P<producer>.+?)(?:, version (?P<version>.+?))?,"
    r" as listed in the Model Openness Tool\.$",
    re.S,
)


@dataclass(frozen=True)
class _Entry:
    """What a release says of one component: its licence (None: unlicensed), where that licence is set, its paths."""

    licence: str | None
    origin: str  # component, or a global licence: distribution, code, data, document
    component_path: str | None = None
    license_path: str | None = None


@cache
def _settings() -> tuple[tuple[str, str], ...]:
    """The Tool's components as (name, description), in the order its serializer writes them.

    Read from the framework file the importer vendors (``mof.settings.yml``): code, data, then
    documents, each by weight.
    """
    settings = yaml.safe_load((mot.FRAMEWORK_DIR / "mof.settings.yml").read_text(encoding="utf-8"))
    order = {"code": 0, "data": 1, "document": 2}
    ranked = sorted(settings["components"], key=lambda c: (order.get(c["content_type"], 3), c["weight"]))
    return tuple((str(c["name"]), str(c.get("description") or "")) for c in ranked)


def _said(claim: Claim) -> _Entry | None:
    """What the Tool's file said of a component, read back from the importer's claim; None if it cannot be."""
    if claim.motivation is None:
        return None
    licensed = _LICENSED.match(claim.motivation)
    found = licensed or _UNLICENSED.match(claim.motivation)
    if found is None:
        return None
    paths: dict[str, str] = {}
    for link in (found.group("links") or "").split("; "):
        label, _, value = link.partition(": ")
        if label in _PATHS and value:
            paths[_PATHS[label]] = value
    if licensed is None:
        return _Entry(None, "component", **paths)
    return _Entry(licensed.group("licence"), ORIGINS[licensed.group("origin")], **paths)


def _agrees(claim: Claim, said: _Entry, licensing: Licensing) -> bool:
    """Whether the Tool's claim says of a component what its artifact records: the same licence, or the same absence."""
    if said.licence is None:
        return licensing.absence == NO_LICENSE
    if claim.claimed is not None:
        return claim.claimed.licence == licensing.licence
    # Words that name no licence ("Component not included") are a status with the Tool's words.
    return licensing.licence is None and licensing.statement in (None, said.licence)


def _component_name(component: Component, broader: Mapping[str, str]) -> str | None:
    """The Tool's name for an artifact's type: the type's own, else its broader type's (pre-training data: Datasets)."""
    for type_local in component.types:
        if type_local in COMPONENT_NAMES:
            return COMPONENT_NAMES[type_local]
    for type_local in component.types:
        if broader.get(type_local) in COMPONENT_NAMES:
            return COMPONENT_NAMES[broader[type_local]]
    return None


def _from_artifacts(name: str, artifacts: Sequence[Component], said: _Entry | None, facts: ModelFacts) -> _Entry:
    """A component the model has artifacts of: the Tool's words where they agree with the artifact, else its facts.

    Several artifacts of one Tool component (pre-training and fine-tuning data are both
    Datasets) are one entry: their licence when they share it, else all of them joined by AND
    (an SPDX expression; the Tool counts no expression as open).
    """
    texts = sorted({licence_text(a.licensing, "mot") for a in artifacts})
    locations = sorted(a.location for a in artifacts if a.location)
    location = locations[0] if locations else None
    if said is None:
        absent = len(texts) == 1 and artifacts[0].licensing.absence == NO_LICENSE
        return _Entry(None if absent else " AND ".join(texts), "component", location)
    path = said.component_path
    if location is not None and location != (path or "").strip():
        on_hugging_face = name in mot.ON_HUGGING_FACE and location == facts.hugging_face
        path = path if on_hugging_face else location  # the importer's inference from the page, or mokg's correction
    return _Entry(said.licence, said.origin, path, said.license_path)


def _producer(facts: ModelFacts, described: re.Match[str] | None) -> str:
    """The producer as the Tool spelled it, when the record's description keeps it and it names the creator.

    It names the creator when it is one of the creator's names up to case and punctuation (a
    label "Allen Institute for AI (AI2)" also answers to either part), or its slug: else the
    creator was corrected since, and its label is the producer.
    """
    creator: Organization | None = facts.creator
    producer = described.group("producer") if described else None
    if creator is None or producer is None:
        return producer or (creator.label if creator else "")
    slug = creator.iri.rsplit("/", 1)[-1]
    names = {slug, *creator.names}
    names |= {part for name in creator.names for part in re.split(r"\s*[()]\s*", name) if part}
    if normalize(producer) in {normalize(name) for name in names} or slugify(producer) == slug:
        return producer
    return creator.label


def _hugging_face(facts: ModelFacts, matched: Claim | None, as_said: bool) -> str:
    """The model's Hugging Face page; as the Tool said it, the page its file gave.

    The record's own page is the file's when the file made the record or was matched by it. A
    file matched otherwise named one the graph did not know as this model's
    (DBRX Instruct's named DeepSeek's repository, which mokg corrected): the record's own page
    would match it another way. What such a file named survives only where its import put it,
    on the components it filled (their location); else it is left out.
    """
    own = facts.hugging_face or ""
    if not as_said or matched is None or matched.method in ("MatchByHuggingFaceId", "MatchNew"):
        return own
    pages = sorted({c.location for c in facts.components if c.location and c.location.startswith(_HUB)} - {own})
    return pages[0] if pages else ""


def _architecture(value: str | None) -> str:
    """The schema's word for an architecture: the same up to case, else "other"; "" when none is recorded."""
    if not value:
        return ""
    return next((word for word in ARCHITECTURES if word.lower() == value.strip().lower()), "other")


def _said_entries(facts: ModelFacts) -> dict[str, _Entry]:
    """What the Tool's own file said of each component it lists, read back from its claims alone."""
    entries: dict[str, _Entry] = {}
    for claim in facts.claims.get(mot.SOURCE_SLUG, ()):
        if claim.component_type in COMPONENT_NAMES:
            said = _said(claim)
            claimed = licence_text(claim.claimed, "mot") if claim.claimed else None
            entries[COMPONENT_NAMES[claim.component_type]] = said or _Entry(claimed, "component")
    return entries


def _entries(facts: ModelFacts, broader: Mapping[str, str]) -> dict[str, _Entry]:
    """What the release says of each component it includes, by the Tool's component name.

    A component the model has released artifacts of: from the artifacts (the Tool's words where
    its claim agrees). An artifact that is not public: only where the Tool's claim lists it with
    the words the artifact keeps ("Component not included"). A component the model has no
    artifact of: as the Tool's claim says, if it makes one.
    """
    claims = {
        claim.component_type: claim
        for claim in facts.claims.get(mot.SOURCE_SLUG, ())
        if claim.component_type in COMPONENT_NAMES
    }
    parts: dict[str, list[Component]] = {}
    for component in facts.components:
        if (name := _component_name(component, broader)) is not None:
            parts.setdefault(name, []).append(component)
    entries: dict[str, _Entry] = {}
    for name, _ in _settings():
        claim = claims.get(mot.COMPONENT_TYPES[name][0])
        said = _said(claim) if claim is not None else None
        found = parts.get(name, [])
        agreed = said if claim and said and len(found) == 1 and _agrees(claim, said, found[0].licensing) else None
        listed = [part for part in found if part.availability != "NotPubliclyAvailable" or agreed is not None]
        if listed:
            entries[name] = _from_artifacts(name, listed, agreed, facts)
        elif not found and claim is not None:
            entries[name] = said or _Entry(licence_text(claim.claimed, "mot") if claim.claimed else None, "component")
    return entries


def _blocks(entries: Mapping[str, _Entry]) -> tuple[dict[str, dict[str, str]], list[dict[str, str]]]:
    """The entries as a file writes them: the release's global licences, and one block per component.

    A licence the Tool took from a global licence stays there (the component without one); a
    licence of its own, or "unlicensed", is written on the component, so that no global licence
    reaches a component it did not reach in the Tool.
    """
    licenses: dict[str, dict[str, str]] = {}
    components = []
    for name, description in _settings():
        if name not in entries:
            continue
        entry, block = entries[name], {"name": name, "description": description}
        global_ = entry.origin in _GLOBALS and entry.licence is not None
        if global_ and licenses.setdefault(entry.origin, {"name": entry.licence, "path": ""})["name"] != entry.licence:
            global_ = False  # two components the Tool gave one global licence, which now differ
        if not global_:
            block["license"] = "unlicensed" if entry.licence is None else entry.licence
        if entry.license_path:
            block["license_path"] = entry.license_path
        if entry.component_path:
            block["component_path"] = entry.component_path
        components.append(block)
    return licenses, components


def release(facts: ModelFacts, broader: Mapping[str, str] | None = None, *, as_said: bool = False) -> dict[str, Any]:
    """The model as a Tool ``release``: its metadata, global licences and the components it includes.

    ``facts`` must hold the Tool's claims (``read_models(…, sources=["model-openness-tool"])``);
    ``broader`` maps component types to broader ones (:func:`mokg.exporters.base.broader_types`).
    The name is the Tool's for the model (its import's ``mokg:sourceEntry``), else the label:
    the Tool keys its models by name, so a pull request must keep it.

    With ``as_said``, the components are what the Tool's file said (its claims), not mokg's
    record: the file the Tool has, to compare with the correction or to check the round trip.
    """
    entries = _said_entries(facts) if as_said else _entries(facts, broader or {})
    licenses, components = _blocks(entries)
    if "distribution" not in licenses and mot.WEIGHTS not in entries and facts.licensing.absence is None:
        # Without weights, the Tool's distribution licence is what the importer makes the model's licence.
        licenses["distribution"] = {"name": licence_text(facts.licensing, "mot"), "path": ""}
    described = _DESCRIBED.match(facts.description or "")
    kind = (described.group("type") or "") if described else ""
    matched = facts.matched(mot.SOURCE_SLUG)
    fields: dict[str, Any] = {
        "name": matched.entry if matched and matched.entry else facts.label,
        "version": (described.group("version") or "") if described else "",
    }
    if facts.issued and re.fullmatch(r"\d{4}-\d{2}-\d{2}", facts.issued[:10]):
        fields["date"] = facts.issued[:10]  # the Tool's schema asks for a full date; a month or a year is left out
    fields |= {
        "license": {kind_: licenses[kind_] for kind_ in _GLOBALS if kind_ in licenses},
        "type": kind if kind in TYPES else "other",
        "architecture": _architecture(facts.architecture),
        "origin": facts.bases[0][1] if facts.bases else "",
        "producer": _producer(facts, described),
        "contact": "",
        "repository": facts.homepage or "",
        "huggingface": _hugging_face(facts, matched, as_said),
        "components": components,
    }
    return fields


def export(store: Store, slug: str, base_iri: str, *, as_said: bool = False) -> Export:
    """The Tool's model file for ``model/{slug}``: ``framework`` and ``release`` (UnknownRecord if no such model).

    ``as_said``: the components as the Tool's own file gave them (:func:`release`).
    """
    facts = read_model(store, slug, base_iri, [mot.SOURCE_SLUG])
    exported = release(facts, broader_types(store), as_said=as_said)
    document = {"framework": dict(FRAMEWORK), "release": exported}
    return Export(document, file_name(facts, mot.SOURCE_SLUG, exported["name"], ".yml"))


def classification(release_: Mapping[str, Any]) -> dict[str, Any]:
    """The Tool's classification of a release under its published rules: class, label, progress per class.

    Progress is in per cent as the Tool's API returns it: a raw float, the share times 100 in
    floating point as PHP computes it (1 of 6 is 16.666666666666664), not rounded.
    """
    evaluation = mot.evaluate(release_)
    return {
        "class": evaluation.mof_class,
        "label": CLASS_LABELS[evaluation.mof_class],
        "progress": {str(c): float(evaluation.progress[c]) * 100 for c in (1, 2, 3)},
    }


def _answer(facts: ModelFacts, broader: Mapping[str, str]) -> dict[str, Any]:
    exported = release(facts, broader)
    return {
        "id": facts.slug,
        "framework": dict(FRAMEWORK),
        "release": exported,
        "classification": classification(exported),
    }


def api_model(store: Store, slug: str, base_iri: str) -> dict[str, Any]:
    """``model/{slug}`` as the Tool's API answers ``/api/v1/model/{id}``, the slug as id."""
    return _answer(read_model(store, slug, base_iri, [mot.SOURCE_SLUG]), broader_types(store))


def api_models(store: Store, iris: Sequence[str], base_iri: str) -> list[dict[str, Any]]:
    """Models as the Tool's API lists them (``/api/v1/models``), read together (four queries for a page)."""
    broader = broader_types(store)
    return [_answer(facts, broader) for facts in read_models(store, iris, base_iri, [mot.SOURCE_SLUG])]
