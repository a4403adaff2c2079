"""The SPARQL 1.1 Protocol: requests in, negotiated results out, every query bounded.

- :func:`parse_request` reads a protocol request (GET, POST form, POST direct) into a
  :class:`SparqlRequest`, refusing updates (read-only service), other methods and bad bodies
  with the status the protocol asks for;
- :func:`negotiate` picks the result format from ``?format=`` or the Accept header (q-values);
- :func:`answer` runs the query on a store and serializes the result, at most ``cap`` rows or
  triples, saying when it truncated;
- :class:`QueryPool` runs :func:`answer` in worker processes. A query past the time limit is
  stopped by ending its worker process: pyoxigraph cannot interrupt a query, and a thread
  left running would keep the CPU busy. The service stays responsive meanwhile: it only waits.

The user's query is never rewritten: the dataset parameters are passed to the engine, and the
cap is applied while reading the results.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import islice
from multiprocessing.connection import Connection
from urllib.parse import parse_qsl

import pyoxigraph as ox

from mokg.errors import (
    MethodNotAllowed,
    MokgError,
    NotAcceptable,
    PayloadTooLarge,
    QueryError,
    QueryTimeout,
    ReadOnly,
    UnsupportedMediaType,
)
from mokg.store import Store
from mokg.vocab import PREFIXES

__all__ = [
    "BOOLEAN_FORMATS",
    "GRAPH_FORMATS",
    "SOLUTION_FORMATS",
    "Example",
    "QueryPool",
    "SparqlAnswer",
    "SparqlRequest",
    "answer",
    "load_examples",
    "negotiate",
    "parse_request",
]

#: Offered media types per result kind, in the server's order of preference, and the
#: short names ``?format=`` accepts for them.
SOLUTION_FORMATS: dict[str, tuple[ox.QueryResultsFormat, tuple[str, ...]]] = {
    "application/sparql-results+json": (ox.QueryResultsFormat.JSON, ("json", "srj")),
    "application/sparql-results+xml": (ox.QueryResultsFormat.XML, ("xml", "srx")),
    "text/csv": (ox.QueryResultsFormat.CSV, ("csv",)),
    "text/tab-separated-values": (ox.QueryResultsFormat.TSV, ("tsv",)),
    "application/json": (ox.QueryResultsFormat.JSON, ()),
}
BOOLEAN_FORMATS = {
    media: SOLUTION_FORMATS[media]
    for media in ("application/sparql-results+json", "application/sparql-results+xml", "application/json")
}
GRAPH_FORMATS: dict[str, tuple[ox.RdfFormat, tuple[str, ...]]] = {
    "text/turtle": (ox.RdfFormat.TURTLE, ("ttl", "turtle")),
    "application/n-triples": (ox.RdfFormat.N_TRIPLES, ("nt", "ntriples")),
    "application/ld+json": (ox.RdfFormat.JSON_LD, ("jsonld", "json-ld")),
    "application/rdf+xml": (ox.RdfFormat.RDF_XML, ("rdf", "xml", "rdfxml")),
}


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
    """A serialized result; ``truncated`` is the cap when the result had more rows than that."""

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
# Content negotiation
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
    """The q-value the most specific matching range gives ``media`` (RFC 9110 §12.5.1)."""
    kind = media.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for pattern, quality in ranges:
        specificity = 2 if pattern == media else 1 if pattern == f"{kind}/*" else 0 if pattern == "*/*" else -1
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1] if best[0] >= 0 else 0.0


def negotiate(
    offered: Iterable[str],
    accept: str | None,
    format_name: str | None = None,
    aliases: dict[str, tuple[str, ...]] | None = None,
) -> str:
    """The offered media type to answer with.

    ``?format=`` (a short name or a media type) wins over the Accept header, whose q-values are
    honoured; :class:`NotAcceptable` lists the offers when none fits.
    """
    offered = list(offered)
    if format_name:
        for media in offered:
            if format_name.lower() == media or (aliases and format_name.lower() in aliases.get(media, ())):
                return media
        raise NotAcceptable(f"format {format_name!r} is not offered for this result", offered)
    ranges = _accepted(accept or "*/*")
    scored = [(_quality(media, ranges), -index, media) for index, media in enumerate(offered)]
    quality, _, media = max(scored)
    if quality <= 0:
        raise NotAcceptable(f"nothing offered for this result matches Accept: {accept}", offered)
    return media


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


def _solutions_json(variables: Sequence[str], rows: Iterable[ox.QuerySolution]) -> bytes:
    bindings = [{name: _term(row[name]) for name in variables if row[name] is not None} for row in rows]
    return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}}).encode()


def _aliases(formats: dict[str, tuple[object, tuple[str, ...]]]) -> dict[str, tuple[str, ...]]:
    return {media: names for media, (_, names) in formats.items()}


def answer(store: Store, request: SparqlRequest, cap: int, base_iri: str | None = None) -> SparqlAnswer:
    """Run ``request`` on ``store``; serialize at most ``cap`` rows (SELECT) or triples (graphs).

    ``base_iri`` is the service-defined base of the protocol: relative IRIs in a query resolve
    against it, so ``<model/olmo-7b>`` names a mokg model.
    """
    result = store.query(
        request.query,
        default_graphs=request.default_graphs,
        named_graphs=request.named_graphs,
        base_iri=base_iri,
    )
    if isinstance(result, ox.QueryBoolean):
        media = negotiate(BOOLEAN_FORMATS, request.accept, request.format, _aliases(BOOLEAN_FORMATS))
        return SparqlAnswer(media, result.serialize(format=BOOLEAN_FORMATS[media][0]))
    if isinstance(result, ox.QueryTriples):
        media = negotiate(GRAPH_FORMATS, request.accept, request.format, _aliases(GRAPH_FORMATS))
        triples = list(islice(result, cap + 1))
        body = ox.serialize(triples[:cap], format=GRAPH_FORMATS[media][0], prefixes=PREFIXES)
        return SparqlAnswer(media, body, cap if len(triples) > cap else None)
    media = negotiate(SOLUTION_FORMATS, request.accept, request.format, _aliases(SOLUTION_FORMATS))
    variables = [variable.value for variable in result.variables]
    rows = list(islice(result, cap + 1))
    body = _solutions_json(variables, rows[:cap])
    results_format = SOLUTION_FORMATS[media][0]
    if results_format != ox.QueryResultsFormat.JSON:
        # One serializer of our own (JSON, for the cap); pyoxigraph writes the other formats.
        body = ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(format=results_format)
    return SparqlAnswer(media, body, cap if len(rows) > cap else None)


# --------------------------------------------------------------------------------------------
# Worker processes
# --------------------------------------------------------------------------------------------


def _work(connection: Connection, opener: Callable[[], Store], cap: int, base_iri: str | None) -> None:
    """A worker's loop: open the store, answer requests until the pipe closes."""
    store = opener()
    connection.send("ready")
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        try:
            connection.send(answer(store, request, cap, base_iri))
        except MokgError as error:  # picklable: the parent raises it as it is
            connection.send(error)


#: Seconds a worker may take to start and open its store before it counts as broken.
WORKER_STARTUP_LIMIT = 60.0


class _Worker:
    def __init__(self, opener: Callable[[], Store], cap: int, base_iri: str | None) -> None:
        self.connection, child = multiprocessing.get_context("spawn").Pipe()
        self.process = multiprocessing.get_context("spawn").Process(
            target=_work, args=(child, opener, cap, base_iri), daemon=True, name="mokg-sparql-worker"
        )
        self.process.start()
        child.close()
        self.ready = False

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class QueryPool:
    """Worker processes, each with the store ``opener`` (a picklable callable) gives it.

    The opener returns a read-only snapshot of an embedded store, or a remote store.

    Each request waits for an idle worker, sends it the request and waits at most ``timeout``
    seconds in all. Past that, the worker is killed (which stops the evaluation) and replaced,
    and the client gets 503 with the limit in the message.
    """

    def __init__(
        self,
        opener: Callable[[], Store],
        *,
        workers: int = 2,
        timeout: float = 5.0,
        cap: int = 10_000,
        base_iri: str | None = None,
    ) -> None:
        self.opener, self.timeout, self.cap, self.base_iri = opener, timeout, cap, base_iri
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers = [self._start() for _ in range(workers)]
        for worker in self._workers:
            self._idle.put_nowait(worker)

    async def run(self, request: SparqlRequest) -> SparqlAnswer:
        loop = asyncio.get_running_loop()
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise QueryTimeout(f"all query workers stayed busy for {self.timeout:g} s: try again later") from None
        if not worker.ready:
            # A new worker first opens its store; the query's time limit starts after that.
            started = await asyncio.to_thread(worker.connection.poll, WORKER_STARTUP_LIMIT)
            if not started or await asyncio.to_thread(worker.connection.recv) != "ready":
                self._replace(worker)
                raise MokgError(f"a query worker did not start within {WORKER_STARTUP_LIMIT:g} s")
            worker.ready = True
        deadline = loop.time() + self.timeout
        # Until its reply is read, the worker may still be busy with this request (a timeout, a
        # client that went away and cancelled us): then it is replaced, never reused.
        replace = True
        try:
            worker.connection.send(request)
            remaining = max(0.0, deadline - loop.time())
            if not await asyncio.to_thread(worker.connection.poll, remaining):
                raise QueryTimeout(f"the query ran longer than the limit of {self.timeout:g} s and was stopped")
            reply = await asyncio.to_thread(worker.connection.recv)
            replace = False
        except (EOFError, OSError):
            raise MokgError("the query worker stopped unexpectedly") from None
        finally:
            if replace:
                self._replace(worker)
            else:
                self._idle.put_nowait(worker)
        if isinstance(reply, MokgError):
            raise reply
        return reply

    def _start(self) -> _Worker:
        return _Worker(self.opener, self.cap, self.base_iri)

    def _replace(self, worker: _Worker) -> None:
        """Stop a worker (and whatever it evaluates) and make a fresh one available."""
        worker.stop()
        self._workers.remove(worker)
        fresh = self._start()
        self._workers.append(fresh)
        self._idle.put_nowait(fresh)

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers.clear()


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
