"""mokg's remote-store mode at scale: loading, deriving and querying on Oxigraph server and on Virtuoso.

Why: issue 14 asks whether a store server can hold a Hub-sized graph for mokg, with the derived
facts computed by mokg and written there. For each N (a graph of ``benchmarks/generate.py``,
made here or read from ``--roots``) and each engine, a new server is started on 127.0.0.1
(conftest's ``OxigraphServer``, on disk, and ``VirtuosoServer``, with ``--virtuoso-mb`` of
buffers), then:

- **load**: a child process runs what ``mokg load --store URL`` runs (``graph.publish``: files,
  rules, statistics, load mark) against it, with conftest's ``virtuoso_rules`` for both engines
  (no validation results, which Virtuoso cannot compute today): wall and CPU of mokg, CPU of
  the server over the load, peak RSS of the server (``VmHWM``), quads stored, derived quads
  compared with an in-memory embedded load;
- **query mix**: ``scale.query_mix`` through mokg's ``RemoteStore.query`` (what mokg's
  ``/sparql`` sends on), median of ``--repeat`` runs, and the row counts of both engines.

Run: ``.venv/bin/python benchmarks/remote.py --models 10000 [100000] [--roots /tmp/mokg-10k …]``.
Prints a Markdown table; asserts nothing about speed, stops when the derived counts differ.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from _service import command_line, machine
from conftest import OxigraphServer, VirtuosoServer, virtuoso_rules
from generate import generate
from scale import BASE, run
from scale import query_mix as scale_query_mix

from mokg.config import Settings
from mokg.graph import publish
from mokg.remote import RemoteStore
from mokg.store import EmbeddedStore

ENGINES = ("oxigraph serve", "virtuoso")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def connect(engine: str, url: str, credentials: list[str] | None) -> RemoteStore:
    """The store mokg writes (with ``credentials``) or reads; a time limit fit for rules over millions of triples."""
    if engine == "virtuoso":
        store = RemoteStore.for_virtuoso(url, credentials=tuple(credentials) if credentials else None)
    else:
        store = RemoteStore.for_oxigraph(url)
    return store.with_timeout(600)


def load(engine: str, url: str, root: Path, credentials: list[str] | None) -> None:
    """The child process: what ``mokg load --store URL`` runs, as Virtuoso can run it (see the module)."""
    with virtuoso_rules():
        publish(connect(engine, url, credentials), Settings(root=root))


def derived_in_memory(root: Path) -> int:
    """Derived quads of an embedded in-memory load of ``root``, with the same rules."""
    store = EmbeddedStore()
    with virtuoso_rules():
        publish(store, Settings(root=root))
    return store.stats().derived


def measure(engine: str, models: int, root: Path, work: Path, args: argparse.Namespace) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix=f"{engine.split()[0]}-", dir=work))
    if engine == "virtuoso":
        server: OxigraphServer | VirtuosoServer = VirtuosoServer(folder, memory_mb=args.virtuoso_mb, timeout_s=600)
        credentials: list[str] | None = list(server.credentials)
    else:
        server, credentials = OxigraphServer(folder, timeout_s=600), None
    server.start()
    try:
        pid = server.process.pid
        cpu_before = _cpu_seconds(pid)
        child = [sys.executable, __file__, "--child", engine, server.url, str(root), json.dumps(credentials)]
        loaded = run(child)
        figures: dict[str, object] = {
            "load_s": loaded.seconds,
            "mokg_cpu_s": loaded.cpu,
            "mokg_peak_mb": loaded.peak_mb,
            "server_cpu_s": _cpu_seconds(pid) - cpu_before,
            "server_peak_mb": _peak_mb(pid),
        }
        store = connect(engine, server.url, None)
        stats = store.stats()
        figures["quads"], figures["derived"] = stats.quads, stats.derived
        summary = json.loads((root / "summary.json").read_text())
        queries = scale_query_mix(f"{BASE}model/synthetic-{models - 1}", summary["biggest_base"])
        mix = {}
        for name, sparql in queries.items():
            times, rows = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                rows = len(list(store.query(sparql)))
                times.append(time.perf_counter() - started)
            mix[name] = {"p50_ms": 1000 * statistics.median(times), "rows": rows}
        figures["queries"] = mix
        return figures
    finally:
        server.stop()


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| models | engine | load wall | mokg CPU | server CPU | server peak RSS | quads | derived (embedded) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if "failed" in row:
            lines.append(f"| {row['models']:,} | {row['engine']} | failed {row['failed']} | | | | | |")
            continue
        lines.append(
            f"| {row['models']:,} | {row['engine']} | {row['load_s']:.0f} s | {row['mokg_cpu_s']:.0f} s | "
            f"{row['server_cpu_s']:.0f} s | {row['server_peak_mb']:,.0f} MB | {row['quads']:,} | "
            f"{row['derived']:,} ({row['embedded_derived']:,}) |"
        )
    measured = [row for row in rows if "queries" in row]
    names = list(measured[0]["queries"]) if measured else []
    lines += ["", "| models | engine | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for row in measured:
        cells = (f"{q['p50_ms']:,.0f} ms ({q['rows']:,})" for q in row["queries"].values())
        lines.append(f"| {row['models']:,} | {row['engine']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _, _, engine, url, root, credentials = sys.argv
        load(engine, url, Path(root), json.loads(credentials))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, nargs="+", default=[10_000], help="graph sizes (default 10000)")
    parser.add_argument("--roots", type=Path, nargs="*", default=[], help="generated roots to use, one per size")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--virtuoso-mb", type=int, default=2048, help="Virtuoso's buffers (default 2048 MB)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query of the mix (median)")
    parser.add_argument("--json", type=Path, help="write every figure there too")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mokg-remote-"))
    rows: list[dict[str, object]] = []
    for index, models in enumerate(args.models):
        root = args.roots[index] if index < len(args.roots) else work / f"root-{models}"
        if not (root / "summary.json").exists():
            generate(models, root, seed=0)
        embedded = derived_in_memory(root)
        for engine in args.engines:
            started = time.perf_counter()
            try:
                figures = measure(engine, models, root, work, args)
            except RuntimeError as error:  # a load that failed is a result too: say where, go on
                failure = str(error).strip().splitlines()[-1]
                seconds = time.perf_counter() - started
                rows.append({"models": models, "engine": engine, "failed": f"after {seconds:.0f} s: {failure}"})
                print(table(rows), flush=True)
                continue
            rows.append({"models": models, "engine": engine, "embedded_derived": embedded, **figures})
            print(table(rows), flush=True)
            if figures["derived"] != embedded:
                raise SystemExit(f"{engine}: {figures['derived']} derived quads, the embedded store {embedded}")
    report = {"command": command_line(), "machine": machine(), "rows": rows}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{command_line()}\n{json.dumps(report['machine'])}")


if __name__ == "__main__":
    main()
