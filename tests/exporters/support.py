"""Round trips through files: an import's files added to a graph, exports written, imports compared."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from conftest import BASE

from mokg.exporters.base import Export, to_yaml
from mokg.importers.base import ImportResult
from mokg.store import EmbeddedStore

Triples = set[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]]


def with_result(context: EmbeddedStore, result: ImportResult) -> EmbeddedStore:
    """``context`` with an import's files added, one named graph each (as if written and loaded)."""
    dump = io.BytesIO()
    context.dump_nquads(dump)
    quads = list(ox.parse(dump.getvalue(), format=ox.RdfFormat.N_QUADS))
    for path, triples in result.files.items():
        graph = ox.NamedNode(f"{BASE}graph/data/{path.removesuffix('.ttl')}")
        quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    merged = EmbeddedStore()
    merged.replace(quads)
    return merged


def write_exports(exports: Iterable[Export], folder: Path) -> list[Path]:
    """Each export as YAML, in ``folder`` under the file name the source keeps it under."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for exported in exports:
        target = folder / exported.file_name
        assert not target.exists(), f"two exports write {exported.file_name}"
        target.write_text(to_yaml(exported.document), encoding="utf-8")
        written.append(target)
    return written


def triples_of(result: ImportResult) -> dict[str, Triples]:
    return {path: {(t.subject, t.predicate, t.object) for t in triples} for path, triples in result.files.items()}


def file_triples(path: Path) -> Triples:
    return {
        (q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    }


def differences(first: dict[str, Triples], second: dict[str, Triples], paths: Iterable[str]) -> dict[str, str]:
    """What differs between two imports' files, by path: triples only in one of them (the first few)."""
    found = {}
    for path in paths:
        a, b = first.get(path, set()), second.get(path, set())
        if a != b:
            only = sorted(a - b, key=str)[:3], sorted(b - a, key=str)[:3]
            found[path] = f"only before: {only[0]}; only after: {only[1]}"
    return found
