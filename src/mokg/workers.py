"""Worker processes: where requests' expensive work runs, bounded so none can harm the service.

A SPARQL query or a validation is work whose cost its sender chooses. It never runs in the
server process: a :class:`WorkerPool` hands it, as a picklable :class:`Job`, to a worker
process that holds its own read-only view of the store. There each job is bounded:

- **Time.** pyoxigraph cannot interrupt a query, so a job past its deadline is stopped by
  killing its worker (a fresh one replaces it) and the client gets 503.
- **Memory.** The pool reads each busy worker's resident memory every 50 ms (Linux ``/proc``)
  and kills a worker past ``memory_mb``: 503, and a fresh worker.
- **Stack.** Jobs run on a thread with a ``stack_mb`` stack (address space only: pages are
  used as touched), deep enough for the deepest text the length limits admit, so nesting that
  overflows pyoxigraph's recursive parsers on an ordinary 8 MB stack cannot crash the worker.
- **Errors.** Whatever a job raises is sent back as a :class:`~mokg.errors.MokgError` (4xx for
  what the request caused, 5xx for mokg's own faults); the worker lives on.
- **Network.** On Linux an embedded-store worker moves into a network namespace of its own
  before it opens the store: it has no interface up, so even a ``SERVICE`` call that slipped
  past :func:`mokg.untrusted.check_query` reaches nothing.

**Fair sharing.** A client (an IP address; an IPv6 /64) has at most ``per_client`` jobs queued
or running, and at most ``queue`` jobs wait in all: past either, 429 with ``Retry-After``. A
job that has run ``slow_after`` seconds is *moved aside*: its worker gets the lowest CPU
priority (nice 19) and, up to ``extra_workers``, a fresh worker takes its place, so cheap
queries keep being answered at full priority while slow ones finish with what CPU is left.
Aside workers are retired when their job ends. A client whose request was stopped at a limit
is *suspect* for ``suspect_for`` seconds: its next jobs start aside, and only when another
worker stays free for everyone else — so clients that resend a query stopped at its time limit
cannot take every worker for the half second before it is moved aside, nor for the second a
fresh worker takes to start.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ipaddress
import logging
import multiprocessing
import os
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Protocol

from mokg.errors import MemoryLimit, MokgError, QueryError, QueryTimeout, ServiceBusy, TooManyRequests
from mokg.store import Store

__all__ = ["Job", "PoolLimits", "PoolStatus", "WorkerContext", "WorkerPool", "client_key"]

log = logging.getLogger("mokg.workers")


@dataclass(frozen=True)
class PoolLimits:
    """How much a pool may use, and how it shares it (see the module)."""

    workers: int = 2
    extra_workers: int = 4
    per_client: int = 4
    queue: int = 32
    slow_after: float = 0.5
    suspect_for: float = 60.0
    memory_mb: int = 768
    stack_mb: int = 512
    isolate_network: bool = True


@dataclass(frozen=True)
class PoolStatus:
    """What a pool is doing right now (``GET /health``)."""

    workers: int
    busy: int
    aside: int
    queued: int
    network_isolated: bool | None


class WorkerContext:
    """What a job gets in its worker: the store, and a cache that lives as long as the worker."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, object] = {}

    def cached(self, key: str, build: Callable[[], object]) -> Any:
        """``build()`` the first time ``key`` is asked for in this worker, the same object after."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]


class Job(Protocol):
    """Work for a worker: a picklable callable of the worker's context (a dataclass, say)."""

    def __call__(self, context: WorkerContext) -> object: ...


def client_key(host: str | None) -> str:
    """Whom a request counts against: its IP address, or the /64 an IPv6 address is in."""
    if not host:
        return "local"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


# --------------------------------------------------------------------------------------------
# The worker process
# --------------------------------------------------------------------------------------------

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


def _isolate_network() -> bool:
    """Move this process into a network namespace of its own (no interface up); whether it worked."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    flags = _CLONE_NEWNET if os.geteuid() == 0 else _CLONE_NEWNET | _CLONE_NEWUSER
    return libc.unshare(flags) == 0


def _reply(job: Job, context: WorkerContext) -> tuple[str, object]:
    """Run ``job``; every exception becomes an error reply, so the worker survives it."""
    try:
        return "ok", job(context)
    except MokgError as error:
        return "error", error
    except MemoryError:
        return "error", MemoryLimit("the request needed more memory than a worker may use, and was stopped")
    except RecursionError:
        return "error", QueryError("the request is nested too deeply to evaluate")
    except (OSError, RuntimeError, ValueError, SyntaxError, TypeError) as error:
        # pyoxigraph reports evaluation errors (a failed SERVICE, a bad regex…) with these.
        return "error", QueryError(f"evaluation failed: {error}")
    except Exception as error:
        log.exception("a job failed")
        return "error", MokgError(f"internal error in a worker: {type(error).__name__}")


def _serve(connection: Connection, opener: Callable[[], Store], isolate: bool) -> None:
    """A worker's loop: open the store, then answer jobs until the pipe closes."""
    isolated = _isolate_network() if isolate else False
    context = WorkerContext(opener())
    connection.send(("ready", isolated))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        kind, value = _reply(job, context)
        try:
            connection.send((kind, value))
        except Exception as error:  # an answer that does not pickle
            connection.send(("error", MokgError(f"the answer could not be sent: {error}")))


def _main(connection: Connection, opener: Callable[[], Store], isolate: bool, stack_mb: int) -> None:
    """Process entry: run :func:`_serve` on a thread with a deep stack."""
    threading.stack_size(stack_mb << 20)
    thread = threading.Thread(target=_serve, args=(connection, opener, isolate), name="mokg-job")
    thread.start()
    thread.join()


# --------------------------------------------------------------------------------------------
# The pool
# --------------------------------------------------------------------------------------------

#: Seconds a worker may take to start and open its store.
STARTUP_LIMIT = 60.0
#: Seconds between two looks at the busy workers (memory, time).
WATCH_INTERVAL = 0.05


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    started: float | None = None
    ready: bool = False
    aside: bool = False
    stopped_for: MokgError | None = None
    busy: bool = field(default=False)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()


class WorkerPool:
    """Worker processes over one store, shared fairly between clients (see the module).

    ``opener`` is a picklable callable that opens the store in a worker: a read-only snapshot
    of an embedded store, or a remote store. Create the pool inside a running event loop.
    """

    def __init__(self, opener: Callable[[], Store], limits: PoolLimits | None = None) -> None:
        self.opener = opener
        self.limits = limits or PoolLimits()
        self._loop = asyncio.get_running_loop()
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[tuple[asyncio.Future[_Worker], bool]] = deque()
        self._per_client: Counter[str] = Counter()
        self._suspects: dict[str, float] = {}
        self._isolated: bool | None = None
        self._closed = False
        self._first_ready = asyncio.Event()
        for _ in range(self.limits.workers):
            self._spawn()
        self._watcher = self._loop.create_task(self._watch())

    # -- public --------------------------------------------------------------------------------

    async def run(self, job: Job, *, client: str, timeout: float) -> Any:
        """Run ``job`` for ``client`` (see :func:`client_key`) within ``timeout`` seconds of work.

        :class:`TooManyRequests` (429) when the client or the queue is at its limit,
        :class:`ServiceBusy` (503) when no worker frees up within ``timeout``,
        :class:`QueryTimeout` / :class:`MemoryLimit` (503) when the job is stopped, and the
        job's own errors as they were raised in the worker.
        """
        if self._per_client[client] >= self.limits.per_client:
            raise TooManyRequests(
                f"{self.limits.per_client} requests of yours are running or waiting: wait for one to end",
                retry_after=1,
            )
        if not self._idle and len(self._waiters) >= self.limits.queue:
            raise TooManyRequests(f"{len(self._waiters)} requests are waiting for a worker: try again soon", 2)
        self._per_client[client] += 1
        suspect = self._suspects.get(client, 0) > self._loop.time()
        try:
            worker = await self._acquire(timeout, suspect=suspect)
            if suspect:
                self._move_aside(worker)
            try:
                return await self._execute(worker, job, timeout)
            except (QueryTimeout, MemoryLimit):
                self._suspects[client] = self._loop.time() + self.limits.suspect_for
                raise
        finally:
            self._per_client[client] -= 1
            if not self._per_client[client]:
                del self._per_client[client]

    async def started(self) -> None:
        """Wait (at most :data:`STARTUP_LIMIT` seconds) until a first worker is ready.

        Starting a worker (a new interpreter opening the store) takes a second or more: the
        first requests should not spend their own time limit on it.
        """
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first_ready.wait(), STARTUP_LIMIT)

    def status(self) -> PoolStatus:
        """Workers, busy ones, those moved aside, requests waiting, and whether workers are cut off the network."""
        return PoolStatus(
            workers=len(self._workers),
            busy=sum(1 for w in self._workers if w.busy),
            aside=sum(1 for w in self._workers if w.aside),
            queued=len(self._waiters),
            network_isolated=self._isolated,
        )

    async def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        self._watcher.cancel()
        for worker in self._workers:
            worker.kill()
        for worker in self._workers:
            await asyncio.to_thread(worker.process.join, 5)
            worker.connection.close()
        self._workers.clear()
        self._idle.clear()

    # -- workers -------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        isolate = self.limits.isolate_network
        process = self._context.Process(
            target=_main, args=(child, self.opener, isolate, self.limits.stack_mb), daemon=True, name="mokg-worker"
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._workers.append(worker)
        self._loop.create_task(self._start(worker))
        return worker

    async def _start(self, worker: _Worker) -> None:
        """Wait for a new worker's "ready", then offer it to whoever waits."""
        try:
            await self._readable(worker, STARTUP_LIMIT)
            message, isolated = await asyncio.to_thread(worker.connection.recv)
        except (TimeoutError, EOFError, OSError, ValueError) as error:
            log.error("a worker did not start: %s", error or type(error).__name__)
            self._remove(worker)
            return
        if message != "ready":
            self._remove(worker)
            return
        self._isolated = isolated if self._isolated is None else self._isolated and isolated
        worker.ready = True
        self._first_ready.set()
        self._release(worker)

    def _remove(self, worker: _Worker) -> None:
        worker.kill()
        worker.connection.close()
        self._loop.run_in_executor(None, worker.process.join, 5)  # reap it: no zombie left behind
        if worker in self._workers:
            self._workers.remove(worker)
        if worker in self._idle:
            self._idle.remove(worker)

    def _fresh(self) -> int:
        return sum(1 for w in self._workers if not w.aside)

    def _top_up(self) -> None:
        """Keep ``workers`` workers at full priority, within the ``extra_workers`` allowance."""
        while not self._closed and self._fresh() < self.limits.workers and len(self._workers) < self._most():
            self._spawn()

    def _release(self, worker: _Worker) -> None:
        """Make a worker idle, then hand idle workers to the requests waiting (see :meth:`_dispatch`)."""
        worker.busy = False
        self._idle.append(worker)
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand idle workers to waiting requests, first come first served, suspects last.

        A suspect client's request takes a worker only while another one stays idle: for it, one
        more worker is started if the allowance permits (and if it permits none, it is served all
        the same).
        """
        while self._idle:
            waiting = [(f, s) for f, s in self._waiters if not f.done()]
            chosen = next((f for f, suspect in waiting if not suspect or len(self._idle) > 1), None)
            if chosen is None and waiting:
                if self.limits.extra_workers == 0:
                    chosen = waiting[0][0]
                elif all(w.ready for w in self._workers) and len(self._workers) < self._most():
                    self._spawn()
            if chosen is None:
                return
            worker = self._idle.popleft()
            worker.busy = True
            chosen.set_result(worker)

    def _most(self) -> int:
        return self.limits.workers + self.limits.extra_workers

    def _move_aside(self, worker: _Worker) -> None:
        """Run ``worker``'s job at the lowest CPU priority, and start a worker in its place."""
        with contextlib.suppress(OSError):
            _renice(worker.process.pid, 19)
        worker.aside = True
        self._top_up()

    async def _acquire(self, timeout: float, *, suspect: bool = False) -> _Worker:
        if len(self._idle) > (1 if suspect and self.limits.extra_workers else 0):
            worker = self._idle.popleft()
            worker.busy = True
            return worker
        waiter: asyncio.Future[_Worker] = self._loop.create_future()
        self._waiters.append((waiter, suspect))
        self._dispatch()
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except (TimeoutError, asyncio.CancelledError) as error:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())  # handed over just as we gave up: pass it on
            else:
                waiter.cancel()
            if isinstance(error, TimeoutError):
                raise ServiceBusy(
                    f"every worker stayed busy for {timeout:g} s: try again later", retry_after=5
                ) from None
            raise
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove((waiter, suspect))

    async def _readable(self, worker: _Worker, timeout: float) -> None:
        """Wait until ``worker`` has something to read (a reply, or the end of its pipe)."""
        ready: asyncio.Future[None] = self._loop.create_future()
        fd = worker.connection.fileno()
        self._loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
        try:
            await asyncio.wait_for(ready, timeout)
        finally:
            self._loop.remove_reader(fd)
            # uvloop (libuv) leaves a watched descriptor non-blocking: the reply, read in a thread,
            # would then fail mid-message (BlockingIOError) whenever it is larger than the pipe's buffer.
            os.set_blocking(fd, True)

    async def _execute(self, worker: _Worker, job: Job, timeout: float) -> Any:
        keep = False
        try:
            worker.started = self._loop.time()
            await asyncio.to_thread(worker.connection.send, job)
            try:
                await self._readable(worker, timeout)
            except TimeoutError:
                raise QueryTimeout(f"the request ran longer than the limit of {timeout:g} s and was stopped") from None
            try:
                kind, value = await asyncio.to_thread(worker.connection.recv)
            except (EOFError, OSError):
                if worker.stopped_for is not None:
                    raise worker.stopped_for from None
                raise MokgError("the worker stopped unexpectedly; a fresh one replaces it") from None
            keep = True
        finally:
            worker.started = None
            self._after(worker, keep)
        if kind == "error":
            raise value
        return value

    def _after(self, worker: _Worker, keep: bool) -> None:
        """A job ended: reuse its worker, restore or retire an aside one, replace a stopped one."""
        if keep and worker.aside:
            if len(self._workers) > self.limits.workers:
                keep = False
            else:
                try:
                    _renice(worker.process.pid, 0)
                    worker.aside = False
                except OSError:
                    keep = False
        if keep and not self._closed:
            self._release(worker)
            return
        self._remove(worker)
        self._top_up()

    async def _watch(self) -> None:
        """Every :data:`WATCH_INTERVAL`: move slow jobs aside, stop workers past the memory limit."""
        limit = self.limits.memory_mb << 20
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            now = self._loop.time()
            for worker in list(self._workers):
                if worker.started is None:
                    continue
                if not worker.aside and now - worker.started > self.limits.slow_after:
                    self._move_aside(worker)
                resident = _resident_bytes(worker.process.pid)
                if resident is not None and resident > limit:
                    worker.stopped_for = MemoryLimit(
                        f"the request needed more than {self.limits.memory_mb} MB of memory and was stopped"
                    )
                    worker.kill()


def _renice(pid: int | None, niceness: int) -> None:
    """Set the CPU priority of every thread of a process (on Linux, niceness belongs to a thread)."""
    try:
        threads = [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        threads = [pid]
    for thread in threads:
        os.setpriority(os.PRIO_PROCESS, thread, niceness)


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _resident_bytes(pid: int | None) -> int | None:
    """A process's resident memory, from ``/proc`` (``None`` where there is none)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None
