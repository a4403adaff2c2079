"""HTTP in one place: content negotiation, conditional requests, bodies, errors, pages.

Every view answers through these helpers, so the rules are the same on every route:

- the format is chosen by :func:`choose` (``?format=`` or Accept with q-values, 406 listing the
  offers) from :mod:`mokg.formats`;
- an entity tag is strong when the bytes are fixed by it (mokg serializes deterministically);
  the compression layer weakens it when it changes the encoding (see
  :mod:`mokg.service.middleware`). ``If-None-Match`` is compared weakly (RFC 9110 §13.1.2) and
  ``*`` matches any current representation: :func:`not_modified` answers 304 with the headers
  a 200 would carry, files included;
- a request body is read up to a limit and no further (:func:`read_body`);
- a :class:`~mokg.errors.MokgError` becomes its status with a JSON ``detail`` (and
  ``Retry-After``, ``Allow``, the formats offered, where they apply) — never a 500 for what a
  client sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, Field

from mokg import __version__
from mokg.errors import MethodNotAllowed, MokgError, NotAcceptable, PayloadTooLarge
from mokg.formats import Format, negotiate
from mokg.record_page import TEMPLATE_GLOBALS
from mokg.service.state import AppState
from mokg.workers import client_key

__all__ = [
    "TEMPLATES",
    "ErrorModel",
    "choose",
    "client",
    "error_response",
    "etag",
    "file_response",
    "not_modified",
    "page",
    "read_body",
    "responses",
    "state",
]

TEMPLATES = Environment(loader=PackageLoader("mokg", "templates"), autoescape=select_autoescape())
TEMPLATES.globals.update(TEMPLATE_GLOBALS)


def state(request: Request) -> AppState:
    """The service's typed state."""
    return request.app.state.mokg


def client(request: Request) -> str:
    """Whom the request counts against in the worker pool (see :func:`mokg.workers.client_key`)."""
    return client_key(request.client.host if request.client else None)


def choose(request: Request, offered: Sequence[Format], *, format_parameter: bool = True) -> Format:
    """The format to answer with: ``?format=`` (when the route reads it), else Accept (406 if none fits)."""
    name = request.query_params.get("format") if format_parameter else None
    return negotiate(offered, request.headers.get("accept"), name)


def etag(*parts: str) -> str:
    """A strong entity tag naming one representation: a digest of what determines its bytes."""
    return f'"{hashlib.sha256(" ".join(parts).encode()).hexdigest()[:32]}"'


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def not_modified(request: Request, headers: dict[str, str]) -> Response | None:
    """A 304 with ``headers`` when ``If-None-Match`` matches ``headers["ETag"]`` (weakly, or ``*``); else ``None``."""
    condition = request.headers.get("if-none-match")
    if not condition or "ETag" not in headers:
        return None
    tags = [tag for tag in condition.split(",") if tag.strip()]
    if any(tag.strip() == "*" for tag in tags) or _opaque(headers["ETag"]) in {_opaque(t) for t in tags}:
        return Response(status_code=304, headers=headers)
    return None


def file_response(chunks: Iterator[bytes], *, media_type: str, size: int, headers: dict[str, str]) -> Response:
    """A file's bytes, streamed, with its length (ask :func:`not_modified` before opening the file)."""
    return StreamingResponse(chunks, media_type=media_type, headers={**headers, "Content-Length": str(size)})


async def read_body(request: Request, limit: int) -> bytes:
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


def page(
    template: str, *, headers: dict[str, str] | None = None, status_code: int = 200, **context: object
) -> Response:
    """An HTML page from mokg's templates (static files under ``/static``)."""
    body = TEMPLATES.get_template(template).render(static="/static", version=__version__, **context)
    return HTMLResponse(body, status_code=status_code, headers=headers)


def error_response(error: MokgError) -> JSONResponse:
    """Every user-caused error becomes its HTTP status with a one-line message, never a 500."""
    body: dict[str, object] = {"detail": str(error)}
    headers = {}
    if isinstance(error, NotAcceptable):
        body["offered"] = error.offered
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = ", ".join(error.allowed)
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(body, status_code=error.http_status, headers=headers)


class ErrorModel(BaseModel):
    """The body of every error answer."""

    detail: str = Field(description="What went wrong, in one sentence.")


#: What each error status means on mokg's routes, for the OpenAPI description.
_STATUS = {
    304: "Not modified: the representation the client holds (If-None-Match) is current.",
    400: "The request cannot be answered as sent (the detail says why).",
    403: "A write: the service is read-only.",
    404: "No such resource.",
    406: "No offered format fits Accept or ?format=; the offers are listed.",
    413: "The body or query is larger than the service accepts.",
    415: "The body's media type is not one the route reads.",
    429: "Too many requests from this client, or waiting in all: see Retry-After.",
    500: "A release file no longer matches its checksum, or an internal error.",
    502: "The remote store cannot be reached.",
    503: "Stopped at the time or memory limit, or no worker freed up (Retry-After).",
    504: "The remote store did not answer in time.",
}


def responses(*statuses: int, ok: dict[str, object] | None = None) -> dict[int | str, dict[str, object]]:
    """The ``responses`` of a route's OpenAPI operation: ``ok`` for 200, then the given statuses."""
    described: dict[int | str, dict[str, object]] = {200: ok} if ok else {}
    for status in statuses:
        entry: dict[str, object] = {"description": _STATUS[status]}
        if status != 304:
            entry["model"] = ErrorModel
        described[status] = entry
    return described
