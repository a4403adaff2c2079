"""Validation with the real engine: the eight claim rules on fixtures, web addresses, the bundled
graph, incremental checks of a changed file, the report formats, ``mokg validate`` and
``POST /validate``.

The fixtures in ``tests/data/rules/`` are proposed submissions written as contributors write
data files (relative IRIs, no ``@base``); they are checked in the context of the bundled graph,
so they can build on its licences, organizations, models and data sets.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import BASE, REPO, TEST_DATA
from fastapi.testclient import TestClient
from rdflib.namespace import RDF, SH

from mokg.cli import main
from mokg.config import Settings
from mokg.errors import MokgError
from mokg.loader import discover, load_files
from mokg.service import create_app
from mokg.validation import Report, Validator, check_files

RULES = TEST_DATA / "rules"
WEB_ADDRESSES = TEST_DATA / "web-addresses"
SHAPES = "https://w3id.org/mokg/shapes#"
CLAIMS = f"{BASE}claim/how-open-is-generative-ai-part-2/"

#: The shape that implements each claim rule (shapes/claims.ttl).
RULE_SHAPES = {
    1: f"{SHAPES}LevelLabelAgreement",
    2: f"{SHAPES}Level4NeedsOpenPublicComponent",
    3: f"{SHAPES}HighLevelNeedsLicenceAndEvidence",
    4: f"{SHAPES}NotApplicableOnlyWhenAbsent",
    5: f"{SHAPES}NoMoreThanTheBaseAllows",
    6: f"{SHAPES}FineTuningDataTerms",
    7: f"{SHAPES}OpenSourceAIClaim",
    8: f"{SHAPES}MOFClassClaim",
    9: f"{SHAPES}FactClaimAgreesWithTheFacts",
}
RULE_NUMBERS = sorted(RULE_SHAPES)


def fixture(rule: int, kind: str) -> Path:
    return RULES / f"rule-{rule}-{kind}.ttl"


def shown(path: Path) -> str:
    """How reports name a file: relative to the root (the fixtures are under it, outside data/)."""
    return path.relative_to(REPO).as_posix()


@functools.cache
def checked(path: Path) -> Report:
    """``path`` validated in the context of the bundled graph, once per test run."""
    return check_files(Settings(root=REPO), [path])


def violations(report: Report) -> list:
    return [f for f in report.findings if f.severity == "Violation"]


def describe(report: Report) -> str:
    """The findings, one a line, for assertion messages."""
    return "\n".join(f"{f.severity} {f.focus} {f.shape}: {f.message}" for f in report.findings) or "(no findings)"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- the fixtures themselves ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["ok", "bad"])
@pytest.mark.parametrize("rule", RULE_NUMBERS)
def test_fixture_is_a_submission_in_the_data_conventions(rule: int, kind: str):
    """Each fixture says which rule it is about and why it conforms or not, and is written like a
    data file: no @base, relative IRIs with fresh slugs, a claim quoted from a source. Breaks if a
    fixture is renamed, loses its explanation, or stops being a realistic submission."""
    text = fixture(rule, kind).read_text(encoding="utf-8")
    shape = RULE_SHAPES[rule].removeprefix(SHAPES)
    assert text.startswith(f"# Rule {rule} (mokgsh:{shape})")
    assert ("CONFORMS" if kind == "ok" else "VIOLATES") in text.split("@prefix")[0]
    assert "@base" not in text
    assert f"<model/fixture-rule-{rule}-{kind}> a mokg:Model" in text
    assert re.search(rf"<claim/fixture-rule-{rule}-{kind}> a mokg:(Openness|Fact)Claim", text)
    assert "prov:wasQuotedFrom <source/how-open-is-generative-ai-part-2>" in text


# --- the nine claim rules ------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULE_NUMBERS)
def test_bad_fixture_violates_its_rule(rule: int):
    """The non-conforming fixture of each rule gets a Violation from that rule's shape, on its claim,
    and from no other shape. Breaks if a rule can no longer fire (a typo in a SPARQL constraint, a
    context the engine does not fetch), or if another shape objects to the fixture's facts."""
    path = fixture(rule, "bad")
    report = checked(path)
    claim = f"{BASE}claim/fixture-rule-{rule}-bad"
    assert not report.conforms
    assert any(f.focus == claim and f.shape == RULE_SHAPES[rule] for f in violations(report)), describe(report)
    assert {f.shape for f in violations(report)} == {RULE_SHAPES[rule]}, describe(report)


@pytest.mark.parametrize("rule", RULE_NUMBERS)
def test_ok_fixture_conforms(rule: int):
    """The conforming fixture of each rule, a structurally complete record, has no Violation at all.
    Breaks if a rule fires on a correct claim or a structural shape rejects a complete record."""
    report = checked(fixture(rule, "ok"))
    assert report.conforms, describe(report)


@pytest.mark.parametrize("rule", RULE_NUMBERS)
def test_a_fixture_reports_only_its_own_entities_and_names_its_file(rule: int):
    """A file that is not one of the bundled files is added to the graph, and only what it describes
    is reported (not the bundled claims' known problems), each finding naming the file. Breaks if
    incremental validation leaks the whole graph's findings or loses track of the source file."""
    path = fixture(rule, "bad")
    report = checked(path)
    own = (f"{BASE}model/fixture-rule-{rule}-bad", f"{BASE}claim/fixture-rule-{rule}-bad")
    assert report.findings
    for finding in report.findings:
        assert finding.focus.startswith(own), finding
        assert finding.source == shown(path), finding


def test_rule_5_follows_derivations_transitively():
    """A fine-tune of Alpaca (itself fine-tuned from LLaMA 7B) claiming level-3 weights is held to
    LLaMA's research-only licence, two derivation steps up, not just to its own or Alpaca's.
    Breaks if the derivation path in NoMoreThanTheBaseAllows stops being transitive."""
    report = checked(fixture(5, "bad"))
    found = [f for f in violations(report) if f.shape == RULE_SHAPES[5]]
    assert {f.value for f in found} == {f"{BASE}model/fixture-rule-5-bad"}
    assert any(f"{BASE}model/llama-7b " in f.message and "at most level 2" in f.message for f in found), describe(
        report
    )


def test_rule_6_holds_fine_tuning_data_to_the_terms_they_are_bound_by():
    """UltraChat 200k is MIT-licensed but bound by OpenAI's terms: it is the terms, not the licence,
    that cap the fine-tuning data at level 3. Breaks if mokg:subjectToTerms is ignored."""
    found = [f for f in violations(checked(fixture(6, "bad"))) if f.shape == RULE_SHAPES[6]]
    assert found
    assert all("OpenAI Terms of Use" in f.message and "at most level 3" in f.message for f in found)


# --- web addresses -------------------------------------------------------------------------

FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCAT = "http://www.w3.org/ns/dcat#"
MOKG = "https://w3id.org/mokg/ontology#"
WEB_BAD = f"{BASE}model/fixture-web-addresses-bad"

#: Every address of tests/data/web-addresses/bad.ttl that is not http(s), by test id: (focus,
#: property, value, the property as messages name it, the shape that checks it).
BAD_WEB_ADDRESSES = {
    "model-homepage-javascript": (WEB_BAD, f"{FOAF}homepage", "javascript:alert(1)", "foaf:homepage", "Homepage"),
    "model-paper-file": (WEB_BAD, f"{MOKG}paper", "file:///home/reader/paper.pdf", "mokg:paper", "Paper"),
    "model-exact-match-javascript": (
        WEB_BAD, f"{SKOS}exactMatch", "javascript:alert(document.cookie)", "skos:exactMatch", "ExactMatch"
    ),
    "component-location-data": (
        f"{WEB_BAD}#weights", f"{MOKG}location", "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E",
        "mokg:location", "Location",
    ),
    "component-location-file": (
        f"{WEB_BAD}#inference-code", f"{MOKG}location", "file:///srv/fixture/inference.py", "mokg:location",
        "Location",
    ),
    "organization-homepage-file": (
        f"{BASE}org/fixture-web-addresses-bad", f"{FOAF}homepage", "file:///etc/passwd", "foaf:homepage", "Homepage"
    ),
    "dataset-landing-page-ftp": (
        f"{BASE}dataset/fixture-web-addresses-bad", f"{DCAT}landingPage", "ftp://example.org/corpus/",
        "dcat:landingPage", "LandingPage",
    ),
    "dataset-paper-javascript-upper-case": (
        f"{BASE}dataset/fixture-web-addresses-bad", f"{MOKG}paper", "JAVASCRIPT:alert(1)", "mokg:paper", "Paper"
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("focus", "path", "value", "name", "shape"), list(BAD_WEB_ADDRESSES.values()), ids=list(BAD_WEB_ADDRESSES)
)
def test_a_web_address_that_is_not_http_is_a_violation(focus: str, path: str, value: str, name: str, shape: str):
    """A homepage, paper, exact match, landing page or component location that is not an http(s) URL
    (javascript:, data:, file:, ftp:) is a Violation on its entity, from the shape of its property,
    with a message naming the property. Breaks if a page could be handed a link that runs script
    or opens a local file: a shape loses its sh:pattern, or a class shape stops referring to it."""
    report = checked(WEB_ADDRESSES / "bad.ttl")
    found = [f for f in violations(report) if f.focus == focus and f.path == path and f.value == value]
    assert len(found) == 1, describe(report)
    assert found[0].shape == f"{SHAPES}{shape}IsWebAddress"
    assert found[0].value_is_iri
    assert name in found[0].message and "http:// or https://" in found[0].message


def test_web_addresses_are_the_only_violations_of_their_fixture():
    """The non-conforming fixture is a complete record but for its web addresses: exactly one
    Violation per address that is not http(s), nothing else. Breaks if the fixture starts failing
    for another reason (then the test above no longer proves anything) or a violation is doubled."""
    report = checked(WEB_ADDRESSES / "bad.ttl")
    expected = [(focus, path, value) for focus, path, value, _, _ in BAD_WEB_ADDRESSES.values()]
    assert sorted((f.focus, f.path, f.value) for f in violations(report)) == sorted(expected), describe(report)
    assert not report.facts_conform  # `mokg validate --fail-on facts`, what CI runs, fails too


def test_http_and_https_web_addresses_conform():
    """The same records with https:// addresses (and an http:// Wikidata IRI, as the organizations
    use) have no Violation at all. Breaks if the pattern refuses ordinary web addresses."""
    report = checked(WEB_ADDRESSES / "ok.ttl")
    assert report.conforms, describe(report)


#: The web addresses each class shape must check: those the record pages link for that kind.
WEB_ADDRESS_CHECKS = {
    "ModelShape": {"Homepage", "Paper", "ExactMatch"},
    "ArtifactShape": {"Location"},
    "DatasetShape": {"LandingPage", "Paper", "Homepage", "ExactMatch"},
    "LicenseShape": {"Homepage", "ExactMatch"},
    "OrganizationShape": {"Homepage", "ExactMatch"},
    "ModelFamilyShape": {"Homepage", "ExactMatch"},
    "SourceShape": {"Homepage", "ExactMatch"},
}


@pytest.mark.parametrize("shape", sorted(WEB_ADDRESS_CHECKS))
def test_every_class_shape_checks_its_web_addresses(shape: str):
    """Each class whose records carry web addresses refers to the shared property shape of each, so
    a licence's or a source's homepage is held to http(s) like a model's. Breaks if a class shape
    drops the reference, or a web-address shape loses its pattern or its Violation severity."""
    shapes = rdflib.Graph().parse(REPO / "shapes" / "structure.ttl")
    checked_by = set(shapes.objects(rdflib.URIRef(f"{SHAPES}{shape}"), SH.property))
    for name in WEB_ADDRESS_CHECKS[shape]:
        check = rdflib.URIRef(f"{SHAPES}{name}IsWebAddress")
        assert check in checked_by, f"{shape} does not refer to {check}"
        assert str(shapes.value(check, SH.pattern)) == "^https?://"
        assert shapes.value(check, SH.severity) == SH.Violation


def test_cli_fail_on_facts_refuses_web_addresses_that_are_not_http(capsys: pytest.CaptureFixture[str]):
    """`mokg validate --fail-on facts`, the CI gate, exits 1 on the non-http web addresses (facts,
    not claims) and 0 on the https ones."""
    bad, ok = WEB_ADDRESSES / "bad.ttl", WEB_ADDRESSES / "ok.ttl"
    code, out, _ = run(capsys, "validate", "--root", str(REPO), "--fail-on", "facts", str(bad))
    assert code == 1
    assert "foaf:homepage must be an http:// or https:// URL" in out
    assert run(capsys, "validate", "--root", str(REPO), "--fail-on", "facts", str(ok))[0] == 0


# --- the bundled graph ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_report() -> Report:
    return check_files(Settings(root=REPO))


def claim_iris(store) -> set[str]:
    """Every claim: openness claims and fact claims (mokg:Claim's subclasses)."""
    query = "SELECT ?claim WHERE { ?claim a ?kind VALUES ?kind { mokg:OpennessClaim mokg:FactClaim } }"
    return {row["claim"].value for row in store.query(query)}


def claims_about(store, *slugs: str) -> set[str]:
    """The claims about any of the models ``model/{slug}``."""
    models = " ".join(f"<{BASE}model/{slug}>" for slug in slugs)
    query = f"SELECT ?claim WHERE {{ VALUES ?model {{ {models} }} ?claim mokg:aboutModel ?model }}"
    return {row["claim"].value for row in store.query(query)}


def described(store, iri: str) -> bool:
    return bool(store.query(f"ASK {{ <{iri}> ?p ?o }}"))


def test_the_curated_facts_conform(bundled_report: Report, store):
    """Every Violation in the bundled graph is about an openness claim (evidence to check), never about
    a model, dataset, licence or organization (facts mokg curates). Breaks when a data file is
    incomplete or a structural shape starts rejecting correct records."""
    claims = claim_iris(store)
    assert len(claims) > 100
    assert violations(bundled_report)
    not_claims = [f for f in violations(bundled_report) if f.focus not in claims]
    assert not not_claims, "\n".join(f"{f.focus}: {f.message}" for f in not_claims)


KNOWN_PROBLEMS = [
    # (claim, shape, words the message must contain)
    pytest.param(f"{CLAIMS}bloom-openness/weights", 1, '"Completely open" names level 4', id="bloom-weights-label"),
    pytest.param(
        f"{CLAIMS}amberchat-openness/data-processing-code", 1, "not the claimed level 4", id="amberchat-code-label"
    ),
    pytest.param(f"{CLAIMS}nutshell/alpaca/weights", 5, f"{BASE}model/llama-7b ", id="alpaca-weights-over-llama"),
    pytest.param(
        f"{CLAIMS}alpaca-and-vicuna-openness/weights", 5, f"{BASE}model/llama-7b ", id="alpaca-table-over-llama"
    ),
    pytest.param(
        f"{CLAIMS}zephyr-openness/pretraining-data", 5, f"{BASE}model/mistral-7b was trained on", id="zephyr-data"
    ),
    pytest.param(
        f"{CLAIMS}mistral-and-mixtral-openness/data-processing-code",
        2,
        f"Data preprocessing code of {BASE}model/mistral-7b is not publicly downloadable",
        id="mistral-code-not-public",
    ),
    pytest.param(
        f"{BASE}claim/open-source-llms-llama-and-its-competitors/llama-2-open-source",
        7,
        f"the weights of {BASE}model/llama-2-7b are not public",
        id="llama-2-open-source",
    ),
    # The article's statements of fact (fact claims, rule 9): Alpaca and Vicuna were fine-tuned from
    # LLaMA (1), not Llama 2; Dolly 1.0 came out in March 2023, not 2022.
    pytest.param(f"{CLAIMS}fact/alpaca/base", 9, f"its recorded base is {BASE}model/llama-7b", id="alpaca-base"),
    pytest.param(f"{CLAIMS}fact/vicuna/base", 9, f"its recorded base is {BASE}model/llama-13b", id="vicuna-base"),
    pytest.param(f"{CLAIMS}fact/dolly-1/release-date", 9, "2022-03, but it was released 2023-03-24", id="dolly-date"),
]


def test_the_articles_true_statements_of_fact_conform(bundled_report: Report):
    """Dolly 1.0 was built on GPT-J, Falcon has 40 and 180 billion parameters: what the article gets right passes."""
    right = {f"{CLAIMS}fact/dolly-1/base", f"{CLAIMS}fact/falcon-40b/size", f"{CLAIMS}fact/falcon-180b/size"}
    assert not [f for f in bundled_report.findings if f.focus in right], describe(bundled_report)


def test_the_bad_fact_claim_is_wrong_on_each_fact(bundled_report: Report):
    """Base, training data, licence, date and size are each checked: the bad fixture is wrong on four."""
    messages = sorted(f.message for f in violations(checked(fixture(9, "bad"))))
    assert len(messages) == 4, messages
    assert any(f"derives from {BASE}family/llama," in m for m in messages)
    assert any("is under http://spdx.org/licenses/Apache-2.0" in m for m in messages)
    assert any("dates" in m and " 2023, but it was released 2024-04" in m for m in messages)
    assert any("13000000000 parameters, but it has 6738415616" in m for m in messages)


@pytest.mark.parametrize(("claim", "rule", "words"), KNOWN_PROBLEMS)
def test_known_problems_of_the_sources_are_reported(bundled_report: Report, claim: str, rule: int, words: str):
    """The errors the curated sources are known to make are found, by the right rule and for the
    right reason. Breaks if a rule stops firing on real data."""
    found = [f for f in violations(bundled_report) if f.focus == claim and f.shape == RULE_SHAPES[rule]]
    assert found, f"no {RULE_SHAPES[rule]} violation for {claim}"
    assert any(words in f.message for f in found), "\n".join(f.message for f in found)


CORRECT_CLAIMS = [
    f"{CLAIMS}dolly-openness/weights",
    f"{CLAIMS}eleutherai-gpt-j-openness/pretraining-data",
    f"{CLAIMS}bloomchat-openness/weights",
    f"{CLAIMS}text/gpt-neo-open-source",
    f"{CLAIMS}text/dolly-2-open-source",
]


@pytest.mark.parametrize("claim", CORRECT_CLAIMS, ids=lambda iri: iri.removeprefix(CLAIMS))
def test_correct_claims_are_not_flagged(bundled_report: Report, store, claim: str):
    """Claims that the facts support get no Violation. Breaks if a rule fires on correct claims
    (too strict a ceiling, a wrong derivation path) or if the claim disappears from the data."""
    assert claim in claim_iris(store)
    assert not [f for f in violations(bundled_report) if f.focus == claim]


# --- incremental validation ----------------------------------------------------------------


def test_a_changed_model_file_is_checked_with_its_dependents(store):
    """Validating data/models/mistral-7b.ttl (a contributor's edit, replacing the bundled file) also
    re-checks what depends on Mistral: Zephyr and the other models derived from it, and the claims
    about them; and nothing unrelated such as Alpaca. Breaks if the dependents query stops following
    derivations or the report is not restricted to the change."""
    report = check_files(Settings(root=REPO), [REPO / "data/models/mistral-7b.ttl"])
    foci = {f.focus for f in report.findings}
    zephyr_claims = claims_about(store, "zephyr-7b-beta")
    assert f"{CLAIMS}zephyr-openness/pretraining-data" in foci
    assert foci & zephyr_claims
    assert any(f.focus.startswith(f"{CLAIMS}mistral-and-mixtral-openness/") for f in report.findings)
    assert not [focus for focus in foci if "alpaca" in focus or "llama" in focus], sorted(foci)
    query = f"SELECT ?m WHERE {{ ?m mokg:derivedFrom <{BASE}model/mistral-7b> }}"
    family = ["mistral-7b", *(row["m"].value.removeprefix(f"{BASE}model/") for row in store.query(query))]
    assert "geitje-7b-ultra" in family
    about = claims_about(store, *family)
    for focus in foci:
        assert focus.split("#")[0].removeprefix(f"{BASE}model/") in family or focus in about, focus


def test_incremental_findings_equal_those_of_the_whole_graph():
    """Checking one file reports, for the entities it reaches, exactly what validating the whole graph
    reports for them: Pythia 12B and its fine-tune Dolly v2 12B conform in the whole graph, so
    `mokg validate data/models/pythia-12b.ttl` must conform too. Breaks when incremental validation
    evaluates shapes differently from full validation."""
    settings = Settings(root=REPO)
    incremental = check_files(settings, [REPO / "data/models/pythia-12b.ttl"])
    foci = {f.focus for f in incremental.findings} | {f"{BASE}model/dolly-v2-12b", f"{BASE}model/pythia-12b"}
    whole = {f for f in check_files(settings).findings if f.focus in foci}
    assert set(incremental.findings) == whole, describe(incremental)


def test_a_submission_with_an_ill_typed_date_is_rejected(tmp_path: Path):
    """A submission whose dcterms:issued is a plain string, not an xsd:date/gYearMonth/gYear, gets the
    ModelShape's Violation. Breaks if nested node shapes are not applied to a submission."""
    path = tmp_path / "ill-typed-date.ttl"
    text = fixture(1, "ok").read_text(encoding="utf-8")
    path.write_text(text.replace('"2024-01"^^xsd:gYearMonth', '"January 2024"'), encoding="utf-8")
    report = check_files(Settings(root=REPO), [path])
    assert any(
        f.focus == f"{BASE}model/fixture-rule-1-ok" and f.path == "http://purl.org/dc/terms/issued"
        for f in violations(report)
    ), describe(report)


def test_every_finding_is_about_an_entity(tmp_path: Path):
    """Each finding's focus is the IRI of a record, once per problem: nested results (sh:detail) are
    details of their parent, not findings of their own. Breaks if pyshacl's nested results leak."""
    root = tmp_path / "root"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / folder, root / folder)
    text = fixture(1, "ok").read_text(encoding="utf-8")
    (root / "data/models/fixture-rule-1-ok.ttl").write_text(
        text.replace('"2024-01"^^xsd:gYearMonth', '"January 2024"'), encoding="utf-8"
    )
    report = check_files(Settings(root=root))
    assert any(f.focus == f"{BASE}model/fixture-rule-1-ok" for f in violations(report)), describe(report)
    assert all(re.fullmatch(r"https?://\S+", f.focus) for f in report.findings), describe(report)


# --- report formats ------------------------------------------------------------------------


def test_report_as_json_model():
    """The JSON model of the API and of `--format json`: a verdict, counts per severity and one result
    per finding with its focus, severity, message, shape, value and file. Breaks if a field is
    renamed or a count disagrees with the results."""
    path = fixture(1, "bad")
    report = checked(path)
    body = report.to_model().model_dump(mode="json")
    assert {"conforms", "violations", "warnings", "infos", "results"} <= set(body)
    assert body["conforms"] is False
    assert body["violations"] == 1
    for severity, key in (("Violation", "violations"), ("Warning", "warnings"), ("Info", "infos")):
        assert body[key] == sum(1 for r in body["results"] if r["severity"] == severity)
    result = next(r for r in body["results"] if r["shape"] == RULE_SHAPES[1])
    assert {"focus", "severity", "message", "path", "value", "shape", "source"} <= set(result)
    assert result["focus"] == f"{BASE}claim/fixture-rule-1-bad"
    assert result["severity"] == "Violation"
    assert result["value"] == "Open with limitations"
    assert result["source"] == shown(path)
    # sh:message templates are filled in with the solution's values, none left unreplaced
    assert '"Open with limitations"' in result["message"]
    assert "level 3" in result["message"] and "level 2" in result["message"]
    assert "{?" not in result["message"] and "{$" not in result["message"]


def test_report_as_shacl_graph():
    """to_graph() is a W3C SHACL validation report: one sh:ValidationReport with sh:conforms and one
    sh:result per finding, each with focus node, severity, message and source shape. Breaks if
    the report stops being readable by SHACL tools."""
    report = checked(fixture(5, "bad"))
    graph = report.to_graph()
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms).toPython() is False
    results = list(graph.objects(node, SH.result))
    assert len(results) == len(report.findings) == 2
    for result in results:
        assert (result, RDF.type, SH.ValidationResult) in graph
        assert graph.value(result, SH.focusNode) == rdflib.URIRef(f"{BASE}claim/fixture-rule-5-bad")
        assert graph.value(result, SH.resultSeverity) == SH.Violation
        assert graph.value(result, SH.sourceShape) == rdflib.URIRef(RULE_SHAPES[5])
        assert "Level 3 claimed for the weights" in str(graph.value(result, SH.resultMessage))

    conforming = checked(fixture(5, "ok")).to_graph()
    (node,) = conforming.subjects(RDF.type, SH.ValidationReport)
    assert conforming.value(node, SH.conforms).toPython() is True
    assert not list(conforming.objects(node, SH.result))


# --- mokg validate -------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "code"), [("bad", 1), ("ok", 0)])
def test_cli_validate_exit_code(capsys: pytest.CaptureFixture[str], kind: str, code: int):
    """`mokg validate FILE` exits 1 when the file has violations and 0 when it conforms, so CI can
    gate a contribution on it. Breaks if the exit code stops following the verdict."""
    assert run(capsys, "validate", "--root", str(REPO), str(fixture(1, kind)))[0] == code


def test_cli_validate_unreadable_file_exits_2_with_file_and_line(capsys: pytest.CaptureFixture[str]):
    """A file that is not valid Turtle ends with exit code 2 and its file:line on stderr, nothing on
    stdout. Breaks if a parse error becomes a traceback or loses its position."""
    path = TEST_DATA / "bad" / "unterminated.ttl"
    code, out, err = run(capsys, "validate", "--root", str(REPO), str(path))
    assert code == 2
    assert out == ""
    assert f"{path}:5:" in err
    assert err.startswith("mokg validate: error:")


def test_cli_validate_json(capsys: pytest.CaptureFixture[str]):
    """`--format json` prints the report's JSON model. Breaks if the CLI and the API diverge."""
    path = fixture(3, "bad")
    code, out, _ = run(capsys, "validate", "--root", str(REPO), "--format", "json", str(path))
    assert code == 1
    body = json.loads(out)
    assert body == checked(path).to_model().model_dump(mode="json")
    assert any(r["shape"] == RULE_SHAPES[3] for r in body["results"])


def test_cli_validate_turtle(capsys: pytest.CaptureFixture[str]):
    """`--format turtle` prints a SHACL validation report that rdflib reads. Breaks if the output is not
    Turtle or loses the verdict."""
    code, out, _ = run(capsys, "validate", "--root", str(REPO), "--format", "turtle", str(fixture(4, "bad")))
    assert code == 1
    graph = rdflib.Graph().parse(data=out, format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms).toPython() is False
    assert (None, SH.sourceShape, rdflib.URIRef(RULE_SHAPES[4])) in graph


def test_cli_validate_text_groups_findings_by_entity(capsys: pytest.CaptureFixture[str]):
    """The text report has one heading per entity (its IRI relative to the base, then its file) with
    its findings indented below, then the totals. Breaks if findings are no longer grouped or the
    file is no longer named."""
    path = fixture(5, "bad")
    code, out, _ = run(capsys, "validate", "--root", str(REPO), str(path))
    assert code == 1
    lines = out.splitlines()
    headings = [line for line in lines if line.startswith("claim/fixture-rule-5-bad")]
    assert headings == [f"claim/fixture-rule-5-bad  ({shown(path)})"]
    start = lines.index(headings[0])
    assert [line.split()[0] for line in lines[start + 1 : start + 3]] == ["Violation", "Violation"]
    assert all(line.startswith("  ") for line in lines[start + 1 : start + 3])
    assert "model/llama-7b" in out
    assert BASE not in out
    assert lines[-1] == "2 violations, 0 warnings, 0 infos: does not conform"


def test_cli_validate_text_of_a_conforming_file(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "validate", "--root", str(REPO), str(fixture(8, "ok")))
    assert code == 0
    assert out.splitlines()[-1].endswith(": conforms")


# --- POST /validate ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(Settings(root=REPO), store=store)) as test_client:
        yield test_client


def post(client: TestClient, body: bytes, media: str = "text/turtle", **headers: str):
    return client.post("/validate", content=body, headers={"content-type": media, **headers})


@pytest.mark.parametrize("rule", RULE_NUMBERS)
def test_service_reports_the_rule_a_submission_breaks(client: TestClient, rule: int):
    """A Turtle submission is checked in the context of the published graph (its base models, data
    sets and licences fetched from the store): each bad fixture gets its rule's violation. Breaks
    if the context query misses a link a rule follows."""
    response = post(client, fixture(rule, "bad").read_bytes())
    assert response.status_code == 200
    body = response.json()
    assert body["conforms"] is False
    assert any(
        r["severity"] == "Violation"
        and r["shape"] == RULE_SHAPES[rule]
        and r["focus"] == f"{BASE}claim/fixture-rule-{rule}-bad"
        for r in body["results"]
    ), body


@pytest.mark.parametrize("rule", RULE_NUMBERS)
def test_service_accepts_a_conforming_submission(client: TestClient, rule: int):
    """Each ok fixture conforms through the service too, i.e. the context it fetches is enough for
    the structural shapes (creators, licences, datasets exist). Breaks if context is missing."""
    response = post(client, fixture(rule, "ok").read_bytes())
    assert response.status_code == 200
    assert response.json()["conforms"] is True, response.json()


def test_service_refuses_web_addresses_that_are_not_http(client: TestClient):
    """POST /validate with records whose homepage is javascript:alert(1) (and other non-http web
    addresses) does not conform, with the Violation naming foaf:homepage; the same records with
    https:// addresses conform. Breaks if a submission could smuggle a script link past the service."""
    response = post(client, (WEB_ADDRESSES / "bad.ttl").read_bytes())
    assert response.status_code == 200
    body = response.json()
    assert body["conforms"] is False
    assert body["violations"] == len(BAD_WEB_ADDRESSES), body
    assert any(
        r["severity"] == "Violation"
        and r["focus"] == WEB_BAD
        and r["path"] == f"{FOAF}homepage"
        and r["value"] == "javascript:alert(1)"
        and r["shape"] == f"{SHAPES}HomepageIsWebAddress"
        and "foaf:homepage" in r["message"]
        for r in body["results"]
    ), body
    ok = post(client, (WEB_ADDRESSES / "ok.ttl").read_bytes())
    assert ok.status_code == 200
    assert ok.json()["conforms"] is True, ok.json()


def test_service_reads_json_ld(client: TestClient):
    """A JSON-LD submission with IRIs relative to the base is read like Turtle: its references to the
    published Llama 2, Hugging Face and Llama 2 licence resolve, so it conforms. Breaks if JSON-LD
    bodies are refused or resolved against another base."""
    response = post(client, (RULES / "submission.jsonld").read_bytes(), "application/ld+json")
    assert response.status_code == 200
    body = response.json()
    assert body["conforms"] is True, body
    assert all(
        r["focus"].startswith((f"{BASE}model/fixture-jsonld", f"{BASE}claim/fixture-jsonld")) for r in body["results"]
    )


def test_service_answers_turtle_when_asked(client: TestClient):
    """With Accept: text/turtle the answer is the SHACL report in Turtle. Breaks if content
    negotiation is lost."""
    response = post(client, fixture(2, "bad").read_bytes(), accept="text/turtle")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms).toPython() is False
    assert (None, SH.sourceShape, rdflib.URIRef(RULE_SHAPES[2])) in graph


def test_service_refuses_an_unsupported_media_type(client: TestClient):
    """A body that is not Turtle, N-Triples or JSON-LD is refused with 415 naming what is accepted."""
    response = post(client, fixture(1, "ok").read_bytes(), "text/plain")
    assert response.status_code == 415
    assert "text/turtle" in response.json()["detail"]


def test_service_refuses_a_body_over_the_limit(store):
    """A body larger than max_body_bytes is refused with 413, whether it declares its length or is
    sent in chunks. Breaks if the limit is not enforced (a memory exhaustion risk)."""
    body = fixture(1, "ok").read_bytes()
    assert len(body) > 100
    with TestClient(create_app(Settings(root=REPO, max_body_bytes=100), store=store)) as small:
        declared = post(small, body)
        assert declared.status_code == 413
        assert f"has {len(body)} bytes" in declared.json()["detail"]
        chunked = small.post("/validate", content=iter([body[:80], body[80:]]), headers={"content-type": "text/turtle"})
        assert chunked.status_code == 413
        assert "exceeds the limit of 100 bytes" in chunked.json()["detail"]


def test_service_reports_broken_turtle_with_its_line(client: TestClient):
    """Unparseable Turtle is a 400 whose message gives the line of the error. Breaks if a syntax
    error becomes a 500 or loses its position."""
    response = post(client, (TEST_DATA / "bad" / "unterminated.ttl").read_bytes())
    assert response.status_code == 400
    assert re.search(r"request body:5\b", response.json()["detail"]), response.json()


def test_service_refuses_a_triple_term_with_its_statement(client: TestClient):
    """An RDF 1.2 triple term parses but has no place in mokg's graph: 400 naming the statement, as at load."""
    response = post(client, (TEST_DATA / "bad" / "triple-term.ttl").read_bytes())
    assert response.status_code == 400
    assert "model/quoted> <https://w3id.org/mokg/ontology#hasComponent> has a triple term" in response.json()["detail"]


def test_service_refuses_a_body_that_describes_no_entity(client: TestClient):
    """A body without any rdf:type describes no record to check: 400, not an empty 'conforms'."""
    body = b'<model/untyped> <http://www.w3.org/2000/01/rdf-schema#label> "Untyped"@en .\n'
    response = post(client, body)
    assert response.status_code == 400
    assert "rdf:type" in response.json()["detail"]


def test_service_stores_nothing(client: TestClient, store):
    """Validation never writes: the store is the same after submissions as before. Breaks if the
    submission graph is added to the published graph."""
    before = store.stats()
    assert post(client, fixture(7, "ok").read_bytes()).status_code == 200
    assert post(client, (RULES / "submission.jsonld").read_bytes(), "application/ld+json").status_code == 200
    assert store.stats() == before
    assert described(store, f"{BASE}model/llama-2-7b")
    assert not described(store, f"{BASE}model/fixture-rule-7-ok")
    assert not described(store, f"{BASE}model/fixture-jsonld")


def test_cli_reads_json_ld(capsys: pytest.CaptureFixture[str]):
    """`mokg validate` takes JSON-LD as well as Turtle: a conforming JSON-LD record exits 0."""
    assert main(["validate", str(RULES / "submission.jsonld")]) == 0
    assert "0 violations" in capsys.readouterr().out


def test_turtle_report_keeps_iri_values():
    """sh:value is an IRI when the offending value is an entity (the model a claim rule checked)."""
    report = check_files(Settings(root=REPO), [fixture(5, "bad")])
    values = set(report.to_graph().objects(None, SH.value))
    assert rdflib.URIRef(f"{BASE}model/fixture-rule-5-bad") in values


# --- the engine: blank nodes, literals, multisets, targets, refusals -----------------------

EX = "http://example.org/"
PREFIXES = f"""@prefix ex: <{EX}> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def validate_turtle(shapes: str, data: str) -> Report:
    """``data`` validated against ``shapes`` (both Turtle, with :data:`PREFIXES`), in a store of their own."""
    parse = functools.partial(ox.parse, format=ox.RdfFormat.TURTLE)
    validator = Validator.from_quads(list(parse(PREFIXES + shapes)))
    return validator.validate([ox.Quad(t.subject, t.predicate, t.object) for t in parse(PREFIXES + data)])


BLANK_CLAIM = fixture(1, "bad").read_text(encoding="utf-8").replace("<claim/fixture-rule-1-bad>", "[]")


def test_cli_reports_a_blank_node_claim(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    """A claim written as a blank node (``[] a mokg:OpennessClaim``) is validated like any claim:
    `mokg validate` prints its violations under a `_:` heading and exits 1, with no traceback: rule
    1's, and the structural shape's (claims must be IRIs, sh:nodeKind sh:IRI). Breaks if blank
    focus nodes are dropped or written into a query as IRIs."""
    path = tmp_path / "blank-claim.ttl"
    path.write_text(BLANK_CLAIM, encoding="utf-8")
    code, out, err = run(capsys, "validate", "--root", str(REPO), str(path))
    assert (code, err) == (1, "")
    heading = next(line for line in out.splitlines() if line.startswith("_:"))
    assert heading.endswith(f"({path})")
    assert "Violation" in out and '"Open with limitations"' in out
    assert out.splitlines()[-1] == "2 violations, 0 warnings, 0 infos: does not conform"


def test_service_reports_a_blank_node_claim(client: TestClient):
    """POST /validate reports the blank-node claim's violation (it used to skip the claim and conform)."""
    response = post(client, BLANK_CLAIM.encode())
    assert response.status_code == 200
    body = response.json()
    assert body["conforms"] is False
    (result,) = [r for r in body["results"] if r["shape"] == RULE_SHAPES[1]]
    assert result["focus"].startswith("_:") and result["kind"] == "OpennessClaim"
    graph = rdflib.Graph().parse(data=post(client, BLANK_CLAIM.encode(), accept="text/turtle").text, format="turtle")
    assert isinstance(graph.value(predicate=SH.sourceShape, object=rdflib.URIRef(RULE_SHAPES[1])), rdflib.BNode)
    (focus,) = {graph.value(r, SH.focusNode) for r in graph.subjects(SH.sourceShape, rdflib.URIRef(RULE_SHAPES[1]))}
    assert isinstance(focus, rdflib.BNode)


def test_language_tags_are_kept_and_distinct_results_stay_distinct():
    """Two values that differ only in their language tag give two results, each with its own tag, in
    the findings and in the W3C report. Breaks if literals are reduced to their text or results are
    kept as a set of texts."""
    shapes = "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:name ; sh:datatype xsd:string ] ."
    report = validate_turtle(shapes, 'ex:a ex:name "chat"@en, "chat"@fr, "chat" .')
    assert [f.value for f in report.findings] == ["chat", "chat"]
    assert {f.result.value.language for f in report.findings} == {"en", "fr"}
    values = {(str(v), v.language) for v in report.to_graph().objects(None, SH.value)}
    assert values == {("chat", "en"), ("chat", "fr")}
    assert len(list(report.to_graph().objects(None, SH.result))) == 2


def test_literal_values_keep_their_datatype_as_written():
    """A value keeps the datatype and lexical form the data wrote, though the store reads 4.0 as 4."""
    shapes = "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:size ; sh:maxInclusive 3 ] ."
    report = validate_turtle(shapes, "ex:a ex:size 4.0, 5 .")
    values = {(str(v), str(v.datatype)) for v in report.to_graph().objects(None, SH.value)}
    assert values == {("4.0", f"{XSD}decimal"), ("5", f"{XSD}integer")}


XSD = "http://www.w3.org/2001/XMLSchema#"
SPARQL_TARGETS = {
    "targetNode": "sh:targetNode ex:a",
    "targetClass": "sh:targetClass ex:Thing",
    "targetSubjectsOf": "sh:targetSubjectsOf ex:name",
    "targetObjectsOf": "sh:targetObjectsOf ex:link",
}
TARGET_DATA = 'ex:a a ex:Thing ; ex:name "A" . ex:b ex:link ex:a .'
NAMED_A = "SELECT $this ?value WHERE { $this <http://example.org/name> ?value FILTER(?value = 'A') }"
NO_NAME_LIKE_A = f'sh:sparql [ sh:select "{NAMED_A}" ]'


@pytest.mark.parametrize("target", SPARQL_TARGETS)
def test_sparql_constraints_work_with_every_kind_of_target(target: str):
    """A SPARQL constraint finds its focus node through sh:targetNode, sh:targetClass,
    sh:targetSubjectsOf and sh:targetObjectsOf alike (the old engine needed sh:targetClass)."""
    report = validate_turtle(f"ex:S a sh:NodeShape ; {SPARQL_TARGETS[target]} ; {NO_NAME_LIKE_A} .", TARGET_DATA)
    assert [(f.focus, f.value, f.component) for f in report.findings] == [
        (f"{EX}a", "A", "http://www.w3.org/ns/shacl#SPARQLConstraintComponent")
    ]


def test_sparql_constraints_work_with_implicit_class_targets_and_on_property_shapes():
    """A shape that is also a class targets its instances; a SPARQL constraint of a property shape
    gets its path as $PATH and reports it as the result path."""
    path_query = '"SELECT $this ?value WHERE { $this $PATH ?value }"'
    shapes = f"""ex:Thing a rdfs:Class, sh:NodeShape ; {NO_NAME_LIKE_A} ;
      sh:property [ sh:path ex:name ; sh:sparql [ sh:select {path_query} ] ] ."""
    report = validate_turtle(shapes, TARGET_DATA)
    assert sorted((f.focus, f.path or "", f.value) for f in report.findings) == [
        (f"{EX}a", "", "A"),
        (f"{EX}a", f"{EX}name", "A"),
    ]


@pytest.mark.parametrize(
    ("shapes", "words"),
    [
        ("ex:S sh:targetNode ex:a ; sh:datatype xsd:byte .", "oxigraph issue #1413"),
        (
            'ex:S sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { GRAPH $shapesGraph { } }" ] .',
            "$shapesGraph",
        ),
        ('ex:S sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] .', "VALUES"),
        ("ex:S sh:targetNode ex:a ; sh:node ex:S .", "recursive"),
        ("ex:S a sh:NodeShape ; sh:target [ a ex:Custom ] .", "sh:target"),
    ],
    ids=["derived-datatype", "shapes-graph", "values", "recursion", "shacl-af-target"],
)
def test_what_the_engine_cannot_check_is_refused_when_the_validator_is_built(shapes: str, words: str):
    """Shapes the engine does not support are refused at load with a MokgError naming the shape,
    never half-checked. Breaks if an unsupported feature is silently ignored."""
    with pytest.raises(MokgError, match=re.escape(words)) as error:
        Validator.from_quads(list(ox.parse(PREFIXES + shapes, format=ox.RdfFormat.TURTLE)))
    assert f"{EX}S" in str(error.value)


# --- the engine agrees with pyshacl on mokg's shapes ---------------------------------------


def pyshacl_results(shapes: list[ox.Quad], data: list[ox.Quad]) -> Counter:
    """pyshacl's results (the reference engine) as comparable tuples: see :func:`engine_results`."""
    from pyshacl import validate

    def graph(quads: list[ox.Quad]) -> rdflib.Graph:
        rdflib.NORMALIZE_LITERALS = False
        try:
            text = ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES
            )
            return rdflib.Graph().parse(data=text, format="nt")
        finally:
            rdflib.NORMALIZE_LITERALS = True

    _, report, _ = validate(graph(data), shacl_graph=graph(shapes), inference="none", advanced=True)
    node = report.value(predicate=RDF.type, object=SH.ValidationReport)
    found: Counter = Counter()
    for result in report.objects(node, SH.result):
        path, shape = report.value(result, SH.resultPath), report.value(result, SH.sourceShape)
        value = report.value(result, SH.value)
        found[
            (
                str(report.value(result, SH.focusNode)),
                str(path) if isinstance(path, rdflib.URIRef) else None,
                value.n3() if value is not None else None,
                str(shape) if isinstance(shape, rdflib.URIRef) else None,
                str(report.value(result, SH.sourceConstraintComponent)),
                str(report.value(result, SH.resultSeverity)),
            )
        ] += 1
    return found


def engine_results(report: Report) -> Counter:
    """mokg's findings as (focus, IRI path, value in N-Triples, IRI shape, component, severity)."""
    return Counter(
        (
            f.focus,
            f.path if f.result.path is not None and f.result.path.is_predicate else None,
            str(f.result.value) if f.result.value is not None else None,
            f.shape,
            f.component,
            str(f.result.severity.value),
        )
        for f in report.findings
    )


def without_sparql(shapes: list[ox.Quad]) -> list[ox.Quad]:
    """The shapes without their SPARQL constraints: pyshacl needs ~50 s for mokg's claim rules."""
    return [q for q in shapes if q.predicate.value != "http://www.w3.org/ns/shacl#sparql"]


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_the_engine_agrees_with_pyshacl_on_mokgs_shapes(which: str, request: pytest.FixtureRequest):
    """mokg's engine and pyshacl give the same multiset of results (focus, path, value, shape,
    component, severity) for mokg's structural shapes over the bundled graph and a generated one.
    The claim rules (SPARQL) are compared on the W3C suite and by the tests above: pyshacl takes
    a minute for them here. Breaks when the engine and the reference disagree."""
    root = REPO if which == "bundled" else request.getfixturevalue("generated_root")
    files = discover(root, BASE)
    shapes_dir = (root / "shapes").resolve()
    shapes = without_sparql(load_files([f for f in files if f.path.resolve().is_relative_to(shapes_dir)], BASE))
    data = load_files([f for f in files if not f.path.resolve().is_relative_to(shapes_dir)], BASE)
    ours = engine_results(Validator.from_quads(shapes).validate(data))
    assert sum(ours.values()) > 0
    assert ours == pyshacl_results(shapes, data)


def test_the_engine_runs_over_a_remote_store(loaded_server, store):
    """The same queries through a RemoteStore (an Oxigraph server, as deployments run it) give the same
    claim-rule results as over the embedded store. Breaks if the engine used anything but Store.query."""
    from mokg.remote import RemoteStore

    validator = Validator.from_quads(store.graphs_under(f"{BASE}graph/shapes/"))
    remote = validator.validate_store(RemoteStore.for_oxigraph(loaded_server.url))
    assert remote.findings
    assert remote.findings == validator.validate_store(store).findings


def alpaca_root(tmp_path: Path) -> Path:
    """A small root: mokg's ontology, shapes and licences, LLaMA 7B and Alpaca 7B (rule 5's fixture
    is a fine-tune of Alpaca 7B), and room for more records in ``data/models``."""
    root = tmp_path / "root"
    for folder in ("ontology", "shapes", "data/licenses"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "data" / "models").mkdir()
    for model in ("llama-7b", "alpaca-7b"):
        shutil.copy(REPO / "data" / "models" / f"{model}.ttl", root / "data" / "models")
    return root


def test_validate_store_checks_the_loaded_graph_where_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """`mokg validate --store S` validates the whole graph a load left in S where it is (a million
    models' files, parsed again into memory, need more than 24 GB) and reports what validating the
    files reports: the same findings, with their files and classes, the same verdict. Breaks if
    the derived graphs in the store change a finding, or the store's findings lose their file."""
    root = alpaca_root(tmp_path)
    shutil.copytree(TEST_DATA / "root" / "data", root / "data", dirs_exist_ok=True)
    for rule in (3, 5):
        shutil.copy(fixture(rule, "bad"), root / "data" / "models")
    store = tmp_path / "store"
    assert main(["load", "--root", str(root), "--store", str(store)]) == 0
    capsys.readouterr()
    code, from_files, _ = run(capsys, "validate", "--root", str(root), "--format", "json")
    assert run(capsys, "validate", "--root", str(root), "--store", str(store), "--format", "json")[:2] == (
        code,
        from_files,
    )
    results = json.loads(from_files)["results"]
    assert code == 1 and {RULE_SHAPES[3], RULE_SHAPES[5]} <= {r["shape"] for r in results}
    assert f"data/models/{fixture(3, 'bad').name}" in {r["source"] for r in results}
    shutil.rmtree(root / "data")  # the store alone: the same findings, no file left to name
    code, from_store, _ = run(capsys, "validate", "--root", str(root), "--store", str(store), "--format", "json")
    assert code == 1 and json.loads(from_store)["results"] == [dict(r, source=None) for r in results]


def test_dependents_are_checked_where_a_change_can_reach_them(tmp_path: Path):
    """Checking a changed base re-checks what derives from it with the constraints that read beyond a
    record (its claims' rules walk the lineage), not with those that read its own triples, which
    the change did not touch: a fine-tune of Alpaca 7B that names no developer (a Warning on its
    own record), states a licence status beside its licence (sh:xone of two property shapes: it
    reads the record's own triples too) and whose claim exceeds what the base allows (rule 5).
    Checking Alpaca 7B reports the rule-5 Violation and not the other two; checking the fine-tune
    reports all three, as the whole graph does. Breaks if dependents lose a finding the change
    can cause, or get the others."""
    root = alpaca_root(tmp_path)
    fine_tune = root / "data" / "models" / "fine-tune.ttl"
    text = fixture(5, "bad").read_text().replace("    dcterms:creator <org/hugging-face> ;\n", "")
    fine_tune.write_text(
        text.replace(
            "    dcterms:license spdx:Apache-2.0 ;\n",
            "    dcterms:license spdx:Apache-2.0 ; mokg:licenseStatus mokg:NoAssertion ;\n",
            1,
        )
    )
    settings = Settings(root=root)
    model, claim = f"{BASE}model/fixture-rule-5-bad", f"{BASE}claim/fixture-rule-5-bad"
    whole = check_files(settings).findings
    own = ("http://purl.org/dc/terms/creator", f"{SHAPES}LicenseOrStatus")
    warning = [f for f in whole if f.focus == model and (f.path in own or f.shape in own)]
    rule_5 = [f for f in whole if f.focus == claim and f.shape == RULE_SHAPES[5]]
    assert len(warning) == 2 and rule_5, describe(Report(whole))
    base = set(check_files(settings, [root / "data" / "models" / "alpaca-7b.ttl"]).findings)
    assert set(rule_5) <= base and not set(warning) & base, describe(Report(tuple(base)))
    itself = set(check_files(settings, [fine_tune]).findings)
    assert set(warning + rule_5) <= itself
    assert itself == {f for f in whole if f.focus in {model, claim, f"{model}#weights"}}


def test_a_model_on_a_derivation_cycle_is_one_violation(tmp_path: Path):
    """A model fine-tuned from itself, and three models each derived from the next (one merged from
    both others, so it is on the cycle twice), give one Violation each; a fine-tune of one of
    them, which is not on the cycle, gives none. Breaks if a cycle goes unseen, or a model on it
    is reported once per way round."""
    path = tmp_path / "cycles.ttl"
    path.write_text(
        "@prefix mokg: <https://w3id.org/mokg/ontology#> .\n"
        "<model/cycle-self> a mokg:Model ; mokg:finetunedFrom <model/cycle-self> .\n"
        "<model/cycle-a> a mokg:Model ; mokg:finetunedFrom <model/cycle-b> .\n"
        "<model/cycle-b> a mokg:Model ; mokg:quantizedFrom <model/cycle-c> .\n"
        "<model/cycle-c> a mokg:Model ; mokg:mergedFrom <model/cycle-a> , <model/cycle-b> .\n"
        "<model/cycle-child> a mokg:Model ; mokg:finetunedFrom <model/cycle-a> .\n",
        encoding="utf-8",
    )
    report = check_files(Settings(root=REPO), [path])
    cycles = Counter(f.focus for f in violations(report) if "derived from itself" in f.message)
    assert cycles == {f"{BASE}model/cycle-{name}": 1 for name in ("self", "a", "b", "c")}, describe(report)
