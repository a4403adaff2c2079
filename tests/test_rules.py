"""Derived facts: lineage, inherited restrictions with their paths, MOF class, OSAID, score."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import BASE, REPO, TEST_DATA, bundled_with

from mokg.config import Settings
from mokg.loader import SourceFile, discover, graph_name
from mokg.openness import _ebv
from mokg.record_page import TEMPLATE_GLOBALS
from mokg.rules import INHERITED_RESTRICTIONS, Rule, load_rules, run_rules, waves
from mokg.store import EmbeddedStore
from mokg.vocab import DERIVED_GRAPHS, MOKG

MOF_MODELS = TEST_DATA / "derived" / "mof-models.ttl"
LINEAGE = TEST_DATA / "derived" / "deep-lineage.ttl"
REFERENCE = TEST_DATA / "rules-reference"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Python rules written as Python from the start, with the tests that specify them instead of a
#: SPARQL text (rules 10 to 60 were SPARQL once: their texts stay their specification).
SPECIFIED_BY_TESTS = {"80-source-differences": "tests/test_completion.py"}


@pytest.fixture(scope="module")
def derived() -> EmbeddedStore:
    """The bundled graph plus four made-up MOF models, with every rule materialized."""
    return bundled_with(MOF_MODELS)


def one(store: EmbeddedStore, sparql: str) -> dict[str, str | None]:
    rows = list(store.query(sparql))
    assert len(rows) == 1, f"{len(rows)} rows for {sparql}"
    solutions = store.query(sparql)
    return {v.value: (rows[0][v.value].value if rows[0][v.value] is not None else None) for v in solutions.variables}


def values(store: EmbeddedStore, sparql: str) -> set[str]:
    return {row[0].value for row in store.query(sparql)}


def test_rules_are_python_rules_or_construct_files_run_in_order():
    names = [rule.name for rule in load_rules()]
    assert names == sorted(names) and INHERITED_RESTRICTIONS in names
    for rule in load_rules():
        assert (rule.query is None) != (rule.derive is None), rule.name
        if rule.query is not None:
            assert rule.query.lstrip().startswith("#") and "CONSTRUCT" in rule.query
        elif rule.name in SPECIFIED_BY_TESTS:
            assert (REPO / SPECIFIED_BY_TESTS[rule.name]).is_file(), rule.name
        else:  # a Python rule has its SPARQL specification beside the tests
            assert (REFERENCE / f"{rule.name}.rq").is_file(), rule.name


def test_rules_run_after_the_rules_they_read():
    """Rules that read each other's facts run one after the other; the others at once (one per core)."""
    groups = [[rule.name for rule in wave] for wave in waves(load_rules())]
    assert groups == [
        ["10-derived-from", INHERITED_RESTRICTIONS, "30-component-status"],
        ["40-mof-class", "50-osaid", "60-openness-score", "70-disagreements"],
        ["80-source-differences"],
    ]


def test_rules_name_mokg_terms_as_the_dependency_check_reads_them():
    """``Rule.reads``/``writes`` see ``mokg:x`` only: a full IRI would hide a dependency."""
    for rule in load_rules():
        for text in (rule.query,) if rule.query is not None else rule.inputs:
            body = "\n".join(line for line in text.splitlines() if not line.startswith("PREFIX"))
            assert str(MOKG) not in body, rule.name


PYTHON_RULES = [rule for rule in load_rules() if rule.derive is not None]
SPECIFIED_RULES = [rule for rule in PYTHON_RULES if rule.name not in SPECIFIED_BY_TESTS]


@pytest.mark.parametrize("rule", PYTHON_RULES, ids=lambda rule: rule.name)
def test_a_python_rule_declares_what_it_writes(derived: EmbeddedStore, rule: Rule):
    used = values(
        derived,
        f"SELECT DISTINCT ?t WHERE {{ GRAPH {rule.graph(BASE)} {{ {{ ?s ?t ?o }} UNION {{ ?s a ?t }} }} }}",
    )
    terms = {t.removeprefix(str(MOKG)) for t in used if t.startswith(str(MOKG))} - {"DerivationRule"}  # provenance
    assert terms == rule.writes


@pytest.mark.parametrize("rule", SPECIFIED_RULES, ids=lambda rule: rule.name)
def test_a_python_rule_reads_at_least_what_its_specification_reads(rule: Rule):
    """So that it runs after every rule its SPARQL specification would have waited for.

    Properties only: the specifications also name constants (statuses, availabilities). A
    recursive specification, rule 20's fixpoint, also reads what it writes.
    """
    specification = Rule(rule.name, (REFERENCE / f"{rule.name}.rq").read_text())
    properties = {term for term in specification.reads - specification.writes if term[0].islower()}
    assert properties <= rule.reads
    assert specification.writes == rule.writes


def reference_rules(store: EmbeddedStore) -> dict[str, set[ox.Triple]]:
    """The derived facts as the SPARQL rules made them before the rules moved to Python.

    Every rule as a SPARQL CONSTRUCT (tests/data/rules-reference for those now computed in
    Python, the package's file for the others), run to its fixpoint round after round, as
    ``run_rules`` did: the specification the faster implementation must reproduce triple for triple.
    """
    derived: dict[str, set[ox.Triple]] = {}
    for rule in load_rules():
        if rule.name in SPECIFIED_BY_TESTS:
            continue
        query = rule.query or (REFERENCE / f"{rule.name}.rq").read_text()
        graph, found = rule.graph(BASE), set()
        while new := set(store.query(query)) - found:
            found |= new
            store.replace_graph(graph, [ox.Quad(t.subject, t.predicate, t.object, graph) for t in found])
        derived[rule.name] = found
    return derived


def derived_facts(store: EmbeddedStore) -> dict[str, set[ox.Triple]]:
    """Each derived graph's triples, without the provenance of the run (its time changes)."""
    facts: dict[str, set[ox.Triple]] = {}
    for rule in load_rules():
        graph = rule.graph(BASE)
        triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        made_by = {graph.value, f"{graph.value}#run", rule.iri(BASE).value}
        facts[rule.name] = {t for t in triples if t.subject.value not in made_by}
    return facts


def assert_derived_facts_are_the_reference_rules(files: list[SourceFile]) -> None:
    fast, reference = EmbeddedStore(), EmbeddedStore()
    fast.load(files, BASE)
    reference.load(files, BASE)
    run_rules(fast, BASE)
    expected = reference_rules(reference)
    assert all(len(expected[rule.name]) > 100 for rule in SPECIFIED_RULES)
    found = derived_facts(fast)
    for name in expected:  # one rule at a time: a difference names its rule
        assert found[name] == expected[name], name


def test_the_derived_facts_are_those_of_the_reference_rules():
    """The Python closure and single-pass CONSTRUCTs give exactly what the fixpoint of SPARQL rules gave,
    on the bundled graph, the made-up MOF models and a deep synthetic lineage (chains of fine-tunes
    with restrictive licences and datasets, a merge, a cycle)."""
    extra = (SourceFile(p, graph_name(p, REPO, BASE)) for p in (MOF_MODELS, LINEAGE))
    assert_derived_facts_are_the_reference_rules([*discover(REPO, BASE), *extra])


def test_the_derived_facts_of_a_generated_graph_are_those_of_the_reference_rules(generated_root):
    """The same equality on a Hub-like generated graph: merges of 2–3 parents, chains to depth 8,
    quantizations and adapters of fine-tunes, licences and data terms inherited along them."""
    assert_derived_facts_are_the_reference_rules(discover(generated_root, BASE))


def test_lineage_is_materialized_transitively(derived: EmbeddedStore):
    """'Every descendant of X' must be one triple pattern: mokg:derivedFrom, transitive."""
    assert values(derived, f"SELECT ?m WHERE {{ ?m mokg:derivedFrom <{BASE}model/llama-13b> }}") >= {
        f"{BASE}model/vicuna-13b",
        f"{BASE}model/stablevicuna-13b",
    }
    # Zephyr (curated) and GEITje 7B Ultra (from the Open Source AI Index) both build on Mistral 7B.
    assert values(derived, f"SELECT ?m WHERE {{ ?m mokg:derivedFrom <{BASE}model/mistral-7b> }}") >= {
        f"{BASE}model/zephyr-7b-beta",
        f"{BASE}model/geitje-7b-ultra",
    }


def test_restriction_inherited_through_two_steps_keeps_its_path(derived: EmbeddedStore):
    """StableVicuna is restricted by LLaMA's licence via Vicuna 13B, which has it via LLaMA 13B."""
    row = one(
        derived,
        f"""SELECT ?carrier ?second WHERE {{
          <{BASE}model/stablevicuna-13b> mokg:inheritsRestriction ?r .
          ?r mokg:restrictedBy <{BASE}license/llama-license> ; mokg:carriedBy ?carrier ; mokg:nextStep ?next .
          ?next mokg:carriedBy ?second . FILTER NOT EXISTS {{ ?next mokg:nextStep ?further }}
        }}""",
    )
    assert row == {"carrier": f"{BASE}model/vicuna-13b", "second": f"{BASE}model/llama-13b"}


def test_restriction_inherited_from_data_terms(derived: EmbeddedStore):
    """Alpaca's data are OpenAI outputs: the OpenAI terms restrict Alpaca, carried by the dataset."""
    carriers = values(
        derived,
        f"""SELECT ?carrier WHERE {{ <{BASE}model/alpaca-7b> mokg:inheritsRestriction ?r .
            ?r mokg:restrictedBy <{BASE}license/openai-terms-of-use> ; mokg:carriedBy ?carrier }}""",
    )
    assert carriers == {f"{BASE}dataset/alpaca-data"}


def test_open_licences_restrict_nothing(derived: EmbeddedStore):
    """Dolly 2's base Pythia is Apache-2.0: what Dolly inherits through it is only The Pile's per-subset terms."""
    assert not derived.query(f"ASK {{ <{BASE}model/mof-class-1> mokg:inheritsRestriction ?r }}")
    rows = derived.query(
        f"""SELECT ?licence ?origin WHERE {{ <{BASE}model/dolly-v2-12b> mokg:inheritsRestriction ?r .
            ?r mokg:carriedBy <{BASE}model/pythia-12b> ; mokg:restrictedBy ?licence ;
               mokg:nextStep/mokg:carriedBy ?origin }}"""
    )
    assert {(row["licence"].value, row["origin"].value) for row in rows} == {
        (f"{BASE}license/per-subset", f"{BASE}dataset/the-pile")
    }


@pytest.mark.parametrize(
    ("model", "component", "status"),
    [
        ("dolly-v2-12b", "ModelParametersFinal", "StatusConditional"),  # MIT on weights: open, not made for data
        ("falcon-180b", "ModelParametersFinal", "StatusRestricted"),
        ("mistral-7b", "DataPreprocessingCode", "StatusNotPublic"),
        ("mistral-7b", "Datasets", "StatusNotPublic"),  # pre-training data refine Datasets
        ("mof-class-1", "ModelParametersFinal", "StatusOpen"),
        ("mof-class-1", "Datasets", "StatusOpen"),
    ],
)
def test_component_status(derived: EmbeddedStore, model: str, component: str, status: str):
    row = one(
        derived,
        f"""SELECT ?status WHERE {{ <{BASE}model/{model}> mokg:componentAssessment ?a .
            ?a mokg:componentType mokg:{component} ; mokg:componentStatus ?status }}""",
    )
    assert row["status"] == f"{MOKG}{status}"


def test_a_missing_component_gets_no_assessment(derived: EmbeddedStore):
    """Only recorded MOF components are assessed: absence is "missing", read by rules 40/60 and pages."""
    assessed = values(
        derived,
        f"""SELECT ?type WHERE {{ <{BASE}model/mof-class-3> mokg:componentAssessment/mokg:componentType ?type }}""",
    )
    assert f"{MOKG}ModelParametersFinal" in assessed
    assert f"{MOKG}TechnicalReport" not in assessed
    missing = values(derived, "SELECT ?a WHERE { ?a mokg:componentStatus mokg:StatusMissing }")
    assert missing == set()


def test_every_assessment_is_of_a_recorded_mof_component(derived: EmbeddedStore):
    def pairs(sparql: str) -> set[tuple[str, str]]:
        return {(row[0].value, row[1].value) for row in derived.query(sparql)}

    assessed = pairs("SELECT ?m ?type WHERE { ?m mokg:componentAssessment/mokg:componentType ?type }")
    recorded = pairs(
        """SELECT DISTINCT ?m ?type WHERE { ?m mokg:hasComponent ?c . ?c mokg:componentType ?own .
            ?own skos:broader* ?type . ?type mokg:mofClass ?class }"""
    )
    assert assessed and assessed <= recorded


def test_every_model_has_a_class_and_a_score_even_without_components(derived: EmbeddedStore):
    """Rules 40 and 60 read missing components from the absence of assessments: class 0, score 0."""
    unrated = values(
        derived,
        "SELECT ?m WHERE { ?m a mokg:Model FILTER NOT EXISTS { ?m mokg:achievedMOFClass ?c ; mokg:opennessScore ?s } }",
    )
    assert unrated == set()
    empty = f"<{BASE}model/mof-empty>"
    row = one(derived, f"SELECT ?c ?s WHERE {{ {empty} mokg:achievedMOFClass ?c ; mokg:opennessScore ?s }}")
    assert (int(row["c"]), float(row["s"])) == (0, 0.0)


@pytest.mark.parametrize(
    ("model", "p3", "p2", "p1", "mof_class", "score"),
    [
        ("mof-class-1", 1, 1, 1, 1, 100),
        ("mof-class-3", 1, 0.6, 0, 3, 42.9),  # the research paper stands in for the technical report
        ("mof-none", 0, 0, 0, 0, 3.6),  # restricted weights: 0.5 of 14
        ("mof-empty", 0, 0, 0, 0, 0),  # no assessment at all
    ],
)
def test_mof_class_and_score(derived: EmbeddedStore, model: str, p3, p2, p1, mof_class: int, score: float):
    row = one(
        derived,
        f"""SELECT ?p3 ?p2 ?p1 ?class ?score WHERE {{ <{BASE}model/{model}> mokg:mofProgressClass3 ?p3 ;
            mokg:mofProgressClass2 ?p2 ; mokg:mofProgressClass1 ?p1 ; mokg:achievedMOFClass ?class ;
            mokg:opennessScore ?score }}""",
    )
    assert (float(row["p3"]), float(row["p2"]), float(row["p1"])) == pytest.approx((p3, p2, p1))
    assert int(row["class"]) == mof_class
    assert float(row["score"]) == pytest.approx(score)


@pytest.mark.parametrize(
    ("model", "status", "reason"),
    [
        ("gpt-neo-2-7b", "OSAIDConformant", None),
        ("llama-2-7b", "OSAIDNotConformant", "The weights are not public under an OSI-approved or open-data licence."),
        ("mistral-7b", "OSAIDNotConformant", "Training data are withheld and no public data card describes them."),
        ("redpajama-incite-7b-base", "OSAIDInsufficientInformation", "No training code is recorded."),
    ],
)
def test_osaid_status_with_reasons(derived: EmbeddedStore, model: str, status: str, reason: str | None):
    row = one(derived, f"SELECT ?status WHERE {{ <{BASE}model/{model}> mokg:osaidStatus ?status }}")
    assert row["status"] == f"{MOKG}{status}"
    reasons = values(derived, f"SELECT ?r WHERE {{ <{BASE}model/{model}> mokg:osaidReason ?r }}")
    assert (reasons == set()) if reason is None else (reason in reasons)


def test_derived_facts_live_only_in_derived_graphs(derived: EmbeddedStore):
    """Curated and derived facts must never mix: a derived predicate outside graph/derived/ is a bug."""
    leaked = values(
        derived,
        f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
            VALUES ?p {{ mokg:derivedFrom mokg:inheritsRestriction mokg:componentAssessment mokg:achievedMOFClass
                        mokg:osaidStatus mokg:opennessScore }}
            FILTER(!STRSTARTS(STR(?g), "{BASE}{DERIVED_GRAPHS}")) }}""",
    )
    assert leaked == set()


def test_each_derived_graph_says_which_rule_made_it_and_when(derived: EmbeddedStore):
    rows = list(
        derived.query(f"""SELECT ?g ?rule ?when WHERE {{ GRAPH ?g {{ ?g prov:wasGeneratedBy ?run .
            ?run prov:used ?rule ; prov:endedAtTime ?when . ?rule a mokg:DerivationRule }}
            FILTER(STRSTARTS(STR(?g), "{BASE}{DERIVED_GRAPHS}")) }}""")
    )
    assert {row["rule"].value.rsplit("/", 1)[1] for row in rows} == {rule.name for rule in load_rules()}


def test_rerunning_the_rules_is_idempotent(derived: EmbeddedStore):
    def snapshot() -> set[ox.Quad]:
        quads = derived.query(
            f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                FILTER(STRSTARTS(STR(?g), "{BASE}{DERIVED_GRAPHS}") && ?p != prov:endedAtTime) }}"""
        )
        return set(quads)

    before = snapshot()
    run_rules(derived, BASE)
    assert snapshot() == before


def test_rules_run_when_the_graph_is_loaded():
    from mokg.graph import open_store

    stats = open_store(Settings(root=REPO)).stats()
    assert stats.derived > 1000


@pytest.fixture(scope="module")
def with_disagreement() -> EmbeddedStore:
    return bundled_with(TEST_DATA / "derived" / "disagreement.ttl")


def test_disagreements_beyond_one_level_are_found_with_both_claims(with_disagreement: EmbeddedStore):
    rows = list(
        with_disagreement.query(f"""SELECT ?d ?claim WHERE {{ ?d a mokg:Disagreement ;
            mokg:disagreementAbout <{BASE}model/llama-65b> ; mokg:componentType mokg:ModelParametersFinal ;
            mokg:betweenClaims ?claim }}""")
    )
    assert {row["claim"].value.rsplit("/", 3)[1] for row in rows} == {"test-source-a", "test-source-b"}
    assert len({row["d"].value for row in rows}) == 1  # A-C and B-C differ by one step only


def test_disagreements_command_lists_them(tmp_path, capsys: pytest.CaptureFixture[str]):
    import shutil

    from mokg.cli import main

    root = tmp_path / "root"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("releases"))
    shutil.copy(TEST_DATA / "derived" / "disagreement.ttl", root / "data" / "claims" / "test-disagreement.ttl")
    assert main(["disagreements", "--root", str(root), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("model,component")
    assert any("llama-65b" in line and "Test source A" in line and "Test source B" in line for line in lines[1:])


def test_each_disagreement_is_one_distinct_row(capsys: pytest.CaptureFixture[str]):
    """Two claims of one source on one component (the Index's "paper" and "preprint") are two rows, told apart."""
    from mokg.cli import main

    assert main(["disagreements", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:5] == ["model", "component", "firstSource", "firstRow", "firstLevel"]
    assert len(lines) == len(set(lines)) > 1, "a row printed twice"
    papers = {line.split(",")[7] for line in lines if "/crystalchat," in line and ",Research paper," in line}
    assert {"paper", "preprint"} <= papers


def test_model_record_and_page_show_disagreements(with_disagreement: EmbeddedStore):
    from jinja2 import Environment, PackageLoader, select_autoescape

    from mokg import records

    iri = f"{BASE}model/llama-65b"
    context = records.load_context(REPO)
    document = records.framed(records.record_triples(with_disagreement, iri), iri, context, f"{BASE}context.jsonld")
    assert len(document["disagreements"]) == 1
    environment = Environment(loader=PackageLoader("mokg", "templates"), autoescape=select_autoescape())
    environment.globals.update(TEMPLATE_GLOBALS)
    page = (
        environment.get_template("record.html")
        .render(kind="model", record=document, iri=iri, alternates=[], citations=[], schema_org={},
                static="/static", version="test", release=None, living=None)
    )  # fmt: skip
    section = page.split("Where sources disagree", 1)[1].split("</section>", 1)[0]
    assert "Test source A" in section and "Test source B" in section


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (ox.Literal("true", datatype=ox.NamedNode(f"{XSD}boolean")), True),
        (ox.Literal("0", datatype=ox.NamedNode(f"{XSD}boolean")), False),
        (ox.Literal("yes", datatype=ox.NamedNode(f"{XSD}boolean")), None),  # ill-formed: an error
        (ox.Literal(""), False),
        (ox.Literal("x", language="en"), True),
        (ox.Literal("0.0", datatype=ox.NamedNode(f"{XSD}decimal")), False),
        (ox.Literal("NaN", datatype=ox.NamedNode(f"{XSD}double")), False),
        (ox.Literal("2", datatype=ox.NamedNode(f"{XSD}unsignedByte")), True),
        (ox.Literal("2024", datatype=ox.NamedNode(f"{XSD}gYear")), None),  # no boolean value
        (ox.NamedNode(f"{BASE}x"), None),
    ],
)
def test_effective_boolean_value_as_sparql_defines_it(literal: ox.Term, value: bool | None):
    """The Python rules read osiApproved/openData as SPARQL's || and IF would (17.2.2)."""
    assert _ebv(literal) is value
