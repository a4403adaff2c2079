"""Time the dumps' four files written by two threads against two processes, on a loaded store.

Why: ``mokg.releases.make_dumps`` writes each file of a large graph (``_PROCESS_BYTES``) by a
Python process of its own, since pyoxigraph's Turtle and JSON-LD writers hold the interpreter
for every statement and two threads take turns. This script measures what that gains, on a
store ``mokg load --store`` built (read-only, left as it is):

    .venv/bin/python benchmarks/dumps.py --store /tmp/store-100k --rounds 2

The snapshot and its union graph are written once (read back from the store), then the four
files from them, alternately by threads (``_write_dump``) and by processes
(``_write_dump_apart``), two at a time as ``make_dumps`` does. Printed: wall and CPU seconds
(this process and its children) of each run. The run stops if the two ways write different bytes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from _service import cpu_seconds

from mokg import releases
from mokg.snapshot import write_snapshot
from mokg.store import EmbeddedStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a store folder `mokg load --store` wrote")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each way, alternated")
    args = parser.parse_args()
    store = EmbeddedStore(args.store, read_only=True)
    names = [name for name, *_ in releases._DUMP_FILES][::-1]  # as make_dumps orders them
    ways: dict[str, Callable[[Path, Path, str], tuple[str, int]]] = {
        "threads": releases._write_dump,
        "processes": releases._write_dump_apart,
    }
    with tempfile.TemporaryDirectory(prefix="mokg-dumps-", dir=args.store.parent) as temporary:
        work = Path(temporary)
        started = time.perf_counter()
        write_snapshot(store, work / "mokg.nq")
        releases._write_union(work / "mokg.nq", work / "mokg.nt")
        print(f"snapshot and union    {time.perf_counter() - started:7.1f} s (once)")
        written: dict[str, list[tuple[str, int]]] = {}
        for _ in range(args.rounds):
            for way, write in ways.items():
                out = work / way
                out.mkdir(exist_ok=True)
                cpu, started = cpu_seconds(), time.perf_counter()
                with ThreadPoolExecutor(max_workers=2) as pool:
                    written[way] = list(pool.map(partial(write, out, work), names))
                print(f"{way:20s}  {time.perf_counter() - started:7.1f} s wall {cpu_seconds() - cpu:7.1f} s CPU")
        if written["threads"] != written["processes"]:
            raise SystemExit("the two ways wrote different files")


if __name__ == "__main__":
    main()
