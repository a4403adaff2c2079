"""Derived facts: the rules in ``rules/``, materialized into their own graphs, once per load.

Each rule writes the named graph ``{base}graph/derived/NN-name``, never the asserted graphs, so
derived facts can be told apart from curated ones and dropped or recomputed at will. The graph
records which rule made it and when (PROV), which is the provenance of each triple in it.
Rules run in name order: later rules read earlier rules' output.

Most rules are SPARQL CONSTRUCT files (``rules/NN-name.rq``): each is evaluated **once**, its
result streamed by the engine to N-Triples and bulk-loaded into its graph, so a million models'
derived facts never become Python objects. The one recursive rule, the restrictions a model
inherits along its lineage, is computed here in Python (:func:`inherited_restrictions`): a
fixpoint of SPARQL rounds re-evaluated the whole query once per derivation step (11 rounds for
depth-9 chains, 44 s at 10,000 models), where one pass over the lineage edges finds them all.

Rules run when the graph is loaded, so pages and the leaderboard read materialized facts
instead of computing them per request (design brief, performance rules). A rule reads the
output of an earlier one when its pattern names a ``mokg:`` term that rule's template writes
(:func:`waves`); rules that do not read each other run at the same time, one per core: the
engine releases the interpreter while it evaluates, so on two cores the four rules over the
component statuses take the time of two.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import pyoxigraph as ox

from mokg.store import Store
from mokg.vocab import DERIVED_GRAPHS, MOKG, PREFIXES

__all__ = [
    "INHERITED_RESTRICTIONS",
    "Rule",
    "inherited_restrictions",
    "load_rules",
    "provenance",
    "run_rules",
    "waves",
]

_RDF_TYPE = ox.NamedNode(f"{PREFIXES['rdf']}type")
_PROV = PREFIXES["prov"]

#: The rule computed in Python (see :func:`inherited_restrictions`), between rules 10 and 30.
INHERITED_RESTRICTIONS = "20-inherited-restrictions"
#: What it writes (see :func:`_restriction_lines`).
_INHERITED_TERMS = frozenset({"inheritsRestriction", "InheritedRestriction", "restrictedBy", "carriedBy", "nextStep"})
_MOKG_TERM = re.compile(r"\bmokg:(\w+)")


@dataclass(frozen=True)
class Rule:
    """One rule: its name (file stem) and its CONSTRUCT query (``None`` for the one computed in Python)."""

    name: str
    query: str | None

    def graph(self, base_iri: str) -> ox.NamedNode:
        return ox.NamedNode(f"{base_iri}{DERIVED_GRAPHS}{self.name}")

    def iri(self, base_iri: str) -> ox.NamedNode:
        return ox.NamedNode(f"{base_iri}rules/{self.name}")

    @property
    def writes(self) -> frozenset[str]:
        """The ``mokg:`` terms of the facts this rule makes (its CONSTRUCT template)."""
        if self.query is None:
            return _INHERITED_TERMS
        template = self.query[self.query.index("CONSTRUCT") : self.query.index("WHERE")]
        return frozenset(_MOKG_TERM.findall(template))

    @property
    def reads(self) -> frozenset[str]:
        """The ``mokg:`` terms this rule's pattern looks for."""
        if self.query is None:
            return frozenset(_MOKG_TERM.findall(_BASES + _WEIGHTS + _DATA + _RESTRICTIVE + _DERIVATION))
        return frozenset(_MOKG_TERM.findall(self.query[self.query.index("WHERE") :]))


def load_rules() -> list[Rule]:
    """Every rule, in the order they run: the CONSTRUCT files of ``mokg/rules`` and the restriction closure."""
    folder = resources.files("mokg") / "rules"
    rules = [Rule(INHERITED_RESTRICTIONS, None)]
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
        graph = rule.graph(base_iri)
        with tempfile.TemporaryFile() as buffer:
            if rule.query is None:
                buffer.writelines(line.encode() for line in inherited_restrictions(store))
            else:
                store.query(rule.query).serialize(buffer, format=ox.RdfFormat.N_TRIPLES)
            made_by = provenance(graph, rule.iri(base_iri), MOKG.DerivationRule, datetime.now(UTC))
            buffer.write(ox.serialize(made_by, format=ox.RdfFormat.N_TRIPLES))
            buffer.seek(0)
            with writing:
                store.write_graph(graph, buffer)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as executor:
        for wave in waves(rules if rules is not None else load_rules()):
            list(executor.map(run, wave))  # re-raises the first failure


# --------------------------------------------------------------------------------------------
# Inherited restrictions
# --------------------------------------------------------------------------------------------

_DERIVATION = (
    "mokg:finetunedFrom|mokg:quantizedFrom|mokg:adapterOf|mokg:mergedFrom|mokg:distilledFrom"
    "|mokg:continuedPretrainingFrom"
)
#: Licences that restrict: allowed level below 4 (their own ceiling, else their category's).
_RESTRICTIVE = """
SELECT DISTINCT ?licence WHERE {
  ?licence mokg:licenseCategory/mokg:levelCeiling ?categoryCeiling .
  OPTIONAL { ?licence mokg:levelCeiling ?ownCeiling }
  FILTER(isIRI(?licence) && COALESCE(?ownCeiling, ?categoryCeiling) < 4)
}"""
_BASES = f"SELECT ?model ?carrier WHERE {{ ?model {_DERIVATION} ?carrier FILTER(isIRI(?model) && isIRI(?carrier)) }}"
_WEIGHTS = """
SELECT ?carrier ?licence WHERE {
  ?carrier mokg:hasComponent ?weights .
  ?weights mokg:componentType mokg:ModelParametersFinal ; dcterms:license ?licence .
}"""
_DATA = """
SELECT ?model ?carrier ?licence WHERE {
  ?model mokg:trainedOn|mokg:finetunedOn ?carrier .
  ?carrier dcterms:license|mokg:subjectToTerms ?licence .
  FILTER(isIRI(?model) && isIRI(?carrier))
}"""


def _pairs(store: Store, sparql: str, *names: str) -> Iterator[tuple[str, ...]]:
    for row in store.query(sparql):
        yield tuple(row[name].value for name in names)


def _node(model: str, licence: str, carrier: str) -> str:
    digest = hashlib.sha1(f"{licence} {carrier}".encode()).hexdigest()[:12]
    return f"{model}#restriction-{digest}"


def inherited_restrictions(store: Store) -> Iterator[str]:
    """The restrictions every model inherits, with the path that carries each, as N-Triples lines.

    A licence restricts when it allows less than level 4 (its own ``mokg:levelCeiling``, else
    its category's). A model inherits the licence of a base model's weights, carried by that
    base; the licence and terms of a dataset it was trained or fine-tuned on, carried by that
    dataset; and every restriction its base inherits, carried by the base, with
    ``mokg:nextStep`` pointing to the base's own restriction node, so the whole path can be
    followed. Node IRIs are ``{model}#restriction-{sha1(licence carrier)}``: the same data give
    the same triples.

    One pass over the data finds the direct restrictions; a worklist then carries each new
    restriction of a model to the models derived from it, once per (model, licence, base):
    work proportional to the restrictions found, whatever the depth of the lineage (cycles
    included).
    """
    restrictive = {row[0] for row in _pairs(store, _RESTRICTIVE, "licence")}
    children: dict[str, set[str]] = defaultdict(set)
    for model, carrier in _pairs(store, _BASES, "model", "carrier"):
        children[carrier].add(model)
    weights: dict[str, set[str]] = defaultdict(set)
    for carrier, licence in _pairs(store, _WEIGHTS, "carrier", "licence"):
        if licence in restrictive:
            weights[carrier].add(licence)
    nodes: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(dict)  # model → (licence, carrier) → next steps
    changed: list[tuple[str, str, str]] = []

    def add(model: str, licence: str, carrier: str, next_step: str | None) -> None:
        steps = nodes[model].get((licence, carrier))
        if steps is None:
            nodes[model][(licence, carrier)] = steps = set()
            changed.append((model, licence, carrier))
        if next_step is not None:
            steps.add(next_step)

    for carrier, licences in weights.items():
        for model in children.get(carrier, ()):
            for licence in licences:
                add(model, licence, carrier, None)
    for model, carrier, licence in _pairs(store, _DATA, "model", "carrier", "licence"):
        if licence in restrictive:
            add(model, licence, carrier, None)
    while changed:
        base, licence, carrier = changed.pop()
        for model in children.get(base, ()):
            add(model, licence, base, _node(base, licence, carrier))
    return _restriction_lines(nodes)


def _restriction_lines(nodes: dict[str, dict[tuple[str, str], set[str]]]) -> Iterator[str]:
    inherits, restricted_by = f"<{MOKG}inheritsRestriction>", f"<{MOKG}restrictedBy>"
    carried_by, next_step = f"<{MOKG}carriedBy>", f"<{MOKG}nextStep>"
    kind = f"<{_RDF_TYPE.value}> <{MOKG}InheritedRestriction>"
    for model, restrictions in nodes.items():
        for (licence, carrier), steps in restrictions.items():
            node = f"<{_node(model, licence, carrier)}>"
            yield f"<{model}> {inherits} {node} .\n{node} {kind} .\n"
            yield f"{node} {restricted_by} <{licence}> .\n{node} {carried_by} <{carrier}> .\n"
            yield from (f"{node} {next_step} <{step}> .\n" for step in steps)
