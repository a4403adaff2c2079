"""Change feeds: ``/changes.atom``, ``/changes.json`` and the same per model (``/model/{name}/changes.…``).

The entries are :mod:`mokg.feeds`' (each release against the one before it, newest first,
bounded). Comparing two releases reads and compares both files, so each pair's entries are
computed once (through :meth:`mokg.service.state.AppState.diff`, one comparison at a time) and
kept for the life of the app: releases never change, and a pair is keyed by both checksums too.
A feed changes when a release is made: its entity tag names the releases (and the graph
version), ``If-None-Match`` gets a 304, and it may be cached like a living record.
"""

from __future__ import annotations

import asyncio
import weakref

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from mokg.citation import UnknownRecord
from mokg.feeds import FEED_ENTRIES, Entry, Feed, atom, diff_entries, json_feed, release_pairs
from mokg.formats import ATOM, JSON_FEED, Format
from mokg.records import resolve
from mokg.releases import ReleaseManifest
from mokg.service.cache import key as cache_key
from mokg.service.http import etag, not_modified, responses, state
from mokg.service.state import AppState

__all__ = ["router"]

router = APIRouter()

#: Each app's entries per pair of releases (previous, its sha256, release, its sha256), kept while the app lives.
_KEPT: weakref.WeakKeyDictionary[AppState, dict[tuple[str, str, str, str], list[Entry]]] = weakref.WeakKeyDictionary()

_OK = {
    "description": "The feed: one entry per release and changed entity, newest first.",
    "content": {ATOM.media_type: {}, JSON_FEED.media_type: {}},
}


async def _entries(app: AppState, manifests: list[ReleaseManifest], entity: str | None) -> list[Entry]:
    """The feed's entries (of ``entity`` only, if given), each pair of releases compared once per app."""
    kept = _KEPT.setdefault(app, {})
    checksums = {m.version: m.sha256 for m in manifests}
    found: list[Entry] = []
    for old, new in release_pairs(manifests):
        pair = (old, checksums[old], new, checksums[new])
        if pair not in kept:
            kept[pair] = diff_entries(*await app.diff(old, new))
        found += [e for e in kept[pair] if entity is None or e.entity == entity]
        if len(found) >= FEED_ENTRIES:
            break
    return found[:FEED_ENTRIES]


def _label(app: AppState, iri: str) -> str:
    query = f"SELECT ?l WHERE {{ {ox.NamedNode(iri)} rdfs:label ?l }} ORDER BY ?l LIMIT 1"
    rows = list(app.store.query(query))
    return rows[0]["l"].value if rows else iri


async def _feed(request: Request, media: Format, name: str | None = None) -> Response:
    """The whole graph's feed, or model ``name``'s (404 when there is no such model)."""
    app = state(request)
    base = app.settings.base_iri
    entity = None
    if name is not None:
        entity = await asyncio.to_thread(resolve, app.store, "model", name, base)
        if entity is None:
            raise UnknownRecord(f"no model {name!r} in mokg")
    path = f"model/{name}/changes" if name is not None else "changes"
    manifests = await asyncio.to_thread(app.releases.list)
    headers = {
        "ETag": etag(app.version, path, media.media_type, *(f"{m.version}:{m.sha256}" for m in manifests)),
        "Cache-Control": f"public, max-age={app.settings.cache_max_age}",
    }
    cached = not_modified(request, headers)
    if cached is not None:
        return cached
    kept = app.cache.get(cache_key(headers))
    if kept is not None:
        return kept
    entries = await _entries(app, manifests, entity)
    if entity is None:
        title, about, alternate = "mokg: what changed", "the Model Openness Knowledge Graph", base
    else:
        label = await asyncio.to_thread(_label, app, entity)
        title, about, alternate = f"mokg: what changed in {label}", f"mokg's record of {label}", entity
    feed = Feed(base, path, title, f"What changed in {about}, release by release.", alternate, entries)
    body = atom(feed) if media == ATOM else json_feed(feed)
    return app.cache.keep(cache_key(headers), Response(body, media_type=media.media_type, headers=headers))


@router.get(
    "/changes.atom",
    tags=["releases"],
    summary="What changed, release by release: an Atom feed",
    response_class=Response,
    responses=responses(304, 500, ok=_OK),
)
async def changes_atom(request: Request) -> Response:
    """One entry per release and changed entity (each release against the one before), newest first."""
    return await _feed(request, ATOM)


@router.get(
    "/changes.json",
    tags=["releases"],
    summary="What changed, release by release: a JSON Feed",
    response_class=Response,
    responses=responses(304, 500, ok=_OK),
)
async def changes_json(request: Request) -> Response:
    """The entries of ``/changes.atom`` as JSON Feed 1.1."""
    return await _feed(request, JSON_FEED)


@router.get(
    "/model/{name}/changes.atom",
    tags=["releases"],
    summary="What changed in one model, release by release: an Atom feed",
    response_class=Response,
    responses=responses(304, 404, 500, ok=_OK),
)
async def model_changes_atom(request: Request, name: str) -> Response:
    """The entries of ``/changes.atom`` about one model (its components and the claims about it too)."""
    return await _feed(request, ATOM, name)


@router.get(
    "/model/{name}/changes.json",
    tags=["releases"],
    summary="What changed in one model, release by release: a JSON Feed",
    response_class=Response,
    responses=responses(304, 404, 500, ok=_OK),
)
async def model_changes_json(request: Request, name: str) -> Response:
    """The entries of ``/model/{name}/changes.atom`` as JSON Feed 1.1."""
    return await _feed(request, JSON_FEED, name)
