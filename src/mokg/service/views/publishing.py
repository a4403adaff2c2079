"""The data set as a whole: its VoID description, its dumps and its releases' files.

Dumps are those ``mokg load`` kept with an on-disk store, or else written once, the first time
any of these routes needs them, however many requests arrive together
(:meth:`mokg.service.state.AppState.dumps`); either way each is sent from the file opened when
they were made ready. A release file is checked against its manifest on every read and
streamed from the very file object that was checked (:meth:`mokg.releases.Releases.open_file`):
a changed release is refused (500), never served.
Compressed files are sent as ``application/gzip``, without ``Content-Encoding``, so a client
saves what it downloads under the name it has.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mokg.errors import MokgError
from mokg.formats import GRAPH_FORMATS, GZIP, JSON_LD, TURTLE
from mokg.releases import UnknownRelease, release_download_url, serialize_rdf
from mokg.service.http import choose, file_response, not_modified, responses, state

__all__ = ["router"]

router = APIRouter()


class UnknownDump(MokgError):
    """No dump of that name."""

    http_status = 404


_GRAPH = {"description": "The description.", "content": {f.media_type: {} for f in GRAPH_FORMATS}}

#: What the dumps are served as (see :func:`mokg.releases.make_dumps`): gzip, Turtle, JSON-LD.
_DUMP = {"description": "The dump file.", "content": {f.media_type: {} for f in (GZIP, TURTLE, JSON_LD)}}


@router.get(
    "/void",
    tags=["dataset"],
    summary="VoID description: statistics, dumps, releases",
    response_class=Response,
    responses=responses(406, ok=_GRAPH),
)
@router.get("/.well-known/void", tags=["dataset"], include_in_schema=False, name="well_known_void")
async def void(request: Request) -> Response:
    """The VoID description of the graph, with its dumps and releases as dcat:Distributions."""
    media = choose(request, GRAPH_FORMATS)
    triples = await state(request).void()
    return Response(serialize_rdf(triples, media), media_type=media.media_type, headers={"Vary": "Accept"})


@router.get(
    "/dumps/{filename}",
    tags=["dataset"],
    summary="Full dumps of the graph, with checksums in /void",
    response_class=Response,
    responses=responses(304, 404, ok=_DUMP),
)
async def dump(request: Request, filename: str) -> Response:
    """A full dump: N-Quads gz (named graphs), N-Triples gz and Turtle (union), JSON-LD."""
    app = state(request)
    dumps = await app.dumps()
    found = next((d for d in dumps if d.filename == filename), None)
    if found is None:
        raise UnknownDump(f"no dump {filename!r}; the dumps are {', '.join(d.filename for d in dumps)}")
    headers = {"ETag": f'"{found.sha256}"', "Cache-Control": f"public, max-age={app.settings.cache_max_age}"}
    cached = not_modified(request, headers)
    if cached is not None:
        return cached
    return file_response(app.dump_chunks(found), media_type=found.content_type, size=found.size, headers=headers)


@router.get(
    "/release/{version}/{filename}",
    tags=["releases"],
    summary="A release's full dump (N-Quads, gzip)",
    response_class=Response,
    responses=responses(304, 400, 404, 500, ok={"description": "The release file.", "content": {GZIP.media_type: {}}}),
)
def release_file(request: Request, version: str, filename: str) -> Response:
    """The frozen snapshot of a release, checked against its checksum on every read."""
    releases = state(request).releases
    manifest = releases.manifest(version)
    expected = Path(release_download_url(state(request).settings.base_iri, version)).name
    if filename != expected:
        raise UnknownRelease(f"release {version} has no file {filename!r}: its file is {expected}")
    headers = {
        "ETag": f'"{manifest.sha256}"',
        "Cache-Control": "public, max-age=31536000, immutable",
        "Content-Disposition": f'attachment; filename="{expected}"',
    }
    cached = not_modified(request, headers)
    if cached is not None:
        return cached
    manifest, file = releases.open_file(version)
    return file_response(releases.chunks(file), media_type=GZIP.media_type, size=manifest.size, headers=headers)
