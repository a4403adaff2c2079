"""The European Open Source AI Index exporter: entries in the Index's structure, round trips through its importer.

Every entry of the importer's fixtures and every entry of the bundled graph, exported and imported
again into the graph the first import merged into, writes the same files: models (base models
included), organizations, licences, claims, scores.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import BASE, TEST_DATA, TINY_ROOT

from exporters.support import differences, file_triples, triples_of, write_exports
from mokg.cli import main
from mokg.exporters import exporter
from mokg.exporters import osai as export_osai
from mokg.exporters.base import Claim, Component, Licensing, ModelFacts, Organization
from mokg.importers import osai
from mokg.importers.base import ImportContext

INDEX = TEST_DATA / "importers" / "osai" / "index"


def entries(result: osai.ImportResult) -> list[str]:
    """The models an import graded (one claims file each)."""
    prefix = f"claims/{osai.SOURCE_SLUG}/"
    return sorted(Path(path).stem for path in result.files if path.startswith(prefix))


def test_registered_as_osai():
    assert exporter("osai") is export_osai.export


def test_round_trip_of_the_importers_fixtures(curated, round_trip):
    first, second = round_trip(osai.read, [INDEX], curated, export_osai.export, entries)
    assert len(entries(first)) == 4
    assert second.problems == []
    before, after = triples_of(first), triples_of(second)
    assert set(after) == set(before)
    assert differences(before, after, sorted(after)) == {}


def test_round_trip_of_the_bundled_index(store, curated, bundled_files, tmp_path):
    """Every entry of the bundled graph, exported: importing the exports writes every file the Index's import wrote."""
    written = {f.relative: f.path for f in bundled_files if f.importer == "osai"}
    graded = sorted(Path(path).stem for path in written if path.startswith(f"claims/{osai.SOURCE_SLUG}/"))
    assert len(graded) > 100
    exported = write_exports((export_osai.export(store, slug, BASE) for slug in graded), tmp_path)
    again = osai.read(exported, ImportContext(curated, BASE))
    assert again.problems == []
    after = triples_of(again)
    assert set(after) == set(written)
    before = {path: file_triples(written[path]) for path in after}
    assert differences(before, after, sorted(after)) == {}


def test_an_entry_has_the_structure_of_the_indexs_files(store):
    exported = export_osai.export(store, "pythia-chat-base-7b", BASE)
    original = yaml.safe_load((INDEX / "pythia.yaml").read_text(encoding="utf-8"))
    assert list(exported.document) == list(original)
    assert list(exported.document["system"]) == list(original["system"])
    assert list(exported.document["org"]) == list(original["org"])
    assert all(set(exported.document[d.key]) == {"class", "link", "notes"} for d in osai.GRADED_DIMENSIONS)
    assert exported.file_name.endswith(".yaml")


def test_the_indexs_grades_notes_and_links_come_back(store):
    document = export_osai.export(store, "pythia-chat-base-7b", BASE).document
    assert document["datasheet"]["class"] == "partial"
    assert document["datasheet"]["notes"] == "Only end model dataset documented."
    assert document["datasheet"]["link"] == [
        "https://huggingface.co/datasets/EleutherAI/the_pile_deduplicated",
        "https://github.com/togethercomputer/OpenDataHub",
    ]
    assert document["licenses"]["class"] == "open"  # no claim: from the summary of the Index's score
    assert document["system"]["basemodelname"] == "Pythia-6.9B"
    assert document["system"]["endmodelname"] == "Pythia-Chat-Base-7B"


# --- what is exported, and from where ------------------------------------------------------------------------


UNKNOWN = Licensing(status="NoAssertion")


def facts(*components: Component, claims=(), licence=UNKNOWN, **fields) -> ModelFacts:
    return ModelFacts(
        iri=f"{BASE}model/m",
        slug="m",
        label="M 7B",
        description=fields.get("description"),
        creator=Organization(f"{BASE}org/lab", "Lab", "https://lab.example/", "A lab."),
        issued=fields.get("issued"),
        architecture=None,
        hugging_face=fields.get("hugging_face"),
        homepage=fields.get("homepage"),
        licensing=licence,
        bases=fields.get("bases", ()),
        components=components,
        claims={osai.SOURCE_SLUG: tuple(claims)},
    )


def part(type_local: str, availability: str, location: str | None = None) -> Component:
    return Component(f"{BASE}model/m#{type_local}", (type_local,), availability, Licensing(), location)


def test_a_model_the_index_does_not_list_is_graded_from_its_artifacts_where_the_importer_maps_them():
    document = export_osai.entry(
        facts(
            part("ModelParametersFinal", "DirectDownload", "https://huggingface.co/lab/m-7b"),
            part("PreTrainingData", "NotPubliclyAvailable"),
            part("TrainingCode", "Registration", "https://github.com/lab/m"),
            part("ResearchPaper", "DirectDownload", "https://arxiv.org/abs/0000.00000"),
            bases=((f"{BASE}model/b", "B 7B"),),
            issued="2024-10",
            homepage="https://lab.example/m",
        )
    )
    assert document["weights_endmodel"] == {"class": "open", "link": "https://huggingface.co/lab/m-7b", "notes": None}
    assert document["datasources_basemodel"]["class"] == "closed"
    assert document["trainingcode"]["class"] == "partial"
    # A document's grade is the Index's curators' to give: its link only.
    assert document["paper"] == {"class": None, "link": "https://arxiv.org/abs/0000.00000", "notes": None}
    assert document["licenses"]["class"] is None
    assert document["system"] | {} == {
        "name": "M 7B",
        "link": "https://lab.example/m",
        "type": None,
        "performanceclass": None,
        "basemodelname": "B 7B",
        "endmodelname": "M 7B",
        "endmodellicense": None,
        "releasedate": "2024-10",
        "notes": None,
    }
    assert document["org"] == {"name": "Lab", "link": "https://lab.example/", "notes": "A lab."}


def test_a_listed_model_keeps_the_indexs_grades_only():
    score = Claim(
        iri=f"{BASE}claim/osai-index/m/score",
        about=f"{BASE}model/m",
        about_label=None,
        component_type=None,
        level=None,
        claimed=None,
        row=None,
        grade=None,
        motivation=None,
        mof_class=None,
        score="0.5",
        label="European Open Source AI Index score of M-7B",
        description="… graded dimensions: datasources_basemodel missing, licenses partial.",
    )
    document = export_osai.entry(facts(part("ModelParametersFinal", "DirectDownload"), claims=[score]))
    assert document["weights_endmodel"]["class"] is None  # not graded by the Index: left to it
    assert document["licenses"]["class"] == "partial"
    assert document["system"]["endmodelname"] == "M-7B"  # the Index's name, from its score


@pytest.mark.parametrize(
    ("licensing", "written"),
    [
        (Licensing("http://spdx.org/licenses/Apache-2.0", "Apache-2.0", "Apache License 2.0"), "Apache-2.0"),
        (Licensing(f"{BASE}license/llama-2-community", "llama-2-community", "Llama 2 Community License"), None),
        (Licensing(status="NoAssertion"), None),
        (Licensing(status="NoAssertion", statement="Purposely left ambiguous"), "Purposely left ambiguous"),
        (Licensing(status="NoLicense"), "No licence stated"),
    ],
)
def test_the_licence_as_the_index_writes_it(licensing, written):
    expected = written if written or licensing.licence is None else licensing.label
    assert export_osai.entry(facts(licence=licensing))["system"]["endmodellicense"] == expected


def test_cli_writes_an_entry(capsys, tmp_path):
    assert main(["export", "osai", "tiny-model", "--root", str(TINY_ROOT)]) == 0
    assert set(yaml.safe_load(capsys.readouterr().out)) >= {"system", "org", "weights_endmodel", "licenses"}
    assert main(["export", "osai", "tiny-model", "--root", str(TINY_ROOT), "--output", str(tmp_path)]) == 0
    assert [p.suffix for p in tmp_path.iterdir()] == [".yaml"]
    assert main(["export", "osai", "no-such-model", "--root", str(TINY_ROOT)]) == 2
    assert "no model 'no-such-model' in mokg" in capsys.readouterr().err
