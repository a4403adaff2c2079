"""Citations of records: BibTeX, CSL-JSON and RIS for a record and for the entity's own paper.

A record is cited as a dataset entry: title "{label} — mokg record", author "mokg contributors",
publisher "Model Openness Knowledge Graph (mokg)", the persistent IRI as URL (the release IRI
``{base}release/{version}/{kind}/{slug}`` when a release is cited, so the citation keeps
pointing at what was read), the version (the release version, or "living record") and the
date it was accessed. When the entity names its own paper (``mokg:paper``), a second entry
cites the paper: for an arXiv URL, as an arXiv e-print with its identifier and its arXiv DOI
(``10.48550/arXiv.{id}``), dated by the identifier's year and month.

:func:`cite` gathers the facts with one query; :func:`bibtex`, :func:`csl_json` and :func:`ris`
render them; :func:`negotiate_format` picks the format from ``?format=`` or ``Accept``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox

from mokg.errors import MokgError, NotAcceptable
from mokg.formats import BIBTEX, CITATION_FORMATS, CSL_JSON, RIS, Format, negotiate
from mokg.records import KINDS
from mokg.releases import release_iri
from mokg.store import Store

__all__ = [
    "AUTHOR",
    "LIVING",
    "PUBLISHER",
    "Citation",
    "Entry",
    "UnknownRecord",
    "arxiv_id",
    "bibtex",
    "cite",
    "csl_json",
    "negotiate_format",
    "record_url",
    "render",
    "ris",
]

AUTHOR = "mokg contributors"
PUBLISHER = "Model Openness Knowledge Graph (mokg)"
#: The version named when the living record (not a release) is cited.
LIVING = "living record"


class UnknownRecord(MokgError):
    """No entity of that kind has that IRI (HTTP 404, exit 2)."""

    exit_code = 2
    http_status = 404


@dataclass(frozen=True)
class Entry:
    """One bibliography entry, independent of the output format.

    ``authors`` are organization names (corporate authors, never split into given and family
    names). ``issued`` is the publication date, as precise as known: ``(year,)``,
    ``(year, month)`` or ``(year, month, day)``.
    """

    key: str
    kind: str  # "record" or "paper"
    title: str
    url: str
    authors: tuple[str, ...]
    issued: tuple[int, ...]
    publisher: str | None = None
    version: str | None = None
    accessed: date | None = None
    arxiv: str | None = None
    doi: str | None = None


@dataclass(frozen=True)
class Citation:
    """How to cite one record: the record itself and, where known, the entity's own paper."""

    record: Entry
    paper: Entry | None = None

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The record's entry, then the paper's if there is one."""
        return (self.record,) if self.paper is None else (self.record, self.paper)


# --------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------

_ARXIV = re.compile(
    r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/(?P<id>(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7}))"
)


def arxiv_id(url: str) -> str | None:
    """The arXiv identifier of an arXiv abstract or PDF URL (``2307.09288``), version suffix dropped."""
    match = _ARXIV.match(url)
    return match["id"] if match else None


def _arxiv_date(identifier: str) -> tuple[int, ...]:
    """Year and month of a new-style arXiv identifier (``2307.09288`` → 2023, 7); old-style ``hep-th/9901001`` too."""
    digits = identifier.split("/")[-1]
    yy, mm = int(digits[:2]), int(digits[2:4])
    return (2000 + yy if yy < 91 else 1900 + yy, mm)


def record_url(store: Store, iri: str, kind: str, base_iri: str) -> str:
    """The persistent URL of an entity's record: its IRI, or ``{base}license/{id}`` for an SPDX licence."""
    prefix = f"{base_iri}{kind}/"
    if iri.startswith(prefix):
        return iri
    rows = list(store.query(f"SELECT ?id WHERE {{ {ox.NamedNode(iri)} mokg:licenseId ?id }} LIMIT 1"))
    if not rows:
        raise UnknownRecord(f"no {kind} record for {iri}")
    return f"{prefix}{rows[0]['id'].value}"


_FACTS = """
SELECT ?label ?paper ?creatorLabel ?issued WHERE {
  BIND($entity AS ?e)
  ?e a $class .
  OPTIONAL { ?e rdfs:label ?label }
  OPTIONAL { ?e mokg:paper ?paper }
  OPTIONAL { ?e dcterms:creator ?creator . OPTIONAL { ?creator rdfs:label ?creatorLabel } }
  OPTIONAL { ?e dcterms:issued ?issued }
}
"""


def cite(
    store: Store,
    iri: str,
    kind: str,
    *,
    base_iri: str,
    accessed: date,
    version: str | None = None,
    released: date | None = None,
) -> Citation:
    """The citation of the ``kind`` record of entity ``iri``.

    ``version`` names a release (whose store the caller passes; the URL becomes the release
    IRI) and ``released`` its date, which dates the entry; the living record is dated by
    ``accessed``. :class:`UnknownRecord` when no entity of that kind has that IRI.
    """
    if kind not in KINDS:
        raise UnknownRecord(f"no record kind {kind!r} (kinds: {', '.join(KINDS)})")
    query = _FACTS.replace("$entity", str(ox.NamedNode(iri))).replace("$class", str(ox.NamedNode(KINDS[kind].cls)))
    rows = list(store.query(query))
    if not rows:
        raise UnknownRecord(f"no {kind} {iri} in mokg")
    labels = sorted({row["label"].value for row in rows if row["label"] is not None})
    label = labels[0] if labels else iri.rsplit("/", 1)[-1]
    papers = sorted({row["paper"].value for row in rows if row["paper"] is not None})
    creators = tuple(sorted({row["creatorLabel"].value for row in rows if row["creatorLabel"] is not None}))

    url = record_url(store, iri, kind, base_iri)
    slug = url.removeprefix(f"{base_iri}{kind}/")
    if version is not None:
        url = release_iri(base_iri, version, kind, slug)
    dated = released if version is not None and released is not None else accessed
    record = Entry(
        key=f"mokg-{kind}-{slug}" + (f"-{version}" if version else ""),
        kind="record",
        title=f"{label} — mokg record",
        url=url,
        authors=(AUTHOR,),
        issued=(dated.year, dated.month, dated.day),
        publisher=PUBLISHER,
        version=version or LIVING,
        accessed=accessed,
    )
    paper = None
    if papers:
        paper_url = papers[0]
        identifier = arxiv_id(paper_url)
        issued = _arxiv_date(identifier) if identifier else _issued(rows)
        paper = Entry(
            key=f"arXiv:{identifier}" if identifier else f"{kind}-{slug}-paper",
            kind="paper",
            title=f"{_paper_subject(store, paper_url, label)} paper",
            url=f"https://arxiv.org/abs/{identifier}" if identifier else paper_url,
            authors=creators,
            issued=issued,
            publisher="arXiv" if identifier else None,
            arxiv=identifier,
            doi=f"10.48550/arXiv.{identifier}" if identifier else None,
        )
    return Citation(record, paper)


def _paper_subject(store: Store, paper_url: str, label: str) -> str:
    """Whom a paper is named after: the family, when every entity citing the paper is in that one family.

    Llama 2 7B, 13B and 70B share one paper: it is the "Llama 2 paper", not the "Llama 2 7B paper".
    """
    rows = list(
        store.query(
            f"SELECT ?e ?family WHERE {{ ?e mokg:paper {ox.NamedNode(paper_url)} "
            "OPTIONAL { ?e mokg:family/rdfs:label ?family } }"
        )
    )
    families = {row["family"].value if row["family"] is not None else None for row in rows}
    if len({row["e"] for row in rows}) > 1 and len(families) == 1 and None not in families:
        return families.pop()
    return label


def _issued(rows: list[ox.QuerySolution]) -> tuple[int, ...]:
    """The entity's ``dcterms:issued`` as date parts (``2023``, ``2023-10`` or ``2023-10-05``), if any."""
    for row in rows:
        if row["issued"] is not None:
            parts = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", row["issued"].value)
            if parts:
                return tuple(int(p) for p in parts.groups() if p)
    return ()


# --------------------------------------------------------------------------------------------
# BibTeX
# --------------------------------------------------------------------------------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "—": "---",
    "–": "--",
}


def _tex(text: str) -> str:
    """``text`` with LaTeX's special characters escaped, so braces always balance."""
    return "".join(_BIBTEX_SPECIALS.get(char, char) for char in text)


def _bibtex_entry(entry: Entry) -> str:
    fields: list[tuple[str, str]] = []
    if entry.kind == "record":
        # The label is braced so that styles keep its capitals ("Llama 2 7B").
        label = entry.title.removesuffix(" — mokg record")
        fields.append(("title", "{" + _tex(label) + "} --- mokg record"))
    else:
        fields.append(("title", "{" + _tex(entry.title) + "}"))
    if entry.authors:
        fields.append(("author", " and ".join("{" + _tex(name) + "}" for name in entry.authors)))
    if entry.publisher:
        fields.append(("publisher", _tex(entry.publisher)))
    if entry.issued:
        fields.append(("year", str(entry.issued[0])))
    if len(entry.issued) > 1:
        fields.append(("month", _MONTHS[entry.issued[1] - 1]))
    if entry.version:
        fields.append(("version", _tex(entry.version)))
    if entry.arxiv:
        fields += [("eprint", entry.arxiv), ("archivePrefix", "arXiv")]
    if entry.doi:
        fields.append(("doi", entry.doi))
    fields.append(("url", entry.url))
    if entry.accessed:
        fields.append(("urldate", entry.accessed.isoformat()))
    lines = [f"@misc{{{entry.key},"]
    for name, value in fields:
        # Months are BibTeX macros (bare words); everything else is a braced value.
        lines.append(f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines)


def bibtex(citation: Citation) -> str:
    """The citation as BibTeX (``@misc`` entries with biblatex's ``url``, ``urldate``, ``version``, ``eprint``)."""
    return "\n\n".join(_bibtex_entry(entry) for entry in citation.entries) + "\n"


# --------------------------------------------------------------------------------------------
# CSL-JSON
# --------------------------------------------------------------------------------------------


def _csl_item(entry: Entry) -> dict[str, object]:
    item: dict[str, object] = {
        "id": entry.key,
        "type": "dataset" if entry.kind == "record" else "article",
        "title": entry.title,
        "URL": entry.url,
    }
    if entry.authors:
        item["author"] = [{"literal": name} for name in entry.authors]
    if entry.issued:
        item["issued"] = {"date-parts": [list(entry.issued)]}
    if entry.accessed:
        item["accessed"] = {"date-parts": [[entry.accessed.year, entry.accessed.month, entry.accessed.day]]}
    if entry.publisher:
        item["publisher"] = entry.publisher
    if entry.version:
        item["version"] = entry.version
    if entry.arxiv:
        item["number"] = f"arXiv:{entry.arxiv}"
        item["genre"] = "Preprint"
    if entry.doi:
        item["DOI"] = entry.doi
    return item


def csl_json(citation: Citation) -> list[dict[str, object]]:
    """The citation as CSL-JSON items (the input of citeproc processors, Zotero, Pandoc)."""
    return [_csl_item(entry) for entry in citation.entries]


# --------------------------------------------------------------------------------------------
# RIS
# --------------------------------------------------------------------------------------------


def _ris_date(parts: tuple[int, ...]) -> str:
    """RIS's ``YYYY/MM/DD/`` date form, with empty parts where unknown."""
    padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]]
    return "/".join(padded + [""] * (3 - len(padded))) + "/"


def _ris_entry(entry: Entry) -> list[tuple[str, str]]:
    tags: list[tuple[str, str]] = [("TY", "DATA" if entry.kind == "record" else "UNPB"), ("ID", entry.key)]
    tags.append(("TI", entry.title))
    tags += [("AU", name) for name in entry.authors]
    if entry.issued:
        tags += [("PY", str(entry.issued[0])), ("DA", _ris_date(entry.issued))]
    if entry.publisher:
        tags.append(("PB", entry.publisher))
    if entry.version:
        tags.append(("ET", entry.version))
    if entry.arxiv:
        tags.append(("M1", f"arXiv:{entry.arxiv}"))
    if entry.doi:
        tags.append(("DO", entry.doi))
    tags.append(("UR", entry.url))
    if entry.accessed:
        tags.append(("Y2", _ris_date((entry.accessed.year, entry.accessed.month, entry.accessed.day))))
    tags.append(("ER", ""))
    return tags


def ris(citation: Citation) -> str:
    """The citation as RIS: ``TAG  - value`` lines, CRLF line ends, each entry closed by ``ER  - ``."""
    blocks = []
    for entry in citation.entries:
        blocks.append("\r\n".join(f"{tag}  - {' '.join(value.split())}" for tag, value in _ris_entry(entry)))
    return "\r\n\r\n".join(blocks) + "\r\n"


# --------------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------------


def negotiate_format(format_name: str | None, accept: str | None) -> Format:
    """The format to answer a citation request with: ``?format=`` name (or media type) wins, else Accept.

    :class:`mokg.errors.NotAcceptable` (406) names the formats when neither fits. With no
    preference (``*/*``) the answer is BibTeX.
    """
    return negotiate(CITATION_FORMATS, accept, format_name)


def render(citation: Citation, fmt: Format) -> bytes:
    """The citation in ``fmt`` (one of :data:`~mokg.formats.CITATION_FORMATS`), as UTF-8."""
    if fmt == BIBTEX:
        return bibtex(citation).encode()
    if fmt == CSL_JSON:
        return (json.dumps(csl_json(citation), ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == RIS:
        return ris(citation).encode()
    offered = [f.media_type for f in CITATION_FORMATS]
    raise NotAcceptable(f"no citation format {fmt.label}; formats: {', '.join(offered)}", offered)
