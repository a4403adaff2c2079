"""SPDX 3.0.1 export of a model record: an AI BOM that SBOM tools can read.

:func:`spdx_document` describes one model as an SPDX 3.0.1 JSON-LD document
(``"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"``):

- the model, and each model it was derived from, as an ``ai_AIPackage`` (name, description,
  ``releaseTime`` when the day is known, ``originatedBy``/``suppliedBy`` its creators,
  ``software_downloadLocation`` where its weights are published, ``ai_typeOfModel`` its
  architecture, ``ai_informationAboutTraining`` its training data and alignment,
  ``ai_standardCompliance`` the OSI Open Source AI Definition when mokg finds it conformant);
- its training, fine-tuning and evaluation data sets as ``dataset_DatasetPackage``
  (``dataset_datasetAvailability`` from ``mokg:availability``);
- creators as ``Organization``; licences as ``simplelicensing_LicenseExpression`` (SPDX ids),
  ``expandedlicensing_CustomLicense`` (other licences, with their mokg record), or, for a
  licence status or the licence that says terms vary per subset, the individuals
  ``NoAssertionLicense`` (``mokg:NoAssertion``, per subset) and ``NoneLicense``
  (``mokg:NoLicense``: published without any licence);
- ``Relationship`` elements: ``hasDeclaredLicense`` and ``hasConcludedLicense`` (NOASSERTION:
  mokg records declared licences, it does not conclude others) for every package,
  ``trainedOn`` (pre-training and fine-tuning data), ``testedOn`` (evaluation data) and
  ``ancestorOf`` (base model → model).

mokg's entities are not SPDX elements (the ontology only says ``skos:closeMatch``), so every
element gets its own ``spdxId``: the record URL followed by ``#spdx``.

``profileConformance`` claims ``core``, ``software``, ``simpleLicensing`` and
``expandedLicensing``, and ``ai`` / ``dataset`` only when every package fills the fields those
profiles require (``software_packageVersion``, ``releaseTime``, ``builtTime``…). mokg never
invents a value to satisfy them (a release day or a version it does not know), so today these
two profiles are not claimed.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime

import pyoxigraph as ox

from mokg import __version__
from mokg.citation import UnknownRecord, record_url
from mokg.store import Store
from mokg.vocab import DERIVATION_WORDS, MOKG, PREFIXES

__all__ = [
    "SPDX_CONTEXT",
    "SPDX_MEDIA_TYPE",
    "SPDX_VERSION",
    "render_spdx",
    "spdx_document",
]

SPDX_VERSION = "3.0.1"
SPDX_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
#: IANA's media type for SPDX 3 JSON (``application/ld+json`` is also correct: it is JSON-LD).
SPDX_MEDIA_TYPE = "application/spdx3+json"

_SPDX_LICENSES = "http://spdx.org/licenses/"
_NO_ASSERTION = "expandedlicensing_NoAssertionLicense"
_NONE = "expandedlicensing_NoneLicense"
#: mokg's licence statuses (absence is not a licence), and the licence that says only that terms vary.
_STATUSES = {f"{MOKG}NoAssertion": _NO_ASSERTION, f"{MOKG}NoLicense": _NONE}
_MARKER_LICENSES = {"per-subset": _NO_ASSERTION}
_AVAILABILITY = {
    f"{MOKG}DirectDownload": "directDownload",
    f"{MOKG}Clickthrough": "clickthrough",
    f"{MOKG}Registration": "registration",
    f"{MOKG}ScrapingScript": "scrapingScript",
}
_ROMAN = {1: "I", 2: "II", 3: "III"}
_CREATION_INFO = "_:creationinfo"

_RDFS = PREFIXES["rdfs"]
_DCTERMS = PREFIXES["dcterms"]
_FOAF = PREFIXES["foaf"]
_SKOS = PREFIXES["skos"]
_DCAT = PREFIXES["dcat"]


class _Facts:
    """The properties of one entity, read with one query, with the labels of the IRIs they point to."""

    def __init__(self, store: Store, iri: str) -> None:
        self.iri = iri
        self.values: dict[str, list[ox.NamedNode | ox.Literal]] = {}
        self.labels: dict[str, str] = {}
        rows = store.query(
            f"SELECT ?p ?o ?label WHERE {{ {ox.NamedNode(iri)} ?p ?o "
            "OPTIONAL { ?o rdfs:label ?label FILTER(LANG(?label) IN ('en', '')) } }"
        )
        for row in rows:
            values = self.values.setdefault(row["p"].value, [])
            if row["o"] not in values:
                values.append(row["o"])
            if row["label"] is not None and isinstance(row["o"], ox.NamedNode):
                self.labels.setdefault(row["o"].value, row["label"].value)

    def all(self, predicate: str) -> list[ox.NamedNode | ox.Literal]:
        """Every value of ``predicate``, IRIs sorted, literals in order."""
        return sorted(self.values.get(predicate, []), key=lambda term: term.value)

    def iris(self, predicate: str) -> list[str]:
        return [term.value for term in self.all(predicate) if isinstance(term, ox.NamedNode)]

    def text(self, predicate: str) -> str | None:
        values = self.all(predicate)
        return values[0].value if values else None

    def label(self, iri: str) -> str:
        return self.labels.get(iri, iri)


def _release_time(issued: ox.Literal | None) -> tuple[str | None, str | None]:
    """SPDX ``releaseTime`` from ``dcterms:issued`` when the day is known, else a note on the partial date."""
    if issued is None:
        return None, None
    value = issued.value
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value}T00:00:00Z", None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T.*", value):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None, f"Released {value}."
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), None
    return None, f"Released {value} (the day is not recorded, so there is no releaseTime)."


class _Builder:
    """Collects the elements of one SPDX document, each once, in a stable order."""

    def __init__(self, store: Store, base_iri: str, document_iri: str) -> None:
        self.store = store
        self.base = base_iri
        self.document = document_iri
        self.elements: dict[str, dict[str, object]] = {}
        self.relationships: list[dict[str, object]] = []

    def add(self, element: dict[str, object]) -> str:
        spdx_id = str(element["spdxId"])
        if spdx_id not in self.elements:
            self.elements[spdx_id] = {"type": element.pop("type"), "spdxId": spdx_id, "creationInfo": _CREATION_INFO}
            self.elements[spdx_id].update({k: v for k, v in element.items() if k != "spdxId" and v not in (None, [])})
        return spdx_id

    def relate(self, source: str, kind: str, targets: list[str], comment: str | None = None) -> None:
        if not targets:
            return
        relationship: dict[str, object] = {
            "type": "Relationship",
            "spdxId": f"{self.document}-relationship-{len(self.relationships) + 1}",
            "creationInfo": _CREATION_INFO,
            "from": source,
            "relationshipType": kind,
            "to": targets,
        }
        if comment:
            relationship["comment"] = comment
        self.relationships.append(relationship)

    # -- entities ------------------------------------------------------------------------------

    def _url(self, iri: str, kind: str) -> str:
        return record_url(self.store, iri, kind, self.base)

    def organization(self, iri: str, fallback_label: str) -> str:
        facts = _Facts(self.store, iri)
        homepage = facts.iris(f"{_FOAF}homepage")
        return self.add(
            {
                "type": "Organization",
                "spdxId": f"{iri}#spdx"
                if iri.startswith(self.base)
                else f"{self.document}-agent-{hashlib.sha256(iri.encode()).hexdigest()[:12]}",
                "name": facts.text(f"{_RDFS}label") or fallback_label,
                "externalRef": [{"type": "ExternalRef", "externalRefType": "altWebPage", "locator": homepage}]
                if homepage
                else None,
            }
        )

    def license(self, iri: str, label: str) -> str:
        """The element (or individual) a ``hasDeclaredLicense`` relationship points to."""
        facts = _Facts(self.store, iri)
        license_id = facts.text(f"{MOKG}licenseId") or iri.rsplit("/", 1)[-1]
        if license_id in _MARKER_LICENSES and not iri.startswith(_SPDX_LICENSES):
            return _MARKER_LICENSES[license_id]
        url = f"{self.base}license/{license_id}"
        if iri.startswith(_SPDX_LICENSES):
            return self.add(
                {
                    "type": "simplelicensing_LicenseExpression",
                    "spdxId": f"{url}#spdx",
                    "name": facts.text(f"{_RDFS}label") or label,
                    "simplelicensing_licenseExpression": license_id,
                }
            )
        name = facts.text(f"{_RDFS}label") or label
        homepages = facts.iris(f"{_FOAF}homepage")
        notes = [term.value for term in facts.all(f"{MOKG}restrictionNote")]
        sentences = [f"{name}.", "mokg does not reproduce the licence text"]
        sentences[-1] += f"; it is published at {homepages[0]}." if homepages else "."
        if notes:
            sentences.append(f"Restrictions recorded by mokg: {' '.join(notes)}")
        text = " ".join(sentences)
        osi = facts.text(f"{MOKG}osiApproved")
        return self.add(
            {
                "type": "expandedlicensing_CustomLicense",
                "spdxId": f"{url}#spdx",
                "name": name,
                "description": facts.text(f"{_DCTERMS}description"),
                "simplelicensing_licenseText": text,
                "expandedlicensing_seeAlso": [*homepages, url],
                "expandedlicensing_isOsiApproved": osi == "true" if osi is not None else None,
            }
        )

    def _creators(self, facts: _Facts) -> tuple[list[str], str | None]:
        agents = [self.organization(org, facts.label(org)) for org in facts.iris(f"{_DCTERMS}creator")]
        return agents, agents[0] if len(agents) == 1 else None

    def _licenses(self, package: str, facts: _Facts) -> None:
        licenses = [self.license(iri, facts.label(iri)) for iri in facts.iris(f"{_DCTERMS}license")]
        licenses += [_STATUSES[iri] for iri in facts.iris(f"{MOKG}licenseStatus") if iri in _STATUSES]
        self.relate(package, "hasDeclaredLicense", licenses or [_NO_ASSERTION])
        self.relate(package, "hasConcludedLicense", [_NO_ASSERTION], "mokg records declared licences only.")

    def _refs(self, facts: _Facts, url: str) -> list[dict[str, object]]:
        refs: list[dict[str, object]] = [
            {"type": "ExternalRef", "externalRefType": "altWebPage", "locator": [url], "comment": "mokg record"}
        ]
        for match in facts.iris(f"{_SKOS}exactMatch"):
            refs.append({"type": "ExternalRef", "externalRefType": "altWebPage", "locator": [match]})
        for paper in facts.iris(f"{MOKG}paper"):
            refs.append(
                {"type": "ExternalRef", "externalRefType": "documentation", "locator": [paper], "comment": "paper"}
            )
        return refs

    def model(self, iri: str, *, full: bool) -> str:
        """An ``ai_AIPackage`` for the model; with ``full``, its data sets and base models too."""
        url = self._url(iri, "model")
        if f"{url}#spdx" in self.elements:
            return f"{url}#spdx"
        facts = _Facts(self.store, iri)
        release_time, note = _release_time(next(iter(facts.all(f"{_DCTERMS}issued")), None))  # type: ignore[arg-type]
        agents, supplier = self._creators(facts)
        weights = [
            row["location"].value
            for row in self.store.query(
                f"SELECT ?location WHERE {{ {ox.NamedNode(iri)} mokg:hasComponent ?c . "
                "?c mokg:componentType mokg:ModelParametersFinal ; mokg:location ?location } ORDER BY ?location"
            )
        ]
        training = self._training_text(facts)
        compliance = []
        if facts.text(f"{MOKG}osaidStatus") == f"{MOKG}OSAIDConformant":
            compliance.append("OSI Open Source AI Definition 1.0 (as assessed by mokg)")
        mof = facts.text(f"{MOKG}achievedMOFClass")
        if mof and int(mof) in _ROMAN:
            compliance.append(f"Model Openness Framework Class {_ROMAN[int(mof)]} (as assessed by mokg)")
        comments = [c for c in (note, self._openness_text(facts)) if c]
        package = self.add(
            {
                "type": "ai_AIPackage",
                "spdxId": f"{url}#spdx",
                "name": facts.text(f"{_RDFS}label") or url.rsplit("/", 1)[-1],
                "description": facts.text(f"{_DCTERMS}description"),
                "comment": " ".join(comments) or None,
                "releaseTime": release_time,
                "originatedBy": agents,
                "suppliedBy": supplier,
                "software_primaryPurpose": "model",
                "software_downloadLocation": weights[0] if weights else None,
                "software_homePage": facts.text(f"{_FOAF}homepage"),
                "externalRef": self._refs(facts, url),
                "ai_typeOfModel": [term.value for term in facts.all(f"{MOKG}architecture")],
                "ai_informationAboutTraining": training,
                "ai_standardCompliance": compliance,
            }
        )
        self._licenses(package, facts)
        if not full:
            return package
        for role, predicate, kind in (
            ("Pre-training data", "trainedOn", "trainedOn"),
            ("Fine-tuning data", "finetunedOn", "trainedOn"),
            ("Evaluation data", "evaluatedOn", "testedOn"),
        ):
            datasets = [self.dataset(d) for d in facts.iris(f"{MOKG}{predicate}")]
            self.relate(package, kind, datasets, f"{role} (mokg:{predicate}).")
        for local, words in DERIVATION_WORDS.items():
            for base in facts.iris(f"{MOKG}{local}"):
                ancestor = self.model(base, full=False)
                self.relate(ancestor, "ancestorOf", [package], f"The model is {words} it (mokg:{local}).")
        return package

    def dataset(self, iri: str) -> str:
        """A ``dataset_DatasetPackage`` for the data set, with its licence relationships."""
        url = self._url(iri, "dataset")
        if f"{url}#spdx" in self.elements:
            return f"{url}#spdx"
        facts = _Facts(self.store, iri)
        release_time, note = _release_time(next(iter(facts.all(f"{_DCTERMS}issued")), None))  # type: ignore[arg-type]
        agents, supplier = self._creators(facts)
        availability = facts.text(f"{MOKG}availability")
        if availability == f"{MOKG}NotPubliclyAvailable":
            note = " ".join(filter(None, [note, "Not publicly available."]))
        package = self.add(
            {
                "type": "dataset_DatasetPackage",
                "spdxId": f"{url}#spdx",
                "name": facts.text(f"{_RDFS}label") or url.rsplit("/", 1)[-1],
                "description": facts.text(f"{_DCTERMS}description"),
                "comment": note,
                "releaseTime": release_time,
                "originatedBy": agents,
                "suppliedBy": supplier,
                "software_primaryPurpose": "data",
                "software_homePage": facts.text(f"{_DCAT}landingPage"),
                "externalRef": self._refs(facts, url),
                "dataset_datasetType": ["noAssertion"],
                "dataset_datasetAvailability": _AVAILABILITY.get(availability or ""),
            }
        )
        self._licenses(package, facts)
        return package

    def _training_text(self, facts: _Facts) -> str | None:
        parts = []
        for role, predicate in (("Pre-training data", "trainedOn"), ("Fine-tuning data", "finetunedOn")):
            names = [facts.label(iri) for iri in facts.iris(f"{MOKG}{predicate}")]
            if names:
                parts.append(f"{role}: {'; '.join(names)}.")
        method = facts.iris(f"{MOKG}alignmentMethod")
        if method:
            parts.append(f"Alignment: {facts.label(method[0])}.")
        return " ".join(parts) or None

    def _openness_text(self, facts: _Facts) -> str | None:
        status = facts.iris(f"{MOKG}osaidStatus")
        score = facts.text(f"{MOKG}opennessScore")
        parts = []
        if status:
            parts.append(f"OSAID status (mokg): {facts.label(status[0])}.")
        if score is not None:
            parts.append(f"mokg openness score: {score}.")
        return " ".join(parts) or None


#: What the AI and Dataset profiles require of each package beyond the class's own cardinalities.
_PROFILE_REQUIREMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ai": (
        "ai_AIPackage",
        (
            "releaseTime",
            "suppliedBy",
            "software_downloadLocation",
            "software_packageVersion",
            "software_primaryPurpose",
        ),
    ),
    "dataset": (
        "dataset_DatasetPackage",
        ("builtTime", "originatedBy", "releaseTime", "software_downloadLocation", "software_primaryPurpose"),
    ),
}


def _conformance(elements: list[dict[str, object]], relationships: list[dict[str, object]]) -> list[str]:
    """The profiles the document conforms to (core, software and licensing always; AI, Dataset when complete)."""
    profiles = ["core", "software", "simpleLicensing", "expandedLicensing"]

    def licence_count(package: str, kind: str) -> int:
        return sum(1 for r in relationships if r["from"] == package and r["relationshipType"] == kind)

    for profile, (cls, required) in _PROFILE_REQUIREMENTS.items():
        packages = [e for e in elements if e["type"] == cls]
        complete = all(
            all(e.get(name) for name in required)
            and licence_count(str(e["spdxId"]), "hasDeclaredLicense") == 1
            and licence_count(str(e["spdxId"]), "hasConcludedLicense") == 1
            and (profile != "dataset" or len(e.get("originatedBy") or []) == 1)  # type: ignore[arg-type]
            for e in packages
        )
        if packages and complete:
            profiles.append(profile)
    return profiles


def spdx_document(
    store: Store,
    model_iri: str,
    base_iri: str,
    *,
    document_iri: str | None = None,
    now: datetime | None = None,
) -> dict[str, object]:
    """The SPDX 3.0.1 JSON-LD document of model ``model_iri`` (see the module's description).

    ``document_iri`` is the ``SpdxDocument``'s id (default ``{model record}#spdx-document``);
    ``now`` its creation time (default: now). :class:`mokg.citation.UnknownRecord` (404) when
    ``model_iri`` is not a model.
    """
    if not bool(store.query(f"ASK {{ {ox.NamedNode(model_iri)} a mokg:Model }}")):
        raise UnknownRecord(f"no model {model_iri} in mokg")
    document_iri = document_iri or f"{model_iri}#spdx-document"
    builder = _Builder(store, base_iri, document_iri)
    agent = builder.add(
        {"type": "Organization", "spdxId": f"{base_iri}#mokg-developers", "name": "The mokg developers"}
    )
    tool = builder.add({"type": "Tool", "spdxId": f"{base_iri}#mokg-{__version__}", "name": f"mokg {__version__}"})
    root = builder.model(model_iri, full=True)
    data_license = builder.license(f"{_SPDX_LICENSES}CC-BY-4.0", "Creative Commons Attribution 4.0 International")
    elements = list(builder.elements.values())
    created = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    creation_info = {
        "type": "CreationInfo",
        "@id": _CREATION_INFO,
        "specVersion": SPDX_VERSION,
        "created": created,
        "createdBy": [agent],
        "createdUsing": [tool],
        "comment": f"Exported from the mokg record {record_url(store, model_iri, 'model', base_iri)}.",
    }
    name = str(builder.elements[root]["name"])
    document = {
        "type": "SpdxDocument",
        "spdxId": document_iri,
        "creationInfo": _CREATION_INFO,
        "name": f"{name}: SPDX {SPDX_VERSION} AI BOM from mokg",
        "rootElement": [root],
        "element": [e["spdxId"] for e in elements] + [r["spdxId"] for r in builder.relationships],
        "profileConformance": _conformance(elements, builder.relationships),
        "dataLicense": data_license,
    }
    return {"@context": SPDX_CONTEXT, "@graph": [creation_info, document, *elements, *builder.relationships]}


def render_spdx(document: dict[str, object], *, canonical: bool = False) -> bytes:
    """The document as UTF-8 JSON: indented, or in SPDX's canonical form (sorted keys, no whitespace)."""
    if canonical:
        return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
