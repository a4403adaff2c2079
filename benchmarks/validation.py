"""Validation timings: the bundled graph, and generated graphs (``benchmarks/generate.py``).

Run: ``.venv/bin/python benchmarks/validation.py [--root /tmp/mokg-10k /tmp/mokg-100k]``. For the
bundled graph and each root, it loads the files into an in-memory store (not timed as
validation) and times, with :class:`mokg.validation.Validator` over that store:

- the whole graph, every shape (what ``mokg validate`` does), and the SPARQL-based shapes only
  (what a load records, :func:`mokg.graph.record_validation`);
- incremental re-validation of one changed model with every model that inherits from it and
  the claims about them (``focus_nodes`` + ``with_dependents``): for the model with the most
  descendants, and for a leaf.

Prints a table; asserts nothing (speed targets live here, not in unit tests).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from mokg.loader import discover, load_files
from mokg.store import EmbeddedStore
from mokg.validation import Report, Validator

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/mokg/"

#: The model with the most descendants (the dependents query's own count), and a leaf: a model
#: nothing derives from, among those derived from something.
_BIGGEST = """
SELECT ?model (COUNT(DISTINCT ?child) AS ?n) WHERE {
  ?child (mokg:finetunedFrom|mokg:quantizedFrom|mokg:adapterOf|mokg:mergedFrom|mokg:distilledFrom
          |mokg:continuedPretrainingFrom)+ ?model
} GROUP BY ?model ORDER BY DESC(?n) LIMIT 1"""
_LEAF = """
SELECT ?model WHERE {
  ?model a mokg:Model ; mokg:finetunedFrom ?base .
  FILTER NOT EXISTS { ?other mokg:finetunedFrom|mokg:quantizedFrom|mokg:adapterOf|mokg:mergedFrom
                      |mokg:distilledFrom|mokg:continuedPretrainingFrom ?model }
} LIMIT 1"""


def timed(function: Callable[[], Report]) -> tuple[float, Report]:
    started = time.perf_counter()
    report = function()
    return time.perf_counter() - started, report


def measure(root: Path, name: str) -> list[tuple[str, int, float, int]]:
    """The rows of the table for one root."""
    files = discover(root, BASE)
    shapes = [f for f in files if f.path.resolve().is_relative_to((root / "shapes").resolve())]
    validator = Validator.from_quads(load_files(shapes, BASE))
    store = EmbeddedStore()
    started = time.perf_counter()
    store.load([f for f in files if f not in shapes], BASE)
    loaded = time.perf_counter() - started
    triples = store.stats().quads
    print(f"{name}: {triples:,} triples loaded in {loaded:.1f} s", flush=True)
    rows = []
    seconds, report = timed(lambda: validator.validate_in(store))
    rows.append((f"{name}, whole graph, every shape", triples, seconds, len(report.findings)))
    seconds, report = timed(lambda: validator.validate_in(store, sparql_only=True))
    rows.append((f"{name}, whole graph, SPARQL shapes (at load)", triples, seconds, len(report.findings)))
    (biggest,) = store.query(_BIGGEST)
    for what, model in (
        (f"model with {int(biggest['n'].value):,} descendants", biggest["model"]),
        ("leaf model", next(iter(store.query(_LEAF)))["model"]),
    ):
        seconds, report = timed(lambda m=model: validator.validate_in(store, focus_nodes=[m], with_dependents=True))
        rows.append((f"{name}, {what} + dependents", triples, seconds, len(report.findings)))
    for row in rows:
        print(f"  {row[0]}: {row[2]:.2f} s, {row[3]:,} results", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, nargs="*", default=[], help="roots written by benchmarks/generate.py")
    args = parser.parse_args()
    rows = measure(ROOT, "bundled")
    for root in args.root:
        rows += measure(root, root.name)
    print(f"\n| {'what':<60} | {'triples':>10} | {'seconds':>8} | {'results':>8} |")
    print(f"|{'-' * 62}|{'-' * 12}|{'-' * 10}|{'-' * 10}|")
    for what, triples, seconds, results in rows:
        print(f"| {what:<60} | {triples:>10,} | {seconds:>8.2f} | {results:>8,} |")


if __name__ == "__main__":
    main()
