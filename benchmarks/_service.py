"""Shared by the benchmarks: a real ``mokg serve`` on 127.0.0.1, started and stopped cleanly; the machine; CPU time.

Not a benchmark itself. :class:`Service` starts ``.venv/bin/mokg serve --port P`` (the bundled
graph, default settings plus the ``MOKG_*`` variables it is given) as a subprocess, waits for
``/health``, and on exit terminates it and waits (killing it only if it does not stop in time).
The server's log goes to a temporary file, whose end is printed if the server fails.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MOKG = ROOT / ".venv" / "bin" / "mokg"
HOST = "127.0.0.1"
QUERY_HEADERS = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}


def free_port() -> int:
    """A TCP port nothing listens on right now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "uname": _uname(),
        "python": sys.version.split()[0],
        "memory_mb": _meminfo("MemTotal"),
        "load_average": os.getloadavg(),
    }


def _uname() -> str:
    try:
        return subprocess.run(["uname", "-a"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return " ".join(platform.uname())


def _meminfo(field: str) -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and its waited-for children (worker processes included)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def command_line() -> str:
    """How this benchmark was run, to paste back into a shell."""
    return shlex.join([sys.executable, *sys.argv])


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


class Service:
    """``mokg serve [args]`` as a subprocess: ``with Service(env) as service: service.url``."""

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        args: list[str] | None = None,
        startup: float = 180.0,
        log_level: str = "info",
    ) -> None:
        self.env = dict(env or {})
        self.startup = startup
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.argv = [str(MOKG), "serve", "--port", str(self.port), "--log-level", log_level, *(args or [])]
        self.log = tempfile.NamedTemporaryFile(prefix="mokg-bench-serve-", suffix=".log", delete=False)  # noqa: SIM115
        self.process: subprocess.Popen[bytes] | None = None
        self.exit_code: int | None = None
        self.log_text = ""

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def __enter__(self) -> Service:
        # SIGTERM (a `timeout`, a CI job cancelled) unwinds like Ctrl-C, so the server is stopped.
        self._previous_handler = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        environment = {**os.environ, **self.env}
        self.process = subprocess.Popen(
            self.argv, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        signal.signal(signal.SIGTERM, self._previous_handler)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"mokg serve exited with {self.process.returncode}:\n{self.log_tail()}")
                try:
                    if client.get(f"{self.url}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        raise RuntimeError(f"mokg serve did not answer /health within {self.startup:g} s:\n{self.log_tail()}")

    def stop(self, grace: float = 15.0) -> None:
        """Terminate the server (SIGTERM: uvicorn stops its workers), wait; kill only if it hangs."""
        if self.process is None or self.exit_code is not None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                print(f"mokg serve did not stop within {grace:g} s of SIGTERM: killed", file=sys.stderr)
                self.process.kill()
                self.process.wait()
        self.exit_code = self.process.returncode
        self.log_text = self._read_log()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    def _read_log(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def log_tail(self, lines: int = 30) -> str:
        text = (self.log_text if self.exit_code is not None else self._read_log()).splitlines()
        return "\n".join(text[-lines:])

    def outcome(self) -> dict[str, object]:
        """How the server ended, for a report: its exit code and whether it logged a clean shutdown."""
        return {
            "server_exit_code": self.exit_code,
            "clean_shutdown": bool(self.log_lines("Application shutdown complete")),
        }

    def log_lines(self, *needles: str) -> list[str]:
        """The server's log lines holding any of ``needles`` (warnings, tracebacks…)."""
        text = (self.log_text if self.exit_code is not None else self._read_log()).splitlines()
        return [line for line in text if any(needle in line for needle in needles)]


def children(parent: int) -> list[int]:
    """Pids of the processes whose parent is ``parent`` (from ``/proc/*/stat``; Linux only)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == parent:  # fields: state, ppid, …
            found.append(int(entry.name))
    return found


def is_worker(pid: int) -> bool:
    """Whether ``pid`` is a worker of the pool (a ``multiprocessing`` spawn child, not its resource tracker)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return b"spawn_main" in cmdline.read()
    except OSError:
        return False


def _ticks(pid: int, with_children: bool = False) -> int:
    """CPU time of a process in clock ticks (and of its reaped children), 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    used = int(fields[11]) + int(fields[12])  # utime, stime
    return used + (int(fields[13]) + int(fields[14]) if with_children else 0)  # cutime, cstime


class CpuMeter:
    """CPU used on the whole machine, and by this benchmark (itself, the server, its workers), between two reads.

    The machine is shared: what other processes use (a test suite, say) slows the service down,
    so a run reports it. A worker killed during the run counts in the server's reaped-children time.
    """

    def __init__(self, server: int) -> None:
        self.server = server
        self.hz = os.sysconf("SC_CLK_TCK")
        self.start = self._read()

    def _read(self) -> tuple[float, int, int]:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        busy = sum(values[:8]) - values[3] - values[4]  # everything but idle and iowait (guest is in user)
        ours = _ticks(os.getpid()) + _ticks(self.server, with_children=True)
        ours += sum(_ticks(pid) for pid in children(self.server))
        return time.monotonic(), busy, ours

    def report(self) -> dict[str, float]:
        """Cores busy on average since the start: in all, by this benchmark, by other processes."""
        (t0, busy0, ours0), (t1, busy1, ours1) = self.start, self._read()
        seconds = max(t1 - t0, 1e-9)
        busy, ours = (busy1 - busy0) / self.hz / seconds, (ours1 - ours0) / self.hz / seconds
        return {"cores_busy": round(busy, 2), "benchmark": round(ours, 2), "others": round(max(0.0, busy - ours), 2)}


def warm_up(url: str, timeout: float = 120.0) -> float:
    """One ``ASK {}``: starts the worker pool (it starts on first use). Returns the seconds it took."""
    started = time.perf_counter()
    with httpx.Client(timeout=timeout) as client:
        response = client.post(f"{url}/sparql", content="ASK {}", headers=QUERY_HEADERS)
    response.raise_for_status()
    return time.perf_counter() - started


def wait_for_workers(url: str, workers: int, timeout: float = 60.0) -> dict[str, object]:
    """Wait until ``/health`` shows ``workers`` idle workers and none aside (the pool has settled)."""
    deadline = time.monotonic() + timeout
    health: dict[str, object] = {}
    with httpx.Client(timeout=5.0) as client:
        while time.monotonic() < deadline:
            health = client.get(f"{url}/health").json().get("workers") or {}
            if health.get("busy") == 0 and health.get("aside") == 0 and health.get("workers") == workers:
                return health
            time.sleep(0.1)
    return health


def print_server_outcome(report: dict[str, object]) -> None:
    """What the server logged (warnings and errors) and how it ended, after a benchmark's tables."""
    if report["server_log"]:
        print("server log (warnings/errors):")
        for line in report["server_log"]:
            print(f"  {line}")
    print(
        f"server exit code: {report['server_exit_code']} (-15: uvicorn re-raises the SIGTERM it handled); "
        f"clean shutdown logged: {report['clean_shutdown']}"
    )


def emit(report: dict[str, object], as_json: bool, print_table: Callable[[dict[str, object]], None]) -> None:
    """The report as JSON (``--json``) or as the benchmark's tables."""
    if as_json:
        json.dump(report, sys.stdout, indent=2, default=str)
        print()
    else:
        print_table(report)
