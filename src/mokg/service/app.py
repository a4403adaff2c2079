"""The FastAPI application: state, layers and the routes of :mod:`mokg.service.views`.

The graph is opened (or loaded) once, when the app starts; :class:`~mokg.service.state.AppState`
holds it with what pages aggregate. Routes live in one module per kind of route
(``views/home.py``, ``records.py``, ``sparql.py``, ``publishing.py``, ``validation.py``,
``api.py``, ``badges.py``), the
HTTP rules they share in :mod:`mokg.service.http`, the layers every response passes through in
:mod:`mokg.service.middleware`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from mokg import __version__
from mokg.config import Settings
from mokg.errors import MokgError
from mokg.graph import open_store
from mokg.service import middleware
from mokg.service.http import error_response
from mokg.service.state import AppState
from mokg.service.views import api, badges, changes, changes_feeds, home, publishing, records, sparql, validation
from mokg.store import Store

__all__ = ["app_from_env", "create_app"]

#: The route modules, in the order their routes are tried (specific paths before catch-alls).
VIEWS = (home, sparql, validation, publishing, api, badges, changes, changes_feeds, records)


def create_app(settings: Settings | None = None, *, store: Store | None = None, load: bool = True) -> FastAPI:
    """The mokg app. Pass ``store`` to serve an already-loaded store (tests, embedding, ``mokg serve``)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store if store is not None else await asyncio.to_thread(open_store, settings, load=load)
        app.state.mokg = await asyncio.to_thread(AppState.open, settings, opened)
        try:
            yield
        finally:
            await app.state.mokg.close()

    app = FastAPI(
        title="mokg",
        version=__version__,
        description="The Model Openness Knowledge Graph: how open AI models really are, as linked data.",
        lifespan=lifespan,
        docs_url=None,  # served by views.home from local files: FastAPI's loads Swagger from a CDN
        redoc_url=None,
    )
    middleware.install(app)

    async def mokg_error(request: Request, error: Exception) -> JSONResponse:
        return error_response(error)  # type: ignore[arg-type]  # registered for MokgError only

    app.add_exception_handler(MokgError, mokg_error)
    app.mount("/static/swagger-ui", StaticFiles(packages=[("fastapi_offline", "static")]), name="swagger-ui")
    app.mount("/static", StaticFiles(packages=[("mokg", "static")]), name="static")
    for view in VIEWS:
        app.include_router(view.router)
    return app


def app_from_env() -> FastAPI:
    """The app of one of several server processes: settings from ``MOKG_*``, the store as it is.

    uvicorn's worker processes build their app with this factory (see
    :func:`mokg.service.server.serve`): each opens the shared store (a folder, read-only, or a
    remote store) without loading it again.
    """
    return create_app(Settings.from_env(), load=False)
