"""Importer for the European Open Source AI Index (https://osai-index.eu/).

The Index keeps one YAML file per model: ``system`` (name, link, type, base and end model names,
the end model's licence, release date, notes), ``org`` (name, link, notes) and one block per
dimension of openness, ``{class: open|partial|closed, link, notes}``. :func:`read` turns those
files into mokg records and claims (``mokg import osai PATH…``).

Which dimensions are graded
    The Index's own ``_parameters.yml`` (next to the model files) lists the graded dimensions
    and their groups (availability, documentation, access); when a file is imported without it,
    :data:`GRADED_DIMENSIONS` is the built-in list. Today 12 dimensions are graded.
    ``package`` and ``api`` were graded until March 2026 and still appear in some files: they
    are not in ``_parameters.yml`` any more, so they are not graded (not in the score);
    ``package`` is still quoted as a claim (its grade is the Index's word, flagged in the
    motivation as no longer graded), ``api`` has no mokg component (see below).

Dimension → claim (one ``mokg:OpennessClaim`` per graded dimension present in the file)
    ======================= ============================ ==================================================
    dimension               mokg:componentType           why
    ======================= ============================ ==================================================
    datasources_basemodel   PreTrainingData              the data the base (foundation) model was trained on
    datasources_endmodel    FineTuningData               the data the end model was tuned on
    weights_basemodel       ModelParametersFinal         the base model's weights: the claim is about the
                                                         base model when it has a record of its own, else
                                                         about the end model (``sourceRow`` tells them apart)
    weights_endmodel        ModelParametersFinal         the weights of the model the Index grades
    trainingcode            TrainingCode                 "source code of dataset processing, model training
                                                         and tuning"
    code                    TrainingCode                 *code documentation*: "is the source code of
                                                         datasource processing, model training and tuning
                                                         comprehensively documented?" It is about the
                                                         training pipeline's code, not inference code, so
                                                         not InferenceCode; ``sourceRow "code"`` marks it.
    hardware_architecture   ModelMetadata                documentation of "system architecture and model
                                                         training setup": the training configuration, not
                                                         the model-architecture code (ModelArchitecture)
    preprint                ResearchPaper                archived preprint(s)
    paper                   ResearchPaper                peer-reviewed paper(s)
    modelcard               ModelCard
    datasheet               DataCard                     datasheet (Gebru et al.) / EU AI Act data summary
    licenses                — (no claim)                 grades the licensing of the *whole project*
                                                         (weights, code and data together): no single
                                                         component carries it, and putting it on one (the
                                                         weights) would misstate that component. It counts
                                                         in the score and is kept in the score record's
                                                         description.
    package (legacy)        SupportingLibraries          "released as a package (PyPI, …)": a library or
                                                         tool released with the model
    api (legacy)            — (no claim)                 a hosted API is an access method, not a component
    ======================= ============================ ==================================================

    Grades: ``open`` → ``mokg:Level4``, ``partial`` → ``mokg:Level3``, ``closed`` → ``mokg:Level0``;
    the level label is the grade word (the ontology knows it as a label of that level) and
    ``mokg:sourceGrade`` keeps it verbatim. An empty class (the Index's "not applicable") or a
    missing dimension gives no claim and counts as closed in the score. Any other grade is a
    :class:`~mokg.importers.base.Problem`. Claim IRIs are
    ``claim/osai-index/{model-slug}/{dimension}`` (the dimension key with hyphens), one file
    ``claims/osai-index/{model-slug}.ttl`` per Index entry, where the model is the end model.

The score (:func:`index_score`)
    The Index's score for a model: open = 1, partial = 0.5, closed or missing = 0, averaged over
    the dimensions it grades (12), as a share from 0 to 1 rounded half up to four decimals
    (a percentage with two). It goes on ``<claim/osai-index/{model-slug}/score>``, a
    ``prov:Entity`` (not an OpennessClaim: it grades no component) with ``mokg:aboutModel``,
    ``mokg:sourceScore`` and ``prov:wasQuotedFrom`` the source. A file with an unknown grade gets
    no score (it could not be reproduced). The Index's files carry no published score.

Models
    The end model (``system.endmodelname``, else ``system.name``, also when the end model's name is
    "undisclosed" or "unknown": Proton's Lumo is "Lumo AI", not a model called Undisclosed) is the
    model the Index grades.
    It is matched with ``context.match_model(name, hf_id)``, the Hugging Face id taken from
    ``system.link`` (skipped when it names the base model, as some entries link the base; then the
    ``weights_endmodel`` link when its repository is named like the end model). A base model
    (``system.basemodelname``, not "unknown"/"undisclosed", not the end model's name) is matched
    the same way (Hugging Face id from the ``weights_basemodel`` link when named like the base);
    a new end model is ``mokg:finetunedFrom`` it. When the ``weights_*`` links show that the
    entry swapped the base and end names (the end weights link names the base, the base weights
    link names the end, and the system link does not name the end model), the names are read
    swapped (Guru, SynLogic); when the system link names the end model, it is the weights links
    that are swapped and the names stand (StripedHyena).

    A new model gets a full record: label, description (``system.notes``, the Index's entry name
    and type), creator (``org``: matched against the graph's organizations by label, IRI slug or
    homepage, else created), licence (``system.endmodellicense``; also ``endmodel license``, as
    two files spell it), ``dcterms:issued`` (``2025-12`` → ``xsd:gYearMonth``), ``skos:exactMatch``
    its Hugging Face page or ``foaf:homepage`` another link, ``dcterms:source`` the Index, and
    components: ``#weights`` (always; availability from ``weights_endmodel``: open → direct
    download, partial → registration (the Index's example is a gated download), closed → not
    publicly available), ``#pretraining-data``, ``#finetuning-data`` and ``#training-code`` when
    graded open (direct download from its link) or closed (not publicly available) — a partial
    grade does not say how the part is released, so it makes no component; ``#finetuning-data``
    only when the entry names a distinct base model (else no fine-tuning stage is known) —, and
    ``#paper``, ``#model-card``, ``#data-card`` when graded open or partial with a link. An
    organization with several links is a collaboration: matched by its name only. A new base model
    gets a smaller record with only what the Index says of it: label, licence status
    ``mokg:NoAssertion`` (the Index names no base model's licence), weights without a licence or
    status (which would cap every claim), and a creator only when its Hugging Face id names the
    owner (the organization of that owner: found among the Index's other entries, then in the
    graph, else created). The end model's organization is not the base's developer.

    Licences: a licence name that is (or is an alias of) the id or label of a licence in the
    graph becomes that licence; words that name no licence ("unknown", "undisclosed", none at
    all) are a licence status (:mod:`mokg.importers.licensing`); any other name becomes a licence
    record of its own, conservatively proprietary with all four booleans false, for a curator to
    complete.

For a model that already exists (matched by Hugging Face id or name), no facts are written,
only the claims and the score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from mokg.identity import contradicts
from mokg.importers.base import (
    ImportContext,
    ImportResult,
    Match,
    Problem,
    homepage_key,
    match_record,
    normalize,
    slugify,
)
from mokg.importers.licensing import Licensing, licensing
from mokg.vocab import MOKG, PREFIXES

__all__ = [
    "CITATION",
    "DIMENSION_MAP",
    "GRADED_DIMENSIONS",
    "GRADES",
    "LEGACY_DIMENSIONS",
    "SOURCE_SLUG",
    "Dimension",
    "grade_of",
    "index_score",
    "load_dimensions",
    "read",
]

SOURCE_SLUG = "osai-index"
SOURCE_LABEL = "European Open Source AI Index"
HOMEPAGE = "https://osai-index.eu/"
DATA_LICENSE = "http://spdx.org/licenses/CC-BY-4.0"
CITATION = (
    "Liesenfeld, A. and Dingemanse, M., 2024. Rethinking open source generative AI: open-washing and the "
    "EU AI Act. FAccT 2024, pp. 1774–1787 (data snapshot DOI 10.5281/zenodo.15386042)"
)


@dataclass(frozen=True)
class Dimension:
    """A dimension the Index grades: its key in the model files, its name and its group."""

    key: str
    name: str
    group: str


#: The graded dimensions when no ``_parameters.yml`` lies next to the files (its content, May 2026).
GRADED_DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("datasources_basemodel", "Base Model Data", "Availability"),
    Dimension("datasources_endmodel", "End User Model Data", "Availability"),
    Dimension("weights_basemodel", "Base Model Weights", "Availability"),
    Dimension("weights_endmodel", "End User Model Weights", "Availability"),
    Dimension("trainingcode", "Training Code", "Availability"),
    Dimension("code", "Code Documentation", "Documentation"),
    Dimension("hardware_architecture", "Hardware Architecture", "Documentation"),
    Dimension("preprint", "Preprint", "Documentation"),
    Dimension("paper", "Paper", "Documentation"),
    Dimension("modelcard", "Modelcard", "Documentation"),
    Dimension("datasheet", "Datasheet", "Documentation"),
    Dimension("licenses", "Licenses", "Access"),
)

#: Dimensions graded until March 2026 that some files still carry: read, never scored.
LEGACY_DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("package", "Package", "Access"),
    Dimension("api", "API and Meta Prompts", "Access"),
)

#: Dimension key → mokg component type of its claim (local name), or None: no component claim.
DIMENSION_MAP: dict[str, str | None] = {
    "datasources_basemodel": "PreTrainingData",
    "datasources_endmodel": "FineTuningData",
    "weights_basemodel": "ModelParametersFinal",
    "weights_endmodel": "ModelParametersFinal",
    "trainingcode": "TrainingCode",
    "code": "TrainingCode",
    "hardware_architecture": "ModelMetadata",
    "preprint": "ResearchPaper",
    "paper": "ResearchPaper",
    "modelcard": "ModelCard",
    "datasheet": "DataCard",
    "licenses": None,
    "package": "SupportingLibraries",
    "api": None,
}

#: Grade word → (mokg level, score value).
GRADES: dict[str, tuple[str, Decimal]] = {
    "open": ("Level4", Decimal(1)),
    "partial": ("Level3", Decimal("0.5")),
    "closed": ("Level0", Decimal(0)),
}
_EMOJI = {"🟩": "open", "🟧": "partial", "🟥": "closed"}
_SCORE_PLACES = Decimal("0.0001")

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_RDFS, _XSD, _DCT = PREFIXES["rdfs"], PREFIXES["xsd"], PREFIXES["dcterms"]
_FOAF, _PROV, _SKOS = PREFIXES["foaf"], PREFIXES["prov"], PREFIXES["skos"]
LABEL = ox.NamedNode(_RDFS + "label")
DESCRIPTION = ox.NamedNode(_DCT + "description")

#: Hugging Face paths that are not ``owner/model`` repositories.
_HF_NOT_MODELS = {"datasets", "spaces", "papers", "docs", "blog", "collections", "organizations", "models", "tasks"}
#: Base model names that name no model.
_NO_BASE = {"", "unknown", "undisclosed", "none", "na", "notapplicable"}


def _named(value: object) -> str:
    """A model name the Index gives, or "" for none: "unknown", "undisclosed?", "N/A"…"""
    name = _text(value)
    return "" if normalize(name.rstrip("?")) in _NO_BASE else name


#: Licence names (normalized) → licence id in the graph, for wordings that match no id or label.
_LICENSE_ALIASES = {
    "apache": "Apache-2.0",
    "apache2": "Apache-2.0",
    "apachelicense20": "Apache-2.0",
    "mitlicense": "MIT",
    "llamalicenseagreement": "llama-license",
    "llama2communitylicense": "llama-2-community",
}


# --- dimensions and score --------------------------------------------------------------------------------------


def load_dimensions(path: Path) -> tuple[Dimension, ...]:
    """The graded dimensions an Index ``_parameters.yml`` lists (groups of ``params`` with a ``ref``).

    Raises ``ValueError`` when the file is not such a list.
    """
    try:
        groups = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read the Index's dimensions: {error}") from None
    if not isinstance(groups, list):
        raise ValueError("expected a list of dimension groups")
    dimensions = []
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("params"), list):
            raise ValueError("every group needs a list of params")
        for param in group["params"]:
            if not isinstance(param, dict) or not isinstance(param.get("ref"), str):
                raise ValueError("every param needs a ref")
            dimensions.append(Dimension(param["ref"], str(param.get("name") or param["ref"]), str(group.get("name"))))
    if not dimensions:
        raise ValueError("lists no dimensions")
    return tuple(dimensions)


def grade_of(entry: Any) -> str | None:
    """The grade word of a dimension block (``open``, ``partial``, ``closed``), or None when not graded.

    A missing block or an empty class is not graded. Raises ``ValueError`` for anything else.
    """
    if entry is None:
        return None
    if not isinstance(entry, dict):
        raise ValueError(f"expected a block with class, link and notes, not {entry!r}")
    value = entry.get("class")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(f"unknown grade {value!r} (expected open, partial or closed)")
    word = value.strip()
    for emoji, meaning in _EMOJI.items():
        if word.startswith(emoji):
            word = word.removeprefix(emoji).strip() or meaning
    if word.lower() not in GRADES:
        raise ValueError(f"unknown grade {value!r} (expected open, partial or closed)")
    return word.lower()


def index_score(model_yaml: dict, dimensions: Iterable[Dimension | str] = GRADED_DIMENSIONS) -> Decimal:
    """The Index's score of a model: open 1, partial 0.5, closed or missing 0, averaged over ``dimensions``.

    The mean is rounded half up to four decimals (a share from 0 to 1; a percentage with two) and
    normalized (``Decimal("0.5")``, not ``0.5000``). Dimensions the file carries but that are not
    in ``dimensions`` (``package``, ``api`` since March 2026) do not count. Raises ``ValueError``
    on an unknown grade or when no dimension is given.
    """
    keys = [d.key if isinstance(d, Dimension) else d for d in dimensions]
    if not keys:
        raise ValueError("no dimensions to average over")
    total = Decimal(0)
    for key in keys:
        grade = grade_of(model_yaml.get(key))
        if grade is not None:
            total += GRADES[grade][1]
    score = (total / len(keys)).quantize(_SCORE_PLACES, rounding=ROUND_HALF_UP)
    return score.normalize() if score else Decimal(0)


# --- helpers ---------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _links(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [_text(v) for v in values if _text(v)]


def _iri(value: str) -> ox.NamedNode | None:
    """A NamedNode for a web link, or None when it is not a usable absolute http(s) IRI."""
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        return None
    try:
        return ox.NamedNode(value)
    except ValueError:
        return None


def _hf_repo(link: str) -> tuple[str, str] | None:
    """``(owner, name)`` of a Hugging Face model page, or None."""
    match = re.match(r"^https?://(?:www\.)?huggingface\.co/([^/\s?#]+)/([^/\s?#]+)", link)
    if not match or match.group(1).lower() in _HF_NOT_MODELS:
        return None
    return match.group(1), match.group(2)


def _first_hf(value: Any) -> tuple[str, str] | None:
    for link in _links(value):
        if repo := _hf_repo(link):
            return repo
    return None


def _release_date(value: Any) -> ox.Literal | None:
    """``dcterms:issued`` from the Index's release date: ``2025-12``, ``2024 NOV``, ``2024``, a full date."""
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    if hasattr(value, "isoformat") and hasattr(value, "year"):
        return ox.Literal(value.isoformat()[:10], datatype=ox.NamedNode(_XSD + "date"))
    text = _text(value).lower()
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return ox.Literal(text, datatype=ox.NamedNode(_XSD + "date"))
    if (match := re.fullmatch(r"(\d{4})[-/ ](\d{1,2})", text)) and 1 <= int(match.group(2)) <= 12:
        return ox.Literal(f"{match.group(1)}-{int(match.group(2)):02d}", datatype=ox.NamedNode(_XSD + "gYearMonth"))
    if (match := re.fullmatch(r"(\d{4})[- ]([a-z]{3})[a-z]*\.?", text)) and match.group(2) in months:
        month = months.index(match.group(2)) + 1
        return ox.Literal(f"{match.group(1)}-{month:02d}", datatype=ox.NamedNode(_XSD + "gYearMonth"))
    if re.fullmatch(r"\d{4}", text):
        return ox.Literal(text, datatype=ox.NamedNode(_XSD + "gYear"))
    return None


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


# --- reading ---------------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One model file of the Index, read and checked."""

    path: Path
    data: dict
    dimensions: tuple[Dimension, ...]
    end_name: str
    base_name: str | None
    end_hf: tuple[str, str] | None
    base_hf: tuple[str, str] | None
    base_owner: str | None
    grades: dict[str, str] = field(default_factory=dict)
    scorable: bool = True
    end: Match | None = None
    base: Match | None = None


class _Importer:
    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.base = context.base_iri
        self.result = ImportResult()
        self.source = ox.NamedNode(f"{self.base}source/{SOURCE_SLUG}")
        self._dimensions: dict[Path, tuple[Dimension, ...]] = {}
        self._orgs = context.organizations()
        self._licenses = context.licences()
        self._owner_orgs: dict[str, dict] = {}

    # --- files ---

    def files(self, paths: Sequence[Path]) -> list[Path]:
        found: set[Path] = set()
        for path in paths:
            if path.is_dir():
                for candidate in sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")]):
                    if not candidate.name.startswith("_") and "template" not in candidate.name.lower():
                        found.add(candidate)
            elif path.exists():
                found.add(path)
            else:
                self.problem(path, None, "no such file or folder")
        return sorted(found)

    def problem(self, path: Path, key: str | None, message: str) -> None:
        self.result.problems.append(Problem(str(path), key, message))

    def dimensions_for(self, path: Path) -> tuple[Dimension, ...]:
        folder = path.parent
        if folder not in self._dimensions:
            parameters = folder / "_parameters.yml"
            dimensions = GRADED_DIMENSIONS
            if parameters.is_file():
                try:
                    dimensions = load_dimensions(parameters)
                except ValueError as error:
                    self.problem(parameters, None, f"{error}; using the built-in list of the 12 graded dimensions")
            for dimension in dimensions:
                if dimension.key not in DIMENSION_MAP:
                    self.problem(parameters, dimension.key, "a dimension mokg has no mapping for: graded, no claim")
            self._dimensions[folder] = dimensions
        return self._dimensions[folder]

    def load(self, path: Path) -> _Entry | None:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            self.problem(path, None, f"cannot read the file: {error}")
            return None
        except yaml.YAMLError as error:
            self.problem(path, None, f"not valid YAML: {' '.join(str(error).split())}")
            return None
        if not isinstance(data, dict):
            self.problem(path, None, "not an Index model file: expected a mapping with system, org and dimensions")
            return None
        system, org = data.get("system"), data.get("org")
        if not isinstance(system, dict) or not _text(system.get("name")):
            self.problem(path, "system.name", "missing: every Index entry names its system")
            return None
        if not isinstance(org, dict) or not _text(org.get("name")):
            self.problem(path, "org.name", "missing: every Index entry names the organization behind the model")
            return None
        dimensions = self.dimensions_for(path)
        known = {d.key for d in dimensions} | {d.key for d in LEGACY_DIMENSIONS}
        grades: dict[str, str] = {}
        scorable = True
        for key in sorted(data):
            if key in ("system", "org"):
                continue
            if key not in known:
                if isinstance(data[key], dict) and "class" in data[key]:
                    self.problem(path, key, "not a dimension of the Index: ignored")
                continue
            try:
                grade = grade_of(data[key])
            except ValueError as error:
                self.problem(path, f"{key}.class", str(error))
                scorable = scorable and key not in {d.key for d in dimensions}
                continue
            if grade is not None:
                grades[key] = grade
        # "Undisclosed": the end model is then the system, all the Index names.
        end_name = _named(system.get("endmodelname")) or _text(system["name"])
        base_name = _named(system.get("basemodelname"))
        end_weights, base_weights = data.get("weights_endmodel"), data.get("weights_basemodel")
        end_weights_hf = _first_hf(end_weights.get("link")) if isinstance(end_weights, dict) else None
        base_weights_hf = _first_hf(base_weights.get("link")) if isinstance(base_weights, dict) else None
        system_hf = _hf_repo(_text(system.get("link")))
        if (
            base_name
            and end_weights_hf
            and base_weights_hf
            and normalize(end_weights_hf[1]) == normalize(base_name) != normalize(end_name)
            and normalize(base_weights_hf[1]) == normalize(end_name)
            and not (system_hf and normalize(system_hf[1]) == normalize(end_name))
        ):
            # The entry swapped the names: both weights links say so, and the system link does not contradict
            # them (when it names the end model, it is the weights links that are swapped).
            end_name, base_name = base_name, end_name
        if normalize(base_name) == normalize(end_name):
            base_name = ""
        end_hf = system_hf
        if end_hf and base_name and normalize(end_hf[1]) == normalize(base_name):
            end_hf = None  # the entry links its base model
        if end_hf is None and end_weights_hf and normalize(end_weights_hf[1]) == normalize(end_name):
            end_hf = end_weights_hf
        base_hf = None
        if base_name and base_weights_hf and normalize(base_weights_hf[1]) == normalize(base_name):
            base_hf = base_weights_hf
        if base_hf and end_hf and base_hf[0].lower() == end_hf[0].lower() and base_hf[1].lower() == end_hf[1].lower():
            base_hf = None
        base_owner = base_weights_hf[0] if base_name and base_weights_hf and base_weights_hf != end_hf else None
        return _Entry(
            path, data, dimensions, end_name, base_name or None, end_hf, base_hf, base_owner, grades, scorable
        )

    # --- the import ---

    def run(self, paths: Sequence[Path]) -> ImportResult:
        entries = [entry for path in self.files(paths) if (entry := self.load(path)) is not None]
        for entry in entries:  # who is behind each Hugging Face owner, according to the Index
            if entry.end_hf:
                self._owner_orgs.setdefault(entry.end_hf[0].lower(), entry.data["org"])
        ends: dict[str, Path] = {}
        new_ends: set[str] = set()
        kept = []
        for entry in entries:
            if contradicts(entry.end_name, entry.path.stem):  # Qwen2.5-72B.yaml grading Qwen2.5-32B
                self.problem(entry.path, "system.endmodelname", "contradicts the file's name: not imported")
                continue
            entry.end = self.context.match_model(entry.end_name, "/".join(entry.end_hf) if entry.end_hf else None)
            if entry.end.iri in ends:
                self.problem(entry.path, "system.endmodelname", f"{ends[entry.end.iri]} already grades this model")
                continue
            ends[entry.end.iri] = entry.path
            if entry.end.how == "new":
                new_ends.add(entry.end.iri)
            kept.append(entry)
        new_bases: set[str] = set()
        for entry in kept:
            if entry.base_name:
                entry.base = self.context.match_model(
                    entry.base_name, "/".join(entry.base_hf) if entry.base_hf else None
                )
                if entry.base.iri == entry.end.iri:
                    entry.base = None
                elif entry.base.how == "new" and entry.base.iri not in new_ends:
                    new_bases.add(entry.base.iri)
        created = new_ends | new_bases
        own = self.context.records_from(self.source)
        generated = self.context.generated_records(self.source)
        for entry in kept:
            slug = entry.end.iri.rsplit("/", 1)[-1]
            for match, fragment in ((entry.end, "match"), (entry.base, "match-base")):
                if match is not None:  # a model first met in this import is new, however it was met again
                    match = Match(match.source, match.iri, "new" if match.iri in created else match.how)
                    self.result.matches.append(match)
                    node = ox.NamedNode(f"{self.base}claim/{SOURCE_SLUG}/{slug}/{fragment}")
                    record = match_record(match, node, self.source, entry.path.name, own)
                    self.result.add(f"claims/{SOURCE_SLUG}/{slug}.ttl", record)
            if entry.end.iri in new_ends:
                self.model_record(entry)
            elif entry.end.iri in generated and entry.end.iri not in own:
                self.fill(entry, generated[entry.end.iri])
            if entry.base is not None and entry.base.iri in new_bases:
                new_bases.discard(entry.base.iri)  # the first entry naming a new base writes its record
                self.base_record(entry)
            self.claims(entry)
        if kept:
            self.source_record()
        return self.result

    # --- records ---

    def source_record(self) -> None:
        s = self.source
        self.result.add(
            f"sources/{SOURCE_SLUG}.ttl",
            [
                ox.Triple(s, RDF_TYPE, MOKG.Source),
                ox.Triple(s, LABEL, _en(SOURCE_LABEL)),
                ox.Triple(s, ox.NamedNode(_DCT + "title"), _en(SOURCE_LABEL)),
                ox.Triple(s, ox.NamedNode(_DCT + "identifier"), ox.Literal(SOURCE_SLUG)),
                ox.Triple(
                    s,
                    DESCRIPTION,
                    _en(
                        "The European Open Source AI Index grades generative AI models on 12 dimensions of "
                        "openness (availability, documentation, access) as open, partial or closed, from one "
                        "YAML file per model."
                    ),
                ),
                ox.Triple(s, ox.NamedNode(_DCT + "license"), ox.NamedNode(DATA_LICENSE)),
                ox.Triple(s, ox.NamedNode(_FOAF + "homepage"), ox.NamedNode(HOMEPAGE)),
                ox.Triple(s, ox.NamedNode(_DCT + "bibliographicCitation"), ox.Literal(CITATION)),
            ],
        )

    def organization(self, name: str, link: Any = None, notes: str = "") -> ox.NamedNode:
        """The organization called ``name``: an existing one (label, slug or homepage), else a new record."""
        links = _links(link)
        # One homepage identifies an organization; several name a collaboration, which is its own record.
        homes = [homepage_key(links[0])] if len(links) == 1 and _iri(links[0]) else []
        for key in [normalize(name), normalize(slugify(name)), *("home:" + h for h in homes)]:
            if key in self._orgs:
                return ox.NamedNode(self._orgs[key])
        iri = f"{self.base}org/{slugify(name)}"
        for key in [normalize(name), normalize(slugify(name)), *("home:" + h for h in homes)]:
            self._orgs.setdefault(key, iri)
        node = ox.NamedNode(iri)
        triples = [
            ox.Triple(node, RDF_TYPE, MOKG.Organization),
            ox.Triple(node, LABEL, _en(name)),
            ox.Triple(node, ox.NamedNode(_DCT + "source"), self.source),
        ]
        if notes:
            triples.append(ox.Triple(node, DESCRIPTION, _en(notes)))
        if len(links) == 1 and (home := _iri(links[0])):
            triples.append(ox.Triple(node, ox.NamedNode(_FOAF + "homepage"), home))
        self.result.add(f"organizations/{slugify(name)}.ttl", triples)
        return node

    def _organization_of(self, org: dict) -> ox.NamedNode:
        return self.organization(_text(org["name"]), org.get("link"), _text(org.get("notes")))

    def license(self, name: str) -> Licensing:
        """What a licence name in the Index says: a licence of the graph, a new conservative record, or a status.

        Words that name no licence ("unknown", "undisclosed", "Purposely left ambiguous") are a
        licence status with the Index's words (:mod:`mokg.importers.licensing`); no name at all
        is ``mokg:NoAssertion`` with no words: the Index states nothing.
        """
        key = normalize(_LICENSE_ALIASES.get(normalize(name), name))
        if key in self._licenses:
            return Licensing(licence=ox.NamedNode(self._licenses[key]))
        if (absent := licensing(name)) is not None:
            return absent
        slug = slugify(name)
        iri = f"{self.base}license/{slug}"
        self._licenses[key] = self._licenses[normalize(slug)] = iri
        node = ox.NamedNode(iri)
        description = (
            f"The licence the European Open Source AI Index names “{name}”. Its terms are not recorded in "
            "mokg yet: conservatively a proprietary licence allowing nothing until a curator completes it."
        )
        self.result.add(
            f"licenses/{slug}.ttl",
            [
                ox.Triple(node, RDF_TYPE, MOKG.License),
                ox.Triple(node, LABEL, _en(name)),
                ox.Triple(node, DESCRIPTION, _en(description)),
                ox.Triple(node, MOKG.licenseId, ox.Literal(slug)),
                ox.Triple(node, MOKG.licenseCategory, MOKG.ProprietaryLicense),
                *(
                    ox.Triple(node, MOKG[flag], ox.Literal(False))
                    for flag in ("osiApproved", "openData", "commercialUseAllowed", "researchOnly")
                ),
                ox.Triple(node, ox.NamedNode(_DCT + "source"), self.source),
            ],
        )
        return Licensing(licence=node)

    def base_creator(self, entry: _Entry) -> ox.NamedNode | None:
        """The developer of the entry's base model, when the Index says who it is: the owner of its Hugging Face id.

        An entry whose base model has no Hugging Face id says nothing of its developer: the end
        model's organization would be a guess (Claire-7B's OpenLLM-France is not Falcon-7B's TII).
        """
        owner = entry.base_owner
        if not owner:
            return None
        if entry.end_hf and owner.lower() == entry.end_hf[0].lower():
            return self._organization_of(entry.data["org"])
        if owner.lower() in self._owner_orgs:
            return self._organization_of(self._owner_orgs[owner.lower()])
        return self.organization(owner, f"https://huggingface.co/{owner}")

    def model_record(self, entry: _Entry) -> None:
        system, data = entry.data["system"], entry.data
        model = ox.NamedNode(entry.end.iri)
        slug = entry.end.iri.rsplit("/", 1)[-1]
        org = self._organization_of(data["org"])
        licence_name = system.get("endmodellicense", system.get("endmodel license"))
        licence = self.license(_text(licence_name))
        triples = [
            ox.Triple(model, RDF_TYPE, MOKG.Model),
            ox.Triple(model, LABEL, _en(entry.end_name)),
            ox.Triple(model, ox.NamedNode(_DCT + "creator"), org),
            *licence.triples(model),
            ox.Triple(model, ox.NamedNode(_DCT + "source"), self.source),
        ]
        description = _text(system.get("notes"))
        listed = f"Listed in the European Open Source AI Index as “{_text(system['name'])}”"
        if _text(system.get("type")):
            listed += f" (type: {_text(system.get('type'))})"
        triples.append(ox.Triple(model, DESCRIPTION, _en(f"{description} {listed}.".strip())))
        if "releasedate" in system and system["releasedate"] is not None:
            if issued := _release_date(system["releasedate"]):
                triples.append(ox.Triple(model, ox.NamedNode(_DCT + "issued"), issued))
            else:
                self.problem(entry.path, "system.releasedate", f"not a date: {system['releasedate']!r}")
        link = _text(system.get("link"))
        if entry.end_hf:
            triples.append(ox.Triple(model, ox.NamedNode(_SKOS + "exactMatch"), ox.NamedNode(_hf_url(entry.end_hf))))
        if link and not _hf_repo(link) and (home := _iri(link)):
            triples.append(ox.Triple(model, ox.NamedNode(_FOAF + "homepage"), home))
        if entry.base is not None:
            triples.append(ox.Triple(model, MOKG.finetunedFrom, ox.NamedNode(entry.base.iri)))
        weights_location = None
        if entry.end_hf:
            weights_location = _hf_url(entry.end_hf)
        triples += self.weights(
            model,
            entry.end_name,
            entry.grades.get("weights_endmodel"),
            licence,
            data.get("weights_endmodel"),
            weights_location,
        )
        triples += self.components(model, entry)
        self.result.add(f"models/{slug}.ttl", triples)

    def base_record(self, entry: _Entry) -> None:
        data = entry.data
        model = ox.NamedNode(entry.base.iri)
        slug = entry.base.iri.rsplit("/", 1)[-1]
        licence = Licensing(status=MOKG.NoAssertion)  # the Index states no licence of a base model
        creator = self.base_creator(entry)
        triples = [
            ox.Triple(model, RDF_TYPE, MOKG.Model),
            ox.Triple(model, LABEL, _en(entry.base_name)),
            *licence.triples(model),
            ox.Triple(model, ox.NamedNode(_DCT + "source"), self.source),
            *([ox.Triple(model, ox.NamedNode(_DCT + "creator"), creator)] if creator else []),
            ox.Triple(
                model,
                DESCRIPTION,
                _en(f"The base model of {entry.end_name}, as the European Open Source AI Index names it."),
            ),
        ]
        location = None
        if entry.base_hf:
            location = _hf_url(entry.base_hf)
            triples.append(ox.Triple(model, ox.NamedNode(_SKOS + "exactMatch"), ox.NamedNode(location)))
        triples += self.weights(
            model,
            entry.base_name,
            entry.grades.get("weights_basemodel"),
            licence,
            data.get("weights_basemodel"),
            location,
        )
        self.result.add(f"models/{slug}.ttl", triples)

    def weights(
        self, model: ox.NamedNode, label: str, grade: str | None, licence: Licensing, block: Any, hf: str | None
    ) -> list[ox.Triple]:
        node = ox.NamedNode(f"{model.value}#weights")
        availability = {"open": "DirectDownload", "partial": "Registration"}.get(grade or "", "NotPubliclyAvailable")
        triples = [
            ox.Triple(model, MOKG.hasComponent, node),
            ox.Triple(node, RDF_TYPE, MOKG.Artifact),
            ox.Triple(node, LABEL, _en(f"{label} weights")),
            ox.Triple(node, MOKG.componentType, MOKG.ModelParametersFinal),
            ox.Triple(node, MOKG.availability, MOKG[availability]),
        ]
        if licence.licence is not None or licence.statement:
            # What the Index says of the weights' licence. When it says nothing, nothing is said of the weights:
            # a status there would cap every claim about the model and the models derived from it (rule 5).
            triples += licence.triples(node)
        if availability != "NotPubliclyAvailable":
            links = _links(block.get("link")) if isinstance(block, dict) else []
            hf_links = [link for link in links if _hf_repo(link)]
            for candidate in [hf, *hf_links, *links]:
                if candidate and (location := _iri(candidate)):
                    triples.append(ox.Triple(node, MOKG.location, location))
                    break
        return triples

    def fill(self, entry: _Entry, has: set[str]) -> None:
        """The components the Index establishes that a record another source made lacks (``has``: its MOF types).

        Written with the Index's claims, each attributed to the Index: the record states what its
        sources say. Curated records are never filled (their gaps are the curator's to-do, rule 80).
        """
        model = ox.NamedNode(entry.end.iri)
        triples = self.context.filling(self.components(model, entry), has, self.source)
        if triples:
            self.result.add(f"claims/{SOURCE_SLUG}/{entry.end.iri.rsplit('/', 1)[-1]}.ttl", triples)

    def components(self, model: ox.NamedNode, entry: _Entry) -> list[ox.Triple]:
        """The components (other than the weights) the Index's grades and links establish."""
        triples: list[ox.Triple] = []
        label = entry.end_name
        availability_dimensions = (
            ("datasources_basemodel", "pretraining-data", "PreTrainingData", "pre-training data"),
            ("datasources_endmodel", "finetuning-data", "FineTuningData", "fine-tuning data"),
            ("trainingcode", "training-code", "TrainingCode", "training code"),
        )
        for key, fragment, component_type, noun in availability_dimensions:
            grade = entry.grades.get(key)
            if grade not in ("open", "closed") or (key == "datasources_endmodel" and entry.base is None):
                continue  # partial: how the part is released is unknown; no distinct base: no fine-tuning stage known
            location = next((n for link in _links(entry.data[key].get("link")) if (n := _iri(link))), None)
            if grade == "open" and location is None:
                continue
            triples += self._component(
                model,
                fragment,
                component_type,
                f"{label} {noun}",
                "DirectDownload" if grade == "open" else "NotPubliclyAvailable",
                location if grade == "open" else None,
            )
        document_dimensions = (
            (("preprint", "paper"), "paper", "ResearchPaper", "paper"),
            (("modelcard",), "model-card", "ModelCard", "model card"),
            (("datasheet",), "data-card", "DataCard", "data card"),
        )
        for keys, fragment, component_type, noun in document_dimensions:
            for key in keys:
                if entry.grades.get(key) not in ("open", "partial"):
                    continue
                location = next((n for link in _links(entry.data[key].get("link")) if (n := _iri(link))), None)
                if location is not None:
                    triples += self._component(
                        model, fragment, component_type, f"{label} {noun}", "DirectDownload", location
                    )
                    break
        return triples

    def _component(
        self,
        model: ox.NamedNode,
        fragment: str,
        component_type: str,
        label: str,
        availability: str,
        location: ox.NamedNode | None,
    ) -> list[ox.Triple]:
        node = ox.NamedNode(f"{model.value}#{fragment}")
        triples = [
            ox.Triple(model, MOKG.hasComponent, node),
            ox.Triple(node, RDF_TYPE, MOKG.Artifact),
            ox.Triple(node, LABEL, _en(label)),
            ox.Triple(node, MOKG.componentType, MOKG[component_type]),
            ox.Triple(node, MOKG.availability, MOKG[availability]),
        ]
        if location is not None:
            triples.append(ox.Triple(node, MOKG.location, location))
        return triples

    # --- claims ---

    def claims(self, entry: _Entry) -> None:
        slug = entry.end.iri.rsplit("/", 1)[-1]
        prefix = f"{self.base}claim/{SOURCE_SLUG}/{slug}/"
        end, graded = ox.NamedNode(entry.end.iri), {d.key for d in entry.dimensions}
        triples: list[ox.Triple] = []
        for key, grade in sorted(entry.grades.items()):
            component_type = DIMENSION_MAP.get(key)
            if component_type is None:
                continue
            about = end
            if key == "weights_basemodel" and entry.base is not None:
                about = ox.NamedNode(entry.base.iri)
            claim = ox.NamedNode(prefix + key.replace("_", "-"))
            level = GRADES[grade][0]
            triples += [
                ox.Triple(claim, RDF_TYPE, MOKG.OpennessClaim),
                ox.Triple(claim, MOKG.aboutModel, about),
                ox.Triple(claim, MOKG.componentType, MOKG[component_type]),
                ox.Triple(claim, MOKG.opennessLevel, MOKG[level]),
                ox.Triple(claim, MOKG.levelLabel, _en(grade)),
                ox.Triple(claim, MOKG.sourceGrade, ox.Literal(grade)),
                ox.Triple(claim, MOKG.sourceTable, ox.Literal(SOURCE_LABEL)),
                ox.Triple(claim, MOKG.sourceRow, ox.Literal(key)),
                ox.Triple(claim, ox.NamedNode(_PROV + "wasQuotedFrom"), self.source),
            ]
            motivation = _motivation(entry.data[key])
            if key not in graded:
                motivation = f"{motivation} (Graded by the Index until March 2026; not part of its score.)".strip()
            if motivation:
                triples.append(ox.Triple(claim, MOKG.motivation, _en(motivation)))
        if entry.scorable:
            score = index_score(entry.data, entry.dimensions)
            node = ox.NamedNode(prefix + "score")
            summary = ", ".join(f"{d.key} {entry.grades.get(d.key, 'missing')}" for d in entry.dimensions)
            triples += [
                ox.Triple(node, RDF_TYPE, ox.NamedNode(_PROV + "Entity")),
                ox.Triple(node, LABEL, _en(f"{SOURCE_LABEL} score of {entry.end_name}")),
                ox.Triple(node, MOKG.aboutModel, end),
                ox.Triple(
                    node, MOKG.sourceScore, ox.Literal(format(score, "f"), datatype=ox.NamedNode(_XSD + "decimal"))
                ),
                ox.Triple(
                    node,
                    DESCRIPTION,
                    _en(
                        f"Open = 1, partial = 0.5, closed or missing = 0, averaged over the {len(entry.dimensions)} "
                        f"graded dimensions: {summary}."
                    ),
                ),
                ox.Triple(node, ox.NamedNode(_PROV + "wasQuotedFrom"), self.source),
            ]
        if triples:
            self.result.add(f"claims/{SOURCE_SLUG}/{slug}.ttl", triples)


def _motivation(block: Any) -> str:
    if not isinstance(block, dict):
        return ""
    notes, links = _text(block.get("notes")), _links(block.get("link"))
    if links:
        return f"{notes} (Evidence: {', '.join(links)}.)".strip()
    return notes


def _hf_url(repo: tuple[str, str]) -> str:
    return f"https://huggingface.co/{repo[0]}/{repo[1]}"


def read(paths: Sequence[Path], context: ImportContext) -> ImportResult:
    """Read the Index's model files (files and/or folders) into records, claims and scores."""
    return _Importer(context).run([Path(p) for p in paths])
