"""The curated graph: every model and dataset of the source articles, with the facts that matter.

The expectations below are transcribed from primary sources (model cards, papers, licences),
not from the articles, which get several facts wrong; and from the tables of seed 004, whose
every score must be present as a claim.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BASE, REPO

from mokg.store import EmbeddedStore

SPDX = "http://spdx.org/licenses/"
MOKG = "https://w3id.org/mokg/ontology#"

# slug: (creator, licence IRI, derivation (property, base) or None, pre-training data, fine-tuning data)
MODELS: dict[str, tuple[str, str, tuple[str, str] | None, set[str], set[str]]] = {
    "llama-7b": ("meta", f"{BASE}license/llama-license", None, {"llama-pretraining-data"}, set()),
    "llama-13b": ("meta", f"{BASE}license/llama-license", None, {"llama-pretraining-data"}, set()),
    "llama-33b": ("meta", f"{BASE}license/llama-license", None, {"llama-pretraining-data"}, set()),
    "llama-65b": ("meta", f"{BASE}license/llama-license", None, {"llama-pretraining-data"}, set()),
    "llama-2-7b": ("meta", f"{BASE}license/llama-2-community", None, {"llama-2-pretraining-data"}, set()),
    "llama-2-13b": ("meta", f"{BASE}license/llama-2-community", None, {"llama-2-pretraining-data"}, set()),
    "llama-2-70b": ("meta", f"{BASE}license/llama-2-community", None, {"llama-2-pretraining-data"}, set()),
    "alpaca-7b": ("stanford-crfm", f"{SPDX}CC-BY-NC-4.0", ("finetunedFrom", "llama-7b"), set(), {"alpaca-data"}),
    "vicuna-13b": ("lmsys", None, ("finetunedFrom", "llama-13b"), set(), {"sharegpt"}),
    "vicuna-7b-v1-5": ("lmsys", f"{BASE}license/llama-2-community", ("finetunedFrom", "llama-2-7b"), set(), set()),
    "stablevicuna-13b": ("stability-ai", f"{SPDX}CC-BY-NC-SA-4.0", ("finetunedFrom", "vicuna-13b"), set(), {"oasst1"}),
    "gpt-j-6b": ("eleutherai", f"{SPDX}Apache-2.0", None, {"the-pile"}, set()),
    "gpt-neo-2-7b": ("eleutherai", f"{SPDX}MIT", None, {"the-pile"}, set()),
    "gpt-neox-20b": ("eleutherai", f"{SPDX}Apache-2.0", None, {"the-pile"}, set()),
    "pythia-12b": ("eleutherai", f"{SPDX}Apache-2.0", None, {"the-pile"}, set()),
    "falcon-40b": ("tii", f"{SPDX}Apache-2.0", None, {"refinedweb"}, set()),
    "falcon-180b": ("tii", f"{BASE}license/falcon-180b-tii-license-1.0", None, {"refinedweb"}, set()),
    "bloom": ("bigscience", f"{BASE}license/bigscience-bloom-rail-1.0", None, {"roots"}, set()),
    "bloomchat-176b": (
        "sambanova", f"{BASE}license/bloomchat-license-1.0", ("finetunedFrom", "bloom"), set(),
        {"oig", "oasst1", "databricks-dolly-15k"},
    ),
    "open-llama-7b": ("openlm-research", f"{SPDX}Apache-2.0", None, {"redpajama-data-1t"}, set()),
    "open-llama-7b-v2": ("openlm-research", f"{SPDX}Apache-2.0", None, {"refinedweb", "starcoderdata"}, set()),
    "redpajama-incite-7b-base": ("together", f"{SPDX}Apache-2.0", None, {"redpajama-data-1t"}, set()),
    "mistral-7b": ("mistral-ai", f"{SPDX}Apache-2.0", None, {"mistral-pretraining-data"}, set()),
    "mixtral-8x7b": ("mistral-ai", f"{SPDX}Apache-2.0", None, set(), set()),
    "dolly-v1-6b": ("databricks", None, ("finetunedFrom", "gpt-j-6b"), set(), {"alpaca-data"}),
    "dolly-v2-12b": ("databricks", f"{SPDX}MIT", ("finetunedFrom", "pythia-12b"), set(), {"databricks-dolly-15k"}),
    "zephyr-7b-beta": (
        "hugging-face", f"{SPDX}MIT", ("finetunedFrom", "mistral-7b"), set(),
        {"ultrachat-200k", "ultrafeedback-binarized"},
    ),
    "amber": ("llm360", f"{SPDX}Apache-2.0", None, {"redpajama-data-1t", "refinedweb", "starcoderdata"}, set()),
    "amberchat": (
        "llm360", f"{SPDX}Apache-2.0", ("finetunedFrom", "amber"), set(),
        {"wizardlm-evol-instruct-v2", "sharegpt-90k"},
    ),
    "crystalcoder": ("llm360", f"{SPDX}Apache-2.0", None, {"slimpajama", "starcoderdata"}, set()),
    "olmo-7b": ("ai2", f"{SPDX}Apache-2.0", None, {"dolma"}, set()),
    "mpt-7b": ("mosaicml", f"{SPDX}Apache-2.0", None, {"redpajama-data-1t"}, set()),
    "phi-1-5": ("microsoft-research", f"{SPDX}MIT", None, set(), set()),
    "gpt4all-j": ("nomic-ai", f"{SPDX}Apache-2.0", ("finetunedFrom", "gpt-j-6b"), set(), set()),
    "gpt4all-lora": ("nomic-ai", None, ("adapterOf", "llama-7b"), set(), set()),
}  # fmt: skip

DATASETS = [
    "the-pile", "refinedweb", "redpajama-data-1t", "dolma", "starcoderdata", "databricks-dolly-15k", "oig",
    "oasst1", "ultrachat", "ultrafeedback", "sharegpt", "alpaca-data", "wizardlm-evol-instruct-v2",
]  # fmt: skip

# Datasets made of OpenAI model outputs: they carry OpenAI's terms (no competing models).
OPENAI_OUTPUT_DATASETS = ["alpaca-data", "sharegpt", "ultrachat", "ultrafeedback", "wizardlm-evol-instruct-v2"]

SOURCE_004 = f"{BASE}source/how-open-is-generative-ai-part-2"
NUTSHELL = "LLM Model Openness in a Nutshell"
COLUMNS = ["ModelParametersFinal", "PreTrainingData", "FineTuningData", "RewardModel", "DataPreprocessingCode"]
# The scores of seed 004, transcribed cell by cell: (weights, pre-training, fine-tuning, reward, code).
NUTSHELL_ROWS = {
    "Alpaca": ("3", "1", "2", "NA", "4"),
    "Vicuna": ("3", "1", "2", "NA", "4"),
    "GPT-J, GPT-Neo": ("4", "3", "NA", "NA", "4"),
    "Falcon": ("3", "4", "NA", "NA", "1"),
    "BLOOM": ("3", "3", "NA", "NA", "4"),
    "OpenLLaMa": ("4", "4", "NA", "NA", "1"),
    "MistralAI": ("4", "0", "NA", "NA", "4"),
    "Dolly": ("4", "3", "4", "0", "4"),
    "BLOOMChat": ("3", "3", "4", "0", "3"),
    "Zephyr": ("4", "3", "3", "3", "3"),
    "AmberChat": ("4", "4", "2", "0", "4"),
}
DETAILED_TABLES = {
    "Alpaca and Vicuna Openness": ("3", "1", "2", "NA", "4"),
    "EleutherAI GPT-J Openness": ("4", "3", "NA", "NA", "4"),
    "Falcon Openness": ("3", "4", "NA", "NA", "1"),
    "BLOOM Openness": ("3", "3", "NA", "NA", "4"),
    "OpenLLaMa Openness": ("4", "4", "NA", "NA", "1"),
    "Mistral and Mixtral Openness": ("4", "0", "NA", "NA", "4"),
    "Dolly Openness": ("4", "3", "4", "0", "4"),
    "BLOOMChat Openness": ("3", "3", "4", "0", "3"),
    "Zephyr Openness": ("4", "3", "3", "3", "3"),
    "AmberChat openness": ("4", "4", "2", "0", "4"),
}
TABLE_MODELS = {
    "Alpaca": {"alpaca-7b"}, "Vicuna": {"vicuna-13b"}, "GPT-J, GPT-Neo": {"gpt-j-6b", "gpt-neo-2-7b"},
    "Falcon": {"falcon-40b", "falcon-180b"}, "BLOOM": {"bloom"}, "OpenLLaMa": {"open-llama-7b", "open-llama-7b-v2"},
    "MistralAI": {"mistral-7b", "mixtral-8x7b"}, "Dolly": {"dolly-v2-12b"}, "BLOOMChat": {"bloomchat-176b"},
    "Zephyr": {"zephyr-7b-beta"}, "AmberChat": {"amberchat"},
    "Alpaca and Vicuna Openness": {"alpaca-7b", "vicuna-13b"}, "EleutherAI GPT-J Openness": {"gpt-j-6b"},
    "Falcon Openness": {"falcon-40b", "falcon-180b"}, "BLOOM Openness": {"bloom"},
    "OpenLLaMa Openness": {"open-llama-7b", "open-llama-7b-v2"},
    "Mistral and Mixtral Openness": {"mistral-7b", "mixtral-8x7b"}, "Dolly Openness": {"dolly-v2-12b"},
    "BLOOMChat Openness": {"bloomchat-176b"}, "Zephyr Openness": {"zephyr-7b-beta"},
    "AmberChat openness": {"amberchat"},
}  # fmt: skip


def values(store: EmbeddedStore, sparql: str) -> set[str]:
    return {row[0].value for row in store.query(sparql)}


@pytest.mark.parametrize("slug", sorted(MODELS))
def test_model_is_present_with_its_facts(store: EmbeddedStore, slug: str):
    creator, licence, derivation, pretraining, finetuning = MODELS[slug]
    model = f"<{BASE}model/{slug}>"
    assert values(store, f"SELECT ?l WHERE {{ {model} a mokg:Model ; rdfs:label ?l }}"), "missing or unlabelled"
    creators = values(store, f"SELECT ?o WHERE {{ {model} dcterms:creator ?o . ?o a mokg:Organization }}")
    assert f"{BASE}org/{creator}" in creators
    licences = values(store, f"SELECT ?l WHERE {{ {model} dcterms:license ?l . ?l a mokg:License }}")
    assert licences, "no licence"
    if licence is not None:
        assert licence in licences
    if derivation is not None:
        prop, base = derivation
        assert store.query(f"ASK {{ {model} mokg:{prop} <{BASE}model/{base}> }}")
    data = values(store, f"SELECT ?d WHERE {{ {model} mokg:trainedOn ?d . ?d a mokg:Dataset }}")
    assert {f"{BASE}dataset/{d}" for d in pretraining} <= data
    data = values(store, f"SELECT ?d WHERE {{ {model} mokg:finetunedOn ?d . ?d a mokg:Dataset }}")
    assert {f"{BASE}dataset/{d}" for d in finetuning} <= data


@pytest.mark.parametrize("slug", sorted(MODELS))
def test_model_has_a_weights_component_with_a_licence_or_no_release(store: EmbeddedStore, slug: str):
    rows = list(
        store.query(f"""
        SELECT ?licence ?availability WHERE {{
          <{BASE}model/{slug}> mokg:hasComponent ?c .
          ?c a mokg:Artifact ; mokg:componentType mokg:ModelParametersFinal ; mokg:availability ?availability .
          OPTIONAL {{ ?c dcterms:license ?licence }}
        }}""")
    )
    assert len(rows) == 1
    released = rows[0]["availability"].value != str(f"{BASE}ontology#NotPubliclyAvailable")
    assert rows[0]["licence"] is not None or not released


def test_every_model_has_a_base_model_only_through_known_derivations(store: EmbeddedStore):
    """Derived models found by the generic super-property must be exactly those the facts list."""
    derived = values(
        store,
        "SELECT DISTINCT ?m WHERE { ?m ?p ?base . ?p rdfs:subPropertyOf mokg:derivedFrom . ?base a mokg:Model }",
    )
    expected = {f"{BASE}model/{slug}" for slug, facts in MODELS.items() if facts[2] is not None}
    assert expected <= derived


@pytest.mark.parametrize("slug", DATASETS)
def test_dataset_is_present_with_creator_and_licence(store: EmbeddedStore, slug: str):
    dataset = f"<{BASE}dataset/{slug}>"
    assert store.query(
        f"ASK {{ {dataset} a mokg:Dataset ; rdfs:label ?l ; dcterms:creator ?o . ?o a mokg:Organization }}"
    )
    assert store.query(
        f"ASK {{ {{ {dataset} dcterms:license ?l . ?l a mokg:License }} "
        f"UNION {{ {dataset} mokg:licenseStatus ?s . ?s a mokg:LicenseStatus }} }}"
    )


@pytest.mark.parametrize("slug", OPENAI_OUTPUT_DATASETS)
def test_datasets_of_openai_outputs_carry_openai_terms(store: EmbeddedStore, slug: str):
    assert store.query(f"""ASK {{
        <{BASE}dataset/{slug}> mokg:generatedFromOutputsOf <{BASE}org/openai> ;
                               mokg:subjectToTerms <{BASE}license/openai-terms-of-use> }}""")


def test_every_licence_states_its_four_facts(store: EmbeddedStore):
    rows = list(
        store.query("""
        SELECT ?licence WHERE {
          ?licence a mokg:License .
          FILTER NOT EXISTS { ?licence mokg:osiApproved ?a ; mokg:openData ?b ;
                                       mokg:commercialUseAllowed ?c ; mokg:researchOnly ?d ;
                                       mokg:licenseId ?id ; mokg:licenseCategory ?cat }
        }""")
    )
    assert [r["licence"].value for r in rows] == []


def test_licences_with_an_spdx_id_use_the_spdx_iri(store: EmbeddedStore):
    ids = values(
        store, f"SELECT ?id WHERE {{ ?l a mokg:License ; mokg:licenseId ?id FILTER(STRSTARTS(STR(?l), '{SPDX}')) }}"
    )
    assert {"Apache-2.0", "MIT", "CC-BY-NC-4.0", "CC-BY-SA-3.0", "ODC-By-1.0"} <= ids
    mismatched = values(
        store,
        f"""SELECT ?l WHERE {{ ?l a mokg:License ; mokg:licenseId ?id .
            FILTER(STR(?l) != CONCAT('{SPDX}', ?id) && STR(?l) != CONCAT('{BASE}license/', ?id)) }}""",
    )
    assert mismatched == set()


@pytest.mark.parametrize(
    ("licence", "osi", "open_data", "commercial", "research_only"),
    [
        (f"{SPDX}Apache-2.0", True, False, True, False),
        (f"{SPDX}CC-BY-NC-4.0", False, False, False, True),
        (f"{SPDX}ODC-By-1.0", False, True, True, False),
        (f"{BASE}license/llama-2-community", False, False, True, False),
        (f"{BASE}license/llama-license", False, False, False, True),
        (f"{BASE}license/openai-terms-of-use", False, False, True, False),
        (f"{BASE}license/llama-3-community", False, False, True, False),
        (f"{BASE}license/gemma-terms", False, False, True, False),
        (f"{BASE}license/openrail", False, False, True, False),
        (f"{BASE}license/creativeml-openrail-m", False, False, True, False),
    ],
)
def test_licence_facts(
    store: EmbeddedStore, licence: str, osi: bool, open_data: bool, commercial: bool, research_only: bool
):
    row = next(
        iter(
            store.query(f"""SELECT * WHERE {{ <{licence}> mokg:osiApproved ?osi ; mokg:openData ?open ;
                mokg:commercialUseAllowed ?commercial ; mokg:researchOnly ?research }}""")
        )
    )
    assert (row["osi"].value, row["open"].value, row["commercial"].value, row["research"].value) == tuple(
        str(flag).lower() for flag in (osi, open_data, commercial, research_only)
    )


@pytest.mark.parametrize(
    ("licence", "category", "note"),
    [
        ("llama-3-community", "CommunityLicense", "700 million"),
        ("llama-3.1-community", "CommunityLicense", "700 million"),
        ("openrail", "ResponsibleAILicense", "Use-based restrictions"),
        ("bigscience-openrail-m", "ResponsibleAILicense", "Use-based restrictions"),
        ("creativeml-openrail-m", "ResponsibleAILicense", "Use-based restrictions"),
    ],
)
def test_custom_licences_state_their_category_and_restrictions(
    store: EmbeddedStore, licence: str, category: str, note: str
):
    """The licences importers name by id or alternative label carry their terms, not a placeholder."""
    rows = list(
        store.query(f"""SELECT ?category ?note WHERE {{ <{BASE}license/{licence}> mokg:licenseCategory ?category ;
            mokg:restrictionNote ?note }}""")
    )
    assert {row["category"].value for row in rows} == {MOKG + category}
    assert any(note in row["note"].value for row in rows)


def test_primary_sources_win_over_the_articles(store: EmbeddedStore):
    """Seed 004 says Alpaca and Vicuna are Llama 2 fine-tunes and Dolly 1 came out in 2022: both wrong."""
    assert not store.query(
        f"ASK {{ <{BASE}model/alpaca-7b> mokg:finetunedFrom ?b . ?b mokg:family <{BASE}family/llama-2> }}"
    )
    assert not store.query(
        f"ASK {{ <{BASE}model/vicuna-13b> mokg:finetunedFrom ?b . ?b mokg:family <{BASE}family/llama-2> }}"
    )
    issued = values(store, f"SELECT ?d WHERE {{ <{BASE}model/dolly-v1-6b> dcterms:issued ?d }}")
    assert issued and all(d.startswith("2023-03") for d in issued)


# ---------------------------------------------------------------------------------------------
# Claims of seed 004
# ---------------------------------------------------------------------------------------------


def claim_cells(store: EmbeddedStore) -> dict[tuple[str, str], tuple[str, set[str]]]:
    """(table row key, component) -> (level notation, models) for every claim quoted from 004."""
    rows = store.query(f"""
        SELECT ?claim ?table ?row ?type ?notation (GROUP_CONCAT(STR(?model); separator=" ") AS ?models) WHERE {{
          ?claim a mokg:OpennessClaim ; prov:wasQuotedFrom <{SOURCE_004}> ; mokg:sourceTable ?table ;
                 mokg:sourceRow ?row ; mokg:componentType ?type ; mokg:opennessLevel ?level ; mokg:aboutModel ?model .
          ?level skos:notation ?notation .
        }} GROUP BY ?claim ?table ?row ?type ?notation""")
    cells: dict[tuple[str, str], tuple[str, set[str]]] = {}
    for row in rows:
        table = row["table"].value
        key = row["row"].value if table == NUTSHELL else table
        component = row["type"].value.rsplit("#", 1)[1]
        assert (key, component) not in cells, f"two claims for {key} / {component}"
        models = {m.removeprefix(f"{BASE}model/") for m in row["models"].value.split()}
        cells[(key, component)] = (row["notation"].value, models)
    return cells


def test_every_score_of_seed_004_is_a_claim(store: EmbeddedStore):
    claims = values(
        store,
        f"SELECT ?c WHERE {{ ?c a mokg:OpennessClaim ; mokg:sourceTable ?t ; prov:wasQuotedFrom <{SOURCE_004}> }}",
    )
    assert len(claims) == 105  # 11 rows x 5 in the nutshell table + 10 tables x 5 rows
    expected = {}
    for key, levels in {**NUTSHELL_ROWS, **DETAILED_TABLES}.items():
        for component, level in zip(COLUMNS, levels, strict=True):
            expected[(key, component)] = (level, TABLE_MODELS[key])
    assert claim_cells(store) == expected


def test_claims_carry_label_source_and_motivation(store: EmbeddedStore):
    incomplete = values(
        store,
        f"""SELECT ?c WHERE {{ ?c a mokg:OpennessClaim ; mokg:sourceTable ?table .
            FILTER(STRSTARTS(STR(?c), "{BASE}claim/how-open-is-generative-ai-part-2/"))
            FILTER NOT EXISTS {{ ?c mokg:levelLabel ?label ; prov:wasQuotedFrom <{SOURCE_004}> }} }}""",
    )
    assert incomplete == set()
    unmotivated = values(
        store,
        f"""SELECT ?c WHERE {{ ?c a mokg:OpennessClaim ; mokg:sourceTable ?t ; prov:wasQuotedFrom <{SOURCE_004}> .
            FILTER(?t != "{NUTSHELL}") FILTER NOT EXISTS {{ ?c mokg:motivation ?m }} }}""",
    )
    assert unmotivated == set()
    unattributed = values(
        store,
        """SELECT ?c WHERE { ?c a mokg:OpennessClaim .
            FILTER NOT EXISTS { ?c prov:wasQuotedFrom ?source . ?source a mokg:Source } }""",
    )
    assert unattributed == set()
    assert store.query(f"ASK {{ <{SOURCE_004}> a mokg:Source ; rdfs:label ?title ; dcterms:identifier ?id }}")


@pytest.mark.parametrize(
    ("table", "component", "label"),
    [
        ("BLOOM Openness", "ModelParametersFinal", "Completely open"),  # level 3 with a level-4 label: kept
        ("AmberChat openness", "RewardModel", "Reward model ot available"),  # typo kept verbatim
        ("AmberChat openness", "DataPreprocessingCode", "Open with limitations"),  # level 4 with a level-3 label
        ("Zephyr Openness", "RewardModel", "Open with paper and code examples"),
        ("Falcon Openness", "DataPreprocessingCode", "No code available"),
    ],
)
def test_claim_labels_are_verbatim(store: EmbeddedStore, table: str, component: str, label: str):
    labels = values(
        store,
        f"""SELECT ?label WHERE {{ ?c mokg:sourceTable "{table}" ; mokg:componentType mokg:{component} ;
            mokg:levelLabel ?label }}""",
    )
    assert labels == {label}


# ---------------------------------------------------------------------------------------------
# Files: one entity per file, named after it
# ---------------------------------------------------------------------------------------------

KINDS = {"models": ("Model", "model"), "datasets": ("Dataset", "dataset"), "organizations": ("Organization", "org"),
         "families": ("ModelFamily", "family"), "sources": ("Source", "source")}  # fmt: skip


@pytest.mark.parametrize("folder", sorted(KINDS))
def test_one_entity_per_file_named_after_its_slug(store: EmbeddedStore, folder: str):
    cls, path = KINDS[folder]
    files = sorted((REPO / "data" / folder).glob("*.ttl"))
    assert files
    for file in files:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", file.stem), f"bad slug {file.name}"
        graph = f"{BASE}graph/data/{folder}/{file.stem}"
        typed = values(store, f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s a ?c FILTER(?c != mokg:Artifact) }} }}")
        assert typed == {f"{BASE}{path}/{file.stem}"}, file
        assert store.query(f"ASK {{ GRAPH <{graph}> {{ <{BASE}{path}/{file.stem}> a mokg:{cls} }} }}"), file


def test_one_licence_per_file(store: EmbeddedStore):
    for file in sorted((REPO / "data" / "licenses").glob("*.ttl")):
        graph = f"{BASE}graph/data/licenses/{file.stem}"
        ids = values(store, f"SELECT ?id WHERE {{ GRAPH <{graph}> {{ ?l a mokg:License ; mokg:licenseId ?id }} }}")
        assert ids == {file.stem}, file


def test_artifacts_live_in_their_models_file(store: EmbeddedStore):
    misplaced = values(
        store,
        """SELECT ?a WHERE { GRAPH ?g { ?m mokg:hasComponent ?a }
           FILTER(!STRSTARTS(STR(?a), CONCAT(STR(?m), "#"))) }""",
    )
    assert misplaced == set()


def test_data_files_have_no_base_directive():
    """Relative IRIs must resolve against the configured base, which @base would override."""
    offenders = [p for p in (REPO / "data").rglob("*.ttl") if re.search(r"^\s*@base|^\s*BASE", p.read_text(), re.M)]
    assert offenders == []


def test_the_imported_samples_are_in_the_bundled_graph(store: EmbeddedStore):
    """`mokg import osai ../shared/data/osai` (123 entries) and `mokg import mot ../shared/data/mof/models`
    (187 files naming 185 models) wrote their records into data/: a score per Index entry, the
    Tool's claims per model, each file marked as generated and credited in data/README.md."""
    scored = values(store, "SELECT ?m WHERE { ?c mokg:sourceScore ?s ; mokg:aboutModel ?m }")
    assert len(scored) == 123
    tool = values(
        store,
        f"SELECT ?m WHERE {{ ?c a mokg:OpennessClaim ; mokg:aboutModel ?m ; "
        f"prov:wasQuotedFrom <{BASE}source/model-openness-tool> }}",
    )
    assert len(tool) == 185
    for folder, count in (("osai-index", 123), ("model-openness-tool", 185)):
        files = sorted((REPO / "data" / "claims" / folder).glob("*.ttl"))
        assert len(files) == count
        assert all(f.read_text(encoding="utf-8").startswith("# Generated by `mokg import") for f in files)
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    assert "10.5281/zenodo.15386042" in readme and "arXiv:2403.13784" in readme


def test_bundled_data_folder_exists():
    assert Path(REPO / "data" / "README.md").is_file()


def test_stubs_say_only_what_their_source_says(store: EmbeddedStore):
    """Issue 15: Falcon-7B was a stub made by the Index with Claire-7B's creator, licence and link; Vicuna
    v1.5 derived from LLaMA-based Vicuna under a non-commercial licence; Proton's Lumo was a model
    called "Undisclosed". The seed models are curated now, and an undisclosed name names no model."""

    def one(query: str) -> set[str]:
        return {row[0].value for row in store.query(query)}

    falcon = f"<{BASE}model/falcon-7b>"
    assert one(f"SELECT ?o WHERE {{ {falcon} dcterms:creator ?o }}") == {f"{BASE}org/tii"}
    assert one(f"SELECT ?o WHERE {{ {falcon} dcterms:license ?o }}") == {"http://spdx.org/licenses/Apache-2.0"}
    assert one(f"SELECT ?o WHERE {{ {falcon} mokg:hasComponent/mokg:location ?o }}") >= {
        "https://huggingface.co/tiiuae/falcon-7b"
    }
    vicuna = f"<{BASE}model/vicuna-13b-v1-5>"
    assert one(f"SELECT ?o WHERE {{ {vicuna} mokg:finetunedFrom ?o }}") == {f"{BASE}model/llama-2-13b"}
    assert one(f"SELECT ?o WHERE {{ {vicuna} dcterms:license ?o }}") == {f"{BASE}license/llama-2-community"}
    placeholders = 'FILTER(LCASE(STR(?l)) IN ("undisclosed", "unknown"))'
    assert not one(f"SELECT ?m WHERE {{ ?m a mokg:Model ; rdfs:label ?l {placeholders} }}")
    assert one(f"SELECT ?l WHERE {{ <{BASE}model/lumo-ai> rdfs:label ?l }}") == {"Lumo AI"}
