"""The Model Openness Tool exporter: files the Tool accepts, round trips through its importer, the same class.

A round trip: the Tool's files imported, the models that import created exported, the exports
imported again into the same graph: the second import writes what the first wrote. It holds for
the importer's fixtures, the Tool's 27 test files and every model of the bundled graph that the
Tool's import created; where it cannot (a date the Tool's own schema refuses), the test says
exactly what differs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pyoxigraph as ox
import pytest
import yaml
from conftest import BASE, TEST_DATA, TINY_ROOT

from exporters.support import differences, file_triples, triples_of, with_result, write_exports
from mokg.citation import UnknownRecord
from mokg.cli import main
from mokg.exporters import EXPORTERS, exporter
from mokg.exporters import mot as export_mot
from mokg.exporters.base import Component, Licensing, ModelFacts, Organization, read_model, to_yaml
from mokg.importers import mot
from mokg.importers.base import ImportContext
from mokg.store import EmbeddedStore

FIXTURES = TEST_DATA / "importers" / "mot"
MODELS, CASES = FIXTURES / "models", FIXTURES / "test-cases"
SCHEMA = json.loads((TEST_DATA / "exporters" / "mof_schema.json").read_text(encoding="utf-8"))
#: Validates as the Tool does (Opis JSON Schema checks formats: a date is a full date).
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
SPDX, MOKG = "http://spdx.org/licenses/", "https://w3id.org/mokg/ontology#"
DATE = ox.NamedNode("http://purl.org/dc/terms/issued")


def created(result: mot.ImportResult) -> list[str]:
    """The slugs of the models an import created."""
    return sorted({m.iri.rsplit("/", 1)[-1] for m in result.matches if m.how == "new"})


def original_release(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["release"]


def problems(document: dict) -> list[str]:
    return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in VALIDATOR.iter_errors(document)]


# --- the Tool's format --------------------------------------------------------------------------------------


def test_the_exporter_knows_the_schemas_words():
    release = SCHEMA["properties"]["release"]["properties"]
    assert tuple(release["type"]["enum"]) == export_mot.TYPES
    assert tuple(release["architecture"]["enum"]) == export_mot.ARCHITECTURES
    assert SCHEMA["properties"]["framework"]["properties"]["name"]["enum"] == [export_mot.FRAMEWORK["name"]]
    assert yaml.safe_load((MODELS / "olmo.yml").read_text())["framework"] == export_mot.FRAMEWORK


def test_registered_as_mot():
    assert EXPORTERS["mot"] == "mokg.exporters.mot"
    assert exporter("mot") is export_mot.export


@pytest.fixture(scope="module")
def bundled(store) -> dict[str, dict]:
    """Every model of the bundled graph as the Tool's API answers it (its file and classification), by slug."""
    rows = store.query(f"SELECT ?m WHERE {{ ?m a <{MOKG}Model> }} ORDER BY ?m")
    iris = [row["m"].value for row in rows if row["m"].value.startswith(f"{BASE}model/")]
    return {answer["id"]: answer for answer in export_mot.api_models(store, iris, BASE)}


def test_every_bundled_model_exports_a_file_the_tools_schema_accepts(bundled):
    assert len(bundled) > 300
    invalid = {}
    for slug, answer in bundled.items():
        document = {"framework": answer["framework"], "release": answer["release"]}
        if found := problems(document):
            invalid[slug] = found
        assert yaml.safe_load(to_yaml(document)) == document  # the YAML reads back as written
    assert invalid == {}


def test_a_date_the_tools_schema_refuses_is_left_out(bundled):
    """The Index dates models by month (2024-10): the Tool's schema wants a full date, so the export has none."""
    dates = [answer["release"].get("date") for answer in bundled.values()]
    assert all(date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) for date in dates)
    assert sum(date is not None for date in dates) > 100


def test_the_yaml_is_written_as_the_tool_writes_it(store):
    text = to_yaml(export_mot.export(store, "aquila-7b", BASE).document)
    assert text.startswith("framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\n")
    assert "  date: '2024-10-03'\n" in text  # a date stays a string
    assert "  license: {}\n" in text
    assert "  components:\n    - name: Model architecture\n" in text
    keys = list(yaml.safe_load(text)["release"])
    assert keys == [
        *("name", "version", "date", "license", "type", "architecture", "origin", "producer", "contact"),
        *("repository", "huggingface", "components"),
    ]


# --- round trips ---------------------------------------------------------------------------------------------


def test_round_trip_of_the_importers_fixtures(curated, round_trip):
    first, second = round_trip(mot.read, [MODELS], curated, export_mot.export, created)
    assert created(first) == ["tiny-open-model-1b", "zyzzyva-other-2b"]
    assert second.problems == []
    before, after = triples_of(first), triples_of(second)
    assert set(after) <= set(before)
    assert {f"models/{slug}.ttl" for slug in created(first)} <= set(after)
    # The one difference: the fixture dates a model by month, which the Tool's schema refuses.
    model = ox.NamedNode(f"{BASE}model/zyzzyva-other-2b")
    assert before["models/zyzzyva-other-2b.ttl"] - after["models/zyzzyva-other-2b.ttl"] == {
        (model, DATE, ox.Literal("2025-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")))
    }
    assert differences(before, after, sorted(after)).keys() == {"models/zyzzyva-other-2b.ttl"}


@pytest.fixture(scope="module")
def cases(curated) -> tuple[mot.ImportResult, EmbeddedStore]:
    """The Tool's 27 test files imported (each a new model), and the graph with them."""
    result = mot.read([CASES], ImportContext(curated, BASE))
    assert result.problems == []
    return result, with_result(curated, result)


def test_round_trip_of_the_tools_27_test_files(curated, cases, tmp_path):
    """The Tool's own test files: every global licence, path and status; each model the import made, again."""
    first, merged = cases
    assert len(created(first)) == 27
    exported = write_exports((export_mot.export(merged, slug, BASE) for slug in created(first)), tmp_path)
    second = mot.read(exported, ImportContext(curated, BASE))
    assert second.problems == []
    before, after = triples_of(first), triples_of(second)
    assert set(after) == set(before)
    assert differences(before, after, sorted(after)) == {}


@pytest.mark.parametrize("case", sorted(CASES.glob("*.yml")), ids=lambda path: path.stem[:24])
def test_the_export_of_a_test_file_grades_as_the_file(cases, case):
    """Class and progress of each class, exactly: the export says what the Tool's file says."""
    first, merged = cases
    release = original_release(case)
    (slug,) = {m.iri.rsplit("/", 1)[-1] for m in first.matches if m.source == release["name"].strip()}
    exported = export_mot.export(merged, slug, BASE)
    original, again = mot.evaluate(release), mot.evaluate(exported.document["release"])
    assert (again.mof_class, dict(again.progress)) == (original.mof_class, dict(original.progress))
    assert problems(exported.document) == []
    assert exported.file_name == case.name


def test_the_export_of_a_fixture_grades_as_the_file(curated, round_trip):
    first, _ = round_trip(mot.read, [MODELS], curated, export_mot.export, created)
    merged = with_result(curated, first)
    for path in sorted(MODELS.glob("*.yml")):
        release = original_release(path)
        (match,) = [m for m in first.matches if m.source == release["name"].strip()]
        if match.how == "new":  # a record the Tool's file made: graded as the file
            exported = export_mot.export(merged, match.iri.rsplit("/", 1)[-1], BASE).document["release"]
            assert mot.evaluate(exported).mof_class == mot.evaluate(release).mof_class, path.name


def test_round_trip_of_the_bundled_models_the_tools_import_created(store, before_mot, bundled_files, tmp_path):
    """Export every model whose record the Tool's import wrote; importing the exports writes the bundled files."""
    written = {f.relative: f.path for f in bundled_files if f.importer == "mot"}
    slugs = sorted(Path(p).stem for p in written if p.startswith("models/"))
    assert len(slugs) > 100
    exported = write_exports((export_mot.export(store, slug, BASE) for slug in slugs), tmp_path)
    again = mot.read(exported, ImportContext(before_mot, BASE))
    assert again.problems == []
    after = triples_of(again)
    assert {f"models/{slug}.ttl" for slug in slugs} | {
        f"claims/model-openness-tool/{slug}.ttl" for slug in slugs
    } <= set(after)
    assert set(after) <= set(written)
    before = {path: file_triples(written[path]) for path in after}
    assert differences(before, after, sorted(after)) == {}


def test_the_export_grades_as_the_tool_did(bundled, bundled_files, store):
    """For every model the Tool's import created, the export's class is the one the Tool's file had (its claim)."""
    slugs = sorted(
        Path(f.relative).stem for f in bundled_files if f.importer == "mot" and f.relative.startswith("models/")
    )
    claimed = {
        row["m"].value.rsplit("/", 1)[-1]: int(row["c"].value)
        for row in store.query(
            f"SELECT ?m ?c WHERE {{ ?x <{MOKG}aboutModel> ?m ; <{MOKG}claimedMOFClass> ?c ; "
            f"<http://www.w3.org/ns/prov#wasQuotedFrom> <{BASE}source/model-openness-tool> }}"
        )
    }
    graded = {slug: bundled[slug]["classification"]["class"] for slug in slugs}
    assert graded == {slug: claimed.get(slug, 0) for slug in slugs}
    assert set(graded.values()) >= {0, 1, 3}


def test_a_model_the_tool_shares_with_a_curated_record_lands_on_it_again(store, before_mot, bundled_files, tmp_path):
    """Models the Tool's import matched to another record: their exports are that record's facts, and land on it.

    Their claims differ where mokg's record says something else than the Tool (that is the
    correction the export carries), so only the landing is the same.
    """
    claims = {f.relative for f in bundled_files if f.importer == "mot" and f.relative.startswith("claims/")}
    models = {f.relative for f in bundled_files if f.importer == "mot" and f.relative.startswith("models/")}
    shared = sorted(Path(p).stem for p in claims if f"models/{Path(p).stem}.ttl" not in models)
    assert len(shared) > 10
    exported = write_exports((export_mot.export(store, slug, BASE) for slug in shared), tmp_path)
    again = mot.read(exported, ImportContext(before_mot, BASE))
    assert again.problems == []
    assert {m.iri.rsplit("/", 1)[-1] for m in again.matches} == set(shared)
    assert not any(path.startswith("models/") for path in again.files)


def test_as_the_tool_said_it_every_bundled_file_round_trips(store, before_mot, bundled_files, tmp_path):
    """Every model of the Tool's bundled import, exported as the Tool said it, imports to the bundled files again.

    The models the Tool's import merged into another record included: their export as the
    Tool's file had it (its claims) gives back the claims, the source match and the components
    the import completed, triple for triple.
    """
    written = {f.relative: f.path for f in bundled_files if f.importer == "mot"}
    slugs = sorted(Path(p).stem for p in written if p.startswith("claims/"))
    assert len(slugs) == 185
    exports = [export_mot.export(store, slug, BASE, as_said=True) for slug in slugs]
    claimed = {
        row["m"].value.rsplit("/", 1)[-1]: int(row["c"].value)
        for row in store.query(
            f"SELECT ?m ?c WHERE {{ ?x <{MOKG}aboutModel> ?m ; <{MOKG}claimedMOFClass> ?c ; "
            f"<http://www.w3.org/ns/prov#wasQuotedFrom> <{BASE}source/model-openness-tool> }}"
        )
    }
    graded = {slug: mot.evaluate(e.document["release"]).mof_class for slug, e in zip(slugs, exports, strict=True)}
    assert graded == {slug: claimed.get(slug, 0) for slug in slugs}, "graded as the Tool's file was"
    again = mot.read(write_exports(exports, tmp_path), ImportContext(before_mot, BASE))
    assert again.problems == []
    after = triples_of(again)
    assert set(after) == set(written)
    before = {path: file_triples(written[path]) for path in after}
    assert differences(before, after, sorted(after)) == {}


# --- what is exported, and from where ------------------------------------------------------------------------


UNKNOWN = Licensing(status="NoAssertion")


def facts(*components: Component, claims=(), licence=UNKNOWN, **fields) -> ModelFacts:
    return ModelFacts(
        iri=f"{BASE}model/m",
        slug="m",
        label=fields.get("label", "M-1B"),
        description=fields.get("description"),
        creator=fields.get("creator", Organization(f"{BASE}org/lab", "Lab")),
        issued=fields.get("issued"),
        architecture=fields.get("architecture"),
        hugging_face=fields.get("hugging_face"),
        homepage=None,
        licensing=licence,
        bases=(),
        components=components,
        claims={mot.SOURCE_SLUG: tuple(claims)},
    )


def artifact(fragment: str, type_local: str, licensing: Licensing, availability="DirectDownload", location=None):
    return Component(f"{BASE}model/m#{fragment}", (type_local,), availability, licensing, location)


def claim(type_local: str, motivation: str, claimed: str | None = None, level="Level4"):
    from mokg.exporters.base import Claim

    return Claim(
        iri=f"{BASE}claim/model-openness-tool/m/{type_local}",
        about=f"{BASE}model/m",
        about_label=None,
        component_type=type_local,
        level=level,
        claimed=Licensing(claimed) if claimed else None,
        row=None,
        grade=None,
        motivation=motivation,
        mof_class=None,
        score=None,
        label=None,
        description=None,
    )


APACHE = Licensing(f"{SPDX}Apache-2.0", "Apache-2.0", "Apache License 2.0")
MIT = Licensing(f"{SPDX}MIT", "MIT", "MIT License")


def components(release: dict) -> dict[str, dict]:
    return {c["name"]: c for c in release["components"]}


def test_the_tools_words_stay_where_the_record_agrees():
    said = "Model Openness Tool: licence 'Apache 2.0' (not open), from the release's distribution licence"
    release = export_mot.release(
        facts(
            artifact("weights", "ModelParametersFinal", APACHE),
            artifact("model-card", "ModelCard", APACHE),
            claims=[
                claim("ModelParametersFinal", said, f"{SPDX}Apache-2.0", "Level3"),
                claim("ModelCard", f"{said} (licence text: https://example.org/LICENSE)", f"{SPDX}Apache-2.0"),
            ],
        )
    )
    assert release["license"] == {"distribution": {"name": "Apache 2.0", "path": ""}}
    assert components(release)["Model parameters (Final)"] == {
        "name": "Model parameters (Final)",
        "description": "Trained model parameters, weights and biases",
    }
    assert components(release)["Model card"]["license_path"] == "https://example.org/LICENSE"
    assert mot.evaluate(release).components[mot.WEIGHTS].licence == "Apache 2.0"


def test_the_records_licence_is_written_where_it_corrects_the_tool():
    said = "Model Openness Tool: licence 'Apache-2.0' (open), from the release's distribution licence"
    release = export_mot.release(
        facts(
            artifact("weights", "ModelParametersFinal", MIT),
            artifact("model-card", "ModelCard", APACHE),
            claims=[
                claim("ModelParametersFinal", said, f"{SPDX}Apache-2.0"),
                claim("ModelCard", said, f"{SPDX}Apache-2.0"),
            ],
        )
    )
    assert components(release)["Model parameters (Final)"]["license"] == "MIT"
    assert "license" not in components(release)["Model card"]  # still the Tool's distribution licence
    assert release["license"]["distribution"]["name"] == "Apache-2.0"


def test_a_component_without_artifact_comes_from_the_tools_claim():
    release = export_mot.release(
        facts(
            artifact("weights", "ModelParametersFinal", APACHE, availability="NotPubliclyAvailable"),
            claims=[
                claim("ModelArchitecture", "Model Openness Tool: licence 'Apache-2.0' (open), set on the component"),
                claim("ModelParametersFinal", "Model Openness Tool: licence 'Apache-2.0' (open), set on the component"),
                claim("ResearchPaper", "Model Openness Tool: no licence (unlicensed)", level="Level0"),
            ],
        )
    )
    # The record says the weights are not public: they are left out, whatever the Tool said.
    assert [c["name"] for c in release["components"]] == ["Model architecture", "Research paper"]
    assert components(release)["Research paper"]["license"] == "unlicensed"


def test_a_component_the_tool_lists_as_not_included_stays_listed():
    words = Licensing(status="NoAssertion", statement="Component not included")
    release = export_mot.release(
        facts(
            artifact("weights", "ModelParametersFinal", words, availability="NotPubliclyAvailable"),
            claims=[
                claim(
                    "ModelParametersFinal",
                    "Model Openness Tool: licence 'Component not included' (not open), set on the component",
                    level="Level3",
                )
            ],
        )
    )
    assert components(release)["Model parameters (Final)"]["license"] == "Component not included"


def test_the_weights_on_the_models_hugging_face_page_are_not_a_path_the_tool_gave():
    page = "https://huggingface.co/lab/m-1b"
    said = "Model Openness Tool: licence 'MIT' (open), set on the component"
    release = export_mot.release(
        facts(
            artifact("weights", "ModelParametersFinal", MIT, location=page),
            artifact("architecture", "ModelArchitecture", MIT, location="https://github.com/lab/m"),
            claims=[claim("ModelParametersFinal", said, f"{SPDX}MIT"), claim("ModelArchitecture", said, f"{SPDX}MIT")],
            hugging_face=page,
        )
    )
    assert "component_path" not in components(release)["Model parameters (Final)"]
    assert components(release)["Model architecture"]["component_path"] == "https://github.com/lab/m"  # mokg's fact
    assert release["huggingface"] == page


def test_pre_training_data_is_the_tools_datasets():
    data = artifact("pretraining-data", "PreTrainingData", Licensing(f"{SPDX}ODC-By-1.0"))
    release = export_mot.release(facts(data), {"PreTrainingData": "Datasets"})
    assert components(release)["Datasets"]["license"] == "ODC-By-1.0"
    assert export_mot.release(facts(data))["components"] == []  # without the ontology's broader types, nothing


def test_two_artifacts_of_one_tool_component_with_different_licences():
    release = export_mot.release(
        facts(
            artifact("pretraining-data", "PreTrainingData", Licensing(f"{SPDX}ODC-By-1.0")),
            artifact("finetuning-data", "FineTuningData", Licensing(f"{SPDX}CC-BY-NC-4.0")),
        ),
        {"PreTrainingData": "Datasets", "FineTuningData": "Datasets"},
    )
    assert components(release)["Datasets"]["license"] == "CC-BY-NC-4.0 AND ODC-By-1.0"
    assert mot.evaluate(release).components["Datasets"].status == mot.INVALID  # not one open licence


@pytest.mark.parametrize(
    ("recorded", "written"),
    [
        (None, ""),
        ("transformer decoder", "transformer decoder"),
        ("Decoder", "decoder"),
        ("decoder-only transformer", "other"),
    ],
)
def test_the_architecture_is_one_of_the_schemas(recorded, written):
    assert export_mot.release(facts(architecture=recorded))["architecture"] == written


def test_type_version_and_producer_come_back_from_the_importers_description():
    described = "A code model by Zyzzyva Lab, version 1B, as listed in the Model Openness Tool."
    creator = Organization(f"{BASE}org/zl", "Zyzzyva Lab (ZL)", names=("Zyzzyva Lab (ZL)",))  # one part of it
    release = export_mot.release(facts(description=described, creator=creator))
    assert (release["type"], release["version"], release["producer"]) == ("code", "1B", "Zyzzyva Lab")
    other = Organization(f"{BASE}org/elsewhere", "Elsewhere")  # the creator was corrected: its label
    assert export_mot.release(facts(description=described, creator=other))["producer"] == "Elsewhere"
    assert export_mot.release(facts(description="A curated record."))["type"] == ""


def test_without_weights_the_models_licence_is_the_distribution_licence():
    release = export_mot.release(facts(artifact("card", "ModelCard", MIT), licence=APACHE))
    assert release["license"] == {"distribution": {"name": "Apache-2.0", "path": ""}}
    assert components(release)["Model card"]["license"] == "MIT"
    assert export_mot.release(facts(artifact("card", "ModelCard", MIT)))["license"] == {}


def test_the_api_answer_classifies_with_the_published_rules(store):
    answer = export_mot.api_model(store, "aquila-7b", BASE)
    assert answer["id"] == "aquila-7b"
    assert answer["release"] == export_mot.export(store, "aquila-7b", BASE).document["release"]
    evaluation = mot.evaluate(answer["release"])
    assert answer["classification"] == {
        "class": evaluation.mof_class,
        "label": export_mot.CLASS_LABELS[evaluation.mof_class],
        "progress": {str(c): float(evaluation.progress[c]) * 100 for c in (1, 2, 3)},
    }


def test_an_unknown_slug_is_an_error(store):
    with pytest.raises(UnknownRecord, match="no model 'no-such-model' in mokg"):
        export_mot.export(store, "no-such-model", BASE)
    with pytest.raises(UnknownRecord):
        read_model(store, "not a slug", BASE)


# --- the command -------------------------------------------------------------------------------------------


def test_cli_writes_the_file_to_standard_output(capsys):
    assert main(["export", "mot", "tiny-model", "--root", str(TINY_ROOT)]) == 0
    written = yaml.safe_load(capsys.readouterr().out)
    assert written["framework"] == export_mot.FRAMEWORK
    assert problems(written) == []


def test_cli_writes_a_file_or_the_sources_file_in_a_folder(tmp_path, capsys):
    assert main(["export", "mot", "tiny-model", "--root", str(TINY_ROOT), "--output", str(tmp_path / "m.yml")]) == 0
    assert yaml.safe_load((tmp_path / "m.yml").read_text())["release"]["name"]
    assert main(["export", "mot", "tiny-model", "--root", str(TINY_ROOT), "--output", str(tmp_path)]) == 0
    assert "wrote" in capsys.readouterr().err
    assert len(list(tmp_path.glob("*.yml"))) == 2


def test_cli_fails_on_an_unknown_slug(capsys):
    assert main(["export", "mot", "no-such-model", "--root", str(TINY_ROOT)]) == 2
    assert "no model 'no-such-model' in mokg" in capsys.readouterr().err


def test_cli_writes_the_file_as_the_tool_said_it(capsys):
    """DBRX Instruct: mokg's record corrects the Tool's repository; as the Tool said it, the file names none it knew."""
    assert main(["export", "mot", "dbrx-instruct", "--as-said"]) == 0
    said = yaml.safe_load(capsys.readouterr().out)["release"]
    assert main(["export", "mot", "dbrx-instruct"]) == 0
    corrected = yaml.safe_load(capsys.readouterr().out)["release"]
    assert said["huggingface"] == "" and corrected["huggingface"] == "https://huggingface.co/databricks/dbrx-instruct"
    assert main(["export", "osai", "olmo-7b", "--as-said"]) == 2
    assert "--as-said is for mot" in capsys.readouterr().err
