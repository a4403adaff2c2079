"""Absence is not a licence: what a source's licence text means when it names no licence.

Sources fill their licence fields with more than licence names: "unknown", "undisclosed",
"Purposely left ambiguous", "Component not included", "Other License", "Unknown (Apache-2.0?)",
a link to a paper, the names of the data sets a corpus was built from. Recorded as licences,
such words became licence records that counted as licences (in statistics, in "has a
licence" checks) and stood for facts nobody stated. mokg records them as a *licence status*
instead (``mokg:licenseStatus``, with SPDX's semantics), keeping the source's words in
``mokg:licenseStatement``:

- ``mokg:NoLicense`` (SPDX NONE): the text says there is no licence ("No licence stated",
  "unlicensed");
- ``mokg:NoAssertion`` (SPDX NOASSERTION): the text names no licence: it is empty, made only of
  generic words ("Custom license", "Proprietary", "Purposely left ambiguous"), says the
  component is not included, doubts ("Unknown (Apache-2.0?)"), points elsewhere ("specified in
  the original dataset", a web address), or holds no word a licence name has (``pubmed``, a list
  of data sets).

An importer asks :func:`licensing` only for text that names no licence it knows (an SPDX id, a
licence of the graph by id, label or ``skos:altLabel``): curated spellings are data, so a text
that a curator recognises as a licence becomes one by an ``skos:altLabel`` on its record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from mokg.vocab import MOKG, PREFIXES

__all__ = ["Licensing", "licence_status", "licensing", "not_included"]

_LICENSE = ox.NamedNode(f"{PREFIXES['dcterms']}license")

#: Words that say something about a licence without naming one.
_GENERIC = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "and",
        "or",
        "to",
        "is",
        "it",
        "its",
        "this",
        "see",
        "below",
        "above",
        "here",
        "any",
        "some",
        "other",
        "others",
        "custom",
        "own",
        "license",
        "licence",
        "licenses",
        "licences",
        "licensed",
        "licencing",
        "licensing",
        "proprietary",
        "terms",
        "conditions",
        "unknown",
        "undisclosed",
        "unspecified",
        "unclear",
        "ambiguous",
        "purposely",
        "intentionally",
        "deliberately",
        "left",
        "not",
        "no",
        "none",
        "na",
        "n",
        "tbd",
        "pending",
        "specified",
        "stated",
        "disclosed",
        "provided",
        "given",
        "available",
        "released",
        "component",
        "components",
        "included",
        "include",
    ]
)
#: Fragments that any licence name holds (licences, terms, agreements, RAIL, the common families).
_LICENCE_WORDS = re.compile(
    r"licen[cs]|terms|agreement|\brail\b|openrail|\bgpl|\blgpl|\bagpl|\bmit\b|\bbsd|apache|\bcc[- ]|\bcc0|"
    r"creative ?commons|copyright|\beula\b|\bodc|\bodbl|\bcdla|\bmpl\b|\bepl\b|public domain|unlicen[cs]e|openmdw"
)
_NO_LICENCE = re.compile(r"^(no licen[cs]e( stated| given| specified| provided)?|unlicen[cs]ed|not licen[cs]ed)$")
_NOT_INCLUDED = re.compile(r"not (be )?(includ|releas|available|publi)")
_ELSEWHERE = re.compile(r"\bspecified in\b|\bsee\b|\brefer")


@dataclass(frozen=True)
class Licensing:
    """What a source says of an entity's licence: a licence, or a licence status and the source's words."""

    licence: ox.NamedNode | None = None
    status: ox.NamedNode | None = None
    statement: str = ""

    def triples(self, subject: ox.NamedNode) -> list[ox.Triple]:
        """``dcterms:license`` of the licence, else ``mokg:licenseStatus`` (and ``mokg:licenseStatement``)."""
        if self.licence is not None:
            return [ox.Triple(subject, _LICENSE, self.licence)]
        triples = [ox.Triple(subject, MOKG.licenseStatus, self.status or MOKG.NoAssertion)]
        if self.statement:
            triples.append(ox.Triple(subject, MOKG.licenseStatement, ox.Literal(self.statement, language="en")))
        return triples


def licence_status(text: str) -> ox.NamedNode | None:
    """The licence status ``text`` states when it names no licence (see the module); ``None`` when it may name one."""
    words = text.strip().lower()
    if _NO_LICENCE.match(words):
        return MOKG.NoLicense
    tokens = re.findall(r"[a-z0-9]+", words)
    if (
        set(tokens) <= _GENERIC
        or "?" in words
        or _NOT_INCLUDED.search(words)
        or _ELSEWHERE.search(words)
        or re.match(r"^[a-z][a-z0-9+.-]*://", words)
        or not _LICENCE_WORDS.search(words)
    ):
        return MOKG.NoAssertion
    return None


def not_included(text: str) -> bool:
    """Whether a source's licence text says the component was not released ("Component not included")."""
    return _NOT_INCLUDED.search(text.lower()) is not None


def licensing(text: str) -> Licensing | None:
    """The :class:`Licensing` of a text that names no licence (its status and its words), else ``None``.

    Blank text states nothing: its status has no statement.
    """
    status = licence_status(text)
    if status is None:
        return None
    return Licensing(status=status, statement=text.strip())
