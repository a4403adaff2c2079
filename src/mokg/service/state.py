"""What the service holds while it runs: one typed object, built when the app starts.

Everything a page aggregates is computed once here, not per request: the statistics, the
graph's version (which keys the ETags), the list of named graphs. What is costly and not
always needed is built on first use, **once**, under a lock, however many requests ask for it
at the same moment: the worker pool (and the store snapshot its workers read), the dumps and
the VoID description. Files the service writes live in one private folder, removed when the
app stops (and, if a server was killed, when the next one starts). The dumps are not written
at all when ``mokg load`` kept them with the store served (:func:`mokg.releases.read_store_dumps`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from mokg import history, statistics
from mokg.config import Settings
from mokg.diffs import LATEST, Diff, diff_versions, gzip_lines
from mokg.graph import loaded_stats
from mokg.history import Version
from mokg.loader import RELEASES
from mokg.records import load_context
from mokg.releases import (
    Dump,
    Releases,
    graph_stamp,
    make_dumps,
    read_store_dumps,
    void_description,
)
from mokg.service.cache import ResponseCache
from mokg.store import EmbeddedStore, Stats, Store
from mokg.workers import PoolLimits, PoolStatus, WorkerPool

__all__ = ["AppState", "graph_version"]

T = TypeVar("T")

#: Pairs of versions whose diff the service keeps (oldest dropped first).
DIFFS_KEPT = 16

#: Prefix of the service's private folders in the system's temporary folder.
WORKDIR_PREFIX = "mokg-serve-"


@dataclass(eq=False)
class AppState:
    """The service's state: settings, store, what was counted at start, and what is built once."""

    settings: Settings
    store: Store
    stats: Stats
    version: str
    graphs: list[str]
    context: dict[str, object]
    releases: Releases
    workdir: Path
    cache: ResponseCache
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    _pool: WorkerPool | None = None
    _dumps: list[Dump] | None = None
    _dump_files: dict[str, int] = field(default_factory=dict)
    _void_statistics: list[ox.Triple] | None = None
    _running: dict[str, asyncio.Future[object]] = field(default_factory=dict)
    _pool_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _build_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _diffs: dict[tuple[str, str], tuple[Diff, dict[str, str]]] = field(default_factory=dict)
    _diff_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    def open(cls, settings: Settings, store: Store) -> AppState:
        """Count what pages show, once, and make the private folder."""
        _remove_leftovers()
        stats = loaded_stats(store, settings.base_iri)
        graphs = sorted(row["g"].value for row in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"))
        return cls(
            settings=settings,
            store=store,
            stats=stats,
            version=graph_version(store, stats),
            graphs=graphs,
            context=load_context(settings.root),
            releases=Releases(settings.root / RELEASES),
            cache=ResponseCache(settings.response_cache_mb << 20),
            workdir=Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-")),
        )

    async def pool(self) -> WorkerPool:
        """The worker pool, started on first use (not every app a test creates runs queries)."""
        async with self._pool_lock:
            if self._pool is None:
                opener = await asyncio.to_thread(self._opener)
                self._pool = WorkerPool(opener, self._limits())
                await self._pool.started()
            return self._pool

    async def once(self, key: str, work: Callable[[], Awaitable[T]]) -> T:
        """``work()``'s result, computed once for every caller asking with ``key`` meanwhile.

        The same query asked by many clients at once (a popular link) costs one evaluation, and
        one worker, not one each. The work runs as a task of its own, so a caller that goes away
        does not take the answer from the others.
        """
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(work())
            self._running[key] = task
            task.add_done_callback(partial(self._finished, key))
        return await asyncio.shield(task)  # type: ignore[return-value]

    def _finished(self, key: str, task: asyncio.Future[object]) -> None:
        del self._running[key]
        if not task.cancelled():
            task.exception()  # retrieved: no "never retrieved" warning when every caller left

    async def diff(self, old: str, new: str) -> tuple[Diff, dict[str, str]]:
        """What changed from version ``old`` to ``new`` (:data:`~mokg.diffs.LATEST`: the living graph), with labels.

        Computed once per pair and kept (releases never change; the living graph is this
        app's), at most :data:`DIFFS_KEPT` pairs; one comparison at a time, so that clients
        asking for many pairs queue instead of taking every core. The living graph is read
        from its N-Quads dump (sorted and canonical, like a release).
        """
        key = (old, new)
        if key in self._diffs:
            return self._diffs[key]

        async def work() -> tuple[Diff, dict[str, str]]:
            async with self._diff_lock:
                if key not in self._diffs:
                    latest = None
                    if LATEST in key:
                        dump = next(d for d in await self.dumps() if d.filename == "mokg.nq.gz")
                        latest = partial(gzip_lines, partial(self.dump_chunks, dump)())
                    found = await asyncio.to_thread(
                        diff_versions, self.releases, self.store, old, new, self.settings.base_iri, latest
                    )
                    while len(self._diffs) >= DIFFS_KEPT:
                        self._diffs.pop(next(iter(self._diffs)))
                    self._diffs[key] = found
                return self._diffs[key]

        return await self.once(f"diff {old} {new}", work)

    def versions(self) -> list[Version]:
        """Every release (oldest first, each in its verified store) and the living graph: what histories span."""
        return history.versions(self.releases, self.releases.list(), self.store, self.settings.base_iri)

    def pool_status(self) -> PoolStatus | None:
        """What the worker pool is doing, if it has been started."""
        return self._pool.status() if self._pool is not None else None

    def _opener(self) -> partial[Store]:
        """How a worker opens the store: a read-only snapshot of an embedded store, or the remote store."""
        if isinstance(self.store, EmbeddedStore):
            snapshot = self.workdir / "snapshot"
            self.store.snapshot(snapshot)
            return partial(EmbeddedStore, snapshot, read_only=True)
        # A remote store answers a slow query with 504 before the worker would be stopped (503):
        # the client learns which side was slow. A second is left for the answer to come back.
        limit = self.settings.query_timeout
        return partial(_same, self.store.with_timeout(max(limit / 2, limit - 1)))  # type: ignore[attr-defined]

    def _limits(self) -> PoolLimits:
        settings = self.settings
        return PoolLimits(
            workers=settings.query_workers,
            extra_workers=settings.slow_query_workers,
            per_client=settings.per_client_requests,
            queue=settings.queue_size,
            slow_after=settings.slow_query_after,
            memory_mb=settings.worker_memory_mb,
            # Workers over the embedded store need no network; an allowed SERVICE endpoint does.
            isolate_network=isinstance(self.store, EmbeddedStore) and not settings.sparql_services,
        )

    async def dumps(self) -> list[Dump]:
        """The living graph's dumps, ready once: those ``mokg load`` kept with the store, else written now.

        The dumps an on-disk store's load wrote are used when they are of the graph served (no
        work at all); any other store (in memory, remote, loaded by an older mokg) has them
        written once, streamed, into the private folder. Each file is opened here and read by
        position (:meth:`dump_chunks`), so a later ``mokg load`` that swaps the store's
        folder does not change what this service sends under the checksums it announced.
        """
        async with self._build_lock:
            if self._dumps is None:
                self._dumps, self._dump_files = await asyncio.to_thread(self._open_dumps)
            return self._dumps

    def _open_dumps(self) -> tuple[list[Dump], dict[str, int]]:
        stored = read_store_dumps(self.store)
        if stored is not None:
            with contextlib.suppress(OSError):  # swapped or changed since the manifest was read: made again
                return stored[1], _open_files(*stored)
        folder = self.workdir / "dumps"
        dumps = make_dumps(self.store, folder)
        return dumps, _open_files(folder, dumps)

    def dump_chunks(self, dump: Dump, size: int = 1 << 16) -> Iterator[bytes]:
        """The bytes of one of :meth:`dumps`, in chunks, from the file opened when they were made ready."""
        file, offset = self._dump_files[dump.filename], 0
        while offset < dump.size:
            chunk = os.pread(file, min(size, dump.size - offset), offset)
            if not chunk:
                raise OSError(f"dump {dump.filename} is shorter than its {dump.size} bytes")
            offset += len(chunk)
            yield chunk

    async def void(self) -> list[ox.Triple]:
        """The VoID description: its statistics computed once (aggregates over the whole graph), its releases now."""
        dumps = await self.dumps()
        async with self._build_lock:
            if self._void_statistics is None:
                base = self.settings.base_iri
                recorded = await asyncio.to_thread(statistics.recorded, self.store, base)
                self._void_statistics = recorded or await asyncio.to_thread(
                    statistics.void_statistics, self.store, base
                )
        releases = await asyncio.to_thread(self.releases.list)
        return void_description(self.store, self.settings.base_iri, dumps, releases, statistics=self._void_statistics)

    async def close(self) -> None:
        """Stop the workers and remove the private folder."""
        if self._pool is not None:
            await self._pool.close()
        for file in self._dump_files.values():
            os.close(file)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _open_files(folder: Path, dumps: list[Dump]) -> dict[str, int]:
    """Each dump's file in ``folder``, opened for reading; :class:`OSError` if one is missing or not of its size."""
    files: dict[str, int] = {}
    try:
        for dump in dumps:
            files[dump.filename] = os.open(folder / dump.filename, os.O_RDONLY)
            if os.fstat(files[dump.filename]).st_size != dump.size:
                raise OSError(f"{folder / dump.filename} is not of the size of the dump it should be")
    except OSError:
        for file in files.values():
            os.close(file)
        raise
    return files


def _same(store: Store) -> Store:
    """A picklable opener for a store that travels to a worker as it is (a remote store)."""
    return store


def _remove_leftovers() -> None:
    """Remove the private folders of servers that were killed before they could (their process is gone)."""
    pattern = re.compile(rf"{re.escape(WORKDIR_PREFIX)}(\d+)-")
    for folder in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*"):
        match = pattern.match(folder.name)
        if match and not _alive(int(match.group(1))):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def graph_version(store: Store, stats: Stats) -> str:
    """An identifier of the loaded graph, the same for every service worker over one store.

    The load and the rules record when they ran (PROV) in the store itself, so a reload changes
    it and workers sharing a remote store agree on it: it keys the ETags.
    """
    return hashlib.sha256(f"{graph_stamp(store)} {stats}".encode()).hexdigest()
