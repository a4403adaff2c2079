"""``POST /validate``: a proposed record checked against the shapes, in the published graph's context.

The body is only read here (up to ``max_body_bytes``); it is parsed and validated in the worker
pool (:class:`mokg.validation.ValidationJob`), off the event loop, within
``validation_timeout`` seconds, its nesting, triples and entities bounded before and while a
native parser reads it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mokg.errors import UnsupportedMediaType
from mokg.formats import JSON, TURTLE, by_media, negotiate
from mokg.service.http import client, read_body, responses, state
from mokg.validation import SUBMISSION_FORMATS, ReportModel, SubmissionLimits, ValidationJob

__all__ = ["router"]

router = APIRouter()


@router.post(
    "/validate",
    response_model=ReportModel,
    tags=["validation"],
    responses=responses(
        400, 406, 413, 415, 429, 503, ok={"content": {TURTLE.media_type: {}}, "description": "The SHACL report."}
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {f.media_type: {"schema": {"type": "string"}} for f in SUBMISSION_FORMATS},
        }
    },
)
async def validate(request: Request) -> Response:
    """Check a proposed record against the shapes, in the context of the published graph.

    The record's base models, datasets and licences are taken from the published graph, so
    a new fine-tune of Llama 2 is checked against Llama 2's facts. Nothing is stored. The
    report is JSON, or Turtle when Accept prefers it.
    """
    app = state(request)
    settings = app.settings
    fmt = by_media(request.headers.get("content-type", ""))
    if fmt not in SUBMISSION_FORMATS:
        offered = ", ".join(f.media_type for f in SUBMISSION_FORMATS)
        raise UnsupportedMediaType(f"cannot read a body of this type: send one of {offered}")
    answer = negotiate((JSON, TURTLE), request.headers.get("accept"))
    body = await read_body(request, settings.max_body_bytes)
    limits = SubmissionLimits(
        triples=settings.max_submission_triples, entities=settings.max_submission_entities, depth=settings.max_rdf_depth
    )
    job = ValidationJob(body, fmt.media_type, settings.base_iri, limits, turtle=answer == TURTLE)
    pool = await app.pool()
    report = await pool.run(job, client=client(request), timeout=settings.validation_timeout)
    if answer == TURTLE:
        return Response(report, media_type=TURTLE.media_type)
    return JSONResponse(report)
