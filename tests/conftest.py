"""Shared fixtures: the bundled graph loaded once per run, a tiny root, a free port, an Oxigraph server."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from mokg.config import Settings
from mokg.graph import open_store
from mokg.store import EmbeddedStore

# Commands run without --store keep their graph in a cache folder: the tests' own, not the user's,
# removed when the run ends.
if "MOKG_CACHE_DIR" not in os.environ:
    os.environ["MOKG_CACHE_DIR"] = tempfile.mkdtemp(prefix="mokg-test-cache-")
    atexit.register(shutil.rmtree, os.environ["MOKG_CACHE_DIR"], ignore_errors=True)

TESTS = Path(__file__).parent
REPO = TESTS.parent
TEST_DATA = TESTS / "data"
TINY_ROOT = TEST_DATA / "root"
BASE = "https://w3id.org/mokg/"
GENERATED_MODELS = 300
T = TypeVar("T")


def bundled_with(*fixtures: Path) -> EmbeddedStore:
    """The bundled graph plus test files (each its own named graph), with every rule materialized."""
    from mokg.loader import SourceFile, discover, graph_name, load_files
    from mokg.rules import run_rules

    files = [*discover(REPO, BASE), *(SourceFile(f, graph_name(f, REPO, BASE)) for f in fixtures)]
    store = EmbeddedStore()
    store.replace(load_files(files, BASE))
    run_rules(store, BASE)
    return store


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings of the bundled graph, as the CLI and service use by default."""
    return Settings(root=REPO)


@pytest.fixture(scope="session")
def store(settings: Settings) -> EmbeddedStore:
    """The bundled graph in an in-memory store, loaded once for the whole run."""
    return open_store(settings)


#: What ``two_releases`` changes between release 1.0 and 1.1: (file under the root, old text, new text).
TWO_RELEASES_EDITS = (
    # The licence of Mistral 7B's weights (the #weights component): Apache-2.0 -> MIT.
    (
        "data/models/mistral-7b.ttl",
        "mokg:componentType mokg:ModelParametersFinal ;\n    dcterms:license spdx:Apache-2.0 ;",
        "mokg:componentType mokg:ModelParametersFinal ;\n    dcterms:license spdx:MIT ;",
    ),
    # A claim: the Index's grade of Alpaca 7B's training code, Level3 -> Level0.
    (
        "data/claims/osai-index/alpaca-7b.ttl",
        '"partial"@en ;\n\tmokg:motivation "Insofar as code is made available it is fairly well documented. '
        '(Evidence: https://github.com/tatsu-lab/stanford_alpaca.)"@en ;\n\tmokg:opennessLevel mokg:Level3 ;',
        '"partial"@en ;\n\tmokg:motivation "Insofar as code is made available it is fairly well documented. '
        '(Evidence: https://github.com/tatsu-lab/stanford_alpaca.)"@en ;\n\tmokg:opennessLevel mokg:Level0 ;',
    ),
)
#: A lineage edge ``two_releases`` appends to Zephyr 7B beta's file for release 1.1.
TWO_RELEASES_EDGE = (
    "data/models/zephyr-7b-beta.ttl",
    "\n<model/zephyr-7b-beta> <https://w3id.org/mokg/ontology#mergedFrom> <model/llama-7b> .\n",
)


@pytest.fixture(scope="session")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled root with two releases, 1.0 and 1.1, made by ``mokg release``; its root.

    Between them: a licence (Mistral 7B's weights, Apache-2.0 to MIT), a claim (the Index's grade
    of Alpaca 7B's training code, Level3 to Level0) and a lineage edge (Zephyr 7B beta merged
    from LLaMA 7B) changed (:data:`TWO_RELEASES_EDITS`, :data:`TWO_RELEASES_EDGE`). The graph
    is read from the tests' cache folder (``MOKG_CACHE_DIR``), never the user's. Made once per
    run: diffs, feeds, history and the site's What changed page share it; do not change it.
    """
    from mokg.cli import main

    root = tmp_path_factory.mktemp("two-releases") / "root"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("releases"))
    assert main(["release", "1.0", "--root", str(root)]) == 0
    for name, old, new in TWO_RELEASES_EDITS:
        path = root / name
        text = path.read_text()
        assert text.count(old) == 1, f"{name} no longer has the text two_releases changes"
        path.write_text(text.replace(old, new))
    name, edge = TWO_RELEASES_EDGE
    with (root / name).open("a") as file:
        file.write(edge)
    assert main(["release", "1.1", "--root", str(root)]) == 0
    return root


def generator():
    """``benchmarks/generate.py`` as a module: the synthetic Hub-like graphs the benchmarks time."""
    spec = importlib.util.spec_from_file_location("mokg_benchmarks_generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def generated_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated root of 300 models (lineage to depth 8, merges, claims from three sources), made once."""
    root = tmp_path_factory.mktemp("generated") / "root"
    generator().generate(GENERATED_MODELS, root, seed=0)
    return root


@pytest.fixture
def tiny_settings() -> Settings:
    return Settings(root=TINY_ROOT)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")

#: Seconds a server may take to start answering, or to stop.
STARTUP_LIMIT = 15.0
STOP_LIMIT = 10.0


class OxigraphServer:
    """``oxigraph serve`` on a free port of 127.0.0.1.

    On disk by default, so that it can be stopped and started again; ``in_memory`` for a server
    that only answers (loading and deriving the bundled graph: 4 s in memory, 26 s on disk).
    """

    def __init__(self, folder: Path, *, timeout_s: int | None = None, in_memory: bool = False) -> None:
        self.location = None if in_memory else folder / "db"
        self.log = folder / "oxigraph.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.timeout_s = timeout_s
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> OxigraphServer:
        args = [OXIGRAPH, "serve", "--bind", f"127.0.0.1:{self.port}"]
        if self.location is not None:
            args += ["--location", str(self.location)]
        if self.timeout_s is not None:
            args += ["--timeout-s", str(self.timeout_s)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_LIMIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/", timeout=1):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer within {STARTUP_LIMIT} s: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_LIMIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_LIMIT)
        self.process = None


VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")

#: The settings that matter (docs/deploy.md): listeners on 127.0.0.1 only (no Unix socket, no
#: other service), file access limited to the database folder, memory sized by ``memory_mb``,
#: no cap on result rows (a derivation rule's CONSTRUCT is a result too: a cap would cut it
#: silently) and a time limit per query, past which Virtuoso answers what it has (mokg: 504).
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 60
CaseMode = 2
AllowOSCalls = 0
DirsAllowed = {folder}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
MaxQueryMem = {query_mb}M
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
TransactionAfterImageLimit = {transaction_bytes}

[HTTPServer]
ServerPort = 127.0.0.1:{port}
ServerRoot = {folder}
MaxClientConnections = 8
ServerThreads = 8
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 0
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {timeout_s}
"""


class VirtuosoServer:
    """Debian's Virtuoso 7 (``virtuoso-t``) with a new database in ``folder``, on free ports of 127.0.0.1.

    Its ``virtuoso.ini`` is written from :data:`VIRTUOSO_INI`. Once it answers, a user
    ``mokg`` granted ``SPARQL_UPDATE`` (mokg's writer, :attr:`credentials`) is created and the
    ``dba`` password changed from the default, with ``isql-vt``. ``memory_mb`` sizes the page
    buffers (about 9 KB each) and the memory of one query.
    """

    def __init__(self, folder: Path, *, timeout_s: int = 30, memory_mb: int = 256) -> None:
        self.folder = folder / "virtuoso"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log = self.folder / "virtuoso.log"
        self.port, self.sql_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.credentials = ("mokg", secrets.token_urlsafe(12))
        self._dba_password = secrets.token_urlsafe(12)
        buffers = memory_mb * 1024 // 9
        self.ini = self.folder / "virtuoso.ini"
        self.ini.write_text(
            VIRTUOSO_INI.format(
                folder=self.folder,
                port=self.port,
                sql_port=self.sql_port,
                buffers=buffers,
                dirty_buffers=buffers * 3 // 4,
                query_mb=max(64, memory_mb // 4),
                transaction_bytes=max(50, memory_mb // 4) * 1_000_000,
                timeout_s=timeout_s,
            )
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> VirtuosoServer:
        if VIRTUOSO is None or ISQL is None:
            pytest.fail("virtuoso-t is missing: install Debian's virtuoso-opensource (apt-get install -y ...)")
        with (self.folder / "stdout.log").open("ab") as out:
            self.process = subprocess.Popen(
                [VIRTUOSO, "+configfile", str(self.ini), "+foreground"], stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_LIMIT * 4  # a new database takes a few seconds to create
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/sparql?query=ASK%7B%7D", timeout=1):
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError(f"virtuoso-t did not answer within {STARTUP_LIMIT * 4} s: {self.log.read_text()}")
        user, password = self.credentials
        self.isql(
            "dba",
            f"DB.DBA.USER_CREATE('{user}', '{password}'); GRANT SPARQL_UPDATE TO \"{user}\"; "
            f"DB.DBA.USER_CHANGE_PASSWORD('dba', 'dba', '{self._dba_password}');",
        )
        return self

    def isql(self, password: str, statements: str) -> str:
        """Run SQL ``statements`` as ``dba`` (``password`` the current one); the output of ``isql-vt``."""
        result = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", password, f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=STARTUP_LIMIT * 4,
            check=False,
        )
        if result.returncode != 0 or "*** Error" in result.stdout:
            raise RuntimeError(f"isql-vt failed: {result.stdout}{result.stderr}")
        return result.stdout

    def checkpoint(self) -> None:
        """Write every change to the database file (sizes are measured after it)."""
        self.isql(self._dba_password, "checkpoint;")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_LIMIT * 3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_LIMIT)
        self.process = None


@pytest.fixture(scope="session")
def loaded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """An Oxigraph server holding the bundled graph, loaded through the CLI: `mokg load --store URL`."""
    from mokg.cli import main

    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-loaded"), timeout_s=30, in_memory=True).start()
    try:
        assert main(["load", "--root", str(REPO), "--store", server.url]) == 0
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def virtuoso_rules() -> Iterator[None]:
    """What ``mokg load`` runs, as far as Virtuoso 7 runs it today: everything but the validation.

    Virtuoso 7.2.5 runs the claim rules' SPARQL but not all the SHACL Core queries ("SP031"), and
    finds otherwise for several claim rules (docs/deploy.md), so ``graph.record_validation`` is
    left out. (The rules run as they are: the ones over lineage and components read flat
    queries, which Virtuoso answers as Oxigraph does.)
    """
    from mokg import graph

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(graph, "record_validation", lambda store, base_iri: None)
        yield


@pytest.fixture(scope="session")
def loaded_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso server holding the bundled graph, loaded as `mokg load --store URL` does (`graph.publish`)."""
    from mokg.graph import publish
    from mokg.remote import RemoteStore

    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso-loaded")).start()
    try:
        with virtuoso_rules():
            publish(RemoteStore.for_virtuoso(server.url, credentials=server.credentials), Settings(root=REPO))
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser), one for the whole run."""
    from mokg.site.preview import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it gets and closes them at once.

    It stands where an attacker's SERVICE endpoint, or a host of the private network, would be:
    a test asserts it was never called.
    """

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.socket.close()


@pytest.fixture(scope="session")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def run_async(coroutine: Coroutine[object, object, T]) -> T:
    """``asyncio.run(coroutine)`` in a thread of its own: Playwright's sync API (the ``browser``
    fixture) keeps an event loop running in the main thread for the rest of the session."""
    with concurrent.futures.ThreadPoolExecutor(1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


@contextlib.contextmanager
def live_server(app, settings, protocol=None) -> Iterator[str]:
    """``app`` served by mokg's own server (uvicorn with its limits) in a thread; yields its URL."""
    import uvicorn

    from mokg.service.server import GuardedHttpTools, uvicorn_config

    config = uvicorn_config(
        app,
        settings.model_copy(update={"port": free_port()}),
        log_level="warning",
        protocol=protocol or GuardedHttpTools,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_LIMIT * 4
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STOP_LIMIT * 3)
