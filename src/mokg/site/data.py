"""What the static site shows, read from the store with SPARQL (pyoxigraph), sorted for determinism.

Every function here runs a handful of queries over the whole graph (not one per model), then
assembles plain Python objects that the templates render. Each takes ``only=``, a set of IRIs,
to run the same queries on those entities alone (a ``VALUES`` clause): an incremental build
asks for the few entities a change touched, with the code a full build runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

import pyoxigraph as ox

from mokg.records import KINDS
from mokg.store import Store
from mokg.vocab import MOKG, PREFIXES, curie

__all__ = [
    "GROUPS",
    "STATUS_RANK",
    "Entity",
    "LeaderRow",
    "Status",
    "data_date",
    "derivation_edges",
    "entities",
    "graph_mentions",
    "leaderboard",
    "lineage_of",
    "model_datasets",
    "ontology_terms",
    "related",
    "scores",
    "subjects_of",
    "values",
]

M = str(MOKG)

#: Component statuses from worst to best (rule 30's order), with their short labels.
STATUS_RANK: dict[str, int] = {
    "none": -1,
    "missing": 0,
    "not-public": 1,
    "restricted": 2,
    "unlicensed": 3,
    "conditional": 4,
    "open": 5,
}
STATUS_LABEL = {
    "none": "none recorded",
    "missing": "missing",
    "not-public": "not public",
    "restricted": "restricted",
    "unlicensed": "unlicensed",
    "conditional": "conditional",
    "open": "open",
}
_STATUS_OF_TYPE = {
    f"{M}StatusOpen": "open",
    f"{M}StatusConditional": "conditional",
    f"{M}StatusRestricted": "restricted",
    f"{M}StatusUnlicensed": "unlicensed",
    f"{M}StatusNotPublic": "not-public",
    f"{M}StatusMissing": "missing",
}

#: The leaderboard's component columns: (key, heading, member types). A member is a MOF
#: component type, a refinement (pre-training / fine-tuning data, whose status is computed from
#: the recorded components, as rule 30 does for their MOF type), or a tuple of types of which the
#: best counts (a research paper stands in for a technical report). The group shows its worst member.
GROUPS: list[tuple[str, str, list[str | tuple[str, ...]]]] = [
    ("weights", "Weights", ["ModelParametersFinal"]),
    ("code", "Architecture & inference code", ["ModelArchitecture", "InferenceCode"]),
    ("training-code", "Training code", ["TrainingCode"]),
    ("data-code", "Data-processing code", ["DataPreprocessingCode"]),
    ("pretraining-data", "Pre-training data", ["PreTrainingData"]),
    ("finetuning-data", "Fine-tuning data", ["FineTuningData"]),
    ("evaluation", "Evaluation", ["EvaluationCode", "EvaluationData", "EvaluationResults"]),
    ("docs", "Documentation", ["ModelCard", "DataCard", ("TechnicalReport", "ResearchPaper")]),
]
REFINEMENTS = ("PreTrainingData", "FineTuningData")

DERIVATION_LABELS = {
    "finetunedFrom": "fine-tuned",
    "quantizedFrom": "quantized",
    "adapterOf": "adapter",
    "mergedFrom": "merged",
    "distilledFrom": "distilled",
    "continuedPretrainingFrom": "continued pre-training",
}


@dataclass(frozen=True)
class Status:
    """A component status: key (CSS class, ranked by STATUS_RANK), label, and what it summarizes."""

    key: str
    detail: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABEL[self.key]


@dataclass(frozen=True)
class Entity:
    """An entity with a page: kind, IRI, slug, label, and the page's path in the site."""

    kind: str
    iri: str
    slug: str
    label: str

    @property
    def path(self) -> str:
        return f"{self.kind}/{quote(self.slug, safe='')}.html"

    def record_url(self, base_iri: str) -> str:
        """The persistent URL of the entity's record: its IRI, or ``{base}license/{id}`` for an SPDX licence."""
        return f"{base_iri}{self.kind}/{quote(self.slug, safe='')}" if self.kind == "license" else self.iri


@dataclass
class LeaderRow:
    """One model on the leaderboard."""

    model: Entity
    score: float | None = None
    mof_class: int = 0
    osaid: str = ""
    osaid_key: str = "missing"
    orgs: list[Entity] = field(default_factory=list)
    licences: list[Entity] = field(default_factory=list)
    licence_status: str = ""  # the licence status of a model with no licence to name ("Licence unknown")
    categories: list[str] = field(default_factory=list)
    statuses: dict[str, Status] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # MOF type → status key
    component_licences: dict[str, list[str]] = field(default_factory=dict)  # MOF type → licence labels
    bases: list[str] = field(default_factory=list)  # slugs of every ancestor (mokg:derivedFrom)


def restrict(query: str, variable: str, only: Iterable[str] | None) -> str:
    """``query`` with ``?variable`` bound to the IRIs of ``only`` (a ``VALUES`` clause); as it is for ``None``."""
    if only is None:
        return query
    head, brace, tail = query.partition("WHERE {")
    return f"{head}{brace} {values(variable, only)}{tail}"


def values(variable: str, iris: Iterable[str]) -> str:
    """``VALUES ?variable { <iri> … }``, sorted."""
    return f"VALUES ?{variable} {{ {' '.join(str(ox.NamedNode(iri)) for iri in sorted(iris))} }}"


def _value(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]


def _pick(values: set[str], fallback: str) -> str:
    return sorted(values)[0] if values else fallback


def data_date(store: Store) -> date:
    """The date the graph was last modified (the ontology's ``dcterms:modified``), the site's only date."""
    rows = list(store.query("SELECT (MAX(STR(?d)) AS ?m) WHERE { ?o a owl:Ontology ; dcterms:modified ?d }"))
    text = _value(rows[0]["m"]) if rows else None
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return date(1970, 1, 1)


def entities(store: Store, base_iri: str, only: Collection[str] | None = None) -> dict[str, Entity]:
    """Every entity (of ``only``) that gets a page, by IRI: models, datasets, licences, orgs, families, sources."""
    found: dict[str, Entity] = {}
    for kind, spec in sorted(KINDS.items()):
        labels: dict[str, set[str]] = defaultdict(set)
        ids: dict[str, set[str]] = defaultdict(set)
        query = (
            f"SELECT ?e ?label ?id WHERE {{ ?e a {ox.NamedNode(spec.cls)} . FILTER(isIRI(?e)) "
            "OPTIONAL { ?e rdfs:label ?label } OPTIONAL { ?e mokg:licenseId ?id } }"
        )
        for row in store.query(restrict(query, "e", only)):
            iri = row["e"].value
            labels.setdefault(iri, set())  # every entity, labelled or not
            if row["label"] is not None:
                labels[iri].add(row["label"].value)
            if row["id"] is not None:
                ids[iri].add(row["id"].value)
        prefix = f"{base_iri}{spec.path}/"
        for iri, names in labels.items():
            if kind == "license":
                if not ids[iri]:
                    continue
                slug = sorted(ids[iri])[0]
            else:
                slug = iri.removeprefix(prefix)
                if not iri.startswith(prefix) or not slug or any(c in slug for c in "/#?"):
                    continue
            found[iri] = Entity(kind, iri, slug, _pick(names, slug))
    return dict(sorted(found.items()))


_MODELS = """
SELECT ?m ?org ?lic ?cat ?catLabel ?licStatus ?mof ?osaid ?osaidLabel ?score WHERE {
  ?m a mokg:Model .
  OPTIONAL { ?m dcterms:creator ?org }
  OPTIONAL {
    ?m dcterms:license ?lic .
    OPTIONAL { ?lic mokg:licenseCategory ?cat . OPTIONAL { ?cat skos:prefLabel ?catLabel } }
  }
  OPTIONAL { ?m mokg:licenseStatus/skos:prefLabel ?licStatus }
  OPTIONAL { ?m mokg:achievedMOFClass ?mof }
  OPTIONAL { ?m mokg:osaidStatus ?osaid . OPTIONAL { ?osaid skos:prefLabel ?osaidLabel } }
  OPTIONAL { ?m mokg:opennessScore ?score }
}
"""

# Only models have assessments: no `?m a mokg:Model` (that join doubles the query's time).
_ASSESSMENTS = """
SELECT ?m ?type ?status WHERE {
  ?m mokg:componentAssessment ?a .
  ?a mokg:componentType ?type ; mokg:componentStatus ?status .
}
"""

# The status of the recorded components of a refinement type (pre-training, fine-tuning data),
# ranked as rule 30 ranks them for their MOF type; the worst counts.
_REFINED = """
SELECT ?m ?type (MIN(?rank) AS ?worst) WHERE {
  VALUES ?type { mokg:PreTrainingData mokg:FineTuningData }
  ?m a mokg:Model ; mokg:hasComponent ?component .
  ?component mokg:componentType ?type ; mokg:availability ?availability .
  ?type mokg:contentType ?content .
  OPTIONAL {
    ?component dcterms:license ?licence .
    ?licence mokg:osiApproved ?osi ; mokg:openData ?openData .
  }
  OPTIONAL { ?component mokg:licenseStatus ?licenceStatus }
  BIND(?availability IN (mokg:DirectDownload, mokg:Clickthrough) AS ?public)
  BIND(COALESCE(?osi || ?openData, false) AS ?open)
  BIND(IF(?content = mokg:Code, COALESCE(?osi, false), COALESCE(?openData, false)) AS ?fits)
  BIND(IF(?availability = mokg:NotPubliclyAvailable, 1,
       IF(!BOUND(?licence), IF(?public, IF(COALESCE(?licenceStatus = mokg:NoAssertion, false), 2, 3), 1),
       IF(?public && ?open, IF(?fits, 5, 4), 2))) AS ?rank)
} GROUP BY ?m ?type
"""
_RANK_KEY = {1: "not-public", 2: "restricted", 3: "unlicensed", 4: "conditional", 5: "open"}

_COMPONENT_LICENCES = """
SELECT DISTINCT ?m ?type ?lic ?statusLabel WHERE {
  ?m a mokg:Model ; mokg:hasComponent ?c .
  ?c mokg:componentType/skos:broader* ?type ; dcterms:license|mokg:licenseStatus ?lic .
  ?type mokg:mofClass ?class .
  OPTIONAL { ?lic a mokg:LicenseStatus ; skos:prefLabel ?statusLabel }
}
"""


def _local(iri: str) -> str:
    return iri.removeprefix(M)


def leaderboard(store: Store, pages: dict[str, Entity], only: Collection[str] | None = None) -> list[LeaderRow]:
    """Every model (of ``only``) with its derived openness facts, in leaderboard order (:func:`rank`)."""
    rows: dict[str, LeaderRow] = {}
    cats: dict[str, set[str]] = defaultdict(set)
    for r in store.query(restrict(_MODELS, "m", only)):
        iri = r["m"].value
        if iri not in pages:
            continue
        row = rows.setdefault(iri, LeaderRow(pages[iri]))
        if r["org"] is not None and r["org"].value in pages and pages[r["org"].value] not in row.orgs:
            row.orgs.append(pages[r["org"].value])
        if r["lic"] is not None and r["lic"].value in pages and pages[r["lic"].value] not in row.licences:
            row.licences.append(pages[r["lic"].value])
        if r["catLabel"] is not None:
            cats[iri].add(r["catLabel"].value)
        if r["licStatus"] is not None:
            row.licence_status = r["licStatus"].value
        if r["mof"] is not None:
            row.mof_class = max(row.mof_class, int(r["mof"].value))
        if r["osaid"] is not None:
            row.osaid = _value(r["osaidLabel"]) or _local(r["osaid"].value)
            row.osaid_key = {"OSAIDConformant": "open", "OSAIDNotConformant": "restricted"}.get(
                _local(r["osaid"].value), "missing"
            )
        if r["score"] is not None:
            row.score = float(r["score"].value)
    for iri, row in rows.items():
        row.orgs.sort(key=lambda e: (e.label.casefold(), e.iri))
        row.licences.sort(key=lambda e: (e.label.casefold(), e.iri))
        row.categories = sorted(cats[iri])
    for r in store.query(restrict(_ASSESSMENTS, "m", only)):
        if r["m"].value in rows:
            rows[r["m"].value].types[_local(r["type"].value)] = _STATUS_OF_TYPE.get(r["status"].value, "missing")
    for r in store.query(restrict(_REFINED, "m", only)):
        if r["m"].value in rows:
            rows[r["m"].value].types[_local(r["type"].value)] = _RANK_KEY.get(int(r["worst"].value), "missing")
    lic_labels: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in store.query(restrict(_COMPONENT_LICENCES, "m", only)):
        lic = r["lic"].value
        label = pages[lic].label if lic in pages else _value(r["statusLabel"]) or curie(lic)
        lic_labels[r["m"].value][_local(r["type"].value)].add(label)
    for r in store.query(restrict("SELECT ?m ?a WHERE { ?m a mokg:Model ; mokg:derivedFrom ?a }", "m", only)):
        if r["m"].value in rows and r["a"].value in pages:
            rows[r["m"].value].bases.append(pages[r["a"].value].slug)
    for iri, row in rows.items():
        row.bases.sort()
        row.component_licences = {t: sorted(v) for t, v in sorted(lic_labels[iri].items())}
        for key, _heading, members in GROUPS:
            row.statuses[key] = _group_status(row.types, members)
    return sorted(rows.values(), key=lambda r: rank(r.model, r.score))


def scores(store: Store, models: Collection[str]) -> dict[str, float | None]:
    """The openness score of each of ``models`` (``None`` without one): what places it on the leaderboard."""
    query = restrict("SELECT ?m ?score WHERE { OPTIONAL { ?m mokg:opennessScore ?score } }", "m", models)
    found: dict[str, float | None] = dict.fromkeys(models)
    for r in store.query(query):
        if r["score"] is not None:
            found[r["m"].value] = float(r["score"].value)
    return found


def rank(model: Entity, score: float | None) -> tuple[float, str, str]:
    """A model's place on the leaderboard: score (highest first), then name, then IRI."""
    return (-(score or 0.0), model.label.casefold(), model.iri)


def _group_status(types: dict[str, str], members: list[str | tuple[str, ...]]) -> Status:
    parts: list[tuple[int, str, str]] = []
    for member in members:
        options = member if isinstance(member, tuple) else (member,)
        keys = [(STATUS_RANK[types.get(t, "none" if t in REFINEMENTS else "missing")], t) for t in options]
        rank, best = max(keys)
        key = next(k for k, v in STATUS_RANK.items() if v == rank)
        parts.append((rank, best, key))
    worst = min(parts)[2]
    if len(parts) == 1:  # the column heading names the one type: nothing to detail
        return Status(worst)
    detail = "; ".join(f"{_spaced(t)}: {STATUS_LABEL[k]}" for _, t, k in parts)
    return Status(worst, detail)


def _spaced(name: str) -> str:
    out = "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
    return out[:1].upper() + out[1:]


def derivation_edges(store: Store, only: Collection[str] | None = None) -> list[tuple[str, str, str]]:
    """Every derivation between models (from a model of ``only``): (derived model, kind, base model), sorted."""
    properties = [f"mokg:{p}" for p in DERIVATION_LABELS]
    if only is None:
        query = f"SELECT ?child ?p ?parent WHERE {{ VALUES ?p {{ {' '.join(properties)} }} ?child ?p ?parent }}"
    else:  # each model's triples, filtered: the two VALUES joined looked every pair up, 6 times slower
        query = f"SELECT ?child ?p ?parent WHERE {{ ?child ?p ?parent FILTER(?p IN ({', '.join(properties)})) }}"
    found = store.query(restrict(query, "child", only))
    return sorted({(r["child"].value, _local(r["p"].value), r["parent"].value) for r in found})


def lineage_of(store: Store, models: Collection[str], *, descendants: bool = True) -> set[str]:
    """``models`` with every ancestor (and descendant) of each (``mokg:derivedFrom`` is transitive, rule 10)."""
    if not models:
        return set()
    query = "SELECT ?x WHERE { ?m mokg:derivedFrom ?x }"
    if descendants:
        query = "SELECT ?x WHERE { { ?m mokg:derivedFrom ?x } UNION { ?x mokg:derivedFrom ?m } }"
    return set(models) | {r["x"].value for r in store.query(restrict(query, "m", models))}


def model_datasets(store: Store, only: Collection[str] | None = None) -> dict[str, list[tuple[str, str]]]:
    """The datasets each model (of ``only``) was trained or fine-tuned on: model → sorted [(relation, dataset)]."""
    query = "SELECT ?m ?p ?d WHERE { VALUES ?p { mokg:trainedOn mokg:finetunedOn } ?m a mokg:Model ; ?p ?d }"
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in store.query(restrict(query, "m", only)):
        found[r["m"].value].add((_local(r["p"].value), r["d"].value))
    return {m: sorted(v) for m, v in sorted(found.items())}


#: What links to an entity, by the kind of the entity: (relation key, heading, pattern on ?x and ?target).
_RELATED = [
    ("license", "Models whose weights are under this licence", "?x a mokg:Model ; dcterms:license ?target"),
    (
        "license",
        "Models with a component under this licence",
        "?x a mokg:Model ; mokg:hasComponent/dcterms:license ?target",
    ),
    ("license", "Datasets under this licence", "?x a mokg:Dataset ; dcterms:license ?target"),
    ("license", "Datasets subject to these terms", "?x a mokg:Dataset ; mokg:subjectToTerms ?target"),
    ("org", "Models by this organization", "?x a mokg:Model ; dcterms:creator ?target"),
    ("org", "Datasets by this organization", "?x a mokg:Dataset ; dcterms:creator ?target"),
    ("org", "Model families by this organization", "?x a mokg:ModelFamily ; dcterms:creator ?target"),
    ("dataset", "Models trained on it", "?x mokg:trainedOn ?target"),
    ("dataset", "Models fine-tuned on it", "?x mokg:finetunedOn ?target"),
    ("dataset", "Models evaluated on it", "?x mokg:evaluatedOn ?target"),
    ("dataset", "Components that include it", "?x mokg:hasComponent/mokg:includesDataset ?target"),
    ("family", "Models in this family", "?x mokg:family ?target"),
    ("source", "Models it makes claims about", "?c prov:wasQuotedFrom ?target ; mokg:aboutModel ?x"),
    ("model", "Models derived from it", "?x mokg:derivedFrom ?target"),
]


def related(
    store: Store, pages: dict[str, Entity], only: Collection[str] | None = None, by: str = "target"
) -> dict[str, list[tuple[str, list[Entity]]]]:
    """For each entity IRI: [(heading, entities linking to it)], in a fixed order, sorted by label.

    With ``only``, for the entities of ``only`` (``by="target"``), or the lists the entities of
    ``only`` are in (``by="x"``: the lists then hold only those).
    """
    found: dict[str, list[tuple[str, list[Entity]]]] = defaultdict(list)
    for kind, heading, pattern in _RELATED:
        hits: dict[str, set[str]] = defaultdict(set)
        for r in store.query(restrict(f"SELECT DISTINCT ?target ?x WHERE {{ {pattern} }}", by, only)):
            target, x = r["target"].value, r["x"].value
            if target in pages and pages[target].kind == kind and x in pages:
                hits[target].add(x)
        for target, xs in sorted(hits.items()):
            found[target].append((heading, sorted((pages[x] for x in xs), key=lambda e: (e.label.casefold(), e.iri))))
    return found


def subjects_of(store: Store, graphs: Collection[str]) -> dict[str, list[str]]:
    """The IRIs each of ``graphs`` (named graphs, one per data file) says something about: graph → sorted IRIs."""
    query = "SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }"
    found: dict[str, set[str]] = defaultdict(set)
    for r in store.query(restrict(query, "g", graphs)):
        found[r["g"].value].add(r["s"].value)
    return {g: sorted(found.get(g, ())) for g in sorted(graphs)}


def graph_mentions(store: Store, pages: dict[str, Entity], graphs: Collection[str]) -> dict[str, dict[str, bool]]:
    """The entities with a page each of ``graphs`` (one per data file) names: graph → {IRI: named as a subject}.

    What an incremental build must look at when that graph's file changes: the pages those
    entities have, and the pages that show them; an entity the file describes (a subject) is
    shown by its whole lineage too.
    """
    query = (
        "SELECT DISTINCT ?g ?e ?subject WHERE { GRAPH ?g { { ?e ?p ?o BIND(true AS ?subject) } "
        "UNION { ?s ?p ?e BIND(false AS ?subject) } } FILTER(isIRI(?e)) }"
    )
    found: dict[str, dict[str, bool]] = defaultdict(dict)
    for r in store.query(restrict(query, "g", graphs)):
        iri = r["e"].value
        if iri in pages:
            named = found[r["g"].value]
            named[iri] = named.get(iri, False) or r["subject"].value == "true"
    return {g: dict(sorted(found[g].items())) for g in sorted(found)}


# --------------------------------------------------------------------------------------------
# The ontology
# --------------------------------------------------------------------------------------------

_TERM_KINDS = [
    ("owl:Class", "Classes"),
    ("owl:ObjectProperty", "Object properties"),
    ("owl:DatatypeProperty", "Datatype properties"),
    ("owl:AnnotationProperty", "Annotation properties"),
    ("skos:ConceptScheme", "Controlled vocabularies"),
]
_ALIGN = [
    ("rdfs:subClassOf", "Subclass of"),
    ("rdfs:subPropertyOf", "Subproperty of"),
    ("owl:equivalentClass", "Equivalent class"),
    ("owl:equivalentProperty", "Equivalent property"),
    ("skos:exactMatch", "Exact match"),
    ("skos:closeMatch", "Close match"),
    ("skos:broadMatch", "Broad match"),
    ("skos:narrowMatch", "Narrow match"),
    ("skos:relatedMatch", "Related match"),
    ("skos:broader", "Broader"),
    ("rdfs:domain", "Domain"),
    ("rdfs:range", "Range"),
]


@dataclass
class Term:
    """One term of the ontology, for the ontology page."""

    iri: str
    name: str
    label: str
    definition: str = ""
    comment: str = ""
    links: list[tuple[str, list[tuple[str, str, bool]]]] = field(default_factory=list)  # (label, [(shown, href, ext)])
    members: list[Term] = field(default_factory=list)  # the concepts of a concept scheme


def ontology_terms(store: Store, base_iri: str) -> tuple[dict[str, str], list[tuple[str, list[Term]]]]:
    """The ontology's metadata and its terms by kind (classes, properties, vocabularies), sorted by name."""
    graphs = f'FILTER(STRSTARTS(STR(?g), "{base_iri}graph/ontology/"))'
    meta: dict[str, str] = {}
    for r in store.query(
        f"SELECT ?p ?o WHERE {{ GRAPH ?g {{ ?ont a owl:Ontology ; ?p ?o }} {graphs} "
        "FILTER(isLiteral(?o) || ?p = owl:versionIRI) }"
    ):
        meta.setdefault(curie(r["p"].value), r["o"].value)
    facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    query = f"""SELECT ?t ?p ?o WHERE {{ GRAPH ?g {{ ?t ?p ?o }} {graphs}
      FILTER(isIRI(?t) && STRSTARTS(STR(?t), "{M}"))
      FILTER(?p IN (rdf:type, rdfs:label, skos:prefLabel, skos:definition, rdfs:comment, skos:inScheme,
                    {", ".join(p for p, _ in _ALIGN)}))
      FILTER(!isBlank(?o)) }}"""
    for r in store.query(query):
        facts[r["t"].value][curie(r["p"].value)].add(r["o"].value)

    def term(iri: str) -> Term:
        f = facts[iri]
        name = iri.removeprefix(M)
        t = Term(iri, name, _pick(f["skos:prefLabel"] or f["rdfs:label"], name))
        t.definition = _pick(f["skos:definition"], "")
        t.comment = _pick(f["rdfs:comment"], "")
        for prop, heading in _ALIGN:
            targets = []
            for o in sorted(f[prop]):
                if o.startswith(M):
                    targets.append((f"mokg:{o.removeprefix(M)}", f"#{o.removeprefix(M)}", False))
                else:
                    targets.append((curie(o), o, True))
            if targets:
                t.links.append((heading, targets))
        return t

    sections: list[tuple[str, list[Term]]] = []
    for cls, heading in _TERM_KINDS:
        type_iri = PREFIXES[cls.split(":")[0]] + cls.split(":")[1]
        iris = sorted(i for i, f in facts.items() if type_iri in f["rdf:type"])
        terms = [term(i) for i in iris]
        if cls == "skos:ConceptScheme":
            for t in terms:
                t.members = [term(i) for i in sorted(i for i, f in facts.items() if t.iri in f["skos:inScheme"])]
        if terms:
            sections.append((heading, terms))
    return meta, sections
