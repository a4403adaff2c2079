"""Worker memory under the worst queries: does the memory watchdog hold workers under 1 GB?

What: sends, one at a time, SPARQL queries chosen to make a worker's memory grow as fast as
possible (sorting, grouping, de-duplicating or hashing a cross join of the bundled graph, a
string doubled by CONCAT, string functions on long literals, property paths over everything,
a huge literal returned as a result…) to ``POST /sparql``, while a sampler reads every 20 ms
the resident memory (``VmRSS``, and the high-water mark ``VmHWM``) of every worker process:
the children of the server's pid found in ``/proc/*/stat``.

Why: ``mokg.workers`` reads each busy worker's resident memory every 50 ms and kills a worker
past ``worker_memory_mb`` (768 MB by default). Between two looks, a worker allocates freely:
this measures how far past the limit a worker gets, and how fast the fastest query grows.

How: ``.venv/bin/python benchmarks/worker_memory.py [--only NAME …] [--safety-mb 8192]``.
It starts a real ``.venv/bin/mokg serve --port P`` on 127.0.0.1 (bundled graph, default
settings: no ``MOKG_*`` variable is set but those given with ``--env NAME=VALUE`` or already in
the environment; the settings printed are those the server reads), waits for
``/health``, warms the pool up with ``ASK {}``, runs the queries, and stops the server
(SIGTERM, wait). Each query is bounded by the service's ``query_timeout`` (5 s by default) and
by the client's ``--request-timeout``; the whole run takes a few minutes at most. As a safety
net for the machine (not a measurement), the sampler kills a worker whose RSS passes
``--safety-mb``; the table says when it did.

``--ask-clients N`` adds N clients (127.0.0.10, .11…) sending ``ASK {}`` in a loop for the whole
run, to see whether a busy server (the watchdog shares its event loop) lets workers grow further.

Prints the settings and machine, then per query: HTTP status, seconds, idle RSS of the workers
before it, peak worker RSS (sampled), peak VmHWM, when the peak was seen, the fastest growth
of that worker (MB/s between two samples), and what the service answered (first 80 characters
of ``detail``, or the size of a 200 answer). MB are MiB, as in ``worker_memory_mb``. Asserts
nothing.

Target: the peak RSS of a worker stays < 1 GB (1024 MB) for every query.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from _service import (
    QUERY_HEADERS,
    Service,
    children,
    command_line,
    emit,
    is_worker,
    machine,
    print_server_outcome,
    warm_up,
)

SETTINGS = ("query_timeout", "worker_memory_mb", "query_workers", "slow_query_workers", "slow_query_after",
            "result_cap", "result_max_bytes", "max_query_length", "max_query_depth")  # fmt: skip
TARGET_MB = 1024
SAMPLE_EVERY = 0.02
#: Matches every predicate: a negated property set naming a predicate no graph has.
ANY = "!<urn:mokg-bench:none>"


def doubling(start: str, steps: int, prefix: str = "s") -> str:
    """BINDs doubling a string ``steps`` times: ``?s0`` is ``start``, ``?s{steps}`` ``2**steps`` times as long."""
    binds = [f'BIND("{start}" AS ?{prefix}0)']
    binds += [f"BIND(CONCAT(?{prefix}{i}, ?{prefix}{i}) AS ?{prefix}{i + 1})" for i in range(steps)]
    return " ".join(binds)


#: (name, what it stresses, query). The cross join ``?a ?b ?c . ?d ?e ?f`` has ~8.8e9 rows.
QUERIES: list[tuple[str, str, str]] = [
    (
        "order-by-cross-join",
        "ORDER BY materializes every row of a cross join before the first answer",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f",
    ),
    (
        "group-concat-cross-join",
        "one GROUP_CONCAT string growing with every row",
        "SELECT (GROUP_CONCAT(STR(?c); SEPARATOR=' ') AS ?all) WHERE { ?a ?b ?c . ?d ?e ?f }",
    ),
    (
        "count-distinct-cross-join",
        "DISTINCT's hash set of every distinct row (COUNT, so the result cap cannot cut it short)",
        "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
    ),
    (
        "group-by-cross-join",
        "a hash table with one group (and accumulators) per row",
        "SELECT ?a ?c ?d ?f (COUNT(*) AS ?n) (SAMPLE(?b) AS ?s) WHERE { ?a ?b ?c . ?d ?e ?f } GROUP BY ?a ?c ?d ?f",
    ),
    (
        "minus-cross-join",
        "MINUS hashes its whole right side (a cross join) before the first row",
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c MINUS { ?a ?e ?f . ?g ?h ?i } }",
    ),
    (
        "construct-ordered",
        "a huge CONSTRUCT with fresh blank nodes, sorted so nothing streams",
        "CONSTRUCT { _:x ?b ?f . _:x ?e ?c . _:x <urn:p> ?a } WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f",
    ),
    (
        "concat-doubling",
        "a string doubled by CONCAT 33 times (8 B to 64 GB), every step kept in a binding",
        f"SELECT (STRLEN(?s33) AS ?n) WHERE {{ {doubling('abcdefgh', 33)} }}",
    ),
    (
        "concat-64-copies",
        "one CONCAT of 64 copies of a 16 MB string (1 GB in one call), then 64 copies of that",
        f"SELECT (STRLEN(?c2) AS ?n) WHERE {{ {doubling('abcdefgh', 21)} "
        f"BIND(CONCAT({', '.join(['?s21'] * 64)}) AS ?c1) BIND(CONCAT({', '.join(['?c1'] * 64)}) AS ?c2) }}",
    ),
    (
        "concat-doubling-returned",
        "a 256 MB literal (2**25 x 8 B) returned as the result: decoded and serialized in Python",
        f"SELECT ?s25 WHERE {{ {doubling('abcdefgh', 25)} }}",
    ),
    (
        "encode-for-uri-long",
        "ENCODE_FOR_URI tripling a 32 MB string again and again ('%' -> '%25')",
        "SELECT (STRLEN(?e6) AS ?n) WHERE { "
        + doubling("%%%%%%%%", 22)
        + " BIND(?s22 AS ?e0) "
        + " ".join(f"BIND(ENCODE_FOR_URI(?e{i}) AS ?e{i + 1})" for i in range(6))
        + " }",
    ),
    (
        "replace-ucase-long",
        "REPLACE x16 and UCASE ('ß' -> 'SS') on a 16 MB literal, then again",
        "SELECT (STRLEN(?u2) AS ?n) WHERE { "
        + doubling("ßßßßßßßß", 20)
        + " BIND(REPLACE(?s20, 'ß', 'ßßßßßßßßßßßßßßßß') AS ?r1) BIND(UCASE(?r1) AS ?u1)"
        + " BIND(REPLACE(?u1, 'S', 'SSSSSSSS') AS ?r2) BIND(UCASE(CONCAT(?r2, 'ß')) AS ?u2) }",
    ),
    (
        "long-literal-per-row-sorted",
        "a 1 MB literal joined to every triple, sorted by it: rows x 1 MB",
        f"SELECT ?c ?big WHERE {{ ?a ?b ?c {doubling('abcdefgh', 17)} BIND(CONCAT(STR(?c), ?s17) AS ?big) }} "
        "ORDER BY DESC(?big)",
    ),
    (
        "path-star-all-pairs-sorted",
        f"(p|^p)* over every predicate ({ANY}), both ends open, all pairs sorted",
        f"SELECT ?x ?y WHERE {{ ?x ({ANY}|^{ANY})* ?y }} ORDER BY ?y ?x",
    ),
    (
        "path-star-count-distinct",
        "the same closure, de-duplicated and counted",
        f"SELECT (COUNT(DISTINCT *) AS ?n) WHERE {{ ?x ({ANY}|^{ANY})* ?y . ?y ?p ?o }}",
    ),
]


@dataclass
class Sampler:
    """Reads every worker's VmRSS and VmHWM every 20 ms; keeps the peaks since :meth:`reset`.

    Growth is the fastest rise of one worker's RSS between two samples, reported for the worker
    that peaked (a worker starting up elsewhere in the pool also grows fast, and is not the
    query). A worker's VmHWM counts only if it rose since :meth:`reset` (it lasts the worker's life).
    """

    server: int
    safety_mb: int
    rss: dict[int, int] = field(default_factory=dict)  # pid -> last VmRSS (kB)
    hwm_at_reset: dict[int, int] = field(default_factory=dict)
    growth: dict[int, float] = field(default_factory=dict)  # pid -> fastest growth, MB/s
    started: float = 0.0
    peak_rss: int = 0
    peak_at: float = 0.0  # seconds after reset
    peak_hwm: int = 0
    peak_pid: int | None = None
    safety_kills: list[str] = field(default_factory=list)
    samples: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def reset(self) -> None:
        current = self.workers()
        with self.lock:
            self.hwm_at_reset = {pid: hwm for pid, (_, hwm) in current.items()}
            self.growth = {}
            self.started = time.perf_counter()
            self.peak_rss = self.peak_hwm = self.samples = 0
            self.peak_at = 0.0
            self.peak_pid = None

    def peak_growth(self) -> float:
        return self.growth.get(self.peak_pid, 0.0) if self.peak_pid is not None else 0.0

    def workers(self) -> dict[int, tuple[int, int]]:
        """Every worker's (VmRSS, VmHWM) in kB, now."""
        found = {}
        for pid in children(self.server):
            if not is_worker(pid):
                continue
            values = _status(pid, ("VmRSS", "VmHWM"))
            if values is not None:
                found[pid] = values
        return found

    def loop(self) -> None:
        last = time.perf_counter()
        while not self.stop.is_set():
            now = time.perf_counter()
            current = self.workers()
            with self.lock:
                self.samples += 1
                for pid, (rss, hwm) in current.items():
                    if pid in self.rss and now > last:
                        rate = (rss - self.rss[pid]) / 1024 / (now - last)
                        self.growth[pid] = max(self.growth.get(pid, 0.0), rate)
                    if rss > self.peak_rss:
                        self.peak_rss, self.peak_pid, self.peak_at = rss, pid, now - self.started
                    if hwm > self.hwm_at_reset.get(pid, 0):
                        self.peak_hwm = max(self.peak_hwm, hwm)
                    if rss > self.safety_mb * 1024:
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                        self.safety_kills.append(f"pid {pid} at {rss // 1024} MB")
                self.rss = {pid: rss for pid, (rss, _) in current.items()}
            last = now
            time.sleep(max(0.0, SAMPLE_EVERY - (time.perf_counter() - now)))


def _status(pid: int, names: tuple[str, ...]) -> tuple[int, ...] | None:
    """Fields of ``/proc/<pid>/status`` in kB (``None`` if the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            lines = status.read().splitlines()
    except OSError:
        return None
    found = {}
    for line in lines:
        key, _, value = line.partition(":")
        if key in names:
            found[key] = int(value.split()[0])
    return tuple(found.get(name, 0) for name in names)


def _cpu_ticks(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def ask_loop(url: str, address: str, stop: threading.Event, statuses: Counter[str]) -> None:
    """Background load: ``ASK {}`` from ``address``, one at a time, until ``stop``."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30.0) as client:
        while not stop.is_set():
            try:
                status = str(client.post(f"{url}/sparql", content="ASK {}", headers=QUERY_HEADERS).status_code)
            except httpx.HTTPError as error:
                status = f"error:{type(error).__name__}"
            statuses[status] += 1


def _age(pid: int) -> float:
    """Seconds since ``pid`` started (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            started = int(stat.read().rsplit(b")", 1)[1].split()[19])  # starttime, ticks after boot
        with open("/proc/uptime") as uptime:
            return float(uptime.read().split()[0]) - started / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def settle(url: str, sampler: Sampler, workers: int, *, quiet: bool, timeout: float = 60.0) -> None:
    """Wait until the pool is back to ``workers`` workers, none aside, all started.

    Started: CPU time no longer moving when nothing else runs (``quiet``); with background
    clients, which keep workers busy, at least 3 s old instead.
    """
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=5.0) as client:
        while time.monotonic() < deadline:
            pool = client.get(f"{url}/health").json().get("workers") or {}
            pids = list(sampler.workers())
            if pool.get("aside") == 0 and pool.get("workers") == workers == len(pids):
                if not quiet and all(_age(pid) > 3.0 for pid in pids):
                    return
                if quiet and pool.get("busy") == 0:
                    before = [_cpu_ticks(pid) for pid in pids]
                    time.sleep(0.3)
                    if before == [_cpu_ticks(pid) for pid in pids]:
                        return
            time.sleep(0.1)
    print(f"warning: the pool did not settle within {timeout:g} s", file=sys.stderr)


def run_query(client: httpx.Client, url: str, query: str) -> tuple[str, float, str]:
    """Status, seconds, and what the service said (``detail``, or the size of a 200 answer)."""
    started = time.perf_counter()
    try:
        response = client.post(f"{url}/sparql", content=query, headers=QUERY_HEADERS)
    except httpx.HTTPError as error:
        return f"error:{type(error).__name__}", time.perf_counter() - started, str(error)
    seconds = time.perf_counter() - started
    if response.status_code == 200:
        said = f"{len(response.content)} bytes"
        if "X-Result-Truncated" in response.headers:
            said += f", truncated to {response.headers['X-Result-Truncated']}"
        if len(response.content) < 200:
            said += f": {response.text.strip()}"
    else:
        try:
            said = str(response.json().get("detail"))
        except ValueError:
            said = response.text
    return str(response.status_code), seconds, " ".join(said.split())


def server_settings(env: dict[str, str]) -> dict[str, object]:
    """The settings the server runs with: mokg's defaults, the environment, and ``--env``."""
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        from mokg.config import Settings

        settings = Settings.from_env()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {name: getattr(settings, name) for name in SETTINGS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", metavar="NAME", help="run only these queries (names in the table)")
    parser.add_argument("--list", action="store_true", help="print the queries and exit")
    parser.add_argument("--safety-mb", type=int, default=8192, help="kill a worker past this RSS (default: 8192)")
    parser.add_argument("--request-timeout", type=float, default=60.0, help="client timeout per query (default: 60)")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="a MOKG_* setting for the server (repeatable)"
    )
    parser.add_argument("--ask-clients", type=int, default=0, help="background ASK {} clients (default: 0)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    args = parser.parse_args()
    if not 0 <= args.ask_clients <= 100:
        parser.error("--ask-clients: 0 to 100")
    env = dict(item.split("=", 1) for item in args.env)
    if any(not name.startswith("MOKG_") for name in env):
        parser.error("--env takes MOKG_* settings only")
    queries = [q for q in QUERIES if not args.only or q[0] in args.only]
    if args.list:
        for name, what, query in QUERIES:
            print(f"{name}: {what}\n  {query[:300]}{'…' if len(query) > 300 else ''}  ({len(query)} chars)")
        return
    if not queries:
        parser.error(f"no such query; the names are: {', '.join(q[0] for q in QUERIES)}")
    settings = server_settings(env)

    rows = []
    box = machine()  # before the run: its load average is what else was running
    with Service(env) as service:
        warm_up(service.url)
        sampler = Sampler(service.pid, args.safety_mb)
        thread = threading.Thread(target=sampler.loop, daemon=True, name="sampler")
        thread.start()
        background_stop = threading.Event()
        tallies: list[Counter[str]] = [Counter() for _ in range(args.ask_clients)]  # one per thread: no lock
        load = [
            threading.Thread(target=ask_loop, args=(service.url, f"127.0.0.{10 + i}", background_stop, tally))
            for i, tally in enumerate(tallies)
        ]
        for client_thread in load:
            client_thread.start()
        with httpx.Client(timeout=args.request_timeout) as client:
            for name, what, query in queries:
                settle(service.url, sampler, settings["query_workers"], quiet=not args.ask_clients)
                idle = max((rss for rss, _ in sampler.workers().values()), default=0)
                sampler.reset()
                kills_before = len(sampler.safety_kills)
                status, seconds, said = run_query(client, service.url, query)
                time.sleep(0.1)  # one more look after the answer
                with sampler.lock:
                    peak_pid = sampler.peak_pid
                    row = {
                        "query": name,
                        "what": what,
                        "status": status,
                        "seconds": seconds,
                        "idle_rss_mb": idle / 1024,
                        "peak_rss_mb": sampler.peak_rss / 1024,
                        "peak_hwm_mb": max(sampler.peak_hwm, sampler.peak_rss) / 1024,
                        "peak_at_s": sampler.peak_at,
                        "growth_mb_s": sampler.peak_growth(),
                        "samples": sampler.samples,
                        "peak_worker_gone": peak_pid is not None and not os.path.exists(f"/proc/{peak_pid}"),
                        "safety_kills": sampler.safety_kills[kills_before:],
                        "said": said,
                    }
                rows.append(row)
                if not args.json:
                    print(
                        f"  done: {name} {status} {seconds:.1f} s peak {row['peak_rss_mb']:.0f} MB",
                        file=sys.stderr,
                        flush=True,
                    )
        background_stop.set()
        for client_thread in load:
            client_thread.join()
        sampler.stop.set()
        thread.join()
        server = shlex.join(service.argv)
    report = {
        "machine": box,
        "command": command_line(),
        "server": server,
        "settings": settings,
        "env": env,
        "ask_clients": args.ask_clients,
        "background_statuses": dict(sum(tallies, Counter())),
        "rows": rows,
        "server_log": service.log_lines("WARNING", "ERROR", "Traceback", "Exception")[-20:],
        **service.outcome(),
    }
    emit(report, args.json, print_table)


def print_table(report: dict[str, object]) -> None:
    box = report["machine"]
    print(f"machine: {box['cores']} cores ({box['usable_cores']} usable), {box['memory_mb']} MB; {box['uname']}")
    print(f"python {box['python']}; command: {report['command']}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in box['load_average'])}")
    print(f"server: {report['server']}; MOKG_* given: {report['env'] or 'none'}")
    print("settings: " + ", ".join(f"{k}={v}" for k, v in report["settings"].items()))
    if report["ask_clients"]:
        statuses = " ".join(f"{k}:{v}" for k, v in sorted(report["background_statuses"].items()))
        print(f"background: {report['ask_clients']} clients sending ASK {{}} in a loop; their statuses: {statuses}")
    print(f"sampling every {SAMPLE_EVERY * 1000:.0f} ms: VmRSS and VmHWM of every worker (child of the server)")
    print()
    head = ("query", "status", "s", "idle MB", "peak RSS", "peak HWM", "at s", "MB/s max", "answer (first 80 chars)")
    widths = (27, 6, 5, 7, 8, 8, 5, 8, 80)
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    worst = None
    for row in report["rows"]:
        said = row["said"][:80]
        if row["safety_kills"]:
            said = f"[SAFETY KILL {row['safety_kills'][0]}] {said}"[:80]
        mb = (row["idle_rss_mb"], row["peak_rss_mb"], row["peak_hwm_mb"])
        cells = (
            row["query"],
            row["status"],
            f"{row['seconds']:.1f}",
            *(f"{n:.0f}" for n in mb),
            f"{row['peak_at_s']:.2f}",
            f"{row['growth_mb_s']:.0f}",
            said,
        )
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |")
        if worst is None or row["peak_rss_mb"] > worst["peak_rss_mb"]:
            worst = row
    print()
    print("idle MB: largest worker RSS before the query; peak RSS: highest sampled RSS of any worker while it ran;")
    print("peak HWM: highest VmHWM (kernel high-water mark: catches peaks between samples, lost when a worker dies);")
    print("at s: when the peak RSS was sampled, after the request was sent; MB/s max: fastest growth of that worker")
    print("between two samples.")
    over = [row["query"] for row in report["rows"] if max(row["peak_rss_mb"], row["peak_hwm_mb"]) >= TARGET_MB]
    verdict = "met" if not over else f"NOT met by {', '.join(over)}"
    if worst is not None:
        highest = f"highest: {worst['peak_rss_mb']:.0f} MB, {worst['query']}"
        print(f"target: peak worker RSS < {TARGET_MB} MB: {verdict} ({highest})")
    print_server_outcome(report)


if __name__ == "__main__":
    main()
