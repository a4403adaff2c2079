"""Build the published graph: the root's files into a store, then the derived facts.

This is the one place that decides what "loading mokg" means, for the CLI, the service and
the tests alike: ontology, shapes and data parsed all-or-nothing (:mod:`mokg.loader`), swapped
into the store (:mod:`mokg.store`), then every rule materialized (:mod:`mokg.rules`) and the
validation results recorded (:mod:`mokg.validation`), so that records show them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from mokg.config import Settings
from mokg.loader import SourceFile, discover, load_files
from mokg.rules import provenance, run_rules
from mokg.store import EmbeddedStore, Store
from mokg.validation import VALIDATION_GRAPH, Validator, result_triples
from mokg.vocab import PREFIXES

PROV = PREFIXES["prov"]

__all__ = ["connect", "open_store", "publish", "record_validation"]


def open_store(settings: Settings, *, load: bool = True) -> Store:
    """The store the settings name, with the root's files and the derived facts loaded into it.

    With ``load=False`` it serves what an on-disk store already holds.
    """
    store = connect(settings.store) if settings.store else EmbeddedStore()
    if load:
        publish(store, settings)
    return store


def publish(store: Store, settings: Settings) -> list[SourceFile]:
    """Load the root's files into ``store``, replacing its content, then derive and validate.

    Parsing comes first and all or nothing: a bad file raises and leaves the store as it was.
    Returns the files loaded.
    """
    files = discover(settings.root, settings.base_iri)
    quads = load_files(files, settings.base_iri)
    store.replace(quads)
    run_rules(store, settings.base_iri)
    record_validation(store, files, quads, settings.base_iri)
    return files


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
    made_by = provenance(graph, ox.NamedNode(f"{base_iri}shapes"), ox.NamedNode(f"{PROV}Plan"), datetime.now(UTC))
    triples = result_triples(report) + made_by
    store.replace_graph(graph, [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])


def connect(location: str, *, read_only: bool = False) -> Store:
    """The store at ``location``: an on-disk folder, or the URL of a remote SPARQL store."""
    if location.startswith(("http://", "https://")):
        from mokg.remote import RemoteStore  # only deployments with a remote store need it

        return RemoteStore.for_oxigraph(location)
    return EmbeddedStore(Path(location), read_only=read_only)
