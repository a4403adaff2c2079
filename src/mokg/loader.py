"""Files to RDF quads: every file into its own named graph, all or nothing.

Why one named graph per file: a file is the unit of review (one entity per file), so its
graph is the unit of replacement, provenance ("which file said this?") and error reporting.
Graph names are ``{base}graph/{path without suffix}``, e.g.
``https://w3id.org/mokg/graph/data/models/llama-2-7b``.

Why all or nothing: a load that fails half-way must not leave half a graph behind, so every
file is parsed before anything is handed to a store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, Triple, parse

from mokg.errors import LoadError, PayloadTooLarge
from mokg.formats import JSON_LD, N_TRIPLES, RDF_XML, TURTLE
from mokg.untrusted import check_rdf

if TYPE_CHECKING:
    from mokg.snapshot import Journal

__all__ = [
    "FORMATS",
    "RELEASES",
    "SourceFile",
    "discover",
    "graph_name",
    "load_files",
    "load_into",
    "parse_bytes",
    "parse_file",
    "read_quads",
]

#: File suffixes mokg reads, and their formats (``.json`` is JSON-LD, ``.owl`` RDF/XML).
FORMATS: dict[str, RdfFormat] = {
    **{f.suffix: f.rdf for f in (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)},
    ".json": JSON_LD.rdf,
    ".owl": RDF_XML.rdf,
}

#: Deepest nesting of a document (JSON-LD objects, RDF/XML elements): pyoxigraph's parsers of
#: those formats recurse and overflow their stack on a few thousand levels (:mod:`mokg.untrusted`).
MAX_DEPTH = 64

#: The folders of a mokg root that hold RDF, in load order.
FOLDERS = ("ontology", "shapes", "data")

#: Where release snapshots live (``mokg release``): frozen copies, never loaded as data.
RELEASES = Path("data") / "releases"


@dataclass(frozen=True)
class SourceFile:
    """A file to load and the named graph its triples go into."""

    path: Path
    graph: NamedNode


def graph_name(path: Path, root: Path, base_iri: str) -> NamedNode:
    """The named graph of ``path``.

    Under ``{base}graph/`` when the file is inside ``root``, else the file's own ``file:`` IRI.
    """
    resolved = path.resolve()
    try:
        relative = resolved.relative_to(root.resolve())
    except ValueError:
        return NamedNode(resolved.as_uri())
    return NamedNode(f"{base_iri}graph/{relative.with_suffix('').as_posix()}")


def discover(root: Path, base_iri: str) -> list[SourceFile]:
    """Every RDF file under ``root``'s ontology, shapes and data folders, in a stable order."""
    files = []
    releases = root / RELEASES
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in FORMATS and path.is_file() and not path.is_relative_to(releases):
                files.append(SourceFile(path, graph_name(path, root, base_iri)))
    return files


def parse_file(path: Path, base_iri: str, graph: NamedNode) -> list[Quad]:
    """Parse one file into quads of ``graph``.

    Relative IRIs resolve against ``base_iri``, so data files need no ``@base`` and the data
    set can be published under another base. Errors name the file, line and column.
    """
    rdf_format = FORMATS.get(path.suffix)
    if rdf_format is None:
        raise LoadError(f"unknown RDF file type {path.suffix!r} (known: {', '.join(FORMATS)})", path=path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(error.strerror or str(error), path=path) from None
    return parse_bytes(data, rdf_format, base_iri, graph, name=str(path))


def parse_bytes(
    data: bytes,
    rdf_format: RdfFormat,
    base_iri: str,
    graph: NamedNode,
    *,
    name: str,
    max_depth: int = MAX_DEPTH,
    max_triples: int | None = None,
    untrusted: bool = False,
) -> list[Quad]:
    """Parse RDF text (a file's or a request body's) into quads of ``graph``; errors name ``name`` and the line.

    The text's nesting is checked first (:func:`mokg.untrusted.check_rdf`; every check when
    ``untrusted``); more than ``max_triples`` triples is :class:`~mokg.errors.PayloadTooLarge`,
    found while parsing, before the rest is read.
    """
    check_rdf(data, rdf_format, max_depth=max_depth, name=name, untrusted=untrusted)
    try:
        triples = parse(data, format=rdf_format, base_iri=base_iri, without_named_graphs=True)
        quads = list(_rdf11(graph, islice(triples, max_triples and max_triples + 1), name))
    except SyntaxError as error:
        raise LoadError(error.msg, path=name, line=error.lineno, column=error.offset) from None
    except (OSError, ValueError) as error:
        raise LoadError(str(error), path=name) from None
    if max_triples is not None and len(quads) > max_triples:
        raise PayloadTooLarge(f"{name} has more than {max_triples} triples, the most accepted")
    return quads


def _rdf11(graph: NamedNode, triples: Iterable[Triple], name: str | Path) -> Iterator[Quad]:
    """``triples`` as quads of ``graph``; a triple term (RDF 1.2) is a :class:`LoadError`.

    mokg's graph is RDF 1.1: a record is JSON-LD 1.1, which has no triple terms, and no page
    or rule reads one. The parsers accept them, so they are refused here, naming the statement.
    """
    for t in triples:
        if isinstance(t.object, Triple):
            raise LoadError(
                f"{t.subject} {t.predicate} has a triple term (RDF 1.2) as its object: mokg's data are RDF 1.1",
                path=name,
            )
        yield Quad(t.subject, t.predicate, t.object, graph)


def load_files(files: Sequence[SourceFile] | Iterable[SourceFile], base_iri: str) -> list[Quad]:
    """Parse every file; raise :class:`LoadError` on the first bad one, having returned nothing."""
    quads: list[Quad] = []
    for source in files:
        quads.extend(parse_file(source.path, base_iri, source.graph))
    return quads


#: Formats parsed as they are read: they cannot name a graph of their own (JSON-LD and RDF/XML
#: go through :func:`parse_file`, which refuses named graphs and checks their nesting first).
_STREAMED = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES)

#: Quads written to the store at a time. Files are parsed here and their quads bulk-loaded in
#: batches across files: one bulk load per small file writes as many small files into RocksDB
#: (2,000 small files bulk-loaded one by one took 32 s, in one batch well under a second).
BULK_QUADS = 500_000


def read_quads(source: SourceFile, base_iri: str) -> Iterator[Quad]:
    """The quads of one file, in its named graph, parsed as they are read.

    Blank nodes get fresh labels per file (two files' ``_:b0`` are two nodes). A syntax
    error is raised as the bad statement is reached.
    """
    rdf_format = FORMATS.get(source.path.suffix)
    if rdf_format not in _STREAMED:
        return iter(parse_file(source.path, base_iri, source.graph))
    triples = parse(path=source.path, format=rdf_format, base_iri=base_iri, rename_blank_nodes=True)
    return _rdf11(source.graph, triples, source.path)


def load_into(store: Store, files: Iterable[SourceFile], base_iri: str, *, journal: Journal | None = None) -> None:
    """Add every file to ``store``, each into its named graph, a bounded batch of quads at a time.

    The quads are bulk-loaded about :data:`BULK_QUADS` at a time, never the whole graph in
    memory; ``journal`` (:class:`mokg.snapshot.Journal`) keeps each file's quads on the way.
    The first bad file raises :class:`LoadError` (file, line, column) with the store partly
    written: load into a fresh store and swap it in only when this returns, as
    :mod:`mokg.store` does.
    """
    batch: list[Quad] = []
    for source in files:
        quads = read_quads(source, base_iri)
        if journal is not None:
            quads = journal.tee(source.graph, quads)
        try:
            batch.extend(quads)
        except SyntaxError as error:
            raise LoadError(error.msg, path=source.path, line=error.lineno, column=error.offset) from None
        except (OSError, ValueError) as error:
            raise LoadError(getattr(error, "strerror", None) or str(error), path=source.path) from None
        if len(batch) >= BULK_QUADS:
            store.bulk_extend(batch)
            batch = []
    if batch:
        store.bulk_extend(batch)
