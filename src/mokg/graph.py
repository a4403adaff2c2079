"""Build the published graph: the root's files into a store, then the derived facts.

This is the one place that decides what "loading mokg" means, for the CLI, the service and
the tests alike: ontology, shapes and data parsed all-or-nothing (:mod:`mokg.loader`), swapped
into the store (:mod:`mokg.store`), then every rule materialized (:mod:`mokg.rules`).
"""

from __future__ import annotations

from pathlib import Path

from mokg.config import Settings
from mokg.loader import discover, load_files
from mokg.rules import run_rules
from mokg.store import EmbeddedStore, Store

__all__ = ["connect", "open_store"]


def open_store(settings: Settings, *, load: bool = True) -> Store:
    """The store the settings name, with the root's files and the derived facts loaded into it.

    With ``load=False`` it serves what an on-disk store already holds.
    """
    store = connect(settings.store) if settings.store else EmbeddedStore()
    if load:
        store.replace(load_files(discover(settings.root, settings.base_iri), settings.base_iri))
        run_rules(store, settings.base_iri)
    return store


def connect(location: str, *, read_only: bool = False) -> Store:
    """The store at ``location``: an on-disk folder, or the URL of a remote SPARQL store."""
    if location.startswith(("http://", "https://")):
        from mokg.remote import RemoteStore  # only deployments with a remote store need it

        return RemoteStore.for_oxigraph(location)
    return EmbeddedStore(Path(location), read_only=read_only)
