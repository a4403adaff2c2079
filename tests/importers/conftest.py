"""Importer tests see the curated graph only.

An importer decides what is new by looking at the graph it merges into. Once imported records
live in data/, the bundled graph already holds what the fixtures describe; these tests must
keep checking the importers against the curated records alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BASE, REPO

from mokg.importers.base import GENERATED_MARK
from mokg.loader import discover, load_files
from mokg.rules import run_rules
from mokg.store import EmbeddedStore


@pytest.fixture(scope="session")
def curated_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root holding the ontology, the shapes and the curated data files (none written by an importer)."""
    root = tmp_path_factory.mktemp("curated")
    for file in discover(REPO, BASE):
        if not file.path.read_bytes().startswith(GENERATED_MARK.encode()):
            target = root / file.path.relative_to(REPO)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(file.path)
    return root


@pytest.fixture(scope="session")
def store(curated_root: Path) -> EmbeddedStore:
    """The curated graph, with derived facts."""
    curated = EmbeddedStore()
    curated.replace(load_files(discover(curated_root, BASE), BASE))
    run_rules(curated, BASE)
    return curated
