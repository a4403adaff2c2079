"""Rule 80: why a source's MOF class differs from mokg's, and what sources document that records lack."""

from __future__ import annotations

import pytest
from conftest import BASE, REPO, TEST_DATA, bundled_with

from mokg.store import EmbeddedStore

FIXTURE = TEST_DATA / "derived" / "source-differences.ttl"
TOOL = "Model Openness Tool"


@pytest.fixture(scope="module")
def derived() -> EmbeddedStore:
    """The bundled graph plus two made-up models the Tool grades differently, with every rule materialized."""
    return bundled_with(FIXTURE)


def differences(store: EmbeddedStore, slug: str) -> dict[str, str]:
    rows = store.query(f"""SELECT ?type ?reason ?claim WHERE {{ <{BASE}model/{slug}> mokg:classDifference ?d .
        ?d a mokg:ClassDifference ; mokg:componentType ?type ; mokg:differenceReason ?reason ;
           mokg:comparedWith ?claim }}""")
    found = {}
    for row in rows:
        assert row["claim"].value == f"{BASE}claim/test-mot/{slug}/mof-class"
        found[row["type"].value.rsplit("#", 1)[1]] = row["reason"].value
    return found


def test_the_components_behind_a_lower_class_are_named_with_the_reason(derived: EmbeddedStore):
    assert derived.query(f"ASK {{ <{BASE}model/diff-lower> mokg:achievedMOFClass 0 }}")
    assert differences(derived, "diff-lower") == {
        "ModelCard": f"mokg records no licence for it; {TOOL} counts it as open under Apache License 2.0",
        "DataCard": f"mokg records it as not public; {TOOL} counts it as open under Apache License 2.0",
        "EvaluationResults": f"mokg records no Evaluation results; {TOOL} counts it as open under Apache License 2.0",
        "TechnicalReport": "licence resolved differently: mokg records LLaMA non-commercial research licence, "
        f"{TOOL} applies Creative Commons Attribution 4.0 International",
    }


def test_the_components_behind_a_higher_class_are_named_with_the_reason(derived: EmbeddedStore):
    assert derived.query(f"ASK {{ <{BASE}model/diff-higher> mokg:achievedMOFClass 2 }}")
    assert differences(derived, "diff-higher") == {
        "TrainingCode": f"{TOOL} does not count LLaMA non-commercial research licence as open; "
        "mokg records Apache License 2.0",
        "InferenceCode": f"{TOOL} does not list it; mokg records it as open under MIT License",
        "EvaluationCode": f"{TOOL} lists it without a licence (unlicensed); mokg records MIT License",
    }


def test_a_source_that_agrees_on_the_class_gets_no_difference(derived: EmbeddedStore):
    """A model no source gives a class (Amber is not in the Tool's sample) has nothing to explain."""
    assert not differences(derived, "amber")


def test_components_a_source_documents_that_the_record_lacks_are_the_to_do(derived: EmbeddedStore):
    rows = derived.query(f"""SELECT ?type ?claim WHERE {{ <{BASE}model/diff-lower> mokg:unrecordedComponent ?g .
        ?g a mokg:UnrecordedComponent ; mokg:componentType ?type ; mokg:documentedBy ?claim }}""")
    found = {(row["type"].value.rsplit("#", 1)[1], row["claim"].value.rsplit("/", 1)[1]) for row in rows}
    # Evaluation results and training code are documented at level 4 and not recorded; the rest is recorded.
    assert found == {("EvaluationResults", "evaluation-results"), ("TrainingCode", "training-code")}


def test_a_level_zero_claim_documents_nothing(derived: EmbeddedStore):
    assert not derived.query(f"ASK {{ <{BASE}model/diff-higher> mokg:unrecordedComponent ?g }}")


def test_the_disagreements_command_lists_the_class_differences_and_todo_the_gaps(tmp_path, capsys):
    import shutil

    from mokg.cli import main

    root = tmp_path / "root"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("releases"))
    shutil.copy(FIXTURE, root / "data" / "claims" / "test-source-differences.ttl")
    assert main(["disagreements", "--root", str(root), "--of", "classes", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "model,source,sourceClass,mokgClass,component,reason"
    assert any(line.startswith(f"{BASE}model/diff-lower,{TOOL},3,0,Data card,") for line in lines)
    assert main(["disagreements", "--root", str(root)]) == 0
    text = capsys.readouterr().out
    assert "MOF classes of a source unlike mokg's" in text and "Claims of two sources" in text
    assert main(["todo", "--root", str(root), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("model,component,source")
    assert any(line.startswith(f"{BASE}model/diff-lower,Training code,{TOOL}") for line in lines)
    assert len(lines) == len(set(lines)), "a row printed twice"
