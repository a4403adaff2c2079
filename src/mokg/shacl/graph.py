"""Reading a shapes graph: its triples indexed by subject, SHACL lists, and terms as SPARQL text.

Shapes graphs are small (mokg's has a few hundred triples), so they are read into Python once,
when the validator is built; the data they check stays in the store. Terms are pyoxigraph's, so
a literal keeps its datatype and language, and a blank node its label, from the shapes file to
the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from mokg.errors import MokgError

__all__ = ["RDF", "RDFS", "SH", "XSD", "ShapesGraph", "Term", "describe", "sparql_term"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class _Namespace:
    """IRIs of one vocabulary as attributes: ``SH.minCount``."""

    def __init__(self, base: str) -> None:
        self.base = base

    def __getattr__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        """For names that are Python keywords: ``SH["class"]``."""
        return ox.NamedNode(self.base + name)


SH = _Namespace("http://www.w3.org/ns/shacl#")
RDF = _Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = _Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = _Namespace("http://www.w3.org/2001/XMLSchema#")
_OWL_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")


def sparql_term(term: Term, where: str) -> str:
    """``term`` written in a SPARQL query: N-Triples syntax, which SPARQL reads as is.

    A blank node of the shapes graph cannot be named in a query (a ``_:`` label there is a new
    variable), so a shape that needs one is refused, ``where`` saying which.
    """
    if isinstance(term, ox.BlankNode):
        raise MokgError(f"{where}: a blank node ({term}) cannot be matched in the data; use an IRI or a literal")
    return str(term)


def describe(term: Term) -> str:
    """A term as error messages name it: an IRI in angle brackets, a literal or blank node as written."""
    return str(term)


class ShapesGraph:
    """The triples of a shapes graph, by subject and predicate, in a stable order."""

    def __init__(self, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        self._objects: dict[Term, dict[ox.NamedNode, list[Term]]] = {}
        for triple in triples:
            objects = self._objects.setdefault(triple.subject, {}).setdefault(triple.predicate, [])
            if triple.object not in objects:
                objects.append(triple.object)

    def subjects(self) -> Iterator[Term]:
        return iter(self._objects)

    def predicates(self, subject: Term) -> list[ox.NamedNode]:
        return list(self._objects.get(subject, {}))

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        return list(self._objects.get(subject, {}).get(predicate, ()))

    def subjects_with(self, predicate: ox.NamedNode) -> list[Term]:
        return [s for s, by_predicate in self._objects.items() if predicate in by_predicate]

    def value(self, subject: Term, predicate: ox.NamedNode) -> Term | None:
        """The one value of ``predicate``, ``None`` if there is none; a shape with two is refused."""
        values = self.objects(subject, predicate)
        if len(values) > 1:
            raise MokgError(
                f"shape {describe(subject)} has {len(values)} values for {describe(predicate)}; at most one"
            )
        return values[0] if values else None

    def items(self, head: Term, where: str) -> list[Term]:
        """The members of the SHACL list starting at ``head`` (refused when it is not a well-formed list)."""
        members, seen, node = [], set(), head
        while node != RDF.nil:
            firsts, rests = self.objects(node, RDF.first), self.objects(node, RDF.rest)
            if len(firsts) != 1 or len(rests) != 1 or node in seen:
                raise MokgError(f"{where}: {describe(head)} is not a well-formed RDF list")
            seen.add(node)
            members.append(firsts[0])
            node = rests[0]
        return members

    def is_instance(self, node: Term, cls: ox.NamedNode) -> bool:
        """Whether ``node`` is a SHACL instance of ``cls``: typed with it or with a subclass of it."""
        return any(cls in self._superclasses(t) for t in self.objects(node, RDF.type))

    def _superclasses(self, cls: Term) -> set[Term]:
        found, pending = set(), [cls]
        while pending:
            current = pending.pop()
            if current not in found:
                found.add(current)
                pending.extend(self.objects(current, RDFS.subClassOf))
        return found

    def imports(self, node: Term) -> list[Term]:
        """``node`` and every ontology it imports (``owl:imports``, transitively), in order."""
        found: list[Term] = []
        pending = [node]
        while pending:
            current = pending.pop(0)
            if current not in found:
                found.append(current)
                pending.extend(self.objects(current, _OWL_IMPORTS))
        return found
