"""Shapes (SHACL 1.0 §2): read from the shapes graph into :class:`Shape` objects, or refused.

Every shape of the graph is read when the validator is built, used or not, so that what the
engine does not support, or SHACL does not allow, is refused at load with the shape named:
a blank ``sh:targetNode``, a path that is not a path, two ``sh:maxCount``, a query SHACL-SPARQL
forbids, a SHACL-AF ``sh:target`` or ``sh:rule``. Shapes refer to each other (``sh:node``,
``sh:property``…) as Python objects; a shape that refers back to itself is refused when a query
is built from it (:class:`~mokg.shacl.compiler.Compiler`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pyoxigraph as ox

from mokg.errors import MokgError
from mokg.shacl import core, sparql
from mokg.shacl.compiler import RESTRICTION, Compiler, Focus
from mokg.shacl.graph import RDF, RDFS, SH, ShapesGraph, Term, describe, sparql_term
from mokg.shacl.paths import Path, parse_path

__all__ = ["Constraint", "Shape", "Targets", "read_shapes"]

Constraint = core.CoreConstraint | sparql.SparqlConstraint | sparql.ComponentConstraint

_TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)

#: SHACL features this engine does not evaluate: a shape using one is refused, not half-checked.
_UNSUPPORTED = {
    SH.target: "SHACL-AF targets (sh:target)",
    SH.rule: "SHACL-AF rules (sh:rule)",
    SH.expression: "SHACL-AF node expressions (sh:expression)",
    SH.entailment: "entailment regimes (sh:entailment): mokg validates the triples as written",
}


@dataclass(frozen=True)
class Targets:
    """A shape's targets (§2.1.3); implicit class targets are among ``classes``."""

    nodes: tuple[Term, ...] = ()
    classes: tuple[ox.NamedNode, ...] = ()
    subjects_of: tuple[ox.NamedNode, ...] = ()
    objects_of: tuple[ox.NamedNode, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.nodes or self.classes or self.subjects_of or self.objects_of)

    @property
    def intrinsic(self) -> bool:
        """Whether being a focus node depends on the node alone.

        That is, on the node itself (an IRI or blank target node) and its classes, not on triples
        where it is the subject or object of a given predicate.
        """
        return not (self.subjects_of or self.objects_of or any(isinstance(n, ox.Literal) for n in self.nodes))

    def include(self, node: str, classes: set[str]) -> bool:
        """Whether ``node`` is a focus node, given its ``classes`` (its rdf:type/rdfs:subClassOf*).

        Both in SPARQL syntax; for :attr:`intrinsic` targets only.
        """
        nodes, own = self._texts
        return node in nodes or not classes.isdisjoint(own)

    @functools.cached_property
    def _texts(self) -> tuple[frozenset[str], frozenset[str]]:
        """The target nodes and classes in SPARQL syntax, written once (:meth:`include` runs per node)."""
        return frozenset(str(n) for n in self.nodes), frozenset(str(c) for c in self.classes)

    def focus(self, c: Compiler) -> Focus:
        """The focus nodes, each once, restrictable to given nodes (:func:`mokg.shacl.compiler.restrict`)."""

        def bind(var: str) -> str:
            parts = []
            if self.nodes:
                parts.append(f"VALUES {var} {{ {' '.join(str(n) for n in self.nodes)} }}")
            parts += [f"{var} {RDF.type}/{RDFS.subClassOf}* {cls}" for cls in self.classes]
            parts += [f"{var} {p} {c.var()}" for p in self.subjects_of]
            parts += [f"{c.var()} {p} {var}" for p in self.objects_of]
            union = " UNION ".join(f"{{ {part} }}" for part in parts)
            return f"{{ SELECT DISTINCT {var} WHERE {{ VALUES {var} {{{RESTRICTION}}} {union} }} }}"

        return Focus(bind)


@dataclass(eq=False)
class Shape:
    """A node or property shape: its targets, path, severity, messages and constraints."""

    node: Term
    path: Path | None = None
    severity: ox.NamedNode = SH.Violation
    messages: tuple[ox.Literal, ...] = ()
    deactivated: bool = False
    targets: Targets = Targets()
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)


class _Reader:
    """Reads every shape of a shapes graph once; references resolve to the same object."""

    def __init__(self, graph: ShapesGraph) -> None:
        self.graph = graph
        self.shapes: dict[Term, Shape] = {}
        self.components = sparql.components(graph)

    def shape(self, node: Term) -> Shape:
        if isinstance(node, ox.Literal):
            raise MokgError(f"{describe(node)} is used as a shape, but a shape is an IRI or a blank node")
        if node not in self.shapes:
            shape = self.shapes[node] = Shape(node)
            self._read(shape)
        return self.shapes[node]

    def _read(self, shape: Shape) -> None:
        g, node = self.graph, shape.node
        for predicate, feature in _UNSUPPORTED.items():
            if g.objects(node, predicate):
                raise MokgError(f"shape {describe(node)} uses {feature}, which mokg does not support")
        path = g.value(node, SH.path)
        if path is not None:
            if g.is_instance(node, SH.NodeShape):
                raise MokgError(f"shape {describe(node)} is a sh:NodeShape with a sh:path")
            shape.path = parse_path(g, path, node)
        severity = g.value(node, SH.severity)
        if severity is not None:
            if not isinstance(severity, ox.NamedNode):
                raise MokgError(f"shape {describe(node)}: sh:severity must be an IRI")
            shape.severity = severity
        shape.messages = tuple(m for m in g.objects(node, SH.message) if isinstance(m, ox.Literal))
        shape.deactivated = core.reader(g, node, self.shape).boolean(SH.deactivated)
        shape.targets = self._targets(node)
        shape.properties = [self._property(node, p) for p in g.objects(node, SH.property)]
        shape.constraints = [
            *core.parse(g, node, self.shape),
            *self._closed(shape),
            *self._qualified(shape),
            *sparql.sparql_constraints(g, shape),
            *sparql.component_constraints(g, shape, self.components),
        ]

    def _targets(self, node: Term) -> Targets:
        g = self.graph
        nodes = tuple(g.objects(node, SH.targetNode))
        for target in nodes:
            sparql_term(target, f"shape {describe(node)}: sh:targetNode")
        classes = list(g.objects(node, SH.targetClass))
        implicit = g.is_instance(node, RDFS.Class) and (
            g.is_instance(node, SH.NodeShape) or g.is_instance(node, SH.PropertyShape)
        )
        if implicit:
            classes.append(node)
        subjects_of, objects_of = g.objects(node, SH.targetSubjectsOf), g.objects(node, SH.targetObjectsOf)
        for name, values in (
            ("targetClass", classes),
            ("targetSubjectsOf", subjects_of),
            ("targetObjectsOf", objects_of),
        ):
            if not all(isinstance(v, ox.NamedNode) for v in values):
                raise MokgError(f"shape {describe(node)}: each sh:{name} must be an IRI")
        return Targets(nodes, tuple(classes), tuple(subjects_of), tuple(objects_of))  # type: ignore[arg-type]

    def _property(self, parent: Term, node: Term) -> Shape:
        prop = self.shape(node)
        if prop.path is None:
            raise MokgError(f"shape {describe(parent)}: its sh:property {describe(node)} has no sh:path")
        return prop

    def _closed(self, shape: Shape) -> list[core.ClosedConstraint]:
        reader = core.reader(self.graph, shape.node, self.shape)
        if not reader.boolean(SH.closed):
            return []
        ignored = self.graph.value(shape.node, SH.ignoredProperties)
        allowed = [p.path.iri for p in shape.properties if p.path is not None and p.path.iri is not None]
        for member in reader.list(SH.ignoredProperties, ignored) if ignored is not None else ():
            allowed.append(reader.iri(SH.ignoredProperties, member))
        return [core.ClosedConstraint(tuple(dict.fromkeys(allowed)))]

    def _qualified(self, shape: Shape) -> list[core.QualifiedConstraint]:
        g, node = self.graph, shape.node
        nested = g.value(node, SH.qualifiedValueShape)
        if nested is None:
            return []
        reader = core.reader(g, node, self.shape)
        siblings = self._siblings(node) if reader.boolean(SH.qualifiedValueShapesDisjoint) else ()
        constraints = []
        for parameter, maximum in ((SH.qualifiedMinCount, False), (SH.qualifiedMaxCount, True)):
            value = g.value(node, parameter)
            if value is not None and (maximum or reader.count(parameter, value) > 0):
                count = reader.count(parameter, value)
                constraints.append(core.QualifiedConstraint(self.shape(nested), count, maximum, siblings))
        return constraints

    def _siblings(self, node: Term) -> tuple[Shape, ...]:
        """The qualified value shapes of the other property shapes of this shape's parents (§4.7.3)."""
        g = self.graph
        found = []
        for parent in g.subjects_with(SH.property):
            others = g.objects(parent, SH.property)
            if node in others:
                found += [q for other in others if other != node for q in g.objects(other, SH.qualifiedValueShape)]
        return tuple(self.shape(q) for q in dict.fromkeys(found))


def read_shapes(graph: ShapesGraph) -> list[Shape]:
    """Every shape of ``graph`` (refused if one is not supported); the ones with targets are validated."""
    reader = _Reader(graph)
    candidates = [s for target in _TARGETS for s in graph.subjects_with(target)]
    candidates += [s for s in graph.subjects() if graph.is_instance(s, SH.NodeShape)]
    candidates += [s for s in graph.subjects() if graph.is_instance(s, SH.PropertyShape)]
    for node in dict.fromkeys(candidates):
        reader.shape(node)
    return list(reader.shapes.values())
