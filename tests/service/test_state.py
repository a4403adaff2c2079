"""The dumps a service serves: those `mokg load --store DIR` kept with the store, else made once.

Real loads through the CLI into real on-disk stores, served by the app opened on them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import TINY_ROOT
from fastapi.testclient import TestClient

from mokg.cli import main
from mokg.config import Settings
from mokg.service import create_app
from mokg.service.state import AppState

CHECKSUM = "http://spdx.org/rdf/terms#checksumValue"
NAMES = ["mokg.nq.gz", "mokg.nt.gz", "mokg.ttl", "mokg.jsonld"]


def load(root: Path, folder: Path) -> dict[str, str]:
    """`mokg load --root ROOT --store FOLDER`; the checksums its manifest gives, by file name."""
    assert main(["load", "--root", str(root), "--store", str(folder)]) == 0
    manifest = json.loads((folder / "dumps" / "manifest.json").read_text())
    return {entry["filename"]: entry["sha256"] for entry in manifest["dumps"]}


@contextmanager
def serving(root: Path, folder: Path) -> Iterator[tuple[TestClient, AppState]]:
    """The app over the store in ``folder`` as `mokg serve --store FOLDER --no-load` opens it."""
    with TestClient(create_app(Settings(root=root, store=str(folder)), load=False)) as client:
        yield client, client.app.state.mokg


def announced(client: TestClient) -> set[str]:
    """The checksums /void gives for the dumps."""
    body = client.get("/void", headers={"accept": "application/n-triples"}).content
    return {q.object.value for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES) if q.predicate.value == CHECKSUM}


def served(client: TestClient) -> dict[str, str]:
    """The checksum of each dump as downloaded, checked against its ETag."""
    checksums = {}
    for name in NAMES:
        response = client.get(f"/dumps/{name}", headers={"accept-encoding": "identity"})
        assert response.status_code == 200, name
        checksums[name] = hashlib.sha256(response.content).hexdigest()
        assert response.headers["etag"] == f'"{checksums[name]}"'
    return checksums


def test_a_loaded_store_serves_the_dumps_its_load_wrote(generated_root: Path, tmp_path: Path):
    folder = tmp_path / "store"
    manifest = load(generated_root, folder)
    assert sorted(p.name for p in (folder / "dumps").iterdir()) == sorted([*NAMES, "manifest.json"])
    with serving(generated_root, folder) as (client, state):
        assert announced(client) == set(manifest.values())
        assert served(client) == manifest
        assert not (state.workdir / "dumps").exists(), "nothing made on a request"
    for name, checksum in manifest.items():
        assert hashlib.sha256((folder / "dumps" / name).read_bytes()).hexdigest() == checksum


@pytest.mark.parametrize("damage", ["stale", "missing"])
def test_dumps_not_of_the_served_graph_are_made_again(tmp_path: Path, damage: str):
    """A manifest of another load, or none (a store of an older mokg): the dumps are made, once, privately."""
    folder = tmp_path / "store"
    kept = load(TINY_ROOT, folder)
    manifest = folder / "dumps" / "manifest.json"
    if damage == "stale":
        manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "graph": "another load"}))
    else:
        shutil.rmtree(folder / "dumps")
    with serving(TINY_ROOT, folder) as (client, state):
        checksums = served(client)
        assert announced(client) == set(checksums.values())
        made = state.workdir / "dumps"
        assert sorted(p.name for p in made.iterdir()) == sorted(NAMES)
    assert checksums == kept, "the same graph gives the same bytes, made at load or on a request"


def test_a_load_while_serving_changes_nothing_the_service_sends(tmp_path: Path):
    """The store's folder swapped by a new load: the service sends the dumps whose checksums it announced."""
    folder = tmp_path / "store"
    first = load(TINY_ROOT, folder)
    with serving(TINY_ROOT, folder) as (client, _):
        assert announced(client) == set(first.values())
        second = load(TINY_ROOT, folder)  # the same files loaded again: another load mark, other dumps
        assert set(second.values()).isdisjoint(first.values())
        assert served(client) == first
        assert announced(client) == set(first.values())
