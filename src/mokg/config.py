"""Settings: where the graph comes from, what base IRI it is published under, where it is stored.

Values come from keyword arguments, then ``MOKG_*`` environment variables, then defaults, so
the CLI, the service and the tests build settings the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

__all__ = ["DEFAULT_BASE_IRI", "Settings", "bundled_root"]

DEFAULT_BASE_IRI = "https://w3id.org/mokg/"


def bundled_root() -> Path:
    """The folder holding ``ontology/``, ``shapes/`` and ``data/``.

    A wheel carries them inside the package (``mokg/bundled``); a source checkout or editable
    install has them at the repository root, two levels above this file.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "bundled", here.parents[1]):
        if (candidate / "ontology" / "mokg.ttl").is_file():
            return candidate
    return here.parents[1]


class Settings(BaseModel):
    """Configuration shared by the CLI and the service."""

    base_iri: str = Field(
        DEFAULT_BASE_IRI,
        description="Base IRI of published entities; data files' relative IRIs resolve against it.",
    )
    root: Path = Field(default_factory=bundled_root, description="Folder with ontology/, shapes/ and data/.")
    store: str | None = Field(
        None, description="On-disk store folder, or the URL of an Oxigraph server; in memory when unset."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(1_000_000, gt=0, description="Largest request body the service reads (413 beyond).")
    max_query_length: int = Field(100_000, gt=0, description="Longest SPARQL query accepted, in characters (413).")
    query_timeout: float = Field(5.0, gt=0, description="Seconds a SPARQL query may run before it is stopped (503).")
    result_cap: int = Field(10_000, gt=0, description="Most rows (or triples) in a SPARQL result; beyond, it is cut.")
    query_workers: int = Field(2, gt=0, description="Processes evaluating SPARQL queries in parallel.")
    cache_max_age: int = Field(300, ge=0, description="Seconds GET responses of /sparql may be cached (Cache-Control).")

    @field_validator("store", mode="before")
    @classmethod
    def _store_as_text(cls, value: object) -> object:
        """A folder may be given as a Path; it is kept as text, like a URL."""
        return str(value) if isinstance(value, os.PathLike) else value

    @field_validator("base_iri")
    @classmethod
    def _base_ends_with_slash(cls, value: str) -> str:
        """Entity IRIs are ``{base}model/{slug}``, so the base must end with a slash."""
        if not value.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {value!r}")
        return value

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from the environment, overridden by the non-``None`` keyword arguments.

        Reads ``MOKG_`` followed by a field name in capitals (``MOKG_BASE_IRI``, ``MOKG_STORE``…).
        """
        values: dict[str, object] = {}
        for name in cls.model_fields:
            env = os.environ.get(f"MOKG_{name.upper()}")
            if env:
                values[name] = env
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)
