from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, TEST_DATA, TINY_ROOT

from mokg.errors import LoadError
from mokg.loader import SourceFile, discover, graph_name, load_files, parse_file
from mokg.store import EmbeddedStore

BAD = TEST_DATA / "bad"


def test_discover_puts_each_file_in_its_own_graph_named_after_its_path():
    """Graph names are the unit of replacement and provenance: a wrong name breaks both."""
    files = discover(TINY_ROOT, BASE)
    assert [f.graph.value for f in files] == [
        f"{BASE}graph/ontology/mini",
        f"{BASE}graph/data/models/tiny-base",
        f"{BASE}graph/data/models/tiny-model",
    ]


def test_relative_iris_resolve_against_the_configured_base():
    """Data files carry no @base, so the data set can be published under another base."""
    source = TINY_ROOT / "data" / "models" / "tiny-model.ttl"
    quads = parse_file(source, "http://localhost:8000/", ox.NamedNode("http://localhost:8000/graph/x"))
    subjects = {q.subject.value for q in quads}
    assert subjects == {"http://localhost:8000/model/tiny-model"}
    assert ox.NamedNode("http://localhost:8000/model/tiny-base") in {q.object for q in quads}


def test_graph_name_of_a_file_outside_the_root_is_its_file_iri(tmp_path: Path):
    outside = tmp_path / "x.ttl"
    assert graph_name(outside, TINY_ROOT, BASE).value == outside.resolve().as_uri()


@pytest.mark.parametrize(
    ("name", "line"),
    [("unterminated.ttl", 5), ("undeclared-prefix.ttl", 3), ("broken.jsonld", 3)],
)
def test_parse_errors_name_the_file_and_line(name: str, line: int):
    """A contributor must be able to jump to the broken line from the message."""
    path = BAD / name
    with pytest.raises(LoadError) as caught:
        parse_file(path, BASE, ox.NamedNode(f"{BASE}graph/x"))
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}:")


def test_a_bad_file_among_good_ones_loads_nothing(tmp_path: Path):
    """All or nothing: the good files before the bad one must not be returned."""
    shutil.copytree(TINY_ROOT, tmp_path / "root")
    shutil.copy(BAD / "unterminated.ttl", tmp_path / "root" / "data" / "models" / "zz-broken.ttl")
    files = discover(tmp_path / "root", BASE)
    with pytest.raises(LoadError, match=r"zz-broken\.ttl:5"):
        load_files(files, BASE)


def test_unknown_suffix_is_a_load_error(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(LoadError, match="unknown RDF file type"):
        load_files([SourceFile(path, ox.NamedNode(f"{BASE}graph/notes"))], BASE)


def test_missing_file_is_a_load_error(tmp_path: Path):
    with pytest.raises(LoadError, match=r"missing\.ttl"):
        parse_file(tmp_path / "missing.ttl", BASE, ox.NamedNode(f"{BASE}graph/missing"))


def test_release_snapshots_are_not_loaded_as_data(tmp_path: Path):
    """data/releases holds frozen snapshots and JSON manifests: loading them would duplicate the graph."""
    shutil.copytree(TINY_ROOT, tmp_path / "root")
    releases = tmp_path / "root" / "data" / "releases"
    releases.mkdir()
    (releases / "1.0.0.json").write_text('{"version": "1.0.0"}')
    assert [f.path.name for f in discover(tmp_path / "root", BASE)] == ["mini.ttl", "tiny-base.ttl", "tiny-model.ttl"]


def test_a_triple_term_is_refused_naming_the_file_and_statement(tmp_path: Path):
    """RDF 1.2 triple terms parse, but a JSON-LD 1.1 record cannot hold one: refused at load, never a 500 later."""
    path = BAD / "triple-term.ttl"
    with pytest.raises(LoadError, match=r"model/quoted> <https://w3id.org/mokg/ontology#hasComponent> has a triple"):
        parse_file(path, BASE, ox.NamedNode(f"{BASE}graph/x"))
    shutil.copytree(TINY_ROOT, tmp_path / "root")
    shutil.copy(path, tmp_path / "root" / "data" / "models" / "zz-quoted.ttl")
    store = EmbeddedStore()
    with pytest.raises(LoadError, match=r"zz-quoted\.ttl: .* triple term") as caught:
        store.load(discover(tmp_path / "root", BASE), BASE)  # streamed, as `mokg load` reads Turtle
    assert caught.value.path == str(tmp_path / "root" / "data" / "models" / "zz-quoted.ttl")
