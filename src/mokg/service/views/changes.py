"""What changed: between two releases (``/release/{old}/diff/{new}``) and in one record's history.

A diff is computed once per pair of versions and kept (:meth:`mokg.service.state.AppState.diff`);
``latest`` names the living graph. Answers are HTML, JSON or an RDF Patch by suffix-free
negotiation (``Accept`` or ``?format=html|json|rdf-patch``), cacheable: a diff of two releases
never changes.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mokg import history as histories
from mokg.citation import UnknownRecord
from mokg.diffs import LATEST, rdf_patch, sentences, to_json
from mokg.formats import HTML, JSON_DOCUMENT, N_TRIPLES, RDF_PATCH, TURTLE, Format, serialize
from mokg.records import not_found_body, resolve
from mokg.releases import validate_version
from mokg.service.http import ErrorModel, choose, etag, not_modified, page, responses, state

__all__ = ["router"]

router = APIRouter()

#: What a diff is offered as, the first the default.
DIFF_FORMATS = (HTML, JSON_DOCUMENT, RDF_PATCH)
#: Seconds a client may cache a diff of two releases: forever, neither changes.
IMMUTABLE = "public, max-age=31536000, immutable"


def _version(value: str) -> str:
    """A release version or ``latest``: anything else is a 400."""
    return value if value == LATEST else validate_version(value)


def _other_formats(path: str, formats: tuple[Format, ...]) -> dict[str, object]:
    """A page's links to itself in its other formats (``?format=``), and their names.

    The template's ``alternates`` and ``labels_of_formats``.
    """
    return {
        "alternates": [(f.media_type, f"{path}?format={f.names[0]}") for f in formats if f != HTML],
        "labels_of_formats": {f.media_type: f.label for f in formats},
    }


@router.get(
    "/release/{old}/diff/{new}",
    tags=["releases"],
    summary="What changed between two releases (or a release and latest)",
    responses=responses(
        304,
        400,
        404,
        406,
        ok={
            "description": "Per entity: the changes in words, and the triples added and removed.",
            "content": {f.media_type: {} for f in DIFF_FORMATS},
        },
    ),
)
async def diff(request: Request, old: str, new: str) -> Response:
    """The changes from ``old`` to ``new``: HTML, JSON or RDF Patch; ``latest`` is the living graph."""
    app = state(request)
    media = choose(request, DIFF_FORMATS)
    old, new = _version(old), _version(new)
    living = LATEST in (old, new)
    path = f"/release/{old}/diff/{new}"
    headers = {
        "ETag": etag(app.version if living else "", path, media.media_type),
        "Cache-Control": f"public, max-age={app.settings.cache_max_age}" if living else IMMUTABLE,
        "Vary": "Accept",
    }
    cached = not_modified(request, headers)
    if cached is not None:
        return cached
    found, labels = await app.diff(old, new)
    if media == JSON_DOCUMENT:
        body = json.dumps(to_json(found, labels), ensure_ascii=False, indent=2)
        return Response(body, media_type=media.media_type, headers=headers)
    if media == RDF_PATCH:
        return Response(rdf_patch(found), media_type=media.media_type, headers=headers)
    return page(
        "diff.html",
        headers=headers,
        diff=found,
        labels=labels,
        sentences=sentences,
        **_other_formats(path, DIFF_FORMATS),
    )


#: What a history is offered as: a timeline, JSON, and PROV in RDF.
HISTORY_FORMATS = (HTML, JSON_DOCUMENT, TURTLE, N_TRIPLES)


async def history(request: Request, kind: str, name: str) -> Response:
    """A record's history over the releases and the living graph (see :mod:`mokg.history`)."""
    app = state(request)
    media = choose(request, HISTORY_FORMATS)
    base = app.settings.base_iri
    iri = resolve(app.store, kind, name, base)
    if iri is None:
        message = f"no {kind} {name!r} in mokg"
        if media == HTML:  # a page for a browser; a JSON error (as every route's) for the other formats
            return Response(not_found_body(media, message), status_code=404, media_type=media.media_type)
        raise UnknownRecord(message)
    manifests = app.releases.list()
    path = f"/{kind}/{name}/history"
    headers = {
        "ETag": etag(app.version, path, media.media_type, *(m.version for m in manifests)),
        "Cache-Control": f"public, max-age={app.settings.cache_max_age}",
        "Vary": "Accept",
    }
    cached = not_modified(request, headers)
    if cached is not None:
        return cached
    versions = app.versions()
    found = histories.history(versions, iri, base)
    if media == JSON_DOCUMENT:
        body = json.dumps(histories.to_json(found), ensure_ascii=False, indent=2)
        return Response(body, media_type=media.media_type, headers=headers)
    if media in (TURTLE, N_TRIPLES):
        return Response(
            serialize(histories.history_triples(found), media), media_type=media.media_type, headers=headers
        )
    labels = histories.labels(found)
    return page(
        "history.html",
        headers=headers,
        history=found,
        label=labels.get(iri, iri),
        labels=labels,
        sentences=sentences,
        **_other_formats(path, HISTORY_FORMATS),
    )


_HISTORY_RESPONSES = responses(
    304,
    404,
    406,
    ok={
        "description": "A timeline (HTML), JSON, or PROV (Turtle, N-Triples).",
        "content": {f.media_type: {} for f in HISTORY_FORMATS},
    },
)
# An unknown record's 404 is a page for a browser, a JSON error otherwise.
_HISTORY_RESPONSES[404] = {
    **_HISTORY_RESPONSES[404],
    "content": {JSON_DOCUMENT.media_type: {"schema": ErrorModel.model_json_schema()}, HTML.media_type: {}},
}


def _of(kind: str) -> Callable[[Request, str], Awaitable[Response]]:
    """The history route of one record kind (FastAPI reads the ``name`` path parameter from it)."""

    async def route(request: Request, name: str) -> Response:
        return await history(request, kind, name)

    return route


for _kind in histories.HISTORY_KINDS:
    router.add_api_route(
        f"/{_kind}/{{name}}/history",
        _of(_kind),
        methods=["GET"],
        name=f"{_kind}_history",
        tags=["records"],
        summary=f"A {_kind}'s history: each fact and claim with the releases it held in",
        responses=_HISTORY_RESPONSES,
    )
