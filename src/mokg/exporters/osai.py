"""Exporter to the European Open Source AI Index: a model as one of the Index's YAML files.

:func:`entry` writes a model in the structure of the Index's model files (``system``, ``org`` and
one block ``{class, link, notes}`` per dimension), inverting the importer
(:mod:`mokg.importers.osai`):

``system`` and ``org``: mokg's facts
    The end model's name, its base (``mokg:finetunedFrom``), licence, release date, link
    (homepage, else Hugging Face page) and creator (name, homepage, description) are what the
    graph records, corrections included. The Index's own name for the model (kept in the label
    of its score), its entry name, type and notes (kept in the description of a model the
    importer created) are read back where the graph keeps them.

The dimensions: the Index's grades
    A grade is the Index's judgement, not a fact mokg records, so every dimension the Index
    graded is exported as its claim quotes it (``mokg:sourceGrade``, and the notes and links of
    its ``mokg:motivation``); ``licenses``, which has no claim, from the summary of the Index's
    score. A dimension it did not grade stays empty (its template's "not graded"). Where mokg's
    facts disagree with a grade, the validation of the claim says so; the export does not
    regrade. A model the Index does not list gets grades only where the importer's mapping can
    be read backwards from its artifacts: weights, data and training code by their availability
    (direct download: open; registration: partial; not public: closed), with their location as
    the link; documents get their link, their grade is left to the Index's curators.
"""

from __future__ import annotations

import re
from typing import Any

from mokg.exporters.base import Claim, Export, ModelFacts, file_name, licence_text, read_model
from mokg.importers import osai
from mokg.importers.base import MATCH_METHODS
from mokg.store import Store

__all__ = ["entry", "export"]

#: Availability → grade, for a dimension the Index did not grade: the importer's mapping read backwards.
GRADE_OF_AVAILABILITY = {
    "DirectDownload": "open",
    "Clickthrough": "partial",
    "Registration": "partial",
    "NotPubliclyAvailable": "closed",
}
#: The dimensions whose grade says how a component is released (graded from its availability), and
#: those about documents (their link only): each with its component type, from the importer's map.
AVAILABILITY_DIMENSIONS = ("datasources_basemodel", "datasources_endmodel", "weights_endmodel", "trainingcode")
DOCUMENT_DIMENSIONS = ("paper", "modelcard", "datasheet")

_LEVEL_GRADES = {level: word for word, (level, _) in osai.GRADES.items()}
_EMPTY: dict[str, Any] = {"class": None, "link": None, "notes": None}

#: The importer's description of a model it created: the entry's notes, its name and type.
_DESCRIBED = re.compile(
    rf"^(?:(?P<notes>.*) )?Listed in the {re.escape(osai.SOURCE_LABEL)} as “(?P<name>.*)”"
    r"(?: \(type: (?P<type>.*)\))?\.$",
    re.S,
)
#: The label of the importer's score record: the Index's name for the end model.
_SCORED = re.compile(rf"^{re.escape(osai.SOURCE_LABEL)} score of (?P<name>.+)$", re.S)
#: The importer's motivation of a claim: the notes, then the links as evidence.
_EVIDENCE = re.compile(r"^(?:(?P<notes>.*?) ?)?\(Evidence: (?P<links>.*)\.\)$", re.S)
_NO_LONGER_GRADED = re.compile(r"\s*\(Graded by the Index until [^()]*\)$")


def _block(claim: Claim) -> dict[str, Any]:
    """A dimension's block as the Index's file had it: its grade, its links and notes from the claim's motivation."""
    motivation = _NO_LONGER_GRADED.sub("", claim.motivation or "")
    notes, links = motivation, []
    if evidence := _EVIDENCE.match(motivation):
        notes, links = evidence.group("notes") or "", evidence.group("links").split(", ")
    return {
        "class": claim.grade or _LEVEL_GRADES.get(claim.level or ""),
        "link": links[0] if len(links) == 1 else links or None,
        "notes": notes or None,
    }


def _licenses_grade(score: Claim | None) -> str | None:
    """The grade of ``licenses``, which has no claim: read from the summary in the score's description."""
    words = "|".join(osai.GRADES)
    found = re.search(rf"\blicenses ({words})\b", score.description or "") if score else None
    return found.group(1) if found else None


def _from_facts(facts: ModelFacts, key: str) -> dict[str, Any]:
    """A dimension of a model the Index does not list: from the artifact the importer maps it to, if any."""
    if key not in AVAILABILITY_DIMENSIONS + DOCUMENT_DIMENSIONS:
        return dict(_EMPTY)
    parts = [c for c in facts.components if osai.DIMENSION_MAP[key] in c.types]
    if not parts:
        return dict(_EMPTY)
    grade = GRADE_OF_AVAILABILITY.get(parts[0].availability or "") if key in AVAILABILITY_DIMENSIONS else None
    return {"class": grade, "link": parts[0].location, "notes": None}


def _dimensions(facts: ModelFacts, by_row: dict[str, Claim], score: Claim | None) -> dict[str, dict[str, Any]]:
    """Every graded dimension (and a no-longer-graded one the Index's claims carry), in the Index's order."""
    listed = bool(by_row) or score is not None
    keys = [d.key for d in osai.GRADED_DIMENSIONS]
    legacy = [d.key for d in osai.LEGACY_DIMENSIONS if d.key in by_row]  # the Index's files list them before licenses
    at = keys.index("licenses") if "licenses" in keys else len(keys)
    blocks = {}
    for key in [*keys[:at], *legacy, *keys[at:]]:
        if key in by_row:
            blocks[key] = _block(by_row[key])
        elif key == "licenses" and listed:
            blocks[key] = {**_EMPTY, "class": _licenses_grade(score)}
        else:
            blocks[key] = dict(_EMPTY) if listed else _from_facts(facts, key)
    return blocks


def _system(facts: ModelFacts, by_row: dict[str, Claim], score: Claim | None) -> dict[str, Any]:
    """The ``system`` block: the graph's facts, in the Index's words where the graph keeps them."""
    described = _DESCRIBED.match(facts.description or "")
    scored = _SCORED.match(score.label or "") if score else None
    end_match, base_match = facts.matched(osai.SOURCE_SLUG), facts.matched(osai.SOURCE_SLUG, base=True)
    weights = by_row.get("weights_basemodel")
    if base_match is not None:  # the Index's base: its base grades are about that model
        base = base_match.entry
    elif weights is not None and weights.about not in (None, facts.iri):
        base = weights.about_label
    else:
        base = facts.bases[0][1] if facts.bases else None
    # The link the Index identified the model by: its Hugging Face page when it was matched by it.
    by_page = end_match is not None and end_match.method == MATCH_METHODS["hf-id"]
    return {
        "name": described.group("name") if described else facts.label,
        "link": (facts.hugging_face or facts.homepage) if by_page else (facts.homepage or facts.hugging_face),
        "type": (described.group("type") if described else None) or None,
        "performanceclass": None,
        "basemodelname": base or None,
        "endmodelname": end_match.entry if end_match else scored.group("name") if scored else facts.label,
        "endmodellicense": licence_text(facts.licensing, "osai") or None,
        "releasedate": facts.issued,
        "notes": ((described.group("notes") if described else facts.description) or None),
    }


def entry(facts: ModelFacts) -> dict[str, Any]:
    """The model as an Index file: ``system``, ``org`` and the dimensions.

    ``facts`` must hold the Index's claims (``read_models(…, sources=["osai-index"])``).
    """
    claims = facts.claims.get(osai.SOURCE_SLUG, ())
    by_row = {claim.row: claim for claim in claims if claim.row}
    score = next((claim for claim in claims if claim.score is not None), None)
    creator = facts.creator
    return {
        "system": _system(facts, by_row, score),
        "org": {
            "name": creator.label if creator else None,
            "link": creator.homepage if creator else None,
            "notes": creator.description if creator else None,
        },
        **_dimensions(facts, by_row, score),
    }


def export(store: Store, slug: str, base_iri: str) -> Export:
    """The Index's file for ``model/{slug}`` (UnknownRecord if there is no such model)."""
    facts = read_model(store, slug, base_iri, [osai.SOURCE_SLUG])
    document = entry(facts)
    return Export(document, file_name(facts, osai.SOURCE_SLUG, document["system"]["name"], ".yaml"))
