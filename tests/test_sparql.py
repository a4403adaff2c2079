"""The /sparql endpoint beyond the W3C protocol suite: formats, limits, caching, and timeouts."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import BASE, REPO, TINY_ROOT, OxigraphServer, free_port
from fastapi.testclient import TestClient

from mokg.cli import main
from mokg.config import Settings
from mokg.errors import MethodNotAllowed, NotAcceptable, PayloadTooLarge, QueryError, ReadOnly, UnsupportedMediaType
from mokg.formats import SOLUTION_FORMATS, negotiate
from mokg.service import create_app
from mokg.sparql import QueryLimits, SparqlRequest, answer, parse_request

MODELS = "SELECT ?m WHERE { ?m a mokg:Model } ORDER BY ?m"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 5,000^3 rows: hours


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request, store):
    """The service over the embedded store, and over an Oxigraph server loaded through `mokg load`."""
    settings = Settings(root=REPO, result_cap=5, max_query_length=2000, query_timeout=20)
    if request.param == "embedded":
        app = create_app(settings, store=store)
    else:
        url = request.getfixturevalue("loaded_server").url
        app = create_app(settings.model_copy(update={"store": url}), load=False)
    with TestClient(app) as test_client:
        yield test_client


# --- negotiation and request parsing (pure functions) -------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("application/sparql-results+xml;q=0.5, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
        ("text/*;q=0.3, application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/json;q=0, */*;q=0.1", "application/sparql-results+json"),
    ],
)
def test_negotiation_honours_q_values(accept: str | None, expected: str):
    assert negotiate(SOLUTION_FORMATS, accept).media_type == expected


def test_negotiation_fails_with_the_offers():
    with pytest.raises(NotAcceptable) as caught:
        negotiate(SOLUTION_FORMATS, "image/png, text/csv;q=0")
    assert "text/csv" in caught.value.offered


def test_format_parameter_wins_over_accept():
    assert negotiate(SOLUTION_FORMATS, "text/csv", "xml").media_type == "application/sparql-results+xml"
    with pytest.raises(NotAcceptable):
        negotiate(SOLUTION_FORMATS, None, "turtle")


@pytest.mark.parametrize(
    ("method", "params", "content_type", "body", "error"),
    [
        ("PUT", [("query", "ASK {}")], None, b"", MethodNotAllowed),
        ("GET", [("update", "CLEAR ALL")], None, b"", ReadOnly),
        ("POST", [], "application/sparql-update", b"CLEAR ALL", ReadOnly),
        ("POST", [], "application/x-www-form-urlencoded", b"update=CLEAR+ALL", ReadOnly),
        ("POST", [("using-graph-uri", "http://g")], "application/sparql-query", b"ASK {}", ReadOnly),
        ("POST", [], "text/plain", b"ASK {}", UnsupportedMediaType),
        ("POST", [], None, b"ASK {}", UnsupportedMediaType),
        ("POST", [], "application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), UnsupportedMediaType),
        ("POST", [], "application/sparql-query", b"\xff\xfeASK", QueryError),
        ("GET", [("query", "ASK {}"), ("query", "ASK {}")], None, b"", QueryError),
        ("POST", [], "application/x-www-form-urlencoded", b"format=json", QueryError),
        ("GET", [("query", "#" * 101)], None, b"", PayloadTooLarge),
    ],
)
def test_bad_requests_are_refused_with_the_right_error(method, params, content_type, body, error):
    with pytest.raises(error):
        parse_request(method, params, content_type, body, max_query_length=100)


def test_get_without_query_asks_for_the_service_description():
    assert parse_request("GET", [], None, b"") is None


def test_dataset_parameters_are_collected():
    request = parse_request(
        "POST",
        [("default-graph-uri", "http://a"), ("named-graph-uri", "http://b"), ("named-graph-uri", "http://c")],
        "application/sparql-query",
        b"ASK {}",
    )
    assert request == SparqlRequest("ASK {}", ("http://a",), ("http://b", "http://c"), "*/*", None)


# --- answering: the cap, exact results ----------------------------------------------------------


def test_cap_cuts_rows_and_says_so(store):
    full = [row["m"].value for row in store.query(MODELS)]
    result = answer(store, SparqlRequest(MODELS), QueryLimits(rows=3))
    rows = json.loads(result.body)["results"]["bindings"]
    assert [row["m"]["value"] for row in rows] == full[:3]
    assert result.truncated == 3
    assert answer(store, SparqlRequest(MODELS), QueryLimits(rows=len(full))).truncated is None


def test_cap_cuts_graph_results(store):
    result = answer(
        store, SparqlRequest("CONSTRUCT { ?m a mokg:Model } WHERE { ?m a mokg:Model }"), QueryLimits(rows=2)
    )
    assert len(list(ox.parse(result.body, format=ox.RdfFormat.TURTLE))) == 2
    assert result.truncated == 2


QUERY = "SELECT ?m ?label ?n WHERE { ?m a mokg:Model ; rdfs:label ?label ; mokg:parameterCount ?n } ORDER BY ?m"


@pytest.mark.parametrize("fmt", ["xml", "tsv"])
def test_every_results_format_holds_the_same_rows(store, fmt: str):
    """The JSON the cap is applied to is re-serialized by pyoxigraph: nothing may get lost."""
    expected = [tuple(row) for row in store.query(QUERY)]
    media = {"xml": ox.QueryResultsFormat.XML, "tsv": ox.QueryResultsFormat.TSV}
    body = answer(store, SparqlRequest(QUERY, format=fmt), QueryLimits(rows=1000)).body
    assert [tuple(row) for row in ox.parse_query_results(body, media[fmt])] == expected


def test_csv_holds_the_same_values(store):
    """CSV keeps values only (no datatypes or languages, by the standard): compare values."""
    expected = [[term.value for term in row] for row in store.query(QUERY)]
    body = answer(store, SparqlRequest(QUERY, format="csv"), QueryLimits(rows=1000)).body.decode()
    assert list(csv.reader(io.StringIO(body)))[1:] == expected


def test_language_and_datatype_survive(store):
    body = answer(
        store,
        SparqlRequest("SELECT ?l WHERE { <https://w3id.org/mokg/model/olmo-7b> rdfs:label ?l }"),
        QueryLimits(rows=10),
    ).body
    assert json.loads(body)["results"]["bindings"][0]["l"].get("xml:lang") == "en"


# --- HTTP behaviour through the app ---------------------------------------------------------------


def test_get_json_with_etag_and_cache_control(client: TestClient):
    response = client.get("/sparql", params={"query": "ASK { ?m a mokg:Model }"})
    assert response.status_code == 200
    assert response.json() == {"head": {}, "boolean": True}
    assert response.headers["cache-control"].startswith("public, max-age=")
    etag = response.headers["etag"]
    again = client.get("/sparql", params={"query": "ASK { ?m a mokg:Model }"}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    other = client.get("/sparql", params={"query": "ASK { ?m a mokg:Model }", "format": "xml"})
    assert other.headers["etag"] != etag


def test_post_is_not_cached(client: TestClient):
    response = client.post("/sparql", content="ASK {}", headers={"content-type": "application/sparql-query"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


def test_truncated_results_say_so(client: TestClient):
    response = client.get("/sparql", params={"query": MODELS})
    assert response.headers["x-result-truncated"] == "5"
    assert len(response.json()["results"]["bindings"]) == 5


@pytest.mark.parametrize(
    ("accept", "media"),
    [("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"),
     ("application/ld+json", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml")],
)  # fmt: skip
def test_graph_results_by_accept(client: TestClient, accept: str, media: str):
    response = client.get(
        "/sparql",
        params={"query": "CONSTRUCT { ?m a mokg:Model } WHERE { ?m a mokg:Model }"},
        headers={"accept": accept},
    )
    assert response.headers["content-type"].startswith(media)
    assert response.headers["x-result-truncated"] == "5"


def test_not_acceptable_lists_the_offers(client: TestClient):
    response = client.get("/sparql", params={"query": MODELS}, headers={"accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in response.json()["offered"]


def test_malformed_query_gets_400_with_position(client: TestClient):
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "1:" in response.json()["detail"]


def test_updates_are_refused_whatever_the_encoding(client: TestClient, store):
    before = store.stats()
    for kwargs in (
        {"content": "CLEAR ALL", "headers": {"content-type": "application/sparql-update"}},
        {"content": "update=DROP+ALL", "headers": {"content-type": "application/x-www-form-urlencoded"}},
    ):
        assert client.post("/sparql", **kwargs).status_code == 403
    assert client.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 403
    assert client.delete("/sparql").status_code == 405
    assert client.put("/sparql", content="<a> <b> <c> .").headers["allow"] == "GET, POST"
    assert store.stats() == before


def test_query_length_and_body_limits(client: TestClient):
    long_query = "ASK {}" + " " * 3000
    assert client.get("/sparql", params={"query": long_query}).status_code == 413
    huge = b"query=" + b"%20" * 1_100_000
    response = client.post("/sparql", content=huge, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


def test_cors_allows_get_and_post(client: TestClient):
    preflight = client.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_large_results_are_gzipped(store):
    settings = Settings(root=REPO, result_cap=10_000)
    with TestClient(create_app(settings, store=store)) as client:
        response = client.get(
            "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"accept-encoding": "gzip"}
        )
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["results"]["bindings"]) > 1000  # httpx decompressed it


def test_dataset_parameters_restrict_the_default_graph(client: TestClient):
    graph = f"{BASE}graph/data/models/olmo-7b"
    query = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a mokg:Model }"
    union = client.get("/sparql", params={"query": query}).json()["results"]["bindings"][0]["n"]["value"]
    one = client.get("/sparql", params={"query": query, "default-graph-uri": graph})
    assert int(union) > 30
    assert one.json()["results"]["bindings"][0]["n"]["value"] == "1"


def test_service_description(client: TestClient):
    response = client.get("/sparql", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    predicates = {t.predicate.value for t in triples}
    assert {f"{sd}endpoint", f"{sd}resultFormat", f"{sd}defaultDataset", f"{sd}namedGraph"} <= predicates
    assert any(t.object.value == f"{sd}SPARQL11Query" for t in triples)
    names = {t.object.value for t in triples if t.predicate.value == f"{sd}name"}
    assert f"{BASE}graph/data/models/olmo-7b" in names


# --- time limit: a real server, concurrent clients ---------------------------------------------


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (read from /proc, no extra dependency)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.fixture(scope="module")
def server():
    """`mokg serve` on the bundled graph with a 3 s query limit and two query workers."""
    port = free_port()
    env = {**os.environ, "MOKG_ROOT": str(REPO), "MOKG_QUERY_TIMEOUT": "3", "MOKG_QUERY_WORKERS": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mokg", "serve", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/health", timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(process.stderr.read().decode()) from None
            time.sleep(0.2)
    httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=30)  # starts the workers
    yield process, url
    process.terminate()
    process.wait(timeout=10)


def test_slow_query_is_stopped_while_the_server_keeps_answering(server):
    """The limit really stops the work (the worker evaluating it is gone), the server answers other
    requests while the slow query runs, and answers queries again after it was stopped."""
    process, url = server
    workers_before = _children(process.pid)
    outcome: dict[str, httpx.Response] = {}
    slow = threading.Thread(
        target=lambda: outcome.setdefault("slow", httpx.get(f"{url}/sparql", params={"query": SLOW}, timeout=60))
    )
    slow.start()
    time.sleep(0.5)
    health = httpx.get(f"{url}/health", timeout=10)
    fast = httpx.get(f"{url}/sparql", params={"query": "ASK { ?m a mokg:Model }"}, timeout=10)
    assert health.status_code == 200 and fast.json()["boolean"] is True
    assert slow.is_alive(), "the slow query should still be running while the others were answered"
    slow.join(timeout=60)
    response = outcome["slow"]
    assert response.status_code == 503
    assert "limit of 3 s" in response.json()["detail"]
    deadline = time.monotonic() + 10  # killed at once; gone (reaped) a moment later
    while not workers_before - (workers_after := _children(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers_before - workers_after, "the worker that ran the slow query must be gone"
    assert len(workers_after) >= 2
    after = httpx.get(f"{url}/sparql", params={"query": "SELECT ?m WHERE { ?m a mokg:Model } LIMIT 1"}, timeout=10)
    assert after.status_code == 200 and len(after.json()["results"]["bindings"]) == 1


# --- over a remote store: errors of the store itself --------------------------------------------


@pytest.fixture
def scratch_server(tmp_path: Path):
    server = OxigraphServer(tmp_path).start()
    assert main(["load", "--root", str(TINY_ROOT), "--store", server.url]) == 0
    yield server
    server.stop()


def test_a_remote_store_that_is_down_gets_502_then_recovers(scratch_server):
    settings = Settings(root=TINY_ROOT, store=scratch_server.url, query_timeout=5)
    with TestClient(create_app(settings, load=False)) as client:
        assert client.get("/sparql", params={"query": "ASK { ?m a mokg:Model }"}).json()["boolean"] is True
        scratch_server.stop()
        down = client.get("/sparql", params={"query": "ASK { ?m a mokg:Model }", "format": "xml"})
        assert down.status_code == 502
        assert scratch_server.url in down.json()["detail"]
        scratch_server.start()
        back = client.get("/sparql", params={"query": "ASK { ?m a mokg:Model }", "format": "json"})
        assert back.status_code == 200 and back.json()["boolean"] is True


def test_a_slow_remote_store_gets_504_then_queries_work(loaded_server):
    """The remote store's own limit (a second less than the query limit) answers 504 before the worker is stopped."""
    settings = Settings(root=REPO, store=loaded_server.url, query_timeout=2)
    with TestClient(create_app(settings, load=False)) as client:
        slow = client.get("/sparql", params={"query": SLOW})
        assert slow.status_code == 504
        assert "no answer within" in slow.json()["detail"]
        fast = client.get("/sparql", params={"query": "ASK { ?m a mokg:Model }"})
        assert fast.status_code == 200 and fast.json()["boolean"] is True


@pytest.mark.parametrize("path", ["/store", "/rdf-graph-store", "/sparql/store", "/data"])
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_graph_store_writes_are_refused(client: TestClient, store, path: str, method: str):
    """There is no Graph Store Protocol write endpoint: any attempt is a 4xx and changes nothing."""
    before = store.stats()
    response = client.request(
        method, path, params={"graph": f"{BASE}graph/x"}, content="<a> <b> <c> .",
        headers={"content-type": "application/n-triples"},
    )  # fmt: skip
    assert 400 <= response.status_code < 500
    assert store.stats() == before
