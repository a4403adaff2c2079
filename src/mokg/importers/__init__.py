"""Importers: openness data others publish, turned into mokg records.

Each importer module (``hf``, ``osai``, ``mot``) exposes one function with one signature,
``read(paths, context) -> ImportResult`` (see :mod:`mokg.importers.base`), registered in
:data:`IMPORTERS`; :func:`mokg.importers.base.write` turns any result into Turtle files in the
layout of ``data/``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from mokg.importers.base import ImportContext, ImportResult

__all__ = ["IMPORTERS", "importer"]

#: Format name (as in ``mokg import FORMAT``) → module holding its ``read`` function.
IMPORTERS: dict[str, str] = {
    "hf": "mokg.importers.hf",
    "osai": "mokg.importers.osai",
    "mot": "mokg.importers.mot",
}


def importer(name: str) -> Callable[[Sequence[Path], ImportContext], ImportResult]:
    """The ``read`` function of an importer, by format name."""
    return import_module(IMPORTERS[name]).read
