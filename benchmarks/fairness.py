"""Fair sharing of the SPARQL workers: how fast cheap queries are answered while others never end.

What: the latency of ``ASK {}`` on ``POST /sparql`` (the cheapest query there is) from 10
clients, each sending one request at a time in a loop, first alone (*baseline*), then while 3
other clients each keep one never-ending query running (a three-way cross join of the bundled
graph, ~8e14 rows: the service stops it at ``query_timeout`` with 503 and the client sends it
again at once). Each client has its own source address (127.0.0.10…19 for the ASK clients,
127.0.0.2…4 for the slow ones; all of 127.0.0.0/8 is loopback on Linux), since the service
shares its workers per client IP.

Why: ``mokg.workers`` promises that a slow query is moved aside (nice 19, a fresh worker in
its place) after ``slow_query_after`` seconds, so cheap queries keep being answered at full
priority. This measures whether they are, end to end through uvicorn.

How: ``.venv/bin/python benchmarks/fairness.py [--seconds 30] [--json]``. It starts a real
``.venv/bin/mokg serve --port P`` on 127.0.0.1 (bundled graph, default settings: no
``MOKG_*`` variable is set but those given with ``--env NAME=VALUE`` or already in the
environment), waits for ``/health``, warms the worker pool up with one ``ASK {}``, runs the
baseline for ``--seconds``, then the contended run for ``--seconds``, and stops the server
(SIGTERM, wait; SIGTERM or Ctrl-C to the script stop it too). Bounded: about 2 × ``--seconds``
plus start-up plus the slow queries' last ``query_timeout``. The load generator runs on the
same machine as the server and takes CPU from it: the figures are pessimistic. The machine may
be shared: each run reports the cores it kept busy and how much of that was other processes.

Prints the machine, the command, and a table per run: requests, successes, statuses (count per
status; ``error:<Exception>`` for transport errors), p50/p90/p99/max latency in ms of every ASK
request whatever its status, what the slow clients got, the slowest ASK requests (when they
started) and when worker processes were started. Asserts nothing.

Target: contended ASK p99 < 250 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from _service import (
    QUERY_HEADERS,
    CpuMeter,
    Service,
    children,
    command_line,
    emit,
    is_worker,
    machine,
    print_server_outcome,
    wait_for_workers,
    warm_up,
)

ASK = "ASK {}"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FAST_ADDRESSES = [f"127.0.0.{i}" for i in range(10, 20)]
SLOW_ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
TARGET_P99_MS = 250.0


@dataclass
class Tally:
    """What one kind of client saw: latency (seconds) and status of every request it finished."""

    latencies: list[float] = field(default_factory=list)
    slowest: list[tuple[float, float, str]] = field(default_factory=list)  # (ms, started at s, status)
    statuses: Counter[str] = field(default_factory=Counter)
    details: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: str, detail: str | None = None, *, at: float = 0.0) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.slowest.append((seconds * 1000, at, status))
            self.slowest = sorted(self.slowest, reverse=True)[:5]
            self.statuses[status] += 1
            if detail:
                self.details[f"{status}: {detail[:100]}"] += 1

    def summary(self) -> dict[str, object]:
        ms = sorted(s * 1000 for s in self.latencies)
        ok = sum(n for status, n in self.statuses.items() if status == "200")
        return {
            "requests": len(ms),
            "ok": ok,
            "statuses": dict(sorted(self.statuses.items())),
            "p50_ms": _percentile(ms, 50),
            "p90_ms": _percentile(ms, 90),
            "p99_ms": _percentile(ms, 99),
            "max_ms": ms[-1] if ms else None,
            "mean_ms": statistics.fmean(ms) if ms else None,
            "details": dict(self.details.most_common(5)),
            "slowest": [{"ms": ms, "started_at_s": at, "status": status} for ms, at, status in self.slowest],
        }


def _percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil(n * q / 100)
    return sorted_values[int(rank) - 1]


def client_loop(
    url: str, address: str, query: str, stop: threading.Event, tally: Tally, timeout: float, deadline: float, t0: float
) -> None:
    """Send ``query`` from ``address``, one request at a time, until ``stop`` (or ``deadline``, a safety net)."""
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport, timeout=timeout) as client:
        while not stop.is_set() and time.monotonic() < deadline:
            started = time.perf_counter()
            detail = None
            try:
                response = client.post(f"{url}/sparql", content=query, headers=QUERY_HEADERS)
                status = str(response.status_code)
                if response.status_code != 200:
                    try:
                        detail = str(response.json().get("detail"))
                    except ValueError:
                        detail = response.text[:100]
            except httpx.HTTPError as error:
                status = f"error:{type(error).__name__}"
                detail = str(error)
            if stop.is_set() and status.startswith("error"):
                break  # cut short by the end of the run, not by the service
            tally.add(time.perf_counter() - started, status, detail, at=started - t0)


def watch_spawns(server: int, stop: threading.Event, t0: float, started: list[float]) -> None:
    """Note when new worker processes appear (every 50 ms, from /proc: no load on the server)."""
    known = set(children(server))
    while not stop.is_set():
        for pid in children(server):
            if pid not in known:
                known.add(pid)
                if is_worker(pid):
                    started.append(round(time.perf_counter() - t0, 2))
        time.sleep(0.05)


def run(url: str, server: int, seconds: float, *, slow_clients: bool, request_timeout: float) -> dict[str, object]:
    """One run: the ASK clients, with or without the slow clients, for ``seconds``."""
    stop = threading.Event()
    fast, slow = Tally(), Tally()
    deadline = time.monotonic() + seconds + request_timeout + 5
    t0 = time.perf_counter()  # offsets in the report ("started_at_s") count from here
    spawned: list[float] = []
    watcher = threading.Thread(target=watch_spawns, args=(server, stop, t0, spawned), daemon=True)
    watcher.start()
    cpu = CpuMeter(server)
    threads = []
    if slow_clients:
        for address in SLOW_ADDRESSES:
            args = (url, address, SLOW, stop, slow, request_timeout, deadline, t0)
            threads.append(threading.Thread(target=client_loop, args=args, daemon=True, name=f"slow-{address}"))
        for thread in threads:
            thread.start()
        time.sleep(0.6)  # the slow queries start first; the ASK clients join once two were moved aside
    fast_threads = []
    for address in FAST_ADDRESSES:
        args = (url, address, ASK, stop, fast, request_timeout, deadline, t0)
        fast_threads.append(threading.Thread(target=client_loop, args=args, daemon=True, name=f"ask-{address}"))
    for thread in fast_threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    # ASK clients end within one request; the slow ones are in the middle of a request that may
    # run up to query_timeout: their connections are closed by not waiting past the join below.
    for thread in fast_threads:
        thread.join(request_timeout + 5)
    for thread in threads:
        thread.join(request_timeout + 5)
    watcher.join()
    return {
        "cpu": cpu.report(),
        "seconds": seconds,
        "ask": fast.summary(),
        "slow": slow.summary() if slow_clients else None,
        "workers_started_at_s": spawned,
    }


def _fmt(value: object) -> str:
    return "-" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)


def _row(values: tuple[object, ...], widths: tuple[int, ...]) -> str:
    """A markdown table row: text columns (the 1st and 4th) to the left, numbers to the right."""
    cells = (
        str(v).ljust(w) if i in (0, 3) else str(v).rjust(w) for i, (v, w) in enumerate(zip(values, widths, strict=True))
    )
    return "| " + " | ".join(cells) + " |"


def print_table(report: dict[str, object]) -> None:
    box = report["machine"]
    print(f"machine: {box['cores']} cores ({box['usable_cores']} usable), {box['memory_mb']} MB; {box['uname']}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in box['load_average'])}")
    print(f"python {box['python']}; command: {report['command']}")
    print(f"server: {report['server']}; settings: {report['settings']}")
    print(f"warm-up ASK {{}} (starts the pool): {report['warmup_s'] * 1000:.0f} ms")
    print()
    widths = (32, 8, 7, 22, 7, 7, 7, 8)
    print(_row(("run", "requests", "ok", "statuses", "p50 ms", "p90 ms", "p99 ms", "max ms"), widths))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for name, key in (
        ("ASK, baseline (no slow clients)", "baseline"),
        ("ASK, with 3 never-ending queries", "contended"),
    ):
        s = report["runs"][key]["ask"]
        statuses = " ".join(f"{k}:{v}" for k, v in s["statuses"].items())
        row = (name, s["requests"], s["ok"], statuses, *(_fmt(s[k]) for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms")))
        print(_row(row, widths))
    slow = report["runs"]["contended"]["slow"]
    statuses = " ".join(f"{k}:{v}" for k, v in slow["statuses"].items())
    print()
    print(f"slow clients (3 × never-ending query): {slow['requests']} answered, statuses {statuses}, ", end="")
    print(f"latency p50 {_fmt(slow['p50_ms'])} ms, max {_fmt(slow['max_ms'])} ms")
    for run_name in ("baseline", "contended"):
        for who in ("ask", "slow"):
            summary = report["runs"][run_name][who]
            for detail, count in (summary or {}).get("details", {}).items():
                print(f"  {run_name} {who}: {count} × {detail}")
    for run_name in ("baseline", "contended"):
        slowest = report["runs"][run_name]["ask"]["slowest"]
        listed = ", ".join(f"{s['ms']:.0f} ms at {s['started_at_s']:.1f} s ({s['status']})" for s in slowest)
        print(f"  {run_name}: slowest ASK requests: {listed}")
        cpu = report["runs"][run_name]["cpu"]
        print(
            f"  {run_name}: cores busy {cpu['cores_busy']:.2f} on average: this benchmark {cpu['benchmark']:.2f} "
            f"(server, workers, clients), other processes {cpu['others']:.2f}"
        )
        spawned = report["runs"][run_name]["workers_started_at_s"]
        print(f"  {run_name}: {len(spawned)} worker processes started, at s: {', '.join(map(str, spawned)) or '-'}")
    p99 = report["runs"]["contended"]["ask"]["p99_ms"]
    verdict = "met" if p99 is not None and p99 < TARGET_P99_MS else "NOT met"
    print(f"target: contended ASK p99 < {TARGET_P99_MS:g} ms on 2 cores: {verdict} (p99 {_fmt(p99)} ms)")
    print_server_outcome(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each run (default: 30)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of tables")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="a MOKG_* setting for the server (repeatable)"
    )
    parser.add_argument("--request-timeout", type=float, default=30.0, help="client timeout per request (default: 30)")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    if any(not name.startswith("MOKG_") for name in env):
        parser.error("--env takes MOKG_* settings only")

    box = machine()  # before the run: its load average is what else was running
    with Service(env) as service:
        warmup = warm_up(service.url)
        wait_for_workers(service.url, workers=int(env.get("MOKG_QUERY_WORKERS", 2)))
        baseline = run(service.url, service.pid, args.seconds, slow_clients=False, request_timeout=args.request_timeout)
        wait_for_workers(service.url, workers=int(env.get("MOKG_QUERY_WORKERS", 2)))
        contended = run(service.url, service.pid, args.seconds, slow_clients=True, request_timeout=args.request_timeout)
        health = httpx.get(f"{service.url}/health", timeout=10).json()
        server = shlex.join(service.argv)
    log = service.log_lines("WARNING", "ERROR", "Traceback", "Exception", "killed")
    report = {
        "machine": box,
        "command": command_line(),
        "server": server,
        "settings": env or "defaults",
        "warmup_s": warmup,
        "runs": {"baseline": baseline, "contended": contended},
        "health_after": health,
        "server_log": log[-20:],
        **service.outcome(),
    }
    emit(report, args.json, print_table)


if __name__ == "__main__":
    main()
