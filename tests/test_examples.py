"""The example queries of the query page: well formed, and right on the bundled graph.

Each example is a file ``src/mokg/examples/NN-name.rq`` whose first line is ``# Title: …``,
followed by comment lines that explain it, then the query. Every example must parse on its own
(no predeclared prefixes), return something on the bundled graph, and for each one a test
checks an answer that a wrong query would miss.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

import mokg

EXAMPLES = Path(mokg.__file__).parent / "examples"
FILES = sorted(EXAMPLES.glob("*.rq"))
BASE = "https://w3id.org/mokg/"
MODEL = f"{BASE}model/"


def text_of(name: str) -> str:
    return (EXAMPLES / f"{name}.rq").read_text(encoding="utf-8")


def plain(term: object) -> str:
    """An RDF term as a plain string: IRI or literal value."""
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else str(term)


def select(store, text: str) -> list[dict[str, str]]:
    result = store.query(text)
    assert isinstance(result, ox.QuerySolutions), "expected a SELECT query"
    variables = [v.value for v in result.variables]
    return [{v: plain(row[v]) for v in variables if row[v] is not None} for row in result]


def rows(store, name: str) -> list[dict[str, str]]:
    return select(store, text_of(name))


def models(found: list[dict[str, str]], column: str = "model") -> set[str]:
    return {row[column].removeprefix(MODEL) for row in found}


# --------------------------------------------------------------------------------------------
# Every example
# --------------------------------------------------------------------------------------------


def test_there_are_examples_for_the_analysts_questions() -> None:
    assert len(FILES) >= 8
    names = [path.stem for path in FILES]
    assert all(re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*", name) for name in names), names
    assert len({name[:2] for name in names}) == len(names), "two examples share a number"


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_example_has_a_title_and_an_explanation(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert re.fullmatch(r"# Title: \S.*\S", lines[0]), f"first line must be '# Title: …', not {lines[0]!r}"
    explanation = []
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        explanation.append(line)
    assert explanation, "the title must be followed by comment lines explaining the example"
    assert any(line.strip() and not line.startswith("#") for line in lines[len(explanation) + 1 :])


def test_titles_are_unique() -> None:
    titles = [path.read_text(encoding="utf-8").splitlines()[0] for path in FILES]
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_example_parses_without_predeclared_prefixes(path: Path) -> None:
    """An example declares its prefixes, so it runs on any SPARQL endpoint (here: an empty store)."""
    ox.Store().query(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_example_returns_a_result_on_the_bundled_graph(store, path: Path) -> None:
    result = store.query(path.read_text(encoding="utf-8"))
    if isinstance(result, ox.QueryBoolean):
        assert bool(result), "the ASK example should answer true on the bundled graph"
    else:
        assert list(result), "the example returns nothing on the bundled graph"


# --------------------------------------------------------------------------------------------
# What each example answers
# --------------------------------------------------------------------------------------------


def test_open_weights_closed_data(store) -> None:
    found = rows(store, "01-open-weights-closed-data")
    names = models(found)
    # Apache-2.0 / MIT weights, pre-training data never published.
    assert {"mistral-7b", "mixtral-8x7b", "zephyr-7b-beta", "phi-1-5"} <= names
    # Open data (OLMo: Dolma is public) and restricted weights (Llama 2) do not qualify.
    assert "olmo-7b" not in names
    assert "pythia-12b" not in names
    assert "llama-2-7b" not in names
    assert "falcon-180b" not in names
    assert {row["weightsLicence"] for row in found} <= {
        "Apache License 2.0",
        "MIT License",
        "GNU General Public License v3.0 only",
    }


def test_mistral_descendants_and_inherited_restrictions(store) -> None:
    found = rows(store, "02-mistral-descendants")
    assert "zephyr-7b-beta" in models(found, "descendant")
    assert "mistral-7b" not in models(found, "descendant")
    assert not {name for name in models(found, "descendant") if "llama" in name or "vicuna" in name}
    zephyr = [row for row in found if row["descendant"] == f"{MODEL}zephyr-7b-beta"]
    licences = {row["licence"].removeprefix(f"{BASE}license/") for row in zephyr}
    # Mistral's pre-training data have no licence anyone knows: the status NoAssertion restricts, as a licence would.
    assert {"openai-terms-of-use", "https://w3id.org/mokg/ontology#NoAssertion"} <= licences
    # The path follows mokg:nextStep back to Mistral's undisclosed pre-training data.
    assert "Zephyr-7B-beta ← Mistral 7B ← Mistral AI pre-training data" in {row["path"] for row in zephyr}
    assert "Zephyr-7B-beta ← UltraChat 200k" in {row["path"] for row in zephyr}


def test_licences_per_organization(store) -> None:
    found = rows(store, "03-licences-per-organization")
    counts = {
        (row["organization"].removeprefix(f"{BASE}org/"), row["licenceName"]): int(row["models"]) for row in found
    }
    assert counts[("meta", "LLaMA non-commercial research licence")] == 4
    # Curated and imported models meet: the Index adds Llama 2 chat models, the Tool more Pythias.
    assert counts[("meta", "Llama 2 Community License Agreement")] >= 3
    assert counts[("meta", "Llama 3 Community License Agreement")] >= 1
    assert counts[("eleutherai", "Apache License 2.0")] >= 3
    assert counts[("mistral-ai", "Apache License 2.0")] >= 2
    # One row per (organization, licence): Meta's two licences are two rows.
    assert len(found) == len(counts)
    total = select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?m a mokg:Model ; dcterms:creator ?o ; dcterms:license ?l }")
    assert sum(counts.values()) == int(total[0]["n"])


def test_openness_leaderboard(store) -> None:
    found = rows(store, "04-openness-leaderboard")
    scores = [float(row["score"]) for row in found]
    assert scores == sorted(scores, reverse=True)
    olmo = next(row for row in found if row["model"] == f"{MODEL}olmo-7b")
    assert olmo["osaid"] == "Open source AI"
    assert found[0]["osaid"] == "Open source AI"
    assert found[-1]["score"] != found[0]["score"]
    number_of_models = select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?m a mokg:Model }")[0]["n"]
    assert len(found) == int(number_of_models), "one row per model"
    assert {row["mofClass"] for row in found} <= {
        "none",
        "Class I (open science)",
        "Class II (open tooling)",
        "Class III (open model)",
    }
    assert {row["osaid"] for row in found} <= {"Open source AI", "Not open source AI", "Not enough information"}
    llama = next(row for row in found if row["model"] == f"{MODEL}llama-2-7b")
    assert llama["osaid"] == "Not open source AI"
    assert float(llama["score"]) < 20 < float(olmo["score"])


def test_claims_about_a_model(store) -> None:
    found = rows(store, "05-claims-about-a-model")
    claims = select(store, f"SELECT ?c WHERE {{ ?c mokg:aboutModel <{MODEL}mistral-7b> }}")
    assert {row["claim"] for row in found} == {row["c"] for row in claims}
    assert len(found) == len(claims)
    by_component = {(row.get("component"), row.get("level")) for row in found}
    assert ("Pre-training data", "0") in by_component
    assert ("Model parameters (final)", "4") in by_component
    assert ("Reward model", "NA") in by_component
    # The source's own wording is kept next to the standard level name.
    processing = [row for row in found if row.get("component") == "Data preprocessing code"]
    assert {row["levelLabel"] for row in processing} == {"Complete data processing code available"}
    assert {row["levelName"] for row in processing} == {"Access and reuse without restriction"}
    # The article's tables, and the Index on GEITje 7B Ultra's base model.
    assert {row["source"] for row in found} == {"How Open is Generative AI? Part 2", "European Open Source AI Index"}


def test_models_finetuned_on_openai_outputs(store) -> None:
    found = rows(store, "06-finetuned-on-openai-outputs")
    names = models(found)
    assert {"zephyr-7b-beta", "vicuna-13b", "alpaca-7b", "gpt4all-j", "amberchat", "dolly-v1-6b"} <= names
    # Human-written (databricks-dolly-15k) or not fine-tuned at all: not in the list.
    assert "dolly-v2-12b" not in names
    assert "bloomchat-176b" not in names
    assert "mistral-7b" not in names
    # UltraChat 200k is a subset of UltraChat: found through prov:wasDerivedFrom.
    zephyr = {row["datasetName"]: row["generatedFrom"] for row in found if row["model"] == f"{MODEL}zephyr-7b-beta"}
    assert "UltraChat" in zephyr["UltraChat 200k"].split(", ")
    assert {row["terms"] for row in found} == {"OpenAI Terms of Use"}


def test_llama_lineage(store) -> None:
    found = rows(store, "07-llama-lineage")
    edges = {
        (row["model"].removeprefix(MODEL), row["kind"], row["parent"].removeprefix(MODEL), int(row["generation"]))
        for row in found
    }
    assert ("vicuna-13b", "Fine-tuning", "llama-13b", 1) in edges
    assert ("stablevicuna-13b", "Fine-tuning", "vicuna-13b", 2) in edges
    assert ("gpt4all-lora", "Adapter", "llama-7b", 1) in edges
    assert ("vicuna-7b-v1-5", "Fine-tuning", "llama-2-7b", 1) in edges
    names = {edge[0] for edge in edges}
    # Not derived from LLaMA: Mistral's fine-tune, and OpenLLaMA (a reproduction trained from scratch).
    assert "zephyr-7b-beta" not in names
    assert "open-llama-7b" not in names
    assert all(row["root"].removeprefix(MODEL).startswith("llama-") for row in found)
    # A branch stays together: StableVicuna right after Vicuna-13B.
    order = [row["model"].removeprefix(MODEL) for row in found]
    assert order.index("stablevicuna-13b") == order.index("vicuna-13b") + 1
    assert next(row["tree"] for row in found if row["model"].endswith("stablevicuna-13b")) == "  └─ StableVicuna-13B"


def test_named_graphs(store) -> None:
    found = rows(store, "08-named-graphs")
    graphs = {row["graph"].removeprefix(f"{BASE}graph/"): row for row in found}
    assert graphs["data/models/zephyr-7b-beta"]["kind"] == "data"
    assert graphs["ontology/mokg"]["kind"] == "ontology"
    assert graphs["derived/10-derived-from"]["rule"] == f"{BASE}rules/10-derived-from"
    assert all("rule" in row for row in found if row["kind"] == "derived")
    assert not any("rule" in row for row in found if row["kind"] == "data")
    # Every quad is counted once, in its graph.
    assert sum(int(row["triples"]) for row in found) == store.stats().quads
    assert len(found) == store.stats().graphs


def test_where_facts_come_from(store) -> None:
    found = rows(store, "09-where-facts-come-from")
    zephyr = f"{MODEL}zephyr-7b-beta"
    assert all(zephyr in (row["subject"], row["value"]) for row in found)
    by_graph = {row["graph"].removeprefix(f"{BASE}graph/") for row in found}
    assert {
        "data/models/zephyr-7b-beta",
        "derived/10-derived-from",
        "data/claims/how-open-is-generative-ai-part-2",
    } <= (by_graph)
    licence = [row for row in found if row["property"] == "http://purl.org/dc/terms/license"]
    assert [(row["graph"], row["value"]) for row in licence] == [
        (f"{BASE}graph/data/models/zephyr-7b-beta", "http://spdx.org/licenses/MIT")
    ]


def test_lineage_as_prov(store) -> None:
    result = store.query(text_of("10-lineage-as-prov"))
    assert isinstance(result, ox.QueryTriples)
    derived = "http://www.w3.org/ns/prov#wasDerivedFrom"
    edges = {(t.subject.value, t.object.value) for t in result if t.predicate.value == derived}
    assert (f"{MODEL}zephyr-7b-beta", f"{MODEL}mistral-7b") in edges
    assert (f"{MODEL}stablevicuna-13b", f"{MODEL}vicuna-13b") in edges
    # Direct derivations only: not the transitive mokg:derivedFrom closure.
    assert (f"{MODEL}stablevicuna-13b", f"{MODEL}llama-13b") not in edges
    assert all(subject.startswith(MODEL) and parent.startswith(MODEL) for subject, parent in edges)


def test_ask_inherits_openai_terms(store) -> None:
    text = text_of("11-ask-inherits-openai-terms")
    assert bool(store.query(text)) is True
    # The same question about OLMo (open data, no OpenAI outputs) is answered no.
    assert bool(store.query(text.replace("model/zephyr-7b-beta", "model/olmo-7b"))) is False
