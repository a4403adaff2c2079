"""What the exporters' tests share: the graphs an import merged into, and round trips through files.

A round trip imports a source's files into a graph, exports the models the import created, and
imports the exported files into the same graph again: the second import must write what the
first wrote. The graphs are cut from the session's bundled graph (``store``), not loaded again:
the curated graph (no file an importer wrote) is what the Index's import and the fixtures' imports
merge into; the curated graph with the Index's import is what the Tool's import merged into.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, REPO

from exporters.support import with_result, write_exports
from mokg.importers.base import GENERATED_MARK, ImportContext, ImportResult
from mokg.loader import discover
from mokg.store import EmbeddedStore


@dataclass(frozen=True)
class BundledFile:
    """A data file of the bundled graph: its path under data/, its named graph, and the importer that wrote it."""

    relative: str
    path: Path
    graph: str
    importer: str | None  # mot, osai, hf; None for a curated file


@pytest.fixture(scope="session")
def bundled_files() -> list[BundledFile]:
    files = []
    for file in discover(REPO, BASE):
        first = file.path.open("rb").readline().decode("utf-8", "replace")
        importer = (
            first.removeprefix(GENERATED_MARK).strip().split("`")[0] if first.startswith(GENERATED_MARK) else None
        )
        relative = file.path.relative_to(REPO / "data").as_posix() if file.path.is_relative_to(REPO / "data") else ""
        files.append(BundledFile(relative, file.path, file.graph.value, importer))
    return files


@pytest.fixture(scope="session")
def bundled_quads(store: EmbeddedStore) -> list[ox.Quad]:
    """The session's bundled graph as quads, without the derived facts (an import never saw them as files)."""
    dump = io.BytesIO()
    store.dump_nquads(dump)
    derived = f"{BASE}graph/derived/"
    quads = ox.parse(dump.getvalue(), format=ox.RdfFormat.N_QUADS)
    return [q for q in quads if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(derived))]


def _without(quads: Sequence[ox.Quad], graphs: set[str]) -> EmbeddedStore:
    cut = EmbeddedStore()
    cut.replace([q for q in quads if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in graphs)])
    return cut


@pytest.fixture(scope="session")
def curated(bundled_quads: list[ox.Quad], bundled_files: list[BundledFile]) -> EmbeddedStore:
    """The bundled graph without any file an importer wrote: what the Index's import merged into."""
    return _without(bundled_quads, {f.graph for f in bundled_files if f.importer})


@pytest.fixture(scope="session")
def before_mot(bundled_quads: list[ox.Quad], bundled_files: list[BundledFile]) -> EmbeddedStore:
    """The bundled graph without the files the Tool's import wrote: what that import merged into."""
    return _without(bundled_quads, {f.graph for f in bundled_files if f.importer == "mot"})


@pytest.fixture
def round_trip(tmp_path: Path) -> Callable[..., tuple[ImportResult, ImportResult]]:
    """Import ``paths`` into ``context``, export the given models, import the exports: both imports' results."""

    def run(read, paths: Sequence[Path], context: EmbeddedStore, export, models) -> tuple[ImportResult, ImportResult]:
        first = read(paths, ImportContext(context, BASE))
        assert first.problems == [], first.problems
        merged = with_result(context, first)
        slugs = models(first) if callable(models) else models
        exported = write_exports((export(merged, slug, BASE) for slug in slugs), tmp_path / "exported")
        second = read(exported, ImportContext(context, BASE))
        return first, second

    return run
