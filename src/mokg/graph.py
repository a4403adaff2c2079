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
import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from mokg import __version__, statistics
from mokg.config import Settings
from mokg.errors import ConfigError, MokgError
from mokg.loader import SourceFile, discover
from mokg.releases import write_store_dumps
from mokg.rules import provenance, run_rules
from mokg.snapshot import Journal
from mokg.store import EmbeddedStore, Stats, Store
from mokg.vocab import MOKG, PREFIXES, VOID

PROV = PREFIXES["prov"]
_INTEGER = ox.NamedNode(f"{PREFIXES['xsd']}integer")

#: The graph, under the base IRI, that marks a finished load (written last). Under the derived
#: graphs: like the validation results, it is made by mokg, not asserted by a data file.
LOAD_GRAPH = "graph/derived/load"

__all__ = [
    "LOAD_GRAPH",
    "LOAD_LOG",
    "IncompleteStore",
    "cache_folder",
    "cached_store",
    "connect",
    "fingerprint",
    "is_complete",
    "load_graph",
    "loaded_stats",
    "open_store",
    "phase",
    "publish",
]


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
    if settings.store_engine == "virtuoso":
        raise ConfigError(
            "mokg does not load onto Virtuoso: version 7.2.5 does not check the graph as the "
            "embedded store does (see docs/deploy.md): the graph's checks could not be recorded"
        )
    files = discover(settings.root, settings.base_iri)
    with phase("parse and store"):
        store.load(files, settings.base_iri)  # drops the old load mark first: from here on, the store is incomplete
    with phase("rules"):
        run_rules(store, settings.base_iri)
    with phase("validation"):
        record_validation(store, settings.base_iri)
    with phase("statistics"):
        statistics.record(store, settings.base_iri)
    with phase("load mark"):
        _mark(store, settings.base_iri, fingerprint(files, settings))
    return files


#: Where a load reports the time of each step (``mokg load`` prints them; the benchmarks read them).
LOAD_LOG = logging.getLogger("mokg.load")


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    """Time one step of a load and report it on :data:`LOAD_LOG` as ``name: 1.2 s``."""
    started = time.perf_counter()
    yield
    LOAD_LOG.info("%s: %.1f s", name, time.perf_counter() - started)


def _mark(store: Store, base_iri: str, source_fingerprint: str) -> None:
    """Write the load mark, last: provenance, the sources' fingerprint and the store's counts.

    The counts include the mark itself (its triples are counted before they are written and
    added), so that what a server reads back equals what :meth:`Store.stats` would count.
    """
    mark = ox.NamedNode(f"{base_iri}{LOAD_GRAPH}")
    facts = [
        *provenance(mark, ox.NamedNode(f"{base_iri}data"), ox.NamedNode(f"{PROV}Plan"), _now()),
        ox.Triple(mark, ox.NamedNode(f"{PREFIXES['rdfs']}label"), ox.Literal(f"loaded by mokg {__version__}")),
        ox.Triple(mark, MOKG.sourceFingerprint, ox.Literal(source_fingerprint)),
    ]
    quads, graphs, derived = store.quad_counts()  # the entities per class are the statistics' (recorded)
    size = len(facts) + 3  # and the three counts
    counts = {"quadCount": quads + size, "derivedQuadCount": derived + size, "graphCount": graphs + 1}
    facts += [ox.Triple(mark, MOKG[name], ox.Literal(str(value), datatype=_INTEGER)) for name, value in counts.items()]
    store.replace_graph(mark, [ox.Quad(t.subject, t.predicate, t.object, mark) for t in facts])


def fingerprint(files: list[SourceFile], settings: Settings) -> str:
    """What identifies the sources of a load: their paths, sizes and modification times, base IRI, mokg version.

    The same files, untouched, give the same fingerprint (a ``make``-style check: an edit
    changes the modification time).
    """
    digest = hashlib.sha256(f"{__version__}\n{settings.base_iri}\n".encode())
    for source in files:
        stat = source.path.stat()
        digest.update(f"{source.graph.value}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def cached_store(settings: Settings) -> Store:
    """The store a command reads when it names none: the root's graph kept on disk in the cache folder.

    Reused as long as the sources' fingerprint is the one it was loaded from (``mokg query`` on
    unchanged data opens it in a fraction of a second instead of loading for seconds); loaded
    again, atomically, when a file changed. Two commands that find it stale at once load it once.
    """
    folder = cache_folder(settings)
    current = fingerprint(discover(settings.root, settings.base_iri), settings)
    if _fingerprint_of(folder, settings.base_iri) != current:
        _load_folder(settings, folder, unless=current)
    return EmbeddedStore(folder, read_only=True)


def cache_folder(settings: Settings) -> Path:
    """Where the cached store of the settings' root and base IRI lives, under ``settings.cache_dir``."""
    key = hashlib.sha256(f"{settings.root.resolve()}\n{settings.base_iri}".encode()).hexdigest()[:16]
    return settings.cache_dir / key


def _fingerprint_of(folder: Path, base_iri: str) -> str | None:
    """The sources fingerprint of the finished load in the store folder, if there is one."""
    if not folder.is_dir():
        return None
    try:
        store = EmbeddedStore(folder, read_only=True)
    except OSError:
        return None
    mark = ox.NamedNode(f"{base_iri}{LOAD_GRAPH}")
    rows = list(store.query(f"SELECT ?f WHERE {{ GRAPH {mark} {{ {mark} mokg:sourceFingerprint ?f }} }}"))
    return rows[0]["f"].value if rows else None


def loaded_stats(store: Store, base_iri: str) -> Stats:
    """The counts the load recorded, read back in a few lookups; counted now if it recorded none."""
    return _recorded_stats(store, base_iri) or store.stats()


def _recorded_stats(store: Store, base_iri: str) -> Stats | None:
    """The counts the load recorded (the load mark's, the classes of the recorded VoID partitions), or ``None``."""
    mark = ox.NamedNode(f"{base_iri}{LOAD_GRAPH}")
    rows = list(
        store.query(
            f"SELECT ?quads ?derived ?graphs WHERE {{ GRAPH {mark} {{ {mark} mokg:quadCount ?quads ; "
            "mokg:derivedQuadCount ?derived ; mokg:graphCount ?graphs } }"
        )
    )
    void = statistics.recorded(store, base_iri)
    if len(rows) != 1 or void is None:
        return None
    partitions: dict[str, dict[str, str]] = {}
    for triple in void:
        if triple.predicate in (VOID["class"], VOID.entities) and "#class-" in triple.subject.value:
            partitions.setdefault(triple.subject.value, {})[triple.predicate.value] = triple.object.value
    classes = {
        row[VOID["class"].value].removeprefix(str(MOKG)): int(row[VOID.entities.value])
        for row in sorted(partitions.values(), key=lambda row: row[VOID["class"].value])
    }
    row = rows[0]
    return Stats(int(row["quads"].value), int(row["graphs"].value), int(row["derived"].value), classes)


def is_complete(store: Store, base_iri: str) -> bool:
    """Whether ``store`` holds a finished load (its load mark)."""
    mark = ox.NamedNode(f"{base_iri}{LOAD_GRAPH}")
    return bool(store.query(f"ASK {{ GRAPH {mark} {{ {mark} prov:wasGeneratedBy ?run }} }}"))


def _now() -> datetime:
    return datetime.now(UTC)


def record_validation(store: Store, base_iri: str) -> None:
    """Check the loaded graph's claims and keep the results in the store, so records can show them.

    The shapes run over the store itself (compiled to SPARQL by :mod:`mokg.shacl`): the graph is
    never copied out of it.
    """
    # Imported here: the validation stack (rdflib among it) takes time to import, which `mokg query` need not pay.
    from mokg.validation import VALIDATION_GRAPH, Validator, result_triples

    validator = Validator.from_quads(store.graphs_under(f"{base_iri}graph/shapes/"))
    report = validator.validate_store(store)
    graph = ox.NamedNode(f"{base_iri}{VALIDATION_GRAPH}")
    made_by = provenance(graph, ox.NamedNode(f"{base_iri}shapes"), ox.NamedNode(f"{PROV}Plan"), _now())
    with tempfile.TemporaryFile() as buffer:
        ox.serialize(result_triples(report) + made_by, buffer, format=ox.RdfFormat.N_TRIPLES)
        buffer.seek(0)
        store.write_graph(graph, buffer)


def connect(location: str, *, read_only: bool = False) -> Store:
    """The store at ``location``: an on-disk folder, or the URL of a remote SPARQL store.

    A folder opened ``read_only`` must exist and hold an Oxigraph store.
    """
    if location.startswith(("http://", "https://")):
        from mokg.remote import RemoteStore  # only deployments with a remote store need it

        return RemoteStore.for_url(location)
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


def _load_folder(settings: Settings, folder: Path, *, unless: str | None = None) -> None:
    """Build the store in ``{folder}.partial-{pid}``, then swap it in for ``folder`` (see the module).

    One load at a time per folder (``{folder}.lock``). With ``unless`` (a sources fingerprint),
    wait for another load instead of failing, and do nothing if the folder then holds a load of
    those sources. What an earlier, killed load left is cleaned first; an old store it had
    moved aside is moved back if ``folder`` is missing.
    """
    folder = folder.resolve()
    if folder.exists() and not (folder.is_dir() and _is_store_folder(folder)):
        raise ConfigError(f"{folder} exists and is not an Oxigraph store folder: mokg will not replace it")
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_name(f"{folder.name}.lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if unless else fcntl.LOCK_NB))
        except BlockingIOError:
            raise MokgError(f"another `mokg load` is writing {folder}: wait for it to end") from None
        if unless is not None and _fingerprint_of(folder, settings.base_iri) == unless:
            return
        for partial in folder.parent.glob(f"{folder.name}.partial-*"):
            shutil.rmtree(partial, ignore_errors=True)
        for old in sorted(folder.parent.glob(f"{folder.name}.old-*")):
            if not folder.exists():
                os.rename(old, folder)
            else:
                shutil.rmtree(old, ignore_errors=True)
        partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
        try:
            partial.mkdir()
            with Journal(partial) as journal:  # the dumps' quads, kept as they are written (mokg.snapshot)
                store = EmbeddedStore(partial, journal=journal)
                publish(store, settings)
                with phase("dumps"):
                    write_store_dumps(store)  # swapped in with the store: a service over it serves them at once
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
