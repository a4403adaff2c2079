"""What the exporters share: licences as text, a model's facts read in a few queries, YAML as sources write it."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml
from conftest import BASE

from mokg.citation import UnknownRecord
from mokg.exporters.base import (
    ABSENCE_WORDS,
    NO_ASSERTION,
    NO_LICENSE,
    Licensing,
    broader_types,
    file_name,
    licence_text,
    model_iri,
    read_model,
    read_models,
    to_yaml,
)
from mokg.importers import mot, osai

SPDX = "http://spdx.org/licenses/"


@pytest.mark.parametrize(
    ("licensing", "tool", "index"),
    [
        (Licensing(f"{SPDX}Apache-2.0", "Apache-2.0", "Apache License 2.0"), "Apache-2.0", "Apache-2.0"),
        (
            Licensing(f"{BASE}license/llama-2-community", "llama-2-community", "Llama 2 Community License"),
            "Llama 2 Community License",
            "Llama 2 Community License",
        ),
        (Licensing(status="NoLicense"), "unlicensed", "No licence stated"),
        (Licensing(status="NoAssertion"), "Undisclosed", ""),
        (Licensing(status="NoAssertion", statement="Component not included"), *["Component not included"] * 2),
        (Licensing(), "Undisclosed", ""),  # nothing recorded: no assertion either
        # The marker licence records of older data are the same absences.
        (Licensing(f"{BASE}license/no-licence-stated", "no-licence-stated", "No licence stated"), "unlicensed", None),
        (Licensing(f"{BASE}license/undisclosed", "undisclosed", "Undisclosed terms"), "Undisclosed", ""),
        (Licensing(f"{BASE}license/not-recorded", "not-recorded", "Licence not recorded"), "Undisclosed", ""),
    ],
)
def test_licence_text(licensing, tool, index):
    assert licence_text(licensing, "mot") == tool
    assert licence_text(licensing, "osai") == (index if index is not None else "No licence stated")


def test_every_format_writes_both_absences():
    assert {fmt: set(words) for fmt, words in ABSENCE_WORDS.items()} == {
        "mot": {NO_LICENSE, NO_ASSERTION},
        "osai": {NO_LICENSE, NO_ASSERTION},
    }


def test_the_words_read_back_as_the_same_absence():
    """What each format writes for an absence, its importer reads as that absence (no licence record)."""
    from mokg.importers.licensing import licence_status

    assert licence_status(ABSENCE_WORDS["mot"][NO_ASSERTION]).value.endswith("#NoAssertion")
    assert licence_status(ABSENCE_WORDS["osai"][NO_LICENSE]).value.endswith("#NoLicense")
    assert licence_status(ABSENCE_WORDS["osai"][NO_ASSERTION]).value.endswith("#NoAssertion")
    assert ABSENCE_WORDS["mot"][NO_LICENSE] in mot.UNLICENSED  # the Tool's own word: no licence, no fallback


def test_read_models_reads_many_models_as_one(store):
    iris = [model_iri(store, slug, BASE) for slug in ("aquila-7b", "olmo-7b", "pythia-chat-base-7b")]
    together = read_models(store, iris, BASE, [mot.SOURCE_SLUG, osai.SOURCE_SLUG])
    alone = [read_models(store, [iri], BASE, [mot.SOURCE_SLUG, osai.SOURCE_SLUG])[0] for iri in iris]
    assert together == alone
    assert [facts.slug for facts in together] == ["aquila-7b", "olmo-7b", "pythia-chat-base-7b"]
    assert read_models(store, [], BASE) == []


def test_a_models_facts(store):
    facts = read_model(store, "aquila-7b", BASE, [mot.SOURCE_SLUG])
    assert (facts.label, facts.issued) == ("Aquila-7B", "2024-10-03")
    assert "BAAI" in facts.creator.label
    assert {c.types for c in facts.components} >= {("ModelArchitecture",), ("ModelParametersFinal",)}
    claims = facts.claims[mot.SOURCE_SLUG]
    assert claims and all(c.iri.startswith(f"{BASE}claim/{mot.SOURCE_SLUG}/aquila-7b/") for c in claims)
    assert facts.claims.keys() == {mot.SOURCE_SLUG}


def test_the_indexs_claims_filed_under_a_model_include_its_claim_about_the_base(store):
    facts = read_model(store, "pythia-chat-base-7b", BASE, [osai.SOURCE_SLUG])
    (base_weights,) = [c for c in facts.claims[osai.SOURCE_SLUG] if c.row == "weights_basemodel"]
    assert base_weights.about != facts.iri and base_weights.about_label == "Pythia-6.9B"
    assert facts.matched(osai.SOURCE_SLUG).entry == "Pythia-Chat-Base-7B"
    assert facts.matched(osai.SOURCE_SLUG, base=True).entry == "Pythia-6.9B"


def test_an_unknown_model(store):
    with pytest.raises(UnknownRecord, match="no model 'nothing-here' in mokg") as raised:
        model_iri(store, "nothing-here", BASE)
    assert (raised.value.exit_code, raised.value.http_status) == (2, 404)


def test_the_file_name_is_the_sources_else_the_entrys(store):
    facts = read_model(store, "aquila-7b", BASE, [mot.SOURCE_SLUG])
    assert file_name(facts, mot.SOURCE_SLUG, "ignored", ".yml") == "Aquila-7B.yml"  # the file its import read
    unlisted = replace(facts, claims={})
    assert file_name(unlisted, mot.SOURCE_SLUG, "Aquila 7B/chat", ".yml") == "Aquila 7B-chat.yml"


def test_broader_types_come_from_the_ontology(store):
    broader = broader_types(store)
    assert broader["PreTrainingData"] == broader["FineTuningData"] == "Datasets"
    assert broader["Hyperparameters"] == "ModelMetadata"


def test_yaml_as_the_sources_write_it():
    document = {"b": {"date": "2024-10-03", "version": "1.0", "empty": None, "list": [{"name": "x"}]}, "a": {}}
    text = to_yaml(document)
    assert text == ("b:\n  date: '2024-10-03'\n  version: '1.0'\n  empty:\n  list:\n    - name: x\na: {}\n")
    assert yaml.safe_load(text) == document
    assert to_yaml({"notes": "Ünïcode “quotes”"}) == "notes: Ünïcode “quotes”\n"
