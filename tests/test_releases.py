"""Releases, dumps and VoID over the bundled graph: immutable snapshots, checksums, statistics."""

from __future__ import annotations

import gzip
import hashlib
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, REPO, TINY_ROOT

from mokg import releases
from mokg.config import Settings
from mokg.errors import MokgError
from mokg.formats import GRAPH_FORMATS, Format
from mokg.graph import publish
from mokg.releases import (
    Dump,
    InvalidVersion,
    ReleaseCorrupted,
    ReleaseExists,
    ReleaseManifest,
    Releases,
    UnknownRelease,
    create_release,
    dataset_iri,
    graph_stamp,
    list_releases,
    make_dumps,
    open_release,
    read_store_dumps,
    release_download_url,
    release_iri,
    release_record_links,
    serialize_rdf,
    validate_version,
    version_links,
    void_description,
    write_store_dumps,
)
from mokg.remote import RemoteStore
from mokg.snapshot import write_snapshot
from mokg.store import EmbeddedStore, Store

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
LLAMA = f"{BASE}model/llama-2-7b"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX_RDF = "http://spdx.org/rdf/terms#"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def distinct_triples(store: EmbeddedStore) -> int:
    rows = store.query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    return len({(str(r["s"]), str(r["p"]), str(r["o"])) for r in rows})


@pytest.fixture(scope="module")
def released(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReleaseManifest]:
    folder = tmp_path_factory.mktemp("releases")
    return folder, create_release(store, "1.0.0", folder, BASE, now=NOW)


# --------------------------------------------------------------------------------------------
# Versions and IRIs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "2024.06", "1.0.0-rc.1", "0.1.0.dev3", "10.20.30-beta"])
def test_valid_versions(version: str):
    assert validate_version(version) == version


@pytest.mark.parametrize(
    "version", ["", "1", "v1.0", "1.0/../../etc", "1.0 beta", "latest", "1.0-", "../1.0", "1.0.0-rc/1", "1" * 70 + ".0"]
)
def test_bad_versions_are_400_and_exit_2(version: str):
    with pytest.raises(InvalidVersion) as caught:
        validate_version(version)
    assert caught.value.http_status == 400 and caught.value.exit_code == 2


def test_release_iris():
    assert release_iri(BASE, "1.0.0", "model", "llama-2-7b") == f"{BASE}release/1.0.0/model/llama-2-7b"
    assert release_download_url(BASE, "1.0") == f"{BASE}release/1.0/mokg-1.0.nq.gz"
    with pytest.raises(InvalidVersion):
        release_iri(BASE, "nope", "model", "llama-2-7b")


# --------------------------------------------------------------------------------------------
# Releases
# --------------------------------------------------------------------------------------------


def test_release_round_trip(store: EmbeddedStore, released: tuple[Path, ReleaseManifest]):
    folder, manifest = released
    data, meta = folder / "1.0.0.nq.gz", folder / "1.0.0.json"
    assert data.is_file() and meta.is_file()
    assert not data.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), "a release file is read-only"
    assert json.loads(meta.read_text()) == manifest.to_json()
    assert manifest.sha256 == sha256(data) and manifest.size == data.stat().st_size
    assert manifest.created == NOW and manifest.to_json()["created"] == "2025-01-02T03:04:05Z"
    stats = store.stats()
    assert (manifest.quads, manifest.graphs, manifest.triples) == (stats.quads, stats.graphs, distinct_triples(store))
    assert manifest.base_iri == BASE and manifest.mokg_version
    assert data.read_bytes()[4:8] == b"\0\0\0\0", "gzip header carries no time stamp"

    snapshot = open_release(folder, "1.0.0")
    assert snapshot.stats().quads == stats.quads and snapshot.stats().graphs == stats.graphs
    assert snapshot.stats().classes == stats.classes
    assert list_releases(folder) == [manifest]
    assert ReleaseManifest.from_json(manifest.to_json()) == manifest


def test_release_content_is_deterministic(store: EmbeddedStore, tmp_path: Path):
    """The same graph frozen twice gives the same bytes (canonical blank nodes, sorted lines)."""
    first = create_release(store, "1.0.0", tmp_path, BASE, now=NOW)
    second = create_release(store, "1.0.1", tmp_path, BASE, now=NOW)
    assert first.sha256 == second.sha256
    snapshot = tmp_path / "snapshot.nq"
    assert write_snapshot(store, snapshot) == first.quads
    assert gzip.decompress((tmp_path / "1.0.0.nq.gz").read_bytes()) == snapshot.read_bytes()
    lines = snapshot.read_bytes().splitlines()
    assert lines == sorted(lines) and any(b"_:c14n" in line for line in lines)


def test_a_release_is_never_made_twice(store: EmbeddedStore, released: tuple[Path, ReleaseManifest]):
    folder, _ = released
    before = sha256(folder / "1.0.0.nq.gz"), (folder / "1.0.0.json").read_text()
    with pytest.raises(ReleaseExists) as caught:
        create_release(store, "1.0.0", folder, BASE)
    assert caught.value.exit_code == 2 and caught.value.http_status == 409
    assert (sha256(folder / "1.0.0.nq.gz"), (folder / "1.0.0.json").read_text()) == before
    assert not list(folder.glob(".*.tmp"))


def test_a_leftover_data_file_also_blocks_the_release(store: EmbeddedStore, tmp_path: Path):
    (tmp_path / "2.0.nq.gz").write_bytes(b"not mine")
    with pytest.raises(ReleaseExists):
        create_release(store, "2.0", tmp_path, BASE)
    assert not (tmp_path / "2.0.json").exists()


def test_bad_version_writes_nothing(store: EmbeddedStore, tmp_path: Path):
    with pytest.raises(InvalidVersion):
        create_release(store, "../escape", tmp_path, BASE)
    assert list(tmp_path.iterdir()) == []


def test_unknown_and_malformed_versions_on_open(released: tuple[Path, ReleaseManifest]):
    folder, _ = released
    with pytest.raises(UnknownRelease) as caught:
        open_release(folder, "9.9.9")
    assert caught.value.http_status == 404
    with pytest.raises(InvalidVersion) as bad:
        open_release(folder, "not-a-version")
    assert bad.value.http_status == 400
    assert list_releases(folder / "absent") == []


def test_a_changed_release_is_refused(store: EmbeddedStore, tmp_path: Path):
    create_release(store, "1.0", tmp_path, BASE, now=NOW)
    data = tmp_path / "1.0.nq.gz"
    data.chmod(0o644)
    text = gzip.decompress(data.read_bytes()).replace(b"Llama 2 7B", b"Llama 2 8B")
    data.write_bytes(gzip.compress(text, mtime=0))
    with pytest.raises(ReleaseCorrupted) as caught:
        open_release(tmp_path, "1.0")
    assert "checksum" in str(caught.value) and caught.value.exit_code == 1


def test_a_truncated_or_missing_release_file_is_refused(store: EmbeddedStore, tmp_path: Path):
    create_release(store, "1.0", tmp_path, BASE, now=NOW)
    data = tmp_path / "1.0.nq.gz"
    data.chmod(0o644)
    data.write_bytes(data.read_bytes()[:100])
    with pytest.raises(ReleaseCorrupted):
        open_release(tmp_path, "1.0")
    data.unlink()
    with pytest.raises(ReleaseCorrupted):
        open_release(tmp_path, "1.0")


def test_releases_keep_verified_stores_and_find_entities(released: tuple[Path, ReleaseManifest]):
    folder, manifest = released
    releases = Releases(folder)
    assert releases.list() == [manifest] and releases.manifest("1.0.0") == manifest
    assert releases.store("1.0.0") is releases.store("1.0.0")
    assert releases.containing(LLAMA) == [manifest]
    assert releases.containing(f"{BASE}model/not-in-mokg") == []
    with pytest.raises(UnknownRelease):
        releases.store("3.0")


def test_version_links_both_ways(released: tuple[Path, ReleaseManifest]):
    _, manifest = released
    release = ox.NamedNode(f"{BASE}release/1.0.0/model/llama-2-7b")
    living = ox.NamedNode(LLAMA)
    has_version, is_version_of = ox.NamedNode(f"{DCAT}hasVersion"), ox.NamedNode(f"{DCAT}isVersionOf")
    assert version_links(LLAMA, BASE, [manifest], kind="model", slug="llama-2-7b") == [
        ox.Triple(living, has_version, release)
    ]
    links = release_record_links(LLAMA, BASE, manifest, kind="model", slug="llama-2-7b")
    assert ox.Triple(release, is_version_of, living) in links
    assert ox.Triple(living, has_version, release) in links
    assert ox.Triple(release, ox.NamedNode(f"{DCAT}version"), ox.Literal("1.0.0")) in links
    spdx_licence = version_links("http://spdx.org/licenses/MIT", BASE, [manifest], kind="license", slug="MIT")
    assert spdx_licence[0].object == ox.NamedNode(f"{BASE}release/1.0.0/license/MIT")


# --------------------------------------------------------------------------------------------
# Dumps
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dumps(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Dump]]:
    folder = tmp_path_factory.mktemp("dumps")
    return folder, make_dumps(store, folder)


def canonical(quads) -> set[str]:
    """``quads`` with RDFC-1.0 blank node labels, as strings: equal sets are the same graph."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def store_quads(store: Store) -> list[ox.Quad]:
    return [ox.Quad(*row) for row in store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]


def read_dump(folder: Path, name: str) -> list[ox.Quad]:
    """The statements of a dump file, parsed back with pyoxigraph."""
    data = (folder / name).read_bytes()
    rdf_format = ox.RdfFormat.from_extension(name.removesuffix(".gz").rpartition(".")[2])
    return list(ox.parse(gzip.decompress(data) if name.endswith(".gz") else data, format=rdf_format))


def test_dumps_are_described_by_their_files(dumps: tuple[Path, list[Dump]]):
    folder, described = dumps
    assert [d.filename for d in described] == ["mokg.nq.gz", "mokg.nt.gz", "mokg.ttl", "mokg.jsonld"]
    for dump in described:
        path = folder / dump.filename
        assert dump.sha256 == sha256(path) and dump.size == path.stat().st_size
        assert dump.statements == len(read_dump(folder, dump.filename))
    assert {d.filename: d.content_type for d in described} == {
        "mokg.nq.gz": "application/gzip",
        "mokg.nt.gz": "application/gzip",
        "mokg.ttl": "text/turtle",
        "mokg.jsonld": "application/ld+json",
    }
    assert sorted(p.name for p in folder.iterdir()) == sorted(d.filename for d in described), "no temporary left"


def test_dumps_parse_back_to_the_graph(store: EmbeddedStore, dumps: tuple[Path, list[Dump]]):
    """The quad dumps hold exactly the store's quads; the triple dumps exactly its distinct triples."""
    folder, _ = dumps
    quads = store_quads(store)
    union = canonical(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    assert len(union) == distinct_triples(store)
    for name in ("mokg.nq.gz", "mokg.jsonld"):
        assert canonical(read_dump(folder, name)) == canonical(quads), name
    for name in ("mokg.nt.gz", "mokg.ttl"):
        triples = read_dump(folder, name)
        assert len(triples) == len(union) and canonical(triples) == union, name


def test_dumps_are_deterministic(store: EmbeddedStore, dumps: tuple[Path, list[Dump]], tmp_path: Path):
    """The same graph gives the same bytes, whatever the store holding it and the order it reads it in."""
    _, described = dumps
    assert make_dumps(store, tmp_path / "again") == described
    store.snapshot(tmp_path / "on-disk")  # RocksDB, read in another order, its blank nodes stored again
    assert make_dumps(EmbeddedStore(tmp_path / "on-disk", read_only=True), tmp_path / "from-disk") == described


def test_dumps_written_by_processes_are_the_same_bytes(
    store: EmbeddedStore, dumps: tuple[Path, list[Dump]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A large graph's dumps are each written by a new Python process: the same files as threads write."""
    folder, described = dumps
    apart: list[str] = []
    real = releases._write_dump_apart

    def counted(folder: Path, work: Path, filename: str) -> tuple[str, int]:
        apart.append(filename)
        return real(folder, work, filename)

    monkeypatch.setattr(releases, "_PROCESS_BYTES", 0)
    monkeypatch.setattr(releases, "_write_dump_apart", counted)
    assert make_dumps(store, tmp_path) == described
    assert sorted(apart) == sorted(d.filename for d in described), "every file by a process of its own"
    for dump in described:
        assert (tmp_path / dump.filename).read_bytes() == (folder / dump.filename).read_bytes(), dump.filename
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(d.filename for d in described), "no temporary left"


def test_a_dump_process_that_fails_says_why(tmp_path: Path):
    """The process's error reaches the caller as a MokgError naming the file, not as a missing checksum."""
    with pytest.raises(MokgError, match=r"^writing the dump mokg\.ttl failed: FileNotFoundError: No such file"):
        releases._write_dump_apart(tmp_path, tmp_path / "missing", "mokg.ttl")


def test_a_release_of_the_graph_is_its_nquads_dump(
    dumps: tuple[Path, list[Dump]], released: tuple[Path, ReleaseManifest]
):
    folder, described = dumps
    assert released[1].sha256 == described[0].sha256
    assert (released[0] / "1.0.0.nq.gz").read_bytes() == (folder / "mokg.nq.gz").read_bytes()


def test_a_triple_in_several_graphs_is_once_in_the_union_dumps(tmp_path: Path):
    """Two graphs hold the same triple (and triples whose text begins with another's): the union has it once."""
    ex = "http://example.org/"
    s, p = ox.NamedNode(f"{ex}s"), ox.NamedNode(f"{ex}p")
    g1, g2, g3 = (ox.NamedNode(f"{ex}g{i}") for i in (1, 2, 3))
    blank = ox.BlankNode()
    quads = [
        ox.Quad(s, p, ox.Literal("abc"), g1),
        ox.Quad(s, p, ox.Literal("abc"), g2),
        ox.Quad(s, p, ox.Literal("abc", language="en"), g1),
        ox.Quad(s, p, ox.Literal("abc"), g3),
        ox.Quad(s, p, ox.Literal("abc _:not-a-blank-node"), g2),
        ox.Quad(s, p, blank, g1),
        ox.Quad(blank, p, ox.Literal("in a blank node"), g2),
        ox.Quad(blank, p, ox.Literal("in a blank node"), g3),
    ]
    embedded = EmbeddedStore()
    embedded.replace(quads)
    described = {d.filename: d for d in make_dumps(embedded, tmp_path)}
    nquads = read_dump(tmp_path, "mokg.nq.gz")
    assert canonical(nquads) == canonical(quads) and described["mokg.nq.gz"].statements == 8
    for name in ("mokg.nt.gz", "mokg.ttl"):
        triples = read_dump(tmp_path, name)
        assert len(triples) == described[name].statements == 5, name
        assert canonical(triples) == canonical({ox.Quad(q.subject, q.predicate, q.object) for q in quads})
    lines = gzip.decompress((tmp_path / "mokg.nt.gz").read_bytes()).splitlines()
    assert lines == sorted(set(lines)) and lines.count(f'<{ex}s> <{ex}p> "abc" .'.encode()) == 1
    reordered = EmbeddedStore()
    reordered.replace(list(reversed(quads)))
    assert make_dumps(reordered, tmp_path / "reordered") == list(described.values())


def test_dumps_of_a_remote_store(loaded_server, tmp_path: Path):
    """Over an Oxigraph server (the bundled graph, `mokg load --store URL`): its quads, the same bytes as embedded."""
    remote = RemoteStore.for_oxigraph(loaded_server.url)
    described = make_dumps(remote, tmp_path / "remote")
    quads = store_quads(remote)
    assert canonical(read_dump(tmp_path / "remote", "mokg.nq.gz")) == canonical(quads)
    assert described[1].statements == len(canonical(ox.Quad(q.subject, q.predicate, q.object) for q in quads))
    same = EmbeddedStore()
    same.replace(quads)
    assert make_dumps(same, tmp_path / "embedded") == described


def test_an_empty_graph_has_empty_dumps(tmp_path: Path):
    described = make_dumps(EmbeddedStore(), tmp_path)
    assert [d.statements for d in described] == [0, 0, 0, 0]
    assert all(read_dump(tmp_path, d.filename) == [] for d in described)


def test_an_on_disk_store_keeps_its_dumps_with_their_graph(tmp_path: Path):
    """`mokg load` writes the dumps in the store's folder; they are used only while the store holds their graph."""
    root = tmp_path / "store"
    on_disk = EmbeddedStore(root)
    publish(on_disk, Settings(root=TINY_ROOT))
    written = write_store_dumps(on_disk)
    assert read_store_dumps(on_disk) == (root / "dumps", written)
    assert written == make_dumps(on_disk, tmp_path / "made")
    manifest = json.loads((root / "dumps" / "manifest.json").read_text())
    assert manifest["graph"] == graph_stamp(on_disk) and [Dump.from_json(d) for d in manifest["dumps"]] == written

    publish(on_disk, Settings(root=TINY_ROOT))  # loaded again: the same files, another load
    assert read_store_dumps(on_disk) is None, "dumps of another graph"
    assert read_store_dumps(EmbeddedStore()) is None
    (root / "dumps" / "manifest.json").unlink()
    assert read_store_dumps(on_disk) is None, "a store loaded by a mokg that kept no dumps"


# --------------------------------------------------------------------------------------------
# VoID
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def void(store: EmbeddedStore, dumps: tuple[Path, list[Dump]], released: tuple[Path, ReleaseManifest]) -> ox.Store:
    triples = void_description(store, BASE, dumps[1], [released[1]])
    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return graph


def ask(graph: ox.Store, query: str) -> list[ox.QuerySolution] | bool:
    prefixes = f"PREFIX void: <{VOID}> PREFIX dcat: <{DCAT}> PREFIX spdxrdf: <{SPDX_RDF}> "
    prefixes += "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX mokg: <https://w3id.org/mokg/ontology#> "
    result = graph.query(prefixes + query)
    return bool(result) if isinstance(result, ox.QueryBoolean) else list(result)


def number(graph: ox.Store, prop: str) -> int:
    rows = ask(graph, f"SELECT ?n WHERE {{ <{dataset_iri(BASE)}> void:{prop} ?n }}")
    assert len(rows) == 1, prop
    return int(rows[0]["n"].value)


def test_void_statistics_match_the_store(store: EmbeddedStore, void: ox.Store):
    rows = list(store.query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"))
    triples = {(str(r["s"]), str(r["p"]), str(r["o"])) for r in rows}
    assert number(void, "triples") == len(triples) == store.stats().quads  # no triple is in two graphs
    assert number(void, "distinctSubjects") == len({s for s, _, _ in triples})
    assert number(void, "properties") == len({p for _, p, _ in triples})
    assert number(void, "distinctObjects") == len({o for _, _, o in triples})
    types = {o for _, p, o in triples if p == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"}
    assert number(void, "classes") == len(types)
    assert number(void, "entities") == len({s for s, _, _ in triples if s.startswith(f"<{BASE}")})


def test_void_describes_the_dataset(void: ox.Store):
    dataset = f"<{dataset_iri(BASE)}>"
    assert ask(void, f"ASK {{ {dataset} a void:Dataset, dcat:Dataset ; dcterms:title ?t ; dcterms:description ?d }}")
    assert ask(void, f"ASK {{ {dataset} dcterms:license <http://spdx.org/licenses/CC-BY-4.0> }}")
    assert ask(void, f'ASK {{ {dataset} void:sparqlEndpoint <{BASE}sparql> ; void:uriSpace "{BASE}" }}')
    assert ask(void, f"ASK {{ {dataset} void:exampleResource ?e ; void:vocabulary <https://w3id.org/mokg/ontology#> }}")


def test_void_class_partitions_count_every_mokg_class(store: EmbeddedStore, void: ox.Store):
    rows = ask(
        void,
        f"SELECT ?class ?n WHERE {{ <{dataset_iri(BASE)}> void:classPartition ?p . ?p void:class ?class ; "
        "void:entities ?n }",
    )
    partitions = {r["class"].value.rsplit("#", 1)[-1]: int(r["n"].value) for r in rows}
    assert partitions == store.stats().classes
    assert partitions["Model"] == len(list((REPO / "data" / "models").glob("*.ttl")))  # one model per file


def test_void_dumps_are_distributions_with_the_files_checksums(dumps: tuple[Path, list[Dump]], void: ox.Store):
    folder, described = dumps
    rows = ask(
        void,
        f"SELECT ?url ?size ?sum ?media WHERE {{ <{dataset_iri(BASE)}> void:dataDump ?url ; dcat:distribution ?d . "
        "?d a dcat:Distribution ; dcat:downloadURL ?url ; dcat:byteSize ?size ; dcat:mediaType ?media ; "
        "spdxrdf:checksum [ spdxrdf:algorithm spdxrdf:checksumAlgorithm_sha256 ; spdxrdf:checksumValue ?sum ] }",
    )
    found = {r["url"].value.rsplit("/", 1)[-1]: (int(r["size"].value), r["sum"].value) for r in rows}
    assert found == {d.filename: ((folder / d.filename).stat().st_size, sha256(folder / d.filename)) for d in described}
    assert all(r["url"].value.startswith(f"{BASE}dumps/") for r in rows)
    assert len(ask(void, "SELECT ?d WHERE { ?d dcat:compressFormat ?f }")) == 3  # two dumps and the release


def test_void_releases_are_versions_with_their_checksum(released: tuple[Path, ReleaseManifest], void: ox.Store):
    folder, _ = released
    rows = ask(
        void,
        f"SELECT ?v ?url ?sum WHERE {{ <{dataset_iri(BASE)}> dcat:hasVersion ?r . ?r dcat:isVersionOf ?living ; "
        "dcat:version ?v ; void:dataDump ?url ; dcat:distribution/spdxrdf:checksum/spdxrdf:checksumValue ?sum }",
    )
    assert [(r["v"].value, r["url"].value, r["sum"].value) for r in rows] == [
        ("1.0.0", release_download_url(BASE, "1.0.0"), sha256(folder / "1.0.0.nq.gz"))
    ]


@pytest.mark.parametrize("media", GRAPH_FORMATS, ids=lambda f: f.label)
def test_void_serializes_in_every_offered_format(
    store: EmbeddedStore, dumps: tuple[Path, list[Dump]], released: tuple[Path, ReleaseManifest], media: Format
):
    triples = void_description(store, BASE, dumps[1], [released[1]])
    body = serialize_rdf(triples, media)
    assert len(list(ox.parse(body, format=media.rdf))) == len(triples)


def test_void_without_dumps_or_releases(store: EmbeddedStore):
    triples = void_description(store, BASE, [], [])
    predicates = {t.predicate.value for t in triples}
    assert f"{VOID}triples" in predicates and f"{VOID}dataDump" not in predicates
    assert f"{DCAT}hasVersion" not in predicates


def test_a_corrupted_release_is_left_out_of_the_links_but_refused_by_version(store: EmbeddedStore, tmp_path: Path):
    good = create_release(store, "1.0", tmp_path, BASE, now=NOW)
    create_release(store, "1.1", tmp_path, BASE, now=NOW)
    bad = tmp_path / "1.1.nq.gz"
    bad.chmod(0o644)
    bad.write_bytes(bad.read_bytes() + b"\0")
    releases = Releases(tmp_path)
    assert releases.containing(LLAMA) == [good]
    with pytest.raises(ReleaseCorrupted):
        releases.store("1.1")
