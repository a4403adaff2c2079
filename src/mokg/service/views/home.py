"""The service itself: its home page, its health and statistics, its API documentation.

``GET /`` is where the namespace redirects and what VoID calls the data set's landing page:
HTML for a browser, the DCAT catalogue (data set, SPARQL service) for a client that asks for
RDF. ``/docs`` is Swagger UI from files the service serves itself, so it works offline and
under the pages' Content-Security-Policy.
"""

from __future__ import annotations

from datetime import datetime

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from mokg import __version__
from mokg.formats import GRAPH_FORMATS, HTML, serialize
from mokg.releases import VOID_PREFIXES, catalogue
from mokg.service.http import choose, etag, not_modified, page, responses, state
from mokg.service.middleware import CONTENT_SECURITY_POLICY
from mokg.service.state import AppState
from mokg.workers import PoolStatus

__all__ = ["DOCS_POLICY", "SWAGGER", "Health", "StatsResponse", "Workers", "router"]

router = APIRouter()

#: Where Swagger UI's files are served (from the fastapi-offline package, see ``app.py``).
SWAGGER = "/static/swagger-ui"

#: Swagger UI styles its widgets inline: its page allows inline styles, nothing else more.
DOCS_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class Workers(BaseModel):
    """The worker pool: processes, busy ones, slow jobs moved aside, requests waiting."""

    workers: int
    busy: int
    aside: int
    queued: int
    network_isolated: bool | None = Field(description="Whether workers run cut off the network (null: not known yet).")


class Health(BaseModel):
    """Answer of ``GET /health``: the service is up and holds a loaded graph."""

    status: str = Field(description='"ok" when the graph is loaded.')
    version: str = Field(description="mokg version.")
    triples: int = Field(description="Triples (quads) in the store, derived ones included.")
    derived: int = Field(description="Triples derived by the rules (in graphs under graph/derived/).")
    graphs: int = Field(description="Named graphs in the store, one per source file.")
    loaded_at: datetime = Field(description="When the service loaded (or opened) the graph (UTC).")
    workers: Workers | None = Field(None, description="The worker pool, once a query or validation started it.")


class StatsResponse(BaseModel):
    """Answer of ``GET /stats``: size of the graph and entities per mokg class."""

    triples: int
    derived: int
    graphs: int
    classes: dict[str, int] = Field(description="Number of entities of each mokg class, by local name.")


@router.get(
    "/",
    tags=["service"],
    summary="The home page (HTML), or the catalogue of the data set and its services (RDF)",
    response_class=Response,
    responses=responses(
        304,
        406,
        ok={
            "description": "The home page or catalogue.",
            "content": {f.media_type: {} for f in (HTML, *GRAPH_FORMATS)},
        },
    ),
)
def home(request: Request) -> Response:
    """HTML for browsers; the DCAT catalogue in Turtle, JSON-LD, N-Triples or RDF/XML for tools."""
    app = state(request)
    media = choose(request, (HTML, *GRAPH_FORMATS))
    releases = app.releases.list()
    headers = {
        "Vary": "Accept",
        "ETag": etag(app.version, "/", media.media_type, *(r.version for r in releases)),
        "Link": '</void>; rel="describedby"; type="text/turtle"',
    }
    cached = not_modified(request, headers)
    if cached is not None:
        return cached
    if media != HTML:
        body = serialize(catalogue(app.settings.base_iri), media, VOID_PREFIXES)
        return Response(body, media_type=media.media_type, headers=headers)
    return page(
        "home.html",
        headers=headers,
        stats=app.stats,
        releases=releases,
        examples=_examples(app),
        alternates=[(f.media_type, f"/?format={f.names[0]}") for f in GRAPH_FORMATS],
        base_iri=app.settings.base_iri,
        loaded_at=app.loaded_at,
    )


def _examples(app: AppState) -> list[tuple[str, str]]:
    """A few records to show on the home page: the first models, by IRI."""
    base = app.settings.base_iri
    under_base = f"FILTER(STRSTARTS(STR(?e), {ox.Literal(base)}))"
    rows = app.store.query(
        f"SELECT ?e ?label WHERE {{ ?e a mokg:Model ; rdfs:label ?label {under_base} }} ORDER BY ?e LIMIT 3"
    )
    return [(row["label"].value, "/" + row["e"].value.removeprefix(base)) for row in rows]


@router.get("/health", response_model=Health, tags=["service"])
def health(request: Request) -> Health:
    """Liveness and what is loaded; cheap, because the counts were taken at load time."""
    app = state(request)
    pool: PoolStatus | None = app.pool_status()
    return Health(
        status="ok",
        version=__version__,
        triples=app.stats.quads,
        derived=app.stats.derived,
        graphs=app.stats.graphs,
        loaded_at=app.loaded_at,
        workers=Workers(**vars(pool)) if pool else None,
    )


@router.get("/stats", response_model=StatsResponse, tags=["service"])
def stats(request: Request) -> StatsResponse:
    """Triples, graphs and entities per class, as counted at load time."""
    counted = state(request).stats
    return StatsResponse(triples=counted.quads, derived=counted.derived, graphs=counted.graphs, classes=counted.classes)


@router.get("/docs", include_in_schema=False)
def docs(request: Request) -> Response:
    """Swagger UI on ``/openapi.json``, from the service's own files."""
    return page("docs.html", headers={"Content-Security-Policy": DOCS_POLICY}, swagger=SWAGGER, openapi="/openapi.json")
