"""The OpenAPI description matches what the service answers: every operation fuzzed in-process.

Schemathesis generates requests from ``/openapi.json`` (valid and invalid ones: coverage cases,
then ``MAX_EXAMPLES`` fuzzed cases per operation, the same ones on every run) and each answer
must be no 5xx, with a documented status and content type, and a JSON body that fits its
documented schema. Requests go through one ``TestClient`` over the bundled graph, no network.

The description is read when the module is imported, from an app that is never started (its
routes need no graph): schemathesis' pytest plugin wants the schema at collection time, and its
fixture-based loader (``schemathesis.pytest.from_fixture``) fails under pytest 9
(``Function`` has no ``_nodeid``). ``test_the_fuzzed_description_is_the_served_one`` checks
it is the one the fuzzed app serves.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from conftest import REPO, TEST_DATA
from fastapi.testclient import TestClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mokg.config import Settings
from mokg.service import create_app
from mokg.store import EmbeddedStore

#: Fuzzed cases per operation (the coverage phase adds its own few): about 700 in all, ~10 s.
MAX_EXAMPLES = 10

#: What every answer is checked for.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

DESCRIPTION: dict[str, Any] = TestClient(create_app(Settings(root=REPO))).get("/openapi.json").json()
schema = schemathesis.openapi.from_dict(DESCRIPTION)

# The SPARQL query and N-Triples bodies are text: send them as schemathesis sends text/plain.
schemathesis.serializer.alias(["application/sparql-query", "application/n-triples"], "text/plain")


@pytest.fixture(scope="module")
def client(settings: Settings, store: EmbeddedStore) -> Iterator[TestClient]:
    """One app over the session's graph for the whole module; redirects are answers too."""
    with TestClient(create_app(settings, store=store), follow_redirects=False) as test_client:
        yield test_client


def send(client: TestClient, case: schemathesis.Case) -> httpx.Response:
    """``case`` through the TestClient (schemathesis prepares requests for ``requests``, not httpx)."""
    prepared = case.as_transport_kwargs(base_url=str(client.base_url))
    request = {key: prepared[key] for key in ("method", "url", "headers", "params", "cookies") if prepared.get(key)}
    body = prepared.get("data")
    if isinstance(body, bytes | str):
        request["content"] = body
    elif body is not None:
        request["data"] = body
    if "json" in prepared:
        request["json"] = prepared["json"]
    return client.request(**request)


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
def test_every_operation_answers_as_described(case: schemathesis.Case, client: TestClient) -> None:
    case.validate_response(send(client, case), checks=CHECKS)


def test_the_fuzzed_description_is_the_served_one(client: TestClient):
    assert client.get("/openapi.json").json() == DESCRIPTION


def test_operation_ids_are_unique_and_generating_them_warns_nothing(settings: Settings):
    """FastAPI warns "Duplicate Operation ID" (and keeps both) when two routes share a function name."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        described = create_app(settings).openapi()
    ids = [operation["operationId"] for item in described["paths"].values() for operation in item.values()]
    assert len(ids) == len(set(ids)) > 30


def test_sparql_documents_get_and_post_only():
    """PUT, DELETE, PATCH answer 405 (``sparql_other``), but are no operations of the description."""
    assert set(DESCRIPTION["paths"]["/sparql"]) == {"get", "post"}


ASK = "ASK { ?m a mokg:Model }"
RECORD = TEST_DATA / "rules" / "rule-5-ok.ttl"

#: A valid request for each documented operation: (path, query, headers, body).
VALID = {
    ("get", "/"): ("/", {}, {}, None),
    ("get", "/health"): ("/health", {}, {}, None),
    ("get", "/stats"): ("/stats", {}, {}, None),
    ("get", "/sparql"): ("/sparql", {"query": ASK}, {}, None),
    ("post", "/sparql"): ("/sparql", {}, {"content-type": "application/sparql-query"}, ASK),
    ("post", "/validate"): ("/validate", {}, {"content-type": "text/turtle"}, RECORD.read_text()),
    ("get", "/void"): ("/void", {}, {}, None),
    ("get", "/dumps/{filename}"): ("/dumps/mokg.ttl", {}, {}, None),
    ("get", "/context.jsonld"): ("/context.jsonld", {}, {}, None),
    ("get", "/ontology"): ("/ontology", {}, {}, None),
    ("get", "/shapes"): ("/shapes", {}, {}, None),
    ("get", "/model/{name}/spdx"): ("/model/alpaca-7b/spdx", {}, {}, None),
    ("get", "/api/v1/models"): ("/api/v1/models", {"page": "2", "limit": "10"}, {}, None),
    ("get", "/api/v1/model/{id}"): ("/api/v1/model/alpaca-7b", {}, {}, None),
    ("get", "/model/{name}/badge.svg"): ("/model/alpaca-7b/badge.svg", {"show": "osaid"}, {}, None),
    ("get", "/model/{name}/badge.json"): ("/model/alpaca-7b/badge.json", {"show": "score"}, {}, None),
}
#: A release of the bundled data (data/releases/).
RELEASE = "2026.12.1"
SLUGS = {
    "model": "alpaca-7b",
    "dataset": "alpaca-data",
    "license": "Apache-2.0",
    "org": "meta",
    "family": "llama-2",
    "source": "how-open-is-generative-ai-part-2",
}
for _kind, _slug in SLUGS.items():
    VALID[("get", f"/{_kind}/{{name}}")] = (f"/{_kind}/{_slug}", {}, {}, None)
    VALID[("get", f"/{_kind}/{{name}}/cite")] = (f"/{_kind}/{_slug}/cite", {}, {}, None)
    # The bundled data's own releases (data/releases/): 2026.12.0 and 2026.12.1.
    VALID[("get", f"/release/{{version}}/{_kind}/{{name}}")] = (f"/release/{RELEASE}/{_kind}/{_slug}", {}, {}, None)
    VALID[("get", f"/release/{{version}}/{_kind}/{{name}}/cite")] = (
        f"/release/{RELEASE}/{_kind}/{_slug}/cite",
        {},
        {},
        None,
    )
for _kind in ("model", "dataset", "license"):
    VALID[("get", f"/{_kind}/{{name}}/history")] = (f"/{_kind}/{SLUGS[_kind]}/history", {}, {}, None)
VALID[("get", "/release/{version}/{filename}")] = (f"/release/{RELEASE}/mokg-{RELEASE}.nq.gz", {}, {}, None)
VALID[("get", "/release/{old}/diff/{new}")] = (f"/release/2026.12.0/diff/{RELEASE}", {}, {}, None)
# The change feeds (docs/feeds.md): the whole graph's and one model's, Atom and JSON Feed.
for _suffix in ("atom", "json"):
    VALID[("get", f"/changes.{_suffix}")] = (f"/changes.{_suffix}", {}, {}, None)
    VALID[("get", f"/model/{{name}}/changes.{_suffix}")] = (f"/model/alpaca-7b/changes.{_suffix}", {}, {}, None)

DOCUMENTED = sorted((method, path) for path, item in DESCRIPTION["paths"].items() for method in item)


def test_every_documented_operation_has_a_valid_example():
    assert sorted(VALID) == DOCUMENTED


@pytest.mark.parametrize(("method", "path"), DOCUMENTED)
def test_every_documented_operation_answers_a_valid_request(client: TestClient, method: str, path: str):
    """Routed (no router 404, no 405), 200, and as described."""
    url, query, headers, body = VALID[(method, path)]
    response = client.request(method, url, params=query, headers=headers, content=body)
    assert response.status_code == 200, response.text
    parameters = {
        part.strip("{}"): value
        for part, value in zip(path.split("/"), url.split("/"), strict=True)
        if part.startswith("{")
    }
    case = schema[path][method.upper()].Case(path_parameters=parameters, query=query, headers=headers)
    case.validate_response(response, checks=CHECKS)


# What was wrong, as plain tests: found by the fuzzer (a missing record's 404), by the valid
# requests above (the dumps), by hand (the SPDX profile).


def documented_content(path: str, status: int, method: str = "get") -> set[str]:
    return set(DESCRIPTION["paths"][path][method]["responses"][str(status)]["content"])


@pytest.mark.parametrize(("kind", "suffix"), [("model", ""), ("org", ".ttl"), ("source", ".rdf"), ("family", ".nt")])
def test_a_missing_record_is_a_404_in_the_asked_format_as_documented(client: TestClient, kind: str, suffix: str):
    """Was: the 404 of /model/0 is HTML, but only application/json (ErrorModel) was documented."""
    response = client.get(f"/{kind}/0{suffix}")
    assert response.status_code == 404
    assert response.headers["content-type"].split(";")[0] in documented_content(f"/{kind}/{{name}}", 404)


@pytest.mark.parametrize("name", ["mokg.nq.gz", "mokg.nt.gz", "mokg.ttl", "mokg.jsonld"])
def test_every_dump_is_served_as_documented(client: TestClient, name: str):
    """Was: dumps are gzip, Turtle or JSON-LD, but only application/octet-stream was documented."""
    response = client.get(f"/dumps/{name}", headers={"accept-encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] in documented_content("/dumps/{filename}", 200)


def test_the_spdx_profile_of_a_model_record_is_documented(client: TestClient):
    """Was: /model/{name}?profile=spdx answers application/spdx3+json, neither parameter nor type documented."""
    response = client.get("/model/alpaca-7b", params={"profile": "spdx"})
    assert response.status_code == 200
    assert response.headers["content-type"] in documented_content("/model/{name}", 200)
    parameters = DESCRIPTION["paths"]["/model/{name}"]["get"]["parameters"]
    assert {"name": "profile", "in": "query"}.items() <= next(p for p in parameters if p["name"] == "profile").items()


@pytest.mark.parametrize(("version", "status"), [("1.0", 404), ("x", 400)])
def test_the_spdx_profile_of_a_release_record_is_not_the_living_export(client: TestClient, version: str, status: int):
    """Was: 200 with the living graph's SPDX export, for a release that does not exist or a bad version."""
    response = client.get(f"/release/{version}/model/alpaca-7b", params={"profile": "spdx"})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
