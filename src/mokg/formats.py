"""Every format mokg reads or writes, in one registry, with content negotiation and serialization.

A :class:`Format` is a media type with what the rest of mokg needs to know about it: its
human label, its file suffix (record URLs such as ``/model/olmo-7b.ttl``), the short names
``?format=`` accepts, the pyoxigraph format that parses and writes it, and its W3C format IRI
(service description, VoID). Records, the SPARQL endpoint, VoID, dumps, releases, citations,
the loader and the static site all take their formats from here, so a format is added once.

:func:`serialize` writes RDF *deterministically*: the same triples always give the same bytes
(blank nodes get their RDFC-1.0 canonical labels, statements are sorted), so a strong ETag
can name one representation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mokg.errors import NotAcceptable
from mokg.vocab import PREFIXES

__all__ = [
    "ATOM",
    "BIBTEX",
    "BOOLEAN_FORMATS",
    "CITATION_FORMATS",
    "CSL_JSON",
    "CSV",
    "FORMATS",
    "GRAPH_FORMATS",
    "GZIP",
    "HTML",
    "JSON",
    "JSON_DOCUMENT",
    "JSON_FEED",
    "JSON_LD",
    "LABELS",
    "N_QUADS",
    "N_TRIPLES",
    "RDF_PATCH",
    "RDF_XML",
    "RECORD_FORMATS",
    "RIS",
    "SOLUTION_FORMATS",
    "SPARQL_JSON",
    "SPARQL_XML",
    "SPDX_JSON",
    "TSV",
    "TURTLE",
    "W3C_FORMATS",
    "Format",
    "by_media",
    "canonical",
    "negotiate",
    "serialize",
    "split_suffix",
]

#: Namespace of the W3C's format IRIs (``http://www.w3.org/ns/formats/Turtle``…).
W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """A media type mokg offers or reads, and how to handle it."""

    media_type: str
    label: str
    suffix: str | None = None
    names: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    w3c: str | None = None

    def matches(self, name: str) -> bool:
        """Whether ``?format=name`` asks for this format (a short name or the media type itself)."""
        name = name.strip().lower()
        return name == self.media_type or name in self.names

    @property
    def w3c_iri(self) -> str | None:
        """The format's IRI in the W3C's format namespace, if it has one."""
        return f"{W3C_FORMATS}{self.w3c}" if self.w3c else None


HTML = Format("text/html", "HTML", ".html", ("html",))
JSON_LD = Format(
    "application/ld+json", "JSON-LD", ".jsonld", ("jsonld", "json-ld"), ox.RdfFormat.JSON_LD, w3c="JSON-LD"
)
TURTLE = Format("text/turtle", "Turtle", ".ttl", ("ttl", "turtle"), ox.RdfFormat.TURTLE, w3c="Turtle")
N_TRIPLES = Format(
    "application/n-triples", "N-Triples", ".nt", ("nt", "ntriples"), ox.RdfFormat.N_TRIPLES, w3c="N-Triples"
)
RDF_XML = Format(
    "application/rdf+xml", "RDF/XML", ".rdf", ("rdf", "xml", "rdfxml"), ox.RdfFormat.RDF_XML, w3c="RDF_XML"
)
N_QUADS = Format("application/n-quads", "N-Quads", ".nq", ("nq", "nquads"), ox.RdfFormat.N_QUADS, w3c="N-Quads")
SPARQL_JSON = Format(
    "application/sparql-results+json",
    "SPARQL JSON",
    ".srj",
    ("json", "srj"),
    results=ox.QueryResultsFormat.JSON,
    w3c="SPARQL_Results_JSON",
)
SPARQL_XML = Format(
    "application/sparql-results+xml",
    "SPARQL XML",
    ".srx",
    ("xml", "srx"),
    results=ox.QueryResultsFormat.XML,
    w3c="SPARQL_Results_XML",
)
CSV = Format("text/csv", "CSV", ".csv", ("csv",), results=ox.QueryResultsFormat.CSV, w3c="SPARQL_Results_CSV")
TSV = Format(
    "text/tab-separated-values", "TSV", ".tsv", ("tsv",), results=ox.QueryResultsFormat.TSV, w3c="SPARQL_Results_TSV"
)
JSON = Format("application/json", "JSON", ".json", results=ox.QueryResultsFormat.JSON)
GZIP = Format("application/gzip", "gzip", ".gz", ("gz", "gzip"))
BIBTEX = Format("application/x-bibtex", "BibTeX", ".bib", ("bibtex",))
CSL_JSON = Format("application/vnd.citationstyles.csl+json", "CSL-JSON", ".json", ("csl",))
RIS = Format("application/x-research-info-systems", "RIS", ".ris", ("ris",))
SPDX_JSON = Format("application/spdx3+json", "SPDX 3.0.1 JSON-LD", ".spdx.json", ("spdx",))
#: A JSON document asked for by name (``?format=json``): diffs, histories.
JSON_DOCUMENT = Format("application/json", "JSON", ".json", ("json",))
#: RDF Patch (https://afs.github.io/rdf-patch/), the changes between two snapshots as quads to add and delete.
RDF_PATCH = Format("application/rdf-patch", "RDF Patch", ".rdfp", ("rdf-patch", "patch"))
#: Change feeds: Atom (RFC 4287) and JSON Feed 1.1.
ATOM = Format("application/atom+xml", "Atom", ".atom", ("atom",))
JSON_FEED = Format("application/feed+json", "JSON Feed", ".json", ("json",))

#: Every format, for lookups by media type.
FORMATS: tuple[Format, ...] = (
    HTML, JSON_LD, TURTLE, N_TRIPLES, RDF_XML, N_QUADS, SPARQL_JSON, SPARQL_XML, CSV, TSV, JSON, GZIP,
    BIBTEX, CSL_JSON, RIS, SPDX_JSON,
)  # fmt: skip

#: A record, in the server's order of preference (HTML first: a link followed by a person).
RECORD_FORMATS: tuple[Format, ...] = (HTML, JSON_LD, TURTLE, N_TRIPLES, RDF_XML)
#: A graph: CONSTRUCT and DESCRIBE results, VoID, the service description, the home page's catalogue.
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)
#: SELECT results (``application/json`` last: the same JSON for clients that ask for plain JSON).
SOLUTION_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV, JSON)
#: ASK results.
BOOLEAN_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, JSON)
#: Citations of a record (BibTeX first: what ``*/*`` gets).
CITATION_FORMATS: tuple[Format, ...] = (BIBTEX, CSL_JSON, RIS)


#: Each format's label by media type (the templates' ``FORMAT_NAME``).
LABELS: dict[str, str] = {f.media_type: f.label for f in FORMATS}


def by_media(media_type: str) -> Format | None:
    """The format of a media type (parameters such as ``charset`` ignored), if mokg knows it."""
    media = media_type.split(";")[0].strip().lower()
    return next((f for f in FORMATS if f.media_type == media), None)


def split_suffix(name: str, formats: Sequence[Format]) -> tuple[str, Format | None]:
    """``alpaca-7b.ttl`` → (``alpaca-7b``, Turtle): the name without a suffix one of ``formats`` has."""
    for candidate in formats:
        if candidate.suffix and name.endswith(candidate.suffix):
            return name.removesuffix(candidate.suffix), candidate
    return name, None


# --------------------------------------------------------------------------------------------
# Content negotiation (RFC 9110 §12.5.1)
# --------------------------------------------------------------------------------------------


def _accepted(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """The q-value the most specific matching range gives ``media``."""
    kind = media.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for pattern, quality in ranges:
        specificity = 2 if pattern == media else 1 if pattern == f"{kind}/*" else 0 if pattern == "*/*" else -1
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1] if best[0] >= 0 else 0.0


def negotiate(offered: Sequence[Format], accept: str | None, format_name: str | None = None) -> Format:
    """The offered format to answer with.

    ``?format=`` (a short name or a media type) wins over the Accept header, whose q-values are
    honoured, ties going to the earlier offer; :class:`NotAcceptable` (406) lists the offers
    when none fits.
    """
    media_types = [f.media_type for f in offered]
    if format_name:
        for candidate in offered:
            if candidate.matches(format_name):
                return candidate
        raise NotAcceptable(f"format {format_name!r} is not offered for this result", media_types)
    ranges = _accepted(accept or "*/*")
    quality, _, index = max((_quality(f.media_type, ranges), -i, i) for i, f in enumerate(offered))
    if quality <= 0:
        raise NotAcceptable(f"nothing offered for this result matches Accept: {accept}", media_types)
    return offered[index]


# --------------------------------------------------------------------------------------------
# Deterministic RDF
# --------------------------------------------------------------------------------------------


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def canonical(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """``triples`` without repeats, blank nodes canonically labelled (RDFC-1.0), in a fixed order."""
    unique = set(triples)
    if any(_has_blank(t) for t in unique):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in unique)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        unique = {ox.Triple(q.subject, q.predicate, q.object) for q in dataset}
    return sorted(unique, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialize(triples: Iterable[ox.Triple], fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    """``triples`` in the RDF format ``fmt``, the same bytes for the same triples (see :func:`canonical`)."""
    if fmt.rdf is None:
        raise ValueError(f"{fmt.label} is not an RDF format")
    ordered = canonical(triples)
    if fmt.rdf == ox.RdfFormat.JSON_LD:
        return ox.serialize(ordered, format=fmt.rdf)
    return ox.serialize(ordered, format=fmt.rdf, prefixes=PREFIXES if prefixes is None else prefixes)
