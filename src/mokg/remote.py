"""A remote store: any SPARQL 1.1 Protocol + Graph Store Protocol server, over HTTP.

For deployments that outgrow one machine: several service workers share one store server
(see ``docs/deploy.md``). :class:`RemoteStore` implements the same :class:`~mokg.store.Store`
interface as the embedded store, and returns the same pyoxigraph result objects, so the
loader, the rules and the front ends run unchanged on it. It is tested against Oxigraph server
(:meth:`RemoteStore.for_oxigraph`) and Virtuoso 7 (:meth:`RemoteStore.for_virtuoso`);
:meth:`RemoteStore.for_url` picks one from the settings.

- **Queries** go through SPARQLWrapper (SPARQL 1.1 Protocol, POST of an HTML form: Virtuoso 7
  never answers a POST whose body is the query itself). The query form (a regular expression
  over the text without its comments, strings and IRIs) picks the ``Accept`` header: SPARQL
  JSON results first for SELECT and ASK, N-Triples first for CONSTRUCT and DESCRIBE, each with
  the other kinds at a lower quality, because Virtuoso answers a CONSTRUCT as a table when
  asked for JSON first. Answers are parsed with ``pyoxigraph.parse_query_results`` /
  ``pyoxigraph.parse``; a graph answer is put in a throwaway in-memory pyoxigraph store and
  read back as a real :class:`pyoxigraph.QueryTriples`, so ``isinstance`` checks and
  ``pyoxigraph.serialize`` work as with the embedded store.
- **Prefixes**: the declarations of :data:`mokg.vocab.PREFIXES` that the query does not
  declare itself are prepended, on the query's first line so that the line numbers in the
  server's error messages stay right (columns on that line are corrected in the message).
- **Dataset**: as in the embedded store, a query that names no dataset (no ``FROM``, no
  ``default-graph-uri``/``named-graph-uri``) has the union of all named graphs as its default
  graph. Oxigraph server does this per query with its ``union-default-graph`` parameter;
  Virtuoso always does, its own system graphs included, which are kept out with its
  ``define input:default-graph-exclude`` / ``input:named-graph-exclude`` pragmas
  (``system_graphs``), so that counts and answers equal the embedded store's.
- **Writes** use the standard library (``urllib.request``): SPARQL Update (``update=``, a
  form) to empty the store, then the Graph Store Protocol: a PUT per named graph, its triples
  as N-Triples; a graph larger than ``max_upload_bytes`` is sent as a PUT and POSTs of about
  that size each, so that no request becomes one huge server transaction (Virtuoso's
  transaction log); graphs with blank nodes are never split, since a blank node label only
  means one node within one request. :meth:`RemoteStore.load` converts the source files to
  N-Triples on disk first (never into Python objects: a million models' files are 31 M
  triples), so a bad file stops the load before the server is touched. Writes may need HTTP
  digest authentication (Virtuoso's ``-auth`` endpoints): after the first challenge, every
  request is signed up front, so a file body is sent once.

Errors: a server that cannot be reached, or answers with an error status (5xx, 404…), is
:class:`~mokg.errors.StoreUnavailable`, naming the URL; no answer within ``timeout`` seconds,
or an answer a server cut at its own time limit, is :class:`~mokg.errors.StoreTimeout`; a
query the server rejects with 400 is :class:`~mokg.errors.QueryError` with the server's
message.

**Not atomic.** Loading is many requests (empty the store, then one or more per graph):
meanwhile, and if an upload fails, readers see a partial store. Each request is a transaction
on both servers, but nothing makes the sequence one. ``replace_graph`` is one PUT, which
Oxigraph server runs as "clear the graph" then "load the graph": a reader can see the graph
empty for that moment. Load with ``mokg load --store http://…`` before the workers serve, as
``docs/deploy.md`` describes; the load mark, written last, tells a finished load.
"""

from __future__ import annotations

import contextlib
import copy
import http.client
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from SPARQLWrapper import POST, SELECT, URLENCODED, SPARQLWrapper

from mokg.config import Settings
from mokg.errors import ConfigError, QueryError, StoreTimeout, StoreUnavailable
from mokg.loader import SourceFile, load_into
from mokg.store import _NOT_WORDS, QueryResult, Store, declares_dataset
from mokg.vocab import PREFIXES

__all__ = ["VIRTUOSO_SYSTEM_GRAPHS", "RemoteStore"]

#: What a query asks for, by its form: the kind its form produces first, the others as fallbacks
#: (a server offers only the kind its query form produces; Virtuoso takes the first it can make).
_ACCEPT_TABLE = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.8, application/n-triples;q=0.2, "
    "text/turtle;q=0.1"
)
_ACCEPT_GRAPH = (
    "application/n-triples, text/turtle;q=0.8, application/sparql-results+json;q=0.2, "
    "application/sparql-results+xml;q=0.1"
)
_QUERY_FORM = re.compile(r"(?<![\w:.$?-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.IGNORECASE)

#: Virtuoso 7's own graphs in a new database: its mapping schema, the LDP vocabulary and the
#: service description (named after ``[URIQA] DefaultHost``: unset, or Debian's ``localhost:8890``).
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
    "http://localhost:8890/sparql",
)

#: The most N-Triples bytes in one upload to Virtuoso: a bigger graph is sent in parts. Each
#: upload is one transaction, whose log Virtuoso keeps in memory (``TransactionAfterImageLimit``).
VIRTUOSO_UPLOAD_BYTES = 16_000_000

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


def accept_header(sparql: str) -> str:
    """The ``Accept`` header for ``sparql``: graph formats first for CONSTRUCT and DESCRIBE, results formats else."""
    form = _QUERY_FORM.search(_NOT_WORDS.sub(" ", sparql))
    return _ACCEPT_GRAPH if form and form.group(1).upper() in ("CONSTRUCT", "DESCRIBE") else _ACCEPT_TABLE


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


class _Digest(urllib.request.AbstractDigestAuthHandler):
    """HTTP digest authentication signed up front, with the standard library's computation.

    urllib's own handler answers a 401 by sending the same request again, whose file body it
    has already read; here the first 401 teaches the challenge, and the caller sends again
    with the body rewound; after it, every request carries its ``Authorization`` from the start.
    """

    def __init__(self, user: str, password: str, urls: Sequence[str]) -> None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, list(urls), user, password)
        super().__init__(passwords)
        self.challenge: dict[str, str] | None = None

    def sign(self, request: urllib.request.Request) -> None:
        if self.challenge is not None:
            authorization = self.get_authorization(request, self.challenge)
            if authorization:
                request.add_unredirected_header("Authorization", f"Digest {authorization}")

    def learn(self, header: str | None) -> bool:
        """Keep the digest challenge of a ``WWW-Authenticate`` header; whether there was one."""
        scheme, _, challenge = (header or "").partition(" ")
        if scheme.lower() != "digest":
            return False
        self.challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge)))
        return True


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol + Graph Store Protocol server as the store.

    ``query_url`` answers queries; ``update_url`` (SPARQL Update) and ``store_url`` (Graph
    Store Protocol, ``?graph=`` indirect identification) are needed only to write: a store
    without them is read-only, which is all a service worker needs. ``timeout`` bounds each
    socket operation (connect, each read), in seconds. ``union_default_graph`` is the name of a
    query parameter that makes the server use the union of the named graphs as the default
    graph (Oxigraph: ``union-default-graph``); it is sent only when the caller does not choose
    the dataset itself. Without it the server's own default graph is used, which must then be
    the union (Virtuoso's is; ``docs/deploy.md``). ``system_graphs`` are the server's own
    graphs (Virtuoso's): kept out of that union and of the named graphs with Virtuoso's
    pragmas, and never emptied by :meth:`replace`. ``credentials`` (user, password) sign the
    writes with HTTP digest authentication. ``max_upload_bytes`` splits the upload of a larger
    graph (see the module).
    """

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        store_url: str | None = None,
        timeout: float = 10.0,
        union_default_graph: str | None = None,
        system_graphs: Sequence[str] = (),
        credentials: tuple[str, str] | None = None,
        max_upload_bytes: int | None = None,
    ) -> None:
        if timeout <= 0:
            raise ConfigError(f"the timeout of a remote store must be positive, not {timeout}")
        self.query_url = query_url
        self.update_url = update_url
        self.store_url = store_url
        self.timeout = timeout
        self.union_default_graph = union_default_graph
        self.system_graphs = tuple(system_graphs)
        self.credentials = credentials
        self.max_upload_bytes = max_upload_bytes
        self._digest: _Digest | None = None

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

    @classmethod
    def for_virtuoso(
        cls, base_url: str, *, credentials: tuple[str, str] | None = None, timeout: float = 10.0
    ) -> RemoteStore:
        """The store of a Virtuoso 7 server at ``base_url``, e.g. ``http://127.0.0.1:8890``.

        Queries go to ``/sparql``; writes to ``/sparql-auth`` (SPARQL Update) and
        ``/sparql-graph-crud-auth`` (Graph Store Protocol), which need ``credentials`` of a
        user granted ``SPARQL_UPDATE``: without them the store is read-only.
        """
        base = base_url.rstrip("/")
        writes = {"update_url": f"{base}/sparql-auth", "store_url": f"{base}/sparql-graph-crud-auth"}
        return cls(
            f"{base}/sparql",
            **(writes if credentials else {}),
            timeout=timeout,
            system_graphs=VIRTUOSO_SYSTEM_GRAPHS,
            credentials=credentials,
            max_upload_bytes=VIRTUOSO_UPLOAD_BYTES,
        )

    @classmethod
    def for_url(cls, base_url: str, settings: Settings | None = None) -> RemoteStore:
        """The store at ``base_url`` of the server kind ``settings.store_engine`` names, with its credentials.

        ``settings`` defaults to the environment's (``MOKG_STORE_ENGINE``, ``MOKG_STORE_USER``,
        ``MOKG_STORE_PASSWORD``), which is how service worker processes receive them.
        """
        settings = settings or Settings.from_env()
        if settings.store_engine == "virtuoso":
            credentials = None
            if settings.store_user is not None:
                credentials = (settings.store_user, settings.store_password or "")
            return cls.for_virtuoso(base_url, credentials=credentials)
        return cls.for_oxigraph(base_url)

    def with_timeout(self, timeout: float) -> RemoteStore:
        """The same store with another time limit (SPARQL workers answer 504 before being stopped)."""
        if timeout <= 0:
            raise ConfigError(f"the timeout of a remote store must be positive, not {timeout}")
        store = copy.copy(self)
        store.timeout = timeout
        return store

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, update_url={self.update_url!r}, store_url={self.store_url!r})"

    def __getstate__(self) -> dict[str, object]:
        """What a worker process receives: the settings, not the digest state of this process."""
        return {**self.__dict__, "_digest": None}

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
        names_dataset = default_graphs is not None or named_graphs is not None or declares_dataset(sparql)
        if self.system_graphs and not names_dataset:
            excluded = "".join(
                f"define input:default-graph-exclude <{g}> define input:named-graph-exclude <{g}> "
                for g in self.system_graphs
            )
            header = excluded + header
        wrapper = SPARQLWrapper(self.query_url)
        # Set directly rather than with setQuery(), whose guess of the query form would also
        # turn an update into an update request: the server, not a guess, says whether the
        # text is a query (else 400).
        wrapper.queryString = header + sparql
        wrapper.queryType = SELECT
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)  # no format=/output= parameters: the Accept header decides
        wrapper.addCustomHttpHeader("Accept", accept_header(sparql))
        for graph in default_graphs or ():
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs or ():
            wrapper.addNamedGraph(graph)
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
        """Make ``quads`` the whole content: the store emptied, then a PUT per graph (not atomic, see the module)."""
        graphs: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
        for quad in quads:
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise ConfigError(f"a remote store holds named graphs only, not {quad}")
            graphs[quad.graph_name].append(quad)
        self._clear()
        for graph, in_graph in graphs.items():
            self.replace_graph(graph, in_graph)

    def load(self, files: Sequence[SourceFile], base_iri: str) -> None:
        """Make ``files`` the whole content: each converted to N-Triples on disk first, then uploaded.

        A bad file raises :class:`~mokg.errors.LoadError` before the server is touched.
        """
        folder = Path(tempfile.mkdtemp(prefix="mokg-upload-"))
        try:
            spool = _Spool(folder)
            load_into(spool, files, base_iri)  # type: ignore[arg-type]  # the part of pyoxigraph.Store it uses
            self._clear()
            for graph, path in spool.files.items():
                with path.open("rb") as ntriples:
                    self.write_graph(graph, ntriples)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def replace_graph(self, graph: ox.NamedNode, quads: Sequence[ox.Quad]) -> None:
        """PUT ``quads`` as the triples of ``graph``, or DELETE the graph when there are none."""
        triples = (ox.Triple(quad.subject, quad.predicate, quad.object) for quad in quads)
        with tempfile.TemporaryFile() as body:
            ox.serialize(triples, body, format=ox.RdfFormat.N_TRIPLES)
            body.seek(0)
            self.write_graph(graph, body)

    def write_graph(self, graph: ox.NamedNode, ntriples: IO[bytes]) -> None:
        """PUT the N-Triples of ``ntriples`` as the content of ``graph`` (DELETE it when empty); see the module."""
        store_url = _with_params(self._needs(self.store_url, "store_url"), {"graph": graph.value})
        method = "PUT"
        for part in _parts(ntriples, self.max_upload_bytes):
            self._send(self._request(method, store_url, part, "application/n-triples"), store_url, body=part)
            method = "POST"  # the next parts add to the graph
        if method == "PUT":  # nothing to write
            with contextlib.suppress(_NotFound):  # no such graph: it is already empty
                self._send(self._request("DELETE", store_url), store_url)

    def _clear(self) -> None:
        """Empty the store: ``DROP ALL``, or, on a server with graphs of its own, every other graph.

        Both write URLs are checked first: a store that can empty but not fill is not emptied.
        """
        update_url = self._needs(self.update_url, "update_url")
        self._needs(self.store_url, "store_url")
        if not self.system_graphs:
            self._update(update_url, "DROP ALL")
            return
        graphs = [row["g"] for row in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]
        if graphs:
            self._update(update_url, " ;\n".join(f"DROP SILENT GRAPH {graph}" for graph in graphs))

    def _update(self, update_url: str, update: str) -> None:
        body = urllib.parse.urlencode({"update": update}).encode()
        self._send(self._request("POST", update_url, body, "application/x-www-form-urlencoded"), update_url)

    def _request(
        self, method: str, url: str, body: IO[bytes] | bytes | None = None, content_type: str | None = None
    ) -> urllib.request.Request:
        headers = {}
        if content_type is not None:
            headers["Content-Type"] = content_type
        if isinstance(body, bytes):
            headers["Content-Length"] = str(len(body))
        elif body is not None:
            headers["Content-Length"] = str(body.seek(0, 2))
            body.seek(0)
        return urllib.request.Request(url, data=body, headers=headers, method=method)

    def _needs(self, url: str | None, name: str) -> str:
        if url is None:
            raise ConfigError(f"{self!r} is read-only: writing needs its {name}")
        return url

    # -- HTTP ----------------------------------------------------------------------------------

    def _send(self, request: urllib.request.Request, url: str, *, body: IO[bytes] | None = None) -> tuple[str, bytes]:
        """Send ``request``; its answer's content type and body, or the mokg error for what went wrong.

        With credentials, requests are signed from the start: the first one learns the digest
        challenge with a request without a body (Virtuoso closes the connection on a 401, so a
        body sent unsigned is cut off). A 401 later (a nonce gone stale) is answered once: the
        new challenge is kept, ``body`` (a file the request reads) rewound, and the request
        sent again.
        """
        digest = self._authenticated(url) if self.credentials is not None else None
        if digest is not None:
            digest.sign(request)
        try:
            return self._open(request, url)
        except _Unauthorized as refused:
            if digest is None or not digest.learn(refused.challenge):
                raise StoreUnavailable(f"{request.get_method()} {url}: the store asks for credentials") from None
        if body is not None:
            body.seek(0)
        digest.sign(request)
        try:
            return self._open(request, url)
        except _Unauthorized:
            raise StoreUnavailable(f"{request.get_method()} {url}: the store refused mokg's credentials") from None

    def _authenticated(self, url: str) -> _Digest:
        """The digest state of this process, with a challenge learnt from ``url`` on first use."""
        if self._digest is None:
            assert self.credentials is not None
            self._digest = _Digest(*self.credentials, [u for u in (self.update_url, self.store_url) if u])
        if self._digest.challenge is None:
            try:
                self._open(urllib.request.Request(url, method="HEAD"), url)
            except _Unauthorized as refused:
                self._digest.learn(refused.challenge)
            except StoreUnavailable:
                pass  # the request itself will say what is wrong
        return self._digest

    def _open(self, request: urllib.request.Request, url: str) -> tuple[str, bytes]:
        what = f"{request.get_method()} {url}"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                content_type, body = response.headers.get("Content-Type", ""), response.read()
                state = response.headers.get("X-SQL-State", "")
        except urllib.error.HTTPError as error:
            try:
                message = _message(error.read())
            except OSError:
                message = ""
            if error.code == 400:
                raise QueryError(f"the store at {url} rejected the request: {message}") from None
            if error.code == 401:
                raise _Unauthorized(error.headers.get("WWW-Authenticate")) from None
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
        if state.startswith(_VIRTUOSO_TIME_LIMIT):
            raise StoreTimeout(f"the store at {url} stopped the query at its own time limit (partial answer)")
        return content_type, body


class _NotFound(Exception):
    """A 404 to a DELETE: the graph does not exist."""


class _Unauthorized(Exception):
    """A 401, with the server's ``WWW-Authenticate`` header."""

    def __init__(self, challenge: str | None) -> None:
        super().__init__(challenge)
        self.challenge = challenge


class _Spool:
    """Each graph's triples as N-Triples in a file of its own, written as the files are parsed.

    It has the part of ``pyoxigraph.Store`` that :func:`mokg.loader.load_into` calls
    (``bulk_extend``), so files are read, checked and reported on exactly as for the embedded
    store, a bounded batch of Python objects at a time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[ox.NamedNode, Path] = {}

    def _append(self, graph: ox.NamedNode, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        path = self.files.setdefault(graph, self.folder / f"{len(self.files)}.nt")
        with path.open("ab") as out:
            ox.serialize(triples, out, format=ox.RdfFormat.N_TRIPLES)

    def bulk_extend(self, quads: Iterable[ox.Quad]) -> None:
        graphs: dict[ox.NamedNode, list[ox.Triple]] = defaultdict(list)
        for quad in quads:
            graphs[quad.graph_name].append(ox.Triple(quad.subject, quad.predicate, quad.object))
        for graph, triples in graphs.items():
            self._append(graph, triples)


def _parts(ntriples: IO[bytes], limit: int | None) -> Iterator[IO[bytes]]:
    """``ntriples`` (a file at its start) as files of about ``limit`` bytes each, cut between lines.

    The whole file at once when it is small, when there is no limit, or when it holds blank
    nodes (their labels mean one node within one upload only). Nothing for an empty file.
    """
    size = ntriples.seek(0, 2)
    ntriples.seek(0)
    if size == 0:
        return
    if limit is None or size <= limit or _has_blank_nodes(ntriples):
        yield ntriples
        return
    while True:
        with tempfile.TemporaryFile() as part:
            for line in ntriples:
                part.write(line)
                if part.tell() >= limit:
                    break
            if part.tell() == 0:
                return
            yield part


def _has_blank_nodes(ntriples: IO[bytes]) -> bool:
    """Whether any line may hold a blank node (``_:`` outside IRIs; a literal holding it counts too)."""
    try:
        return any(b"_:" in line for line in ntriples)
    finally:
        ntriples.seek(0)


#: Virtuoso's ``X-SQL-State`` on an answer it cut at its time limit (``MaxQueryExecutionTime``),
#: sent with status 200 and the results found so far ("anytime query").
_VIRTUOSO_TIME_LIMIT = "S1TAT"

#: What Oxigraph server writes at the end of an answer it had begun to send when its time limit
#: (``oxigraph serve --timeout-s``) stopped the query; the status line already said 200.
_CANCELLED = b"has been cancelled"


#: Virtuoso names blank nodes ``nodeID://b10023`` in query results (JSON and XML), which is not
#: a blank node label: the prefix is dropped (``b10023``), labels stay distinct.
_VIRTUOSO_BLANK_NODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*"|<bnode>)nodeID://')


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
    if results_format is not None:
        body = _VIRTUOSO_BLANK_NODE.sub(rb"\1", body)
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
