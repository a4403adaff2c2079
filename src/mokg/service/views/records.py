"""Records: one document per entity (living or frozen in a release), its citations and exports.

``/{kind}/{name}`` for every kind of :data:`mokg.records.KINDS`, in every record format by
suffix or Accept; ``…/cite`` (BibTeX, CSL-JSON, RIS); ``/model/{name}/spdx``; the same under
``/release/{version}/``; and the documents records refer to: ``/context.jsonld``,
``/ontology`` and ``/shapes``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mokg.citation import UnknownRecord, cite, negotiate_format
from mokg.citation import render as render_citation
from mokg.formats import CITATION_FORMATS, HTML, JSON_LD, RECORD_FORMATS, SPDX_JSON, Format, serialize
from mokg.history import HISTORY_KINDS, history, shows_timeline, timeline
from mokg.records import (
    KINDS,
    RecordModel,
    framed,
    link_header,
    not_found_body,
    parse_record_name,
    record_triples,
    render,
    resolve,
    schema_org,
)
from mokg.releases import release_iri, release_record_links, version_links
from mokg.service.cache import key as cache_key
from mokg.service.http import ErrorModel, choose, etag, not_modified, page, responses, state
from mokg.spdx import render_spdx, spdx_document

__all__ = ["router"]

router = APIRouter()

#: Seconds a client may cache a release record: forever, it never changes.
IMMUTABLE = "public, max-age=31536000, immutable"


def record(request: Request, kind: str, name: str, release: str | None = None) -> Response:
    """A record with content negotiation: suffix, else Accept (q-values); 404 in the asked format.

    With ``release``, the record as frozen in that release snapshot (immutable); without,
    the living record, linked to the releases that hold it.
    """
    app = state(request)
    base = app.settings.base_iri
    asked = parse_record_name(name)
    # Living records only: the export reads the living graph, so a release's URL (even of a
    # release that does not exist) must not answer with it.
    if release is None and asked.media is None and request.query_params.get("profile") == "spdx":
        return spdx(request, kind, asked.slug)
    media = asked.media or choose(request, RECORD_FORMATS, format_parameter=False)
    store = app.releases.store(release) if release else app.store
    path = f"{f'/release/{release}' if release else ''}/{kind}/{asked.slug}"
    iri = resolve(store, kind, asked.slug, base)
    if iri is None:
        message = f"no {kind} {asked.slug!r} in mokg" + (f" release {release}" if release else "")
        return Response(not_found_body(media, message), status_code=404, media_type=media.media_type)
    cite_as = release_iri(base, release, kind, asked.slug) if release else iri
    # A living record links the releases that hold it: a new release is a new representation.
    releases = () if release else tuple(m.version for m in app.releases.list())
    headers = {
        "Link": link_header(path, media, cite_as, "/shapes"),
        "ETag": etag(app.version, path, media.media_type, *releases),
        "Cache-Control": IMMUTABLE if release else f"public, max-age={app.settings.cache_max_age}",
    }
    if asked.media is None:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = f"{path}{media.suffix}"
    cached = not_modified(request, headers)
    if cached is not None:
        return cached

    def build() -> Response:
        triples = record_triples(store, iri)
        if release:
            triples += release_record_links(iri, base, app.releases.manifest(release), kind=kind, slug=asked.slug)
        else:
            triples += version_links(iri, base, app.releases.containing(iri), kind=kind, slug=asked.slug)
        context_url = f"{base}context.jsonld"
        if media == HTML:
            document = framed(triples, iri, app.context, context_url)
            embedded_timeline = not release and kind in HISTORY_KINDS and shows_timeline(app.releases.list())
            return page(
                "record.html",
                headers=headers,
                kind=kind,
                record=document,
                iri=cite_as,
                alternates=[(other.media_type, f"{path}{other.suffix}") for other in RECORD_FORMATS if other != media],
                citations=[(f.label, f"{path}/cite?format={f.names[0]}") for f in CITATION_FORMATS],
                schema_org=schema_org(document, kind),
                release=release,
                living=iri if release else None,
                # The living model's badges, shown beside their embed snippets (docs/badges.md).
                badge_preview=f"{path}/badge.svg" if kind == "model" and not release else None,
                # What changed in the record from release to release (mokg.history), with the full history's link.
                timeline=timeline(history(app.versions(), iri, base)) if embedded_timeline else None,
                history_url=f"{path}/history" if not release and kind in HISTORY_KINDS else None,
            )
        body = render(triples, media, iri, app.context, context_url)
        return Response(body, media_type=media.media_type, headers=headers)

    # A release record is checked against its file on every read (above): only then is a kept answer used.
    return app.cache.answer(cache_key(headers), build)


def citation(request: Request, kind: str, name: str, release: str | None = None) -> Response:
    """Citations of a record (BibTeX, CSL-JSON, RIS), naming the version and the URI."""
    app = state(request)
    media = negotiate_format(request.query_params.get("format"), request.headers.get("accept"))
    store = app.releases.store(release) if release else app.store
    iri = resolve(store, kind, name, app.settings.base_iri)
    if iri is None:
        raise UnknownRecord(f"no {kind} {name!r} in mokg" + (f" release {release}" if release else ""))
    manifest = app.releases.manifest(release) if release else None
    cited = cite(
        store,
        iri,
        kind,
        base_iri=app.settings.base_iri,
        accessed=date.today(),
        version=release,
        released=manifest.created.date() if manifest else None,
    )
    return Response(render_citation(cited, media), media_type=media.media_type, headers={"Vary": "Accept"})


def spdx(request: Request, kind: str, name: str) -> Response:
    """The SPDX 3.0.1 export of a model record, for SBOM tools."""
    app = state(request)
    iri = resolve(app.store, kind, name, app.settings.base_iri) if kind == "model" else None
    if iri is None:
        raise UnknownRecord(f"no model {name!r} in mokg: only models have an SPDX export")
    document = spdx_document(app.store, iri, app.settings.base_iri)
    return Response(render_spdx(document), media_type=SPDX_JSON.media_type)


def _living(handler: Callable[..., Response], kind: str) -> Callable[[Request, str], Response]:
    """A route function for one record kind (FastAPI reads the ``name`` path parameter from it)."""

    def route(request: Request, name: str) -> Response:
        return handler(request, kind, name)

    return route


def _released(handler: Callable[..., Response], kind: str) -> Callable[[Request, str, str], Response]:
    """A route function for one record kind of a release (path parameters ``version`` and ``name``)."""

    def route(request: Request, version: str, name: str) -> Response:
        return handler(request, kind, name, version)

    return route


def _content(formats: tuple[Format, ...], schemas: dict[Format, dict] | None = None) -> dict[str, dict]:
    return {f.media_type: ({"schema": schemas[f]} if schemas and f in schemas else {}) for f in formats}


_RECORD_CONTENT = _content(RECORD_FORMATS, {JSON_LD: RecordModel.model_json_schema(by_alias=True)})
_RECORD_OK = {
    "description": "The record in the negotiated format (suffix .html .jsonld .ttl .nt .rdf, or Accept).",
    "content": _RECORD_CONTENT,
}
_CITATION_OK = {"description": "The citation.", "content": _content(CITATION_FORMATS)}


#: ``?profile=spdx`` on a living model record (see :func:`record`).
_SPDX_PROFILE = {
    "name": "profile",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["spdx"]},
    "description": "spdx: the model's SPDX 3.0.1 document instead of the record (as /model/{name}/spdx).",
}


def _record_responses(*statuses: int, spdx: bool = False) -> dict[int | str, dict[str, object]]:
    """The ``responses`` of a record route: its 404 is in the asked format (see ``not_found_body``), or JSON.

    With ``spdx``, the 200 may also be the SPDX export (``?profile=spdx``).
    """
    ok = {**_RECORD_OK, "content": {**_RECORD_CONTENT, **_content((SPDX_JSON,))}} if spdx else _RECORD_OK
    described = responses(*statuses, ok=ok)
    in_format = _content(RECORD_FORMATS, {JSON_LD: ErrorModel.model_json_schema()})
    described[404] = {**described[404], "content": in_format}
    return described


for _kind in KINDS:
    for _name, _path, _route, _tag, _summary, _answers in (
        (f"{_kind}", f"/{_kind}/{{name}}", _living(record, _kind), "records",
         f"The {_kind} record: HTML, JSON-LD, Turtle, N-Triples or RDF/XML",
         _record_responses(304, 404, 406, spdx=_kind == "model")),
        (f"{_kind}_cite", f"/{_kind}/{{name}}/cite", _living(citation, _kind), "citation",
         f"Citations of the {_kind} record: ?format=bibtex|csl|ris", responses(404, 406, ok=_CITATION_OK)),
        (f"{_kind}_release", f"/release/{{version}}/{_kind}/{{name}}", _released(record, _kind), "releases",
         f"The {_kind} record as frozen in a release (immutable)", _record_responses(304, 400, 404, 406, 500)),
        (f"{_kind}_release_cite", f"/release/{{version}}/{_kind}/{{name}}/cite", _released(citation, _kind),
         "citation", f"Citations of the {_kind} record of a release", responses(400, 404, 406, 500, ok=_CITATION_OK)),
    ):  # fmt: skip
        router.add_api_route(
            _path, _route, methods=["GET"], tags=[_tag], summary=_summary, response_class=Response,
            responses=_answers, name=_name,
            openapi_extra={"parameters": [_SPDX_PROFILE]} if _path == "/model/{name}" else None,
        )  # fmt: skip


@router.get(
    "/model/{name}/spdx",
    tags=["records"],
    summary="SPDX 3.0.1 export of a model (AI and Dataset profiles)",
    response_class=Response,
    responses=responses(404, ok={"description": "The SPDX document.", "content": _content((SPDX_JSON,))}),
)
def model_spdx(request: Request, name: str) -> Response:
    """The model as an SPDX 3.0.1 JSON-LD document (also ``/model/{name}?profile=spdx``)."""
    return spdx(request, "model", name)


@router.get(
    "/context.jsonld",
    tags=["records"],
    summary="mokg's JSON-LD context",
    response_class=JSONResponse,
    responses=responses(ok={"description": "The context.", "content": _content((JSON_LD,))}),
)
def context_document(request: Request) -> Response:
    """The published ``@context`` every JSON-LD record refers to."""
    return JSONResponse(
        state(request).context, media_type=JSON_LD.media_type, headers={"Cache-Control": "public, max-age=86400"}
    )


def _graph_document(request: Request, *, prefix: str, path: str, suffix: Format | None) -> Response:
    """The ontology or the shapes: every graph under ``prefix``, in the negotiated RDF format."""
    app = state(request)
    offered = (*(f for f in RECORD_FORMATS if f != HTML), HTML)  # RDF first: tools ask with */*
    media = suffix or choose(request, offered, format_parameter=False)
    headers = {
        "Link": link_header(path, media, f"{request.base_url}{path.lstrip('/')}", "/shapes"),
        "ETag": etag(app.version, path, media.media_type),
    }
    if suffix is None:
        headers.update({"Vary": "Accept", "Content-Location": f"{path}{media.suffix}"})
    cached = not_modified(request, headers)
    if cached is not None:
        return cached

    def build() -> Response:
        quads = app.store.graphs_under(f"{app.settings.base_iri}{prefix}")
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        if media == HTML:
            alternates = [(f.media_type, f"{path}{f.suffix}") for f in RECORD_FORMATS]
            return page(
                "vocabulary.html", headers=headers, title=path.strip("/"), triples=triples, alternates=alternates
            )
        return Response(serialize(triples, media), media_type=media.media_type, headers=headers)

    return app.cache.answer(cache_key(headers), build)


def _graph_route(prefix: str, path: str, suffix: Format | None) -> Callable[[Request], Response]:
    def route(request: Request) -> Response:
        return _graph_document(request, prefix=prefix, path=path, suffix=suffix)

    return route


for _name, _prefix in (("ontology", "graph/ontology/"), ("shapes", "graph/shapes/")):
    for _suffix in (None, *RECORD_FORMATS):
        router.add_api_route(
            f"/{_name}{_suffix.suffix if _suffix else ''}",
            _graph_route(_prefix, f"/{_name}", _suffix),
            methods=["GET"],
            tags=["records"],
            include_in_schema=_suffix is None,
            summary=f"The {_name} as RDF (Turtle, JSON-LD, N-Triples, RDF/XML) or HTML",
            response_class=Response,
            responses=responses(304, 406, ok={"description": f"The {_name}.", "content": _content(RECORD_FORMATS)}),
            name=f"{_name}{_suffix.suffix if _suffix else ''}",
        )
