"""Running the shapes: one SPARQL query per constraint, for every focus node at once.

:class:`Engine` reads a shapes graph (:func:`mokg.shacl.shapes.read_shapes`) and compiles, when
it is built, one query per constraint that can produce a top-level result: each constraint of a
shape with targets, and each constraint of the property shapes it reaches through
``sh:property`` (whose results SHACL passes through unwrapped, with the property shape as their
source). Everything unsupported or ill-formed is refused there, with a
:class:`~mokg.errors.MokgError` naming the shape; :meth:`Engine.validate` then only runs queries.

The queries run through :meth:`mokg.store.Store.query`, so the data stay where they are: in an
embedded store (memory or disk) or a remote SPARQL server. Results come back as pyoxigraph
terms, so a blank node keeps its label and a literal its datatype and language tag, from the
store to the report; each solution is one result (SHACL's results are a multiset, not a set).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox

from mokg.errors import MokgError
from mokg.shacl import sparql
from mokg.shacl.compiler import Compiler, Focus, Select, restrict
from mokg.shacl.graph import RDF, RDFS, ShapesGraph, Term, describe
from mokg.shacl.paths import Path
from mokg.shacl.shapes import Constraint, Shape, read_shapes
from mokg.store import Store, stored_forms

__all__ = ["Engine", "Result", "written_forms"]

_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class Result:
    """One validation result (SHACL 1.0 §3.6), its terms as the store gave them."""

    focus: Term
    severity: ox.NamedNode
    shape: Term
    component: ox.NamedNode
    message: str
    path: Path | None = None
    value: Term | None = None
    constraint: Term | None = None  # sh:sourceConstraint, for SPARQL-based constraints


@dataclass(frozen=True)
class _Plan:
    """The query of one constraint of one shape, and how to read a solution of it as a result.

    ``counts``, for a property shape nested in a property shape, is the query that says how many
    times each of its focus nodes is reached: SHACL validates a value node once per focus node
    that leads to it, so its results are repeated as many times.
    """

    top: Shape  # the shape with targets this plan's focus nodes come from
    shape: Shape
    constraint: Constraint
    select: Select
    query: str
    counts: str | None = None

    @property
    def is_sparql(self) -> bool:
        return isinstance(self.constraint, sparql.SparqlConstraint | sparql.ComponentConstraint)

    @property
    def local(self) -> bool:
        """Whether a focus node's results depend only on the triples it is the subject of.

        So for a constraint that reads no further (:func:`_local`), on the focus nodes of class or
        node targets (whether a node is the subject or object of some triple is not its own triple).
        """
        return self.counts is None and self.top.targets.intrinsic and _local(self.constraint, self.shape, frozenset())

    def result(self, row: ox.QuerySolution, names: Sequence[str], written: dict[ox.Literal, ox.Literal]) -> Result:
        """The result a solution stands for; ``written`` maps literals back to their form in the shapes or data."""
        bindings = {name: row[name] for name in names if row[name] is not None}
        focus = bindings[self.select.this[1:]]
        value = bindings.get(self.select.value[1:]) if self.select.value else None
        focus = written.get(focus, focus) if isinstance(focus, ox.Literal) else focus
        value = written.get(value, value) if isinstance(value, ox.Literal) else value
        if value is None and self.is_sparql:
            value = focus  # §5.3.2: without ?value, the value is the focus node
        path = self.shape.path
        found = bindings.get(self.select.path[1:]) if self.select.path else None
        if isinstance(found, ox.NamedNode):
            path = Path("predicate", iri=found)
        return Result(
            focus=focus,
            severity=self.shape.severity,
            shape=self.shape.node,
            component=self.constraint.component,
            message=self._message(bindings),
            path=path,
            value=value,
            constraint=getattr(self.constraint, "source", None),
        )

    def _message(self, bindings: dict[str, Term]) -> str:
        """The first ``sh:message`` (untagged or English preferred), its ``{$name}`` filled (§5.3.2, §6.3)."""
        messages = getattr(self.constraint, "messages", ()) or self.shape.messages
        if not messages:
            return self.constraint.message()
        chosen = min(messages, key=lambda m: (m.language not in (None, "en"), m.value))
        known = self.constraint.parameters() | bindings
        return _TEMPLATE.sub(lambda m: known[m.group(1)].value if m.group(1) in known else m.group(0), chosen.value)


def _local(constraint: Constraint, shape: Shape, seen: frozenset[Shape]) -> bool:
    """Whether ``constraint`` of ``shape`` reads, for a focus node, only its own triples and its values' terms.

    A local Core constraint (:attr:`mokg.shacl.core.CoreConstraint.local`) does, on a node shape
    or a one-predicate path; a nested one (sh:node, sh:not, sh:and/or/xone) does on a node shape
    when each of its shapes, checked on the focus node itself, does (:func:`_reads_own_triples`).
    """
    if getattr(constraint, "local", False):
        return shape.path is None or shape.path.is_predicate
    nested = getattr(constraint, "nested_shapes", ())
    return shape.path is None and bool(nested) and all(_reads_own_triples(s, seen) for s in nested)


def _reads_own_triples(shape: Shape, seen: frozenset[Shape]) -> bool:
    """Whether ``shape``, checked on a node, reads only that node's own triples and its values' terms.

    A property shape does when its path is one predicate and its constraints read only its value
    nodes' terms (anything nested would read the value nodes' own triples); a node shape when each
    of its constraints and property shapes does. A shape met again on the way is taken as reading further.
    """
    if shape in seen:
        return False
    seen = seen | {shape}
    if shape.path is not None:
        local = (getattr(c, "local", False) for c in shape.constraints)
        return shape.path.is_predicate and not shape.properties and all(local)
    return all(_local(c, shape, seen) for c in shape.constraints) and all(
        _reads_own_triples(p, seen) for p in shape.properties
    )


def written_forms(terms: Iterable[Term]) -> dict[ox.Literal, ox.Literal]:
    """The literals among ``terms`` that pyoxigraph rewrites, by the form it gives them back in.

    Its store keeps typed literals as values: ``"4.0"^^xsd:decimal`` comes back as ``"4"``,
    ``"1"^^xsd:byte`` as ``"1"^^xsd:integer``. A report names the term the data or the shapes
    wrote; when two written forms have one rewritten form, the first is kept.
    """
    forms: dict[ox.Literal, ox.Literal] = {}
    for literal, stored in stored_forms(t for t in terms if isinstance(t, ox.Literal)).items():
        if stored != literal:
            forms.setdefault(stored, literal)
    return forms


def _counts(chain: tuple[Shape, ...]) -> str:
    """How many times each value node at the end of ``chain`` is reached from a focus node (see :class:`_Plan`)."""
    c = Compiler()
    var = c.var()
    pattern = chain[0].targets.focus(c).bind(var)
    for shape in chain[1:]:
        following = c.var()
        pattern += f" {{ SELECT DISTINCT {var} {following} WHERE {{ {var} {shape.path.sparql()} {following} }} }}"
        var = following
    return f"SELECT ({var} AS ?focus) (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY {var}"


class Engine:
    """The shapes of a shapes graph, compiled into queries when the engine is built."""

    def __init__(self, shapes: Iterable[ox.Triple | ox.Quad]) -> None:
        self._plans: list[_Plan] = []
        self._written: dict[ox.Literal, ox.Literal] = {}
        for shape in read_shapes(ShapesGraph(shapes)):
            if shape.targets and not shape.deactivated:
                self._plan(shape, shape.targets.focus, (shape,))
                self._written |= written_forms(shape.targets.nodes)

    def _plan(self, shape: Shape, focus: Callable[[Compiler], Focus], chain: tuple[Shape, ...]) -> None:
        """Queries for ``shape``'s constraints and, with their value nodes as focus, its property shapes'.

        ``chain`` is the shape with targets, then the property shapes whose value nodes became
        the focus nodes of the next.
        """
        counts = _counts(chain) if len(chain) > 1 else None
        for constraint in shape.constraints:
            compiler = Compiler()
            select = constraint.where(compiler, shape, focus(compiler), "?this")
            query = f"SELECT * WHERE {select.text}"
            self._plans.append(_Plan(chain[0], shape, constraint, select, query, counts))
        for prop in shape.properties:
            if prop in chain:
                raise MokgError(f"recursive shapes are not supported: {describe(prop.node)} is its own sh:property")
            if not prop.deactivated:
                inner = chain if shape.path is None else (*chain, shape)
                self._plan(prop, lambda c, outer=focus: c.value_focus(shape, outer(c)), inner)

    def validate(
        self,
        store: Store,
        focus: Sequence[Term] | None = None,
        *,
        dependents: Sequence[Term] = (),
        sparql_only: bool = False,
        written: dict[ox.Literal, ox.Literal] | None = None,
    ) -> list[Result]:
        """The results of validating the data in ``store``, in the order the shapes were read.

        ``focus`` restricts them to those focus nodes (incremental validation): IRIs and literals
        are written into each query; a blank node cannot be (a ``_:`` label in a query is a new
        variable), so when ``focus`` holds one, every blank focus node is validated and the
        results are filtered here. ``dependents`` (IRIs) are focus nodes too, whose own triples
        did not change (models derived from a changed one): only the constraints that read
        beyond a focus node's own triples are run for them (:attr:`_Plan.local`), since the
        others' results on them cannot have changed. ``sparql_only`` runs only the SPARQL-based
        constraints. ``written`` (:func:`written_forms` of the data) gives literals back as the
        data wrote them.
        """
        written = self._written | (written or {})
        nodes: list[str] | None = None
        changed: set[str] = set()
        blank = focus is not None and any(isinstance(node, ox.BlankNode) for node in focus)
        if focus is not None:
            changed = {str(node) for node in focus if not isinstance(node, ox.BlankNode)}
            nodes = sorted(changed | {str(node) for node in dependents})
            if not nodes and not blank:
                return []
        plans = [plan for plan in self._plans if plan.is_sparql or not sparql_only]
        targeted = self._targeted(store, {plan.top for plan in plans}, nodes) if nodes and not blank else {}

        def run(plan: _Plan) -> list[Result]:
            mine = targeted.get(plan.top, nodes)
            if mine is not None and plan.local:
                mine = [node for node in mine if node in changed]
            if mine is not None and not mine and not blank:
                return []  # none of the given nodes is a focus node of this shape
            solutions = store.query(restrict(plan.query, mine, blank=blank))
            names = [variable.value for variable in solutions.variables]
            found = [plan.result(row, names, written) for row in solutions]
            if plan.counts is not None and found:
                counted = store.query(restrict(plan.counts, mine, blank=blank))
                times = {row["focus"]: int(row["n"].value) for row in counted}
                found = [result for result in found for _ in range(times.get(result.focus, 1))]
            return found

        # pyoxigraph evaluates a query without holding the GIL: queries run side by side.
        with ThreadPoolExecutor(max_workers=min(len(plans), os.cpu_count() or 1) or 1) as pool:
            results = [result for found in pool.map(run, plans) for result in found]
        if blank:
            wanted = set(focus or ())
            results = [r for r in results if r.focus in wanted]
        return results

    @staticmethod
    def _targeted(store: Store, shapes: Iterable[Shape], nodes: list[str]) -> dict[Shape, list[str]]:
        """Which of ``nodes`` are focus nodes of each shape: each shape's queries get only those.

        A model's dependents are models and claims, so the shapes of other classes have nothing
        to check, and each list written into a query is shorter. The nodes' classes are read
        once, and matched here against the shapes whose targets are :attr:`~Targets.intrinsic`
        (a union of every shape's targets, each restricted to the nodes, cost half a second for
        2,333 nodes at 10k models); one query finds the focus nodes of the others.
        """
        shapes = list(shapes)
        found: dict[Shape, list[str]] = {shape: [] for shape in shapes}
        classes: dict[str, set[str]] = defaultdict(set)
        typed = f"?node {RDF.type}/{RDFS.subClassOf}* ?class"
        for row in store.query(f"SELECT ?node ?class WHERE {{ VALUES ?node {{ {' '.join(nodes)} }} {typed} }}"):
            classes[str(row["node"])].add(str(row["class"]))
        for shape in shapes:
            if shape.targets.intrinsic:
                found[shape] = [node for node in nodes if shape.targets.include(node, classes[node])]
        others = [shape for shape in shapes if not shape.targets.intrinsic]
        if not others:  # no query: an empty group pattern would answer one empty row
            return found
        c = Compiler()
        branches = " UNION ".join(
            f"{{ {restrict(shape.targets.focus(c).bind('?node'), nodes)} BIND({i} AS ?shape) }}"
            for i, shape in enumerate(others)
        )
        for row in store.query(f"SELECT ?node ?shape WHERE {{ {branches} }}"):
            found[others[int(row["shape"].value)]].append(str(row["node"]))
        return found
