"""Rule 80: what sources say that mokg's records do not, component by component.

Two kinds of derived facts, so that a reader never meets two answers for one model without the
reason, and a curator knows what to add:

- **Why a source's MOF class differs from mokg's** (``mokg:ClassDifference``): where a source
  claims a Model Openness Framework class (``mokg:claimedMOFClass``, the Model Openness Tool's)
  that is not the class mokg derives (rule 40), one node per component that one of them counts
  and the other does not, among the components the better of the two classes requires, with
  the reason in words: the component is not recorded, not public, recorded without a licence,
  its licence is resolved differently ("mokg records CC-BY-4.0, the Tool applies Apache-2.0"),
  or the source does not list it or does not count its licence as open.
- **Components a source documents that the record lacks** (``mokg:UnrecordedComponent``): a
  claim about a component (level 1 or more: the source says it is out there) of a Model
  Openness Framework type the model has no record of. This is the curator's to-do list
  (``mokg todo``); record pages show both.

Like rules 30 to 60 (:mod:`mokg.openness`), the rule reads a few flat SELECT queries and decides
per model in Python.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from mokg.lineage import RDF_TYPE
from mokg.openness import ASSESSMENTS, MOF_TYPES, REQUIRED
from mokg.store import Store
from mokg.vocab import MOKG

__all__ = [
    "ACHIEVED",
    "CLASS_CLAIMS",
    "CLASS_DIFFERENCES",
    "COMPONENT_CLAIMS",
    "LABELS",
    "RECORDED_LICENCES",
    "TODO",
    "source_differences",
]

M = str(MOKG)

#: The MOF classes sources claim, with the source and its name.
CLASS_CLAIMS = """
SELECT ?model ?claim ?source ?sourceLabel ?class WHERE {
  ?claim mokg:claimedMOFClass ?class ; mokg:aboutModel ?model ; prov:wasQuotedFrom ?source .
  OPTIONAL { ?source rdfs:label ?sourceLabel }
}"""
#: The class mokg derives (rule 40).
ACHIEVED = "SELECT ?model ?class WHERE { ?model mokg:achievedMOFClass ?class }"
#: Every claim about a component: its model, source, type, level and the licence it names.
COMPONENT_CLAIMS = """
SELECT ?model ?claim ?source ?type ?level ?licence WHERE {
  ?claim a mokg:OpennessClaim ; mokg:aboutModel ?model ; mokg:componentType ?type ; prov:wasQuotedFrom ?source ;
         mokg:opennessLevel/mokg:levelValue ?level .
  OPTIONAL { ?claim mokg:claimedLicense ?licence }
}"""
#: The licences (or licence statuses) of the components of the models a source gives a class.
RECORDED_LICENCES = """
SELECT DISTINCT ?model ?type ?licence WHERE {
  ?classClaim mokg:claimedMOFClass ?class ; mokg:aboutModel ?model .
  ?model mokg:hasComponent ?component .
  ?component mokg:componentType ?type ; dcterms:license|mokg:licenseStatus ?licence .
}"""
#: Names of what the reasons mention: component types, licences, licence statuses.
LABELS = """
SELECT ?thing ?label WHERE {
  { ?thing mokg:mofClass ?class } UNION { ?thing a mokg:License } UNION { ?thing a mokg:LicenseStatus }
  ?thing rdfs:label|skos:prefLabel ?label .
}"""
#: Why sources' MOF classes differ from mokg's: what ``mokg disagreements`` lists after the claims.
CLASS_DIFFERENCES = """
SELECT ?model ?source ?sourceClass ?mokgClass ?component ?reason WHERE {
  ?model mokg:classDifference ?difference .
  ?difference mokg:componentType/skos:prefLabel ?component ; mokg:differenceReason ?reason ; mokg:comparedWith ?claim .
  ?claim mokg:claimedMOFClass ?sourceClass ; prov:wasQuotedFrom/rdfs:label ?source .
  OPTIONAL { ?model mokg:achievedMOFClass ?mokgClass }
} ORDER BY ?model ?source ?component"""
#: The to-do list: what ``mokg todo`` prints (the facts of :func:`source_differences`).
TODO = """
SELECT ?model ?component ?source ?row ?level WHERE {
  ?model mokg:unrecordedComponent ?gap .
  ?gap mokg:componentType/skos:prefLabel ?component ; mokg:documentedBy ?claim .
  ?claim prov:wasQuotedFrom/rdfs:label ?source ; mokg:opennessLevel/skos:notation ?level .
  OPTIONAL { ?claim mokg:sourceRow ?sourceRow }
  BIND(COALESCE(?sourceRow, REPLACE(STR(?claim), "^.*/", "")) AS ?row)
} ORDER BY ?model ?component ?source ?row ?level"""

_COUNTS = {f"<{M}StatusOpen>", f"<{M}StatusConditional>"}
_REPORT, _PAPER = f"<{M}TechnicalReport>", f"<{M}ResearchPaper>"
_STATUS_WORDS = {
    f"<{M}StatusNotPublic>": "not public",
    f"<{M}StatusRestricted>": "restricted",
    f"<{M}StatusUnlicensed>": "unlicensed",
    f"<{M}StatusOpen>": "open",
    f"<{M}StatusConditional>": "open (its licence is not designed for its content)",
}


@dataclass
class _Model:
    """What the rule knows of one model: mokg's view and each source's."""

    achieved: int = 0
    assessed: dict[str, str] = field(default_factory=dict)  # MOF type → status
    licences: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # MOF type → licences
    #: source → MOF type → (the highest level it claims, the licences it names)
    claimed: dict[str, dict[str, tuple[int, set[str]]]] = field(default_factory=lambda: defaultdict(dict))
    documented: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # MOF type → claims


def _node(model: str, kind: str, *parts: str) -> str:
    digest = hashlib.sha1(" ".join(parts).encode()).hexdigest()[:12]
    return f"<{model[1:-1]}#{kind}-{digest}>"


def source_differences(store: Store) -> Iterator[str]:
    """Rule 80: the components behind a source's different MOF class, and those a source documents that records lack."""
    mof_of: dict[str, set[str]] = defaultdict(set)
    for row in store.query(MOF_TYPES):
        mof_of[str(row["type"])].add(str(row["mof"]))
    required: dict[str, int] = {str(row["type"]): int(row["class"].value) for row in store.query(REQUIRED)}
    labels = {str(row["thing"]): row["label"].value for row in store.query(LABELS)}
    models: dict[str, _Model] = defaultdict(_Model)
    for row in store.query(ASSESSMENTS):
        models[str(row["model"])].assessed[str(row["type"])] = str(row["status"])
    for row in store.query(ACHIEVED):
        models[str(row["model"])].achieved = int(row["class"].value)
    for row in store.query(RECORDED_LICENCES):
        for mof in mof_of.get(str(row["type"]), ()):
            models[str(row["model"])].licences[mof].add(str(row["licence"]))
    for row in store.query(COMPONENT_CLAIMS):
        model, level = models[str(row["model"])], int(row["level"].value)
        for mof in mof_of.get(str(row["type"]), ()):
            best, named = model.claimed[str(row["source"])].get(mof, (-1, set()))
            licences = named | ({str(row["licence"])} if row["licence"] is not None else set())
            model.claimed[str(row["source"])][mof] = (max(best, level), licences)
            if level >= 1 and mof not in model.assessed:
                model.documented[mof].add(str(row["claim"]))
    for model_term, model in models.items():
        if model_term.startswith("<"):
            yield from _unrecorded(model_term, model)
    for row in store.query(CLASS_CLAIMS):
        model_term, source = str(row["model"]), str(row["source"])
        if not model_term.startswith("<") or not source.startswith("<"):
            continue
        model, claimed_class = models[model_term], int(row["class"].value)
        if claimed_class == model.achieved:
            continue
        source_label = row["sourceLabel"].value if row["sourceLabel"] is not None else source[1:-1]
        yield from _class_differences(model_term, model, str(row["claim"]), source, source_label, claimed_class,
                                      required, labels)  # fmt: skip


def _unrecorded(model_term: str, model: _Model) -> Iterator[str]:
    for mof, claims in sorted(model.documented.items()):
        node = _node(model_term, "unrecorded", mof)
        yield f"{model_term} <{M}unrecordedComponent> {node} .\n{node} {RDF_TYPE} <{M}UnrecordedComponent> .\n"
        yield f"{node} <{M}componentType> {mof} .\n"
        yield from (f"{node} <{M}documentedBy> {claim} .\n" for claim in sorted(claims) if claim.startswith("<"))


def _counts(view: dict[str, bool], mof: str) -> bool:
    """Whether a view counts a component; an open research paper counts for the technical report (as rule 40)."""
    return view.get(mof, False) or (mof == _REPORT and view.get(_PAPER, False))


def _class_differences(
    model_term: str,
    model: _Model,
    claim: str,
    source: str,
    source_label: str,
    claimed_class: int,
    required: dict[str, int],
    labels: dict[str, str],
) -> Iterator[str]:
    """One ``mokg:ClassDifference`` per required component that mokg and the source count differently."""
    best = min(c for c in (claimed_class, model.achieved) if c) if claimed_class or model.achieved else 0
    ours = {mof: status in _COUNTS for mof, status in model.assessed.items()}
    theirs = {mof: level >= 4 for mof, (level, _) in model.claimed[source].items()}

    def names(terms: set[str]) -> str:
        return ", ".join(sorted(labels.get(term, term.strip("<>")) for term in terms)) or "no licence"

    for mof in sorted(t for t, c in required.items() if c >= best):
        if _counts(ours, mof) == _counts(theirs, mof):
            continue
        level, their_licences = model.claimed[source].get(mof, (-1, set()))
        status, our_licences = model.assessed.get(mof), model.licences.get(mof, set())
        under = f" under {names(their_licences)}" if their_licences else ""
        ours_named, theirs_named, src = names(our_licences), names(their_licences), source_label
        if _counts(theirs, mof):
            if status is None:
                reason = f"mokg records no {labels.get(mof, mof)}; {src} counts it as open{under}"
            elif status == f"<{M}StatusNotPublic>":
                reason = f"mokg records it as not public; {src} counts it as open{under}"
            elif not our_licences:
                reason = f"mokg records no licence for it; {src} counts it as open{under}"
            elif their_licences and not their_licences & our_licences:
                reason = f"licence resolved differently: mokg records {ours_named}, {src} applies {theirs_named}"
            else:
                reason = f"mokg records {ours_named}, which is not an open licence; {src} counts it as open{under}"
        elif level < 0:
            reason = (
                f"{src} does not list it; mokg records it as {_STATUS_WORDS.get(status, 'open')} under {ours_named}"
            )
        elif level == 0:
            reason = f"{src} lists it without a licence (unlicensed); mokg records {ours_named}"
        else:
            theirs_named = theirs_named if their_licences else "its licence"
            reason = f"{src} does not count {theirs_named} as open; mokg records {ours_named}"
        node = _node(model_term, "class-difference", source, mof)
        yield f"{model_term} <{M}classDifference> {node} .\n{node} {RDF_TYPE} <{M}ClassDifference> .\n"
        yield f"{node} <{M}componentType> {mof} .\n{node} <{M}comparedWith> {claim} .\n"
        yield f"{node} <{M}differenceReason> {ox.Literal(reason, language='en')} .\n"
