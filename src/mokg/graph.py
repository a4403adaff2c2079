"""Build the published graph: the root's files into a store, then the derived facts.

This is the one place that decides what "loading mokg" means, for the CLI, the service and
the tests alike: ontology, shapes and data parsed all-or-nothing (:mod:`mokg.loader`), swapped
into the store (:mod:`mokg.store`), then every rule materialized (:mod:`mokg.rules`).
"""

from __future__ import annotations

from mokg.config import Settings
from mokg.loader import discover, load_files
from mokg.rules import run_rules
from mokg.store import EmbeddedStore, Store

__all__ = ["open_store"]


def open_store(settings: Settings, *, load: bool = True) -> Store:
    """The store the settings name, with the root's files and the derived facts loaded into it.

    With ``load=False`` it serves what an on-disk store already holds.
    """
    store = EmbeddedStore(settings.store)
    if load:
        store.replace(load_files(discover(settings.root, settings.base_iri), settings.base_iri))
        run_rules(store, settings.base_iri)
    return store
