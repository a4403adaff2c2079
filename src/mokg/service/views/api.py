"""``/api/v1``: the Model Openness Tool's REST API, answered from the graph.

The same two routes as the Tool's (``ModelEntityResourceV1``), in its JSON shape, so that a client
of the Tool can read mokg: ``/api/v1/models`` lists the models a page at a time (``page`` from 1,
``limit`` models a page), ``/api/v1/model/{id}`` answers one. A model is its Tool model file as
``mokg export mot`` writes it (:mod:`mokg.exporters.mot`: the graph's facts, the Tool's words
where they agree), with the classification the Tool's published rules give that file. Its id is
the model's slug. Answers are kept and revalidated like records: one ETag per graph version and
page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from mokg.errors import MokgError
from mokg.exporters import mot
from mokg.exporters.base import model_iri
from mokg.service.cache import key as cache_key
from mokg.service.http import etag, not_modified, responses, state
from mokg.vocab import MOKG

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "router"]

router = APIRouter()

#: Models a page when ``limit`` is not given: the Tool's default, and the most a page holds.
DEFAULT_LIMIT = MAX_LIMIT = 100
#: The highest page number read (a larger one is a mistake, not a page).
MAX_PAGE = 1_000_000


class BadPage(MokgError):
    """A ``page`` or ``limit`` that is not a whole number in its range."""

    http_status = 400


class Pager(BaseModel):
    """Where a page of ``/api/v1/models`` is in the list, as the Tool's API says it."""

    total_items: int = Field(description="Models in mokg.")
    total_pages: int = Field(description="Pages of `limit` models.")
    current_page: int = Field(description="This page, from 1.")


class Classification(BaseModel):
    """The class the Tool's published rules give the model's file, and the progress towards each class."""

    model_config = ConfigDict(populate_by_name=True)

    class_: int = Field(alias="class", description="1, 2 or 3; 0 for unclassified.")
    label: str = Field(description='"Class I - Open Science", …, or "Unclassified".')
    progress: dict[str, float] = Field(description="Per cent of each class's requirements met, by class (1, 2, 3).")


class ToolModel(BaseModel):
    """A model as the Tool's API answers it: its model file and its classification."""

    id: str = Field(description="The model's slug, as in its record's address model/{id}.")
    framework: dict[str, str] = Field(description="The framework the file follows.")
    release: dict[str, Any] = Field(description="The release, as in the model file `mokg export mot` writes.")
    classification: Classification


class ToolModels(BaseModel):
    """A page of models, as the Tool's API lists them."""

    pager: Pager
    models: list[ToolModel]


def _number(request: Request, name: str, default: int, highest: int) -> int:
    """A query parameter that must be a whole number from 1 to ``highest``; 400 saying so otherwise."""
    value = request.query_params.get(name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= highest:
        raise BadPage(f"{name} must be a whole number from 1 to {highest}, not {value!r}")
    return int(value)


def _headers(request: Request, path: str, *parts: str) -> dict[str, str]:
    app = state(request)
    return {
        "ETag": etag(app.version, path, *parts),
        "Cache-Control": f"public, max-age={app.settings.cache_max_age}",
    }


def _model_iris(request: Request) -> list[str]:
    """Every model of the graph (under the base), by slug: the order of the Tool's list, by id."""
    app = state(request)
    prefix = f"{app.settings.base_iri}model/"
    rows = app.store.query(f"SELECT ?m WHERE {{ ?m a {MOKG.Model} }} ORDER BY ?m")
    return [row["m"].value for row in rows if row["m"].value.startswith(prefix)]


_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        "description": "The page, from 1 (a page past the last one is empty).",
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "description": f"Models a page, at most {MAX_LIMIT}.",
    },
]


@router.get(
    "/api/v1/models",
    response_model=ToolModels,
    tags=["model openness tool"],
    summary="Models as the Model Openness Tool's API lists them, a page at a time",
    responses=responses(304, 400),
    openapi_extra={"parameters": _PARAMETERS},
)
def models(request: Request) -> Response:
    """A page of models, each with its Tool model file and classification, and the pager."""
    page = _number(request, "page", 1, MAX_PAGE)
    limit = _number(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)
    headers = _headers(request, "/api/v1/models", str(page), str(limit))
    cached = not_modified(request, headers)
    if cached is not None:
        return cached
    app = state(request)

    def build() -> Response:
        iris = _model_iris(request)
        shown = iris[(page - 1) * limit : page * limit]
        pager = {"total_items": len(iris), "total_pages": -(-len(iris) // limit), "current_page": page}
        listed = mot.api_models(app.store, shown, app.settings.base_iri)
        return JSONResponse({"pager": pager, "models": listed}, headers=headers)

    return app.cache.answer(cache_key(headers), build)


@router.get(
    "/api/v1/model/{id}",
    response_model=ToolModel,
    tags=["model openness tool"],
    summary="A model as the Model Openness Tool's API answers it: its model file and classification",
    responses=responses(304, 404),
)
def model(request: Request, id: str) -> Response:
    """The model ``model/{id}``: its Tool model file and the class the Tool's rules give it (404 if none)."""
    app = state(request)
    model_iri(app.store, id, app.settings.base_iri)  # an unknown id is a 404 before any 304
    headers = _headers(request, f"/api/v1/model/{id}")
    cached = not_modified(request, headers)
    if cached is not None:
        return cached

    def build() -> Response:
        return JSONResponse(mot.api_model(app.store, id, app.settings.base_iri), headers=headers)

    return app.cache.answer(cache_key(headers), build)
