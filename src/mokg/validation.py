"""SHACL validation: shapes over records, in the context of the published graph.

Two engines share the work, each where it is strong:

- **SHACL Core** constraints run in pyshacl over an rdflib copy of the data (small: a
  submission and its context, or the bundled graph);
- **SHACL-SPARQL** constraints run in pyoxigraph, one query per constraint for all focus
  nodes at once, instead of one rdflib query per focus node. On the bundled graph this takes
  the claim rules from about 50 s (pyshacl alone) to well under a second.

The SPARQL evaluation follows SHACL 1.0 §5: ``$this`` is joined with the shape's targets
(which equals pre-binding as long as each query binds ``$this`` in a triple pattern, as all of
mokg's do), ``?value`` and ``?path`` give the result's value and path, and ``{?var}`` in
``sh:message`` is replaced by the solution's value. Severity is the shape's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, SH

from mokg.errors import MokgError

__all__ = ["Finding", "Report", "Validator", "to_rdflib"]

_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_IRI = {name: iri for iri, name in _SEVERITY.items()}
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result, in the words a contributor needs."""

    focus: str
    severity: str
    message: str
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    source: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Report:
    """The findings of one validation run; it conforms unless a violation was found."""

    findings: tuple[Finding, ...]

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def by_focus(self) -> dict[str, list[Finding]]:
        """Findings grouped by the entity they are about, in a stable order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.focus, []).append(finding)
        return groups

    def to_graph(self) -> rdflib.Graph:
        """The report as a W3C SHACL validation report graph."""
        graph = rdflib.Graph()
        graph.bind("sh", SH)
        report = rdflib.BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, rdflib.Literal(self.conforms)))
        for finding in self.findings:
            result = rdflib.BNode()
            graph.add((report, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.focusNode, rdflib.URIRef(finding.focus)))
            graph.add((result, SH.resultSeverity, _SEVERITY_IRI[finding.severity]))
            graph.add((result, SH.resultMessage, rdflib.Literal(finding.message)))
            if finding.path:
                graph.add((result, SH.resultPath, rdflib.URIRef(finding.path)))
            if finding.value:
                graph.add((result, SH.value, rdflib.Literal(finding.value)))
            if finding.shape:
                graph.add((result, SH.sourceShape, rdflib.URIRef(finding.shape)))
        return graph


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """The union of pyoxigraph quads as one rdflib graph (through N-Quads, which both read exactly)."""
    dataset = rdflib.Dataset()
    dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS), format="nquads")
    graph = rdflib.Graph()
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        graph.add((subject, predicate, obj))
    return graph


@dataclass(frozen=True)
class _SparqlConstraint:
    """A SPARQL-based constraint of a node shape, ready to run for all targets at once."""

    shape: str
    severity: str
    target_classes: tuple[str, ...]
    prefixes: str
    select: str
    message: str


def _text(term: object) -> str | None:
    if term is None or isinstance(term, rdflib.BNode):
        return None
    return str(term)


def _sparql_constraints(shapes: rdflib.Graph) -> list[_SparqlConstraint]:
    constraints = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if shapes.value(shape, SH.targetClass) is None:
            raise MokgError(f"shape {shape} has a SPARQL constraint but no sh:targetClass: mokg cannot evaluate it")
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for owner in shapes.objects(constraint, SH.prefixes)
            for d in shapes.objects(owner, SH.declare)
        )
        message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message) or "constraint not met"
        constraints.append(
            _SparqlConstraint(
                shape=str(shape),
                severity=_SEVERITY.get(shapes.value(shape, SH.severity), "Violation"),
                target_classes=tuple(sorted(str(c) for c in shapes.objects(shape, SH.targetClass))),
                prefixes=prefixes,
                select=str(shapes.value(constraint, SH.select)),
                message=str(message),
            )
        )
    return sorted(constraints, key=lambda c: (c.shape, c.select))


class Validator:
    """The shapes, loaded once, applied to data held in a pyoxigraph store."""

    def __init__(self, shapes: rdflib.Graph) -> None:
        self._sparql = _sparql_constraints(shapes)
        self._core = rdflib.Graph()
        for triple in shapes:
            if triple[1] != SH.sparql:
                self._core.add(triple)

    def validate(
        self,
        quads: Sequence[ox.Quad],
        *,
        focus_nodes: Sequence[str] | None = None,
        sources: dict[str, str] | None = None,
    ) -> Report:
        """Validate ``quads`` (records, their context and the ontology).

        ``focus_nodes`` restricts the findings to those entities (incremental validation of a
        change); ``sources`` maps an entity to the file that describes it.
        """
        store = ox.Store()
        store.bulk_extend(quads)
        findings = self._core_findings(to_rdflib(quads), focus_nodes)
        for constraint in self._sparql:
            findings.extend(self._sparql_findings(store, constraint, focus_nodes))
        sources = sources or {}
        located = {
            Finding(f.focus, f.severity, f.message, f.path, f.value, f.shape, sources.get(f.focus)) for f in findings
        }
        return Report(tuple(sorted(located)))

    def _core_findings(self, data: rdflib.Graph, focus_nodes: Sequence[str] | None) -> list[Finding]:
        _, results, text = shacl_validate(
            data,
            shacl_graph=self._core,
            advanced=True,
            inference="none",
            allow_warnings=True,
            focus_nodes=list(focus_nodes) if focus_nodes is not None else None,
        )
        if not isinstance(results, rdflib.Graph):  # pyshacl reports unusable shapes as text
            raise MokgError(f"the shapes could not be applied: {text}")
        findings = []
        for result in results.subjects(RDF.type, SH.ValidationResult):
            shape = results.value(result, SH.sourceShape)
            message = results.value(result, SH.resultMessage) or self._core.value(shape, SH.message)
            findings.append(
                Finding(
                    focus=str(results.value(result, SH.focusNode)),
                    severity=_SEVERITY.get(results.value(result, SH.resultSeverity), "Violation"),
                    message=str(message or "constraint not met"),
                    path=_text(results.value(result, SH.resultPath)),
                    value=_text(results.value(result, SH.value)),
                    shape=_text(shape),
                )
            )
        return findings

    def _sparql_findings(
        self, store: ox.Store, constraint: _SparqlConstraint, focus_nodes: Sequence[str] | None
    ) -> list[Finding]:
        select = constraint.select.replace("$this", "?this")
        targets = " UNION ".join(
            f"{{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{c}> }}" for c in constraint.target_classes
        )
        focus = ""
        if focus_nodes is not None:
            focus = "VALUES ?this { " + " ".join(f"<{node}>" for node in focus_nodes) + " }"
        query = f"{constraint.prefixes}SELECT * WHERE {{ {focus} {targets} {{ {select} }} }}"
        solutions = store.query(query, use_default_graph_as_union=True)
        names = [variable.value for variable in solutions.variables]
        findings = []
        for row in solutions:
            bindings = {name: row[name] for name in names if row[name] is not None}
            message = _TEMPLATE.sub(lambda m: bindings[m.group(1)].value if m.group(1) in bindings else m.group(0),
                                    constraint.message)  # fmt: skip
            findings.append(
                Finding(
                    focus=bindings["this"].value,
                    severity=constraint.severity,
                    message=message,
                    path=bindings["path"].value if "path" in bindings else None,
                    value=bindings["value"].value if "value" in bindings else None,
                    shape=constraint.shape,
                )
            )
        return findings
