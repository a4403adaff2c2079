from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from conftest import TEST_DATA, TINY_ROOT, free_port
from fastapi.testclient import TestClient

from mokg.config import Settings
from mokg.service import create_app


@pytest.fixture
def client(store):
    with TestClient(create_app(Settings(), store=store)) as test_client:
        yield test_client


def test_health_reports_the_loaded_graph(client: TestClient, store):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["triples"] == store.stats().quads > 0
    assert body["graphs"] > 100


def test_stats_counts_entities(client: TestClient):
    classes = client.get("/stats").json()["classes"]
    assert classes["OpennessClaim"] >= 110  # 105 score cells of seed 004, 5 open-source claims, imports
    assert classes["Model"] >= 30


def test_openapi_documents_the_routes(client: TestClient):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/stats"} <= set(paths)


def test_mokg_serve_answers_on_its_port():
    """The README's run command, for real: a uvicorn process serving the tiny graph."""
    port = free_port()
    env = {**os.environ, "MOKG_ROOT": str(TINY_ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "mokg", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    raise AssertionError(process.stderr.read().decode()) from None
                if time.monotonic() > deadline:
                    raise AssertionError("mokg serve did not answer within 30 s") from None
                time.sleep(0.2)
        assert response.status_code == 200
        body = response.json()
        assert body["triples"] - body["derived"] == 9  # the tiny root's asserted triples
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_every_route_works_over_a_remote_store(loaded_server, store):
    """/health, /stats and POST /validate answer over an Oxigraph server as over the embedded store."""
    bad = (TEST_DATA / "rules" / "rule-5-bad.ttl").read_bytes()
    answers = []
    for app in (
        create_app(Settings(), store=store),
        create_app(Settings(store=loaded_server.url), load=False),
    ):
        with TestClient(app) as client:
            stats = client.get("/stats").json()
            report = client.post("/validate", content=bad, headers={"content-type": "text/turtle"}).json()
            answers.append((stats["triples"], stats["classes"], report["conforms"], report["violations"]))
    assert answers[0] == answers[1]
    assert answers[0][2] is False
