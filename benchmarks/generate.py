"""Synthetic mokg graphs for benchmarks: N models with Hugging Face-like lineage, as a mokg root.

Why: the bundled graph has a few hundred models; a service meant for the Hugging Face hub must
load, derive and validate a million. This module writes graphs of any size that look like the
hub and follow mokg's ontology and shapes, so that loaders, rules, validation and queries can be
timed on them.

What it writes to ``OUT`` (the layout ``mokg --root OUT`` reads):

- ``ontology/``, ``shapes/`` and ``data/{licenses,organizations,sources,datasets}/``: copies of the
  bundled files, so that every licence, organization, source and dataset the synthetic records
  name resolves to a real record (copies, not symlinks: graph names come from resolved paths);
- ``data/synthetic/licenses.ttl``, ``organizations.ttl``, ``datasets.ttl``, ``families.ttl``: a few
  synthetic licences, and organizations, data sets and model families that grow with N;
- ``data/synthetic/models-NNNNN.ttl`` and ``claims-NNNNN.ttl``: 10,000 models per file (one named
  graph each), with their components, and the openness claims sources make about them;
- ``summary.json``: the counts of :class:`Summary` (no timings, so output is reproducible).

The lineage: a few hundred base models (``model/synthetic-0`` … ``-{B-1}``, pre-trained on real and
synthetic data sets, licences of real families: Llama, Apache-2.0, Gemma, Qwen…), then derived
models. Each derived model picks its base by a Zipf law (base 0, Llama-like, is the biggest: tens of
thousands of descendants at 1M), then a parent in that base's tree at a depth drawn from a
geometric law (chains up to depth 8), and a kind: fine-tune, quantization, adapter, merge of 2–3
parents, distillation or continued pre-training. Licences, data ceilings and dates follow the
parents. Claims come from the Open Source AI Index, the Model Openness Tool and "How Open is
Generative AI? Part 2" (and open-source-AI claims from other bundled sources); they are honest
about the facts written, except ``Summary.wrong_claims`` of them, made wrong on purpose so the claim
shapes find one violation or more each. Structural shapes pass.

Streamed: models are generated and written one by one; the only state is a bounded pool of recent
models per base (O(number of bases)) and the counters. Deterministic: same N and seed, same bytes.

Run: ``.venv/bin/python benchmarks/generate.py --models 10000 --out /tmp/mokg-10k [--seed 0]``,
then ``.venv/bin/mokg stats --root /tmp/mokg-10k``. Import: ``generate(models, out, seed)``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple, TextIO

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/mokg/"
SPDX = "http://spdx.org/licenses/"
MOKG = "https://w3id.org/mokg/ontology#"
MODELS_PER_FILE = 10_000
MAX_DEPTH = 8  # longest derivation chain
POOL = 32  # recent models kept per base and depth, to derive from
BUNDLED = ("ontology", "shapes", "data/licenses", "data/organizations", "data/sources", "data/datasets")
SUMMARY = "summary.json"

PREFIXES = """@prefix mokg:    <https://w3id.org/mokg/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dcat:    <http://www.w3.org/ns/dcat#> .
@prefix foaf:    <http://xmlns.com/foaf/0.1/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix spdx:    <http://spdx.org/licenses/> .
"""

# Licences of synthetic families (written to data/synthetic/licenses.ttl, shaped like data/licenses/).
SYNTHETIC_LICENCES = [
    ("synthetic-community-license", "Synthetic Community License", "CommunityLicense", False, False, True, False),
    ("synthetic-research-license", "Synthetic Research License", "NonCommercialLicense", False, False, False, True),
    ("synthetic-permissive-license", "Synthetic Permissive License", "PermissiveLicense", False, False, True, False),
    (
        "synthetic-data-research-terms",
        "Synthetic Data Research Terms",
        "NonCommercialLicense",
        False,
        False,
        False,
        True,
    ),
    (
        "synthetic-proprietary-license",
        "Synthetic Proprietary License",
        "ProprietaryLicense",
        False,
        False,
        False,
        False,
    ),
]

# Real base families, most popular first: (creator, weights licence, weights availability, pre-training data).
# A creator of None is a synthetic organization; no data means synthetic pre-training data.
PROFILES: list[tuple[str | None, str, str, tuple[str, ...]]] = [
    ("<org/meta>", "<license/llama-3.1-community>", "mokg:Clickthrough", ("<dataset/llama-2-pretraining-data>",)),
    ("<org/mistral-ai>", "spdx:Apache-2.0", "mokg:DirectDownload", ("<dataset/mistral-pretraining-data>",)),
    ("<org/alibaba>", "<license/tongyi-qianwen>", "mokg:DirectDownload", ()),
    ("<org/meta>", "<license/llama-2-community>", "mokg:Registration", ("<dataset/llama-2-pretraining-data>",)),
    ("<org/google>", "<license/gemma-terms>", "mokg:Clickthrough", ()),
    ("<org/microsoft>", "spdx:MIT", "mokg:DirectDownload", ("<dataset/phi-1-5-synthetic-data>",)),
    ("<org/meta>", "<license/llama-3-community>", "mokg:Clickthrough", ("<dataset/llama-2-pretraining-data>",)),
    ("<org/eleutherai>", "spdx:Apache-2.0", "mokg:DirectDownload", ("<dataset/the-pile>",)),
    ("<org/tii>", "<license/falcon-180b-tii-license-1.0>", "mokg:Clickthrough", ("<dataset/refinedweb>",)),
    ("<org/ai2>", "spdx:Apache-2.0", "mokg:DirectDownload", ("<dataset/dolma>",)),
    ("<org/bigscience>", "<license/bigscience-bloom-rail-1.0>", "mokg:DirectDownload", ("<dataset/roots>",)),
    ("<org/together>", "spdx:Apache-2.0", "mokg:DirectDownload", ("<dataset/redpajama-data-1t>",)),
    ("<org/mosaicml>", "spdx:Apache-2.0", "mokg:DirectDownload", ("<dataset/c4>", "<dataset/the-stack>")),
    ("<org/bigcode>", "<license/bigcode-openrail-m>", "mokg:Clickthrough", ("<dataset/starcoderdata>",)),
    ("<org/deepseek>", "<license/deepseek-license-agreement>", "mokg:DirectDownload", ()),
    ("<org/stability-ai>", "<license/stability-ai-community-license>", "mokg:DirectDownload", ()),
    ("<org/databricks>", "<license/databricks-open-model-license>", "mokg:DirectDownload", ()),
    ("<org/meta>", "<license/llama-license>", "mokg:Registration", ("<dataset/llama-pretraining-data>",)),
    ("<org/cerebras>", "spdx:Apache-2.0", "mokg:DirectDownload", ("<dataset/slimpajama>",)),
    (None, "<license/synthetic-community-license>", "mokg:Clickthrough", ()),
    (None, "<license/synthetic-research-license>", "mokg:Registration", ()),
    (None, "<license/synthetic-permissive-license>", "mokg:DirectDownload", ()),
    (None, "spdx:CC-BY-NC-4.0", "mokg:Clickthrough", ()),
    (None, "<license/openrail>", "mokg:DirectDownload", ()),
    (None, "spdx:Apache-2.0", "mokg:DirectDownload", ()),
]
REAL_PRETRAINING = ("the-pile", "redpajama-data-1t", "refinedweb", "dolma", "c4", "slimpajama", "mc4", "roots", "s2orc")
REAL_FINETUNING = ("alpaca-data", "databricks-dolly-15k", "oasst1", "ultrachat-200k", "ultrafeedback-binarized",
                   "sharegpt-90k", "wizardlm-evol-instruct-v2", "oig", "anthropic-hh-rlhf", "stanford-shp",
                   "gpt4all-prompt-generations")  # fmt: skip
DATA_LICENCES = (("spdx:CC-BY-4.0", 20), ("spdx:ODC-By-1.0", 10), ("spdx:Apache-2.0", 15), ("spdx:MIT", 10),
                 ("spdx:CC-BY-SA-4.0", 5), ("spdx:CDLA-Permissive-2.0", 3), ("spdx:CC-BY-NC-4.0", 12),
                 ("spdx:CC-BY-NC-SA-4.0", 5), ("mokg:NoAssertion", 8), ("mokg:NoLicense", 7),
                 ("<license/per-subset>", 3), ("<license/synthetic-data-research-terms>", 2))  # fmt: skip
RELICENCES = ("spdx:Apache-2.0", "spdx:MIT", "spdx:CC-BY-4.0", "spdx:CC-BY-NC-4.0", "<license/openrail>")
CODE_LICENCES = ("spdx:Apache-2.0", "spdx:MIT", "spdx:GPL-3.0-only")
PAPER_LICENCES = ("<license/arxiv-nonexclusive-distrib-1.0>", "spdx:CC-BY-4.0")
SOURCES = ("<source/osai-index>", "<source/model-openness-tool>", "<source/how-open-is-generative-ai-part-2>",
           "<source/open-source-principles-in-foundation-models>", "<source/hn-truly-open-llms-thread>")  # fmt: skip
OTHER_TERMS = ("<org/openai>", "<license/openai-terms-of-use>")  # named by generated data sets

# Derivation kinds: (property, share of derived models, label, name suffix). Quantizations and
# adapters are leaves: nobody derives from them (as on the hub, nearly).
KINDS = {
    "finetune": ("mokg:finetunedFrom", 45, "fine-tune", "instruct"),
    "quantization": ("mokg:quantizedFrom", 25, "quantization", "GGUF"),
    "adapter": ("mokg:adapterOf", 15, "LoRA adapter", "lora"),
    "merge": ("mokg:mergedFrom", 7, "merge", "merge"),
    "distillation": ("mokg:distilledFrom", 4, "distillation", "distill"),
    "continued-pretraining": ("mokg:continuedPretrainingFrom", 4, "continued pre-training", "cpt"),
}
LEAVES = ("quantization", "adapter")
SIZES = (125_000_000, 350_000_000, 1_100_000_000, 1_500_000_000, 3_000_000_000, 7_000_000_000, 8_000_000_000,
         13_000_000_000, 14_000_000_000, 34_000_000_000, 70_000_000_000, 72_000_000_000)  # fmt: skip
FIRST_DAY, LAST_DAY = date(2019, 1, 1).toordinal(), date(2025, 12, 31).toordinal()
DATES = [date.fromordinal(day).isoformat() for day in range(FIRST_DAY, LAST_DAY + 1)]

PUBLIC = ("mokg:DirectDownload", "mokg:Clickthrough")
NOT_PUBLIC = "mokg:NotPubliclyAvailable"
NA = -1  # mokg:LevelNotApplicable
# Component types: fragment, label. Claims name types; models have artifacts of some of them.
WEIGHTS, PRETRAINING, FINETUNING = "mokg:ModelParametersFinal", "mokg:PreTrainingData", "mokg:FineTuningData"
TRAINING_CODE, INFERENCE_CODE, PROCESSING_CODE = "mokg:TrainingCode", "mokg:InferenceCode", "mokg:DataPreprocessingCode"
MODEL_CARD, DATA_CARD, PAPER, REWARD = "mokg:ModelCard", "mokg:DataCard", "mokg:ResearchPaper", "mokg:RewardModel"
FRAGMENTS = {WEIGHTS: ("weights", "weights"), PRETRAINING: ("pretraining-data", "pre-training data"),
             FINETUNING: ("finetuning-data", "fine-tuning data"), TRAINING_CODE: ("training-code", "training code"),
             INFERENCE_CODE: ("inference-code", "inference code"), MODEL_CARD: ("model-card", "model card"),
             DATA_CARD: ("data-card", "data card"), PAPER: ("paper", "paper"),
             REWARD: ("reward-model", "reward model")}  # fmt: skip

# Sources' tables: (row, component type); and their wording of levels 0–4 (verbatim as in data/claims/).
PREF_LABELS = ("No public information or access", "Published research only", "Research use only",
               "Open with limitations", "Access and reuse without restriction")  # fmt: skip
OSAI_ROWS = (("weights_endmodel", WEIGHTS), ("trainingcode", TRAINING_CODE), ("datasources_basemodel", PRETRAINING),
             ("datasources_endmodel", FINETUNING), ("modelcard", MODEL_CARD), ("paper", PAPER),
             ("datasheet", DATA_CARD))  # fmt: skip
MOT_ROWS = (("weights", WEIGHTS), ("model-card", MODEL_CARD), ("training-code", TRAINING_CODE),
            ("inference-code", INFERENCE_CODE), ("research-paper", PAPER), ("data-card", DATA_CARD))  # fmt: skip
CODE = (TRAINING_CODE, INFERENCE_CODE, PROCESSING_CODE)
HOIGA_ROWS = (("Model (weights)", WEIGHTS), ("Pre-training Dataset", PRETRAINING), ("Fine-tuning Dataset", FINETUNING),
              ("Reward model", REWARD), ("Data Processing Code", PROCESSING_CODE))  # fmt: skip


class Licence(NamedTuple):
    """What the claim shapes need of a licence."""

    term: str  # Turtle term: spdx:MIT, <license/llama-2-community>, or a licence status: mokg:NoAssertion
    ceiling: int  # highest level a component under it can claim (mokg:levelCeiling)
    osi: bool  # OSI-approved: fits code
    open_data: bool  # open data licence: fits data, weights and documents

    @property
    def is_status(self) -> bool:
        """A licence status (no licence known, or none): stated with mokg:licenseStatus, never claimed as a licence."""
        return self.term.startswith("mokg:")

    def pair(self) -> str:
        """The predicate and object stating it: ``dcterms:license spdx:MIT``, ``mokg:licenseStatus mokg:NoLicense``."""
        return f"{'mokg:licenseStatus' if self.is_status else 'dcterms:license'} {self.term}"

    @property
    def open(self) -> bool:
        return self.osi or self.open_data


class DataSet(NamedTuple):
    """What models and claims need of a data set."""

    term: str
    licence: Licence
    ceiling: int  # lowest ceiling of its licence and of the terms it is subject to
    availability: str
    location: str | None  # Turtle term of its landing page


class Node(NamedTuple):
    """A model as its descendants see it."""

    index: int
    depth: int
    day: int
    licence: Licence
    weights_ceiling: int  # lowest weights-licence ceiling of it and its ancestors (claim rule 5)
    data_ceiling: int  # lowest ceiling of the pre-training data of it and its ancestors (rule 5)
    size: int  # index in SIZES


class Component(NamedTuple):
    """One artifact of a model."""

    type: str
    licence: Licence | None
    availability: str
    location: str | None
    datasets: tuple[str, ...] = ()


@dataclass
class Tree:
    """A base model and a bounded pool of recent models of its tree, by depth, to derive from."""

    node: Node
    pools: list[list[Node]]
    cursors: list[int]
    descendants: int = 0


@dataclass
class Model:
    """One model to write, with the facts its claims are checked against."""

    node: Node
    kind: str  # "base" or a key of KINDS
    creator: str
    repo: str  # Hugging Face repository, owner/name
    parents: tuple[Node, ...] = ()
    trained_on: tuple[DataSet, ...] = ()
    finetuned_on: tuple[DataSet, ...] = ()
    alignment: str | None = None
    family: str | None = None
    components: dict[str, Component] = field(default_factory=dict)


@dataclass
class Summary:
    """What one generated graph holds."""

    models: int
    seed: int
    base_models: int
    derived: dict[str, int]  # by kind
    depths: dict[int, int]  # models by depth of their longest chain to a base (bases: 0)
    max_depth: int
    biggest_base: str
    biggest_base_descendants: int
    organizations: int  # synthetic ones
    datasets: int  # synthetic ones
    licences: int  # synthetic ones
    claims: int
    wrong_claims: int  # claims made wrong on purpose: the claim shapes report each
    triples: int  # asserted triples in data/synthetic/
    files: int  # files in data/synthetic/
    bytes: int  # size of data/synthetic/
    seconds: float = 0.0  # generation time (not written to summary.json)


class TurtleFile:
    """A Turtle file written one entity at a time, counting its triples."""

    def __init__(self, path: Path) -> None:
        self.handle: TextIO = path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20)
        self.handle.write(PREFIXES)
        self.triples = 0

    def entity(self, subject: str, pairs: list[str]) -> None:
        """Write ``subject`` with its predicate-object ``pairs``, one triple each."""
        self.handle.write(render(subject, pairs))
        self.triples += len(pairs)

    def close(self) -> int:
        self.handle.close()
        return self.triples


def term(iri: str) -> str:
    """An absolute IRI as the data files write it: ``spdx:X`` or ``<relative/to/base>``."""
    if iri.startswith(SPDX):
        return f"spdx:{iri[len(SPDX) :]}"
    if iri.startswith(MOKG):
        return f"mokg:{iri[len(MOKG) :]}"
    return f"<{iri.removeprefix(BASE)}>"


def read_facts() -> tuple[dict[str, Licence], dict[str, DataSet], set[str]]:
    """Licences and data sets of the bundled graph and synthetic licences, and every record's term.

    Read from the files (not copied into this module), so honest claims stay honest when the
    bundled facts change.
    """
    store = ox.Store()
    for folder in BUNDLED:
        for path in sorted((ROOT / folder).rglob("*.ttl")):
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    text = PREFIXES + "".join(render(subject, pairs) for subject, pairs in synthetic_licences())
    store.load(text, format=ox.RdfFormat.TURTLE, base_iri=BASE)
    prefixes = "PREFIX mokg: <https://w3id.org/mokg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
    licences = {}
    for row in store.query(
        prefixes + "SELECT ?l ?osi ?open ?category ?own WHERE { { ?l a mokg:License ; mokg:osiApproved ?osi ; "
        "mokg:openData ?open ; mokg:licenseCategory/mokg:levelCeiling ?category . "
        "OPTIONAL { ?l mokg:levelCeiling ?own } } UNION { ?l a mokg:LicenseStatus ; mokg:levelCeiling ?category "
        "BIND(false AS ?osi) BIND(false AS ?open) } } ORDER BY ?l ?category ?own"
    ):
        key = term(row["l"].value)
        ceiling = min(int((row["own"] or row["category"]).value), licences[key].ceiling if key in licences else 4)
        licences[key] = Licence(key, ceiling, row["osi"].value == "true", row["open"].value == "true")
    datasets = {}
    for row in store.query(
        prefixes + "SELECT ?d ?l ?a ?page (GROUP_CONCAT(STR(?t)) AS ?terms) WHERE { ?d a mokg:Dataset ; "
        "dcterms:license|mokg:licenseStatus ?l ; mokg:availability ?a . "
        "OPTIONAL { ?d <http://www.w3.org/ns/dcat#landingPage> ?page } "
        "OPTIONAL { ?d mokg:subjectToTerms ?t } } GROUP BY ?d ?l ?a ?page ORDER BY ?d ?l ?a ?page"
    ):
        licence = licences[term(row["l"].value)]
        ceiling = min(
            [licence.ceiling] + [licences[term(t)].ceiling for t in (row["terms"] or ox.Literal("")).value.split()]
        )
        page = f"<{row['page'].value}>" if row["page"] else None
        availability = "mokg:" + row["a"].value.rsplit("#", 1)[1]
        datasets[term(row["d"].value)] = DataSet(term(row["d"].value), licence, ceiling, availability, page)
    typed = {term(row["s"].value) for row in store.query("SELECT DISTINCT ?s WHERE { ?s a ?class }")}
    return licences, datasets, typed


def synthetic_licences() -> list[tuple[str, list[str]]]:
    """The synthetic licences, with the facts LicenseShape asks for."""
    entities = []
    for slug, label, category, *facts in SYNTHETIC_LICENCES:
        osi, open_data, commercial, research = (str(fact).lower() for fact in facts)
        pairs = ["a mokg:License", f'rdfs:label "{label}"@en',
                 'dcterms:description "A licence made up for mokg benchmarks."@en', f'mokg:licenseId "{slug}"',
                 f"mokg:licenseCategory mokg:{category}", f"mokg:osiApproved {osi}", f"mokg:openData {open_data}",
                 f"mokg:commercialUseAllowed {commercial}", f"mokg:researchOnly {research}",
                 'mokg:restrictionNote "Made up: no real terms."@en',
                 f"foaf:homepage <https://example.org/licenses/{slug}>"]  # fmt: skip
        entities.append((f"<license/{slug}>", pairs))
    return entities


def render(subject: str, pairs: list[str]) -> str:
    """One Turtle statement: ``subject`` and its predicate-object pairs."""
    return f"\n{subject} " + " ;\n    ".join(pairs) + " .\n"


def base_count(models: int) -> int:
    """A few hundred base models (fewer for small graphs): 200 at 1k, 300 at 10k, 400 at 1M."""
    return max(1, min(models, max(1, models // 5), 100 + 50 * int(math.log10(models))))


def org(index: int) -> str:
    return f"<org/synthetic-{index}>"


def write_organizations(out: TurtleFile, count: int) -> None:
    for k in range(count):
        out.entity(
            org(k),
            ["a mokg:Organization", f'rdfs:label "Synthetic organization {k}"@en',
             f"foaf:homepage <https://huggingface.co/synthetic-org-{k}>"],
        )  # fmt: skip


def write_datasets(
    out: TurtleFile, rng: random.Random, count: int, orgs: int, licences: dict[str, Licence]
) -> list[DataSet]:
    """Synthetic data sets (every fourth one pre-training data, the others fine-tuning data)."""
    names, weights = zip(*DATA_LICENCES, strict=True)
    result = []
    for k in range(count):
        licence = licences[rng.choices(names, weights)[0]]
        if licence.term == "mokg:NoAssertion" and rng.random() < 0.7:
            availability = NOT_PUBLIC
        else:
            options = ("mokg:DirectDownload", "mokg:Clickthrough", "mokg:Registration")
            availability = rng.choices(options, (85, 10, 5))[0]
        page = f"<https://huggingface.co/datasets/synthetic-org-{k % orgs}/data-{k}>"
        page = None if availability == NOT_PUBLIC else page
        what = "pre-training corpus" if k % 4 == 0 else "instruction data set"
        pairs = ["a mokg:Dataset", f'rdfs:label "Synthetic data {k}"@en',
                 f'dcterms:description "A synthetic {what} for mokg benchmarks."@en',
                 f"dcterms:creator {org(int(orgs * rng.random() ** 2))}",
                 f'dcterms:issued "{DATES[rng.randrange(len(DATES) - 400)]}"^^xsd:date',
                 licence.pair(), f"mokg:availability {availability}"]  # fmt: skip
        ceiling = licence.ceiling
        if page:
            pairs.append(f"dcat:landingPage {page}")
        if k % 4 and rng.random() < 0.2:  # generated with a provider's model: bound by its terms
            pairs += [f"mokg:generatedFromOutputsOf {OTHER_TERMS[0]}", f"mokg:subjectToTerms {OTHER_TERMS[1]}"]
            ceiling = min(ceiling, licences[OTHER_TERMS[1]].ceiling)
        out.entity(f"<dataset/synthetic-{k}>", pairs)
        result.append(DataSet(f"<dataset/synthetic-{k}>", licence, ceiling, availability, page))
    return result


def pick_parent(rng: random.Random, tree: Tree) -> Node:
    """A recent model of the tree, at a depth drawn from a geometric law (half of them the base)."""
    depth = 0
    while depth < MAX_DEPTH - 1 and rng.random() < 0.5:
        depth += 1
    while not tree.pools[depth]:
        depth -= 1
    pool = tree.pools[depth]
    return pool[rng.randrange(len(pool))]


def remember(tree: Tree, node: Node) -> None:
    """Add a model the tree's later models can derive from (the oldest of its depth makes room)."""
    if node.depth >= MAX_DEPTH:
        return
    pool = tree.pools[node.depth]
    if len(pool) < POOL:
        pool.append(node)
    else:
        pool[tree.cursors[node.depth] % POOL] = node
        tree.cursors[node.depth] += 1


def data_component(datasets: tuple[DataSet, ...], licences: dict[str, Licence]) -> Component:
    """A data artifact made of ``datasets``: their licence (per subset when several) and availability."""
    licence = datasets[0].licence if len(datasets) == 1 else licences["<license/per-subset>"]
    order = ("mokg:DirectDownload", "mokg:Clickthrough", "mokg:Registration", "mokg:ScrapingScript", NOT_PUBLIC)
    availability = max((d.availability for d in datasets), key=order.index)
    location = None if availability == NOT_PUBLIC else next((d.location for d in datasets if d.location), None)
    return Component(PRETRAINING, licence, availability, location, tuple(d.term for d in datasets))


def make_base(
    rng: random.Random,
    index: int,
    orgs: int,
    licences: dict[str, Licence],
    pretraining: list[DataSet],
    real: dict[str, DataSet],
) -> Model:
    """A pre-trained model of a real family (the first ones) or a synthetic one."""
    creator, licence_term, availability, data = PROFILES[index] if index < len(PROFILES) else rng.choice(PROFILES)
    if creator:
        owner = creator.removeprefix("<org/").removesuffix(">")
    else:
        k = int(orgs * rng.random() ** 2)
        creator, owner = org(k), f"synthetic-org-{k}"
    trained_on = tuple(real[d] for d in data) or tuple(rng.sample(pretraining, rng.choice((1, 1, 2, 3))))
    licence = licences[licence_term]
    size = rng.randrange(len(SIZES))
    node = Node(index, 0, rng.randrange(FIRST_DAY, FIRST_DAY + 2000), licence, licence.ceiling,
                min(d.ceiling for d in trained_on), size)  # fmt: skip
    model = Model(node, "base", creator, f"{owner}/synthetic-{index}", trained_on=trained_on)
    model.family = f"<family/synthetic-{index}>"
    hub = f"<https://huggingface.co/{model.repo}>"
    code = f"<https://github.com/{owner}/synthetic-{index}>"
    comps = model.components
    comps[WEIGHTS] = Component(WEIGHTS, licence, availability, hub)
    comps[PRETRAINING] = data_component(trained_on, licences)
    if rng.random() < 0.7:
        code_licence = licence if rng.random() < 0.3 else licences[rng.choice(CODE_LICENCES[:2])]
        comps[INFERENCE_CODE] = Component(INFERENCE_CODE, code_licence, "mokg:DirectDownload", code)
    if rng.random() < 0.3:
        comps[TRAINING_CODE] = Component(
            TRAINING_CODE, licences[rng.choice(CODE_LICENCES)], "mokg:DirectDownload", code
        )
    if rng.random() < 0.9:
        card = licence if rng.random() < 0.5 else licences["spdx:CC-BY-4.0"]
        comps[MODEL_CARD] = Component(MODEL_CARD, card, "mokg:DirectDownload", hub)
    if rng.random() < 0.5:
        paper = (
            f"<https://arxiv.org/abs/{rng.randrange(19, 24)}{rng.randrange(1, 13):02d}.{rng.randrange(100_000):05d}>"
        )
        comps[PAPER] = Component(PAPER, licences[rng.choice(PAPER_LICENCES)], "mokg:DirectDownload", paper)
    if rng.random() < 0.2:
        comps[DATA_CARD] = Component(DATA_CARD, licences["spdx:CC-BY-4.0"], "mokg:DirectDownload", hub)
    return model


def make_derived(
    rng: random.Random,
    index: int,
    tree: Tree,
    kind: str,
    orgs: int,
    licences: dict[str, Licence],
    finetuning: list[DataSet],
    pretraining: list[DataSet],
) -> Model:
    """A model derived from one or more models of ``tree`` (merges of 2–3, the others of one)."""
    parents = (pick_parent(rng, tree),)
    if kind == "merge":
        more = {parents[0].index: parents[0]}
        for _ in range(rng.choice((1, 1, 1, 2)) * 3):  # a few tries: small pools repeat models
            node = pick_parent(rng, tree)
            more.setdefault(node.index, node)
        parents = tuple(more.values())[: rng.choice((2, 2, 2, 3))]
        if len(parents) < 2:
            kind = "finetune"
    first = parents[0]
    licence = first.licence
    if kind not in LEAVES and rng.random() < (0.3 if first.licence.open else 0.1):
        licence = licences[rng.choice(RELICENCES)]  # relicensed, rightly or not
    trained_on: tuple[DataSet, ...] = ()
    finetuned_on: tuple[DataSet, ...] = ()
    alignment = None
    if kind == "finetune":
        picked = (pick_finetuning(rng, finetuning) for _ in range(rng.choice((1, 1, 2))))
        finetuned_on = tuple({d.term: d for d in picked}.values())
        alignment = rng.choices(("mokg:SupervisedFineTuningOnly", "mokg:DPO", "mokg:RLHF"), (60, 30, 10))[0]
    elif kind == "continued-pretraining":
        trained_on = (rng.choice(pretraining),)
    size = first.size if kind != "distillation" else rng.randrange(first.size + 1)
    day = min(LAST_DAY, max(p.day for p in parents) + rng.randrange(1, 120))
    node = Node(
        index,
        max(p.depth for p in parents) + 1,
        day,
        licence,
        min([licence.ceiling] + [p.weights_ceiling for p in parents]),
        min([d.ceiling for d in trained_on] + [p.data_ceiling for p in parents]),
        size,
    )
    creator = int(orgs * rng.random() ** 2)
    model = Model(node, kind, org(creator), f"synthetic-org-{creator}/synthetic-{index}-{KINDS[kind][3]}", parents,
                  trained_on, finetuned_on, alignment)  # fmt: skip
    hub = f"<https://huggingface.co/{model.repo}>"
    comps = model.components
    comps[WEIGHTS] = Component(
        WEIGHTS, licence, "mokg:DirectDownload" if rng.random() < 0.85 else "mokg:Clickthrough", hub
    )
    if rng.random() < {"finetune": 0.7, "quantization": 0.4, "adapter": 0.5, "merge": 0.6}.get(kind, 0.7):
        comps[MODEL_CARD] = Component(MODEL_CARD, licence, "mokg:DirectDownload", hub)
    if finetuned_on and rng.random() < 0.5:
        comps[FINETUNING] = data_component(finetuned_on, licences)._replace(type=FINETUNING)
    if trained_on and rng.random() < 0.6:
        comps[PRETRAINING] = data_component(trained_on, licences)
    if kind in ("finetune", "distillation", "continued-pretraining", "merge") and rng.random() < 0.25:
        code = f"<https://github.com/synthetic-org-{creator}/synthetic-{index}>"
        comps[TRAINING_CODE] = Component(
            TRAINING_CODE, licences[rng.choice(CODE_LICENCES)], "mokg:DirectDownload", code
        )
    if alignment == "mokg:RLHF" and rng.random() < 0.3:
        comps[REWARD] = Component(REWARD, licence, "mokg:DirectDownload", f"<https://huggingface.co/{model.repo}-rm>")
    if kind == "distillation" and rng.random() < 0.2:
        paper = (
            f"<https://arxiv.org/abs/{rng.randrange(23, 26)}{rng.randrange(1, 13):02d}.{rng.randrange(100_000):05d}>"
        )
        comps[PAPER] = Component(PAPER, licences[rng.choice(PAPER_LICENCES)], "mokg:DirectDownload", paper)
    return model


def pick_finetuning(rng: random.Random, finetuning: list[DataSet]) -> DataSet:
    """A fine-tuning data set, the real popular ones (first in the list) most often."""
    return finetuning[int(len(finetuning) * rng.random() ** 3)]


def write_model(out: TurtleFile, model: Model) -> None:
    """The model and its artifacts, as data/models/ writes them."""
    node, i = model.node, model.node.index
    subject = f"<model/synthetic-{i}>"
    if model.kind == "base":
        label, description = f"Synthetic base {i}", f"A synthetic pre-trained model ({SIZES[node.size]:,} parameters)."
    else:
        of = ", ".join(f"synthetic-{p.index}" for p in model.parents)
        label, description = f"Synthetic {i} ({KINDS[model.kind][2]})", f"A synthetic {KINDS[model.kind][2]} of {of}."
    pairs = ["a mokg:Model", f'rdfs:label "{label}"@en', f'dcterms:description "{description}"@en',
             f"dcterms:creator {model.creator}", f'dcterms:issued "{DATES[node.day - FIRST_DAY]}"^^xsd:date',
             f"mokg:parameterCount {SIZES[node.size]}", node.licence.pair(),
             f"skos:exactMatch <https://huggingface.co/{model.repo}>"]  # fmt: skip
    if model.family:
        pairs += [f"mokg:family {model.family}", 'mokg:architecture "decoder-only transformer"@en']
    if model.kind != "base":
        prop = KINDS[model.kind][0]
        pairs += [f"{prop} <model/synthetic-{p.index}>" for p in model.parents]
    pairs += [f"mokg:trainedOn {d.term}" for d in model.trained_on]
    pairs += [f"mokg:finetunedOn {d.term}" for d in model.finetuned_on]
    if model.alignment:
        pairs.append(f"mokg:alignmentMethod {model.alignment}")
    if PAPER in model.components:
        pairs.append(f"mokg:paper {model.components[PAPER].location}")
    pairs += [f"mokg:hasComponent <model/synthetic-{i}#{FRAGMENTS[t][0]}>" for t in model.components]
    out.entity(subject, pairs)
    for component in model.components.values():
        fragment, what = FRAGMENTS[component.type]
        pairs = ["a mokg:Artifact", f'rdfs:label "{label} {what}"@en', f"mokg:componentType {component.type}",
                 f"mokg:availability {component.availability}"]  # fmt: skip
        if component.licence:
            pairs.append(component.licence.pair())
        if component.location:
            pairs.append(f"mokg:location {component.location}")
        pairs += [f"mokg:includesDataset {d}" for d in component.datasets]
        out.entity(f"<model/synthetic-{i}#{fragment}>", pairs)


def honest_level(model: Model, component_type: str) -> int:
    """The highest level the facts written allow for a component type (what the claim shapes accept)."""
    component = model.components.get(component_type)
    if component is None:
        if component_type == FINETUNING and model.kind != "finetune":
            return NA
        if component_type == REWARD and model.alignment not in ("mokg:RLHF", "mokg:DPO"):
            return NA
        return 0
    if component.availability == NOT_PUBLIC or component.licence is None:
        return 0
    level = component.licence.ceiling
    if component_type == WEIGHTS:
        level = min(level, model.node.weights_ceiling)
    elif component_type == PRETRAINING:
        level = min(level, model.node.data_ceiling)
    elif component_type == FINETUNING:
        level = min([level] + [d.ceiling for d in model.finetuned_on])
    if level == 4 and not (component.licence.open and component.availability in PUBLIC and component.location):
        level = 3
    return level


def fair_level(model: Model, component_type: str) -> int:
    """The level an honest source gives: the highest allowed, but level 4 only under a licence made for the content.

    Code wants an OSI-approved licence; data, weights and documents an open-data one (the
    warning of claim rule 2).
    """
    level = honest_level(model, component_type)
    if level == 4:
        licence = model.components[component_type].licence
        if not (licence and (licence.osi if component_type in CODE else licence.open_data)):
            return 3
    return level


def level_term(level: int) -> str:
    return "mokg:LevelNotApplicable" if level == NA else f"mokg:Level{level}"


def claim_pairs(
    model: Model, source: str, row: str, component_type: str, level: int, label: str | None = None
) -> list[str]:
    """A component claim of ``source``, in the form and wording its imported claims have."""
    of = f"synthetic-{model.node.index}"
    component = model.components.get(component_type)
    if source == SOURCES[0]:  # Open Source AI Index: open / partial / closed
        grade = {4: "open", 3: "partial"}.get(level, "closed")
        level = {4: 4, 3: 3}.get(level, 0) if level != NA else 0
        extra = [
            f'mokg:sourceGrade "{grade}"',
            f'mokg:sourceRow "{row}"',
            'mokg:sourceTable "European Open Source AI Index"',
        ]
        default, motivation = grade, f"Synthetic grade of the {row} of {of}."
    elif source == SOURCES[1]:  # Model Openness Tool: the licence it applies
        extra = (
            [f"mokg:claimedLicense {component.licence.term}"]
            if component and component.licence and not component.licence.is_status
            else []
        )
        default = "Not applicable" if level == NA else PREF_LABELS[level]
        motivation = f"Model Openness Tool (synthetic): the {row} of {of}."
    else:  # How Open is Generative AI? Part 2
        extra = [f'mokg:sourceRow "{row}"', 'mokg:sourceTable "LLM Model Openness in a Nutshell"']
        default = "Not applicable" if level == NA else PREF_LABELS[level]
        motivation = f"Synthetic motivation for the {row} of {of}."
    return ["a mokg:OpennessClaim", f"prov:wasQuotedFrom {source}", f"mokg:aboutModel <model/{of}>",
            f"mokg:componentType {component_type}", f'mokg:levelLabel "{label or default}"@en',
            f'mokg:motivation "{motivation}"@en', f"mokg:opennessLevel {level_term(level)}", *extra]  # fmt: skip


def write_claims(out: TurtleFile, rng: random.Random, model: Model) -> tuple[int, int]:
    """Claims about ``model``: honest ones from one or two sources, sometimes one wrong on purpose.

    Returns (claims, wrong claims).
    """
    chance = {"base": 1.0, "finetune": 0.4, "merge": 0.2, "distillation": 0.3, "continued-pretraining": 0.3}
    if rng.random() >= chance.get(model.kind, 0.05):
        return 0, 0
    sources = SOURCES[:2] if model.kind == "base" else (rng.choices(SOURCES[:3], (45, 40, 15))[0],)
    of = f"synthetic-{model.node.index}"
    written = 0
    for source in sources:
        rows = {SOURCES[0]: OSAI_ROWS, SOURCES[1]: MOT_ROWS, SOURCES[2]: HOIGA_ROWS}[source]
        if model.kind != "base":
            rows = rng.sample(rows, rng.randint(2, 4))
        for row, component_type in rows:
            level = fair_level(model, component_type)
            if level == NA and source == SOURCES[0]:
                continue  # the Index grades what exists
            slug = row.lower().replace(" ", "-").replace("(", "").replace(")", "").replace("_", "-")
            out.entity(f"<claim/{source[8:-1]}/{of}/{slug}>", claim_pairs(model, source, row, component_type, level))
            written += 1
    if rng.random() >= 0.1:
        return written, 0
    # One wrong claim, of a kind the facts allow to be wrong (each breaks at least one claim rule).
    weights = honest_level(model, WEIGHTS)
    kinds = ["label", "not-applicable", "open-source-ai", "mof-class"]
    kinds += ["weights-level-4"] * 2 if weights < 4 else []
    kinds += ["pretraining-level-4"] if honest_level(model, PRETRAINING) < 4 else []
    wrong = rng.choice(kinds)
    subject = f"<claim/{SOURCES[2][8:-1]}/{of}/{wrong}>"
    if wrong == "label":  # rule 1: the label names another level
        fair = fair_level(model, WEIGHTS)
        pairs = claim_pairs(model, SOURCES[2], "Model (weights)", WEIGHTS, fair, PREF_LABELS[(fair + 2) % 5])
    elif wrong == "not-applicable":  # rule 4: every model has weights
        pairs = claim_pairs(model, SOURCES[2], "Model (weights)", WEIGHTS, NA)
    elif wrong == "weights-level-4":  # rules 2 and 5: licence or base allows less, or not public
        pairs = claim_pairs(model, SOURCES[2], "Model (weights)", WEIGHTS, 4)
    elif wrong == "pretraining-level-4":  # rules 2, 3 and 5
        pairs = claim_pairs(model, SOURCES[2], "Pre-training Dataset", PRETRAINING, 4)
    elif wrong == "open-source-ai":  # rule 7: no model here publishes data-processing code
        subject = f"<claim/{SOURCES[3][8:-1]}/{of}/open-source-ai>"
        pairs = ["a mokg:OpennessClaim", f"prov:wasQuotedFrom {SOURCES[3]}", f"mokg:aboutModel <model/{of}>",
                 "mokg:claimsOpenSourceAI true", f'mokg:motivation "{of} is open source AI."@en']  # fmt: skip
    else:  # rule 8: MOF class I needs every component, intermediate checkpoints included
        subject = f"<claim/{SOURCES[1][8:-1]}/{of}/mof-class>"
        pairs = ["a mokg:OpennessClaim", f"prov:wasQuotedFrom {SOURCES[1]}", f"mokg:aboutModel <model/{of}>",
                 "mokg:claimedMOFClass 1", f'mokg:motivation "The Tool (synthetic): class I for {of}."@en']  # fmt: skip
    out.entity(subject, pairs)
    return written + 1, 1


def check_named(typed: set[str]) -> None:
    """Stop unless every bundled record the generator names exists (as a typed resource)."""
    named = {term for profile in PROFILES for term in (profile[0], profile[1], *profile[3]) if term}
    named |= {name for name, _ in DATA_LICENCES} | set(SOURCES) | set(OTHER_TERMS) | set(RELICENCES)
    named |= set(CODE_LICENCES) | set(PAPER_LICENCES) | {"<license/per-subset>"}
    named |= {f"<dataset/{d}>" for d in REAL_PRETRAINING + REAL_FINETUNING}
    missing = sorted(named - typed)
    if missing:
        raise LookupError(f"records the generator names are missing from {ROOT / 'data'}: {', '.join(missing)}")


def prepare(out: Path) -> Path:
    """An empty output root with the bundled records copied in; the folder for synthetic files."""
    if out.exists() and any(out.iterdir()):
        if not (out / SUMMARY).is_file():
            raise FileExistsError(f"{out} is not empty and holds no {SUMMARY}: not a generated graph, left alone")
        for name in ("ontology", "shapes", "data", SUMMARY):
            path = out / name
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    for folder in BUNDLED:
        shutil.copytree(ROOT / folder, out / folder)
    (out / SUMMARY).write_text('{"complete": false}\n', encoding="utf-8")  # marks the folder as ours
    synthetic = out / "data" / "synthetic"
    synthetic.mkdir(parents=True)
    return synthetic


def generate(models: int, out: Path, seed: int = 0, *, models_per_file: int = MODELS_PER_FILE) -> Summary:
    """Write a mokg root with ``models`` synthetic models to ``out``; what it holds."""
    if models < 1:
        raise ValueError("models must be at least 1")
    started = time.perf_counter()
    licences, real, typed = read_facts()
    check_named(typed)
    folder = prepare(out)
    rng = random.Random(seed)
    bases = base_count(models)
    orgs, datasets = min(20_000, 20 + models // 50), min(5_000, 20 + models // 200)

    triples = 0
    shared = TurtleFile(folder / "licenses.ttl")
    for subject, pairs in synthetic_licences():
        shared.entity(subject, pairs)
    triples += shared.close()
    shared = TurtleFile(folder / "organizations.ttl")
    write_organizations(shared, orgs)
    triples += shared.close()
    shared = TurtleFile(folder / "datasets.ttl")
    synthetic = write_datasets(shared, rng, datasets, orgs, licences)
    triples += shared.close()
    pretraining = [real[f"<dataset/{d}>"] for d in REAL_PRETRAINING] + synthetic[::4]
    finetuning = [real[f"<dataset/{d}>"] for d in REAL_FINETUNING] + [d for k, d in enumerate(synthetic) if k % 4]

    kinds = list(KINDS)
    kind_weights = list(accumulate(KINDS[k][1] for k in kinds))
    tree_weights = list(accumulate(1 / (rank + 1) for rank in range(bases)))  # Zipf, exponent 1
    trees: list[Tree] = []
    families = TurtleFile(folder / "families.ttl")
    derived: Counter[str] = Counter()
    depths: Counter[int] = Counter()
    claims = wrong = 0
    model_file = claim_file = None
    files = 4
    for i in range(models):
        if i % models_per_file == 0:
            for done in (model_file, claim_file):
                triples += done.close() if done else 0
            model_file = TurtleFile(folder / f"models-{i // models_per_file:05d}.ttl")
            claim_file = TurtleFile(folder / f"claims-{i // models_per_file:05d}.ttl")
            files += 2
        if i < bases:
            model = make_base(rng, i, orgs, licences, pretraining, real)
            trees.append(Tree(model.node, [[model.node]] + [[] for _ in range(MAX_DEPTH - 1)], [0] * MAX_DEPTH))
            families.entity(model.family, ["a mokg:ModelFamily", f'rdfs:label "Synthetic family {i}"@en',
                                           f"dcterms:creator {model.creator}"])  # fmt: skip
        else:
            tree = trees[rng.choices(range(bases), cum_weights=tree_weights)[0]]
            kind = rng.choices(kinds, cum_weights=kind_weights)[0]
            model = make_derived(rng, i, tree, kind, orgs, licences, finetuning, pretraining)
            tree.descendants += 1
            derived[model.kind] += 1
            if model.kind not in LEAVES:
                remember(tree, model.node)
        depths[model.node.depth] += 1
        write_model(model_file, model)
        written, wrong_here = write_claims(claim_file, rng, model)
        claims, wrong = claims + written, wrong + wrong_here
    for done in (model_file, claim_file, families):
        triples += done.close() if done else 0

    biggest = max(trees, key=lambda tree: tree.descendants)
    summary = Summary(
        models=models,
        seed=seed,
        base_models=bases,
        derived=dict(sorted(derived.items())),
        depths=dict(sorted(depths.items())),
        max_depth=max(depths),
        biggest_base=f"{BASE}model/synthetic-{biggest.node.index}",
        biggest_base_descendants=biggest.descendants,
        organizations=orgs,
        datasets=datasets,
        licences=len(SYNTHETIC_LICENCES),
        claims=claims,
        wrong_claims=wrong,
        triples=triples,
        files=files,
        bytes=sum(path.stat().st_size for path in folder.iterdir()),
    )
    record = {key: value for key, value in asdict(summary).items() if key != "seconds"}
    (out / SUMMARY).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    summary.seconds = time.perf_counter() - started
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, required=True, help="number of models (10000, 100000, 1000000…)")
    parser.add_argument("--out", type=Path, required=True, help="output root (created; a previous output is replaced)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0): same seed, same bytes")
    args = parser.parse_args()
    try:
        summary = generate(args.models, args.out, args.seed)
    except (FileExistsError, LookupError, ValueError) as error:
        parser.error(str(error))
    for key, value in asdict(summary).items():
        print(f"{key:<25} {value}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{'peak RSS':<25} {peak:.0f} MiB")
    print(f"{'output':<25} {summary.bytes / 2**20:.1f} MiB in {args.out / 'data' / 'synthetic'}")


if __name__ == "__main__":
    main()
