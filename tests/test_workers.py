"""The worker pool: what a job may cost (time, memory, stack, network), and how clients share it.

Every test runs real worker processes over a real (tiny) store; the jobs are defined here, so
the workers import this module to run them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
from collections.abc import Coroutine
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import uvloop
from conftest import TINY_ROOT, run_async

from mokg.config import Settings
from mokg.errors import MemoryLimit, MokgError, QueryError, QueryTimeout, TooManyRequests
from mokg.graph import open_store
from mokg.store import EmbeddedStore
from mokg.workers import PoolLimits, WorkerContext, WorkerPool, client_key

# --- jobs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pid:
    """The worker's process id, after holding the worker ``hold`` seconds (so that jobs sent
    together land on different workers: an instant one may be done before the next is sent)."""

    hold: float = 0.0

    def __call__(self, context: WorkerContext) -> int:
        import time

        time.sleep(self.hold)
        return os.getpid()


@dataclass(frozen=True)
class Fail:
    kind: str

    def __call__(self, context: WorkerContext) -> None:
        if self.kind == "value":
            raise ValueError("a bad regex, say")
        if self.kind == "recursion":
            raise RecursionError
        raise KeyError("a bug in mokg")


@dataclass(frozen=True)
class Sleep:
    seconds: float

    def __call__(self, context: WorkerContext) -> int:
        """Busy (not sleeping: a slow query burns CPU), then the worker's CPU priority."""
        import time

        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            pass
        return os.getpriority(os.PRIO_PROCESS, 0)


@dataclass(frozen=True)
class Allocate:
    megabytes: int

    def __call__(self, context: WorkerContext) -> int:
        import time

        blocks = [bytearray(1 << 20) for _ in range(self.megabytes)]  # touched: resident
        time.sleep(2)
        return len(blocks)


@dataclass(frozen=True)
class Large:
    megabytes: int

    def __call__(self, context: WorkerContext) -> bytes:
        return b"x" * (self.megabytes << 20)


@dataclass(frozen=True)
class Connect:
    port: int

    def __call__(self, context: WorkerContext) -> str:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
        except OSError as error:
            return f"refused: {error}"
        return "connected"


@dataclass(frozen=True)
class DeepQuery:
    """A query nested deeper than pyoxigraph's parser survives on an 8 MB stack (it segfaulted at 2,226)."""

    depth: int

    def __call__(self, context: WorkerContext) -> int:
        return len(list(ox.Store().query("SELECT * WHERE " + "{" * self.depth + "}" * self.depth)))


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("workers") / "snapshot"
    open_store(Settings(root=TINY_ROOT)).snapshot(target)
    return target


def with_pool(snapshot: Path, limits: PoolLimits, body: Any, *, runner: Any = run_async) -> Any:
    """Run ``body(pool)`` (a coroutine function) with a fresh pool, closed afterwards."""

    async def main() -> Any:
        pool = WorkerPool(partial(EmbeddedStore, snapshot, read_only=True), limits)
        try:
            return await body(pool)
        finally:
            await pool.close()

    return runner(main())


def gather(*jobs: Coroutine) -> Coroutine:
    return asyncio.gather(*jobs, return_exceptions=True)


# --- tests ------------------------------------------------------------------------------------


def test_errors_become_answers_and_the_worker_lives_on(snapshot: Path):
    async def body(pool: WorkerPool) -> None:
        before = await pool.run(Pid(), client="a", timeout=30)
        with pytest.raises(QueryError, match="evaluation failed: a bad regex"):
            await pool.run(Fail("value"), client="a", timeout=5)
        with pytest.raises(QueryError, match="nested too deeply"):
            await pool.run(Fail("recursion"), client="a", timeout=5)
        with pytest.raises(MokgError, match="internal error in a worker: KeyError") as caught:
            await pool.run(Fail("bug"), client="a", timeout=5)
        assert caught.value.http_status == 500
        assert await pool.run(Pid(), client="a", timeout=5) == before

    with_pool(snapshot, PoolLimits(workers=1), body)


def test_large_answers_arrive_whole_under_uvloop(snapshot: Path):
    """uvloop, the event loop `mokg serve` runs on, left the pipe non-blocking after watching it:
    every answer larger than the pipe's buffer failed as "the worker stopped unexpectedly"."""

    async def body(pool: WorkerPool) -> None:
        for _ in range(3):
            assert len(await pool.run(Large(8), client="a", timeout=30)) == 8 << 20

    def uvloop_run(coroutine: Coroutine) -> Any:
        with concurrent.futures.ThreadPoolExecutor(1) as executor:
            return executor.submit(uvloop.run, coroutine).result()

    with_pool(snapshot, PoolLimits(workers=1), body, runner=uvloop_run)


def test_nesting_that_overflows_an_ordinary_stack_does_not_kill_the_worker(snapshot: Path):
    async def body(pool: WorkerPool) -> None:
        before = await pool.run(Pid(), client="a", timeout=30)
        assert await pool.run(DeepQuery(20_000), client="a", timeout=30) == 1
        assert await pool.run(Pid(), client="a", timeout=5) == before

    with_pool(snapshot, PoolLimits(workers=1), body)


def test_a_job_past_its_time_is_stopped_and_its_worker_replaced(snapshot: Path):
    async def body(pool: WorkerPool) -> None:
        before = await pool.run(Pid(), client="a", timeout=30)
        with pytest.raises(QueryTimeout, match=r"limit of 0\.5 s"):
            await pool.run(Sleep(30), client="a", timeout=0.5)
        after = await pool.run(Pid(), client="a", timeout=30)
        assert after != before and pool.status().workers == 1

    with_pool(snapshot, PoolLimits(workers=1, extra_workers=0), body)


def test_a_job_past_the_memory_limit_is_stopped(snapshot: Path):
    async def body(pool: WorkerPool) -> None:
        with pytest.raises(MemoryLimit, match="more than 200 MB"):
            await pool.run(Allocate(400), client="a", timeout=30)
        assert await pool.run(Allocate(20), client="a", timeout=30) == 20

    with_pool(snapshot, PoolLimits(workers=1, memory_mb=200), body)


def test_a_client_past_its_share_is_told_when_to_retry(snapshot: Path):
    async def body(pool: WorkerPool) -> None:
        await pool.run(Pid(), client="a", timeout=30)
        first, second, other = await gather(
            pool.run(Sleep(1), client="a", timeout=10),
            pool.run(Sleep(0.1), client="a", timeout=10),
            pool.run(Sleep(0.1), client="b", timeout=10),
        )
        assert isinstance(second, TooManyRequests) and second.http_status == 429 and second.retry_after == 1
        assert not isinstance(first, Exception) and not isinstance(other, Exception)

    with_pool(snapshot, PoolLimits(workers=2, per_client=1), body)


def test_a_full_queue_is_429(snapshot: Path):
    async def body(pool: WorkerPool) -> None:
        await pool.run(Pid(), client="a", timeout=30)
        results = await gather(*(pool.run(Sleep(1), client=str(i), timeout=10) for i in range(3)))
        refused = [r for r in results if isinstance(r, TooManyRequests)]
        assert len(refused) == 1 and "waiting for a worker" in str(refused[0]) and refused[0].retry_after

    with_pool(snapshot, PoolLimits(workers=1, extra_workers=0, queue=1, slow_after=60), body)


def test_slow_jobs_move_aside_and_cheap_ones_keep_being_answered(snapshot: Path):
    """Two clients' long jobs take both workers; a third client's cheap jobs are answered meanwhile,
    at full priority, by the workers started in their place, while the long ones run at nice 19."""

    def niceness(pid: int) -> set[int]:
        return {os.getpriority(os.PRIO_PROCESS, int(tid)) for tid in os.listdir(f"/proc/{pid}/task")}

    async def body(pool: WorkerPool) -> None:
        both = gather(pool.run(Pid(hold=1), client="x", timeout=60), pool.run(Pid(hold=1), client="y", timeout=60))
        busy = set(await both)
        assert len(busy) == 2
        slow = [asyncio.ensure_future(pool.run(Sleep(120), client=c, timeout=120)) for c in ("a", "b")]
        await asyncio.sleep(4)
        cheap = [await pool.run(Sleep(0), client="c", timeout=60) for _ in range(5)]
        assert not any(job.done() for job in slow), "the cheap jobs waited for the slow ones"
        assert cheap == [0] * 5  # full priority
        assert pool.status().aside == 2 and pool.status().workers == 4
        assert [niceness(pid) for pid in busy] == [{19}, {19}]  # moved aside: lowest priority, every thread

    # Slow after 3 s: a cheap job on a worker that has just started (importing this module to run it)
    # can take a second on a loaded machine, and must not count as slow.
    with_pool(snapshot, PoolLimits(workers=2, extra_workers=2, slow_after=3), body)


def test_a_client_stopped_at_a_limit_starts_its_next_jobs_aside(snapshot: Path):
    """Clients resending a query stopped at its time limit took every worker before it was moved aside."""

    async def body(pool: WorkerPool) -> None:
        await gather(pool.run(Pid(hold=1), client="a", timeout=60), pool.run(Pid(hold=1), client="b", timeout=60))
        with pytest.raises(QueryTimeout):
            await pool.run(Sleep(30), client="a", timeout=0.3)
        await pool.run(Pid(), client="b", timeout=60)  # the stopped worker's replacement is up
        assert await pool.run(Sleep(0.1), client="a", timeout=60) == 19  # suspect: aside from the start
        assert await pool.run(Sleep(0.1), client="b", timeout=60) == 0

    with_pool(snapshot, PoolLimits(workers=2, extra_workers=2, slow_after=30), body)


def test_workers_are_cut_off_the_network(snapshot: Path):
    """Even a SERVICE call that got past the check reaches nothing from an embedded-store worker."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    port = server.getsockname()[1]

    async def body(pool: WorkerPool) -> str:
        return await pool.run(Connect(port), client="a", timeout=30)

    try:
        answer = with_pool(snapshot, PoolLimits(workers=1, isolate_network=True), body)
        assert answer.startswith("refused")
        with pytest.raises(TimeoutError):
            server.accept()
        assert with_pool(snapshot, PoolLimits(workers=1, isolate_network=False), body) == "connected"
    finally:
        server.close()


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        (None, "local"),
    ],
)
def test_a_client_is_an_address_or_an_ipv6_64(host: str | None, key: str):
    assert client_key(host) == key
