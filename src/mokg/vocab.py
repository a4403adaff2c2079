"""Namespaces and prefixes, defined once for the whole package."""

from __future__ import annotations

from pyoxigraph import NamedNode

__all__ = ["DERIVATION_WORDS", "DERIVED_GRAPHS", "MOKG", "PREFIXES", "VOID", "Namespace", "curie"]


class Namespace(str):
    """A namespace IRI; ``ns["term"]`` or ``ns.term`` gives the term's :class:`NamedNode`."""

    def __getitem__(self, local: str) -> NamedNode:  # type: ignore[override]
        return NamedNode(f"{self}{local}")

    def __getattr__(self, local: str) -> NamedNode:
        if local.startswith("__"):
            raise AttributeError(local)
        return self[local]


MOKG = Namespace("https://w3id.org/mokg/ontology#")
VOID = Namespace("http://rdfs.org/ns/void#")

#: Prefixes offered to every SPARQL query and used when serializing.
PREFIXES: dict[str, str] = {
    "mokg": str(MOKG),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "spdx": "http://spdx.org/licenses/",
    "sh": "http://www.w3.org/ns/shacl#",
}


def curie(iri: str) -> str:
    """``iri`` as a prefixed name of :data:`PREFIXES` (``mokg:Model``), else as it is: how people read a term."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


#: Path, under the base IRI, of every graph of derived facts (one per rule, see mokg.rules).
DERIVED_GRAPHS = "graph/derived/"

#: The derivation properties (local names), with how a sentence names each: "X is fine-tuned from Y".
DERIVATION_WORDS = {
    "finetunedFrom": "fine-tuned from",
    "quantizedFrom": "quantized from",
    "adapterOf": "an adapter of",
    "mergedFrom": "merged from",
    "distilledFrom": "distilled from",
    "continuedPretrainingFrom": "a continued pre-training of",
}
