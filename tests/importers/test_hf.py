"""The Hugging Face model card importer: licences, lineage, data, evaluations, bad input, writing, CLI."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, TEST_DATA

from mokg.cli import main
from mokg.config import Settings
from mokg.importers import importer
from mokg.importers.base import GENERATED_MARK, ImportContext, ImportResult, write
from mokg.importers.hf import HUB_LICENSES, SOURCE_SLUG, read
from mokg.loader import SourceFile, load_files
from mokg.store import EmbeddedStore
from mokg.validation import check_files

FIXTURES = TEST_DATA / "importers" / "hf"
CARDS = FIXTURES / "cards"
BAD = FIXTURES / "bad"

MOKG = "https://w3id.org/mokg/ontology#"
SPDX = "http://spdx.org/licenses/"
DCT = "http://purl.org/dc/terms/"
HEADER = f"{GENERATED_MARK} hf` (test)"


def m(local: str) -> ox.NamedNode:
    return ox.NamedNode(MOKG + local)


def node(relative: str) -> ox.NamedNode:
    return ox.NamedNode(relative if relative.startswith("http") else BASE + relative)


def run(store: EmbeddedStore, *paths: Path) -> ImportResult:
    return read(list(paths), ImportContext(store, BASE))


def triples(result: ImportResult) -> set[ox.Triple]:
    return {triple for file in result.files.values() for triple in file}


def objects(result: ImportResult, subject: str, predicate: ox.NamedNode) -> set:
    return {t.object for t in triples(result) if t.subject == node(subject) and t.predicate == predicate}


def value(result: ImportResult, subject: str, predicate: ox.NamedNode):
    (found,) = objects(result, subject, predicate)
    return found


def card(folder: Path, hf_id: str, front: str, body: str = "A test card.\n") -> Path:
    """Write a card ``org__name/README.md`` under ``folder``."""
    target = folder / hf_id.replace("/", "__") / "README.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"---\n{front.strip()}\n---\n\n{body}", encoding="utf-8")
    return target


def claim_of(result: ImportResult, slug: str) -> str:
    return f"claim/{SOURCE_SLUG}/{slug}/weights"


@pytest.fixture(scope="module")
def cards(store: EmbeddedStore) -> ImportResult:
    """The good fixture cards, read once."""
    result = run(store, CARDS)
    assert result.problems == []
    return result


# --- registry --------------------------------------------------------------------------------


def test_registered_as_hf() -> None:
    assert importer("hf") is read


# --- licences --------------------------------------------------------------------------------

LICENCES = [
    # (Hub id, licence IRI, file written (None: the store has it), claim level)
    ("apache-2.0", f"{SPDX}Apache-2.0", None, 4),
    ("MIT", f"{SPDX}MIT", None, 4),
    ("cc-by-4.0", f"{SPDX}CC-BY-4.0", None, 4),
    ("cc-by-sa-4.0", f"{SPDX}CC-BY-SA-4.0", "licenses/CC-BY-SA-4.0.ttl", 4),
    ("gpl-3.0", f"{SPDX}GPL-3.0-only", None, 4),
    ("bsd-3-clause", f"{SPDX}BSD-3-Clause", "licenses/BSD-3-Clause.ttl", 4),
    ("cc-by-nc-4.0", f"{SPDX}CC-BY-NC-4.0", None, 2),
    ("cc-by-nc-sa-3.0", f"{SPDX}CC-BY-NC-SA-3.0", "licenses/CC-BY-NC-SA-3.0.ttl", 2),
    ("llama2", f"{BASE}license/llama-2-community", None, 3),
    ("llama3", f"{BASE}license/llama-3-community", None, 3),
    ("llama3.1", f"{BASE}license/llama-3.1-community", None, 3),
    ("llama3.2", f"{BASE}license/llama-3.2-community", None, 3),
    ("llama3.3", f"{BASE}license/llama-3.3-community", None, 3),
    ("gemma", f"{BASE}license/gemma-terms", None, 3),
    ("openrail", f"{BASE}license/openrail", None, 3),
    ("openrail++", f"{BASE}license/openrail-plus-plus-m", None, 3),
    ("bigscience-openrail-m", f"{BASE}license/bigscience-openrail-m", None, 3),
    ("creativeml-openrail-m", f"{BASE}license/creativeml-openrail-m", None, 3),
    ("bigscience-bloom-rail-1.0", f"{BASE}license/bigscience-bloom-rail-1.0", None, 3),
    ("deepfloyd-if-license", f"{BASE}license/deepfloyd-if-license", "licenses/deepfloyd-if-license.ttl", 2),
]


@pytest.mark.parametrize(("hub_id", "iri", "file", "level"), LICENCES)
def test_licence_ids(store, tmp_path, hub_id, iri, file, level) -> None:
    card(tmp_path, "acme/licensed", f"license: {hub_id}")
    result = run(store, tmp_path)
    assert result.problems == []
    assert value(result, "model/licensed", ox.NamedNode(DCT + "license")) == node(iri)
    assert value(result, "model/licensed#weights", ox.NamedNode(DCT + "license")) == node(iri)
    claim = claim_of(result, "licensed")
    assert value(result, claim, m("claimedLicense")) == node(iri)
    assert value(result, claim, m("opennessLevel")) == m(f"Level{level}")
    assert value(result, claim, m("motivation")).value == f"Hugging Face model card declares license: {hub_id}"
    licence_files = sorted(path for path in result.files if path.startswith("licenses/"))
    assert licence_files == ([file] if file else [])


def test_an_unknown_licence_is_a_licence_status_not_a_licence(store, tmp_path) -> None:
    """``license: unknown`` names no licence: the status NoAssertion, the card's word kept, no claimed licence."""
    card(tmp_path, "acme/licensed", "license: unknown")
    result = run(store, tmp_path)
    assert result.problems == []
    for subject in ("model/licensed", "model/licensed#weights"):
        assert not objects(result, subject, ox.NamedNode(DCT + "license"))
        assert value(result, subject, m("licenseStatus")) == m("NoAssertion")
        assert value(result, subject, m("licenseStatement")).value == "unknown"
    claim = claim_of(result, "licensed")
    assert not objects(result, claim, m("claimedLicense"))
    assert value(result, claim, m("opennessLevel")) == m("Level1")
    assert not [path for path in result.files if path.startswith("licenses/")]


def test_licence_facts(store, tmp_path) -> None:
    """The facts of created licences: OSI, open data, non-commercial and community licences."""
    for hub_id in ("bsd-3-clause", "cc-by-sa-4.0", "cc-by-nc-sa-3.0"):
        card(tmp_path, f"acme/{hub_id.replace('.', '-')}", f"license: {hub_id}")
    result = run(store, tmp_path)

    def facts(iri: str) -> dict[str, str]:
        return {
            name: value(result, iri, m(name)).value
            for name in ("osiApproved", "openData", "commercialUseAllowed", "researchOnly", "licenseCategory")
        }

    assert facts(f"{SPDX}BSD-3-Clause") == {
        "osiApproved": "true",
        "openData": "false",
        "commercialUseAllowed": "true",
        "researchOnly": "false",
        "licenseCategory": MOKG + "PermissiveLicense",
    }
    assert facts(f"{SPDX}CC-BY-SA-4.0")["openData"] == "true"
    assert facts(f"{SPDX}CC-BY-SA-4.0")["licenseCategory"] == MOKG + "OpenDataLicense"
    assert facts(f"{SPDX}CC-BY-NC-SA-3.0") | {} == {
        "osiApproved": "false",
        "openData": "false",
        "commercialUseAllowed": "false",
        "researchOnly": "true",
        "licenseCategory": MOKG + "NonCommercialLicense",
    }


def test_every_hub_licence_conforms(curated_root, store, tmp_path) -> None:
    """One card per Hub licence id: every licence record written passes the shapes."""
    cards_dir, out = tmp_path / "cards", tmp_path / "out"
    for number, hub_id in enumerate(sorted(HUB_LICENSES)):
        card(cards_dir, f"acme/model-{number}", f"license: {hub_id}")
    result = run(store, cards_dir)
    assert result.problems == []
    assert len([p for p in result.files if p.startswith("claims/")]) == len(HUB_LICENSES)
    changed = write(result, out, BASE, HEADER)
    report = check_files(Settings(root=curated_root), [out / path for path in changed])
    assert report.facts_conform, [f.message for f in report.findings if f.severity == "Violation"]


def test_other_licence_from_license_name(cards) -> None:
    licence = "license/acme-model-license-1-0"
    assert value(cards, "model/tiny-chat", ox.NamedNode(DCT + "license")) == node(licence)
    assert value(cards, licence, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")).value == (
        "Acme Model License 1.0"
    )
    # A relative license_link points into the model's repository.
    assert value(cards, licence, ox.NamedNode("http://xmlns.com/foaf/0.1/homepage")) == node(
        "https://huggingface.co/acme/tiny-chat/blob/main/LICENSE"
    )
    assert value(cards, licence, m("licenseCategory")) == m("ProprietaryLicense")
    for name in ("osiApproved", "openData", "commercialUseAllowed", "researchOnly"):
        assert value(cards, licence, m(name)).value == "false"
    claim = claim_of(cards, "tiny-chat")
    assert value(cards, claim, m("opennessLevel")) == m("Level1")
    assert value(cards, claim, m("levelLabel")).value == "Published research only"
    assert "license_name: Acme Model License 1.0" in value(cards, claim, m("motivation")).value


def test_other_licence_absolute_link(store, tmp_path) -> None:
    card(
        tmp_path,
        "acme/linked",
        "license: other\nlicense_name: coqui-public-model-license\nlicense_link: https://coqui.ai/cpml",
    )
    result = run(store, tmp_path)
    assert value(result, "license/coqui-public-model-license", ox.NamedNode("http://xmlns.com/foaf/0.1/homepage")) == (
        node("https://coqui.ai/cpml")
    )


def test_unknown_licence_reported_and_card_skipped(store) -> None:
    result = run(store, BAD / "acme__unknown-licence")
    shown = str(BAD / "acme__unknown-licence" / "README.md")
    assert [(p.path, p.key, p.message) for p in result.problems] == [
        (shown, "license", f"unknown licence id 'apache2' in {shown}:license; card skipped")
    ]
    assert result.files == {}


def test_llama2_uses_the_curated_licence(cards) -> None:
    claim = claim_of(cards, "llama-2-7b")
    assert value(cards, claim, m("aboutModel")) == node("model/llama-2-7b")
    assert value(cards, claim, m("claimedLicense")) == node("license/llama-2-community")
    assert value(cards, claim, m("opennessLevel")) == m("Level3")
    assert value(cards, claim, m("levelLabel")).value == "Open with limitations"
    assert "licenses/llama-2-community.ttl" not in cards.files


# --- models: existing and new -----------------------------------------------------------------


def test_existing_model_gets_only_a_claim(cards) -> None:
    hows = {(match.source, match.iri.removeprefix(BASE), match.how) for match in cards.matches}
    assert ("Mistral-7B-v0.1", "model/mistral-7b", "hf-id") in hows
    assert ("bloom", "model/bloom", "hf-id") in hows
    for slug in ("mistral-7b", "llama-2-7b", "bloom"):
        assert f"models/{slug}.ttl" not in cards.files
        assert f"claims/{SOURCE_SLUG}/{slug}.ttl" in cards.files
    claim = claim_of(cards, "mistral-7b")
    assert value(cards, claim, m("componentType")) == m("ModelParametersFinal")
    assert value(cards, claim, m("opennessLevel")) == m("Level4")
    assert value(cards, claim, m("levelLabel")).value == "Access and reuse without restriction"
    assert value(cards, claim, m("claimedLicense")) == node(f"{SPDX}Apache-2.0")
    assert value(cards, claim, ox.NamedNode("http://www.w3.org/ns/prov#wasQuotedFrom")) == node(f"source/{SOURCE_SLUG}")


def test_new_model_record(cards) -> None:
    model = "model/tiny-chat"
    assert value(cards, model, ox.NamedNode(DCT + "creator")) == node("org/acme")
    assert value(cards, model, ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")) == node(
        "https://huggingface.co/acme/tiny-chat"
    )
    assert value(cards, model, ox.NamedNode(DCT + "source")) == node(f"source/{SOURCE_SLUG}")
    assert objects(cards, model, m("hasComponent")) == {
        node(f"{model}#weights"),
        node(f"{model}#model-card"),
        node(f"{model}#evaluation-results"),
    }
    weights = f"{model}#weights"
    assert value(cards, weights, m("componentType")) == m("ModelParametersFinal")
    assert value(cards, weights, m("location")) == node("https://huggingface.co/acme/tiny-chat")
    assert value(cards, weights, m("availability")) == m("DirectDownload")
    assert "organizations/acme.ttl" in cards.files
    # Hub orgs already in the graph are reused: google (gemma-2b's org) is not written again.
    assert value(cards, "model/gemma-2b", ox.NamedNode(DCT + "creator")) == node("org/google")
    assert "organizations/google.ttl" not in cards.files


def test_language_tags_and_pipeline(cards) -> None:
    model = "model/tiny-chat"
    assert {o.value for o in objects(cards, model, ox.NamedNode(DCT + "language"))} == {"en", "fr", "no"}
    assert {o.value for o in objects(cards, model, ox.NamedNode(DCT + "subject"))} == {
        "chat",
        "trl",
        "text-generation",
    }


def test_same_name_other_repository_is_a_new_model(store, tmp_path) -> None:
    """A fork named like a curated model (which has another Hub id) is not that model."""
    card(tmp_path, "someone/zephyr-7b-beta", "license: mit")
    result = run(store, tmp_path)
    assert [(match.iri.removeprefix(BASE), match.how) for match in result.matches] == [
        ("model/someone-zephyr-7b-beta", "new")
    ]
    assert "models/someone-zephyr-7b-beta.ttl" in result.files
    assert "models/zephyr-7b-beta.ttl" not in result.files


def test_model_id_key_wins_over_the_folder(store, tmp_path) -> None:
    card(tmp_path, "ignored/folder-name", "license: mit\nmodel_id: acme/from-key")
    result = run(store, tmp_path)
    assert value(result, "model/from-key", ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")) == node(
        "https://huggingface.co/acme/from-key"
    )


@pytest.mark.parametrize(
    ("front", "availability", "level"),
    [
        ("license: apache-2.0", "DirectDownload", 4),
        ('license: apache-2.0\ngated: "true"', "Clickthrough", 4),
        ("license: apache-2.0\nextra_gated_prompt: Agree to share your contact information.", "Clickthrough", 4),
        ("license: apache-2.0\ngated: manual", "Registration", 3),
    ],
)
def test_gated_access(store, tmp_path, front, availability, level) -> None:
    card(tmp_path, "acme/gated", front)
    result = run(store, tmp_path)
    assert value(result, "model/gated#weights", m("availability")) == m(availability)
    assert value(result, claim_of(result, "gated"), m("opennessLevel")) == m(f"Level{level}")


# --- base models and relations ----------------------------------------------------------------


def test_finetune_of_an_existing_base(cards) -> None:
    assert value(cards, "model/tiny-chat", m("finetunedFrom")) == node("model/mistral-7b")


def test_list_of_base_models_is_a_merge(cards) -> None:
    assert objects(cards, "model/tiny-merge", m("mergedFrom")) == {
        node("model/mistral-7b"),
        node("model/zephyr-7b-beta"),
    }


def test_adapter_from_library_name_peft(cards) -> None:
    assert value(cards, "model/tiny-chat-lora", m("adapterOf")) == node("model/tiny-chat")


def test_adapter_from_adapter_config_file(cards) -> None:
    assert value(cards, "model/folder-adapter", m("adapterOf")) == node("model/gemma-2b")


def test_quantized_from_gguf_tag(cards) -> None:
    assert value(cards, "model/tiny-chat-gguf", m("quantizedFrom")) == node("model/tiny-chat")


@pytest.mark.parametrize(
    ("hf_id", "front", "relation"),
    [
        ("acme/q1", "quantized_by: acme", "quantizedFrom"),
        ("acme/q2-GPTQ", "tags: [text-generation]", "quantizedFrom"),
        ("acme/a1", "tags: [lora]", "adapterOf"),
        ("acme/m1", "tags: [merge]", "mergedFrom"),
        ("acme/f1", "tags: [chat]", "finetunedFrom"),
        ("acme/x1", "library_name: peft\nbase_model_relation: quantized", "quantizedFrom"),
    ],
)
def test_relation_inference(store, tmp_path, hf_id, front, relation) -> None:
    card(tmp_path, hf_id, f"license: mit\nbase_model: mistralai/Mistral-7B-v0.1\n{front}")
    result = run(store, tmp_path)
    assert result.problems == []
    slug = hf_id.split("/")[1].lower()
    assert value(result, f"model/{slug}", m(relation)) == node("model/mistral-7b")


def test_explicit_relation_wins(cards) -> None:
    assert value(cards, "model/explicit", m("finetunedFrom")) == node("model/unknown-base")
    assert not objects(cards, "model/explicit", m("quantizedFrom"))


def test_unknown_relation_is_reported_and_inferred(store) -> None:
    result = run(store, BAD / "acme__bad-relation")
    assert [(p.key, p.message.split(" (")[0]) for p in result.problems] == [
        ("base_model_relation", "unknown relation 'distilled'")
    ]
    assert value(result, "model/bad-relation", m("finetunedFrom")) == node("model/mistral-7b")


def test_unknown_base_becomes_a_minimal_record(cards) -> None:
    base = "model/unknown-base"
    assert value(cards, base, ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")) == node(
        "https://huggingface.co/someorg/unknown-base"
    )
    assert value(cards, base, ox.NamedNode(DCT + "creator")) == node("org/someorg")
    assert not objects(cards, base, ox.NamedNode(DCT + "license"))
    assert value(cards, base, m("licenseStatus")) == m("NoAssertion")
    assert value(cards, f"{base}#weights", m("componentType")) == m("ModelParametersFinal")
    # No claim: the card of the base model was not read.
    assert f"claims/{SOURCE_SLUG}/unknown-base.ttl" not in cards.files


def test_base_with_its_own_card_gets_the_full_record(cards) -> None:
    """tiny-chat is both a card and the base of two others: one full record, reported as new."""
    assert objects(cards, "model/tiny-chat", m("finetunedOn"))
    assert {match.how for match in cards.matches if match.iri == BASE + "model/tiny-chat"} == {"new"}


# --- datasets and evaluation ------------------------------------------------------------------


def test_datasets_matched_by_landing_page_or_created(cards) -> None:
    assert objects(cards, "model/tiny-chat", m("finetunedOn")) == {
        node("dataset/databricks-dolly-15k"),
        node("dataset/new-instructions"),
    }
    assert "datasets/databricks-dolly-15k.ttl" not in cards.files
    dataset = "dataset/new-instructions"
    assert value(cards, dataset, ox.NamedNode("http://www.w3.org/ns/dcat#landingPage")) == node(
        "https://huggingface.co/datasets/acme/new-instructions"
    )
    assert value(cards, dataset, m("licenseStatus")) == m("NoAssertion")
    assert value(cards, dataset, m("availability")) == m("DirectDownload")
    assert value(cards, dataset, ox.NamedNode(DCT + "creator")) == node("org/acme")
    # An id without an org part that matches nothing is named, not lost.
    assert "not linked: imdb" in value(cards, "model/tiny-chat", ox.NamedNode(DCT + "description")).value


def test_datasets_without_base_model_are_training_data(cards) -> None:
    assert value(cards, "model/rail-model", m("trainedOn")) == node("dataset/new-instructions")
    assert not objects(cards, "model/rail-model", m("finetunedOn"))


def test_model_index_becomes_evaluation_results(cards) -> None:
    results = "model/tiny-chat#evaluation-results"
    assert value(cards, results, m("componentType")) == m("EvaluationResults")
    description = value(cards, results, ox.NamedNode(DCT + "description")).value
    assert "Text Generation on Acme held-out instructions (acme/new-instructions): accuracy = 61.5" in description
    assert "AI2 Reasoning Challenge (25-Shot) (ai2_arc): acc_norm = 55.2" in description
    # Only datasets with a Hub id that can be matched or created are linked.
    assert objects(cards, "model/tiny-chat", m("evaluatedOn")) == {node("dataset/new-instructions")}


def test_malformed_model_index_is_reported(store, tmp_path) -> None:
    card(tmp_path, "acme/evals", "license: mit\nmodel-index: not a list")
    result = run(store, tmp_path)
    assert [(p.key, p.message) for p in result.problems] == [
        ("model-index", "'model-index' must be a list of {name, results}; key skipped")
    ]
    assert "models/evals.ttl" in result.files


# --- input layouts ----------------------------------------------------------------------------


def test_layouts_of_a_folder(cards) -> None:
    assert "models/single-file.ttl" in cards.files  # org__name.md
    assert value(cards, "model/nested-model", ox.NamedNode(DCT + "creator")) == node("org/nested-org")  # org/name/


def test_single_files(store) -> None:
    single = run(store, CARDS / "acme__single-file.md")
    assert single.problems == []
    assert value(single, claim_of(single, "single-file"), m("claimedLicense")) == node(f"{SPDX}GPL-3.0-only")
    readme = run(store, CARDS / "acme__rail-model" / "README.md")
    assert readme.problems == []
    assert value(readme, "model/rail-model#weights", m("availability")) == m("Clickthrough")
    nested = run(store, CARDS / "nested-org" / "nested-model" / "README.md")
    assert "models/nested-model.ttl" in nested.files


def test_source_record(cards) -> None:
    source = f"source/{SOURCE_SLUG}"
    assert value(cards, source, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")).value == (
        "Hugging Face model cards"
    )
    assert value(cards, source, ox.NamedNode("http://xmlns.com/foaf/0.1/homepage")) == node(
        "https://huggingface.co/docs/hub/model-cards"
    )
    assert not objects(cards, source, ox.NamedNode(DCT + "license"))


# --- bad input --------------------------------------------------------------------------------


def test_bad_cards_are_problems(store) -> None:
    result = run(store, BAD)
    found = {(Path(p.path).parent.name, p.key): p.message for p in result.problems}
    assert found[("acme__malformed", None)].startswith("malformed YAML front matter (line 4)")
    assert found[("acme__no-front-matter", None)].startswith("no YAML front matter")
    assert found[("acme__missing-licence", "license")].startswith("missing required key 'license'")
    assert found[("acme__other-without-name", "license_name")] == (
        "'license: other' needs one 'license_name'; card skipped"
    )
    assert "unknown licence id 'apache2'" in found[("acme__unknown-licence", "license")]
    assert ("acme__bad-relation", "base_model_relation") in found
    assert found[("bad", "model_id")].startswith("cannot tell the model's Hub id")
    # Only the card whose problem concerns one key is imported.
    assert sorted(p for p in result.files if p.startswith("models/")) == ["models/bad-relation.ttl"]


def test_front_matter_that_is_not_a_mapping(store, tmp_path) -> None:
    target = tmp_path / "acme__listy" / "README.md"
    target.parent.mkdir()
    target.write_text("---\n- just\n- a list\n---\n")
    result = run(store, tmp_path)
    assert [p.message for p in result.problems] == [
        "malformed YAML front matter: it is not a mapping of keys to values"
    ]


def test_a_second_card_for_the_same_model(store, tmp_path) -> None:
    card(tmp_path, "acme/twice", "license: mit")
    (tmp_path / "acme__twice.md").write_text("---\nlicense: apache-2.0\n---\n")
    result = run(store, tmp_path)
    assert [p.message.split(" (")[0] for p in result.problems] == ["a second card for acme/twice"]
    assert value(result, claim_of(result, "twice"), m("claimedLicense")) == node(f"{SPDX}MIT")


# --- writing ----------------------------------------------------------------------------------


def test_write_is_idempotent_loads_and_conforms(curated_root, store, tmp_path) -> None:
    result = run(store, CARDS)
    changed = write(result, tmp_path, BASE, HEADER)
    assert sorted(changed) == sorted(result.files)
    assert f"claims/{SOURCE_SLUG}/mistral-7b.ttl" in changed
    written = [tmp_path / path for path in changed]
    assert all(path.read_text().startswith(GENERATED_MARK) for path in written)
    assert load_files([SourceFile(path, ox.NamedNode(BASE + "graph/test")) for path in written], BASE)
    report = check_files(Settings(root=curated_root), written)
    assert report.facts_conform, [f.message for f in report.findings if f.severity == "Violation"]
    # Same input, same files: a second import changes nothing.
    assert write(run(store, CARDS), tmp_path, BASE, HEADER) == []


def test_deterministic(store) -> None:
    first, second = run(store, CARDS), run(store, CARDS)
    assert {path: sorted(map(str, ts)) for path, ts in first.files.items()} == {
        path: sorted(map(str, ts)) for path, ts in second.files.items()
    }


# --- CLI --------------------------------------------------------------------------------------


def test_cli_imports_cards(curated_root, tmp_path, capsys) -> None:
    assert main(["import", "hf", "--root", str(curated_root), str(CARDS), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    matched = "model/bloom, model/llama-2-7b, model/mistral-7b, model/zephyr-7b-beta"
    assert f"matched by Hugging Face id: 4 ({matched})" in out
    assert (tmp_path / "models" / "tiny-chat.ttl").is_file()
    assert (tmp_path / "sources" / f"{SOURCE_SLUG}.ttl").is_file()


def test_cli_exit_1_on_bad_cards(curated_root, tmp_path, capsys) -> None:
    assert main(["import", "hf", "--root", str(curated_root), str(BAD), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "malformed YAML front matter" in err
    assert "unknown licence id 'apache2'" in err


def test_cli_dry_run_writes_nothing(curated_root, tmp_path, capsys) -> None:
    single = str(CARDS / "acme__single-file.md")
    args = ["import", "hf", "--root", str(curated_root), single, "--out", str(tmp_path), "--dry-run"]
    assert main(args) == 0
    assert "would change" in capsys.readouterr().out
    assert not any(tmp_path.iterdir())
