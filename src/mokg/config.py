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
    store: Path | None = Field(None, description="On-disk store folder; in memory when unset.")
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(1_000_000, gt=0, description="Largest request body the service reads (413 beyond).")

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
