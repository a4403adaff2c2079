"""The SPARQL 1.1 Protocol: requests in, negotiated results out, every query bounded.

- :func:`parse_request` reads a protocol request (GET, POST form, POST direct) into a
  :class:`SparqlRequest`, refusing updates (read-only service), other methods and bad bodies
  with the status the protocol asks for;
- :class:`SparqlJob` is the work a :class:`~mokg.workers.WorkerPool` runs for one request:
  it checks the text (:func:`mokg.untrusted.check_query`: nesting, ``SERVICE``) before any
  engine sees it, then :func:`answer` runs the query and serializes at most ``rows`` rows (or
  triples) and about ``max_bytes`` bytes, saying when it truncated.

The user's query is never rewritten: the dataset parameters are passed to the engine, and the
caps are applied while reading the results.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import parse_qsl

import pyoxigraph as ox

from mokg.errors import MethodNotAllowed, PayloadTooLarge, QueryError, ReadOnly, UnsupportedMediaType
from mokg.formats import BOOLEAN_FORMATS, GRAPH_FORMATS, SOLUTION_FORMATS, negotiate, serialize
from mokg.store import Store
from mokg.untrusted import check_query
from mokg.vocab import PREFIXES
from mokg.workers import WorkerContext

__all__ = [
    "Example",
    "QueryLimits",
    "SparqlAnswer",
    "SparqlJob",
    "SparqlRequest",
    "answer",
    "load_examples",
    "parse_request",
]


@dataclass(frozen=True)
class SparqlRequest:
    """One query as the protocol delivered it."""

    query: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    accept: str = "*/*"
    format: str | None = None


@dataclass(frozen=True)
class SparqlAnswer:
    """A serialized result; ``truncated`` is how many rows (or triples) were kept when the caps cut it."""

    media_type: str
    body: bytes
    truncated: int | None = None


# --------------------------------------------------------------------------------------------
# Request parsing
# --------------------------------------------------------------------------------------------


def _one(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in params if key == name]
    if len(values) > 1:
        raise QueryError(f"more than one {name!r} parameter: send exactly one")
    return values[0] if values else None


def _graphs(params: Sequence[tuple[str, str]], name: str) -> tuple[str, ...] | None:
    values = tuple(value for key, value in params if key == name)
    return values or None


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """The media type and charset of a Content-Type header."""
    if not content_type:
        return "", None
    media, *parameters = (part.strip() for part in content_type.split(";"))
    charset = next(
        (p.split("=", 1)[1].strip('"').lower() for p in parameters if p.lower().startswith("charset=")), None
    )
    return media.lower(), charset


def _utf8(body: bytes, charset: str | None, what: str) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(f"the {what} must be UTF-8, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(f"the {what} is not valid UTF-8: {error}") from None


def parse_request(
    method: str,
    url_params: Sequence[tuple[str, str]],
    content_type: str | None,
    body: bytes,
    *,
    accept: str | None = None,
    max_query_length: int = 100_000,
) -> SparqlRequest | None:
    """Read a SPARQL protocol request; ``None`` means "no query": show the service description.

    Updates are refused (403) however they are sent: the service is read-only.
    """
    if method not in ("GET", "POST"):
        raise MethodNotAllowed(f"{method} is not a SPARQL protocol operation: use GET or POST", ["GET", "POST"])
    params = list(url_params)
    if method == "POST":
        media, charset = _media_type(content_type)
        if media == "application/x-www-form-urlencoded":
            params += parse_qsl(_utf8(body, charset, "form"), keep_blank_values=True)
        elif media == "application/sparql-query":
            params.append(("query", _utf8(body, charset, "query")))
        elif media == "application/sparql-update":
            raise ReadOnly("this SPARQL endpoint is read-only: updates are refused")
        else:
            raise UnsupportedMediaType(
                f"cannot read a POST body of type {media or '(none)'}: send application/sparql-query "
                "or an application/x-www-form-urlencoded form with a 'query' field"
            )
    if any(key in ("update", "using-graph-uri", "using-named-graph-uri") for key, _ in params):
        raise ReadOnly("this SPARQL endpoint is read-only: updates are refused")
    query = _one(params, "query")
    if query is None:
        if method == "POST":
            raise QueryError("no query: send a 'query' parameter")
        return None
    if len(query) > max_query_length:
        raise PayloadTooLarge(f"the query has {len(query)} characters; the limit is {max_query_length}")
    return SparqlRequest(
        query=query,
        default_graphs=_graphs(params, "default-graph-uri"),
        named_graphs=_graphs(params, "named-graph-uri"),
        accept=accept or "*/*",
        format=_one(params, "format"),
    )


# --------------------------------------------------------------------------------------------
# Answering
# --------------------------------------------------------------------------------------------


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, object]:
    """A term in the SPARQL 1.1 JSON results format (with SPARQL 1.2 triple terms)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {"subject": _term(term.subject), "predicate": _term(term.predicate), "object": _term(term.object)},
        }
    literal: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        literal["xml:lang"] = term.language
    elif term.datatype.value != f"{PREFIXES['xsd']}string":
        literal["datatype"] = term.datatype.value
    return literal


@dataclass(frozen=True)
class QueryLimits:
    """What one query may cost: result rows (or triples), result bytes, bracket nesting, endpoints.

    ``services`` are the only ``SERVICE`` endpoints a query may call (none by default).
    """

    rows: int = 10_000
    max_bytes: int = 8_000_000
    depth: int = 64
    services: frozenset[str] = field(default_factory=frozenset)


def _limited(items: Iterable[object], size: Callable[[object], int], limits: QueryLimits) -> tuple[list, bool]:
    """The first items of ``items`` within ``limits.rows`` and ``limits.max_bytes``; whether some were left out."""
    kept, total = [], 0
    for item in items:
        total += size(item)
        if len(kept) == limits.rows or total > limits.max_bytes:
            return kept, True
        kept.append(item)
    return kept, False


def _nt_size(triple: ox.Triple) -> int:
    return len(str(triple)) + 3


def answer(store: Store, request: SparqlRequest, limits: QueryLimits, base_iri: str | None = None) -> SparqlAnswer:
    """Run ``request`` on ``store``, keeping at most ``limits.rows`` rows (or triples) and about ``limits.max_bytes``.

    The byte cap counts each row as SPARQL JSON (each triple as N-Triples) while reading; the
    other formats are written from the kept rows. ``base_iri`` is the service-defined base of
    the protocol: relative IRIs in a query resolve against it, so ``<model/olmo-7b>`` names a
    mokg model.
    """
    result = store.query(
        request.query,
        default_graphs=request.default_graphs,
        named_graphs=request.named_graphs,
        base_iri=base_iri,
    )
    if isinstance(result, ox.QueryBoolean):
        media = negotiate(BOOLEAN_FORMATS, request.accept, request.format)
        return SparqlAnswer(media.media_type, result.serialize(format=media.results))
    if isinstance(result, ox.QueryTriples):
        media = negotiate(GRAPH_FORMATS, request.accept, request.format)
        triples, cut = _limited(result, _nt_size, limits)
        return SparqlAnswer(media.media_type, serialize(triples, media), len(triples) if cut else None)
    media = negotiate(SOLUTION_FORMATS, request.accept, request.format)
    variables = [variable.value for variable in result.variables]
    bindings = ({name: _term(row[name]) for name in variables if row[name] is not None} for row in result)
    kept, cut = _limited(bindings, lambda binding: len(json.dumps(binding)) + 2, limits)
    body = json.dumps({"head": {"vars": variables}, "results": {"bindings": kept}}).encode()
    if media.results != ox.QueryResultsFormat.JSON:
        # One serializer of our own (JSON, for the caps); pyoxigraph writes the other formats.
        body = ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(format=media.results)
    return SparqlAnswer(media.media_type, body, len(kept) if cut else None)


@dataclass(frozen=True)
class SparqlJob:
    """One protocol request, as a worker runs it: the text checked first, then answered."""

    request: SparqlRequest
    limits: QueryLimits
    base_iri: str | None = None

    def __call__(self, context: WorkerContext) -> SparqlAnswer:
        check_query(self.request.query, max_depth=self.limits.depth, allowed_services=self.limits.services)
        return answer(context.store, self.request, self.limits, self.base_iri)


# --------------------------------------------------------------------------------------------
# Example queries
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """An example query shipped in ``mokg/examples``: file stem, title (``# Title:`` line), text."""

    name: str
    title: str
    query: str


def load_examples() -> list[Example]:
    """The example queries, in file-name order (for the query page and the service description)."""
    folder = resources.files("mokg") / "examples"
    if not folder.is_dir():
        return []
    examples = []
    for entry in sorted((e for e in folder.iterdir() if e.name.endswith(".rq")), key=lambda e: e.name):
        text = entry.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        title = first.removeprefix("#").strip().removeprefix("Title:").strip() or entry.name
        examples.append(Example(entry.name.removesuffix(".rq"), title, text))
    return examples
