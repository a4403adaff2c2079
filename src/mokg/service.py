"""The web service: a FastAPI app over one :class:`mokg.store.Store`. Routes only.

The graph is loaded once, when the app starts, and what pages aggregate (here: the stats) is
computed then, not per request: the graph changes only on reload.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from mokg import __version__
from mokg.config import Settings
from mokg.errors import LoadError, MokgError, PayloadTooLarge, UnsupportedMediaType
from mokg.graph import open_store
from mokg.loader import parse_bytes
from mokg.store import Store
from mokg.validation import ReportModel, Validator, context_query, typed_subjects

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
        yield

    app = FastAPI(
        title="mokg",
        version=__version__,
        description="The Model Openness Knowledge Graph: how open AI models really are, as linked data.",
        lifespan=lifespan,
    )
    app.state.settings = settings

    @app.exception_handler(MokgError)
    async def mokg_error(request: Request, error: MokgError) -> JSONResponse:
        """Every user-caused error becomes its HTTP status with a one-line message, never a 500."""
        return JSONResponse({"detail": str(error)}, status_code=error.http_status)

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
