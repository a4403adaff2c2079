"""The W3C SHACL test suite (SHACL Core and SHACL-SPARQL), run through mokg's validator.

The suite is vendored in ``tests/data/shacl-w3c/`` (see its README: the W3C data-shapes test
suite as pySHACL 0.40.1 vendors it): 98 SHACL Core and 23 SHACL-SPARQL ``sht:Validate`` entries,
reached from ``manifest.ttl`` through ``mf:include``. Each entry is one case here, run twice:

- through :class:`mokg.validation.Validator`: ``Validator.from_quads()`` of the shapes graph,
  then ``validate()`` of the data graph, both as pyoxigraph quads (blank nodes keeping their
  labels), comparing ``Report.to_graph()``, the W3C report ``mokg validate --format turtle`` prints;
- through pyshacl directly, as the reference: the same parsed graphs, ``inference="none"`` and
  ``advanced=True``.

Files are parsed once, with rdflib's literal normalisation off (``"1"^^xsd:boolean`` stays as
written, as pyshacl's own loader reads files), and shared by both engines, which only read them.

The comparison is the suite's "full compliance" (data-shapes-test-suite/index.html): the
report's ``sh:conforms`` and the multiset of its top-level results, each reduced to the
predicates the suite compares (focus node, path, value, severity, source shape, source
constraint, source constraint component; one the expected result lacks must be missing too).
Literals compare as RDF terms (lexical form, datatype, language tag); a blank node compares by
its description (its triples, recursively, from the report, else the shapes, else the data), so
a blank focus node, value, path or shape matches whatever label the engine gives it as long as
it is the same node, and two results stay two. An entry whose ``mf:result`` is ``sht:Failure``
expects the shapes to be refused: by mokg, with a :class:`mokg.errors.MokgError` when the
``Validator`` is built (at load, not later); by pyshacl, with its validation failure. A crash
never passes.

Every known failure is listed by name in :data:`ALLOWABLE_FAILURES` (mokg) and
:data:`PYSHACL_ALLOWABLE_FAILURES` (the reference) with its causes. A listed case that passes
fails the run until it is taken off the list, so the lists can only shrink. ``test_tally``
prints the pass counts per suite and engine, with how many would pass if the constraint
component were not compared, and how many get ``sh:conforms`` (or the refusal) right.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate as pyshacl_validate
from pyshacl.errors import ReportableRuntimeError, ValidationFailure
from rdflib.namespace import RDF, SH

from mokg.errors import MokgError
from mokg.validation import Validator

SUITE = Path(__file__).parent / "data" / "shacl-w3c"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
XSD_STRING = rdflib.URIRef("http://www.w3.org/2001/XMLSchema#string")

#: The result predicates the suite compares, in the order diagnostics name them.
FIELDS = {
    "focus": SH.focusNode,
    "path": SH.resultPath,
    "value": SH.value,
    "severity": SH.resultSeverity,
    "shape": SH.sourceShape,
    "constraint": SH.sourceConstraint,
    "component": SH.sourceConstraintComponent,
}

# --------------------------------------------------------------------------------------------
# Known failures
# --------------------------------------------------------------------------------------------

REWRITTEN_DATATYPE = (
    "refused at load: sh:datatype xsd:byte cannot be checked in a pyoxigraph store, which keeps a well-formed "
    '"1"^^xsd:byte as "1"^^xsd:integer (oxigraph issue #1413), so a right answer is impossible'
)
SHAPES_GRAPH = "refused at load: $shapesGraph (mokg validates the data graph only)"

#: mokg's known failures: case name -> cause. A listed case that passes, or an unlisted one that
#: fails, fails ``test_mokg_validator``. Both are refusals with a MokgError when the Validator is
#: built: the suite expects a report, mokg says why it cannot give a right one.
ALLOWABLE_FAILURES: dict[str, str] = {
    "core/property/datatype-ill-formed": REWRITTEN_DATATYPE,
    "sparql/pre-binding/shapesGraph-001": SHAPES_GRAPH,
}

#: pyshacl's known failures (the reference), same rules.
PYSHACL_ALLOWABLE_FAILURES: dict[str, str] = {
    "core/property/uniqueLang-002": 'sh:uniqueLang "1"^^xsd:boolean is taken as true (the suite: only true is)',
    "sparql/pre-binding/shapesGraph-001": "$shapesGraph is not supported: NotImplementedError at validate",
}


# --------------------------------------------------------------------------------------------
# The suite
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` entry of the suite."""

    name: str  # the entry's file, relative to the suite, without .ttl: "core/node/class-001"
    suite: str  # "core" or "sparql"
    file: Path
    entry: rdflib.URIRef
    label: str

    def load(self) -> Loaded:
        """The entry's graphs (parsed once per run: see :func:`_parse`)."""
        manifest = _parse(self.file)
        action = manifest.value(self.entry, MF.action)
        graphs: dict[str, rdflib.Graph] = {self.file.resolve().as_uri(): manifest}

        def graph(iri: rdflib.term.Node) -> rdflib.Graph:
            key = str(iri)
            if key not in graphs:
                graphs[key] = _parse(_path(key))
            return graphs[key]

        return Loaded(
            manifest=manifest,
            result=manifest.value(self.entry, MF.result),
            data=graph(manifest.value(action, SHT.dataGraph)),
            shapes=graph(manifest.value(action, SHT.shapesGraph)),
        )


@dataclass(frozen=True)
class Loaded:
    manifest: rdflib.Graph
    result: rdflib.term.Node  # the expected sh:ValidationReport, or sht:Failure
    data: rdflib.Graph
    shapes: rdflib.Graph  # the same object as ``data`` when the entry names one file for both

    @property
    def expects_failure(self) -> bool:
        return self.result == SHT.Failure


def _path(uri: str) -> Path:
    assert uri.startswith("file:"), uri
    return Path(unquote(urlparse(uri).path))


@functools.cache
def _parse(file: Path) -> rdflib.Graph:
    """The file as written: literals not normalised (``"1"^^xsd:boolean`` stays), as pyshacl's own loader reads it."""
    rdflib.NORMALIZE_LITERALS = False
    try:
        return rdflib.Graph().parse(file, format="turtle", publicID=file.resolve().as_uri())
    finally:
        rdflib.NORMALIZE_LITERALS = True


def _manifest_files(file: Path) -> Iterator[Path]:
    """``file`` and every manifest it includes, depth first, in the manifests' order."""
    yield file
    graph = _parse(file)
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
    for included in sorted(graph.objects(manifest, MF.include), key=str):
        yield from _manifest_files(_path(str(included)))


def collect_cases() -> list[Case]:
    cases = []
    for file in _manifest_files(SUITE / "manifest.ttl"):
        graph = _parse(file)
        manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
        entries = graph.value(manifest, MF.entries)
        for entry in graph.items(entries) if entries is not None else ():
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            name = file.relative_to(SUITE).with_suffix("").as_posix()
            cases.append(Case(name, name.split("/")[0], file, entry, str(graph.value(entry, rdflib.RDFS.label))))
    return cases


CASES = collect_cases()
CASE_IDS = [case.name for case in CASES]


# --------------------------------------------------------------------------------------------
# Comparing reports
# --------------------------------------------------------------------------------------------


def canonical(term: rdflib.term.Node | None, graphs: Iterable[rdflib.Graph], seen: frozenset = frozenset()) -> tuple:
    """A term as comparable data: an IRI, a literal as an RDF term, a blank node by its description."""
    if term is None:
        return ("none",)
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype or (RDF.langString if term.language else XSD_STRING))
        return ("literal", str(term), datatype, (term.language or "").lower())
    if isinstance(term, rdflib.BNode):
        if term in seen or len(seen) > 16:
            return ("bnode", "cycle")
        graphs = tuple(graphs)
        # Described by the first graph that has triples about it (the report copies paths with
        # new list nodes, so the graphs must not be merged).
        pairs = next((set(g.predicate_objects(term)) for g in graphs if (term, None, None) in g), set())
        described = sorted(
            (canonical(p, graphs), canonical(o, graphs, seen | {term})) for p, o in pairs if p != SH.detail
        )
        return ("bnode", tuple(described))
    return ("iri", str(term))


@dataclass(frozen=True)
class Outcome:
    """What an engine did with a case: a report, or a refusal (an exception it raised)."""

    conforms: bool | None = None
    results: Counter | None = None  # of tuples, one item per FIELDS
    refused: str | None = None  # the engine refused the shapes (mokg: MokgError at load)
    crashed: str | None = None  # any other exception


def results_of(graph: rdflib.Graph, report: rdflib.term.Node, context: Iterable[rdflib.Graph]) -> Counter:
    context = (graph, *context)
    return Counter(
        tuple(canonical(graph.value(result, predicate), context) for predicate in FIELDS.values())
        for result in graph.objects(report, SH.result)
    )


def report_outcome(graph: rdflib.Graph, context: Iterable[rdflib.Graph]) -> Outcome:
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1, f"{len(reports)} sh:ValidationReport in the report graph"
    conforms = graph.value(reports[0], SH.conforms)
    return Outcome(conforms=bool(conforms.toPython()), results=results_of(graph, reports[0], context))


def expected_outcome(loaded: Loaded) -> Outcome:
    conforms = loaded.manifest.value(loaded.result, SH.conforms)
    context = (loaded.shapes, loaded.data)
    return Outcome(conforms=bool(conforms.toPython()), results=results_of(loaded.manifest, loaded.result, context))


def project(results: Counter, dropped: Iterable[str]) -> Counter:
    keep = [i for i, name in enumerate(FIELDS) if name not in set(dropped)]
    projected: Counter = Counter()
    for key, count in results.items():
        projected[tuple(key[i] for i in keep)] += count
    return projected


def describe_difference(expected: Outcome, actual: Outcome, ignore: tuple[str, ...] = ()) -> str | None:
    """None when ``actual`` passes (comparing every field but ``ignore``); otherwise what differs."""
    if expected.refused is not None:  # sht:Failure
        if actual.refused is not None:
            return None
        return f"expected a refusal at load, got {actual.crashed or 'a report'}"
    if actual.refused is not None or actual.crashed is not None:
        return f"no report: {actual.refused or actual.crashed}"
    problems = []
    if expected.conforms != actual.conforms:
        problems.append(f"sh:conforms {actual.conforms}, expected {expected.conforms}")
    if project(expected.results, ignore) != project(actual.results, ignore):
        others = [name for name in FIELDS if name not in ignore]
        for size in range(1, len(others) + 1):
            found = [
                dropped
                for dropped in itertools.combinations(others, size)
                if project(expected.results, ignore + dropped) == project(actual.results, ignore + dropped)
            ]
            if found:
                problems.append("results differ in " + " | ".join("+".join(d) for d in found))
                break
        else:
            problems.append(f"{sum(actual.results.values())} results, expected {sum(expected.results.values())}")
    return "; ".join(problems) or None


# --------------------------------------------------------------------------------------------
# The engines
# --------------------------------------------------------------------------------------------


def to_quads(graph: rdflib.Graph) -> list[ox.Quad]:
    """An rdflib graph as pyoxigraph quads in the default graph, blank nodes keeping their labels."""

    def term(node: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(node, rdflib.BNode):
            return ox.BlankNode(str(node))
        if isinstance(node, rdflib.Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD_STRING)))
        return ox.NamedNode(str(node))

    return [ox.Quad(term(s), term(p), term(o), ox.DefaultGraph()) for s, p, o in graph]


def run_mokg(case: Case) -> tuple[Outcome, Outcome]:
    loaded = case.load()
    expected = Outcome(refused="sht:Failure") if loaded.expects_failure else expected_outcome(loaded)
    try:
        validator = Validator.from_quads(to_quads(loaded.shapes))
    except MokgError as error:
        return expected, Outcome(refused=f"{type(error).__name__} at load: {error}")
    except Exception as error:
        return expected, Outcome(crashed=f"{type(error).__name__} at load: {error}")
    try:
        graph = validator.validate(to_quads(loaded.data)).to_graph()
    except Exception as error:  # a refusal must come at load; anything later is a crash
        return expected, Outcome(crashed=f"{type(error).__name__} at validate: {error}")
    return expected, report_outcome(graph, (loaded.shapes, loaded.data))


def run_pyshacl(case: Case) -> tuple[Outcome, Outcome]:
    loaded = case.load()
    expected = Outcome(refused="sht:Failure") if loaded.expects_failure else expected_outcome(loaded)
    try:
        _, graph, _ = pyshacl_validate(loaded.data, shacl_graph=loaded.shapes, inference="none", advanced=True)
    except ReportableRuntimeError as error:
        return expected, Outcome(refused=f"{type(error).__name__}: {error}")
    except Exception as error:
        return expected, Outcome(crashed=f"{type(error).__name__}: {error}")
    if isinstance(graph, ValidationFailure):
        return expected, Outcome(refused=f"ValidationFailure: {graph.message}")
    return expected, report_outcome(graph, (loaded.shapes, loaded.data))


ENGINES: dict[str, Callable[[Case], tuple[Outcome, Outcome]]] = {"mokg": run_mokg, "pyshacl": run_pyshacl}


@functools.cache
def outcome(engine: str, name: str) -> tuple[Outcome, Outcome]:
    """(expected, actual) for one case and engine, computed once per run."""
    case = next(case for case in CASES if case.name == name)
    return ENGINES[engine](case)


def check(engine: str, name: str, allowed: dict[str, str]) -> None:
    expected, actual = outcome(engine, name)
    difference = describe_difference(expected, actual)
    if name in allowed:
        assert difference is not None, (
            f"{name} now passes with {engine}: take it off the allowed failures ({allowed[name]})"
        )
    else:
        assert difference is None, f"{name} fails with {engine}: {difference}"


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------


def test_the_suite_is_complete():
    counts = Counter(case.suite for case in CASES)
    assert counts == {"core": 98, "sparql": 23}
    assert len(set(CASE_IDS)) == len(CASE_IDS)
    for allowed in (ALLOWABLE_FAILURES, PYSHACL_ALLOWABLE_FAILURES):
        assert set(allowed) <= set(CASE_IDS), set(allowed) - set(CASE_IDS)


@pytest.mark.parametrize("name", CASE_IDS)
def test_mokg_validator(name: str):
    check("mokg", name, ALLOWABLE_FAILURES)


@pytest.mark.parametrize("name", CASE_IDS)
def test_pyshacl_reference(name: str):
    check("pyshacl", name, PYSHACL_ALLOWABLE_FAILURES)


def tally() -> dict[tuple[str, str], Counter]:
    """Per engine and suite: cases, passes, passes if the component were not compared, and more."""
    counts: dict[tuple[str, str], Counter] = {}
    for engine, case in itertools.product(ENGINES, CASES):
        expected, actual = outcome(engine, case.name)
        row = counts.setdefault((engine, case.suite), Counter())
        row["cases"] += 1
        row["passed"] += describe_difference(expected, actual) is None
        row["without component"] += describe_difference(expected, actual, ("component",)) is None
        if expected.refused is not None:
            row["refusals expected"] += 1
            row["refused"] += actual.refused is not None
        if expected.refused is not None:
            row["conforms right"] += actual.refused is not None
        else:
            row["conforms right"] += actual.results is not None and expected.conforms == actual.conforms
        row["crashed"] += actual.crashed is not None
    return counts


def test_tally(capsys: pytest.CaptureFixture[str]):
    counts = tally()
    lines = []
    for (engine, suite), row in sorted(counts.items()):
        lines.append(
            f"W3C SHACL {suite:6} {engine:8} {row['passed']:3}/{row['cases']} full compliance"
            f" ({row['without component']} if sh:sourceConstraintComponent were not compared,"
            f" {row['conforms right']} with the right sh:conforms or refusal,"
            f" {row['refused']}/{row['refusals expected']} expected refusals, {row['crashed']} crashes)"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    for engine, allowed in (("mokg", ALLOWABLE_FAILURES), ("pyshacl", PYSHACL_ALLOWABLE_FAILURES)):
        passed = sum(row["passed"] for (e, _), row in counts.items() if e == engine)
        assert passed == len(CASES) - len(allowed), engine
