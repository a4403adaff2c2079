"""Build the published graph: the root's files into a store, then the derived facts.

This is the one place that decides what "loading mokg" means, for the CLI, the service and
the tests alike: ontology, shapes and data parsed all-or-nothing (:mod:`mokg.loader`), swapped
into the store (:mod:`mokg.store`), then every rule materialized (:mod:`mokg.rules`), the
validation results recorded (:mod:`mokg.validation`), so that records show them, and last a
*load mark* (:data:`LOAD_GRAPH`): a store without it is a load that did not finish, and is
never served.

A store folder is loaded atomically: the new store is built beside it and renamed into place,
so a load that is killed leaves the old store (or, killed between the two renames, none), never
half a store.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from mokg import __version__
from mokg.config import Settings
from mokg.errors import ConfigError, MokgError
from mokg.loader import SourceFile, discover, load_files
from mokg.rules import provenance, run_rules
from mokg.store import EmbeddedStore, Store
from mokg.validation import VALIDATION_GRAPH, Validator, result_triples
from mokg.vocab import PREFIXES

PROV = PREFIXES["prov"]

#: The graph, under the base IRI, that marks a finished load (written last). Under the derived
#: graphs: like the validation results, it is made by mokg, not asserted by a data file.
LOAD_GRAPH = "graph/derived/load"

__all__ = ["LOAD_GRAPH", "IncompleteStore", "connect", "is_complete", "load_graph", "open_store", "publish"]


class IncompleteStore(MokgError):
    """A store that a load did not finish (or never wrote): serving it would serve half a graph."""


def open_store(settings: Settings, *, load: bool = True) -> Store:
    """The store the settings name, loaded with the root's files and the derived facts.

    With ``load=False`` it serves what a store already holds, once checked complete: an
    on-disk store is then opened read-only.
    """
    if not settings.store:
        store: Store = EmbeddedStore()
        publish(store, settings)
        return store
    if load:
        return load_graph(settings)
    store = connect(settings.store, read_only=True)
    if not is_complete(store, settings.base_iri):
        raise IncompleteStore(
            f"store {settings.store} holds no finished load (an interrupted `mokg load`?): "
            f"run `mokg load --store {settings.store}`"
        )
    return store


def load_graph(settings: Settings) -> Store:
    """Load the root's files into the store the settings name (in memory when none); the loaded store.

    A store folder is built beside the old one and swapped in (see the module); a remote store
    is replaced in place, its load mark written last.
    """
    if settings.store and not settings.store.startswith(("http://", "https://")):
        folder = Path(settings.store)
        _load_folder(settings, folder)
        return EmbeddedStore(folder, read_only=True)
    store = connect(settings.store) if settings.store else EmbeddedStore()
    publish(store, settings)
    return store


def publish(store: Store, settings: Settings) -> list[SourceFile]:
    """Load the root's files into ``store``, replacing its content, then derive, validate and mark it loaded.

    Parsing comes first and all or nothing: a bad file raises and leaves the store as it was.
    Returns the files loaded.
    """
    files = discover(settings.root, settings.base_iri)
    quads = load_files(files, settings.base_iri)
    store.replace(quads)  # drops the old load mark first: from here on, the store is incomplete
    run_rules(store, settings.base_iri)
    record_validation(store, files, quads, settings.base_iri)
    mark = ox.NamedNode(f"{settings.base_iri}{LOAD_GRAPH}")
    made_by = provenance(mark, ox.NamedNode(f"{settings.base_iri}data"), ox.NamedNode(f"{PROV}Plan"), _now())
    label = ox.Triple(mark, ox.NamedNode(f"{PREFIXES['rdfs']}label"), ox.Literal(f"loaded by mokg {__version__}"))
    store.replace_graph(mark, [ox.Quad(t.subject, t.predicate, t.object, mark) for t in [*made_by, label]])
    return files


def is_complete(store: Store, base_iri: str) -> bool:
    """Whether ``store`` holds a finished load (its load mark)."""
    mark = ox.NamedNode(f"{base_iri}{LOAD_GRAPH}")
    return bool(store.query(f"ASK {{ GRAPH {mark} {{ {mark} prov:wasGeneratedBy ?run }} }}"))


def _now() -> datetime:
    return datetime.now(UTC)


def record_validation(store: Store, files: list[SourceFile], quads: list[ox.Quad], base_iri: str) -> None:
    """Check the loaded graph's claims and keep the results in the store, so records can show them.

    Only the SPARQL-based shapes run here (every claim rule, and the SPARQL warnings on
    components): they take about a second on the bundled graph, where pyshacl's SHACL Core
    checks of every record take ten. Those structural checks are `mokg validate`'s job, run in CI.
    """
    shapes = {f.graph for f in files if f.graph.value.startswith(f"{base_iri}graph/shapes/")}
    validator = Validator.from_quads([q for q in quads if q.graph_name in shapes])
    report = validator.validate([q for q in quads if q.graph_name not in shapes], core=False)
    graph = ox.NamedNode(f"{base_iri}{VALIDATION_GRAPH}")
    made_by = provenance(graph, ox.NamedNode(f"{base_iri}shapes"), ox.NamedNode(f"{PROV}Plan"), _now())
    triples = result_triples(report) + made_by
    store.replace_graph(graph, [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])


def connect(location: str, *, read_only: bool = False) -> Store:
    """The store at ``location``: an on-disk folder, or the URL of a remote SPARQL store.

    A folder opened ``read_only`` must exist and hold an Oxigraph store.
    """
    if location.startswith(("http://", "https://")):
        from mokg.remote import RemoteStore  # only deployments with a remote store need it

        return RemoteStore.for_oxigraph(location)
    folder = Path(location)
    if read_only and not folder.is_dir():
        leftovers = sorted(p.name for p in folder.parent.glob(f"{folder.name}.old-*"))
        hint = f" ({', '.join(leftovers)} is what an interrupted load left)" if leftovers else ""
        raise IncompleteStore(f"no store at {folder}{hint}: run `mokg load --store {folder}`")
    try:
        return EmbeddedStore(folder, read_only=read_only)
    except OSError as error:
        raise ConfigError(f"{folder} cannot be opened as a store: {error}") from None


# --------------------------------------------------------------------------------------------
# Atomic loads of a store folder
# --------------------------------------------------------------------------------------------


def _is_store_folder(folder: Path) -> bool:
    """An Oxigraph (RocksDB) store folder, or an empty one: what a load may replace."""
    names = {p.name for p in folder.iterdir()}
    return not names or "CURRENT" in names


def _load_folder(settings: Settings, folder: Path) -> None:
    """Build the store in ``{folder}.partial-{pid}``, then swap it in for ``folder`` (see the module).

    One load at a time per folder (``{folder}.lock``). What an earlier, killed load left is
    cleaned first; an old store it had moved aside is moved back if ``folder`` is missing.
    """
    folder = folder.resolve()
    if folder.exists() and not (folder.is_dir() and _is_store_folder(folder)):
        raise ConfigError(f"{folder} exists and is not an Oxigraph store folder: mokg will not replace it")
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_name(f"{folder.name}.lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise MokgError(f"another `mokg load` is writing {folder}: wait for it to end") from None
        for partial in folder.parent.glob(f"{folder.name}.partial-*"):
            shutil.rmtree(partial, ignore_errors=True)
        for old in sorted(folder.parent.glob(f"{folder.name}.old-*")):
            if not folder.exists():
                os.rename(old, folder)
            else:
                shutil.rmtree(old, ignore_errors=True)
        partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
        try:
            store = EmbeddedStore(partial)
            publish(store, settings)
            store.close()
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        old = folder.with_name(f"{folder.name}.old-{os.getpid()}")
        if folder.exists():
            os.rename(folder, old)
        os.rename(partial, folder)
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(old)
