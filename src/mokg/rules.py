"""Derived facts: the SPARQL CONSTRUCT rules in ``rules/``, materialized into their own graphs.

Each rule ``rules/NN-name.rq`` writes the named graph ``{base}graph/derived/NN-name``, never
the asserted graphs, so derived facts can be told apart from curated ones and dropped or
recomputed at will. A rule is run until it finds nothing new (the restriction rule needs one
round per derivation step), after its graph has been emptied, so re-running gives the same
triples. The graph records which rule made it and when (PROV), which is the provenance of
each triple in it. Rules run in file-name order: later rules read earlier rules' output.

Rules run when the graph is loaded, so pages and the leaderboard read materialized facts
instead of computing them per request (design brief, performance rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import pyoxigraph as ox

from mokg.errors import MokgError
from mokg.store import Store
from mokg.vocab import DERIVED_GRAPHS, MOKG, PREFIXES

__all__ = ["Rule", "load_rules", "provenance", "run_rules"]

#: A rule that has not reached its fixpoint after this many rounds has a bug (derivation
#: chains are short); stop instead of looping.
MAX_ROUNDS = 64

_RDF_TYPE = ox.NamedNode(f"{PREFIXES['rdf']}type")
_PROV = PREFIXES["prov"]


@dataclass(frozen=True)
class Rule:
    """One rule file: its name (file stem) and its CONSTRUCT query."""

    name: str
    query: str

    def graph(self, base_iri: str) -> ox.NamedNode:
        return ox.NamedNode(f"{base_iri}{DERIVED_GRAPHS}{self.name}")

    def iri(self, base_iri: str) -> ox.NamedNode:
        return ox.NamedNode(f"{base_iri}rules/{self.name}")


def load_rules() -> list[Rule]:
    """The rules shipped in ``mokg/rules``, in the order they run."""
    folder = resources.files("mokg") / "rules"
    files = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".rq")), key=lambda entry: entry.name)
    return [Rule(entry.name.removesuffix(".rq"), entry.read_text(encoding="utf-8")) for entry in files]


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


def run_rules(store: Store, base_iri: str, rules: list[Rule] | None = None) -> dict[str, int]:
    """Materialize every rule into its derived graph; return the number of triples each derived."""
    counts = {}
    for rule in rules if rules is not None else load_rules():
        graph = rule.graph(base_iri)
        store.replace_graph(graph, [])
        derived: set[ox.Triple] = set()
        for _ in range(MAX_ROUNDS):
            new = set(store.query(rule.query)) - derived
            if not new:
                break
            derived |= new
            store.replace_graph(graph, [ox.Quad(t.subject, t.predicate, t.object, graph) for t in derived])
        else:
            raise MokgError(f"rule {rule.name} found new triples after {MAX_ROUNDS} rounds: it does not terminate")
        triples = derived | set(provenance(graph, rule.iri(base_iri), MOKG.DerivationRule, datetime.now(UTC)))
        store.replace_graph(graph, [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
        counts[rule.name] = len(derived)
    return counts
