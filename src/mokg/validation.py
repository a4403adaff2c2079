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

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pydantic import BaseModel, Field
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, SH

from mokg.config import Settings
from mokg.errors import LoadError, MokgError, PayloadTooLarge
from mokg.formats import JSON_LD, N_TRIPLES, TURTLE, by_media
from mokg.loader import SourceFile, discover, graph_name, load_files, parse_bytes
from mokg.store import EmbeddedStore, Store
from mokg.vocab import MOKG
from mokg.workers import WorkerContext

__all__ = [
    "SUBMISSION_FORMATS",
    "VALIDATION_GRAPH",
    "Finding",
    "Report",
    "ReportModel",
    "ResultModel",
    "SubmissionLimits",
    "ValidationJob",
    "Validator",
    "check_files",
    "context_query",
    "result_triples",
    "to_rdflib",
    "typed_subjects",
]

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
    kind: str | None = field(default=None, compare=False)
    value_is_iri: bool = field(default=False, compare=False)


class ResultModel(BaseModel):
    """One validation result."""

    focus: str = Field(description="IRI of the entity the result is about.")
    severity: str = Field(description="Violation, Warning or Info.")
    message: str = Field(description="What is wrong, in a sentence.")
    path: str | None = Field(None, description="The property concerned, if the shape names one.")
    value: str | None = Field(None, description="The offending value (for claim rules: the model checked).")
    shape: str | None = Field(None, description="IRI of the shape that produced the result.")
    source: str | None = Field(None, description="The file that describes the entity, when known.")
    kind: str | None = Field(None, description="The mokg class of the entity (Model, OpennessClaim…), when known.")


class ReportModel(BaseModel):
    """A validation report: whether the data conform, counts per severity, and the results."""

    conforms: bool = Field(description="False when at least one result is a Violation.")
    violations: int
    warnings: int
    infos: int
    results: list[ResultModel]


@dataclass(frozen=True)
class Report:
    """The findings of one validation run; it conforms unless a violation was found."""

    findings: tuple[Finding, ...]

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    @property
    def facts_conform(self) -> bool:
        """No violation except on openness claims, which are evidence to check, not facts."""
        return not any(f.severity == "Violation" and f.kind != "OpennessClaim" for f in self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def by_focus(self) -> dict[str, list[Finding]]:
        """Findings grouped by the entity they are about, in a stable order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.focus, []).append(finding)
        return groups

    def to_model(self) -> ReportModel:
        """The report as the documented JSON model of the API and of ``mokg validate --format json``."""
        return ReportModel(
            conforms=self.conforms,
            violations=self.count("Violation"),
            warnings=self.count("Warning"),
            infos=self.count("Info"),
            results=[
                ResultModel(**{name: getattr(finding, name) for name in ResultModel.model_fields})
                for finding in self.findings
            ],
        )

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
                value = rdflib.URIRef(finding.value) if finding.value_is_iri else rdflib.Literal(finding.value)
                graph.add((result, SH.value, value))
            if finding.shape:
                graph.add((result, SH.sourceShape, rdflib.URIRef(finding.shape)))
        return graph


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """The union of pyoxigraph quads as one rdflib graph (through N-Triples, which both read exactly)."""
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


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


def _kinds(store: Store, nodes: set[str]) -> dict[str, str]:
    """The mokg class of each node (its local name), for reports and for telling claims from facts."""
    if not nodes:
        return {}
    rows = store.query(
        f"SELECT ?node ?class WHERE {{ VALUES ?node {{ {_iris(nodes)} }} ?node a ?class "
        f'FILTER(STRSTARTS(STR(?class), "{MOKG}")) }}'
    )
    return {row["node"].value: row["class"].value.removeprefix(str(MOKG)) for row in rows}


def _fill(template: str, bindings: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    """Replace ``{?name}`` / ``{$name}`` in a message by the solution's values (SHACL 1.0 §5.3.2)."""
    return _TEMPLATE.sub(lambda m: bindings[m.group(1)].value if m.group(1) in bindings else m.group(0), template)


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


_DERIVATION = (
    "(mokg:finetunedFrom|mokg:quantizedFrom|mokg:adapterOf|mokg:mergedFrom|mokg:distilledFrom"
    "|mokg:continuedPretrainingFrom)"
)

#: Entities whose validity depends on a changed entity: models derived from it or trained on
#: it (or on data under it, when it is a licence), and the claims about those models.
_DEPENDENTS_QUERY = f"""
PREFIX mokg: <https://w3id.org/mokg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?model ?claim WHERE {{
  VALUES ?changed {{ %s }}
  {{ ?model {_DERIVATION}* ?changed }}
  UNION {{ ?model {_DERIVATION}*/(mokg:trainedOn|mokg:finetunedOn|mokg:hasComponent) ?changed }}
  UNION {{ ?model {_DERIVATION}*/(mokg:trainedOn|mokg:finetunedOn|mokg:hasComponent)
                  /(dcterms:license|mokg:subjectToTerms) ?changed }}
  ?model a mokg:Model .
  OPTIONAL {{ ?claim mokg:aboutModel ?model }}
}}"""

#: What a submitted record is checked against: everything reachable from the IRIs it uses
#: along the links the shapes follow (bases, data, components, licences, organizations).
_CONTEXT_QUERY = f"""
PREFIX mokg: <https://w3id.org/mokg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  VALUES ?start {{ %s }}
  ?start ({_DERIVATION[1:-1]}|mokg:trainedOn|mokg:finetunedOn|mokg:hasComponent|mokg:includesDataset
          |dcterms:license|mokg:subjectToTerms|dcterms:creator|mokg:aboutModel|prov:wasQuotedFrom
          |mokg:family|prov:wasDerivedFrom|mokg:componentType|mokg:availability|mokg:licenseCategory
          |mokg:opennessLevel|mokg:alignmentMethod)* ?s .
  ?s ?p ?o .
}}"""


def _iris(nodes: Iterable[str]) -> str:
    return " ".join(f"<{node}>" for node in sorted(set(nodes)))


def typed_subjects(quads: Iterable[ox.Quad]) -> list[str]:
    """The entities a set of quads describes: its subjects that have an ``rdf:type``."""
    return sorted(
        {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode) and q.predicate.value == str(RDF.type)}
    )


def context_query(submission: Iterable[ox.Quad]) -> str:
    """The CONSTRUCT query that fetches a submission's context from the published store."""
    used = {
        term.value
        for quad in submission
        for term in (quad.subject, quad.object)
        if isinstance(term, ox.NamedNode) and not term.value.startswith(str(MOKG))
    }
    return _CONTEXT_QUERY % _iris(used)


class Validator:
    """The shapes, loaded once, applied to data held in a pyoxigraph store."""

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad]) -> Validator:
        """A validator for the shapes in ``quads`` (as the loader reads ``shapes/``)."""
        return cls(to_rdflib(quads))

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
        with_dependents: bool = False,
        sources: dict[str, str] | None = None,
        core: bool = True,
    ) -> Report:
        """Validate ``quads`` (records, their context and the ontology).

        ``focus_nodes`` restricts validation to those entities (incremental validation of a
        change) and, ``with_dependents``, to what depends on them: models derived from a
        changed model inherit its restrictions, so their claims are checked again.
        ``sources`` maps an entity to the file that describes it. ``core=False`` skips the SHACL
        Core shapes (pyshacl, the slow part on a large graph) and runs only the SPARQL ones, which
        hold every claim rule.
        """
        if focus_nodes is not None and not focus_nodes:
            return Report(())
        store = EmbeddedStore()
        store.replace(quads)
        if not core:
            findings = []
        elif focus_nodes is None:
            findings = self._core_findings(to_rdflib(quads))
        else:
            if with_dependents:
                dependents = store.query(_DEPENDENTS_QUERY % _iris(focus_nodes))
                found = {term.value for row in dependents for term in (row["model"], row["claim"]) if term is not None}
                focus_nodes = sorted(set(focus_nodes) | found)
            # pyshacl's own focus_nodes also restricts nested shapes to the focus nodes, which
            # miscounts qualified values and skips checks on values. Instead, validate the focus
            # nodes' neighbourhood whole, and keep the results about the focus nodes.
            neighbourhood = store.query(_CONTEXT_QUERY % _iris(focus_nodes))
            graph = to_rdflib(ox.Quad(t.subject, t.predicate, t.object) for t in neighbourhood)
            wanted = set(focus_nodes)
            findings = [f for f in self._core_findings(graph) if f.focus in wanted]
        return self._report(store, findings, focus_nodes, sources or {})

    def validate_store(self, store: Store) -> Report:
        """The SPARQL constraints (every claim rule) over a whole loaded store, where it is.

        What the load records (:func:`mokg.graph.publish`): no copy of the graph is made, so it
        scales with the store, not with Python's memory. SHACL Core is ``mokg validate``'s job.
        """
        return self._report(store, [], None, {})

    def _report(
        self, store: Store, findings: list[Finding], focus_nodes: Sequence[str] | None, sources: dict[str, str]
    ) -> Report:
        for constraint in self._sparql:
            findings.extend(self._sparql_findings(store, constraint, focus_nodes))
        kinds = _kinds(store, {f.focus for f in findings})
        located = {replace(f, source=sources.get(f.focus), kind=kinds.get(f.focus)) for f in findings}
        return Report(tuple(sorted(located)))

    def _core_findings(self, data: rdflib.Graph) -> list[Finding]:
        _, results, text = shacl_validate(
            data, shacl_graph=self._core, advanced=True, inference="none", allow_warnings=True
        )
        if not isinstance(results, rdflib.Graph):  # pyshacl reports unusable shapes as text
            raise MokgError(f"the shapes could not be applied: {text}")
        findings = []
        report = results.value(predicate=RDF.type, object=SH.ValidationReport)
        # Top-level results only: nested ones (sh:detail, from sh:node and sh:or) explain them.
        for result in results.objects(report, SH.result):
            shape = results.value(result, SH.sourceShape)
            message = results.value(result, SH.resultMessage) or self._core.value(shape, SH.message)
            findings.append(
                Finding(
                    focus=str(results.value(result, SH.focusNode)),
                    severity=_SEVERITY.get(results.value(result, SH.resultSeverity), "Violation"),
                    message=str(message or "constraint not met"),
                    path=_text(results.value(result, SH.resultPath)),
                    value=_text(results.value(result, SH.value)),
                    value_is_iri=isinstance(results.value(result, SH.value), rdflib.URIRef),
                    shape=_text(shape),
                )
            )
        return findings

    def _sparql_findings(
        self, store: Store, constraint: _SparqlConstraint, focus_nodes: Sequence[str] | None
    ) -> list[Finding]:
        select = constraint.select.replace("$this", "?this")
        targets = " UNION ".join(
            f"{{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{c}> }}" for c in constraint.target_classes
        )
        focus = ""
        if focus_nodes is not None:
            focus = "VALUES ?this { " + " ".join(f"<{node}>" for node in focus_nodes) + " }"
        query = f"{constraint.prefixes}SELECT * WHERE {{ {focus} {targets} {{ {select} }} }}"
        solutions = store.query(query)
        names = [variable.value for variable in solutions.variables]
        findings = []
        for row in solutions:
            bindings = {name: row[name] for name in names if row[name] is not None}
            message = _fill(constraint.message, bindings)
            findings.append(
                Finding(
                    focus=bindings["this"].value,
                    severity=constraint.severity,
                    message=message,
                    path=bindings["path"].value if "path" in bindings else None,
                    value=bindings["value"].value if "value" in bindings else None,
                    value_is_iri=isinstance(bindings.get("value"), ox.NamedNode),
                    shape=constraint.shape,
                )
            )
        return findings


def check_files(settings: Settings, paths: Sequence[Path] = ()) -> Report:
    """Validate the bundled graph, or the given files in its context.

    A given file inside the root replaces the bundled file of the same name (a contributor's
    edit); one outside it is added. Only the entities the given files describe, and what
    depends on them, are reported. Raises :class:`mokg.errors.LoadError` on unreadable input.
    """
    bundled = discover(settings.root, settings.base_iri)
    shapes_dir = (settings.root / "shapes").resolve()
    shapes = [f for f in bundled if f.path.resolve().is_relative_to(shapes_dir)]
    given = [SourceFile(path, graph_name(path, settings.root, settings.base_iri)) for path in paths]
    replaced = {f.graph for f in given}
    data = [f for f in bundled if f not in shapes and f.graph not in replaced] + given
    given_quads = load_files(given, settings.base_iri)
    quads = load_files([f for f in data if f not in given], settings.base_iri) + given_quads
    files = {f.graph.value: _display_path(f.path, settings.root) for f in data}
    sources = {}
    for quad in quads:
        if quad.predicate.value == str(RDF.type) and isinstance(quad.graph_name, ox.NamedNode):
            sources.setdefault(quad.subject.value, files.get(quad.graph_name.value))
    validator = Validator.from_quads(load_files(shapes, settings.base_iri))
    if not given:
        return validator.validate(quads, sources=sources)
    return validator.validate(quads, focus_nodes=typed_subjects(given_quads), with_dependents=True, sources=sources)


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


#: The named graph, under the base IRI, that holds the validation results of the loaded graph.
VALIDATION_GRAPH = "graph/derived/validation"


def result_triples(report: Report) -> list[ox.Triple]:
    """The findings as triples: ``<entity> mokg:validationResult <entity#result-…>`` with the SHACL terms.

    Result IRIs are derived from the finding, so writing the same report twice gives the same triples.
    """
    sh = str(SH)
    triples = []
    for finding in report.findings:
        digest = hashlib.sha1(
            f"{finding.focus} {finding.shape} {finding.message} {finding.value}".encode()
        ).hexdigest()[:12]
        focus = ox.NamedNode(finding.focus)
        result = ox.NamedNode(f"{finding.focus.split('#', 1)[0]}#result-{digest}")
        triples += [
            ox.Triple(focus, MOKG.validationResult, result),
            ox.Triple(result, ox.NamedNode(str(RDF.type)), ox.NamedNode(f"{sh}ValidationResult")),
            ox.Triple(result, ox.NamedNode(f"{sh}focusNode"), focus),
            ox.Triple(result, ox.NamedNode(f"{sh}resultSeverity"), ox.NamedNode(f"{sh}{finding.severity}")),
            ox.Triple(result, ox.NamedNode(f"{sh}resultMessage"), ox.Literal(finding.message)),
        ]
        if finding.shape:
            triples.append(ox.Triple(result, ox.NamedNode(f"{sh}sourceShape"), ox.NamedNode(finding.shape)))
        if finding.path:
            triples.append(ox.Triple(result, ox.NamedNode(f"{sh}resultPath"), ox.NamedNode(finding.path)))
        if finding.value:
            value = ox.NamedNode(finding.value) if finding.value_is_iri else ox.Literal(finding.value)
            triples.append(ox.Triple(result, ox.NamedNode(f"{sh}value"), value))
    return triples


@dataclass(frozen=True)
class SubmissionLimits:
    """What a submitted record may hold: triples, typed entities, nesting depth."""

    triples: int = 20_000
    entities: int = 500
    depth: int = 32


@dataclass(frozen=True)
class ValidationJob:
    """``POST /validate`` as a worker runs it: a submitted body in, a SHACL report out.

    The body is checked and parsed in the worker (:func:`mokg.loader.parse_bytes`, every
    untrusted-input check on), never in the server process; its context comes from the
    worker's store, and the shapes are read from it once per worker. ``media_type`` is one of
    :data:`SUBMISSION_FORMATS`. The answer is the report as the API's JSON model, or as
    Turtle (``turtle``).
    """

    body: bytes
    media_type: str
    base_iri: str
    limits: SubmissionLimits
    turtle: bool = False

    def __call__(self, context: WorkerContext) -> dict | bytes:
        store = context.store
        graph = ox.NamedNode(f"{self.base_iri}graph/submission")
        fmt = by_media(self.media_type)
        submission = parse_bytes(
            self.body,
            fmt.rdf,
            self.base_iri,
            graph,
            name="request body",
            max_depth=self.limits.depth,
            max_triples=self.limits.triples,
            untrusted=True,
        )
        focus = typed_subjects(submission)
        if not focus:
            raise LoadError("the body describes no entity: give each record an rdf:type", path="request body")
        if len(focus) > self.limits.entities:
            raise PayloadTooLarge(f"the body describes {len(focus)} entities; at most {self.limits.entities} at once")
        validator, ontology = context.cached(
            "validator",
            lambda: (
                Validator.from_quads(store.graphs_under(f"{self.base_iri}graph/shapes/")),
                store.graphs_under(f"{self.base_iri}graph/ontology/"),
            ),
        )
        around = [ox.Quad(t.subject, t.predicate, t.object) for t in store.query(context_query(submission))]
        report = validator.validate(ontology + around + submission, focus_nodes=focus)
        if self.turtle:
            return report.to_graph().serialize(format="turtle").encode()
        return report.to_model().model_dump()


#: Media types ``POST /validate`` reads.
SUBMISSION_FORMATS = (TURTLE, JSON_LD, N_TRIPLES)
