"""``/model/{name}/badge.svg`` and ``/model/{name}/badge.json``: a model's badges (:mod:`mokg.badges`).

``?show=mof|osaid|score`` (default ``mof``) chooses what the badge shows; anything else is a 400
naming the allowed values, an unknown model a 404, both JSON errors like every route's. A badge
is revalidated and kept like a record: its entity tag names the graph version, the path and what
it shows, ``If-None-Match`` gets a 304, the answer is kept in the response cache, and clients may
cache it for ``cache_max_age`` seconds.
"""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from mokg.badges import DEFAULT_SHOW, SHOWS, make_badge, parse_show, read_facts, render_svg, shields_endpoint
from mokg.citation import UnknownRecord
from mokg.service.cache import key as cache_key
from mokg.service.http import etag, not_modified, responses, state

__all__ = ["SVG", "ShieldsBadge", "router"]

router = APIRouter()

SVG = "image/svg+xml"
JSON = "application/json"
#: An SVG badge is an image, never a document that loads or runs anything, even opened on its own.
_SVG_POLICY = "default-src 'none'"


class ShieldsBadge(BaseModel):
    """Shields.io's endpoint-badge JSON (https://shields.io/badges/endpoint-badge)."""

    schemaVersion: Literal[1] = Field(description="Always 1.")
    label: str = Field(description='The left text: "MOF class", "OSAID" or "openness".')
    message: str = Field(description='The right text: "Class I", "no class", "conformant", "83.3 / 100"…')
    color: str = Field(description="The right side's colour, hex without #.")
    labelColor: str = Field(description="The left side's colour, hex without #.")
    cacheSeconds: int = Field(ge=300, description="How long Shields may keep the badge: the service's own lifetime.")


_SHOW = {
    "name": "show",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": list(SHOWS), "default": DEFAULT_SHOW},
    "description": "What the badge shows: mof (MOF class), osaid (OSAID status) or score (openness score).",
}


def _badge(request: Request, name: str, suffix: str, media_type: str) -> Response:
    """The badge of model ``name`` in ``media_type``: 400, 404, 304 or 200 (kept in the response cache)."""
    app = state(request)
    show = parse_show(request.query_params.get("show"))
    facts = read_facts(app.store, app.settings.base_iri, name)
    if facts is None:
        raise UnknownRecord(f"no model {name!r} in mokg: badges are made for models only")
    path = f"/model/{name}/badge{suffix}"
    headers = {
        "ETag": etag(app.version, path, media_type, show),
        "Cache-Control": f"public, max-age={app.settings.cache_max_age}",
    }
    if media_type == SVG:
        headers["Content-Security-Policy"] = _SVG_POLICY
    cached = not_modified(request, headers)
    if cached is not None:
        return cached

    def build() -> Response:
        badge = make_badge(facts, show)
        if media_type == SVG:
            body = render_svg(badge)
        else:
            body = json.dumps(shields_endpoint(badge, app.settings.cache_max_age), ensure_ascii=False)
        return Response(body.encode(), media_type=media_type, headers=headers)

    return app.cache.answer(cache_key(headers), build)


@router.get(
    "/model/{name}/badge.svg",
    tags=["badges"],
    summary="A badge of the model: MOF class, OSAID status or openness score, as an SVG image",
    response_class=Response,
    responses=responses(
        304,
        400,
        404,
        ok={
            "description": "The badge: an accessible SVG image (role img, title, aria-label).",
            "content": {SVG: {"schema": {"type": "string"}}},
        },
    ),
    openapi_extra={"parameters": [_SHOW]},
)
def badge_svg(request: Request, name: str) -> Response:
    """The badge as SVG, to embed as an image (``docs/badges.md``)."""
    return _badge(request, name, ".svg", SVG)


@router.get(
    "/model/{name}/badge.json",
    tags=["badges"],
    summary="A badge of the model as Shields.io endpoint JSON (for img.shields.io/endpoint?url=…)",
    response_class=Response,
    responses=responses(
        304,
        400,
        404,
        ok={
            "description": "The badge's label, message and colours for Shields.io.",
            "content": {JSON: {"schema": ShieldsBadge.model_json_schema()}},
        },
    ),
    openapi_extra={"parameters": [_SHOW]},
)
def badge_json(request: Request, name: str) -> Response:
    """The badge as Shields.io's endpoint JSON, for any of Shields' styles."""
    return _badge(request, name, ".json", JSON)
