"""SPDX 3.0.1 AI/Dataset export of model records."""

from __future__ import annotations

import copy
import importlib
import io
import json
from datetime import UTC, datetime

import pyoxigraph as ox
import pytest
from conftest import BASE

from mokg.citation import UnknownRecord
from mokg.loader import parse_bytes
from mokg.spdx import SPDX_CONTEXT, render_spdx, spdx_document
from mokg.store import EmbeddedStore

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
ZEPHYR = f"{BASE}model/zephyr-7b-beta"


def document(store: EmbeddedStore, slug: str) -> dict:
    return spdx_document(store, f"{BASE}model/{slug}", BASE, now=NOW)


def elements(doc: dict, kind: str | None = None) -> list[dict]:
    return [e for e in doc["@graph"] if e["type"] != "CreationInfo" and (kind is None or e["type"] == kind)]


def relationships(doc: dict, kind: str, source: str | None = None) -> list[dict]:
    return [
        r
        for r in elements(doc, "Relationship")
        if r["relationshipType"] == kind and (source is None or r["from"] == source)
    ]


def by_id(doc: dict) -> dict[str, dict]:
    return {e["spdxId"]: e for e in elements(doc)}


def models(store: EmbeddedStore) -> list[str]:
    return [row["m"].value for row in store.query("SELECT ?m WHERE { ?m a mokg:Model } ORDER BY ?m")]


@pytest.fixture(scope="module")
def zephyr(store: EmbeddedStore) -> dict:
    return document(store, "zephyr-7b-beta")


def test_document_is_spdx_3_0_1_json_ld(zephyr: dict):
    assert json.loads(render_spdx(zephyr)) == zephyr
    assert zephyr["@context"] == SPDX_CONTEXT
    creation = [e for e in zephyr["@graph"] if e["type"] == "CreationInfo"]
    assert len(creation) == 1
    info = creation[0]
    assert (
        info["@id"] == "_:creationinfo" and info["specVersion"] == "3.0.1" and info["created"] == "2025-01-02T03:04:05Z"
    )
    ids = by_id(zephyr)
    assert ids[info["createdBy"][0]]["type"] == "Organization" and ids[info["createdUsing"][0]]["type"] == "Tool"


def test_every_element_has_an_id_a_type_and_the_creation_info(zephyr: dict):
    ids = [e["spdxId"] for e in elements(zephyr)]
    assert len(ids) == len(set(ids)), "spdxIds are unique"
    for element in elements(zephyr):
        assert element["type"] and element["spdxId"].startswith("https://")
        assert element["creationInfo"] == "_:creationinfo"


def test_the_document_lists_its_elements_and_roots_at_the_model(zephyr: dict):
    (spdx_document_element,) = elements(zephyr, "SpdxDocument")
    ids = by_id(zephyr)
    assert spdx_document_element["rootElement"] == [f"{ZEPHYR}#spdx"]
    assert set(spdx_document_element["element"]) == set(ids) - {spdx_document_element["spdxId"]}
    assert {"core", "software", "simpleLicensing", "expandedLicensing"} <= set(
        spdx_document_element["profileConformance"]
    )
    assert ids[spdx_document_element["dataLicense"]]["simplelicensing_licenseExpression"] == "CC-BY-4.0"


def test_the_model_is_an_ai_package(zephyr: dict):
    model = by_id(zephyr)[f"{ZEPHYR}#spdx"]
    assert model["type"] == "ai_AIPackage" and model["name"] == "Zephyr-7B-beta"
    assert model["software_primaryPurpose"] == "model"
    assert model["software_downloadLocation"] == "https://huggingface.co/HuggingFaceH4/zephyr-7b-beta"
    assert model["ai_typeOfModel"] == ["decoder-only transformer (Mistral architecture)"]
    assert "UltraChat 200k" in model["ai_informationAboutTraining"] and "DPO" in model["ai_informationAboutTraining"]
    assert model["suppliedBy"] == f"{BASE}org/hugging-face#spdx"
    assert "releaseTime" not in model and "2023-10" in model["comment"], "the day is unknown: no invented date"
    assert any(ref["locator"] == [ZEPHYR] for ref in model["externalRef"])


def test_trained_on_points_to_the_models_datasets(store: EmbeddedStore):
    for model in models(store):
        doc = spdx_document(store, model, BASE, now=NOW)
        rows = store.query(f"SELECT ?d WHERE {{ <{model}> mokg:trainedOn|mokg:finetunedOn ?d }}")
        expected = {f"{row['d'].value}#spdx" for row in rows}
        trained = relationships(doc, "trainedOn", f"{model}#spdx")
        assert {target for r in trained for target in r["to"]} == expected, model
        ids = by_id(doc)
        assert all(ids[target]["type"] == "dataset_DatasetPackage" for target in expected)


def test_every_package_declares_exactly_one_licence_and_concludes_none(store: EmbeddedStore):
    for model in models(store):
        doc = spdx_document(store, model, BASE, now=NOW)
        for package in elements(doc, "ai_AIPackage") + elements(doc, "dataset_DatasetPackage"):
            declared = relationships(doc, "hasDeclaredLicense", package["spdxId"])
            concluded = relationships(doc, "hasConcludedLicense", package["spdxId"])
            assert len(declared) == 1 and len(concluded) == 1, package["spdxId"]
            assert concluded[0]["to"] == ["expandedlicensing_NoAssertionLicense"]


def test_licences_map_to_spdx_expressions_custom_licences_and_markers(store: EmbeddedStore):
    llama = document(store, "llama-2-7b")
    ids = by_id(llama)
    (declared,) = relationships(llama, "hasDeclaredLicense", f"{BASE}model/llama-2-7b#spdx")
    licence = ids[declared["to"][0]]
    assert licence["type"] == "expandedlicensing_CustomLicense" and licence["name"].startswith("Llama 2 Community")
    assert f"{BASE}license/llama-2-community" in licence["expandedlicensing_seeAlso"]
    assert licence["simplelicensing_licenseText"] and licence["expandedlicensing_isOsiApproved"] is False
    (data,) = relationships(llama, "hasDeclaredLicense", f"{BASE}dataset/llama-2-pretraining-data#spdx")
    assert data["to"] == ["expandedlicensing_NoAssertionLicense"], "undisclosed terms: no assertion"

    vicuna = document(store, "vicuna-13b")
    (sharegpt,) = relationships(vicuna, "hasDeclaredLicense", f"{BASE}dataset/sharegpt#spdx")
    assert sharegpt["to"] == ["expandedlicensing_NoneLicense"], "published without any licence"

    (mit,) = relationships(document(store, "zephyr-7b-beta"), "hasDeclaredLicense", f"{ZEPHYR}#spdx")
    assert mit["to"] == [f"{BASE}license/MIT#spdx"]


def test_base_models_are_ancestors(zephyr: dict):
    (ancestry,) = relationships(zephyr, "ancestorOf")
    assert ancestry["from"] == f"{BASE}model/mistral-7b#spdx" and ancestry["to"] == [f"{ZEPHYR}#spdx"]
    base = by_id(zephyr)[ancestry["from"]]
    assert base["type"] == "ai_AIPackage" and base["releaseTime"] == "2023-09-27T00:00:00Z"
    assert "finetunedFrom" in ancestry["comment"]


def test_dataset_availability_follows_mokg(store: EmbeddedStore):
    expected = {
        "DirectDownload": "directDownload",
        "Clickthrough": "clickthrough",
        "Registration": "registration",
        "ScrapingScript": "scrapingScript",
    }
    seen = set()
    for model in models(store):
        doc = spdx_document(store, model, BASE, now=NOW)
        for dataset in elements(doc, "dataset_DatasetPackage"):
            iri = dataset["spdxId"].removesuffix("#spdx")
            (row,) = store.query(f"SELECT ?a WHERE {{ <{iri}> mokg:availability ?a }}")
            availability = row["a"].value.rsplit("#", 1)[-1]
            assert dataset.get("dataset_datasetAvailability") == expected.get(availability), iri
            assert dataset["dataset_datasetType"] == ["noAssertion"]
            seen.add(availability)
    assert {"DirectDownload", "NotPubliclyAvailable"} <= seen


def test_evaluation_data_is_tested_on_and_a_model_without_licence_declares_no_assertion():
    turtle = b"""
    @prefix mokg: <https://w3id.org/mokg/ontology#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <model/tiny> a mokg:Model ; rdfs:label "Tiny" ; mokg:evaluatedOn <dataset/bench> .
    <dataset/bench> a mokg:Dataset ; rdfs:label "Bench" ; mokg:availability mokg:Registration .
    """
    store = EmbeddedStore()
    store.replace(parse_bytes(turtle, ox.RdfFormat.TURTLE, BASE, ox.NamedNode(f"{BASE}graph/tiny"), name="tiny"))
    doc = spdx_document(store, f"{BASE}model/tiny", BASE, now=NOW)
    (tested,) = relationships(doc, "testedOn")
    assert tested["to"] == [f"{BASE}dataset/bench#spdx"]
    assert relationships(doc, "trainedOn") == []
    (declared,) = relationships(doc, "hasDeclaredLicense", f"{BASE}model/tiny#spdx")
    assert declared["to"] == ["expandedlicensing_NoAssertionLicense"]
    assert by_id(doc)[f"{BASE}dataset/bench#spdx"]["dataset_datasetAvailability"] == "registration"


@pytest.mark.parametrize("iri", [f"{BASE}model/no-such-model", f"{BASE}dataset/c4", "http://example.org/x"])
def test_unknown_models_are_404(store: EmbeddedStore, iri: str):
    with pytest.raises(UnknownRecord) as caught:
        spdx_document(store, iri, BASE)
    assert caught.value.http_status == 404


def test_canonical_rendering(zephyr: dict):
    canonical = render_spdx(zephyr, canonical=True)
    assert b"\n" not in canonical and b'", "' not in canonical
    assert json.loads(canonical) == zephyr
    assert canonical == json.dumps(zephyr, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_same_input_same_document(store: EmbeddedStore, zephyr: dict):
    assert render_spdx(document(store, "zephyr-7b-beta")) == render_spdx(zephyr)


# --------------------------------------------------------------------------------------------
# Validation with the SPDX project's own Python bindings (generated from the SPDX 3.0.1 SHACL
# model): unknown properties, wrong types, bad enumeration values and missing required
# properties are errors. Skipped when spdx-python-model is not installed.
# --------------------------------------------------------------------------------------------


def validate(doc: dict) -> None:
    """Load ``doc`` with the SPDX 3.0.1 bindings and write it back (writing checks cardinalities)."""
    spdx_python_model = importlib.import_module("spdx_python_model")
    model, objects = spdx_python_model.load_data(copy.deepcopy(doc))
    assert model.__name__.endswith("v3_0_1")
    model.JSONLDSerializer().write(objects, io.BytesIO())


def test_every_model_validates_against_spdx_3_0_1(store: EmbeddedStore):
    for model in models(store):
        validate(spdx_document(store, model, BASE, now=NOW))


@pytest.mark.parametrize(
    "break_it",
    [
        lambda doc: elements(doc, "Relationship")[0].update(relationshipType="trainedBy"),
        lambda doc: elements(doc, "ai_AIPackage")[0].update(ai_typeOfModels=["x"]),
        lambda doc: doc["@graph"][0].update(created="2025-01-02"),
        lambda doc: doc["@graph"][0].pop("createdBy"),
    ],
    ids=["bad relationship type", "unknown property", "bad date", "missing createdBy"],
)
def test_the_validator_catches_broken_documents(zephyr: dict, break_it):
    broken = copy.deepcopy(zephyr)
    break_it(broken)
    with pytest.raises((ValueError, KeyError, TypeError)):
        validate(broken)
