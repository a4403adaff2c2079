"""Which names name one model: matching keys, contradictions, candidate duplicates and `mokg duplicates`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, REPO

from mokg.cli import main
from mokg.identity import candidate_duplicates, contradicts, name_key, tokens, word_key
from mokg.store import EmbeddedStore

META = [("meta",), ("meta", "ai")]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Llama-2 7B", "llama 2 7b"),
        ("Qwen2.5-72B-Instruct", "qwen2.5 72b instruct"),
        ("Falcon 40B (v2)", "falcon-40b-v2"),
    ],
)
def test_a_name_is_its_letters_and_digits(one: str, other: str):
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Llama 2 70B Chat", "llama-2-chat-70b"),
        ("Meta-Llama-3-70B", "Llama 3 70B"),
        ("Meta AI Llama 3 8B", "llama-3-8b"),
        ("vicuna-13b-v1.5", "Vicuna 13B 1.5"),
        ("OLMo-7B-hf", "OLMo 7B"),
    ],
)
def test_the_same_words_in_any_order_name_one_model(one: str, other: str):
    assert word_key(one, META) == word_key(other, META)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Command-R+", "Command-R"),
        ("Llama 2 7B", "Llama 2 70B"),
        ("Llama 2 7B", "Llama 2 7B Chat"),
        ("Phi 3 mini 4k", "Phi 4 mini 3k"),
        ("Mistral 7B Instruct", "Mistral 7B"),
        ("Meta Llama 3 8B", "Llama 3.1 8B"),
    ],
)
def test_what_tells_models_apart_stays(one: str, other: str):
    assert name_key(one) != name_key(other)
    assert word_key(one, META) != word_key(other, META)


def test_the_organization_is_dropped_only_when_a_word_remains():
    qwen = [("qwen",)]
    assert word_key("Qwen 2.5 72B", qwen) == "2.5 72b qwen", "'2.5 72B' would name nothing"
    assert word_key("Qwen Chat 7B", qwen) == "7b chat"
    assert tokens("Command-R+") == ["command", "r", "plus"]


@pytest.mark.parametrize(
    ("one", "other", "contradiction"),
    [
        ("Qwen2.5-32B-Instruct", "Qwen2.5-72B-Instruct", True),
        ("OLMo 7B 0424", "OLMo-7B", False),
        ("OLMo-7B", "OLMo", False),
        ("Granite-4.1", "Granite-4-1", False),
        ("Olmo-3.1-7B-RL-Zero-Code", "Olmo 3 RL-Zero Code", False),
        ("T5X", "T5", False),
        ("CodeT5+-220M", "CodeT5+-16B", True),
    ],
)
def test_names_contradict_when_each_gives_a_size_the_other_lacks(one: str, other: str, contradiction: bool):
    assert contradicts(one, other) is contradiction
    assert contradicts(other, one) is contradiction


def graph(turtle: str) -> EmbeddedStore:
    store = EmbeddedStore()
    prefixes = (
        "@prefix mokg: <https://w3id.org/mokg/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> ."
    )
    triples = ox.parse(f"{prefixes}\n{turtle}", format=ox.RdfFormat.TURTLE, base_iri=BASE)
    store.replace([ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(f"{BASE}graph/test")) for q in triples])
    return store


def test_candidate_duplicates_share_words_or_a_hugging_face_id():
    store = graph("""
        <org/meta> a mokg:Organization ; rdfs:label "Meta AI" .
        <model/llama-2-70b-chat> a mokg:Model ; rdfs:label "Llama 2 70B Chat" .
        <model/llama-2-chat-70b> a mokg:Model ; rdfs:label "Llama-2-Chat-70B" .
        <model/meta-llama-3-8b> a mokg:Model ; rdfs:label "Meta-Llama-3-8B" .
        <model/llama-3-8b> a mokg:Model ; rdfs:label "Llama 3 8B" .
        <model/a> a mokg:Model ; rdfs:label "Alpha" ; skos:exactMatch <https://huggingface.co/Org/Repo> .
        <model/b> a mokg:Model ; rdfs:label "Beta" ; skos:exactMatch <https://huggingface.co/org/repo> .
        <model/command-r> a mokg:Model ; rdfs:label "Command R" .
        <model/command-r-plus> a mokg:Model ; rdfs:label "Command R+" .
    """)
    groups = {group.models: group.key for group in candidate_duplicates(store)}
    models = {tuple(m.removeprefix(f"{BASE}model/") for m in found) for found in groups}
    assert models == {("llama-2-70b-chat", "llama-2-chat-70b"), ("llama-3-8b", "meta-llama-3-8b"), ("a", "b")}


def test_models_declared_different_are_no_candidates():
    store = graph("""
        <model/x-7b-chat> a mokg:Model ; rdfs:label "X 7B Chat" ; owl:differentFrom <model/x-chat-7b> .
        <model/x-chat-7b> a mokg:Model ; rdfs:label "X Chat 7B" .
    """)
    assert candidate_duplicates(store) == []


def test_the_bundled_graph_has_one_record_per_model(store: EmbeddedStore):
    """Every candidate duplicate of the bundled graph is merged or explained (owl:differentFrom)."""
    assert candidate_duplicates(store) == []


def test_duplicates_command_lists_them_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    root = tmp_path / "root"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("releases"))
    assert main(["duplicates", "--root", str(root)]) == 0
    assert "0 candidate duplicates" in capsys.readouterr().err
    (root / "data" / "models" / "llama-2-7b-again.ttl").write_text(
        "@prefix mokg: <https://w3id.org/mokg/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<model/llama-2-7b-again> a mokg:Model ; rdfs:label "Meta Llama-2-7B" .\n',
        encoding="utf-8",
    )
    assert main(["duplicates", "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert "name: 2 7b llama: model/llama-2-7b, model/llama-2-7b-again" in out
    assert "1 candidate duplicate" in err
