"""Releases, citations, the SPDX export, VoID and dumps, through the service and the CLI."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, REPO
from fastapi.testclient import TestClient

from mokg.cli import main
from mokg.config import Settings
from mokg.service import create_app

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's graph with one release, made by `mokg release 1.0.0`."""
    root = tmp_path_factory.mktemp("published") / "root"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("releases"))
    assert main(["release", "--root", str(root), "1.0.0"]) == 0
    return root


@pytest.fixture(scope="module")
def client(root: Path):
    with TestClient(create_app(Settings(root=root))) as test_client:
        yield test_client


def test_release_command_refuses_to_change_or_misname_a_release(root: Path, capsys: pytest.CaptureFixture[str]):
    files = sorted(p.name for p in (root / "data" / "releases").iterdir())
    assert files == ["1.0.0.json", "1.0.0.nq.gz"]
    assert main(["release", "--root", str(root), "1.0.0"]) == 2
    assert "releases never change" in capsys.readouterr().err
    assert main(["release", "--root", str(root), "latest"]) == 2
    assert "invalid release version" in capsys.readouterr().err


def test_release_record_is_frozen_and_linked_to_the_living_record(client: TestClient):
    response = client.get("/release/1.0.0/model/alpaca-7b.ttl")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert f'<{BASE}release/1.0.0/model/alpaca-7b>; rel="cite-as"' in response.headers["link"]
    triples = {(q.subject, q.predicate, q.object) for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    release = ox.NamedNode(f"{BASE}release/1.0.0/model/alpaca-7b")
    living = ox.NamedNode(f"{BASE}model/alpaca-7b")
    assert (release, ox.NamedNode(f"{DCAT}isVersionOf"), living) in triples
    living_record = client.get("/model/alpaca-7b.ttl").content
    assert (living, ox.NamedNode(f"{DCAT}hasVersion"), release) in {
        (q.subject, q.predicate, q.object) for q in ox.parse(living_record, format=ox.RdfFormat.TURTLE)
    }


def test_release_page_says_it_is_a_snapshot(client: TestClient):
    page = client.get("/release/1.0.0/model/alpaca-7b", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Release 1.0.0" in page.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/release/9.9.9/model/alpaca-7b.ttl", 404),  # unknown version
        ("/release/not-a-version!/model/alpaca-7b.ttl", 400),  # bad version
        ("/release/1.0.0/model/no-such-model.ttl", 404),  # unknown slug
        ("/release/1.0.0/mokg-2.0.0.nq.gz", 404),
    ],
)
def test_bad_release_requests(client: TestClient, path: str, status: int):
    assert client.get(path).status_code == status


def test_release_dump_is_the_checksummed_file(client: TestClient, root: Path):
    manifest = json.loads((root / "data" / "releases" / "1.0.0.json").read_text())
    response = client.get("/release/1.0.0/mokg-1.0.0.nq.gz", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["etag"] == f'"{manifest["sha256"]}"'
    # The file as it is, named .gz: a gzip file, not N-Quads sent with Content-Encoding (clients would unpack it).
    assert response.headers["content-type"] == "application/gzip" and "content-encoding" not in response.headers
    assert hashlib.sha256(response.content).hexdigest() == manifest["sha256"]
    quads = list(ox.parse(gzip.decompress(response.content), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == manifest["quads"]


def test_a_changed_release_is_refused(root: Path, tmp_path: Path):
    """Releases never change: a tampered snapshot is not served."""
    copy = tmp_path / "root"
    shutil.copytree(root, copy)
    snapshot = copy / "data" / "releases" / "1.0.0.nq.gz"
    snapshot.chmod(0o644)
    data = gzip.decompress(snapshot.read_bytes()).replace(b"Alpaca 7B", b"Alpaca 8B")
    snapshot.write_bytes(gzip.compress(data))
    with TestClient(create_app(Settings(root=copy))) as client:
        response = client.get("/release/1.0.0/model/alpaca-7b.ttl")
    assert response.status_code >= 500
    assert "1.0.0" in response.json()["detail"]


@pytest.mark.parametrize(
    ("fmt", "media", "marker"),
    [
        ("bibtex", "application/x-bibtex", "@misc{"),
        ("csl", "application/vnd.citationstyles.csl+json", '"URL"'),
        ("ris", "application/x-research-info-systems", "TY  - "),
    ],
)
def test_citations_name_the_uri_and_version(client: TestClient, fmt: str, media: str, marker: str):
    living = client.get(f"/model/llama-2-7b/cite?format={fmt}")
    assert living.status_code == 200
    assert living.headers["content-type"].startswith(media)
    assert marker in living.text
    assert f"{BASE}model/llama-2-7b" in living.text
    assert "arxiv" in living.text.lower()  # Llama 2's own paper is cited too
    frozen = client.get(f"/release/1.0.0/model/llama-2-7b/cite?format={fmt}")
    assert f"{BASE}release/1.0.0/model/llama-2-7b" in frozen.text
    assert "1.0.0" in frozen.text


def test_bad_citation_requests(client: TestClient):
    response = client.get("/model/llama-2-7b/cite?format=docx")
    assert response.status_code == 406
    assert "bibtex" in response.json()["detail"]
    assert client.get("/model/no-such-model/cite?format=bibtex").status_code == 404
    assert client.get("/model/llama-2-7b/cite", headers={"accept": "image/png"}).status_code == 406


def test_spdx_export_of_a_model(client: TestClient):
    document = client.get("/model/zephyr-7b-beta/spdx").json()
    assert document["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    relationships = {e["relationshipType"] for e in document["@graph"] if e.get("type") == "Relationship"}
    assert {"trainedOn", "hasDeclaredLicense", "ancestorOf"} <= relationships
    same = client.get("/model/zephyr-7b-beta?profile=spdx")
    assert same.headers["content-type"].startswith("application/spdx3+json")
    assert client.get("/model/no-such-model/spdx").status_code == 404


def test_void_counts_and_checksummed_dumps(client: TestClient, store):
    for path in ("/void", "/.well-known/void"):
        assert client.get(path, headers={"accept": "text/turtle"}).status_code == 200
    triples = list(ox.parse(client.get("/void", headers={"accept": "text/turtle"}).content, format=ox.RdfFormat.TURTLE))
    counts = [int(t.object.value) for t in triples if t.predicate.value == f"{VOID}triples"]
    assert max(counts) > 5000
    downloads = {t.object.value for t in triples if t.predicate.value == f"{DCAT}downloadURL"}
    checksums = {t.object.value for t in triples if t.predicate.value.endswith("checksumValue")}
    for name in ("mokg.nq.gz", "mokg.nt.gz", "mokg.ttl", "mokg.jsonld"):
        assert any(url.endswith(f"/dumps/{name}") for url in downloads), name
        body = client.get(f"/dumps/{name}", headers={"accept-encoding": "identity"}).content
        assert hashlib.sha256(body).hexdigest() in checksums, name
    assert any(url.endswith("/release/1.0.0/mokg-1.0.0.nq.gz") for url in downloads)
    assert client.get("/dumps/secret.txt").status_code == 404
    assert client.get("/void", headers={"accept": "image/png"}).status_code == 406


def test_void_cites_the_sources(client: TestClient):
    triples = list(ox.parse(client.get("/void", headers={"accept": "text/turtle"}).content, format=ox.RdfFormat.TURTLE))
    sources = {t.object.value for t in triples if t.predicate.value == "http://purl.org/dc/terms/source"}
    assert f"{BASE}source/how-open-is-generative-ai-part-2" in sources
    # The imported data sets, the Index with the citation its files ask for.
    assert {f"{BASE}source/osai-index", f"{BASE}source/model-openness-tool"} <= sources
    citations = {t.object.value for t in triples if t.predicate.value.endswith("bibliographicCitation")}
    assert any("Liesenfeld" in c and "10.5281/zenodo.15386042" in c for c in citations)
