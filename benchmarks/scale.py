"""mokg at Hub scale: load, restart, validation, site, records, queries and HTTP throughput, per N models.

Why: the targets of issue 14 (a million models on one machine) are only met if they are measured
the same way every time, on the same data as the engines mokg is compared with. For each N this
runner generates a Hub-like graph (``benchmarks/generate.py``), loads it with ``mokg load --store``
and times what a user waits for:

- **load**: ``mokg load --root R --store S`` (asserted and derived facts, validation, statistics):
  wall time, CPU, peak memory, quads; **restart**: ``mokg serve --store S --no-load`` until
  ``/health`` answers; **query**: ``mokg query --store S`` (the CLI over an up-to-date store);
- **validation**: ``mokg validate --store S --fail-on facts`` (the whole graph, checked in the store);
- **site**: ``mokg site --store S`` (optional, ``--site``: long at 1M);
- **records**: ``GET /model/…`` as JSON-LD, Turtle and HTML from ``mokg serve --workers 2`` for
  distinct models, first asked (cold) and asked again (kept), p50 and p99; ``/void`` and ``/stats``;
- **query mix**, through the SPARQL protocol, the same text to every engine: a record, the
  ancestors of a deep model, every descendant of the biggest base, licences per organization,
  open weights but closed data, the leaderboard. The answers must agree (counted rows), or the
  run fails once every figure is printed: a fast wrong answer is no result (mokg serves with its
  row cap raised, so that its answers are complete, as the peers' are);
- **throughput**: ``wrk`` on one point query (GET, 2 threads, 32 connections, 10 s).

The peers answer from the same data: ``oxigraph serve-read-only`` on the very store folder mokg
serves (RocksDB, opened read-only by both), and rdflib-endpoint (``pip install rdflib-endpoint``)
from an N-Quads dump of it, up to ``--rdflib-max`` models (rdflib holds every triple as Python
objects: ~1 KB each). Figures are printed as a table and written as JSON (``--json``). Asserts
nothing about speed; it stops on a wrong answer.

Run: ``.venv/bin/python benchmarks/scale.py --models 10000 100000 [--site] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _service import HOST, QUERY_HEADERS, Service, command_line, free_port, machine
from generate import generate

BIN = Path(sys.executable).parent
BASE = "https://w3id.org/mokg/"
PREFIXES = """PREFIX mokg: <https://w3id.org/mokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
#: The steps ``mokg load`` reports on stderr (``  rules: 12.3 s``; mokg.graph.phase), and each rule's.
LOAD_STEP = re.compile(r"^  ([a-z][\w -]*): ([\d.]+) s$", re.MULTILINE)
LOAD_STEPS = ("parse and store", "rules", "validation", "statistics", "load mark", "dumps")
RECORD_FORMATS = {"jsonld": "application/ld+json", "ttl": "text/turtle", "html": "text/html"}


def query_mix(deep: str, biggest_base: str) -> dict[str, str]:
    """The fixed queries of the comparison, for one graph: ``deep`` is a model far down a chain."""
    return {
        "record": f"CONSTRUCT {{ <{deep}> ?p ?o }} WHERE {{ <{deep}> ?p ?o }}",
        "ancestors": f"SELECT ?a ?name WHERE {{ <{deep}> mokg:derivedFrom ?a . ?a rdfs:label ?name }}",
        "descendants of the biggest base": f"SELECT ?d WHERE {{ ?d mokg:derivedFrom <{biggest_base}> }}",
        "licences per organization": """SELECT ?org ?licence (COUNT(?model) AS ?models) WHERE {
  ?model a mokg:Model ; dcterms:creator ?org ; dcterms:license ?licence .
} GROUP BY ?org ?licence""",
        "open weights, closed data": """SELECT DISTINCT ?model WHERE {
  ?model mokg:componentAssessment ?w, ?d .
  ?w mokg:componentType mokg:ModelParametersFinal ; mokg:componentStatus mokg:StatusOpen .
  ?d mokg:componentType mokg:Datasets ; mokg:componentStatus mokg:StatusNotPublic .
}""",
        "leaderboard (top 100)": """SELECT ?model ?name ?score WHERE {
  ?model a mokg:Model ; rdfs:label ?name ; mokg:opennessScore ?score .
} ORDER BY DESC(?score) ?name LIMIT 100""",
    }


def point_query(model: str) -> str:
    return f"{PREFIXES}SELECT ?p ?o WHERE {{ <{model}> ?p ?o }}"


# --- processes ---------------------------------------------------------------------------------


@dataclass
class Run:
    """One command's cost: wall and CPU seconds, peak resident memory (of it and its children)."""

    seconds: float
    cpu: float
    peak_mb: float
    output: str = ""


def run(argv: list[str], *, env: dict[str, str] | None = None, check: bool = True) -> Run:
    """Run ``argv`` to its end; its own resource usage (``wait4``), not the runner's."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode(errors="replace")
    if check and process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {process.returncode}:\n{output[-3000:]}")
    return Run(time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


@contextlib.contextmanager
def peer(argv: list[str], url: str, startup: float = 600.0) -> Iterator[str]:
    """A peer SPARQL server started with ``argv``, up when ``url`` answers ``ASK {}``."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + startup
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"{argv[0]} exited with {process.returncode}: {log.read()[-2000:]!r}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{argv[0]} did not answer within {startup:g} s")
                time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- measurements ------------------------------------------------------------------------------


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))],
    }


def timed_get(client: httpx.Client, url: str, **kwargs: object) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.get(url, **kwargs)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response


def records(url: str, models: list[str]) -> dict[str, dict[str, float]]:
    """Record latency per format: each model asked once (cold), then all again (kept)."""
    figures: dict[str, dict[str, float]] = {}
    with httpx.Client(timeout=60) as client:
        for suffix in RECORD_FORMATS:
            cold = [timed_get(client, f"{url}/{m.removeprefix(BASE)}.{suffix}")[0] for m in models]
            kept = [timed_get(client, f"{url}/{m.removeprefix(BASE)}.{suffix}")[0] for m in models]
            figures[suffix], figures[f"{suffix}_kept"] = percentiles(cold), percentiles(kept)
        for path in ("void", "stats"):
            try:  # the first /void reads the dumps `mokg load` kept (builds them if none): allowed a minute
                first = timed_get(client, f"{url}/{path}", headers={"accept": "text/turtle"})[0]
            except httpx.TimeoutException:
                figures[path] = {"first_ms": None}
                continue
            times = [timed_get(client, f"{url}/{path}", headers={"accept": "text/turtle"})[0] for _ in range(50)]
            figures[path] = {"first_ms": 1000 * first, **percentiles(times)}
    return figures


def rows(response: httpx.Response) -> int:
    """How many answers a SPARQL response holds (solutions, or triples of N-Triples)."""
    if "json" in response.headers["content-type"]:
        return len(response.json()["results"]["bindings"])
    return sum(1 for line in response.text.splitlines() if line.strip())


def ask(client: httpx.Client, endpoint: str, query: str) -> tuple[float, int]:
    """One query by POST (never a kept answer): its time and how many answers it gave."""
    construct = query.lstrip().startswith("CONSTRUCT")
    headers = {**QUERY_HEADERS, "Accept": "application/n-triples" if construct else QUERY_HEADERS["Accept"]}
    started = time.perf_counter()
    response = client.post(endpoint, content=f"{PREFIXES}{query}", headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{endpoint} answered {response.status_code} to {query[:80]!r}: {response.text[:300]}")
    return elapsed, rows(response)


def mix(endpoint: str, queries: dict[str, str], repeat: int) -> dict[str, dict[str, float]]:
    """Median time of each query of the mix over ``repeat`` runs, and its answer count."""
    figures = {}
    with httpx.Client(timeout=600) as client:
        for _ in range(8):  # every service process starts its query workers on first use: not timed
            ask(client, endpoint, "SELECT ?x WHERE { BIND(1 AS ?x) }")
        for name, query in queries.items():
            results = [ask(client, endpoint, query) for _ in range(repeat)]
            figures[name] = {"ms": 1000 * statistics.median(t for t, _ in results), "rows": results[0][1]}
    return figures


def throughput(url: str, seconds: int) -> float | None:
    """Requests per second ``wrk`` gets from ``url`` (2 threads, 32 connections); none for 0 seconds."""
    if seconds == 0:
        return None
    result = run(["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", url])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.output)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed answers from {url}:\n{result.output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.output).group(1))


@dataclass
class Row:
    """Everything measured for one N."""

    models: int
    figures: dict[str, object] = field(default_factory=dict)


def measure(models: int, work: Path, args: argparse.Namespace) -> Row:
    row = Row(models)
    root, store = work / f"root-{models}", work / f"store-{models}"
    if args.reuse and (root / "summary.json").is_file() and store.is_dir():
        summary = json.loads((root / "summary.json").read_text())  # a store a previous run loaded
        print(f"[{models}] reusing {store} (no load measured)", flush=True)
    else:
        made = generate(models, root, seed=0)
        summary = asdict(made)
        row.figures["generated"] = {"triples": made.triples, "seconds": round(made.seconds, 1)}
        print(f"[{models}] generated {made.triples:,} triples", flush=True)
        shutil.rmtree(store, ignore_errors=True)
        load = run([str(BIN / "mokg"), "load", "--root", str(root), "--store", str(store)])
        steps = {name: float(seconds) for name, seconds in LOAD_STEP.findall(load.output)}
        row.figures["load"] = {"seconds": load.seconds, "cpu": load.cpu, "peak_mb": load.peak_mb, "steps": steps}
    stats = run([str(BIN / "mokg"), "stats", "--root", str(root), "--store", str(store)]).output
    counts = dict(re.findall(r"^(triples|derived)\s+(\d+)$", stats, re.MULTILINE))
    row.figures["quads"], row.figures["derived"] = int(counts["triples"]), int(counts["derived"])
    print(f"[{models}] {row.figures['quads']:,} quads", flush=True)
    row.figures["query_cli"] = run([str(BIN / "mokg"), "query", "--store", str(store), "ASK {}"]).seconds
    if args.validate:
        check = [str(BIN / "mokg"), "validate", "--root", str(root), "--store", str(store), "--fail-on", "facts"]
        validation = run(check)
        row.figures["validation"] = {"seconds": validation.seconds, "peak_mb": validation.peak_mb}
    if args.site:
        site = run(
            [
                str(BIN / "mokg"),
                "site",
                "build",
                "--root",
                str(root),
                "--store",
                str(store),
                "--out",
                str(work / "site"),
            ]
        )
        row.figures["site"] = {"seconds": site.seconds, "peak_mb": site.peak_mb}

    rng = random.Random(0)
    sample = [f"{BASE}model/synthetic-{rng.randrange(models)}" for _ in range(args.records)]
    deep = f"{BASE}model/synthetic-{models - 1}"
    queries = query_mix(deep, summary["biggest_base"])
    point = point_query(sample[0])
    # Complete answers from mokg as from its peers: the public caps (10,000 rows, about 8 MB, a
    # worker's 768 MB) would cut the descendants of the biggest base from 100k models on (by
    # rows) and the licences per organization at 1M (by bytes), and the answers could not be
    # compared. The peers have no such caps.
    env = {
        "MOKG_ROOT": str(root),
        "MOKG_QUERY_TIMEOUT": "600",
        "MOKG_RESULT_CAP": "100000000",
        "MOKG_RESULT_MAX_BYTES": "10000000000",
        "MOKG_WORKER_MEMORY_MB": "8000",
    }
    started = time.perf_counter()
    with Service(env, args=["--store", str(store), "--no-load", "--workers", "2"], log_level="warning") as mokg:
        row.figures["restart_seconds"] = time.perf_counter() - started
        row.figures["records"] = records(mokg.url, sample)
        engines = {"mokg": mix(f"{mokg.url}/sparql", queries, args.repeat)}
        rps = {"mokg": throughput(f"{mokg.url}/sparql?{urllib.parse.urlencode({'query': point})}", args.seconds)}
    port = free_port()
    oxigraph = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store), "--union-default-graph"]
    with peer([*oxigraph, "--bind", f"{HOST}:{port}"], f"http://{HOST}:{port}/query") as endpoint:
        engines["oxigraph serve"] = mix(endpoint, queries, args.repeat)
        rps["oxigraph serve"] = throughput(f"{endpoint}?{urllib.parse.urlencode({'query': point})}", args.seconds)
    if models <= args.rdflib_max:
        dump = work / f"dump-{models}.nq"
        run([str(BIN / "oxigraph"), "dump", "--location", str(store), "--file", str(dump)])
        port = free_port()
        argv = [str(BIN / "rdflib-endpoint"), "serve", "--host", HOST, "--port", str(port), str(dump)]
        with peer(argv, f"http://{HOST}:{port}/") as endpoint:
            engines["rdflib-endpoint"] = mix(endpoint, queries, args.repeat)
            rps["rdflib-endpoint"] = throughput(f"{endpoint}?{urllib.parse.urlencode({'query': point})}", args.seconds)
        dump.unlink()
    row.figures["queries"], row.figures["throughput"] = engines, rps
    row.figures["wrong"] = [
        f"{name} gave {figure['rows']} answers to {query!r}, mokg {engines['mokg'][query]['rows']}"
        for name, figures in engines.items()
        for query, figure in figures.items()
        if figure["rows"] != engines["mokg"][query]["rows"]
    ]
    return row


# --- report ------------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    """The Markdown table of docs/performance.md: one column per N."""

    def get(row: Row, *path: str) -> object:
        value: object = row.figures
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def fmt(value: object, unit: str = "") -> str:
        if value is None:
            return "—"
        if isinstance(value, float):
            value = f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
        elif isinstance(value, int):
            value = f"{value:,}"
        return f"{value}{unit}"

    lines = [
        "| | " + " | ".join(f"{row.models:,} models" for row in rows) + " |",
        "|---|" + "---|" * len(rows),
    ]

    def line(label: str, *path: str, unit: str = "") -> None:
        lines.append(f"| {label} | " + " | ".join(fmt(get(row, *path), unit) for row in rows) + " |")

    line("quads (asserted + derived)", "quads")
    line("… derived", "derived")
    line("`mokg load --store` wall", "load", "seconds", unit=" s")
    line("… CPU", "load", "cpu", unit=" s")
    line("… peak memory", "load", "peak_mb", unit=" MB")
    for step in LOAD_STEPS:
        line(f"… {step}", "load", "steps", step, unit=" s")
    line("restart from disk (`serve --no-load` to `/health`)", "restart_seconds", unit=" s")
    line("`mokg query --store` (unchanged data)", "query_cli", unit=" s")
    line("full validation (`mokg validate --store`)", "validation", "seconds", unit=" s")
    line("site build", "site", "seconds", unit=" s")

    def pair(label: str, *path: str) -> None:
        cells = (f"{fmt(get(r, *path, 'p50_ms'))} / {fmt(get(r, *path, 'p99_ms'))} ms" for r in rows)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    for suffix in RECORD_FORMATS:
        pair(f"record `.{suffix}` p50 / p99, first asked", "records", suffix)
        pair(f"record `.{suffix}` p50 / p99, asked again", "records", f"{suffix}_kept")
    line("`/void` first request (— : over 60 s)", "records", "void", "first_ms", unit=" ms")
    line("`/void` p50", "records", "void", "p50_ms", unit=" ms")
    line("`/stats` p50", "records", "stats", "p50_ms", unit=" ms")
    engines = [e for e in ("mokg", "oxigraph serve", "rdflib-endpoint") if any(get(r, "queries", e) for r in rows)]
    for query in get(rows[0], "queries", "mokg") or ():
        for engine in engines:
            line(f"query: {query} — {engine}", "queries", engine, query, "ms", unit=" ms")
    for engine in engines:
        line(f"point query throughput — {engine}", "throughput", engine, unit=" req/s")
    for peer_name in engines[1:]:
        ratios = (
            fmt(get(r, "throughput", "mokg") / get(r, "throughput", peer_name), " ×")
            if get(r, "throughput", peer_name) and get(r, "throughput", "mokg")
            else "—"
            for r in rows
        )
        lines.append(f"| … mokg / {peer_name} | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, nargs="+", default=[10_000], help="graph sizes (default 10000)")
    parser.add_argument("--work", type=Path, help="where graphs and stores go (default: a temporary folder)")
    parser.add_argument("--site", action="store_true", help="also build the static site")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the store a previous run left in --work instead of loading"
    )
    parser.add_argument(
        "--no-validate", dest="validate", action="store_false", help="skip the separate whole-graph validation run"
    )
    parser.add_argument("--records", type=int, default=200, help="distinct models asked per record format")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query of the mix (median)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each throughput run (0: none)")
    parser.add_argument("--rdflib-max", type=int, default=10_000, help="largest N served by rdflib-endpoint")
    parser.add_argument("--json", type=Path, help="write every figure there too")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="mokg-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for models in args.models:
            rows.append(measure(models, work, args))
            print(table(rows), flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    report = {"command": command_line(), "machine": machine(), "rows": [vars(r) for r in rows]}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{command_line()}\n{json.dumps(report['machine'])}")
    wrong = [line for row in rows for line in row.figures.get("wrong", [])]
    if wrong:  # every figure is kept above, but the run fails: a fast wrong answer is no result
        raise SystemExit("answers differ:\n" + "\n".join(wrong))


if __name__ == "__main__":
    main()
