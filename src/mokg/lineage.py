"""Rules 10 and 20: a model's lineage and the restrictions it inherits along it, computed in Python.

Both are closures over the derivation edges (fine-tuned, quantized, adapter, merged, distilled,
continued pre-training). In SPARQL they were a property path ``(…)+`` evaluated from every node
of the graph and a fixpoint re-run once per derivation step (11 rounds for depth-9 chains);
here the edges are read once and each closure is walked once per model, work proportional to
the facts found. The SPARQL texts they reproduce triple for triple are kept as the
specification in ``tests/data/rules-reference/`` and checked by ``tests/test_rules.py``.

Both rules give N-Triples lines (see :mod:`mokg.rules`), built from each term's N-Triples form
(``str(term)``), so blank nodes and literals pass through as the SPARQL rules passed them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator

from mokg.store import Store
from mokg.vocab import MOKG

__all__ = [
    "DATA",
    "DERIVATION",
    "EDGES",
    "RDF_TYPE",
    "RESTRICTIVE",
    "WEIGHTS",
    "ancestors",
    "derivation_edges",
    "derived_from",
    "inherited_restrictions",
]

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
#: The properties that make one model from another, as a SPARQL alternative path.
DERIVATION = (
    "mokg:finetunedFrom|mokg:quantizedFrom|mokg:adapterOf|mokg:mergedFrom|mokg:distilledFrom"
    "|mokg:continuedPretrainingFrom"
)
#: Every derivation edge: (derived, base), any terms.
EDGES = f"SELECT ?model ?base WHERE {{ ?model {DERIVATION} ?base }}"


def derivation_edges(store: Store) -> dict[str, set[str]]:
    """The bases of each derived term (N-Triples forms), read in one query."""
    parents: dict[str, set[str]] = defaultdict(set)
    for row in store.query(EDGES):
        parents[str(row[0])].add(str(row[1]))
    return parents


def ancestors(parents: dict[str, set[str]], node: str) -> set[str]:
    """Every term reached from ``node`` in one step or more (``node`` itself only through a cycle)."""
    found: set[str] = set()
    todo = list(parents.get(node, ()))
    while todo:
        step = todo.pop()
        if step not in found:
            found.add(step)
            todo.extend(parents.get(step, ()))
    return found


def derived_from(store: Store) -> Iterator[str]:
    """Rule 10: ``?model mokg:derivedFrom ?ancestor`` for every ancestor, directly or through other models.

    One property for the whole lineage, so that "every descendant of Mistral 7B" is a single
    triple pattern.
    """
    parents = derivation_edges(store)
    predicate = f"<{MOKG}derivedFrom>"
    for node in parents:
        for ancestor in ancestors(parents, node):
            yield f"{node} {predicate} {ancestor} .\n"


# --------------------------------------------------------------------------------------------
# Rule 20: inherited restrictions
# --------------------------------------------------------------------------------------------

#: Licences and licence statuses that restrict: allowed level below 4 (their own ceiling, else
#: their category's). A status (no licence known, or none) restricts as its ceiling says.
RESTRICTIVE = """
SELECT DISTINCT ?licence WHERE {
  { ?licence mokg:licenseCategory/mokg:levelCeiling ?categoryCeiling } UNION { ?licence a mokg:LicenseStatus }
  OPTIONAL { ?licence mokg:levelCeiling ?ownCeiling }
  FILTER(isIRI(?licence) && COALESCE(?ownCeiling, ?categoryCeiling) < 4)
}"""
WEIGHTS = """
SELECT ?carrier ?licence WHERE {
  ?carrier mokg:hasComponent ?weights .
  ?weights mokg:componentType mokg:ModelParametersFinal ; dcterms:license|mokg:licenseStatus ?licence .
}"""
DATA = """
SELECT ?model ?carrier ?licence WHERE {
  ?model mokg:trainedOn|mokg:finetunedOn ?carrier .
  ?carrier dcterms:license|mokg:subjectToTerms|mokg:licenseStatus ?licence .
  FILTER(isIRI(?model) && isIRI(?carrier))
}"""


def _pairs(store: Store, sparql: str, *names: str) -> Iterator[tuple[str, ...]]:
    for row in store.query(sparql):
        yield tuple(row[name].value for name in names)


def _node(model: str, licence: str, carrier: str) -> str:
    digest = hashlib.sha1(f"{licence} {carrier}".encode()).hexdigest()[:12]
    return f"{model}#restriction-{digest}"


def inherited_restrictions(store: Store) -> Iterator[str]:
    """Rule 20: the restrictions every model inherits, with the path that carries each.

    A licence restricts when it allows less than level 4 (its own ``mokg:levelCeiling``, else
    its category's); so does a licence status (``mokg:licenseStatus``: no licence known, or
    none), by its own ceiling. A model inherits the licence of a base model's weights, carried by that
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
    restrictive = {row[0] for row in _pairs(store, RESTRICTIVE, "licence")}
    children: dict[str, set[str]] = defaultdict(set)  # base IRI → IRIs of the models derived from it
    for model, bases in derivation_edges(store).items():
        for base in bases:
            if model.startswith("<") and base.startswith("<"):  # IRIs only: a node IRI is minted from them
                children[base[1:-1]].add(model[1:-1])
    weights: dict[str, set[str]] = defaultdict(set)
    for carrier, licence in _pairs(store, WEIGHTS, "carrier", "licence"):
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
    for model, carrier, licence in _pairs(store, DATA, "model", "carrier", "licence"):
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
    kind = f"{RDF_TYPE} <{MOKG}InheritedRestriction>"
    for model, restrictions in nodes.items():
        for (licence, carrier), steps in restrictions.items():
            node = f"<{_node(model, licence, carrier)}>"
            yield f"<{model}> {inherits} {node} .\n{node} {kind} .\n"
            yield f"{node} {restricted_by} <{licence}> .\n{node} {carried_by} <{carrier}> .\n"
            yield from (f"{node} {next_step} <{step}> .\n" for step in steps)
