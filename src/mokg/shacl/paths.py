"""SHACL property paths (SHACL 1.0 §2.3.1): read from the shapes graph, written as SPARQL and as RDF.

A path is kept as a tree, not as the shapes graph's nodes: a report names the path of a result
(``sh:resultPath``) with a copy of that tree, and a query follows it as a SPARQL 1.1 property
path, whose value nodes are the same (``*``, ``+`` and ``?`` reach each node once; a sequence
can reach one twice, so every query that reads value nodes asks for DISTINCT ones).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from mokg.errors import MokgError
from mokg.shacl.graph import RDF, SH, ShapesGraph, Term, describe

__all__ = ["Path", "parse_path"]

#: The one-argument path forms: shapes-graph predicate -> (name, SPARQL suffix or prefix).
_UNARY = {
    SH.inversePath: "inverse",
    SH.zeroOrMorePath: "zeroOrMore",
    SH.oneOrMorePath: "oneOrMore",
    SH.zeroOrOnePath: "zeroOrOne",
}
_SUFFIX = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}
_PREDICATE = {name: predicate for predicate, name in _UNARY.items()}


@dataclass(frozen=True)
class Path:
    """A property path: a predicate IRI, or a form (inverse, sequence…) of other paths."""

    kind: str  # "predicate", "sequence", "alternative", or one of _UNARY's names
    iri: ox.NamedNode | None = None
    parts: tuple[Path, ...] = ()

    @property
    def is_predicate(self) -> bool:
        return self.kind == "predicate"

    def sparql(self) -> str:
        """The path in SPARQL 1.1 property path syntax."""
        if self.iri is not None:
            return str(self.iri)
        if self.kind == "inverse":
            return f"^({self.parts[0].sparql()})"
        if self.kind in _SUFFIX:
            return f"({self.parts[0].sparql()}){_SUFFIX[self.kind]}"
        separator = "/" if self.kind == "sequence" else "|"
        return "(" + separator.join(part.sparql() for part in self.parts) + ")"

    def __str__(self) -> str:
        """How a report names the path in text: the IRI of a predicate, else the SPARQL path."""
        return self.iri.value if self.iri is not None else self.sparql()

    def rdf(self) -> tuple[Term, list[ox.Triple]]:
        """The path as SHACL writes it (blank nodes and RDF lists), for a report graph: its node and triples."""
        if self.iri is not None:
            return self.iri, []
        if self.kind in ("sequence", "alternative"):
            head, triples = _list([part.rdf() for part in self.parts])
            if self.kind == "sequence":
                return head, triples
            node = ox.BlankNode()
            return node, [ox.Triple(node, SH.alternativePath, head), *triples]
        inner, triples = self.parts[0].rdf()
        node = ox.BlankNode()
        return node, [ox.Triple(node, _PREDICATE[self.kind], inner), *triples]


def _list(members: list[tuple[Term, list[ox.Triple]]]) -> tuple[Term, list[ox.Triple]]:
    head: Term = RDF.nil
    triples: list[ox.Triple] = []
    for term, inner in reversed(members):
        node = ox.BlankNode()
        triples += [ox.Triple(node, RDF.first, term), ox.Triple(node, RDF.rest, head), *inner]
        head = node
    return head, triples


def parse_path(graph: ShapesGraph, node: Term, shape: Term, seen: frozenset[Term] = frozenset()) -> Path:
    """The path that ``node`` describes (the ``sh:path`` of ``shape``), refused when ill-formed."""
    where = f"shape {describe(shape)}: sh:path"
    if isinstance(node, ox.NamedNode):
        return Path("predicate", iri=node)
    if isinstance(node, ox.Literal) or node in seen:
        raise MokgError(f"{where} {describe(node)} is not a well-formed SHACL property path")
    seen = seen | {node}
    if graph.objects(node, RDF.first):
        members = graph.items(node, where)
        if len(members) < 2:
            raise MokgError(f"{where}: a sequence path needs at least two members")
        return Path("sequence", parts=tuple(parse_path(graph, m, shape, seen) for m in members))
    forms = [p for p in graph.predicates(node) if p in _UNARY or p == SH.alternativePath]
    if len(forms) != 1 or len(graph.objects(node, forms[0])) != 1:
        raise MokgError(f"{where} {describe(node)} is not a well-formed SHACL property path")
    (value,) = graph.objects(node, forms[0])
    if forms[0] == SH.alternativePath:
        members = graph.items(value, where)
        if len(members) < 2:
            raise MokgError(f"{where}: an alternative path needs at least two members")
        return Path("alternative", parts=tuple(parse_path(graph, m, shape, seen) for m in members))
    return Path(_UNARY[forms[0]], parts=(parse_path(graph, value, shape, seen),))
