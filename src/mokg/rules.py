"""Derived facts: the rules, materialized into their own graphs, once per load.

Each rule writes the named graph ``{base}graph/derived/NN-name``, never the asserted graphs, so
derived facts can be told apart from curated ones and dropped or recomputed at will. The graph
records which rule made it and when (PROV), which is the provenance of each triple in it.
Rules run in name order: later rules read earlier rules' output.

A rule is either a SPARQL CONSTRUCT file (``rules/NN-name.rq``), evaluated once, its result
streamed by the engine to N-Triples and bulk-loaded into its graph; or a Python function that
reads what it needs in a few flat SELECT queries and decides per model (:mod:`mokg.lineage`:
lineage and inherited restrictions; :mod:`mokg.openness`: component status, MOF class, OSAID,
score). The rules over lineage and components were SPARQL first: property paths evaluated from
every node and joins over the whole graph cost about a millisecond per model each on disk (a
million models: hours), where one pass over the rows the store streams costs microseconds.
Their SPARQL texts stay the specification (``tests/data/rules-reference/``), reproduced triple
for triple by the tests. Either way, the facts travel as N-Triples lines, never as a list of
Python objects.

Rules run when the graph is loaded, so pages and the leaderboard read materialized facts
instead of computing them per request (design brief, performance rules). A rule reads the
output of an earlier one when its queries name a ``mokg:`` term that rule writes
(:func:`waves`); rules that do not read each other run at the same time, one per core: the
engine releases the interpreter while it evaluates, and a Python rule mostly waits on it.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import IO

import pyoxigraph as ox

from mokg import completion, lineage, openness
from mokg.store import Store
from mokg.vocab import DERIVED_GRAPHS, MOKG, PREFIXES

__all__ = [
    "INHERITED_RESTRICTIONS",
    "Rule",
    "load_rules",
    "provenance",
    "run_rules",
    "waves",
]

_RDF_TYPE = ox.NamedNode(f"{PREFIXES['rdf']}type")
_PROV = PREFIXES["prov"]
_log = logging.getLogger("mokg.load")  # each rule's time, beside the load's steps (mokg.graph)
_MOKG_TERM = re.compile(r"\bmokg:(\w+)")

#: The rule that carries licences down the lineage (named in tests and docs).
INHERITED_RESTRICTIONS = "20-inherited-restrictions"


@dataclass(frozen=True)
class Rule:
    """One rule: its name, and either its CONSTRUCT query or the Python function that derives its facts.

    A Python rule names the queries it reads (``inputs``) and the ``mokg:`` terms it writes
    (``makes``): what :func:`waves` orders rules by, checked by the tests against what it does.
    """

    name: str
    query: str | None = None
    derive: Callable[[Store], Iterable[str]] | None = None
    inputs: tuple[str, ...] = ()
    makes: frozenset[str] = frozenset()

    def graph(self, base_iri: str) -> ox.NamedNode:
        return ox.NamedNode(f"{base_iri}{DERIVED_GRAPHS}{self.name}")

    def iri(self, base_iri: str) -> ox.NamedNode:
        return ox.NamedNode(f"{base_iri}rules/{self.name}")

    @property
    def writes(self) -> frozenset[str]:
        """The ``mokg:`` terms of the facts this rule makes."""
        if self.query is None:
            return self.makes
        template = self.query[self.query.index("CONSTRUCT") : self.query.index("WHERE")]
        return frozenset(_MOKG_TERM.findall(template))

    @property
    def reads(self) -> frozenset[str]:
        """The ``mokg:`` terms this rule's patterns look for."""
        if self.query is None:
            return frozenset(_MOKG_TERM.findall(" ".join(self.inputs)))
        return frozenset(_MOKG_TERM.findall(self.query[self.query.index("WHERE") :]))

    def write_facts(self, store: Store, output: IO[bytes]) -> None:
        """Write the rule's facts to ``output`` as N-Triples."""
        if self.derive is not None:
            output.writelines(line.encode() for line in self.derive(store))
        else:
            store.query(self.query).serialize(output, format=ox.RdfFormat.N_TRIPLES)


_PYTHON_RULES = [
    Rule("10-derived-from", derive=lineage.derived_from, inputs=(lineage.EDGES,), makes=frozenset({"derivedFrom"})),
    Rule(
        INHERITED_RESTRICTIONS,
        derive=lineage.inherited_restrictions,
        inputs=(lineage.RESTRICTIVE, lineage.EDGES, lineage.WEIGHTS, lineage.DATA),
        makes=frozenset({"inheritsRestriction", "InheritedRestriction", "restrictedBy", "carriedBy", "nextStep"}),
    ),
    Rule(
        "30-component-status",
        derive=openness.component_status,
        inputs=(openness.COMPONENTS, openness.MOF_TYPES, openness.MODELS),
        makes=frozenset({"componentAssessment", "ComponentAssessment", "componentType", "componentStatus"}),
    ),
    Rule(
        "40-mof-class",
        derive=openness.mof_class,
        inputs=(openness.ASSESSMENTS, openness.REQUIRED, openness.MODELS),
        makes=frozenset({"mofProgressClass3", "mofProgressClass2", "mofProgressClass1", "achievedMOFClass"}),
    ),
    Rule(
        "50-osaid",
        derive=openness.osaid,
        inputs=(
            openness.OPEN_WEIGHTS,
            openness.CODE,
            openness.TRAINED_ON,
            openness.DATA_COMPONENTS,
            lineage.EDGES,
            openness.MODELS,
        ),
        makes=frozenset({"osaidStatus", "osaidReason"}),
    ),
    Rule(
        "60-openness-score",
        derive=openness.openness_score,
        inputs=(openness.ASSESSMENTS, openness.REQUIRED, openness.MODELS),
        makes=frozenset({"opennessScore"}),
    ),
    Rule(
        "80-source-differences",
        derive=completion.source_differences,
        inputs=(
            openness.MOF_TYPES,
            openness.REQUIRED,
            completion.LABELS,
            openness.ASSESSMENTS,
            completion.ACHIEVED,
            completion.RECORDED_LICENCES,
            completion.COMPONENT_CLAIMS,
            completion.CLASS_CLAIMS,
        ),
        makes=frozenset(
            {"classDifference", "ClassDifference", "unrecordedComponent", "UnrecordedComponent", "componentType"}
            | {"comparedWith", "differenceReason", "documentedBy"}
        ),
    ),
]


def load_rules() -> list[Rule]:
    """Every rule, in the order they run: the Python rules and the CONSTRUCT files of ``mokg/rules``."""
    folder = resources.files("mokg") / "rules"
    rules = list(_PYTHON_RULES)
    rules += [
        Rule(entry.name.removesuffix(".rq"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".rq")
    ]
    return sorted(rules, key=lambda rule: rule.name)


def provenance(graph: ox.NamedNode, plan: ox.NamedNode, plan_type: ox.NamedNode, finished: datetime) -> list[ox.Triple]:
    """PROV for a derived graph: made by a run (an activity) of ``plan`` that ended at ``finished``."""
    run = ox.NamedNode(f"{graph.value}#run")
    return [
        ox.Triple(graph, _RDF_TYPE, ox.NamedNode(f"{_PROV}Entity")),
        ox.Triple(graph, ox.NamedNode(f"{_PROV}wasGeneratedBy"), run),
        ox.Triple(run, _RDF_TYPE, ox.NamedNode(f"{_PROV}Activity")),
        ox.Triple(run, ox.NamedNode(f"{_PROV}used"), plan),
        ox.Triple(
            run,
            ox.NamedNode(f"{_PROV}endedAtTime"),
            ox.Literal(finished.isoformat(), datatype=ox.NamedNode(f"{PREFIXES['xsd']}dateTime")),
        ),
        ox.Triple(plan, _RDF_TYPE, plan_type),
        ox.Triple(plan, ox.NamedNode(f"{PREFIXES['rdfs']}label"), ox.Literal(plan.value.rsplit("/", 1)[-1])),
    ]


def waves(rules: list[Rule]) -> list[list[Rule]]:
    """``rules`` in groups that may run at once: each rule after every earlier rule it reads.

    Order among rules that do not read each other does not matter: each writes its own graph.
    """
    done: dict[str, int] = {}
    groups: list[list[Rule]] = []
    for index, rule in enumerate(rules):
        after = [done[r.name] for r in rules[:index] if rule.reads & r.writes]
        wave = max(after, default=-1) + 1
        done[rule.name] = wave
        if wave == len(groups):
            groups.append([])
        groups[wave].append(rule)
    return groups


def run_rules(store: Store, base_iri: str, rules: list[Rule] | None = None) -> None:
    """Materialize every rule into its derived graph (replacing what it held), wave by wave."""
    writing = threading.Lock()  # one bulk load at a time; evaluations overlap

    def run(rule: Rule) -> None:
        started = time.perf_counter()
        graph = rule.graph(base_iri)
        with tempfile.TemporaryFile() as buffer:
            rule.write_facts(store, buffer)
            made_by = provenance(graph, rule.iri(base_iri), MOKG.DerivationRule, datetime.now(UTC))
            buffer.write(ox.serialize(made_by, format=ox.RdfFormat.N_TRIPLES))
            buffer.seek(0)
            with writing:
                store.write_graph(graph, buffer)
        _log.info("rule %s: %.1f s", rule.name, time.perf_counter() - started)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as executor:
        for wave in waves(rules if rules is not None else load_rules()):
            list(executor.map(run, wave))  # re-raises the first failure
