"""``/sparql``: the SPARQL 1.1 Protocol endpoint, its service description and its query page.

Queries are parsed from the request here (:func:`mokg.sparql.parse_request`) and answered in
the worker pool (:class:`mokg.sparql.SparqlJob`), which checks their text before any engine
sees it and bounds their time, memory and result size (:mod:`mokg.workers`).
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from mokg.config import Settings
from mokg.errors import MethodNotAllowed
from mokg.formats import GRAPH_FORMATS, HTML, SOLUTION_FORMATS, serialize
from mokg.service.cache import key as cache_key
from mokg.service.http import choose, client, etag, not_modified, page, read_body, responses, state
from mokg.sparql import QueryLimits, SparqlAnswer, SparqlJob, load_examples, parse_request
from mokg.vocab import PREFIXES

__all__ = ["describe_service", "router"]

router = APIRouter()

SD = "http://www.w3.org/ns/sparql-service-description#"

_PARAMETERS = [
    {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "The SPARQL query."},
    {
        "name": "default-graph-uri",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "description": "Graphs forming the default graph (overrides FROM; default: all graphs' union).",
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "description": "Graphs visible to GRAPH (overrides FROM NAMED).",
    },
    {
        "name": "format",
        "in": "query",
        "schema": {"type": "string"},
        "description": "json, xml, csv, tsv (results); ttl, nt, jsonld, rdf (graphs); wins over Accept.",
    },
]
_BODY = {
    "required": False,
    "content": {
        "application/sparql-query": {"schema": {"type": "string"}},
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    "query": {"type": "string"},
                    "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                    "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                },
            }
        },
    },
}
_OK = {
    "description": "The query result, in the negotiated format; without a query, the service description "
    "(RDF) or, for browsers, the query page.",
    "content": {f.media_type: {} for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS, HTML)},
}
_ERRORS = (304, 400, 403, 406, 413, 415, 429, 502, 503, 504)


@router.api_route(
    "/sparql",
    methods=["GET"],
    tags=["sparql"],
    summary="SPARQL 1.1 Protocol endpoint (read-only): query by GET",
    response_class=Response,
    responses=responses(*_ERRORS, ok=_OK),
    openapi_extra={"parameters": _PARAMETERS},
    name="sparql_get",
)
@router.api_route("/sparql/", methods=["GET"], include_in_schema=False, name="sparql_get_slash")
async def sparql_get(request: Request) -> Response:
    """SPARQL 1.1 Protocol, query via GET ``?query=``; without a query, the service description or query page."""
    return await _sparql(request)


@router.api_route(
    "/sparql",
    methods=["POST"],
    tags=["sparql"],
    summary="SPARQL 1.1 Protocol endpoint (read-only): query by POST (form, or the query as the body)",
    response_class=Response,
    responses=responses(*(s for s in _ERRORS if s != 304), ok=_OK),
    openapi_extra={"parameters": _PARAMETERS, "requestBody": _BODY},
    name="sparql_post",
)
@router.api_route("/sparql/", methods=["POST"], include_in_schema=False, name="sparql_post_slash")
async def sparql_post(request: Request) -> Response:
    """SPARQL 1.1 Protocol, query via POST: a form, or ``application/sparql-query``; updates are refused (403)."""
    return await _sparql(request)


@router.api_route(
    "/sparql", methods=["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"], include_in_schema=False, name="sparql_other"
)
@router.api_route(
    "/sparql/",
    methods=["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"],
    include_in_schema=False,
    name="sparql_other_slash",
)
async def sparql_other(request: Request) -> Response:
    """Any other method: 405, naming the two the protocol has (Starlette alone would name one route's)."""
    raise MethodNotAllowed(f"{request.method} is not a SPARQL protocol operation: use GET or POST", ["GET", "POST"])


async def _sparql(request: Request) -> Response:
    """Read-only; every query is bounded (see the module); GET answers carry an ETag and Cache-Control."""
    app = state(request)
    settings = app.settings
    body = await read_body(request, settings.max_body_bytes) if request.method == "POST" else b""
    parsed = parse_request(
        request.method,
        request.query_params.multi_items(),
        request.headers.get("content-type"),
        body,
        accept=request.headers.get("accept"),
        max_query_length=settings.max_query_length,
    )
    if parsed is None:
        return _service_description(request)
    headers = {"Vary": "Accept, Accept-Encoding"}
    if request.method == "GET":
        headers["ETag"] = etag(app.version, request.url.query, request.headers.get("accept", ""))
        headers["Cache-Control"] = f"public, max-age={settings.cache_max_age}"
        cached = not_modified(request, headers)
        if cached is not None:
            return cached
    else:
        headers["Cache-Control"] = "no-store"
    kept_as = cache_key(headers) if "ETag" in headers else None  # GET only: a POST names no representation
    kept = app.cache.get(kept_as) if kept_as else None
    if kept is not None:
        return kept
    job = SparqlJob(parsed, query_limits(settings), settings.base_iri)
    answer = await app.once(kept_as, lambda: _evaluate(request, job)) if kept_as else await _evaluate(request, job)
    if answer.truncated is not None:
        headers["X-Result-Truncated"] = str(answer.truncated)
    response = Response(answer.body, media_type=answer.media_type, headers=headers)
    return app.cache.keep(kept_as, response) if kept_as else response


async def _evaluate(request: Request, job: SparqlJob) -> SparqlAnswer:
    app = state(request)
    pool = await app.pool()
    return await pool.run(job, client=client(request), timeout=app.settings.query_timeout)


def query_limits(settings: Settings) -> QueryLimits:
    """What one query may cost, from the settings."""
    return QueryLimits(
        rows=settings.result_cap,
        max_bytes=settings.result_max_bytes,
        depth=settings.max_query_depth,
        services=frozenset(settings.sparql_services),
    )


def _service_description(request: Request) -> Response:
    """SPARQL 1.1 Service Description for tools; the query page for browsers."""
    app = state(request)
    media = choose(request, (*GRAPH_FORMATS, HTML))
    if media == HTML:
        return page("sparql.html", headers={"Vary": "Accept"}, examples=load_examples(), endpoint=request.url.path)
    endpoint = str(request.url.remove_query_params(request.query_params.keys()))
    triples = describe_service(endpoint, app.graphs, app.stats.quads, app.settings)
    body = serialize(triples, media, {**PREFIXES, "sd": SD})
    return Response(body, media_type=media.media_type, headers={"Vary": "Accept"})


def describe_service(endpoint: str, graphs: list[str], triples: int, settings: Settings) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint: language, formats, dataset, limits."""
    service, dataset, default = ox.NamedNode(endpoint), ox.BlankNode(), ox.BlankNode()

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(f"{SD}{name}")

    rdf_type = ox.NamedNode(f"{PREFIXES['rdf']}type")
    services = ", ".join(settings.sparql_services) or "none"
    statements = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, ox.NamedNode(f"{PREFIXES['dcterms']}title"), ox.Literal("mokg SPARQL endpoint")),
        ox.Triple(
            service,
            ox.NamedNode(f"{PREFIXES['rdfs']}comment"),
            ox.Literal(
                f"Read-only. Queries are stopped after {settings.query_timeout:g} s; results are cut at "
                f"{settings.result_cap} rows or triples, or about {settings.result_max_bytes} bytes (the "
                f"X-Result-Truncated header says so). SERVICE may call: {services}. The default graph is the "
                "union of all named graphs: one per source file, and one per derivation rule."
            ),
        ),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, rdf_type, sd("Graph")),
        ox.Triple(
            default,
            ox.NamedNode("http://rdfs.org/ns/void#triples"),
            ox.Literal(str(triples), datatype=ox.NamedNode(f"{PREFIXES['xsd']}integer")),
        ),
    ]
    if settings.sparql_services:
        statements.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    for fmt in (*SOLUTION_FORMATS, *GRAPH_FORMATS):
        if fmt.w3c_iri:
            statements.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(fmt.w3c_iri)))
    for graph in graphs:
        node = ox.BlankNode()
        statements += [
            ox.Triple(dataset, sd("namedGraph"), node),
            ox.Triple(node, rdf_type, sd("NamedGraph")),
            ox.Triple(node, sd("name"), ox.NamedNode(graph)),
        ]
    return statements
