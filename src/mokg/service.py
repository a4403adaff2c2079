"""The web service: a FastAPI app over one :class:`mokg.store.Store`. Routes only.

The graph is loaded once, when the app starts, and what pages aggregate (here: the stats) is
computed then, not per request: the graph changes only on reload.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from mokg import __version__
from mokg.config import Settings
from mokg.store import Store, open_store

__all__ = ["Health", "StatsResponse", "create_app"]


class Health(BaseModel):
    """Answer of ``GET /health``: the service is up and holds a loaded graph."""

    status: str = Field(description='"ok" when the graph is loaded.')
    version: str = Field(description="mokg version.")
    triples: int = Field(description="Triples (quads) in the store.")
    graphs: int = Field(description="Named graphs in the store, one per source file.")
    loaded_at: datetime = Field(description="When the graph was loaded (UTC).")


class StatsResponse(BaseModel):
    """Answer of ``GET /stats``: size of the graph and entities per mokg class."""

    triples: int
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
        yield

    app = FastAPI(
        title="mokg",
        version=__version__,
        description="The Model Openness Knowledge Graph: how open AI models really are, as linked data.",
        lifespan=lifespan,
    )
    app.state.settings = settings

    @app.get("/health", response_model=Health, tags=["service"])
    def health(request: Request) -> Health:
        """Liveness and what is loaded; cheap, because the counts were taken at load time."""
        state = request.app.state
        return Health(
            status="ok",
            version=__version__,
            triples=state.stats.quads,
            graphs=state.stats.graphs,
            loaded_at=state.loaded_at,
        )

    @app.get("/stats", response_model=StatsResponse, tags=["service"])
    def stats(request: Request) -> StatsResponse:
        """Triples, graphs and entities per class, as counted at load time."""
        counted = request.app.state.stats
        return StatsResponse(triples=counted.quads, graphs=counted.graphs, classes=counted.classes)

    return app
