"""Exporters: a model of the graph written back in a source's own format, so corrections can go upstream.

Each exporter module (``mot``, ``osai``) exposes one function with one signature,
``export(store, slug, base_iri) -> Export``: the model ``model/{slug}`` as a file of that source
(the Model Openness Tool's model file, the Open Source AI Index's entry) and the name the source
keeps that file under, raising :class:`~mokg.citation.UnknownRecord` for a slug that names no
model. :func:`mokg.exporters.base.to_yaml` writes it as the sources write their files. They are
the importers (:mod:`mokg.importers`) read backwards, and share their tables; what they export,
and why, is in their docstrings and in ``docs/importers.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry is read by the command line's parser: importing it costs nothing
    from mokg.exporters.base import Export
    from mokg.store import Store

__all__ = ["EXPORTERS", "exporter"]

#: Format name (as in ``mokg export FORMAT``) → module holding its ``export`` function.
EXPORTERS: dict[str, str] = {
    "mot": "mokg.exporters.mot",
    "osai": "mokg.exporters.osai",
}


def exporter(name: str) -> Callable[[Store, str, str], Export]:
    """The ``export`` function of an exporter, by format name."""
    return import_module(EXPORTERS[name]).export
