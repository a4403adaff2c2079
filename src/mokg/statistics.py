"""What a loaded graph holds, counted once, when it is loaded, and kept in the store.

VoID's statistics of the union graph (triples, entities, distinct subjects and objects,
classes, properties, one class partition per mokg class, examples, sources, vocabularies) are
SPARQL aggregates over the whole graph: seconds for the bundled graph, minutes for a million
models. :func:`record` computes them at load time into the graph
``{base}graph/derived/statistics``; :func:`recorded` reads them back, which the service does at
start instead of recounting (``/void``, ``/stats`` and ``/health`` then cost a lookup).
"""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pyoxigraph as ox

from mokg.rules import provenance
from mokg.store import Store
from mokg.vocab import DERIVED_GRAPHS, MOKG, PREFIXES, VOID

__all__ = [
    "DATA_LICENSE",
    "STATISTICS_GRAPH",
    "dataset_iri",
    "record",
    "recorded",
    "source_details",
    "void_statistics",
]

#: The licence of mokg's data (CC-BY-4.0).
DATA_LICENSE = "http://spdx.org/licenses/CC-BY-4.0"

#: The graph, under the base IRI, of the recorded statistics.
STATISTICS_GRAPH = f"{DERIVED_GRAPHS}statistics"


def dataset_iri(base_iri: str) -> str:
    """The IRI of the living mokg dataset in its VoID description: ``{base}void#dataset``."""
    return f"{base_iri}void#dataset"


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(f"{PREFIXES['xsd']}integer"))


def _counts(store: Store, query: str) -> dict[str, int]:
    """The integers of the single row an aggregate query answers, by variable name."""
    solutions = store.query(query)
    row = next(iter(solutions))
    return {variable.value: int(row[variable].value) for variable in solutions.variables}


def _totals(store: Store, properties: set[ox.Term]) -> dict[str, int]:
    """VoID's counts of the union graph's triples and distinct subjects and objects.

    Each query names its graphs (``GRAPH ?g``): the union default graph and per-quad string
    tests (``STR(?s)``) cost several times more on disk. A triple in two graphs is one triple
    of the union, so the triples are counted distinct, one property at a time: the engine
    holds the distinct (subject, object) pairs of one property at once, not every distinct
    triple of the graph (which held about 15 GB of the 17.6 GB a million models' load peaked
    at; at 100,000 models 219 MB instead of 2.0 GB, and 13 s instead of 18).
    """
    triples = sum(
        _counts(
            store, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ GRAPH ?g {{ ?s {p} ?o }} }} }}"
        )["n"]
        for p in sorted(properties, key=str)
    )
    counts = _counts(
        store,
        "SELECT (COUNT(DISTINCT ?s) AS ?distinctSubjects) (COUNT(DISTINCT ?o) AS ?distinctObjects) "
        "WHERE { GRAPH ?g { ?s ?p ?o } }",
    )
    return {"triples": triples, **counts}


def _entities(store: Store, base_iri: str) -> int:
    """The distinct subjects that are IRIs under the base, counted here from the engine's distinct subjects."""
    subjects = store.query("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }")
    return sum(1 for row in subjects if isinstance(row[0], ox.NamedNode) and row[0].value.startswith(base_iri))


def _used_terms(store: Store) -> tuple[set[ox.Term], set[ox.Term]]:
    """The distinct properties and classes (objects of ``rdf:type``) of the graph."""
    properties = {row[0] for row in store.query("SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }")}
    classes = {row[0] for row in store.query("SELECT DISTINCT ?c WHERE { GRAPH ?g { ?s a ?c } }")}
    return properties, classes


def _vocabularies(terms: set[ox.Term]) -> list[str]:
    """The known vocabularies (:data:`mokg.vocab.PREFIXES`) of ``terms`` (the properties and classes used)."""
    used = {term.value for term in terms if isinstance(term, ox.NamedNode)}
    known = sorted(set(PREFIXES.values()), key=len, reverse=True)
    found = set()
    for term in used:
        for namespace in known:
            if term.startswith(namespace):
                found.add(namespace)
                break
    return sorted(found)


def _examples(store: Store) -> list[str]:
    examples = []
    for cls in ("Model", "Dataset"):
        rows = list(store.query(f"SELECT ?e WHERE {{ ?e a mokg:{cls} FILTER(isIRI(?e)) }} ORDER BY ?e LIMIT 1"))
        examples.extend(row["e"].value for row in rows)
    return examples


_SOURCES = """SELECT ?source ?label ?citation ?license WHERE {
  ?source a mokg:Source ; rdfs:label ?label .
  OPTIONAL { ?source dcterms:bibliographicCitation ?citation }
  OPTIONAL { ?source dcterms:license ?license } }"""


def source_details(store: Store) -> list[ox.Triple]:
    """The sources the graph quotes or imports (articles, the Index, the Tool…) with their citations.

    Not recorded with the statistics: copies of the sources' own triples in another graph would
    be seen twice by every query over the union of the graphs.
    """
    triples = []
    for row in store.query(_SOURCES):
        source = row["source"]
        triples.append(ox.Triple(source, ox.NamedNode(f"{PREFIXES['rdfs']}label"), row["label"]))
        for name, term in (("bibliographicCitation", row["citation"]), ("license", row["license"])):
            if term is not None:
                triples.append(ox.Triple(source, ox.NamedNode(f"{PREFIXES['dcterms']}{name}"), term))
    return triples


def void_statistics(store: Store, base_iri: str) -> list[ox.Triple]:
    """What VoID says of the living graph's content: statistics, class partitions, examples, sources, vocabularies.

    Every statistic is a SPARQL aggregate over the whole graph: compute this once per load,
    not per request, and pass it to :func:`void_description`.
    """
    dataset = ox.NamedNode(dataset_iri(base_iri))
    void = VOID.__getitem__

    # The engine evaluates a query without holding the interpreter: the costly counts run side by side.
    with ThreadPoolExecutor(max_workers=2) as pool:
        used = pool.submit(_used_terms, store)
        entities = pool.submit(_entities, store, base_iri)
        partitions = pool.submit(store.class_counts)
        properties, classes = used.result()
        totals = _totals(store, properties)  # per property: once the properties are known
        counts = {**totals, "entities": entities.result(), "properties": len(properties)}
        counts["classes"] = len(classes)
    triples = [ox.Triple(dataset, void(name), _integer(value)) for name, value in counts.items()]
    for cls, count in partitions.result().items():
        partition = ox.NamedNode(f"{base_iri}void#class-{cls.removeprefix(str(MOKG))}")
        triples += [
            ox.Triple(dataset, void("classPartition"), partition),
            ox.Triple(partition, void("class"), ox.NamedNode(cls)),
            ox.Triple(partition, void("entities"), _integer(count)),
        ]
    for example in _examples(store):
        triples.append(ox.Triple(dataset, void("exampleResource"), ox.NamedNode(example)))
    source = ox.NamedNode(f"{PREFIXES['dcterms']}source")
    triples += [ox.Triple(dataset, source, row["source"]) for row in store.query(_SOURCES)]
    for vocabulary in _vocabularies(properties | classes):
        triples.append(ox.Triple(dataset, void("vocabulary"), ox.NamedNode(vocabulary)))
    return triples


def record(store: Store, base_iri: str) -> None:
    """Compute :func:`void_statistics` and keep them in the store's statistics graph (replacing it)."""
    graph = ox.NamedNode(f"{base_iri}{STATISTICS_GRAPH}")
    made_by = provenance(graph, ox.NamedNode(f"{base_iri}void"), ox.NamedNode(f"{PREFIXES['prov']}Plan"), _now())
    with tempfile.TemporaryFile() as buffer:
        ox.serialize(void_statistics(store, base_iri) + made_by, buffer, format=ox.RdfFormat.N_TRIPLES)
        buffer.seek(0)
        store.write_graph(graph, buffer)


def recorded(store: Store, base_iri: str) -> list[ox.Triple] | None:
    """The statistics :func:`record` kept (what :func:`void_statistics` gave then), or ``None`` when there are none."""
    graph = ox.NamedNode(f"{base_iri}{STATISTICS_GRAPH}")
    made_by = {graph.value, f"{graph.value}#run", f"{base_iri}void"}
    triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return [t for t in triples if t.subject.value not in made_by] or None


def _now() -> datetime:
    return datetime.now(UTC)
