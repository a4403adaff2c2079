"""Shared fixtures: the bundled graph loaded once per run, a tiny root, a free port."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from mokg.config import Settings
from mokg.graph import open_store
from mokg.store import EmbeddedStore

TESTS = Path(__file__).parent
REPO = TESTS.parent
TEST_DATA = TESTS / "data"
TINY_ROOT = TEST_DATA / "root"
BASE = "https://w3id.org/mokg/"


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings of the bundled graph, as the CLI and service use by default."""
    return Settings(root=REPO)


@pytest.fixture(scope="session")
def store(settings: Settings) -> EmbeddedStore:
    """The bundled graph in an in-memory store, loaded once for the whole run."""
    return open_store(settings)


@pytest.fixture
def tiny_settings() -> Settings:
    return Settings(root=TINY_ROOT)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
