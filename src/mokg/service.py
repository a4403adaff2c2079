"""The web service: a FastAPI app over one :class:`mokg.store.Store`. Routes only.

The graph is loaded once, when the app starts, and what pages aggregate (here: the stats) is
computed then, not per request: the graph changes only on reload.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, Field

from mokg import __version__
from mokg.citation import UnknownRecord, cite
from mokg.citation import negotiate_format as negotiate_citation
from mokg.citation import render as render_citation
from mokg.config import Settings
from mokg.errors import LoadError, MethodNotAllowed, MokgError, NotAcceptable, PayloadTooLarge, UnsupportedMediaType
from mokg.graph import open_store
from mokg.loader import RELEASES, parse_bytes
from mokg.records import (
    KINDS,
    RECORD_FORMATS,
    SUFFIXES,
    RecordModel,
    framed,
    link_header,
    load_context,
    not_found_body,
    parse_record_name,
    record_triples,
    render,
    resolve,
    schema_org,
)
from mokg.releases import (
    VOID_FORMATS,
    Dump,
    ReleaseManifest,
    Releases,
    UnknownRelease,
    make_dumps,
    release_download_url,
    release_iri,
    release_record_links,
    serialize_rdf,
    version_links,
    void_description,
)
from mokg.sparql import GRAPH_FORMATS, QueryPool, load_examples, negotiate, parse_request
from mokg.spdx import SPDX_MEDIA_TYPE, render_spdx, spdx_document
from mokg.store import EmbeddedStore, Store
from mokg.validation import ReportModel, Validator, context_query, typed_subjects
from mokg.vocab import PREFIXES

__all__ = ["Health", "StatsResponse", "create_app"]


class Health(BaseModel):
    """Answer of ``GET /health``: the service is up and holds a loaded graph."""

    status: str = Field(description='"ok" when the graph is loaded.')
    version: str = Field(description="mokg version.")
    triples: int = Field(description="Triples (quads) in the store, derived ones included.")
    derived: int = Field(description="Triples derived by the rules (in graphs under graph/derived/).")
    graphs: int = Field(description="Named graphs in the store, one per source file.")
    loaded_at: datetime = Field(description="When the graph was loaded (UTC).")


class StatsResponse(BaseModel):
    """Answer of ``GET /stats``: size of the graph and entities per mokg class."""

    triples: int
    derived: int
    graphs: int
    classes: dict[str, int] = Field(description="Number of entities of each mokg class, by local name.")


def create_app(settings: Settings | None = None, *, store: Store | None = None, load: bool = True) -> FastAPI:
    """The mokg app. Pass ``store`` to serve an already-loaded store (tests, embedding)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = store if store is not None else open_store(settings, load=load)
        app.state.stats = app.state.store.stats()
        app.state.loaded_at = datetime.now(UTC)
        app.state.validator = Validator.from_quads(app.state.store.graphs_under(f"{settings.base_iri}graph/shapes/"))
        app.state.ontology = app.state.store.graphs_under(f"{settings.base_iri}graph/ontology/")
        app.state.version = graph_version(app.state.store)
        app.state.graphs = sorted(
            row["g"].value for row in app.state.store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        )
        app.state.pool = None
        app.state.snapshot = None
        app.state.context = load_context(settings.root)
        app.state.releases = Releases(settings.root / RELEASES)
        app.state.dumps = None
        app.state.dump_folder = None
        yield
        if app.state.pool is not None:
            app.state.pool.close()
        for folder in (app.state.snapshot, app.state.dump_folder):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    app = FastAPI(
        title="mokg",
        version=__version__,
        description="The Model Openness Knowledge Graph: how open AI models really are, as linked data.",
        lifespan=lifespan,
        # One function can serve several paths and methods (/sparql and /sparql/): ids by path and method.
        generate_unique_id_function=lambda route: f"{route.name}{route.path_format}{'_'.join(sorted(route.methods))}",
    )
    app.state.settings = settings
    context_url = f"{settings.base_iri}context.jsonld"
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["*"],
        expose_headers=["ETag", "X-Result-Truncated", "Content-Location"],
    )
    app.mount("/static", StaticFiles(packages=[("mokg", "static")]), name="static")

    @app.exception_handler(MokgError)
    async def mokg_error(request: Request, error: MokgError) -> JSONResponse:
        """Every user-caused error becomes its HTTP status with a one-line message, never a 500."""
        body: dict[str, object] = {"detail": str(error)}
        headers = {}
        if isinstance(error, NotAcceptable):
            body["offered"] = error.offered
        if isinstance(error, MethodNotAllowed):
            headers["Allow"] = ", ".join(error.allowed)
        return JSONResponse(body, status_code=error.http_status, headers=headers)

    @app.get("/health", response_model=Health, tags=["service"])
    def health(request: Request) -> Health:
        """Liveness and what is loaded; cheap, because the counts were taken at load time."""
        state = request.app.state
        return Health(
            status="ok",
            version=__version__,
            triples=state.stats.quads,
            derived=state.stats.derived,
            graphs=state.stats.graphs,
            loaded_at=state.loaded_at,
        )

    @app.get("/stats", response_model=StatsResponse, tags=["service"])
    def stats(request: Request) -> StatsResponse:
        """Triples, graphs and entities per class, as counted at load time."""
        counted = request.app.state.stats
        return StatsResponse(
            triples=counted.quads, derived=counted.derived, graphs=counted.graphs, classes=counted.classes
        )

    @app.api_route(
        "/sparql",
        methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
        tags=["sparql"],
        summary="SPARQL 1.1 Protocol endpoint (read-only)",
        responses={
            200: {
                "description": "The query result, in the negotiated format; without a query, the service "
                "description (Turtle and other RDF formats) or, for browsers, the query page.",
                "content": {media: {} for media in [*SPARQL_RESULT_TYPES, "text/html"]},
            },
            304: {"description": "Not modified (GET with a matching If-None-Match)."},
            400: {"description": "Malformed query, with the parser's message and position."},
            403: {"description": "SPARQL Update: the endpoint is read-only."},
            405: {"description": "A method other than GET or POST."},
            406: {"description": "No offered format fits Accept / format; the offers are listed."},
            413: {"description": "Query or body over the limits."},
            415: {"description": "A POST body that is neither a form nor application/sparql-query."},
            503: {"description": "The query ran past the time limit and was stopped."},
        },
        openapi_extra={
            "parameters": [
                {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "The SPARQL query."},
                {
                    "name": "default-graph-uri",
                    "in": "query",
                    "schema": {"type": "array", "items": {"type": "string"}},
                    "description": "Graphs forming the default graph (overrides FROM; default: all graphs' union).",
                },
                {
                    "name": "named-graph-uri",
                    "in": "query",
                    "schema": {"type": "array", "items": {"type": "string"}},
                    "description": "Graphs visible to GRAPH (overrides FROM NAMED).",
                },
                {
                    "name": "format",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "json, xml, csv, tsv (results); ttl, nt, jsonld, rdf (graphs); wins over Accept.",
                },
            ]
        },
    )
    @app.api_route("/sparql/", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    async def sparql(request: Request) -> Response:
        """SPARQL 1.1 Protocol: GET ``?query=``, POST form, POST ``application/sparql-query``.

        Read-only; every query is stopped after ``query_timeout`` seconds; results are cut at
        ``result_cap`` rows (``X-Result-Truncated`` says so); GET answers carry an ETag and
        Cache-Control (the graph changes only on reload).
        """
        body = await _read_body(request, settings.max_body_bytes) if request.method == "POST" else b""
        parsed = parse_request(
            request.method,
            request.query_params.multi_items(),
            request.headers.get("content-type"),
            body,
            accept=request.headers.get("accept"),
            max_query_length=settings.max_query_length,
        )
        state = request.app.state
        if parsed is None:
            return _service_description(request)
        headers = {"Vary": "Accept, Accept-Encoding"}
        if request.method == "GET":
            key = f"{state.version} {request.url.query} {request.headers.get('accept', '')}"
            etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
            headers.update({"ETag": etag, "Cache-Control": f"public, max-age={settings.cache_max_age}"})
            if etag in request.headers.get("if-none-match", ""):
                return Response(status_code=304, headers=headers)
        else:
            headers["Cache-Control"] = "no-store"
        answer = await _query_pool(request.app).run(parsed)
        if answer.truncated is not None:
            headers["X-Result-Truncated"] = str(answer.truncated)
        return Response(answer.body, media_type=answer.media_type, headers=headers)

    def _query_pool(app: FastAPI) -> QueryPool:
        """The worker pool, started on the first query (not every app a test creates needs one)."""
        state = app.state
        if state.pool is None:
            if isinstance(state.store, EmbeddedStore):
                state.snapshot = Path(tempfile.mkdtemp(prefix="mokg-snapshot-"))
                state.store.snapshot(state.snapshot)
                opener = partial(EmbeddedStore, state.snapshot, read_only=True)
            else:
                # A remote store answers a slow query with 504 just before the worker would be
                # stopped (503): the client learns which side was slow.
                opener = partial(_same, state.store.with_timeout(settings.query_timeout * 0.9))
            state.pool = QueryPool(
                opener,
                workers=settings.query_workers,
                timeout=settings.query_timeout,
                cap=settings.result_cap,
                base_iri=settings.base_iri,
            )
        return state.pool

    def _service_description(request: Request) -> Response:
        """SPARQL 1.1 Service Description for tools; the query page for browsers."""
        offered = [*GRAPH_FORMATS, "text/html"]
        media = negotiate(offered, request.headers.get("accept"), request.query_params.get("format"))
        if media == "text/html":
            page = TEMPLATES.get_template("sparql.html").render(
                examples=load_examples(), endpoint=str(request.url.path), static="/static", version=__version__
            )
            return HTMLResponse(page, headers={"Vary": "Accept"})
        endpoint = str(request.url.remove_query_params(request.query_params.keys()))
        triples = describe_service(endpoint, request.app.state.graphs, request.app.state.stats.quads, settings)
        body = ox.serialize(triples, format=GRAPH_FORMATS[media][0], prefixes={**PREFIXES, "sd": SD})
        return Response(body, media_type=media, headers={"Vary": "Accept"})

    def _record(request: Request, kind: str, name: str, release: str | None = None) -> Response:
        """A record with content negotiation: suffix, else Accept (q-values); 404 in the asked format.

        With ``release``, the record as frozen in that release snapshot (immutable); without,
        the living record, linked to the releases that hold it.
        """
        state = request.app.state
        asked = parse_record_name(name)
        if asked.media is None and request.query_params.get("profile") == "spdx":
            return _spdx(request, kind, asked.slug)
        media = asked.media or negotiate(RECORD_FORMATS, request.headers.get("accept"))
        store = state.releases.store(release) if release else state.store
        prefix = f"/release/{release}" if release else ""
        path = f"{prefix}/{kind}/{asked.slug}"
        iri = resolve(store, kind, asked.slug, settings.base_iri)
        if iri is None:
            message = f"no {kind} {asked.slug!r} in mokg" + (f" release {release}" if release else "")
            return Response(not_found_body(media, message), status_code=404, media_type=media)
        cite_as = release_iri(settings.base_iri, release, kind, asked.slug) if release else iri
        headers = {
            "Link": link_header(path, media, cite_as, "/shapes"),
            "ETag": f'"{hashlib.sha256(f"{state.version} {path} {media}".encode()).hexdigest()[:32]}"',
            "Cache-Control": "public, max-age=31536000, immutable"
            if release
            else f"public, max-age={settings.cache_max_age}",
        }
        if asked.media is None:
            headers["Vary"] = "Accept"
            headers["Content-Location"] = f"{path}{RECORD_FORMATS[media]}"
        if headers["ETag"] in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        triples = record_triples(store, iri)
        if release:
            triples += release_record_links(
                iri, settings.base_iri, state.releases.manifest(release), kind=kind, slug=asked.slug
            )
        else:
            triples += version_links(iri, settings.base_iri, state.releases.containing(iri), kind=kind, slug=asked.slug)
        if media == "text/html":
            document = framed(triples, iri, state.context, context_url)
            page = TEMPLATES.get_template("record.html").render(
                kind=kind,
                record=document,
                iri=cite_as,
                alternates=[(other, f"{path}{suffix}") for other, suffix in RECORD_FORMATS.items() if other != media],
                citations=[(label, f"{path}/cite?format={name}") for name, label in CITATION_LABELS.items()],
                schema_org=schema_org(document, kind),
                static="/static",
                version=__version__,
                release=release,
                living=iri if release else None,
            )
            return HTMLResponse(page, headers=headers)
        return Response(render(triples, media, iri, state.context, context_url), media_type=media, headers=headers)

    def _cite(request: Request, kind: str, name: str, release: str | None = None) -> Response:
        """Citations of a record (BibTeX, CSL-JSON, RIS), naming the version and the URI."""
        state = request.app.state
        media = negotiate_citation(request.query_params.get("format"), request.headers.get("accept"))
        store = state.releases.store(release) if release else state.store
        iri = resolve(store, kind, name, settings.base_iri)
        if iri is None:
            raise UnknownRecord(f"no {kind} {name!r} in mokg" + (f" release {release}" if release else ""))
        manifest = state.releases.manifest(release) if release else None
        citation = cite(
            store,
            iri,
            kind,
            base_iri=settings.base_iri,
            accessed=date.today(),
            version=release,
            released=manifest.created.date() if manifest else None,
        )
        return Response(render_citation(citation, media), media_type=media, headers={"Vary": "Accept"})

    def _spdx(request: Request, kind: str, name: str) -> Response:
        """The SPDX 3.0.1 export of a model record, for SBOM tools."""
        state = request.app.state
        iri = resolve(state.store, kind, name, settings.base_iri) if kind == "model" else None
        if iri is None:
            raise UnknownRecord(f"no model {name!r} in mokg: only models have an SPDX export")
        return Response(render_spdx(spdx_document(state.store, iri, settings.base_iri)), media_type=SPDX_MEDIA_TYPE)

    for kind in KINDS:
        app.add_api_route(
            f"/{kind}/{{name}}",
            _kind_route(_record, kind),
            methods=["GET"],
            tags=["records"],
            summary=f"The {kind} record: HTML, JSON-LD, Turtle, N-Triples or RDF/XML",
            response_class=Response,
            responses={
                200: {
                    "description": "The record in the negotiated format (suffix .html .jsonld .ttl .nt .rdf, "
                    "or Accept).",
                    "content": {
                        "application/ld+json": {"schema": RecordModel.model_json_schema(by_alias=True)},
                        **{media: {} for media in RECORD_FORMATS if media != "application/ld+json"},
                    },
                },
                304: {"description": "Not modified."},
                404: {"description": "No such entity (in the asked format)."},
                406: {"description": "No offered format fits Accept; the offers are listed."},
            },
        )

        for path, handler, tag, summary in (
            (f"/{kind}/{{name}}/cite", _kind_route(_cite, kind), "citation",
             f"Citations of the {kind} record: ?format=bibtex|csl|ris"),
            (f"/release/{{version}}/{kind}/{{name}}", _release_route(_record, kind), "releases",
             f"The {kind} record as frozen in a release (immutable)"),
            (f"/release/{{version}}/{kind}/{{name}}/cite", _release_route(_cite, kind), "citation",
             f"Citations of the {kind} record of a release"),
        ):  # fmt: skip
            app.add_api_route(path, handler, methods=["GET"], tags=[tag], summary=summary, response_class=Response)

    @app.get("/model/{name}/spdx", tags=["records"], summary="SPDX 3.0.1 export of a model (AI and Dataset profiles)")
    def spdx(request: Request, name: str) -> Response:
        """The model as an SPDX 3.0.1 JSON-LD document (also ``/model/{name}?profile=spdx``)."""
        return _spdx(request, "model", name)

    @app.get("/release/{version}/{filename}", tags=["releases"], summary="A release's full dump (N-Quads, gzip)")
    def release_dump(request: Request, version: str, filename: str) -> Response:
        """The frozen snapshot of a release, checked against its checksum before it is served."""
        releases = request.app.state.releases
        releases.store(version)  # verifies the file: a changed release is refused, not served
        manifest = releases.manifest(version)
        if filename != Path(release_download_url(settings.base_iri, version)).name:
            raise UnknownRelease(f"release {version} has no file {filename!r}: it has {manifest.file}")
        return FileResponse(
            releases.folder / manifest.file,
            media_type="application/n-quads",
            headers={"Content-Encoding": "gzip", "ETag": f'"{manifest.sha256}"', "Cache-Control": "public, immutable"},
        )

    @app.get("/void", tags=["dataset"], summary="VoID description: statistics, dumps, releases")
    @app.get("/.well-known/void", tags=["dataset"], include_in_schema=False)
    def void(request: Request) -> Response:
        """The VoID description of the graph, with its dumps and releases as dcat:Distributions."""
        media = negotiate(VOID_FORMATS, request.headers.get("accept"), request.query_params.get("format"), VOID_ALIASES)
        triples = void_description(request.app.state.store, settings.base_iri, _dumps(request.app), _releases(request))
        return Response(serialize_rdf(triples, media), media_type=media, headers={"Vary": "Accept"})

    @app.get("/dumps/{filename}", tags=["dataset"], summary="Full dumps of the graph, with checksums in /void")
    def dump(request: Request, filename: str) -> Response:
        """A full dump: N-Quads gz (named graphs), N-Triples gz and Turtle (union), JSON-LD."""
        found = next((d for d in _dumps(request.app) if d.filename == filename), None)
        if found is None:
            names = ", ".join(d.filename for d in _dumps(request.app))
            return JSONResponse({"detail": f"no dump {filename!r}; the dumps are {names}"}, status_code=404)
        return FileResponse(
            request.app.state.dump_folder / found.filename,
            media_type=found.content_type,
            headers={"ETag": f'"{found.sha256}"', "Cache-Control": f"public, max-age={settings.cache_max_age}"},
        )

    def _dumps(app: FastAPI) -> list[Dump]:
        """The dumps, written on first use (not every app a test creates needs them)."""
        state = app.state
        if state.dumps is None:
            state.dump_folder = Path(tempfile.mkdtemp(prefix="mokg-dumps-"))
            state.dumps = make_dumps(state.store, state.dump_folder)
        return state.dumps

    def _releases(request: Request) -> list[ReleaseManifest]:
        return request.app.state.releases.list()

    @app.get("/context.jsonld", tags=["records"], summary="mokg's JSON-LD context")
    def context_document(request: Request) -> Response:
        """The published ``@context`` every JSON-LD record refers to."""
        return JSONResponse(
            request.app.state.context,
            media_type="application/ld+json",
            headers={"Cache-Control": "public, max-age=86400", "Access-Control-Allow-Origin": "*"},
        )

    for name, prefix in (("ontology", "graph/ontology/"), ("shapes", "graph/shapes/")):
        for suffix in ("", *SUFFIXES):
            app.add_api_route(
                f"/{name}{suffix}",
                partial(_graph_document, prefix=f"{settings.base_iri}{prefix}", path=f"/{name}", suffix=suffix),
                methods=["GET"],
                tags=["records"],
                include_in_schema=not suffix,
                summary=f"The {name} as RDF (Turtle, JSON-LD, N-Triples, RDF/XML) or HTML",
            )

    @app.post(
        "/validate",
        response_model=ReportModel,
        tags=["validation"],
        responses={
            200: {"content": {"text/turtle": {}}, "description": "The SHACL report (JSON, or Turtle by Accept)."},
            400: {"description": "The body is not valid RDF, or describes no entity."},
            413: {"description": "The body is larger than the configured limit."},
            415: {"description": "The body is not Turtle, N-Triples or JSON-LD."},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {media: {"schema": {"type": "string"}} for media in SUBMISSION_FORMATS},
            }
        },
    )
    async def validate(request: Request) -> Response:
        """Check a proposed record against the shapes, in the context of the published graph.

        The record's base models, datasets and licences are taken from the published graph, so
        a new fine-tune of Llama 2 is checked against Llama 2's facts. Nothing is stored.
        """
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in SUBMISSION_FORMATS:
            raise UnsupportedMediaType(
                f"cannot read a body of type {media or '(none)'}: send one of {', '.join(SUBMISSION_FORMATS)}"
            )
        body = await _read_body(request, settings.max_body_bytes)
        graph = ox.NamedNode(f"{settings.base_iri}graph/submission")
        submission = parse_bytes(body, SUBMISSION_FORMATS[media], settings.base_iri, graph, name="request body")
        focus = typed_subjects(submission)
        if not focus:
            raise LoadError("the body describes no entity: give each record an rdf:type", path="request body")
        state = request.app.state
        context = [ox.Quad(t.subject, t.predicate, t.object) for t in state.store.query(context_query(submission))]
        report = state.validator.validate(state.ontology + context + submission, focus_nodes=focus)
        if "text/turtle" in request.headers.get("accept", ""):
            return Response(report.to_graph().serialize(format="turtle"), media_type="text/turtle")
        return JSONResponse(report.to_model().model_dump())

    return app


def _kind_route(handler: Callable[[Request, str, str], Response], kind: str) -> Callable[[Request, str], Response]:
    """A route function for one record kind (FastAPI reads the ``name`` path parameter from it)."""

    def route(request: Request, name: str) -> Response:
        return handler(request, kind, name)

    return route


def _release_route(handler: Callable[..., Response], kind: str) -> Callable[[Request, str, str], Response]:
    """A route function for one record kind of a release (path parameters ``version`` and ``name``)."""

    def route(request: Request, version: str, name: str) -> Response:
        return handler(request, kind, name, version)

    return route


def _graph_document(request: Request, *, prefix: str, path: str, suffix: str) -> Response:
    """The ontology or the shapes: every graph under ``prefix``, in the negotiated RDF format."""
    offered = [media for media in RECORD_FORMATS if media != "text/html"] + ["text/html"]
    media = SUFFIXES[suffix] if suffix else negotiate(offered, request.headers.get("accept"))
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in request.app.state.store.graphs_under(prefix)]
    headers = {"Link": link_header(path, media, f"{request.base_url}{path.lstrip('/')}", "/shapes")}
    if not suffix:
        headers.update({"Vary": "Accept", "Content-Location": f"{path}{RECORD_FORMATS[media]}"})
    if media == "text/html":
        page = TEMPLATES.get_template("vocabulary.html").render(
            title=path.strip("/"), triples=triples, alternates=[(m, f"{path}{s}") for m, s in RECORD_FORMATS.items()]
        )
        return HTMLResponse(page, headers=headers)
    if media == "application/ld+json":
        body = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    else:
        body = render(triples, media, "", {}, "")
    return Response(body, media_type=media, headers=headers)


def _same(store: Store) -> Store:
    """A picklable opener for a store that can travel to a worker as it is (a remote store)."""
    return store


def graph_version(store: Store) -> str:
    """An identifier of the loaded graph, the same for every service worker over one store.

    The rules record when they ran (PROV) in the store itself, so a reload changes it and
    workers sharing a remote store agree on it: it keys the ETags of /sparql.
    """
    rows = list(
        store.query(
            "SELECT (MAX(STR(?t)) AS ?v) (COUNT(*) AS ?n) "
            "WHERE { GRAPH ?g { ?g prov:wasGeneratedBy/prov:endedAtTime ?t } }"
        )
    )
    stamp = " ".join(term.value for term in rows[0] if term is not None) if rows else ""
    return hashlib.sha256(f"{stamp} {store.stats()}".encode()).hexdigest()


#: Citation formats offered on record pages, by ``?format=`` name.
CITATION_LABELS = {"bibtex": "BibTeX", "csl": "CSL-JSON", "ris": "RIS"}
VOID_ALIASES = {"text/turtle": ("ttl", "turtle"), "application/n-triples": ("nt",), "application/ld+json": ("jsonld",),
                "application/rdf+xml": ("rdf", "xml")}  # fmt: skip

SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
SPARQL_RESULT_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    *GRAPH_FORMATS,
]
TEMPLATES = Environment(loader=PackageLoader("mokg", "templates"), autoescape=select_autoescape())


def describe_service(endpoint: str, graphs: list[str], triples: int, settings: Settings) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint: language, formats, dataset, limits."""
    service, dataset, default = ox.NamedNode(endpoint), ox.BlankNode(), ox.BlankNode()

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(f"{SD}{name}")

    rdf_type = ox.NamedNode(f"{PREFIXES['rdf']}type")
    statements = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, ox.NamedNode(f"{PREFIXES['dcterms']}title"), ox.Literal("mokg SPARQL endpoint")),
        ox.Triple(
            service,
            ox.NamedNode(f"{PREFIXES['rdfs']}comment"),
            ox.Literal(
                f"Read-only. Queries are stopped after {settings.query_timeout:g} s; results are cut at "
                f"{settings.result_cap} rows or triples (the X-Result-Truncated header says so). The default "
                "graph is the union of all named graphs: one per source file, and one per derivation rule."
            ),
        ),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, rdf_type, sd("Graph")),
        ox.Triple(
            default,
            ox.NamedNode("http://rdfs.org/ns/void#triples"),
            ox.Literal(str(triples), datatype=ox.NamedNode(f"{PREFIXES['xsd']}integer")),
        ),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):  # fmt: skip
        statements.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(f"{_FORMATS}{name}")))
    for graph in graphs:
        node = ox.BlankNode()
        statements += [
            ox.Triple(dataset, sd("namedGraph"), node),
            ox.Triple(node, rdf_type, sd("NamedGraph")),
            ox.Triple(node, sd("name"), ox.NamedNode(graph)),
        ]
    return statements


#: Media types ``POST /validate`` reads, and their parsers.
SUBMISSION_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it exceeds ``limit`` bytes (even without Content-Length)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body has {declared} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body exceeds the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
