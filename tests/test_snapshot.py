"""Snapshots: sorted, canonical N-Quads read back from a store, or journaled as a fresh store is written."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, TINY_ROOT

from mokg import snapshot
from mokg.config import Settings
from mokg.errors import LoadError
from mokg.graph import load_graph
from mokg.loader import SourceFile
from mokg.releases import STORE_DUMPS, make_dumps
from mokg.snapshot import Journal, write_snapshot
from mokg.store import EmbeddedStore

EX = "http://example.org/"

#: Literals Oxigraph keeps in another lexical form than they were written in, blank nodes two
#: files both call ``_:b0``, a triple written twice, a language tag in capitals.
TURTLE_A = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/s> <http://example.org/p> "01"^^xsd:integer, "1.50"^^xsd:decimal, "1"^^xsd:boolean,
    "2020-01-01T00:00:00.000Z"^^xsd:dateTime, "1e0"^^xsd:double, "x"@EN-GB, "007"^^xsd:string, _:b0 .
_:b0 <http://example.org/q> "in a" .
<http://example.org/s> <http://example.org/p> "01"^^xsd:integer .
"""
TURTLE_B = """<http://example.org/s> <http://example.org/p> _:b0 .
_:b0 <http://example.org/q> "in b" .
<http://example.org/s> <http://example.org/p> "_: not a blank node" .
"""
JSON_LD = """{"@id": "http://example.org/t", "http://example.org/p": {"@id": "_:b0"},
 "@graph": [], "http://example.org/r": {"@value": "3.0", "@type": "http://www.w3.org/2001/XMLSchema#decimal"}}"""
NTRIPLES = (
    b'<http://example.org/d> <http://example.org/score> "0.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
    b"<http://example.org/d> <http://example.org/via> _:b0 .\n"
    b'_:b0 <http://example.org/q> "derived" .\n'
)
_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def named(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{EX}graph/{name}")


def write_everything(store: EmbeddedStore, folder: Path) -> None:
    """Every kind of write a load makes: files (streamed and not), N-Triples streams, quads."""
    files = []
    for name, text in (("a.ttl", TURTLE_A), ("b.ttl", TURTLE_B), ("c.jsonld", JSON_LD)):
        (folder / name).write_text(text, encoding="utf-8")
        files.append(SourceFile(folder / name, named(name)))
    store.load(files, BASE)
    store.write_graph(named("derived"), io.BytesIO(NTRIPLES))
    blank = ox.BlankNode()
    s, p = ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p")
    mark = named("mark")
    store.replace_graph(mark, [ox.Quad(s, p, blank, mark), ox.Quad(blank, p, ox.Literal("10", datatype=_INT), mark)])


def read_back(store: EmbeddedStore, path: Path) -> bytes:
    """The snapshot the engine gives, reading every quad back out of the store."""
    journal, store.journal = store.journal, None
    try:
        write_snapshot(store, path)
    finally:
        store.journal = journal
    return path.read_bytes()


@pytest.fixture
def journaled(tmp_path: Path) -> tuple[EmbeddedStore, Journal]:
    (tmp_path / "store").mkdir()
    journal = Journal(tmp_path / "store")
    store = EmbeddedStore(tmp_path / "store", journal=journal)
    write_everything(store, tmp_path)
    yield store, journal
    journal.close()


def test_a_journal_gives_the_bytes_the_store_gives(journaled: tuple[EmbeddedStore, Journal], tmp_path: Path):
    """Re-encoded literals, renamed blank nodes, repeated triples: the journal's lines are the store's."""
    store, journal = journaled
    expected = read_back(store, tmp_path / "engine.nq")
    assert journal.complete
    assert write_snapshot(store, tmp_path / "journal.nq") == len(expected.splitlines())
    assert (tmp_path / "journal.nq").read_bytes() == expected
    assert b'"1"^^<http://www.w3.org/2001/XMLSchema#integer>' in expected, "the store's form of 01"
    assert expected.count(b'<http://example.org/q> "in ') == 2, "two files' _:b0 are two nodes"


def test_the_journal_is_given_once(journaled: tuple[EmbeddedStore, Journal], tmp_path: Path):
    """A second snapshot (a release after the dumps) reads the store back: the journal's runs are gone."""
    store, journal = journaled
    write_snapshot(store, tmp_path / "first.nq")
    assert journal.take() is None
    assert write_snapshot(store, tmp_path / "second.nq") > 0
    assert (tmp_path / "second.nq").read_bytes() == (tmp_path / "first.nq").read_bytes()


def test_batches_and_runs_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Quads encoded two at a time (a repeated triple lands in two batches) and sorted in tiny runs."""
    monkeypatch.setattr(snapshot, "_BATCH", 2)
    monkeypatch.setattr(snapshot, "_RUN_BYTES", 200)
    monkeypatch.setattr(snapshot, "_FAN_IN", 2)
    (tmp_path / "store").mkdir()
    with Journal(tmp_path / "store") as journal:
        store = EmbeddedStore(tmp_path / "store", journal=journal)
        write_everything(store, tmp_path)
        write_snapshot(store, tmp_path / "journal.nq")
    assert (tmp_path / "journal.nq").read_bytes() == read_back(store, tmp_path / "engine.nq")
    assert not list((tmp_path / "store").glob(".journal-*")), "the journal's folder is removed"


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda store: store.write_graph(named("derived"), io.BytesIO(NTRIPLES.splitlines(keepends=True)[0])),
        lambda store: store.replace_graph(named("a.ttl"), []),
        lambda store: store.replace([]),
    ],
    ids=["a derived graph written again", "a file's graph replaced", "the whole store replaced"],
)
def test_a_graph_written_again_makes_the_journal_stale(journaled, rewrite, tmp_path: Path):
    """The journal would keep lines the store no longer holds: the snapshot is read back instead."""
    store, journal = journaled
    rewrite(store)
    assert not journal.complete
    write_snapshot(store, tmp_path / "snapshot.nq")
    assert (tmp_path / "snapshot.nq").read_bytes() == read_back(store, tmp_path / "engine.nq")


def test_a_failed_write_makes_the_journal_stale(tmp_path: Path):
    """A bad file stops the load after part of it was journaled: that part is not what the store holds."""
    (tmp_path / "store").mkdir()
    (tmp_path / "good.ttl").write_text(TURTLE_B, encoding="utf-8")
    (tmp_path / "bad.ttl").write_text("<http://example.org/s> <http://example.org/p> .\n", encoding="utf-8")
    files = [SourceFile(tmp_path / name, named(name)) for name in ("good.ttl", "bad.ttl")]
    with Journal(tmp_path / "store") as journal:
        store = EmbeddedStore(tmp_path / "store", journal=journal)
        with pytest.raises(LoadError):
            store.load(files, BASE)
        assert not journal.complete


def test_a_load_keeps_the_dumps_the_store_gives(tmp_path: Path):
    """`mokg load --store` writes its dumps from the journal: the same files as from the store read back."""
    folder = tmp_path / "store"
    store = load_graph(Settings(root=TINY_ROOT, store=str(folder)))
    assert not list(folder.glob(".journal-*")), "the journal's folder is removed"
    again = make_dumps(store, tmp_path / "again")
    for dump in again:
        written = (folder / STORE_DUMPS / dump.filename).read_bytes()
        assert written == (tmp_path / "again" / dump.filename).read_bytes(), dump.filename


def test_snapshot_sorted_in_many_runs_is_the_same(
    store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A graph larger than a run: sorted runs on disk, merged in groups, give the same bytes."""
    whole = tmp_path / "whole.nq"
    write_snapshot(store, whole)
    monkeypatch.setattr(snapshot, "_RUN_BYTES", 64 << 10)
    monkeypatch.setattr(snapshot, "_FAN_IN", 4)
    (tmp_path / "runs").mkdir()
    assert write_snapshot(store, tmp_path / "runs" / "runs.nq") > 0
    assert (tmp_path / "runs" / "runs.nq").read_bytes() == whole.read_bytes()
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["runs.nq"], "every run is deleted"
