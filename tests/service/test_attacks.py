"""Every attack of issue 13 ("a public endpoint that no request can crash, stall, or turn against
its own network"), as it was tried against `mokg serve`, kept as a regression test.

Each test's docstring says what the attack did before the defence; docs/security.md says
which defence stops it. Everything here runs for real: worker processes, an Oxigraph server,
a local listener standing where an attacker's endpoint would be, `mokg` processes killed
midway.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import REPO, TINY_ROOT, Listener, OxigraphServer, free_port, run_async
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mokg.cli import main
from mokg.config import Settings
from mokg.graph import IncompleteStore, open_store
from mokg.service import create_app
from mokg.service import state as service_state
from mokg.service.state import WORKDIR_PREFIX

ASK = "ASK { ?m a mokg:Model }"
NEVER_ENDS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def client(store) -> Iterator[TestClient]:
    """The bundled graph with the default settings (one worker pool for the module)."""
    with TestClient(create_app(Settings(root=REPO), store=store)) as test_client:
        yield test_client


def workers(client: TestClient) -> int:
    return client.get("/health").json()["workers"]["workers"]


def private_folders() -> set[Path]:
    """This process's service folders in the temporary folder (a service that stopped leaves none)."""
    return set(Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}{os.getpid()}-*"))


async def with_app(app: FastAPI, body) -> object:
    """Run ``body(connect)`` while ``app`` runs; ``connect(host)`` is an async client from that address."""
    async with app.router.lifespan_context(app):
        clients: list[httpx.AsyncClient] = []

        def connect(host: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(host, 40000))
            clients.append(httpx.AsyncClient(transport=transport, base_url="http://mokg.test", timeout=120))
            return clients[-1]

        try:
            return await body(connect)
        finally:
            for each in clients:
                await each.aclose()


# --- SSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "SELECT ?s WHERE {{ SERVICE <{url}?x=1> {{ ?s ?p ?o }} }}",
        "SELECT ?s WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SELECT ?s WHERE {{ ?s ?p trueSERVICE<{url}>{{ }} }}",
    ],
)
def test_service_is_refused_before_any_request_leaves(client: TestClient, listener: Listener, template: str):
    """SERVICE <http://127.0.0.1:PORT/internal?x=1> made the query worker POST there and return the answer."""
    before = listener.connections
    response = client.get("/sparql", params={"query": template.format(url=listener.url)})
    assert response.status_code == 400
    assert "SERVICE" in response.json()["detail"] and "not allowed" in response.json()["detail"]
    assert listener.connections == before


def test_service_is_refused_over_a_remote_store(loaded_server: OxigraphServer, listener: Listener):
    """Over a remote store, the store itself made the request, from inside the private network."""
    settings = Settings(root=REPO, store=loaded_server.url)
    before = listener.connections
    with TestClient(create_app(settings, load=False)) as remote:
        response = remote.post(
            "/sparql", content=f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
            headers={"content-type": "application/sparql-query"},
        )  # fmt: skip
        assert response.status_code == 400 and "SERVICE" in response.json()["detail"]
        assert remote.get("/sparql", params={"query": ASK}).json()["boolean"] is True
    assert listener.connections == before


def test_an_allowed_endpoint_is_called_and_its_failure_is_a_400(store, listener: Listener):
    """The operator's allow-list works; a SERVICE call that fails killed the worker (500): now 400, worker alive."""
    settings = Settings(root=REPO, sparql_services=[listener.url], query_workers=1, slow_query_workers=0)
    with TestClient(create_app(settings, store=store)) as allowed:
        pid_query = {"query": ASK}
        assert allowed.get("/sparql", params=pid_query).status_code == 200
        before = listener.connections
        response = allowed.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ }} }}"})
        assert response.status_code == 400 and "evaluation failed" in response.json()["detail"]
        assert listener.connections > before  # allowed: it really was called
        other = allowed.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{listener.url}x> {{ }} }}"})
        assert other.status_code == 400 and "not allowed" in other.json()["detail"]
        assert allowed.get("/health").json()["workers"] == {
            "workers": 1, "busy": 0, "aside": 0, "queued": 0, "network_isolated": False,
        }  # fmt: skip


# --- crashes ------------------------------------------------------------------------------------


def json_ld_bomb(depth: int = 5000) -> bytes:
    """A 60 KB JSON-LD body of nested @list objects."""
    return (
        '{"@id": "https://w3id.org/mokg/model/x", "http://x/p": ' + '{"@list": [' * depth + "]}" * depth + "}"
    ).encode()


def test_a_json_ld_bomb_is_a_400_and_the_server_lives(client: TestClient, tmp_path: Path):
    """5,000 nested @lists to POST /validate segfaulted the whole server; `mokg validate bomb.jsonld` exited 139."""
    response = client.post("/validate", content=json_ld_bomb(), headers={"content-type": "application/ld+json"})
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]
    assert client.get("/health").status_code == 200
    bomb = tmp_path / "bomb.jsonld"
    bomb.write_bytes(json_ld_bomb())
    run = subprocess.run(
        [sys.executable, "-m", "mokg", "validate", "--root", str(TINY_ROOT), str(bomb)], capture_output=True, text=True
    )
    assert run.returncode == 2 and "bomb.jsonld: the JSON is nested too deeply" in run.stderr


def test_deep_nesting_is_a_400_and_the_worker_lives(client: TestClient):
    """A query nested 10,000 braces deep killed a query worker (500, a new process each time)."""
    assert client.get("/sparql", params={"query": ASK}).status_code == 200
    before = workers(client)
    response = client.post(
        "/sparql", content="SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
        headers={"content-type": "application/sparql-query"},
    )  # fmt: skip
    assert response.status_code == 400 and "10000 brackets deep" in response.json()["detail"]
    # Flat and cheap (0.2 s), but its evaluation overflowed an 8 MB stack: the worker thread's is larger.
    flat = "SELECT * WHERE { BIND(1 AS ?a) " + " ".join(["MINUS { ?x <p> ?y }"] * 4000) + "}"
    answered = client.post("/sparql", content=flat, headers={"content-type": "application/sparql-query"})
    assert answered.status_code == 200 and len(answered.json()["results"]["bindings"]) == 1
    assert workers(client) == before
    assert client.get("/sparql", params={"query": ASK}).json()["boolean"] is True


# --- stalls -------------------------------------------------------------------------------------


def many_records(count: int = 14_000) -> bytes:
    """Turtle of ``count`` small model records (14,000: 0.6 MB, within the body limit)."""
    lines = [
        "@prefix mokg: <https://w3id.org/mokg/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    lines += [f'<model/m{i}> a mokg:Model ; rdfs:label "M {i}" .' for i in range(count)]
    return "\n".join(lines).encode()


def test_a_big_submission_is_refused_at_once(client: TestClient):
    """1 MB of Turtle with 14,000 records blocked the event loop for 104 s (memory 1 GB)."""
    response = client.post("/validate", content=many_records(), headers={"content-type": "text/turtle"})
    assert response.status_code == 413 and "more than 20000 triples" in response.json()["detail"]
    few = client.post("/validate", content=many_records(600), headers={"content-type": "text/turtle"})
    assert few.status_code == 413 and "600 entities; at most 500" in few.json()["detail"]


def test_a_long_validation_runs_off_the_event_loop_and_is_stopped(store):
    """/health waited as long as the validation: now the validation runs in a worker, within its time limit."""
    # As much as a submission may hold (9,000 records, 18,000 triples): mokg's SHACL engine checks
    # 3,000 within the 2 s this test once allowed.
    settings = Settings(root=REPO, max_submission_entities=20_000, validation_timeout=1)

    async def body(connect) -> None:
        client = connect("198.51.100.1")
        validation = asyncio.ensure_future(
            client.post("/validate", content=many_records(9000), headers={"content-type": "text/turtle"})
        )
        await asyncio.sleep(0.3)
        health = await connect("198.51.100.2").get("/health")
        assert health.status_code == 200 and not validation.done()
        response = await validation
        assert response.status_code == 503 and "limit of 1 s" in response.json()["detail"]

    run_async(with_app(create_app(settings, store=store), body))


def test_never_ending_queries_do_not_starve_cheap_ones(store):
    """Three clients each running a never-ending query made 36 of 49 cheap queries from others answer 503."""
    settings = Settings(root=REPO, query_timeout=60, slow_query_after=0.3)

    async def body(connect) -> None:
        await connect("198.51.100.9").get("/sparql", params={"query": "ASK {}"})  # the workers are up
        slow = [
            # three different queries: the same one asked three times would be evaluated once
            asyncio.ensure_future(
                connect(f"198.51.100.{i}").get("/sparql", params={"query": f"{NEVER_ENDS} LIMIT {i}"})
            )
            for i in (1, 2, 3)
        ]
        deadline = asyncio.get_running_loop().time() + 60
        while (await connect("198.51.100.9").get("/health")).json()["workers"]["aside"] < 3:
            assert asyncio.get_running_loop().time() < deadline, "the slow queries were not moved aside"
            await asyncio.sleep(0.1)
        cheap = []
        for i in range(10, 20):
            cheap.append(await connect(f"198.51.100.{i}").get("/sparql", params={"query": "ASK {}"}))
        assert [r.status_code for r in cheap] == [200] * 10
        assert not any(job.done() for job in slow)
        health = (await connect("198.51.100.9").get("/health")).json()["workers"]
        assert health["aside"] == 3 and health["workers"] == 5  # 2 + 3 started in the slow ones' place
        for job in slow:
            job.cancel()

    run_async(with_app(create_app(settings, store=store), body))


def test_one_client_gets_its_share_and_is_told_when_to_retry(store):
    settings = Settings(root=REPO, per_client_requests=2, query_timeout=30)

    async def body(connect) -> None:
        greedy = connect("198.51.100.1")
        await greedy.get("/sparql", params={"query": "ASK {}"})
        running = [
            asyncio.ensure_future(greedy.get("/sparql", params={"query": f"{NEVER_ENDS} LIMIT {i}"})) for i in (1, 2)
        ]
        await asyncio.sleep(0.5)
        refused = await greedy.get("/sparql", params={"query": ASK})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
        kept = await greedy.get("/sparql", params={"query": "ASK {}"})  # answered before: costs no worker
        assert kept.status_code == 200
        assert (await connect("198.51.100.2").get("/sparql", params={"query": "ASK {}"})).status_code == 200
        for job in running:
            job.cancel()

    run_async(with_app(create_app(settings, store=store), body))


def test_a_memory_hungry_query_is_stopped(store):
    """ORDER BY over a cross join grew a worker to 2.7 GB in 5 s."""
    settings = Settings(root=REPO, worker_memory_mb=300, query_timeout=60)
    with TestClient(create_app(settings, store=store)) as limited:
        response = limited.get("/sparql", params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f"})
        assert response.status_code == 503 and "more than 300 MB" in response.json()["detail"]
        assert limited.get("/sparql", params={"query": ASK}).json()["boolean"] is True


def test_the_result_cap_counts_bytes_too(store):
    """The cap counted rows only: 10,000 long rows are many megabytes."""
    settings = Settings(root=REPO, result_max_bytes=20_000)
    with TestClient(create_app(settings, store=store)) as capped:
        for fmt in ("json", "xml", "ttl"):
            query = "CONSTRUCT WHERE { ?s ?p ?o }" if fmt == "ttl" else "SELECT * WHERE { ?s ?p ?o }"
            response = capped.get("/sparql", params={"query": query, "format": fmt})
            kept = int(response.headers["x-result-truncated"])
            assert 0 < kept < 10_000 and len(response.content) < 60_000, fmt


# --- on-disk serving, races, leftovers ------------------------------------------------------------


def test_an_on_disk_store_is_served_without_loading(tmp_path: Path):
    """`mokg load --store DIR && mokg serve --store DIR --no-load`: every /sparql answered 500 and left a folder."""
    folder = tmp_path / "store"
    assert main(["load", "--root", str(TINY_ROOT), "--store", str(folder)]) == 0
    settings = Settings(root=TINY_ROOT, store=str(folder))
    before = private_folders()
    with TestClient(create_app(settings, load=False)) as on_disk:
        for _ in range(3):
            response = on_disk.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?m a mokg:Model }"})
            assert response.status_code == 200
            assert response.json()["results"]["bindings"][0]["n"]["value"] == "2"
    assert private_folders() == before
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mokg", "serve", "--store", str(folder), "--no-load", "--port", str(port)],
        env={**os.environ, "MOKG_ROOT": str(TINY_ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": ASK}, timeout=30)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read().decode()
                time.sleep(0.1)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_the_same_query_asked_at_once_is_evaluated_once(store):
    """A popular link must cost one worker, not one per client; a client leaving does not fail the rest."""
    settings = Settings(root=REPO, query_timeout=3, slow_query_after=60)

    async def body(connect) -> None:
        await connect("198.51.100.9").get("/sparql", params={"query": "ASK {}"})  # the workers are up
        asked = [
            asyncio.ensure_future(connect(f"198.51.100.{i}").get("/sparql", params={"query": NEVER_ENDS}))
            for i in (1, 2, 3)
        ]
        await asyncio.sleep(1)
        health = (await connect("198.51.100.9").get("/health")).json()["workers"]
        assert health["busy"] == 1 and health["queued"] == 0
        asked[0].cancel()
        answers = await asyncio.gather(*asked[1:])
        assert [a.status_code for a in answers] == [503, 503]
        assert all("limit of 3 s" in a.json()["detail"] for a in answers)

    run_async(with_app(create_app(settings, store=store), body))


def test_concurrent_first_requests_build_the_dumps_once(store, monkeypatch: pytest.MonkeyPatch):
    """Twelve first requests for /void and /dumps/*: 8 answered 500, 12 builds, 11 folders of 20 MB left behind."""
    builds = []
    real = service_state.make_dumps
    monkeypatch.setattr(service_state, "make_dumps", lambda *args: builds.append(args) or real(*args))

    async def body(connect) -> None:
        paths = ["/void", "/dumps/mokg.ttl", "/dumps/mokg.nq.gz", "/.well-known/void"] * 3
        answers = await asyncio.gather(*(connect(f"198.51.100.{i}").get(path) for i, path in enumerate(paths)))
        assert [a.status_code for a in answers] == [200] * 12
        assert len(builds) == 1

    before = private_folders()
    run_async(with_app(create_app(Settings(root=REPO), store=store), body))
    assert private_folders() == before


# --- releases and loads ----------------------------------------------------------------------------


@pytest.fixture
def released_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(TINY_ROOT, root)
    assert main(["release", "--root", str(root), "1.0.0"]) == 0
    return root


def test_a_tampered_release_is_refused_on_every_read(released_root: Path):
    """One flipped byte after the release had been checked once: served, 200, with the old checksum as ETag."""
    with TestClient(create_app(Settings(root=released_root))) as client:
        assert client.get("/release/1.0.0/mokg-1.0.0.nq.gz").status_code == 200
        assert client.get("/release/1.0.0/model/tiny-model.ttl").status_code == 200
        snapshot = released_root / "data" / "releases" / "1.0.0.nq.gz"
        snapshot.chmod(0o644)
        data = bytearray(snapshot.read_bytes())
        data[len(data) // 2] ^= 0x01
        snapshot.write_bytes(bytes(data))
        for path in ("/release/1.0.0/mokg-1.0.0.nq.gz", "/release/1.0.0/model/tiny-model.ttl"):
            response = client.get(path)
            assert response.status_code == 500, path
            assert "does not match the checksum" in response.json()["detail"]


def test_a_killed_load_leaves_the_old_store(tmp_path: Path):
    """`mokg load --store DIR` killed midway left a half store that `serve --no-load` reported as healthy."""
    folder = tmp_path / "store"
    assert main(["load", "--root", str(TINY_ROOT), "--store", str(folder)]) == 0
    settings = Settings(root=TINY_ROOT, store=str(folder))
    before = open_store(settings, load=False).stats()
    load = subprocess.Popen(
        [sys.executable, "-m", "mokg", "load", "--root", str(REPO), "--store", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not any(p.name.startswith("CURRENT") for p in tmp_path.glob("store.partial-*/*")):
        assert load.poll() is None and time.monotonic() < deadline, "the load ended before it could be killed"
        time.sleep(0.01)
    time.sleep(0.5)  # well into the bulk load
    load.kill()
    load.wait()
    assert open_store(settings, load=False).stats() == before  # the old store, whole
    half = next(tmp_path.glob("store.partial-*"))
    with pytest.raises(IncompleteStore, match="holds no finished load"):
        open_store(Settings(root=TINY_ROOT, store=str(half)), load=False)
    assert main(["load", "--root", str(TINY_ROOT), "--store", str(folder)]) == 0
    assert not list(tmp_path.glob("store.partial-*")), "the next load removes what a killed one left"


# --- pages and HTTP ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/", "text/html"),
        ("/sparql", "text/html"),
        ("/model/alpaca-7b", "text/html"),
        ("/model/no-such-model.html", "text/html"),
        ("/ontology", "text/html"),
        ("/docs", "text/html"),
    ],
)
def test_every_page_sends_a_strict_csp_and_the_usual_headers(client: TestClient, path: str, accept: str):
    """No page sent CSP, X-Content-Type-Options, frame-ancestors or Referrer-Policy."""
    response = client.get(path, headers={"accept": accept})
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] and response.headers["x-frame-options"] == "DENY"


def test_data_answers_are_not_sniffed_either(client: TestClient):
    for path in ("/health", "/model/alpaca-7b.ttl", "/void"):
        assert client.get(path).headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("suffix", [".ttl", ".rdf", ".nt", ".jsonld"])
def test_one_record_is_the_same_bytes_under_one_etag(client: TestClient, suffix: str):
    """The Turtle and RDF/XML of one record came out in another order on every request, under one strong ETag."""
    first, second = (client.get(f"/model/alpaca-7b{suffix}", headers={"accept-encoding": "identity"}) for _ in "12")
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    assert not first.headers["etag"].startswith("W/")


def test_compressed_and_identity_representations_do_not_share_a_strong_etag(client: TestClient):
    """gzip and identity shared one strong ETag."""
    plain = client.get("/model/alpaca-7b.ttl", headers={"accept-encoding": "identity"})
    packed = client.get("/model/alpaca-7b.ttl", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert packed.headers["etag"] == f"W/{plain.headers['etag']}"
    for tag in (plain.headers["etag"], packed.headers["etag"], "*", f'"other", {packed.headers["etag"]}'):
        again = client.get("/model/alpaca-7b.ttl", headers={"if-none-match": tag, "accept-encoding": "gzip"})
        assert again.status_code == 304, tag
    assert client.get("/model/alpaca-7b.ttl", headers={"if-none-match": '"other"'}).status_code == 200


def test_release_files_are_gzip_files_and_their_404_names_the_file(released_root: Path):
    """.nq.gz was sent with Content-Encoding: gzip (clients saved plain N-Quads as .gz); its 404 named 1.0.0.nq.gz."""
    with TestClient(create_app(Settings(root=released_root))) as client:
        response = client.get("/release/1.0.0/mokg-1.0.0.nq.gz", headers={"accept-encoding": "gzip"})
        assert response.headers["content-type"] == "application/gzip" and "content-encoding" not in response.headers
        assert gzip.decompress(response.content).startswith(b"<")
        again = client.get("/release/1.0.0/mokg-1.0.0.nq.gz", headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304
        missing = client.get("/release/1.0.0/1.0.0.nq.gz")
        assert missing.status_code == 404 and "its file is mokg-1.0.0.nq.gz" in missing.json()["detail"]
        dump = client.get("/dumps/mokg.nq.gz", headers={"accept-encoding": "gzip"})
        assert dump.headers["content-type"] == "application/gzip" and "content-encoding" not in dump.headers
        assert client.get("/dumps/mokg.ttl", headers={"if-none-match": dump.headers["etag"]}).status_code == 200


def test_cors_exposes_the_link_header(client: TestClient):
    """Browser code could not read rel=cite-as."""
    response = client.get("/model/alpaca-7b.ttl", headers={"origin": "https://example.org"})
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"link", "etag", "retry-after", "x-result-truncated", "content-location"} <= exposed
