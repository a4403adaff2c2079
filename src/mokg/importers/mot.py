"""Importer of the Model Openness Tool (MOT): MOF classes and component licences, as the Tool computes them.

The Model Openness Tool (https://mot.isitopen.ai/, LF AI & Data, MIT) publishes one YAML file per
model: the release's global licences and the components it includes, each with its licence. The
Tool grades a model against the Model Openness Framework (White, M. et al., 2024, arXiv:2403.13784)
with the rules that ``mof/RULES.md`` of the shared data describes; :func:`evaluate` applies them
exactly as the Tool does (quirks included), reading the framework's components and licence lists
from the Tool's own files vendored in ``mokg/importers/mof/`` (MIT, see ``LICENSE.MOT`` there).

:func:`read` turns the files into mokg records: a model record for a model the graph does not
know yet, a claim per listed component (the licence the Tool applies and whether it counts as
open), and a claim of the MOF class when the Tool awards one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from mokg.identity import contradicts, name_key
from mokg.importers.base import ImportContext, ImportResult, Match, Problem, match_record, normalize, slugify
from mokg.importers.licensing import Licensing, licensing, not_included
from mokg.vocab import MOKG, PREFIXES

__all__ = [
    "OPEN_DATA_LICENSES",
    "SOURCE_SLUG",
    "ComponentStatus",
    "Framework",
    "MofComponent",
    "MofEvaluation",
    "evaluate",
    "load_framework",
    "percent",
    "read",
]

#: The vendored framework files (MIT, The Model Openness Tool Authors).
FRAMEWORK_DIR = Path(__file__).parent / "mof"

SOURCE_SLUG = "model-openness-tool"

#: The open-data licences the Tool hard-codes (LicenseHandler.php), exactly.
OPEN_DATA_LICENSES = frozenset(
    {
        *("CC0-1.0", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0", "CC-BY-3.0-AT"),
        *("CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US", "CC-BY-4.0"),
        *("CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-2.5", "CC-BY-SA-3.0"),
        *("CC-BY-SA-3.0-AT", "CC-BY-SA-4.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0"),
        *("ODC-PDDL-1.0", "ODC-By-1.0", "ODbL-1.0", "GFDL-1.3", "OGL-Canada-2.0", "OGL-UK-2.0", "OGL-UK-3.0"),
    }
)
#: The open model-and-data licence the Tool accepts besides the lists.
OPENMDW = "OpenMDW-1.0"
#: Component licence values that mean "included, but unlicensed" (the Tool stores 'unlicensed' as '').
UNLICENSED = ("unlicensed", "")

#: Status of a component: counted only when "open".
OPEN, INVALID, UNLICENSED_STATUS, MISSING = "open", "invalid", "unlicensed", "missing"

#: MOF component name → (mokg component type, fragment of the artifact and claim IRIs).
COMPONENT_TYPES: dict[str, tuple[str, str]] = {
    "Model architecture": ("ModelArchitecture", "architecture"),
    "Model parameters (Final)": ("ModelParametersFinal", "weights"),
    "Model parameters (Intermediate)": ("ModelParametersIntermediate", "checkpoints"),
    "Datasets": ("Datasets", "datasets"),
    "Data preprocessing code": ("DataPreprocessingCode", "data-processing-code"),
    "Training code": ("TrainingCode", "training-code"),
    "Inference code": ("InferenceCode", "inference-code"),
    "Evaluation code": ("EvaluationCode", "evaluation-code"),
    "Evaluation data": ("EvaluationData", "evaluation-data"),
    "Evaluation results": ("EvaluationResults", "evaluation-results"),
    "Supporting libraries and tools": ("SupportingLibraries", "supporting-libraries"),
    "Model card": ("ModelCard", "model-card"),
    "Data card": ("DataCard", "data-card"),
    "Technical report": ("TechnicalReport", "technical-report"),
    "Research paper": ("ResearchPaper", "paper"),
    "Sample model outputs": ("SampleModelOutputs", "sample-model-outputs"),
    "Model metadata": ("ModelMetadata", "model-metadata"),
}
TECHNICAL_REPORT, RESEARCH_PAPER, WEIGHTS = "Technical report", "Research paper", "Model parameters (Final)"
#: Components that a release's Hugging Face repository holds, when the file names one.
ON_HUGGING_FACE = (WEIGHTS, "Model card")

# --- the framework ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MofComponent:
    """A component of the framework, as ``mof.settings.yml`` defines it."""

    name: str
    content_type: str  # code, data or document
    mof_class: int  # 1, 2 or 3
    required: bool


@dataclass(frozen=True)
class Framework:
    """The framework's components and the licences the Tool knows, from its own files."""

    components: tuple[MofComponent, ...]
    #: SPDX id → the licence table's entry (licenses.json, then mof-licenses.json upserted by id).
    licenses: Mapping[str, Mapping[str, Any]]
    #: Every licence string that counts as open (OSI-approved or FSF-libre, open data, OpenMDW).
    open_licenses: frozenset[str]

    def component(self, name: object) -> MofComponent:
        """The component a name denotes; an unknown name is the first one, Datasets (the Tool's array_search quirk)."""
        for component in self.components:
            if component.name == name:
                return component
        return self.components[0]

    def known(self, name: object) -> bool:
        return any(component.name == name for component in self.components)

    def is_open(self, licence: str | None) -> bool:
        """Whether the Tool counts ``licence`` as open: exact, case-sensitive match."""
        return licence is not None and licence in self.open_licenses

    def is_appropriate(self, licence: str, content_type: str) -> bool:
        """Whether the licence table marks ``licence`` as designed for ``content_type`` (the Tool only warns)."""
        types = self.licenses.get(licence, {}).get("ContentType") or []
        return content_type in ([types] if isinstance(types, str) else types)

    def required(self, mof_class: int) -> list[MofComponent]:
        return [c for c in self.components if c.mof_class == mof_class and c.required]


@cache
def load_framework(folder: Path = FRAMEWORK_DIR) -> Framework:
    """The framework from the Tool's files: ``mof.settings.yml``, ``licenses.json``, ``mof-licenses.json``."""
    settings = yaml.safe_load((folder / "mof.settings.yml").read_text(encoding="utf-8"))
    components = tuple(
        MofComponent(c["name"], c["content_type"], int(c["class"]), bool(c["required"])) for c in settings["components"]
    )
    licenses: dict[str, dict[str, Any]] = {}
    for name in ("licenses.json", "mof-licenses.json"):  # the Tool's import order; later entries win
        for entry in json.loads((folder / name).read_text(encoding="utf-8"))["licenses"]:
            licenses[entry["licenseId"]] = {**licenses.get(entry["licenseId"], {}), **entry}
    libre = {i for i, e in licenses.items() if e.get("isOsiApproved") is True or e.get("isFsfLibre") is True}
    return Framework(components, licenses, frozenset(libre | OPEN_DATA_LICENSES | {OPENMDW}))


# --- evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentStatus:
    """How the Tool sees one component of a release."""

    component: MofComponent
    status: str  # open, invalid, unlicensed or missing
    licence: str | None = None  # the licence that applies (None: unlicensed or missing)
    origin: str | None = None  # component, code/data/document (global by content type), distribution
    entry: Mapping[str, Any] = field(default_factory=dict)  # the release's entry for it

    @property
    def counts(self) -> bool:
        return self.status == OPEN


@dataclass(frozen=True)
class MofEvaluation:
    """The Tool's verdict on a release: each component's status, progress per class and the class."""

    components: Mapping[str, ComponentStatus]
    counted: Mapping[int, int]
    required: Mapping[int, int]
    progress: Mapping[int, Fraction]  # 0..1, exact, zeroed as the Tool reports it (float() for the API's value)
    mof_class: int  # 1, 2, 3, or 0 (unclassified)
    substituted: bool  # the research paper stands in for the technical report

    def percent(self, mof_class: int) -> int:
        """Progress of a class in whole per cent, rounded half away from zero (PHP round())."""
        return percent(self.progress[mof_class])

    @property
    def listed(self) -> list[ComponentStatus]:
        return [s for s in self.components.values() if s.status != MISSING]


def percent(share: float | Fraction) -> int:
    """A share 0..1 in whole per cent, half away from zero, as PHP's round() (a float is read as it prints)."""
    value = (Fraction(repr(share)) if isinstance(share, float) else Fraction(share)) * 100
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def _name(block: object) -> str:
    if isinstance(block, Mapping):
        name = block.get("name")
        return name if isinstance(name, str) else ""
    return ""


def _applicable(entry: Mapping[str, Any], component: MofComponent, licenses: object) -> tuple[str | None, str | None]:
    """The licence that applies to a listed component, and where it comes from."""
    if entry.get("license") is not None:
        value = entry["license"]
        return (None, "component") if value in UNLICENSED else (str(value), "component")
    licenses = licenses if isinstance(licenses, Mapping) else {}
    for origin in (component.content_type, "distribution"):
        if name := _name(licenses.get(origin)):
            return name, origin
    return None, None


def evaluate(release: Mapping[str, Any], framework: Framework | None = None) -> MofEvaluation:
    """Grade a release (the ``release`` mapping of a model file) exactly as the Tool does."""
    framework = framework or load_framework()
    entries: dict[str, Mapping[str, Any]] = {}
    for entry in release.get("components") or []:
        if isinstance(entry, Mapping):
            entries[framework.component(entry.get("name")).name] = entry  # duplicate: the last one wins
    statuses: dict[str, ComponentStatus] = {}
    for component in framework.components:
        entry = entries.get(component.name)
        if entry is None:
            statuses[component.name] = ComponentStatus(component, MISSING)
            continue
        licence, origin = _applicable(entry, component, release.get("license"))
        status = UNLICENSED_STATUS if licence is None else OPEN if framework.is_open(licence) else INVALID
        statuses[component.name] = ComponentStatus(component, status, licence, origin, entry)

    def counted(mof_class: int) -> int:
        return sum(statuses[c.name].counts for c in framework.required(mof_class))

    # An open research paper stands in for a technical report that does not count (classes III, II).
    report, paper = statuses[TECHNICAL_REPORT], statuses[RESEARCH_PAPER]
    substituted = not report.counts and paper.status != MISSING
    count3 = counted(3) + (paper.counts if substituted else 0)
    count2 = count3 + counted(2)
    count1 = count2 + counted(1) - (paper.counts if substituted else 0)  # the paper counts once
    need3, need2 = len(framework.required(3)), len(framework.required(3)) + len(framework.required(2))
    need1 = need2 + len(framework.required(1))
    if not report.counts and paper.counts:
        need1 -= 1  # class I asks 13 of 14: the paper replaces the report
    p3 = Fraction(count3, need3)
    p2 = Fraction(count2, need2) if p3 == 1 else Fraction(0)
    p1 = min(Fraction(1), Fraction(count1, need1)) if p3 == 1 and p2 == 1 else Fraction(0)
    progress = {3: p3, 2: p2, 1: p1}
    mof_class = next((c for c in (1, 2, 3) if progress[c] == 1), 0)
    return MofEvaluation(
        components=statuses,
        counted={3: count3, 2: count2, 1: count1},
        required={3: need3, 2: need2, 1: need1},
        progress=progress,
        mof_class=mof_class,
        substituted=substituted,
    )


# --- reading model files ---------------------------------------------------------------------

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = PREFIXES["xsd"]


def _ns(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


LABEL, SOURCE = _ns("rdfs", "label"), _ns("dcterms", "source")
CREATOR, ISSUED, LICENSE = _ns("dcterms", "creator"), _ns("dcterms", "issued"), _ns("dcterms", "license")
DESCRIPTION, HOMEPAGE = _ns("dcterms", "description"), _ns("foaf", "homepage")
QUOTED_FROM, EXACT_MATCH = _ns("prov", "wasQuotedFrom"), _ns("skos", "exactMatch")
SPDX = PREFIXES["spdx"]
LEVELS = {4: "Level4", 3: "Level3", 0: "Level0"}
#: Fallback prefLabels of the levels, should the store not have the ontology.
LEVEL_LABELS = {
    4: "Access and reuse without restriction",
    3: "Open with limitations",
    0: "No public information or access",
}
STATUS_LEVEL = {OPEN: 4, INVALID: 3, UNLICENSED_STATUS: 0}
STATUS_WORD = {OPEN: "open", INVALID: "not open", UNLICENSED_STATUS: "unlicensed"}
ORIGIN_WORD = {
    "component": "set on the component",
    "code": "from the release's code licence",
    "data": "from the release's data licence",
    "document": "from the release's document licence",
    "distribution": "from the release's distribution licence",
}
DATE_FORMATS = ((r"\d{4}-\d{2}-\d{2}", "date"), (r"\d{4}-\d{2}", "gYearMonth"), (r"\d{4}", "gYear"))
_COPYLEFT = re.compile(
    r"^(A?GPL|LGPL|GFDL|MPL|EPL|EUPL|OSL|CDDL|CECILL-2|MS-RL|RPL|Sleepycat|CPL|IPL|SPL|APSL|ODbL|CC-BY-SA|CDLA-Sharing)"
)


def _text(value: str) -> ox.Literal:
    return ox.Literal(value, language="en")


def _is_url(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value.strip()) is not None


class _Reader:
    """One import run: the graph's organizations and licences, and what this run created."""

    def __init__(self, context: ImportContext, framework: Framework) -> None:
        self.context, self.framework, self.base = context, framework, context.base_iri
        self.result = ImportResult()
        self.source = ox.NamedNode(f"{self.base}source/{SOURCE_SLUG}")
        self.orgs = context.organizations()
        self.licence_names = context.licences()
        self.level_labels = dict(LEVEL_LABELS)
        for value, local in LEVELS.items():
            for row in context.store.query(f"SELECT ?label WHERE {{ mokg:{local} skos:prefLabel ?label }}"):
                self.level_labels[value] = row["label"].value
        self.licensings: dict[str, Licensing] = {}
        self.spdx_slugs = {slugify(i): i for i in sorted(framework.licenses, reverse=True)}
        self.spdx_names = {
            normalize(str(entry["name"])): i for i, entry in sorted(framework.licenses.items()) if entry.get("name")
        }

    # -- licences and organizations ------------------------------------------------------------

    def licence(self, name: str) -> Licensing:
        """What a licence string says: the licence it names (the graph's own, else a new mokg licence), or a status.

        A spelling of an id or name of the Tool's licence table ("apache-2.0", "Apache license 2.0")
        names that licence here, although the Tool's exact match does not count it as open; other
        names are matched against the graph's licence ids, labels and alternative labels. Words
        that name no licence ("Component not included", "Purposely left ambiguous") are a licence
        status with the Tool's words (:mod:`mokg.importers.licensing`), never a licence record.
        """
        if name not in self.licensings:
            slug = slugify(name)
            spdx_id = (
                name
                if name in self.framework.licenses
                else self.spdx_slugs.get(slug) or self.spdx_names.get(normalize(name))
            )
            iri = f"{self.base}license/{slug}"
            if spdx_id is not None:
                # An SPDX licence is named by its SPDX IRI, in a file named by its SPDX id (the data
                # conventions), whether the graph already has it or this import creates it.
                iri = f"{SPDX}{spdx_id}"
                file = f"licenses/{spdx_id}.ttl"
                if not self.context.exists(iri) and file not in self.result.files:
                    self.result.add(file, self._licence_record(ox.NamedNode(iri), spdx_id, spdx_id))
            elif normalize(name) in self.licence_names:
                iri = self.licence_names[normalize(name)]
            elif (absent := licensing(name)) is not None:
                self.licensings[name] = absent
                return absent
            elif not self.context.exists(iri) and f"licenses/{slug}.ttl" not in self.result.files:
                self.result.add(f"licenses/{slug}.ttl", self._licence_record(ox.NamedNode(iri), name, slug))
            self.licensings[name] = Licensing(licence=ox.NamedNode(iri))
        return self.licensings[name]

    def _licence_record(self, iri: ox.NamedNode, name: str, slug: str) -> list[ox.Triple]:
        entry = self.framework.licenses.get(name, {})
        is_open = self.framework.is_open(name)
        open_data = name in OPEN_DATA_LICENSES or name == OPENMDW
        if not is_open:
            category = "ProprietaryLicense"
        elif open_data and not _COPYLEFT.match(name):
            category = "OpenDataLicense"
        else:
            category = "CopyleftLicense" if _COPYLEFT.match(name) else "PermissiveLicense"
        if is_open:
            note = "The Model Openness Tool counts it as open (OSI-approved, FSF-libre or open data)."
        else:
            note = "The Model Openness Tool does not count it as open; its terms are not recorded here."
        spdx_id = bool(entry) and re.fullmatch(r"[A-Za-z0-9.+-]+", name) is not None
        triples = [
            ox.Triple(iri, RDF_TYPE, MOKG.License),
            ox.Triple(iri, LABEL, _text(str(entry.get("name") or name.strip()))),
            ox.Triple(iri, DESCRIPTION, _text(f"Licence named '{name.strip()}' in the Model Openness Tool. {note}")),
            ox.Triple(iri, MOKG.licenseId, ox.Literal(name if spdx_id else slug)),
            ox.Triple(iri, MOKG.licenseCategory, MOKG[category]),
            ox.Triple(iri, MOKG.osiApproved, ox.Literal(entry.get("isOsiApproved") is True)),
            ox.Triple(iri, MOKG.openData, ox.Literal(open_data)),
            ox.Triple(iri, MOKG.commercialUseAllowed, ox.Literal(is_open)),
            ox.Triple(iri, MOKG.researchOnly, ox.Literal(False)),
            ox.Triple(iri, SOURCE, self.source),
        ]
        if _is_url(entry.get("reference")):
            triples.append(ox.Triple(iri, HOMEPAGE, ox.NamedNode(entry["reference"])))
        return triples

    def organization(self, producer: str) -> ox.NamedNode:
        key = normalize(producer)
        if key not in self.orgs:
            slug = slugify(producer)
            iri = f"{self.base}org/{slug}"
            if not self.context.exists(iri):
                node = ox.NamedNode(iri)
                self.result.add(
                    f"organizations/{slug}.ttl",
                    [ox.Triple(node, RDF_TYPE, MOKG.Organization), ox.Triple(node, LABEL, _text(producer.strip()))],
                )
            self.orgs[key] = iri
        return ox.NamedNode(self.orgs[key])

    # -- one model file ------------------------------------------------------------------------

    def load(self, path: Path) -> dict[str, Any] | None:
        """The file's ``release``, checked as the Tool's schema would; None (and a Problem) when bad."""
        where = str(path)

        def problem(key: str | None, message: str) -> None:
            self.result.problems.append(Problem(where, key, message))

        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            problem(None, f"not a readable YAML file: {str(error).splitlines()[0] if str(error) else error}")
            return None
        if not isinstance(document, Mapping):
            problem(None, "not a Model Openness Tool model file: expected a mapping with framework and release")
            return None
        if not isinstance(document.get("framework"), Mapping):
            problem("framework", "missing: the Tool skips a model file without its framework block")
            return None
        release = document.get("release")
        if not isinstance(release, Mapping):
            problem("release", "missing or not a mapping")
            return None
        if not isinstance(release.get("name"), str) or not release["name"].strip():
            problem("release.name", "missing or empty: a model is keyed by its name")
            return None
        if not isinstance(release.get("producer"), str):
            problem("release.producer", "missing or not a string")
            return None
        licenses = release.get("license")
        if not isinstance(licenses, Mapping):
            problem("release.license", "missing or not a mapping ({} when there are no global licences)")
            return None
        for kind, block in sorted(licenses.items(), key=lambda item: str(item[0])):
            if block is not None and not isinstance(block, Mapping):
                problem(f"release.license.{kind}", "not a mapping with name and path")
                return None
            if isinstance(block, Mapping) and not isinstance(block.get("name"), str | None):
                problem(f"release.license.{kind}.name", f"not a licence id: {block.get('name')!r}")
                return None
        components = release.get("components")
        if not isinstance(components, list):
            problem("release.components", "missing or not a list of components")
            return None
        for index, entry in enumerate(components):
            key = f"release.components[{index}]"
            if not isinstance(entry, Mapping):
                problem(key, "not a mapping with a component name")
                return None
            if not isinstance(entry.get("license"), str | None):
                problem(f"{key}.license", f"not a licence id: {entry.get('license')!r}")
                return None
            if not self.framework.known(entry.get("name")):
                problem(
                    f"{key}.name",
                    f"unknown component {entry.get('name')!r}: the Tool counts it as Datasets, and so does this import",
                )
        return dict(release)

    def issued(self, path: Path, value: object) -> ox.Literal | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
        if value is None or value == "":
            return None
        text = str(value).strip()
        for pattern, datatype in DATE_FORMATS:
            if re.fullmatch(pattern, text):
                try:
                    dt.date.fromisoformat(text + "-01-01"[len(text) - 4 :])
                except ValueError:
                    break
                return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))
        self.result.problems.append(Problem(str(path), "release.date", f"not a date: {value!r} (left out)"))
        return None

    def model(self, path: Path, release: Mapping[str, Any], match: Match, evaluation: MofEvaluation) -> None:
        """The model record of a model the graph does not know yet."""
        slug = match.iri.rsplit("/", 1)[-1]
        model = ox.NamedNode(match.iri)
        name, producer = release["name"].strip(), release["producer"].strip()
        kind = release.get("type") if isinstance(release.get("type"), str) else ""
        version = release.get("version") if isinstance(release.get("version"), str) else ""
        description = f"{'A ' + kind if kind else 'A'} model by {producer}{f', version {version}' if version else ''}"
        triples = [
            ox.Triple(model, RDF_TYPE, MOKG.Model),
            ox.Triple(model, LABEL, _text(name)),
            ox.Triple(model, DESCRIPTION, _text(f"{description}, as listed in the Model Openness Tool.")),
            ox.Triple(model, CREATOR, self.organization(producer)),
            ox.Triple(model, SOURCE, self.source),
        ]
        if (issued := self.issued(path, release.get("date"))) is not None:
            triples.append(ox.Triple(model, ISSUED, issued))
        architecture = release.get("architecture")
        if isinstance(architecture, str) and architecture.strip() not in ("", "undisclosed"):
            triples.append(ox.Triple(model, MOKG.architecture, _text(architecture.strip())))
        hf = _hf_id(release.get("huggingface"))
        if hf:
            triples.append(ox.Triple(model, EXACT_MATCH, ox.NamedNode(f"https://huggingface.co/{hf}")))
        if _is_url(release.get("repository")):
            triples.append(ox.Triple(model, HOMEPAGE, ox.NamedNode(release["repository"].strip())))
        weights = evaluation.components[WEIGHTS]
        distribution = _name((release.get("license") or {}).get("distribution"))
        if weights.licence is not None:
            model_licence = self.licence(weights.licence)
        elif weights.status == UNLICENSED_STATUS:
            model_licence = Licensing(status=MOKG.NoLicense)
        elif distribution:
            model_licence = self.licence(distribution)
        else:
            model_licence = Licensing(status=MOKG.NoAssertion)
        triples += model_licence.triples(model)
        triples += self.components(model, name, hf, evaluation)
        self.result.add(f"models/{slug}.ttl", triples)

    def fill(self, model: ox.NamedNode, release: Mapping[str, Any], evaluation: MofEvaluation, has: set[str]) -> None:
        """The components the Tool lists that a record another source made lacks (``has``: its MOF types).

        Written with the Tool's claims, each attributed to the Tool (``dcterms:source``): a
        generated record states what its sources say, and the next import of the source that
        made it does not erase them. Curated records are never filled (their gaps are the
        curator's to-do list, rule 80).
        """
        name, hf = release["name"].strip(), _hf_id(release.get("huggingface"))
        listed = {status.component.name for status in evaluation.components.values() if status.status != MISSING}
        triples = self.context.filling(self.components(model, name, hf, evaluation, only=listed), has, self.source)
        if triples:
            self.result.add(f"claims/{SOURCE_SLUG}/{model.value.rsplit('/', 1)[-1]}.ttl", triples)

    def components(
        self,
        model: ox.NamedNode,
        name: str,
        hf: str | None,
        evaluation: MofEvaluation,
        only: set[str] | None = None,
    ) -> list[ox.Triple]:
        """The artifacts of the components the Tool lists (of ``only``, when given), with the licence it applies."""
        triples: list[ox.Triple] = []
        for status in evaluation.components.values():
            type_local, fragment = COMPONENT_TYPES[status.component.name]
            if only is not None and status.component.name not in only:
                continue
            if status.status == MISSING and status.component.name != WEIGHTS:
                continue
            artifact = ox.NamedNode(f"{model.value}#{fragment}")
            label = f"{name} {status.component.name[0].lower()}{status.component.name[1:]}"
            triples += [
                ox.Triple(model, MOKG.hasComponent, artifact),
                ox.Triple(artifact, RDF_TYPE, MOKG.Artifact),
                ox.Triple(artifact, LABEL, _text(label)),
                ox.Triple(artifact, MOKG.componentType, MOKG[type_local]),
            ]
            if status.status == MISSING:  # every model has weights, released or not
                triples += [
                    ox.Triple(artifact, MOKG.availability, MOKG.NotPubliclyAvailable),
                    ox.Triple(
                        artifact, DESCRIPTION, _text("The Model Openness Tool does not list the final parameters.")
                    ),
                ]
                continue
            # A component the Tool lists with "Component not included" for its licence was not released.
            released = status.licence is None or not not_included(status.licence)
            availability = MOKG.DirectDownload if released else MOKG.NotPubliclyAvailable
            triples.append(ox.Triple(artifact, MOKG.availability, availability))
            if status.licence is not None:
                triples += self.licence(status.licence).triples(artifact)
            else:
                triples += Licensing(status=MOKG.NoLicense).triples(artifact)
            if _is_url(status.entry.get("component_path")):
                triples.append(ox.Triple(artifact, MOKG.location, ox.NamedNode(status.entry["component_path"].strip())))
            elif hf and status.component.name in ON_HUGGING_FACE:  # the weights and their card are in the repository
                triples.append(ox.Triple(artifact, MOKG.location, ox.NamedNode(f"https://huggingface.co/{hf}")))
        return triples

    def claims(self, match: Match, evaluation: MofEvaluation) -> None:
        """A claim per listed component, and the MOF class when the Tool awards one."""
        slug = match.iri.rsplit("/", 1)[-1]
        model = ox.NamedNode(match.iri)
        triples: list[ox.Triple] = []

        def claim(fragment: str) -> ox.NamedNode:
            node = ox.NamedNode(f"{self.base}claim/{SOURCE_SLUG}/{slug}/{fragment}")
            triples.extend(
                [
                    ox.Triple(node, RDF_TYPE, MOKG.OpennessClaim),
                    ox.Triple(node, MOKG.aboutModel, model),
                    ox.Triple(node, QUOTED_FROM, self.source),
                ]
            )
            return node

        for status in evaluation.listed:
            type_local, fragment = COMPONENT_TYPES[status.component.name]
            level = STATUS_LEVEL[status.status]
            node = claim(fragment)
            triples += [
                ox.Triple(node, MOKG.componentType, MOKG[type_local]),
                ox.Triple(node, MOKG.opennessLevel, MOKG[LEVELS[level]]),
                ox.Triple(node, MOKG.levelLabel, _text(self.level_labels[level])),
                ox.Triple(node, MOKG.motivation, _text(self.motivation(status))),
            ]
            if status.licence is not None and (claimed := self.licence(status.licence).licence) is not None:
                triples.append(ox.Triple(node, MOKG.claimedLicense, claimed))
        if evaluation.mof_class:
            node = claim("mof-class")
            shares = ", ".join(f"Class {'I' * c} {evaluation.percent(c)} %" for c in (3, 2, 1))
            substitution = " (the research paper stands in for the technical report)" if evaluation.substituted else ""
            triples += [
                ox.Triple(
                    node, MOKG.claimedMOFClass, ox.Literal(str(evaluation.mof_class), datatype=_ns("xsd", "integer"))
                ),
                ox.Triple(
                    node,
                    MOKG.motivation,
                    _text(f"Model Openness Tool: Class {evaluation.mof_class} ({shares}){substitution}"),
                ),
            ]
        self.result.add(f"claims/{SOURCE_SLUG}/{slug}.ttl", triples)

    def motivation(self, status: ComponentStatus) -> str:
        if status.licence is None:
            text = "Model Openness Tool: no licence (unlicensed)"
        else:
            word, origin = STATUS_WORD[status.status], ORIGIN_WORD[status.origin or "component"]
            text = f"Model Openness Tool: licence '{status.licence}' ({word}), {origin}"
            if status.status == OPEN and not self.framework.is_appropriate(
                status.licence, status.component.content_type
            ):
                text += f"; the Tool warns that it is not designed for {status.component.content_type}"
        links = [
            f"{label}: {status.entry[key].strip()}"
            for key, label in (("component_path", "component"), ("license_path", "licence text"))
            if isinstance(status.entry.get(key), str) and status.entry[key].strip()
        ]
        return text + (f" ({'; '.join(links)})" if links else "")

    def source_record(self) -> None:
        source = self.source
        label = "Model Openness Tool"
        self.result.add(
            f"sources/{SOURCE_SLUG}.ttl",
            [
                ox.Triple(source, RDF_TYPE, MOKG.Source),
                ox.Triple(source, LABEL, _text(label)),
                ox.Triple(source, _ns("dcterms", "title"), _text(label)),
                ox.Triple(source, _ns("dcterms", "identifier"), ox.Literal(SOURCE_SLUG)),
                ox.Triple(
                    source,
                    DESCRIPTION,
                    _text(
                        "The Model Openness Tool of LF AI & Data: one file per model listing the components a release "
                        "includes and their licences, graded against the Model Openness Framework's classes "
                        "(Class III open model, Class II open tooling, Class I open science). "
                        "Copyright The Model Openness Tool Authors, MIT licence."
                    ),
                ),
                ox.Triple(source, LICENSE, ox.NamedNode(f"{SPDX}MIT")),
                ox.Triple(source, HOMEPAGE, ox.NamedNode("https://mot.isitopen.ai/")),
                ox.Triple(
                    source,
                    _ns("dcterms", "bibliographicCitation"),
                    ox.Literal("White, M. et al., 2024. The Model Openness Framework. arXiv:2403.13784."),
                ),
            ],
        )


def _hf_id(value: object) -> str | None:
    """``owner/name`` of a Hugging Face model URL, or None (``https://huggingface.co`` alone names no model)."""
    if not _is_url(value):
        return None
    found = re.fullmatch(
        r"https?://(?:www\.)?huggingface\.co/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)(?:/.*)?", value.strip()
    )
    if not found or found.group(1) in ("datasets", "spaces", "docs", "models"):
        return None
    return f"{found.group(1)}/{found.group(2)}"


def _owns_hf_id(release: Mapping[str, Any], files_per_id: Mapping[str | None, int]) -> bool:
    """Whether the release's Hugging Face id identifies it, given how many files of the import give each id.

    Several files may give one id (copy-paste slips in the Tool's data: dbrx-instruct and
    DeepSeek-MoE-16B name deepseek-moe-16b-base). The Tool keys models by name, so such an id
    belongs only to the file whose name is the repository's name; the others match by name. The
    rule looks at the whole import, so the outcome does not depend on file order or earlier runs.
    """
    hf_id = _hf_id(release.get("huggingface"))
    if hf_id is None:
        return True
    return files_per_id[hf_id] == 1 or normalize(release["name"]) == normalize(hf_id.split("/", 1)[1])


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml")]
        else:
            found.append(path)
    return sorted(set(found), key=lambda p: p.as_posix())


#: Matches from the most certain to the least: of two files that land on one model, the first wins.
_CERTAINTY = {"hf-id": 0, "name": 1, "words": 2, "new": 3}


def read(paths: Sequence[Path], context: ImportContext) -> ImportResult:
    """Read Model Openness Tool model files (or folders of them) into records and claims.

    A file is never merged silently into a model another file gives (the Tool keys models by
    name; two spellings or a copied file land on one model): the file matched with the most
    certainty (Hugging Face id, name, words; then the file named after the model, then path
    order) is imported, each other one reported and left out. So is a file whose name
    contradicts its file name (each gives a size the other lacks: Qwen2.5-72B-Instruct.yml
    naming Qwen2.5-32B-Instruct).
    """
    reader = _Reader(context, load_framework())
    releases: list[tuple[Path, dict[str, Any]]] = []
    for path in _files(paths):
        release = reader.load(path)
        if release is None:
            continue
        if contradicts(release["name"], path.stem):
            reader.result.problems.append(
                Problem(str(path), "release.name", f"{release['name']!r} contradicts the file's name: not imported")
            )
            continue
        releases.append((path, release))
    files_per_id = Counter(_hf_id(release.get("huggingface")) for _, release in releases)
    matched: list[tuple[Path, dict[str, Any], Match]] = []
    for path, release in releases:
        if not _owns_hf_id(release, files_per_id):
            release = {**release, "huggingface": None}
        match = context.match_model(release["name"].strip(), _hf_id(release.get("huggingface")))
        matched.append((path, release, match))
    created = {match.iri for _, _, match in matched if match.how == "new"}  # met again by name: still new
    matched = [(p, release, Match(m.source, m.iri, "new") if m.iri in created else m) for p, release, m in matched]
    by_model: dict[str, tuple[Path, dict[str, Any], Match]] = {}

    def certainty(item: tuple[Path, dict[str, Any], Match]) -> tuple[int, bool, str]:
        path, release, match = item
        return _CERTAINTY[match.how], name_key(path.stem) != name_key(release["name"]), path.as_posix()

    for path, release, match in sorted(matched, key=certainty):
        if match.iri in by_model:
            reader.result.problems.append(
                Problem(
                    str(path),
                    "release.name",
                    f"lands on {match.iri}, which {by_model[match.iri][0].name} gives: not merged",
                )
            )
            continue
        by_model[match.iri] = (path, release, match)
        reader.result.matches.append(match)
    own = context.records_from(reader.source)
    generated = context.generated_records(reader.source)
    for iri, (path, release, match) in sorted(by_model.items()):
        evaluation = evaluate(release, reader.framework)
        if iri in created:
            if not release["producer"].strip():
                reader.result.problems.append(
                    Problem(str(path), "release.producer", "empty: a new model needs the organization that made it")
                )
                continue
            reader.model(path, release, match, evaluation)
        elif iri in generated and iri not in own:
            reader.fill(ox.NamedNode(iri), release, evaluation, generated[iri])
        reader.claims(match, evaluation)
        slug = iri.rsplit("/", 1)[-1]
        node = ox.NamedNode(f"{reader.base}claim/{SOURCE_SLUG}/{slug}/match")
        record = match_record(match, node, reader.source, path.name, own)
        reader.result.add(f"claims/{SOURCE_SLUG}/{slug}.ttl", record)
    if reader.result.files:
        reader.source_record()
    return reader.result
