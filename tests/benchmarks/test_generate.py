"""The benchmark graphs are what the benchmarks say they time: Hub-like, valid, reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BASE, GENERATED_MODELS, generator

from mokg.loader import discover
from mokg.rules import run_rules
from mokg.store import EmbeddedStore

PREFIX = "PREFIX mokg: <https://w3id.org/mokg/ontology#>\n"


@pytest.fixture(scope="module")
def derived(generated_root: Path) -> EmbeddedStore:
    store = EmbeddedStore()
    store.load(discover(generated_root, BASE), BASE)
    run_rules(store, BASE)
    return store


@pytest.fixture(scope="module")
def summary(generated_root: Path) -> dict:
    return json.loads((generated_root / "summary.json").read_text())


def count(store: EmbeddedStore, where: str) -> int:
    rows = list(store.query(f"{PREFIX}SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0]["n"].value)


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path):
    generate = generator().generate
    generate(120, tmp_path / "a", seed=7, models_per_file=50)
    generate(120, tmp_path / "b", seed=7, models_per_file=50)
    generate(120, tmp_path / "c", seed=8, models_per_file=50)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len([f for f in files if f.name.startswith("models-")]) == 3
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert (tmp_path / "a" / "summary.json").read_bytes() != (tmp_path / "c" / "summary.json").read_bytes()


def test_the_summary_tells_what_the_graph_holds(derived: EmbeddedStore, summary: dict):
    synthetic = f"FILTER(STRSTARTS(STR(?m), '{BASE}model/synthetic-'))"
    assert count(derived, f"?m a mokg:Model {synthetic}") == GENERATED_MODELS == summary["models"]
    assert sum(summary["derived"].values()) == GENERATED_MODELS - summary["base_models"]
    assert sum(summary["depths"].values()) == GENERATED_MODELS and summary["max_depth"] == max(
        int(d) for d in summary["depths"]
    )
    biggest = f"<{summary['biggest_base']}>"
    assert count(derived, f"?m mokg:derivedFrom {biggest}") == summary["biggest_base_descendants"]
    assert count(derived, f"?c a mokg:OpennessClaim ; mokg:aboutModel ?m {synthetic}") == summary["claims"]


def test_lineage_is_hub_like(derived: EmbeddedStore, summary: dict):
    """Most models derived, chains several steps deep, one base with many descendants, merges."""
    assert summary["base_models"] < GENERATED_MODELS // 4
    assert summary["max_depth"] >= 4
    assert summary["biggest_base_descendants"] > GENERATED_MODELS // 10
    assert summary["derived"]["merge"] > 0 and summary["derived"]["quantization"] > 0
    assert count(derived, "?m mokg:mergedFrom ?a, ?b FILTER(?a != ?b)") > 0
