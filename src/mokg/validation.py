"""SHACL validation: shapes over records, in the context of the published graph.

mokg's own engine (:mod:`mokg.shacl`) checks SHACL Core and SHACL-SPARQL constraints with one
SPARQL query per constraint for all focus nodes at once, in the store where the data are:
pyoxigraph in memory for a file or a submission in its context, the loaded store (on disk, in
memory or remote) for the whole graph. Shapes it does not support are refused when the
:class:`Validator` is built, never half-checked.

This module turns the engine's results into mokg's reports: the findings a contributor reads
(the entity's file and class added), the API's JSON model, a W3C validation report, and the
triples the loaded store keeps so that records show their results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pydantic import BaseModel, Field

from mokg.config import Settings
from mokg.errors import LoadError, PayloadTooLarge
from mokg.formats import JSON_LD, N_TRIPLES, TURTLE, by_media
from mokg.loader import SourceFile, discover, graph_name, load_files, parse_bytes
from mokg.shacl import Engine, Result
from mokg.shacl.engine import written_forms
from mokg.shacl.graph import RDF, SH, Term
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
    "check_store",
    "context_query",
    "result_triples",
    "typed_subjects",
]

_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_IRI = {name: iri for iri, name in _SEVERITY.items()}


def _text(term: Term | None) -> str | None:
    """A term as reports write it in text: an IRI or a literal's lexical form as is, a blank node as ``_:label``."""
    if term is None:
        return None
    return str(term) if isinstance(term, ox.BlankNode) else term.value


@dataclass(frozen=True)
class Finding:
    """One validation result, in the words a contributor needs.

    ``focus`` and ``value`` are text (see :func:`_text`), ``shape`` the shape's IRI (a blank-node
    shape's label changes with every load, so it is not named); ``result`` keeps the engine's
    result, its terms exact (a blank node, a literal's datatype and language), for the RDF reports.
    """

    focus: str
    severity: str
    message: str
    path: str | None
    value: str | None
    shape: str | None
    component: str
    result: Result = field(compare=False, repr=False)
    source: str | None = field(default=None, compare=False)
    kind: str | None = field(default=None, compare=False)

    @property
    def value_is_iri(self) -> bool:
        return isinstance(self.result.value, ox.NamedNode)

    @classmethod
    def of(cls, result: Result) -> Finding:
        return cls(
            focus=_text(result.focus) or "",
            severity=_SEVERITY.get(result.severity, result.severity.value),
            message=result.message,
            path=str(result.path) if result.path is not None else None,
            value=_text(result.value),
            shape=result.shape.value if isinstance(result.shape, ox.NamedNode) else None,
            component=result.component.value,
            result=result,
        )


class ResultModel(BaseModel):
    """One validation result."""

    focus: str = Field(description="IRI of the entity the result is about (a blank node as `_:label`).")
    severity: str = Field(description="Violation, Warning or Info (or the IRI of a shape's own severity).")
    message: str = Field(description="What is wrong, in a sentence.")
    path: str | None = Field(None, description="The property concerned, if the shape names one.")
    value: str | None = Field(None, description="The offending value (for claim rules: the model checked).")
    shape: str | None = Field(None, description="IRI of the shape that produced the result.")
    component: str = Field(description="IRI of the SHACL constraint component that produced it.")
    source: str | None = Field(None, description="The file that describes the entity, when known.")
    kind: str | None = Field(None, description="The mokg class of the entity (Model, OpennessClaim…), when known.")


class ReportModel(BaseModel):
    """A validation report: whether the data conform, counts per severity, and the results."""

    conforms: bool = Field(description="False when at least one result is a Violation.")
    violations: int
    warnings: int
    infos: int
    results: list[ResultModel]


def _rdflib(term: Term) -> rdflib.term.Identifier:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)


#: The mokg classes of claims: their violations are findings about what a source says, not errors in the data.
CLAIM_KINDS = frozenset({"OpennessClaim", "FactClaim"})


@dataclass(frozen=True)
class Report:
    """The findings of one validation run; it conforms unless a violation was found.

    Results are a multiset, as in SHACL: two results that differ in any way stay two.
    """

    findings: tuple[Finding, ...]

    @property
    def conforms(self) -> bool:
        """No Violation: warnings and infos never fail a run (SHACL's ``sh:conforms`` is stricter: no result)."""
        return not any(f.severity == "Violation" for f in self.findings)

    @property
    def facts_conform(self) -> bool:
        """No violation except on claims (openness and fact claims), which are evidence to check, not facts."""
        return not any(f.severity == "Violation" and f.kind not in CLAIM_KINDS for f in self.findings)

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
        """The report as a W3C SHACL validation report graph.

        ``sh:conforms`` is SHACL's: true only without any result, warnings included. Terms are
        the data's (a blank focus node stays a blank node with its label, a literal keeps its
        datatype and language tag), and a path that is not an IRI is written as SHACL writes paths.
        """
        graph = rdflib.Graph()
        graph.bind("sh", rdflib.Namespace(SH.base))
        report = rdflib.BNode()
        sh = rdflib.Namespace(SH.base)
        graph.add((report, rdflib.RDF.type, sh.ValidationReport))
        graph.add((report, sh.conforms, rdflib.Literal(not self.findings)))
        for finding in self.findings:
            node = rdflib.BNode()
            graph.add((report, sh.result, node))
            pairs, triples = _result_terms(finding)
            for predicate, term in pairs:
                graph.add((node, rdflib.URIRef(predicate.value), _rdflib(term)))
            for triple in triples:
                graph.add((_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object)))
        return graph


def _result_terms(finding: Finding) -> tuple[list[tuple[ox.NamedNode, Term]], list[ox.Triple]]:
    """The predicates and objects of one ``sh:ValidationResult``, and the triples of a path that is not an IRI."""
    result = finding.result
    pairs: list[tuple[ox.NamedNode, Term]] = [
        (RDF.type, SH.ValidationResult),
        (SH.focusNode, result.focus),
        (SH.resultSeverity, result.severity),
        (SH.resultMessage, ox.Literal(result.message)),
        (SH.sourceShape, result.shape),
        (SH.sourceConstraintComponent, result.component),
    ]
    if result.constraint is not None:
        pairs.append((SH.sourceConstraint, result.constraint))
    triples: list[ox.Triple] = []
    if result.path is not None:
        path, triples = result.path.rdf()
        pairs.append((SH.resultPath, path))
    if result.value is not None:
        pairs.append((SH.value, result.value))
    return pairs, triples


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


def typed_subjects(quads: Iterable[ox.Quad]) -> list[ox.NamedNode | ox.BlankNode]:
    """The entities a set of quads describes: its subjects that have an ``rdf:type`` (blank nodes too)."""
    return sorted({q.subject for q in quads if q.predicate == RDF.type}, key=str)  # type: ignore[return-value]


def context_query(submission: Iterable[ox.Quad]) -> str:
    """The CONSTRUCT query that fetches a submission's context from the published store."""
    used = {
        term.value
        for quad in submission
        for term in (quad.subject, quad.object)
        if isinstance(term, ox.NamedNode) and not term.value.startswith(str(MOKG))
    }
    return _CONTEXT_QUERY % _iris(used)


def _typed(store: Store, nodes: set[Term], graph: bool = False) -> ox.QuerySolutions | None:
    """``?node ?class`` (and ``?g``, the graph saying so, with ``graph``) for each type of each node.

    Blank nodes cannot be named in a query: when some are asked for, the types of every blank
    node are read (they are few: mokg's records are IRIs, blank ones come from submissions).
    None when there is nothing to ask.
    """
    named = [node for node in nodes if isinstance(node, ox.NamedNode)]
    parts = [f"{{ VALUES ?node {{ {' '.join(map(str, named))} }} }}"] if named else []
    if any(isinstance(node, ox.BlankNode) for node in nodes):
        parts.append("{ ?node a ?class FILTER(isBlank(?node)) }")
    if not parts:
        return None
    typed = "GRAPH ?g { ?node a ?class }" if graph else "?node a ?class"
    return store.query(f"SELECT * WHERE {{ {' UNION '.join(parts)} {typed} }}")


def _kinds(store: Store, nodes: set[Term]) -> dict[Term, str]:
    """The mokg class of each node (its local name), for reports and for telling claims from facts."""
    rows = _typed(store, nodes) or ()
    return {
        row["node"]: row["class"].value.removeprefix(str(MOKG)) for row in rows if row["class"].value.startswith(MOKG)
    }


def _sources(store: Store, nodes: set[Term], files: dict[str, str]) -> dict[str, str]:
    """The file that describes each node, keyed as :attr:`Finding.focus` writes it.

    That is the first of ``files`` (graph IRI → file, in the root's order) whose graph types the
    node, as :func:`check_files` finds it.
    """
    order = {graph: index for index, graph in enumerate(files)}
    first: dict[str, str] = {}
    for row in _typed(store, nodes, graph=True) or ():
        node, graph = _text(row["node"]), row["g"].value
        if graph in order and (node not in first or order[graph] < order[first[node]]):
            first[node] = graph
    return {node: files[graph] for node, graph in first.items()}


def _order(finding: Finding) -> tuple[str, ...]:
    """Reports list findings by entity, then severity, message, path, value, shape, component."""
    fields = (finding.path, finding.value, finding.shape)
    return (finding.focus, finding.severity, finding.message, *(text or "" for text in fields), finding.component)


class Validator:
    """The shapes, compiled once (:class:`mokg.shacl.Engine`), applied to data in a store.

    Building it refuses, with a :class:`mokg.errors.MokgError` naming the shape, any shape the
    engine does not support or SHACL does not allow.
    """

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad | ox.Triple]) -> Validator:
        """A validator for the shapes in ``quads`` (as the loader reads ``shapes/``)."""
        return cls(Engine(quads))

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def validate(
        self,
        quads: Sequence[ox.Quad],
        *,
        focus_nodes: Sequence[str | Term] | None = None,
        with_dependents: bool = False,
        sources: dict[str, str] | None = None,
    ) -> Report:
        """Validate ``quads`` (records, their context and the ontology), loaded into a store of their own.

        See :meth:`validate_in` for the arguments.
        """
        if focus_nodes is not None and not focus_nodes:
            return Report(())
        store = EmbeddedStore()
        store.replace(quads)
        written = written_forms(q.object for q in quads)
        return self.validate_in(
            store, focus_nodes=focus_nodes, with_dependents=with_dependents, sources=sources, written=written
        )

    def validate_in(
        self,
        store: Store,
        *,
        focus_nodes: Sequence[str | Term] | None = None,
        with_dependents: bool = False,
        sources: dict[str, str] | None = None,
        sparql_only: bool = False,
        written: dict[ox.Literal, ox.Literal] | None = None,
    ) -> Report:
        """Validate the data of ``store`` where they are.

        ``focus_nodes`` (IRIs as text or terms, blank nodes as terms) restricts the results to
        those entities (incremental validation of a change) and, ``with_dependents``, to what
        depends on them: models derived from a changed model inherit its restrictions, so their
        claims are checked again. ``sources`` maps an entity (as :attr:`Finding.focus` writes it)
        to the file that describes it. ``sparql_only`` runs only the SPARQL-based constraints.
        ``written`` maps literals as the store gives them back to their form in the data
        (:func:`mokg.shacl.engine.written_forms`), when the data are at hand.
        """
        focus: list[Term] | None = None
        dependents: list[Term] = []
        if focus_nodes is not None:
            focus = [ox.NamedNode(node) if isinstance(node, str) else node for node in focus_nodes]
            named = [node for node in focus if isinstance(node, ox.NamedNode)]
            if with_dependents and named:
                rows = store.query(_DEPENDENTS_QUERY % " ".join(map(str, named)))
                found = {term for row in rows for term in (row["model"], row["claim"]) if term is not None}
                # A blank claim cannot be named in a query: it is checked as a changed node (all blank ones are).
                dependents = sorted((t for t in found - set(focus) if isinstance(t, ox.NamedNode)), key=str)
                focus = sorted(set(focus) | {t for t in found if isinstance(t, ox.BlankNode)}, key=str)
        results = self._engine.validate(store, focus, dependents=dependents, sparql_only=sparql_only, written=written)
        kinds = _kinds(store, {r.focus for r in results if not isinstance(r.focus, ox.Literal)})
        findings = [Finding.of(r) for r in results]
        sources = sources or {}
        located = (
            replace(f, source=sources.get(f.focus), kind=kinds.get(r.focus))
            for f, r in zip(findings, results, strict=True)
        )
        return Report(tuple(sorted(located, key=_order)))

    def validate_store(self, store: Store) -> Report:
        """The SPARQL constraints (every claim rule) over a whole loaded store: what the load records.

        :func:`mokg.graph.record_validation` keeps these results so that records show them; the
        structural (SHACL Core) checks of every record are ``mokg validate``'s job.
        """
        return self.validate_in(store, sparql_only=True)


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
    sources: dict[str, str] = {}
    for quad in quads:
        if quad.predicate == RDF.type and isinstance(quad.graph_name, ox.NamedNode):
            sources.setdefault(_text(quad.subject), files.get(quad.graph_name.value))
    validator = Validator.from_quads(load_files(shapes, settings.base_iri))
    if not given:
        return validator.validate(quads, sources=sources)
    return validator.validate(quads, focus_nodes=typed_subjects(given_quads), with_dependents=True, sources=sources)


def check_store(store: Store, settings: Settings) -> Report:
    """Validate the whole graph a load left in ``store``, where it is, with the shapes loaded with it.

    Nothing is copied out: :func:`check_files` parses every file again into Python quads and a
    store in memory, which a million models do not fit in (24 GB were not enough); here the
    engine's queries run over the store, as the load's own validation does. The derived graphs
    are there too; the shapes target records and claims, and find what they find in the files
    alone (tested). Literals are reported in the form the store keeps (``"4"`` for a written
    ``"4.0"^^xsd:decimal``). Findings name the file of the root that describes their entity.
    """
    validator = Validator.from_quads(store.graphs_under(f"{settings.base_iri}graph/shapes/"))
    report = validator.validate_in(store)
    foci = {f.result.focus for f in report.findings if not isinstance(f.result.focus, ox.Literal)}
    files = {f.graph.value: _display_path(f.path, settings.root) for f in discover(settings.root, settings.base_iri)}
    sources = _sources(store, foci, files)
    return Report(tuple(replace(f, source=sources.get(f.focus)) for f in report.findings))


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


#: The named graph, under the base IRI, that holds the validation results of the loaded graph.
VALIDATION_GRAPH = "graph/derived/validation"


def result_triples(report: Report) -> list[ox.Triple]:
    """The findings as triples: ``<entity> mokg:validationResult <entity#result-…>`` with the SHACL terms.

    Records show these, so they hold no blank node: results about IRIs only (the loaded graph's
    entities are IRIs), and the source shape, source constraint and path only when they are IRIs.
    Result IRIs are derived from everything the result says, so writing the same report twice gives
    the same triples, and two different results two resources.
    """
    triples = []
    for finding in report.findings:
        focus = finding.result.focus
        if not isinstance(focus, ox.NamedNode):
            continue
        pairs = [(p, o) for p, o in _result_terms(finding)[0] if not isinstance(o, ox.BlankNode)]
        digest = hashlib.sha1(" ".join(f"{p} {o}" for p, o in pairs).encode()).hexdigest()[:12]
        result = ox.NamedNode(f"{focus.value.split('#', 1)[0]}#result-{digest}")
        triples.append(ox.Triple(focus, MOKG.validationResult, result))
        triples += [ox.Triple(result, predicate, term) for predicate, term in pairs]
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
