"""Rules 30 to 60: component status, MOF class, OSAID conformance and openness score, per model.

Each rule reads what it needs in a few flat SELECT queries (one row per component, per
assessment, per derivation edge), then decides model by model in Python and gives N-Triples
lines (see :mod:`mokg.rules`). As SPARQL CONSTRUCTs over the whole graph they cost about a
millisecond per model each on the on-disk store, mostly in joins and property paths evaluated
from every node (rule 50's ``(…)*`` lineage); here the work is a pass over rows the store
streams. The SPARQL texts they reproduce triple for triple (including xsd:decimal digits) are
the specification, kept in ``tests/data/rules-reference/`` and checked by ``tests/test_rules.py``;
docs/openness.md explains each rule in words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pyoxigraph as ox

from mokg.lineage import RDF_TYPE, ancestors, derivation_edges
from mokg.store import Store
from mokg.vocab import MOKG, PREFIXES

__all__ = [
    "ASSESSMENTS",
    "CODE",
    "COMPONENTS",
    "DATA_COMPONENTS",
    "MODELS",
    "MOF_TYPES",
    "OPEN_WEIGHTS",
    "REQUIRED",
    "TRAINED_ON",
    "component_status",
    "mof_class",
    "openness_score",
    "osaid",
]

M = str(MOKG)
_XSD = PREFIXES["xsd"]
#: Every model.
MODELS = "SELECT ?model WHERE { ?model a mokg:Model }"


def _models(store: Store) -> list[str]:
    return [str(row[0]) for row in store.query(MODELS)]


def _iri(term: str) -> str:
    """The IRI of an N-Triples term (``<…>``), or ``""`` for a blank node or literal."""
    return term[1:-1] if term.startswith("<") else ""


def _decimal(value: Decimal) -> str:
    """An xsd:decimal literal as the SPARQL engine writes it: 18 fraction digits at most, no trailing zeros."""
    text = format(value.quantize(Decimal("1e-18"), rounding=ROUND_DOWN), "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return f'"{text}"^^<{_XSD}decimal>'


def _divide(numerator: Decimal | int, denominator: int) -> Decimal:
    """SPARQL's decimal division: truncated after 18 fraction digits."""
    return (Decimal(numerator) / denominator).quantize(Decimal("1e-18"), rounding=ROUND_DOWN)


_NUMERIC = frozenset(
    [
        "integer",
        "decimal",
        "float",
        "double",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "positiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)


def _ebv(term: ox.Term | None) -> bool | None:
    """SPARQL's effective boolean value of a term; ``None`` for unbound or an error."""
    if not isinstance(term, ox.Literal):
        return None
    kind = term.datatype.value.removeprefix(_XSD)
    if kind == "boolean":
        return {"true": True, "1": True, "false": False, "0": False}.get(term.value)
    if kind in ("string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"):
        return term.value != ""
    if kind not in _NUMERIC:
        return None  # a date, an IRI-typed value…: no boolean value in SPARQL
    try:
        number = float(term.value)
    except ValueError:
        return None
    return number == number and number != 0  # NaN is false


def _or(left: bool | None, right: bool | None) -> bool | None:
    """SPARQL's ``||``: true if either side is true, an error if neither is true and one is an error."""
    if left is True or right is True:
        return True
    if left is None or right is None:
        return None
    return False


# --------------------------------------------------------------------------------------------
# Rule 30: component status
# --------------------------------------------------------------------------------------------

#: Each recorded component with an availability, its own type and its licence's openness: one
#: row per licence, one with none when it has no licence the status can read (then with its
#: licence status, if it states one).
COMPONENTS = """
SELECT ?model ?component ?type ?availability ?osi ?openData ?licenceStatus WHERE {
  ?model mokg:hasComponent ?component .
  ?component mokg:componentType ?type ; mokg:availability ?availability .
  OPTIONAL {
    ?component dcterms:license ?licence .
    ?licence mokg:osiApproved ?osi ; mokg:openData ?openData .
  }
  OPTIONAL { ?component mokg:licenseStatus ?licenceStatus }
}"""
#: The MOF component types (with a class and a content type) and the types that refine them.
MOF_TYPES = """
SELECT ?type ?mof ?content WHERE {
  ?mof mokg:mofClass ?class ; mokg:contentType ?content .
  ?type skos:broader* ?mof .
}"""

_OPEN, _CONDITIONAL, _UNLICENSED, _RESTRICTED, _NOT_PUBLIC = 5, 4, 3, 2, 1
_STATUS = {
    _OPEN: "StatusOpen",
    _CONDITIONAL: "StatusConditional",
    _UNLICENSED: "StatusUnlicensed",
    _RESTRICTED: "StatusRestricted",
    _NOT_PUBLIC: "StatusNotPublic",
}
_PUBLIC = {f"<{M}DirectDownload>", f"<{M}Clickthrough>"}


def _rank(availability: str, licence: tuple[ox.Term, ox.Term] | None, content: str, status: str) -> int | None:
    """How open one recorded component is for one content type (5 open … 1 not public); ``None`` on an error.

    A public component with no licence is unlicensed, unless its licence status says no licence
    is known (``mokg:NoAssertion``): no rights can be assumed, so it is restricted.
    """
    public = availability in _PUBLIC
    if availability == f"<{M}NotPubliclyAvailable>":
        return _NOT_PUBLIC
    if licence is None:
        if not public:
            return _NOT_PUBLIC
        return _RESTRICTED if status == f"<{M}NoAssertion>" else _UNLICENSED
    osi, open_data = licence
    is_open = _or(_ebv(osi), _ebv(open_data))
    fits = _ebv(osi) if content == f"<{M}Code>" else _ebv(open_data)
    if public and bool(is_open):  # COALESCE(…, false): an error counts as not open
        if fits is None:
            return None
        return _OPEN if fits else _CONDITIONAL
    return _RESTRICTED


def _assessment(model: str, mof_type: str) -> str:
    return f"<{_iri(model)}#mof-{_iri(mof_type).partition('#')[2].lower()}>"


def component_status(store: Store) -> Iterator[str]:
    """Rule 30: the status of each MOF component a model records (the worst of its records).

    A recorded component is open when it is public (direct download or click-through) under an
    OSI-approved or open-data licence; conditional when that licence is not designed for its
    content type; restricted when public or gated under another licence, or public with no licence
    known (``mokg:NoAssertion``); unlicensed when public without one; not public when not released.
    Refinements count for the MOF component they refine. A MOF component with no record (or none
    with an availability) gets no assessment: it is missing, which rules 40 and 60, records and
    pages read from the absence.
    """
    mof_of: dict[str, list[tuple[str, str]]] = defaultdict(list)  # type → (MOF type, content type)
    for row in store.query(MOF_TYPES):
        mof_of[str(row["type"])].append((str(row["mof"]), str(row["content"])))
    models = set(_models(store))
    worst: dict[tuple[str, str], int] = {}
    for row in store.query(COMPONENTS):
        model = str(row["model"])
        if model not in models:
            continue
        availability = str(row["availability"])
        licence = (row["osi"], row["openData"]) if row["osi"] is not None else None
        for mof_type, content in mof_of.get(str(row["type"]), ()):
            rank = _rank(availability, licence, content, str(row["licenceStatus"]))
            if rank is not None and rank < worst.get((model, mof_type), 6):
                worst[(model, mof_type)] = rank
    kind = f"{RDF_TYPE} <{M}ComponentAssessment>"
    for (model, mof_type), rank in worst.items():
        if not (_iri(model) and _iri(mof_type)):
            continue  # STR() of a blank node is an error: the SPARQL rule makes no node either
        node = _assessment(model, mof_type)
        yield f"{model} <{M}componentAssessment> {node} .\n{node} {kind} .\n"
        yield f"{node} <{M}componentType> {mof_type} .\n{node} <{M}componentStatus> <{M}{_STATUS[rank]}> .\n"


# --------------------------------------------------------------------------------------------
# Rules 40 and 60: MOF class and openness score, from the assessments
# --------------------------------------------------------------------------------------------

ASSESSMENTS = """
SELECT ?model ?type ?status WHERE {
  ?model mokg:componentAssessment ?assessment .
  ?assessment mokg:componentType ?type ; mokg:componentStatus ?status .
}"""
REQUIRED = "SELECT ?type ?class WHERE { ?type mokg:mofRequired true ; mokg:mofClass ?class }"

_COUNTS = {f"<{M}StatusOpen>", f"<{M}StatusConditional>"}
_HALF = {f"<{M}StatusRestricted>", f"<{M}StatusUnlicensed>"}


def _assessed(store: Store) -> tuple[list[str], dict[str, list[tuple[str, str]]], dict[str, list[int]]]:
    """The models, their assessments (type, status) and the required MOF types with their classes."""
    required: dict[str, list[int]] = defaultdict(list)
    for row in store.query(REQUIRED):
        required[str(row["type"])].append(int(row["class"].value))
    assessed: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in store.query(ASSESSMENTS):
        assessed[str(row["model"])].append((str(row["type"]), str(row["status"])))
    return _models(store), assessed, required


def mof_class(store: Store) -> Iterator[str]:
    """Rule 40: MOF progress per class and the class achieved, as the Model Openness Tool computes them.

    A required component counts when open or conditional. Class III needs its 6 required
    components, II those and 4 more (10), I those and 4 more (14); II is 0 unless III is
    complete, I unless III and II are. An open research paper stands in for a technical report
    that does not count; class I then needs 13. The class is the best with progress 1, else 0.
    """
    models, assessed, required = _assessed(store)
    report, paper = f"<{M}TechnicalReport>", f"<{M}ResearchPaper>"
    for model in models:
        own = {3: 0, 2: 0, 1: 0}
        reports = papers = 0
        rows = 0
        for mof_type, status in assessed.get(model, ()):
            counts = 1 if status in _COUNTS else 0
            for level in required.get(mof_type, ()):
                rows += 1
                if level in own and not (level == 3 and mof_type == report):
                    own[level] += counts
                reports += counts if mof_type == report else 0
                papers += counts if mof_type == paper else 0
        counted3 = own[3] + (1 if reports == 1 or papers == 1 else 0) if rows else 0
        p3 = _divide(counted3, 6)
        p2 = _divide(counted3 + own[2], 10) if p3 == 1 else Decimal(0)
        needed1 = 13 if rows and reports == 0 and papers == 1 else 14
        counted1 = counted3 + own[2] + own[1]
        p1 = (Decimal(1) if counted1 >= needed1 else _divide(counted1, needed1)) if p3 == 1 and p2 == 1 else Decimal(0)
        achieved = 1 if p1 == 1 else 2 if p2 == 1 else 3 if p3 == 1 else 0
        yield f"{model} <{M}mofProgressClass3> {_decimal(p3)} .\n{model} <{M}mofProgressClass2> {_decimal(p2)} .\n"
        yield f"{model} <{M}mofProgressClass1> {_decimal(p1)} .\n"
        yield f'{model} <{M}achievedMOFClass> "{achieved}"^^<{_XSD}integer> .\n'


def openness_score(store: Store) -> Iterator[str]:
    """Rule 60: 0 to 100, one decimal: 100 × the sum of the 14 required components' values / 14.

    Open or conditional count 1, restricted or unlicensed 0.5 (public, but not freely
    reusable), not public or missing 0.
    """
    models, assessed, required = _assessed(store)
    for model in models:
        total = Decimal(0)
        for mof_type, status in assessed.get(model, ()):
            if mof_type in required:
                total += Decimal(1) if status in _COUNTS else Decimal("0.5") if status in _HALF else Decimal(0)
        score = _divide(total * 1000, 14).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 10
        yield f"{model} <{M}opennessScore> {_decimal(score)} .\n"


# --------------------------------------------------------------------------------------------
# Rule 50: OSAID conformance
# --------------------------------------------------------------------------------------------

#: Models whose weights are public under an OSI-approved or open-data licence.
OPEN_WEIGHTS = """
SELECT DISTINCT ?model WHERE {
  ?model mokg:hasComponent ?w .
  ?w mokg:componentType mokg:ModelParametersFinal ; dcterms:license ?wl ; mokg:availability ?wa .
  FILTER(?wa IN (mokg:DirectDownload, mokg:Clickthrough))
  ?wl mokg:osiApproved ?wo ; mokg:openData ?wd . FILTER(?wo || ?wd)
}"""
#: Code components with an availability, and whether each is open (public under an OSI licence).
CODE = """
SELECT ?model ?codeType ?open WHERE {
  ?model mokg:hasComponent ?code .
  ?code mokg:componentType ?codeType ; mokg:availability ?availability .
  FILTER(?codeType IN (mokg:TrainingCode, mokg:DataPreprocessingCode, mokg:InferenceCode, mokg:ModelArchitecture))
  OPTIONAL { ?code dcterms:license/mokg:osiApproved ?osi }
  BIND(COALESCE(?osi, false) && ?availability IN (mokg:DirectDownload, mokg:Clickthrough) AS ?open)
}"""
#: Data a term was trained or fine-tuned on, and whether it is withheld.
TRAINED_ON = """
SELECT ?model ?data ?withheld WHERE {
  ?model mokg:trainedOn|mokg:finetunedOn ?data .
  BIND(EXISTS { ?data mokg:availability mokg:NotPubliclyAvailable } AS ?withheld)
}"""
#: The data components: pre-training data (withheld or not) and data cards (with a location or not).
DATA_COMPONENTS = """
SELECT ?model ?type ?withheld ?located WHERE {
  ?model mokg:hasComponent ?component .
  ?component mokg:componentType ?type .
  FILTER(?type IN (mokg:PreTrainingData, mokg:DataCard))
  BIND(EXISTS { ?component mokg:availability mokg:NotPubliclyAvailable } AS ?withheld)
  BIND(EXISTS { ?component mokg:location ?location } AS ?located)
}"""

_CODE_PARTS = {  # element → (its component types, reason when none is recorded, reason when not open)
    "training": (
        {f"<{M}TrainingCode>"},
        "No training code is recorded.",
        "The training code is not public under an OSI-approved licence.",
    ),
    "processing": (
        {f"<{M}DataPreprocessingCode>"},
        "No data-processing code is recorded.",
        "The data-processing code is not public under an OSI-approved licence.",
    ),
    "inference": (
        {f"<{M}InferenceCode>", f"<{M}ModelArchitecture>"},
        "No inference or model-architecture code is recorded.",
        "The inference code is not public under an OSI-approved licence.",
    ),
}
_WEIGHTS_REASON = "The weights are not public under an OSI-approved or open-data licence."
_NO_DATA = "No training data are recorded."
_WITHHELD = "Training data are withheld and no public data card describes them."


def _true(term: ox.Term | None) -> bool:
    return _ebv(term) is True


def osaid(store: Store) -> Iterator[str]:
    """Rule 50: conformance to the OSI Open Source AI Definition 1.0, with a reason for each shortfall.

    The definition asks for the parameters under OSI-approved terms, the complete code to train
    and run the system (data processing included) under OSI-approved licences, and sufficiently
    detailed information about the training data. A recorded element that falls short makes the
    model non-conformant; an element with no record leaves "not enough information". Training
    data count along the lineage: a dataset of the model or of any model it derives from.
    """
    open_weights = {str(row[0]) for row in store.query(OPEN_WEIGHTS)}
    code: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for row in store.query(CODE):
        for part, (types, _, _) in _CODE_PARTS.items():
            if str(row["codeType"]) in types:
                code[str(row["model"])][part].append(_true(row["open"]))
    trained: dict[str, list[bool]] = defaultdict(list)
    for row in store.query(TRAINED_ON):
        trained[str(row["model"])].append(_true(row["withheld"]))
    has_data, withheld_data, located_card = set(), set(), set()
    for row in store.query(DATA_COMPONENTS):
        model = str(row["model"])
        has_data.add(model)
        if str(row["type"]) == f"<{M}PreTrainingData>" and _true(row["withheld"]):
            withheld_data.add(model)
        if str(row["type"]) == f"<{M}DataCard>" and _true(row["located"]):
            located_card.add(model)
    parents = derivation_edges(store)
    for model in _models(store):
        lineage = ancestors(parents, model) | {model}
        data = [withheld for node in lineage for withheld in trained.get(node, ())]
        known = bool(data) or model in has_data
        withheld = (any(data) or model in withheld_data) and model not in located_card
        reasons = [] if model in open_weights else [_WEIGHTS_REASON]
        fails, unknown = model not in open_weights, not known
        for part, (_, missing, closed) in _CODE_PARTS.items():
            found = code[model][part] if model in code else []
            if not found:
                reasons.append(missing)
                unknown = True
            elif not any(found):
                reasons.append(closed)
                fails = True
        if not known:
            reasons.append(_NO_DATA)
        elif withheld:
            reasons.append(_WITHHELD)
            fails = True
        status = "OSAIDNotConformant" if fails else "OSAIDInsufficientInformation" if unknown else "OSAIDConformant"
        yield f"{model} <{M}osaidStatus> <{M}{status}> .\n"
        yield from (f"{model} <{M}osaidReason> {_string(reason)} .\n" for reason in reasons)


def _string(text: str) -> str:
    return str(ox.Literal(text))
