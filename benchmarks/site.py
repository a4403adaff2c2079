"""Time the static site at scale: a full build, then an incremental one after one model's file changed.

Why: issue 14 asks for a million model pages in 30 minutes on 2 cores and a one-model rebuild in
2 s. The tests check what can be counted (pages under budget, queries per page, incremental =
full); this script measures what takes time, on a store ``mokg load`` built from a generated root:

    .venv/bin/python benchmarks/generate.py --models 10000 --out /tmp/mokg-10k
    .venv/bin/mokg load --root /tmp/mokg-10k --store /tmp/store-10k
    .venv/bin/python benchmarks/site.py --root /tmp/mokg-10k --store /tmp/store-10k --out /tmp/site-10k

It works on a copy of the store (``--in-place``: on the store itself, which it then changes). The
generated files hold 10,000 models each, where mokg's data has one file per model, so it first
moves one leaf model (and its components) into a graph of its own, as its own file would be: the
full build then knows that file, and the incremental build renames the model in it, as an edit of
that file would. ``--skip-full`` times the incremental build alone, on a site a run built before.

Printed: pages, seconds, pages per second, CPU milliseconds per page, peak memory (the builder
and its workers), the largest file; for the incremental build, the pages rendered and the
seconds; and the full build extrapolated to a million models at the measured rate.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from _service import cpu_seconds

from mokg.graph import connect
from mokg.loader import discover
from mokg.records import load_context
from mokg.site import build, source_digests
from mokg.store import EmbeddedStore, Store

BASE = "https://w3id.org/mokg/"  # the generated roots' base
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
#: The graph the edited model is moved to: the file it would have in mokg's own layout.
OWN_GRAPH = "graph/data/models/benchmark-model"


def _peak_mib() -> float:
    """The largest resident set of the builder and of its workers, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def _leaf_model(store: EmbeddedStore) -> tuple[str, str]:
    """A fine-tuned model without descendants, and its graph: the most common kind of model on the hub.

    The one already in a graph of its own, when an earlier ``--in-place`` run moved it there.
    """
    query = f"""SELECT ?m ?g WHERE {{
      GRAPH ?g {{ ?m a mokg:Model ; mokg:finetunedFrom ?p }} FILTER NOT EXISTS {{ ?x mokg:derivedFrom ?m }}
    }} ORDER BY DESC(?g = <{BASE}{OWN_GRAPH}>) ?m LIMIT 1"""
    row = next(iter(store.query(query)))
    return row["m"].value, row["g"].value


def _own_graph(store: EmbeddedStore, model: str, graph: str, target: str, label: str | None) -> None:
    """Move ``model``'s triples and its components' (``{model}#…``) from ``graph`` to ``target``, named ``label``."""
    triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    mine, rest = [], []
    for t in triples:
        subject = t.subject.value
        ours = subject == model or subject.startswith(f"{model}#")
        obj = (
            ox.Literal(label, language="en")
            if ours and label and subject == model and t.predicate == LABEL
            else t.object
        )
        (mine if ours else rest).append((t.subject, t.predicate, obj))
    if graph != target:
        store.replace_graph(ox.NamedNode(graph), [ox.Quad(*t, ox.NamedNode(graph)) for t in rest])
    store.replace_graph(ox.NamedNode(target), [ox.Quad(*t, ox.NamedNode(target)) for t in mine])


def _full(store: Store, args: argparse.Namespace, context: dict, sources: dict[str, str]) -> None:
    """The full build, timed, and what it says of a million models."""
    if args.out.exists():
        shutil.rmtree(args.out)
    cpu, started = cpu_seconds(), time.monotonic()
    report = build(
        store, args.out, base_iri=BASE, context=context, page_size=args.page_size, sources=sources,
        workers=args.workers,
    )  # fmt: skip
    seconds, cpu = time.monotonic() - started, cpu_seconds() - cpu
    models = max(report.kinds.get("model", 0), 1)
    print(f"full build     {report.summary()}")
    print(f"  pages/s      {report.pages / seconds:.1f} ({1000 * cpu / report.pages:.1f} ms of CPU a page)")
    print(f"  peak RSS     {_peak_mib():.0f} MiB (builder or one worker)")
    print(f"  largest      {report.largest[0]}, {report.largest[1] / 1024:.0f} KB")
    scale = 1_000_000 / models
    print(
        f"  1M models    ~{seconds * scale / 60:.0f} min at this rate; ~{cpu * scale / 2 / 60:.0f} min of 2 busy cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True, help="the generated root the store was loaded from")
    parser.add_argument("--store", type=Path, required=True, help="the store `mokg load --store` wrote")
    parser.add_argument("--out", type=Path, required=True, help="the site folder (replaced)")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=None, help="record page processes (default: one per core)")
    parser.add_argument("--in-place", action="store_true", help="change the store itself instead of a copy")
    parser.add_argument("--skip-full", action="store_true", help="only the incremental build, on --out as it is")
    args = parser.parse_args()

    context = load_context(args.root)
    own = f"{BASE}{OWN_GRAPH}"
    with tempfile.TemporaryDirectory(prefix="mokg-site-bench-", dir=args.store.parent) as folder:
        location = args.store if args.in_place else Path(folder) / "store"
        if not args.in_place:
            shutil.copytree(args.store, location)
        store = EmbeddedStore(location)
        model, graph = _leaf_model(store)
        _own_graph(store, model, graph, own, label=None)
        store.close()
        sources = source_digests((f.graph.value, f.path) for f in discover(args.root, BASE)) | {own: "1"}
        if not args.skip_full:
            _full(connect(str(location), read_only=True), args, context, sources)

        store = EmbeddedStore(location)
        first = next(iter(store.query(f"SELECT ?l WHERE {{ <{model}> rdfs:label ?l }}")))["l"].value
        _own_graph(store, model, own, own, label=f"{first} (renamed)")
        store.close()
        started = time.monotonic()
        report = build(
            connect(str(location), read_only=True), args.out, base_iri=BASE, context=context,
            page_size=args.page_size, sources=sources | {own: "2"}, workers=args.workers,
        )  # fmt: skip
        seconds = time.monotonic() - started
        print(f"incremental    {report.summary()}")
        print(
            f"  {report.mode}: {report.rendered} pages rendered in {seconds:.2f} s ({model.removeprefix(BASE)} renamed)"
        )
        if args.in_place:  # its own name again, for the next run
            store = EmbeddedStore(location)
            _own_graph(store, model, own, own, label=first)
            store.close()


if __name__ == "__main__":
    main()
