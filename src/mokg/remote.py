"""A remote store: any SPARQL 1.1 Protocol + Graph Store Protocol server, over HTTP.

For deployments that outgrow one machine: several service workers share one store server
(see ``docs/deploy.md``). :class:`RemoteStore` implements the same :class:`~mokg.store.Store`
interface as the embedded store, and returns the same pyoxigraph result objects, so the
loader, the rules and the front ends run unchanged on it.

- **Queries** go through SPARQLWrapper (SPARQL 1.1 Protocol, POST with the query as the
  body). Answers are asked for as SPARQL JSON results (SELECT, ASK) or N-Triples
  (CONSTRUCT, DESCRIBE) and parsed with ``pyoxigraph.parse_query_results`` /
  ``pyoxigraph.parse``. A graph answer is put in a throwaway in-memory pyoxigraph store and
  read back as a real :class:`pyoxigraph.QueryTriples`, so ``isinstance`` checks and
  ``pyoxigraph.serialize`` work as with the embedded store.
- **Prefixes**: the declarations of :data:`mokg.vocab.PREFIXES` that the query does not
  declare itself are prepended, on the query's first line so that the line numbers in the
  server's error messages stay right (columns on that line are corrected in the message).
- **Dataset**: as in the embedded store, a query that names no dataset (no ``FROM``, no
  ``default-graph-uri``/``named-graph-uri``) has the union of all named graphs as its default
  graph. Oxigraph server does this per query with its ``union-default-graph`` parameter (given
  by :meth:`RemoteStore.for_oxigraph`); other servers do it by configuration (``docs/deploy.md``).
- **Writes** use the standard library (``urllib.request``): ``DROP ALL`` with SPARQL Update,
  then one N-Quads upload with the Graph Store Protocol (:meth:`RemoteStore.replace`); PUT or
  DELETE of one graph (:meth:`RemoteStore.replace_graph`).

Errors: a server that cannot be reached, or answers with an error status (5xx, 404…), is
:class:`~mokg.errors.StoreUnavailable`, naming the URL; no answer within ``timeout`` seconds
is :class:`~mokg.errors.StoreTimeout`; a query the server rejects with 400 is
:class:`~mokg.errors.QueryError` with the server's message.

**Not atomic.** ``replace`` is two requests (drop, then upload): between them, and if the
upload fails, readers see an empty store. On Oxigraph server each request is itself a
transaction, so no reader sees a half-uploaded dataset, but nothing makes the pair one
transaction. ``replace_graph`` is one PUT, which Oxigraph server runs as "clear the graph"
then "load the graph": a reader can see the graph empty for that moment. Load with
``mokg load --store http://…`` before the workers serve, as ``docs/deploy.md`` describes.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from typing import IO

import pyoxigraph as ox
from SPARQLWrapper import POST, POSTDIRECTLY, SELECT, SPARQLWrapper

from mokg.errors import ConfigError, QueryError, StoreTimeout, StoreUnavailable
from mokg.store import QueryResult, Store, declares_dataset
from mokg.vocab import PREFIXES

__all__ = ["RemoteStore"]

#: What a query asks for: SPARQL JSON results for SELECT/ASK, N-Triples for CONSTRUCT/DESCRIBE
#: (a server offers only the kind its query form produces), XML results and Turtle as fallbacks.
ACCEPT = (
    "application/sparql-results+json, application/n-triples, application/sparql-results+xml;q=0.5, text/turtle;q=0.5"
)

#: How many characters of a server's error message go into an error.
_MAX_MESSAGE = 2000

_DECLARED_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)


def prefix_header(sparql: str) -> str:
    """The declarations of the :data:`~mokg.vocab.PREFIXES` that ``sparql`` does not declare, on one line.

    The header goes in front of the query on its first line: nothing else in the query changes,
    and it keeps its line numbers. A prefix declared twice is legal SPARQL (the later
    declaration wins), so a declaration the pattern misses does no harm.
    """
    declared = {match.group(1) or "" for match in _DECLARED_PREFIX.finditer(sparql)}
    return "".join(f"PREFIX {name}: <{iri}> " for name, iri in PREFIXES.items() if name not in declared)


#: Positions on the first line in servers' error messages: Oxigraph ("at 1:26"), Jena ("line 1, column 26").
_FIRST_LINE_POSITION = re.compile(r"(\bat 1:|\bline 1, column )(\d+)")


def _unshift(message: str, shift: int) -> str:
    """``message`` with the positions on the query's first line counted without the prefix header."""

    def fix(match: re.Match[str]) -> str:
        column = int(match.group(2))
        return f"{match.group(1)}{column - shift}" if column > shift else match.group(0)

    return _FIRST_LINE_POSITION.sub(fix, message) if shift else message


def _with_params(url: str, params: dict[str, str]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"


def _message(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    return text if len(text) <= _MAX_MESSAGE else f"{text[:_MAX_MESSAGE]}…"


def _is_timeout(error: BaseException) -> bool:
    return isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError)


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol + Graph Store Protocol server as the store.

    ``query_url`` answers queries; ``update_url`` (SPARQL Update) and ``store_url`` (Graph
    Store Protocol, ``?graph=`` indirect identification, N-Quads accepted for the whole
    dataset) are needed only to write: a store without them is read-only, which is all a
    service worker needs. ``timeout`` bounds each socket operation (connect, each read), in
    seconds. ``union_default_graph`` is the name of a query parameter that makes the server use
    the union of the named graphs as the default graph (Oxigraph: ``union-default-graph``); it
    is sent only when the caller does not choose the dataset itself. Without it the server's own
    default graph is used, which must then be configured as the union (``docs/deploy.md``).
    """

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        store_url: str | None = None,
        timeout: float = 10.0,
        union_default_graph: str | None = None,
    ) -> None:
        if timeout <= 0:
            raise ConfigError(f"the timeout of a remote store must be positive, not {timeout}")
        self.query_url = query_url
        self.update_url = update_url
        self.store_url = store_url
        self.timeout = timeout
        self.union_default_graph = union_default_graph

    @classmethod
    def for_oxigraph(cls, base_url: str, *, timeout: float = 10.0) -> RemoteStore:
        """The store of an Oxigraph server (``oxigraph serve``) at ``base_url``, e.g. ``http://127.0.0.1:7878``."""
        base = base_url.rstrip("/")
        return cls(
            f"{base}/query",
            update_url=f"{base}/update",
            store_url=f"{base}/store",
            timeout=timeout,
            union_default_graph="union-default-graph",
        )

    def with_timeout(self, timeout: float) -> RemoteStore:
        """The same store with another time limit (SPARQL workers answer 504 before being stopped)."""
        return RemoteStore(
            self.query_url,
            update_url=self.update_url,
            store_url=self.store_url,
            timeout=timeout,
            union_default_graph=self.union_default_graph,
        )

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, update_url={self.update_url!r}, store_url={self.store_url!r})"

    # -- reading -------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a query on the server; see :meth:`mokg.store.Store.query`.

        The dataset is the same as the embedded store's: ``default-graph-uri`` and
        ``named-graph-uri`` when given (a list that is not given is empty, as the SPARQL 1.1
        Protocol says); else the query's own ``FROM`` / ``FROM NAMED``; else the union default
        graph. ``base_iri`` becomes a ``BASE`` declaration in front of the query (a ``BASE`` of
        the query's own comes after it, and wins).
        """
        header = prefix_header(sparql)
        if base_iri is not None:
            try:
                header = f"BASE <{ox.NamedNode(base_iri).value}> {header}"
            except ValueError as error:
                raise QueryError(f"invalid base IRI {base_iri!r}: {error}") from None
        wrapper = SPARQLWrapper(self.query_url)
        # Set directly rather than with setQuery(), whose guess of the query form (a regular
        # expression) is not needed: the Accept header and the answer's Content-Type decide the
        # format, and the server, not a guess, says whether the text is a query (else 400).
        wrapper.queryString = header + sparql
        wrapper.queryType = SELECT
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(POSTDIRECTLY)  # the query is the body; dataset parameters go in the URL
        wrapper.setOnlyConneg(True)  # no format=/output= parameters: the Accept header decides
        wrapper.addCustomHttpHeader("Accept", ACCEPT)
        for graph in default_graphs or ():
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs or ():
            wrapper.addNamedGraph(graph)
        names_dataset = default_graphs is not None or named_graphs is not None or declares_dataset(sparql)
        if self.union_default_graph and not names_dataset:
            wrapper.addParameter(self.union_default_graph, "true")
        # SPARQLWrapper builds the protocol request; it is sent here rather than with
        # wrapper.query() because that keeps only whole seconds of the timeout (0.5 s becomes
        # "no timeout") and drops the server's error message from its exceptions.
        request = wrapper._createRequest()
        try:
            content_type, body = self._send(request, self.query_url)
        except QueryError as error:
            raise QueryError(_unshift(str(error), len(header))) from None
        return _parse_answer(body, content_type, self.query_url)

    # -- writing -------------------------------------------------------------------------------

    def replace(self, quads: Sequence[ox.Quad]) -> None:
        """Make ``quads`` the whole content: ``DROP ALL``, then one N-Quads upload (not atomic, see the module)."""
        update_url = self._needs(self.update_url, "update_url")
        store_url = self._needs(self.store_url, "store_url")
        self._update(update_url, "DROP ALL")
        if quads:
            with tempfile.TemporaryFile() as body:
                ox.serialize(quads, body, format=ox.RdfFormat.N_QUADS)
                self._upload("POST", store_url, body, "application/n-quads")

    def replace_graph(self, graph: ox.NamedNode, quads: Sequence[ox.Quad]) -> None:
        """PUT ``quads`` as the triples of ``graph``, or DELETE the graph when there are none."""
        triples = (ox.Triple(quad.subject, quad.predicate, quad.object) for quad in quads)
        with tempfile.TemporaryFile() as body:
            ox.serialize(triples, body, format=ox.RdfFormat.N_TRIPLES)
            self.write_graph(graph, body)

    def write_graph(self, graph: ox.NamedNode, ntriples: IO[bytes]) -> None:
        """PUT the N-Triples of ``ntriples`` as the content of ``graph`` (DELETE it when empty)."""
        store_url = _with_params(self._needs(self.store_url, "store_url"), {"graph": graph.value})
        ntriples.seek(0, 2)
        if ntriples.tell() == 0:
            with contextlib.suppress(_NotFound):  # no such graph: it is already empty
                self._send(urllib.request.Request(store_url, method="DELETE"), store_url)
            return
        self._upload("PUT", store_url, ntriples, "application/n-triples")

    def _update(self, update_url: str, update: str) -> None:
        request = urllib.request.Request(
            update_url, data=update.encode(), headers={"Content-Type": "application/sparql-update"}, method="POST"
        )
        self._send(request, update_url)

    def _upload(self, method: str, url: str, body: IO[bytes], content_type: str) -> None:
        size = body.tell()
        body.seek(0)
        headers = {"Content-Type": content_type, "Content-Length": str(size)}
        self._send(urllib.request.Request(url, data=body, headers=headers, method=method), url)

    def _needs(self, url: str | None, name: str) -> str:
        if url is None:
            raise ConfigError(f"{self!r} is read-only: writing needs its {name}")
        return url

    # -- HTTP ----------------------------------------------------------------------------------

    def _send(self, request: urllib.request.Request, url: str) -> tuple[str, bytes]:
        """Send ``request``; its answer's content type and body, or the mokg error for what went wrong."""
        what = f"{request.get_method()} {url}"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            try:
                message = _message(error.read())
            except OSError:
                message = ""
            if error.code == 400:
                raise QueryError(f"the store at {url} rejected the request: {message}") from None
            if error.code == 404 and request.get_method() == "DELETE":
                raise _NotFound(message) from None
            if error.code == 504:
                raise StoreTimeout(f"{what}: the store did not answer in time ({message})") from None
            raise StoreUnavailable(f"{what}: the store answered {error.code} {error.reason}: {message}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            if _is_timeout(error):
                raise StoreTimeout(f"{what}: no answer within {self.timeout} s") from None
            reason = getattr(error, "reason", error)
            raise StoreUnavailable(f"{what}: the store cannot be reached: {reason}") from None


class _NotFound(Exception):
    """A 404 to a DELETE: the graph does not exist."""


#: What Oxigraph server writes at the end of an answer it had begun to send when its time limit
#: (``oxigraph serve --timeout-s``) stopped the query; the status line already said 200.
_CANCELLED = b"has been cancelled"


def _parse_answer(body: bytes, content_type: str, url: str) -> QueryResult:
    """The server's answer as pyoxigraph result objects, whichever format it chose.

    The answer is read to the end here, so that an error a server met while streaming (it can
    only append it to a body whose 200 status is already sent) is a mokg error now, not a
    ``SyntaxError`` in the middle of a caller's loop.
    """
    media_type = content_type.split(";")[0].strip()
    results_format = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    rdf_format = ox.RdfFormat.from_media_type(media_type) if media_type and results_format is None else None
    if results_format is None and rdf_format is None:
        raise StoreUnavailable(f"the store at {url} answered in an unexpected format: {content_type or 'none given'}")
    try:
        if rdf_format is not None:
            return _triples(ox.parse(body, format=rdf_format))
        results = ox.parse_query_results(body, format=results_format)
        if isinstance(results, ox.QueryBoolean):
            return results
        for _ in results:  # check the whole answer, then hand out a fresh iterator over it
            pass
        return ox.parse_query_results(body, format=results_format)
    except (SyntaxError, ValueError) as error:
        if _CANCELLED in body[-500:]:
            raise StoreTimeout(f"the store at {url} stopped the query at its own time limit") from None
        raise StoreUnavailable(f"the store at {url} sent an answer mokg cannot read: {error}") from None


_CONSTRUCT_ALL = "CONSTRUCT WHERE { ?s ?p ?o }"


def _triples(parsed: Iterable[ox.Quad]) -> ox.QueryTriples:
    """Parsed triples as a :class:`pyoxigraph.QueryTriples` (read back from an in-memory store)."""
    graph = ox.Store()
    graph.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in parsed)
    return graph.query(_CONSTRUCT_ALL)  # type: ignore[return-value]  # a CONSTRUCT always gives QueryTriples
