"""A graph's snapshot: every quad as sorted N-Quads with canonical blank nodes, in bounded memory.

The dumps and releases (:mod:`mokg.releases`) are written from it, so that the same graph
always gives the same bytes, whatever the store and the order it reads its quads in. The
lines are sorted by an external merge sort (:class:`_LineSorter`): runs sorted in memory,
kept in files, merged. They come from one of two places:

- **the store**, read back (:meth:`mokg.store.Store.dump_nquads`): any store, any time;
- **a journal** of the writes that built a fresh store (:class:`Journal`), which ``mokg load
  --store`` keeps: the quads are sorted as they are written, so the dumps need not read them
  back. Reading is what costs: RocksDB looks up the string of every term of every quad (47 s
  for the 6.6 M quads of 100,000 models), where the journal encodes the quads it is given
  in memory, as they pass.
"""

from __future__ import annotations

import collections
import contextlib
import heapq
import itertools
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from mokg.store import stored_forms

if TYPE_CHECKING:
    from mokg.store import Store

__all__ = ["Journal", "write_lines", "write_snapshot"]

#: Bytes of statements sorted in memory at a time (a *run* of the merge sort). With the lines'
#: objects, sorting holds about twice this in memory, whatever the size of the graph.
_RUN_BYTES = 64 << 20

#: The most runs merged at once: more are first merged in groups, so few files are open at a time.
_FAN_IN = 64


def _has_blank(quad: ox.Quad) -> bool:
    return any(isinstance(term, ox.BlankNode) for term in (quad.subject, quad.object, quad.graph_name))


class _LineSorter:
    """A binary file object that sorts the N-Quads written to it, in bounded memory: an external merge sort.

    pyoxigraph serializes into it (:meth:`write`), or lines are given as they are
    (:meth:`add`). Every :data:`_RUN_BYTES` of lines is sorted in memory and kept as a *run*
    in a file of ``folder`` (a temporary folder beside the dumps rather than the system's
    temporary folder, which is often memory); :meth:`lines` merges the runs. A statement holds
    no newline and no byte below 0x20 (pyoxigraph escapes them), so sorting lines with their
    newline sorts the statements bytewise.

    Lines that may mention a blank node (``_:``) are not sorted but kept in :attr:`aside`, to
    be canonicalized and given back with :meth:`add`.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.aside: list[bytes] = []
        self._lines: list[bytes] = []
        self._size = 0
        self._tail = b""
        self._runs: list[Path] = []

    def write(self, data: bytes) -> int:
        """Take serialized statements (what pyoxigraph writes, cut anywhere)."""
        text = self._tail + data
        lines = text.splitlines(keepends=True)
        self._tail = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        if b"_:" in text:
            self.aside += (line for line in lines if b"_:" in line)
            lines = [line for line in lines if b"_:" not in line]
        self.add(lines)
        return len(data)

    def flush(self) -> None:
        """Nothing to write yet: a run is written once it is full (pyoxigraph flushes at the end)."""

    def add(self, lines: list[bytes]) -> None:
        """Take whole lines, each ending with a newline."""
        self._lines += lines
        self._size += sum(map(len, lines))
        if self._size >= _RUN_BYTES:
            self._spill()

    def _spill(self) -> None:
        self._lines.sort()
        self._runs.append(self._run(self._lines))
        self._lines, self._size = [], 0

    def _run(self, lines: Iterable[bytes]) -> Path:
        with tempfile.NamedTemporaryFile(dir=self.folder, prefix="run-", delete=False) as run:
            run.writelines(lines)
        return Path(run.name)

    def lines(self) -> Iterator[bytes]:
        """Every line taken, in order, each once (a quad given twice is one quad); the runs are deleted once read."""
        if self._tail:
            raise ValueError("the last statement written has no end of line")
        if self._lines or not self._runs:
            self._spill()
        runs, self._runs = self._runs, []
        while len(runs) > _FAN_IN:  # merged in groups first, so that few files are open at a time
            runs = [self._run(_merge(runs[i : i + _FAN_IN])) for i in range(0, len(runs), _FAN_IN)]
        return map(itemgetter(0), itertools.groupby(_merge(runs)))


def _merge(runs: list[Path]) -> Iterator[bytes]:
    """The lines of sorted files ``runs``, in order; each file is deleted once read."""
    with contextlib.ExitStack() as files:
        yield from heapq.merge(*(files.enter_context(run.open("rb")) for run in runs))
    for run in runs:
        run.unlink()


def _canonical(lines: list[bytes]) -> list[bytes]:
    """``lines`` (N-Quads that may mention blank nodes) with RDFC-1.0 canonical blank node labels."""
    plain: list[ox.Quad] = []
    blank: list[ox.Quad] = []
    for quad in ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS):
        (blank if _has_blank(quad) else plain).append(quad)  # "_:" may also be inside an IRI or a literal
    dataset = ox.Dataset(blank)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return ox.serialize([*plain, *dataset], format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)


#: Statements a :class:`Journal` serializes at a time (and most literal forms it remembers).
_BATCH = 200_000


class Journal:
    """The quads written into a fresh store, sorted as they are written: the store's snapshot, unread.

    :class:`~mokg.store.EmbeddedStore` hands every write to its journal (:meth:`add`,
    :meth:`tee`, :meth:`keep_file`): each named graph's statements, as the store holds them:
    typed literals in the form the store keeps (``"01"^^xsd:integer`` is kept, and dumped, as
    ``"1"``: :func:`~mokg.store.stored_forms`), blank nodes of parsed input renamed per
    document, as the store's parser renames them. So the journal's lines are those the store
    would dump. A named graph written twice, a whole store replaced or a write that failed would
    leave lines the store does not hold: the journal is then no longer :attr:`complete`, and
    the snapshot is read back from the store. Its runs live in a
    temporary folder under ``folder``, removed by :meth:`close`.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix=".journal-", dir=folder))
        self._sorter = _LineSorter(self._folder)
        self._graphs: set[ox.NamedNode] = set()
        self._forms: dict[ox.Literal, ox.Literal] = {}
        self._files: list[tuple[ox.NamedNode, Path]] = []
        self.complete = True

    def add(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        """Keep ``quads``, just written, as the whole content of ``graph`` (all of them in it)."""
        collections.deque(self.tee(graph, quads), maxlen=0)

    def tee(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """``quads``, the whole content of ``graph``, passed on as they are written and kept a batch at a time."""
        self._begin(graph)
        yield from self._kept(quads)

    def keep_file(self, graph: ox.NamedNode, ntriples: IO[bytes]) -> None:
        """Keep the N-Triples the store is about to read as the whole content of ``graph`` (the file rewound).

        Copied as they are and parsed only when the snapshot is taken (:meth:`take`): the store
        reads them with its own parser, which leaves the interpreter to the other rules, where
        parsing them here would hold it.
        """
        self._begin(graph)
        if self.complete:
            path = self._folder / f"graph-{len(self._files)}.nt"
            with path.open("wb") as copy:
                shutil.copyfileobj(ntriples, copy)
            self._files.append((graph, path))
        ntriples.seek(0)

    def _begin(self, graph: ox.NamedNode) -> None:
        if graph in self._graphs:
            self.complete = False
        self._graphs.add(graph)

    def _kept(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """``quads`` passed on, each batch kept (while the journal is complete) once it has gone by."""
        quads = iter(quads)
        while batch := list(itertools.islice(quads, _BATCH)):
            yield from batch
            if self.complete:
                self._as_stored(batch)
                self._sorter.write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS))

    def _as_stored(self, batch: list[ox.Quad]) -> None:
        """Give the typed literals of ``batch`` the form the store keeps them in (in place)."""
        literals = [quad.object for quad in batch if isinstance(quad.object, ox.Literal)]
        if len(self._forms) > _BATCH:  # values seen in earlier batches: kept, within bounds
            self._forms.clear()
        self._forms |= stored_forms(literal for literal in literals if literal not in self._forms)
        for i, quad in enumerate(batch):
            stored = self._forms.get(quad.object) if isinstance(quad.object, ox.Literal) else None
            if stored is not None and stored != quad.object:
                batch[i] = ox.Quad(quad.subject, quad.predicate, stored, quad.graph_name)

    def invalidate(self) -> None:
        """The store was written in a way the journal cannot follow: read it back instead."""
        self.complete = False

    def cleared(self) -> None:
        """The store was emptied: lines journaled before are no longer in it, so the journal is stale if it had any."""
        if self._graphs:
            self.invalidate()

    def take(self) -> _LineSorter | None:
        """The journaled lines, once, if they are what the store holds (else ``None``)."""
        sorter, complete = self._sorter, self.complete
        for graph, path in self._files if complete else ():
            triples = ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True)
            collections.deque(self._kept(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples), maxlen=0)
            path.unlink()
        self.complete = False
        return sorter if complete else None

    def close(self) -> None:
        """Remove the journal's files."""
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_snapshot(store: Store, path: Path) -> int:
    """Write every quad of every named graph of ``store`` to ``path`` as N-Quads; the number of quads.

    Sorted lines and canonical blank nodes, so the same graph always gives the same bytes,
    whatever the store and the order it reads its quads in: blank nodes get their RDFC-1.0
    canonical labels (only the quads that mention one are canonicalized, which gives the same
    labels as the whole dataset would; only they are held in memory: mokg's shapes, a few
    hundred quads), and lines are sorted bytewise by an external merge sort in temporary
    files beside ``path`` (disk: twice the snapshot at most; memory bounded by
    :data:`_RUN_BYTES`). The quads come from the store's :class:`Journal` if it kept a complete
    one (a fresh store loaded by ``mokg load --store``), else from :meth:`Store.dump_nquads`:
    any store works; an embedded store's engine writes them (a remote store reads its answer
    whole first).
    """
    sorter = store.journal.take() if store.journal is not None else None
    if sorter is None:
        sorter = _LineSorter(path.parent)
        store.dump_nquads(sorter)
    if sorter.aside:
        sorter.add(_canonical(sorter.aside))
    return write_lines(path, sorter.lines())


def write_lines(path: Path, lines: Iterable[bytes]) -> int:
    """Write ``lines`` into ``path``; how many there were."""
    count = 0
    with path.open("wb") as out:
        for line in lines:
            out.write(line)
            count += 1
    return count
