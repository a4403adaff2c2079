"""Where the graph lives: one interface, an embedded pyoxigraph implementation.

The service, the CLI and (later) the rules and validation only talk to :class:`Store`, so a
remote SPARQL store can stand in for the embedded one. Results are pyoxigraph's result
objects whatever the implementation: a remote store parses its answers with
``pyoxigraph.parse_query_results``, so callers never branch on the store kind.

Queries see the union of all named graphs as their default graph: each file is its own named
graph (see :mod:`mokg.loader`), and a user asking about a model should not have to know in
which file each triple was written.
"""

from __future__ import annotations

import contextlib
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from mokg.errors import QueryError
from mokg.loader import SourceFile, load_files, load_into
from mokg.vocab import DERIVED_GRAPHS, MOKG, PREFIXES

if TYPE_CHECKING:
    from mokg.snapshot import Journal

__all__ = ["EmbeddedStore", "QueryResult", "Stats", "Store", "declares_dataset"]

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass(frozen=True)
class Stats:
    """Size of the graph: quads (of which derived by rules), named graphs and entities per mokg class."""

    quads: int
    graphs: int
    derived: int = 0
    classes: dict[str, int] = field(default_factory=dict)


# Counted per graph, summed here: testing each quad's graph name in SPARQL (STR(?g)) fetches the
# name from the store's dictionary once per quad, six times slower on disk.
_COUNT_QUERY = "SELECT ?g (COUNT(*) AS ?quads) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
#: Every quad of every named graph.
_ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_CLASS_QUERY = f"""
SELECT ?class (COUNT(DISTINCT ?entity) AS ?count) WHERE {{
  ?entity a ?class .
  FILTER(STRSTARTS(STR(?class), "{MOKG}"))
}} GROUP BY ?class ORDER BY ?class
"""


# What a SPARQL query's words are not: comments, strings, IRIs (so "FROM" inside them is skipped).
_NOT_WORDS = re.compile(
    r"#[^\n]*"
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
)
_FROM = re.compile(r"(?<![\w:.$?-])FROM(?![\w:-])", re.IGNORECASE)


def declares_dataset(sparql: str) -> bool:
    """Whether a query names its own dataset (``FROM`` / ``FROM NAMED``).

    Such a query must be answered over that dataset, not over the union default graph the
    store offers otherwise (SPARQL 1.1 Query §13.2).
    """
    return bool(_FROM.search(_NOT_WORDS.sub(" ", sparql)))


def _dataset(
    sparql: str, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None
) -> dict[str, object]:
    """The dataset arguments pyoxigraph needs for a query (see :meth:`Store.query`)."""
    if default_graphs is None and named_graphs is None:
        return {} if declares_dataset(sparql) else {"use_default_graph_as_union": True}
    return {
        "default_graph": [ox.NamedNode(g) for g in default_graphs or ()],
        "named_graphs": [ox.NamedNode(g) for g in named_graphs or ()],
    }


def _literal(text: str) -> str:
    """``text`` as a SPARQL string literal, safely escaped."""
    return str(ox.Literal(text))


#: Literals the store keeps as written; others (numbers, dates, booleans) it may rewrite.
_KEPT = {f"{PREFIXES['xsd']}string", f"{PREFIXES['rdf']}langString"}


def stored_forms(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """Each literal that Oxigraph may store in another form (a typed one), with the form it stores.

    Oxigraph keeps typed literals as values: ``"01"^^xsd:integer`` is stored, and given back,
    as ``"1"``, ``"1.0"^^xsd:decimal`` as ``"1"``. Plain strings and language-tagged ones are
    kept as written and left out. The literals pass once through an in-memory store, in the
    order given.
    """
    typed = list(dict.fromkeys(t for t in literals if t.datatype.value not in _KEPT))
    if not typed:
        return {}
    store, predicate = ox.Store(), ox.NamedNode("urn:x-mokg:stored")
    store.extend(ox.Quad(ox.NamedNode(f"urn:x-mokg:{i}"), predicate, literal) for i, literal in enumerate(typed))
    stored = {int(q.subject.value.rsplit(":", 1)[1]): q.object for q in store.quads_for_pattern(None, predicate, None)}
    return {literal: stored[i] for i, literal in enumerate(typed)}  # type: ignore[misc]  # objects of literals


class Store(ABC):
    """A SPARQL-queryable dataset that mokg loads whole and replaces whole."""

    #: What a fresh store's writes journaled, for its snapshot (:mod:`mokg.snapshot`); ``None`` when nothing does.
    journal: Journal | None = None

    @abstractmethod
    def replace(self, quads: Sequence[ox.Quad]) -> None:
        """Make ``quads`` the whole content of the store."""

    @abstractmethod
    def replace_graph(self, graph: ox.NamedNode, quads: Sequence[ox.Quad]) -> None:
        """Make ``quads`` (all in ``graph``) the whole content of one named graph."""

    @abstractmethod
    def write_graph(self, graph: ox.NamedNode, ntriples: IO[bytes]) -> None:
        """Make the N-Triples read from ``ntriples`` (a binary file at its start) the whole content of ``graph``.

        The file may be read twice (a store's :attr:`journal` copies it first): seekable.

        The way derived facts are written: streamed, never a list of Python objects.
        """

    def load(self, files: Sequence[SourceFile], base_iri: str) -> None:
        """Make ``files`` (each into its named graph) the whole content of the store, all or nothing."""
        self.replace(load_files(files, base_iri))

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; :class:`QueryError` if the engine rejects it.

        The dataset is, in this order: the protocol's ``default_graphs`` / ``named_graphs``
        (``default-graph-uri`` / ``named-graph-uri``; either one alone leaves the other part
        empty, and both win over ``FROM``); else the query's own ``FROM`` / ``FROM NAMED``; else
        the union of all named graphs as default graph, with every named graph visible.
        ``base_iri`` resolves relative IRIs in the query.
        """

    def dump_nquads(self, output: IO[bytes]) -> None:
        """Write every quad of every named graph to ``output`` as N-Quads, in the order the store reads them.

        Any store answers one SPARQL query for them; :class:`EmbeddedStore` has its engine write
        them, without a Python object per quad (a third faster for millions of quads).
        """
        quads = (ox.Quad(*row) for row in self.query(_ALL_QUADS))  # type: ignore[union-attr]  # a SELECT gives rows
        ox.serialize(quads, output, format=ox.RdfFormat.N_QUADS)

    def graphs_under(self, prefix: str) -> list[ox.Quad]:
        """The triples of every named graph whose name starts with ``prefix`` (e.g. the shapes)."""
        triples = self.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(STRSTARTS(STR(?g), {_literal(prefix)})) }}"
        )
        return [ox.Quad(t.subject, t.predicate, t.object) for t in triples]

    def stats(self) -> Stats:
        """Count quads, graphs and entities per mokg class."""
        classes = {cls.removeprefix(str(MOKG)): count for cls, count in self.class_counts().items()}
        return Stats(*self.quad_counts(), classes)

    def quad_counts(self) -> tuple[int, int, int]:
        """The quads, named graphs and derived quads: :meth:`stats` without the entities per class."""
        per_graph = {row["g"].value: int(row["quads"].value) for row in self.query(_COUNT_QUERY)}
        derived = sum(n for graph, n in per_graph.items() if f"/{DERIVED_GRAPHS}" in graph)
        return sum(per_graph.values()), len(per_graph), derived

    def class_counts(self) -> dict[str, int]:
        """The distinct entities of each mokg class (by class IRI, in IRI order): VoID's class partitions."""
        return {row["class"].value: int(row["count"].value) for row in self.query(_CLASS_QUERY)}


class EmbeddedStore(Store):
    """pyoxigraph in this process: in memory by default, on disk when given a folder.

    In memory, :meth:`replace` and :meth:`load` build a new store and swap it in, so readers
    never see a half-loaded graph and a failed load keeps the old one. On disk they clear the
    store and write into it: an on-disk store is loaded as a fresh folder that is renamed into
    place once complete (:mod:`mokg.graph`).
    """

    def __init__(self, path: Path | None = None, *, read_only: bool = False, journal: Journal | None = None) -> None:
        self.path, self.read_only, self.journal = path, read_only, journal
        if read_only and path is None:
            raise ValueError("only an on-disk store can be opened read-only")
        self._store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path)) if path else ox.Store()
        self._lock = threading.Lock()
        self._memos: dict[str, dict] = {}

    def snapshot(self, target: Path) -> None:
        """Copy the store to ``target`` (a folder that does not exist yet), for read-only readers in other processes.

        On disk this is a RocksDB checkpoint (hard links, cheap); in memory, a bulk copy.
        """
        with self._lock:
            if self.path is not None:
                if not self.read_only:
                    self._store.flush()
                self._store.backup(str(target))
            else:
                copy = ox.Store(str(target))
                copy.bulk_extend(self._store.quads_for_pattern(None, None, None, None))
                copy.flush()
                del copy

    def close(self) -> None:
        """Write everything to disk and let go of the store (it cannot be used after this)."""
        with self._lock:
            self._store.flush()
            del self._store

    def replace(self, quads: Sequence[ox.Quad]) -> None:
        with self._writing():
            if self.journal is not None:
                self.journal.invalidate()
            if self.path is None:
                fresh = ox.Store()
                fresh.bulk_extend(quads)
                self._store = fresh
            else:
                self._store.clear()
                self._store.bulk_extend(quads)
                self._store.flush()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the store's lock for a write; a write that fails leaves the journal stale (it may hold part of it).

        The memos (:meth:`memo`) are dropped once the write ends, failed or not: what a reader
        kept while it ran is dropped with them.
        """
        with self._lock:
            try:
                yield
            except BaseException:
                if self.journal is not None:
                    self.journal.invalidate()
                raise
            finally:
                self._memos = {}

    def memo(self, name: str) -> dict:
        """A dictionary for what readers of the store's current content may keep (a cache), emptied by any write.

        A reader that fills it while a write runs fills a dictionary the write's end discards,
        so nothing read before a write is found after it.
        """
        return self._memos.setdefault(name, {})

    def triples(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: ox.Term | None = None,  # the RDF name, as pyoxigraph calls it
    ) -> Iterator[ox.Triple]:
        """The triples that match a pattern (``None``: any) in any graph, by an index lookup, without SPARQL.

        What the default graph of a query holds (the union of the graphs), but a triple in
        several graphs comes once per graph. A lookup is a fraction of a query's fixed cost,
        for readers that follow links one step at a time (:func:`mokg.records.record_triples`).
        """
        return (quad.triple for quad in self._store.quads_for_pattern(subject, predicate, object, None))

    def load(self, files: Sequence[SourceFile], base_iri: str) -> None:
        with self._writing():
            if self.journal is not None:
                self.journal.cleared()
            if self.path is None:
                fresh = ox.Store()
                load_into(fresh, files, base_iri, journal=self.journal)
                self._store = fresh
            else:
                self._store.clear()
                load_into(self._store, files, base_iri, journal=self.journal)
                self._store.flush()

    def replace_graph(self, graph: ox.NamedNode, quads: Sequence[ox.Quad]) -> None:
        with self._writing():
            if self._store.contains_named_graph(graph):
                self._store.remove_graph(graph)
            self._store.extend(quads)
            if self.journal is not None:
                self.journal.add(graph, quads)

    def dump_nquads(self, output: IO[bytes]) -> None:
        if next(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None:
            super().dump_nquads(output)  # the engine's dump would write the default graph's triples too
            return
        self._store.dump(output, format=ox.RdfFormat.N_QUADS)

    def graphs_under(self, prefix: str) -> list[ox.Quad]:
        # The graphs' names first, then their triples: the filter of the generic query reads every
        # quad of the store (minutes at a million models) to find the few hundred of the shapes.
        names = [name for name in self._store.named_graphs() if name.value.startswith(prefix)]
        return [
            ox.Quad(quad.subject, quad.predicate, quad.object)
            for name in names
            for quad in self._store.quads_for_pattern(None, None, None, name)
        ]

    def write_graph(self, graph: ox.NamedNode, ntriples: IO[bytes]) -> None:
        with self._writing():
            if self._store.contains_named_graph(graph):
                self._store.remove_graph(graph)
            if self.journal is not None:
                self.journal.keep_file(graph, ntriples)
            self._store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        try:
            dataset = _dataset(sparql, default_graphs, named_graphs)
            return self._store.query(sparql, prefixes=PREFIXES, base_iri=base_iri, **dataset)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error.msg}") from None
        except (OSError, ValueError) as error:
            raise QueryError(str(error)) from None
