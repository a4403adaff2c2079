"""Ontology hygiene: every term labelled, defined, aligned where it can be, and used terms exist."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, TINY_ROOT

from mokg.loader import discover, load_files
from mokg.store import EmbeddedStore
from mokg.vocab import MOKG

ONTOLOGY_GRAPH = "https://w3id.org/mokg/graph/ontology/mokg"
ONTOLOGY = "https://w3id.org/mokg/ontology"

MOF_COMPONENTS = {
    "Model architecture", "Model parameters (final)", "Model card", "Data card", "Technical report",
    "Evaluation results", "Sample model outputs", "Training code", "Inference code", "Evaluation code",
    "Evaluation data", "Supporting libraries and tools", "Data preprocessing code", "Datasets",
    "Model parameters (intermediate)", "Model metadata", "Research paper",
}  # fmt: skip


def select(store: EmbeddedStore, sparql: str) -> list[dict[str, str]]:
    result = store.query(sparql)
    names = [v.value for v in result.variables]
    return [{name: (row[name].value if row[name] is not None else None) for name in names} for row in result]


def test_ontology_metadata(store: EmbeddedStore):
    """Tools like pyLODE and LOV read these annotations; a missing one breaks publication."""
    rows = select(
        store,
        f"""
        SELECT * WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
          <https://w3id.org/mokg/ontology> a owl:Ontology ; owl:versionIRI ?version ; owl:versionInfo ?info ;
            dcterms:created ?created ; dcterms:license ?license ; dcterms:title ?title ;
            <http://purl.org/vocab/vann/preferredNamespacePrefix> ?prefix ;
            <http://purl.org/vocab/vann/preferredNamespaceUri> ?uri .
        }} }}""",
    )
    assert len(rows) == 1
    assert rows[0]["prefix"] == "mokg"
    assert rows[0]["uri"] == str(MOKG)
    assert rows[0]["version"].endswith(rows[0]["info"])


def test_the_ontology_creator_is_an_agent(store: EmbeddedStore):
    """`dcterms:creator` ranges over agents: a bare string names nobody a tool can follow."""
    creators = store.query(f"SELECT ?c WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY}> dcterms:creator ?c }} }}")
    creators = [row["c"] for row in creators]
    assert creators and not any(isinstance(creator, ox.Literal) for creator in creators)
    assert store.query(
        f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY}> dcterms:creator [ a foaf:Organization ; foaf:name ?n ] }} }}"
    )


#: PROV-O's object properties whose range is prov:Entity (https://www.w3.org/TR/prov-o/).
PROV_ENTITY_RANGE = ["wasDerivedFrom", "wasQuotedFrom", "wasRevisionOf", "hadPrimarySource", "used"]


def test_no_organization_becomes_a_prov_entity(store: EmbeddedStore):
    """A property linking to organizations must not inherit a prov:Entity range (RDFS would type them so)."""
    rows = store.query(
        f"""SELECT DISTINCT ?p ?super WHERE {{
          ?s ?p ?o . ?o a mokg:Organization . ?p rdfs:subPropertyOf* ?super .
          VALUES ?super {{ {" ".join(f"prov:{name}" for name in PROV_ENTITY_RANGE)} }}
        }}"""
    )
    assert [(row["p"].value, row["super"].value) for row in rows] == []
    assert store.query("ASK { mokg:generatedFromOutputsOf rdfs:subPropertyOf prov:wasInfluencedBy }")


def test_a_restriction_note_is_text_not_an_odrl_rule(store: EmbeddedStore):
    """`odrl:prohibition` points to a rule: a sentence for readers only says it in words."""
    assert store.query("ASK { mokg:restrictionNote a owl:DatatypeProperty ; rdfs:range rdf:langString }")
    assert not store.query(
        "ASK { mokg:restrictionNote skos:closeMatch|skos:exactMatch|rdfs:subPropertyOf|owl:equivalentProperty ?p "
        "FILTER(STRSTARTS(STR(?p), 'http://www.w3.org/ns/odrl/2/')) }"
    )
    untagged = store.query("SELECT ?note WHERE { ?licence mokg:restrictionNote ?note FILTER(LANG(?note) = '') }")
    assert [row["note"].value for row in untagged] == []


def test_every_term_is_labelled_and_defined(store: EmbeddedStore):
    rows = select(
        store,
        f"""
        SELECT ?term ?label ?definition WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
          ?term a ?kind .
          VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                         skos:Concept skos:ConceptScheme }}
          OPTIONAL {{ ?term rdfs:label ?label }}
          OPTIONAL {{ ?term skos:definition|rdfs:comment ?definition }}
          FILTER(isIRI(?term) && (!BOUND(?label) || !BOUND(?definition)))  # not anonymous class expressions
        }} }}""",
    )
    assert rows == []
    assert len(select(store, "SELECT ?c WHERE { ?c a owl:Class ; rdfs:label ?l }")) >= 8  # the query can see terms


def undeclared_terms(store: EmbeddedStore, ontology_graph: str = ONTOLOGY_GRAPH) -> set[str]:
    rows = select(
        store,
        f"""
        SELECT DISTINCT ?term WHERE {{
          GRAPH ?g {{ {{ ?term ?p ?o }} UNION {{ ?s ?term ?o }} UNION {{ ?s ?p ?term }} }}
          FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{MOKG}") && STR(?term) != "{MOKG}")  # the namespace: VoID
          FILTER NOT EXISTS {{ GRAPH <{ontology_graph}> {{ ?term a ?kind }} }}
        }}""",
    )
    return {r["term"] for r in rows}


def test_every_mokg_term_used_anywhere_is_declared(store: EmbeddedStore):
    """A typo such as mokg:finetunedForm in a data file must fail here, not pass silently."""
    assert undeclared_terms(store) == set()


def test_an_undeclared_term_is_found(tmp_path: Path):
    """The check above can fail: a typo in a data file is reported."""
    shutil.copytree(TINY_ROOT, tmp_path / "root")
    (tmp_path / "root" / "data" / "models" / "typo.ttl").write_text(
        "@prefix mokg: <https://w3id.org/mokg/ontology#> .\n<model/typo> mokg:finetunedForm <model/tiny-base> .\n"
    )
    store = EmbeddedStore()
    store.replace(load_files(discover(tmp_path / "root", BASE), BASE))
    assert undeclared_terms(store, "https://w3id.org/mokg/graph/ontology/mini") == {f"{MOKG}finetunedForm"}


@pytest.mark.parametrize(
    "cls",
    [
        "Model",
        "ModelFamily",
        "Artifact",
        "License",
        "Dataset",
        "Organization",
        "Claim",
        "OpennessClaim",
        "FactClaim",
        "Source",
    ],
)
def test_classes_are_aligned_to_a_standard_vocabulary(store: EmbeddedStore, cls: str):
    rows = select(
        store,
        f"""
        SELECT ?target WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
          mokg:{cls} rdfs:subClassOf+|skos:closeMatch|skos:exactMatch ?target .
          FILTER(!STRSTARTS(STR(?target), "{MOKG}"))
        }} }}""",
    )
    assert rows, f"mokg:{cls} has no alignment"


@pytest.mark.parametrize(
    "prop", ["finetunedFrom", "quantizedFrom", "adapterOf", "mergedFrom", "distilledFrom", "continuedPretrainingFrom"]
)
def test_derivations_are_prov_derivations(store: EmbeddedStore, prop: str):
    assert store.query(f"ASK {{ mokg:{prop} rdfs:subPropertyOf+ prov:wasDerivedFrom ; mokg:derivationKind ?kind }}")


@pytest.mark.parametrize("prop", ["trainedOn", "finetunedOn", "evaluatedOn"])
def test_data_properties_link_models_to_datasets(store: EmbeddedStore, prop: str):
    assert store.query(f"ASK {{ mokg:{prop} rdfs:domain mokg:Model ; rdfs:range mokg:Dataset }}")


@pytest.mark.parametrize("prop", ["osiApproved", "openData", "commercialUseAllowed", "researchOnly"])
def test_licence_facts_are_booleans(store: EmbeddedStore, prop: str):
    assert store.query(f"ASK {{ mokg:{prop} rdfs:domain mokg:License ; rdfs:range xsd:boolean }}")


def test_component_types_hold_the_17_mof_components(store: EmbeddedStore):
    rows = select(
        store,
        """
        SELECT ?label ?class ?required ?content WHERE {
          ?c skos:topConceptOf mokg:ComponentTypeScheme ; skos:prefLabel ?label ; mokg:contentType ?content .
          OPTIONAL { ?c mokg:mofClass ?class ; mokg:mofRequired ?required }
        }""",
    )
    mof = {r["label"] for r in rows if r["class"] is not None}
    assert mof == MOF_COMPONENTS
    required = {r["class"]: 0 for r in rows}
    for r in rows:
        if r["required"] == "true":
            required[r["class"]] += 1
    assert (required["3"], required["2"], required["1"]) == (6, 4, 4)  # the MOF's cumulative 6 / 10 / 14


@pytest.mark.parametrize(("scheme", "size"), [("ReleaseItemScheme", 8), ("OpennessColumnScheme", 5)])
def test_article_schemes_map_onto_component_types(store: EmbeddedStore, scheme: str, size: int):
    """The 000 release items and the 004 columns must each land on a component type."""
    rows = select(
        store,
        f"""
        SELECT ?item (COUNT(?target) AS ?targets) WHERE {{
          ?item skos:inScheme mokg:{scheme} .
          OPTIONAL {{ ?item skos:exactMatch|skos:closeMatch|skos:narrowMatch|skos:broadMatch ?target .
                     ?target skos:inScheme mokg:ComponentTypeScheme }}
        }} GROUP BY ?item""",
    )
    assert len(rows) == size
    assert all(int(r["targets"]) >= 1 for r in rows), rows


def test_openness_levels(store: EmbeddedStore):
    rows = select(
        store,
        """
        SELECT ?notation ?value WHERE {
          ?level skos:inScheme mokg:OpennessLevelScheme ; skos:notation ?notation .
          OPTIONAL { ?level mokg:levelValue ?value }
        } ORDER BY ?notation""",
    )
    assert [(r["notation"], r["value"]) for r in rows] == [
        ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("NA", None),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("scheme", "size"),
    [("DerivationKindScheme", 6), ("LicenseCategoryScheme", 9), ("AvailabilityScheme", 5), ("ContentTypeScheme", 3)],
)
def test_controlled_vocabularies(store: EmbeddedStore, scheme: str, size: int):
    rows = select(store, f"SELECT ?c WHERE {{ ?c skos:topConceptOf mokg:{scheme} ; skos:prefLabel ?l }}")
    assert len(rows) == size
