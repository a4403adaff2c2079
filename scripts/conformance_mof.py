#!/usr/bin/env python3
"""Check mokg's MOF evaluation against the Model Openness Tool's own test cases.

Usage: ``python scripts/conformance_mof.py DIR`` (DIR: the Tool's ``test-cases`` folder).

Each test file's name encodes the expected progress (``_C1_{pct}%-C2_{pct}%-C3_{pct}%_...``). The
names come from an older generator; the Tool's own harness reads them as it reports progress: the
expected Class II share holds only when Class III is 100 %, Class I only when Classes II and III
are both 100 %, else it expects 0. Prints expected against computed per file and the tally; exits
0 when every file reproduces.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from mokg.importers.mot import evaluate, load_framework

NAME = re.compile(r"_C1_(\d+)%-C2_(\d+)%-C3_(\d+)%")


@dataclass(frozen=True)
class Case:
    """One test file: its expected and computed progress, Classes I, II, III, in whole per cent."""

    file: str
    expected: tuple[int, int, int]
    computed: tuple[int, int, int]

    @property
    def reproduces(self) -> bool:
        return self.expected == self.computed


def expected(name: str) -> tuple[int, int, int]:
    """Expected (C1, C2, C3) from a file name, read as the Tool's harness reads it."""
    found = NAME.search(name)
    if not found:
        raise ValueError(f"no _C1_…%-C2_…%-C3_…% in {name!r}")
    c1, c2, c3 = (int(group) for group in found.groups())
    return (c1 if c2 == c3 == 100 else 0, c2 if c3 == 100 else 0, c3)


def run(folder: Path) -> list[Case]:
    """Evaluate every test file of ``folder``."""
    framework = load_framework()
    cases = []
    for path in sorted(folder.glob("*.y*ml")):
        release = yaml.safe_load(path.read_text(encoding="utf-8"))["release"]
        result = evaluate(release, framework)
        cases.append(Case(path.name, expected(path.name), (result.percent(1), result.percent(2), result.percent(3))))
    return cases


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    cases = run(Path(args[0]))
    width = max((len(case.file) for case in cases), default=4)
    print(f"{'file':<{width}}  expected C1/C2/C3  computed C1/C2/C3")
    for case in cases:
        shares = ["/".join(f"{v}%" for v in values) for values in (case.expected, case.computed)]
        print(f"{case.file:<{width}}  {shares[0]:<17}  {shares[1]:<17}  {'ok' if case.reproduces else 'DIFFERS'}")
    good = sum(case.reproduces for case in cases)
    print(f"{good} of {len(cases)} reproduce")
    return 0 if cases and good == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
