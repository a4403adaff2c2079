"""Settings: where the graph comes from, what base IRI it is published under, where it is stored.

Values come from keyword arguments, then ``MOKG_*`` environment variables, then defaults, so
the CLI, the service and the tests build settings the same way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

__all__ = ["DEFAULT_BASE_IRI", "Settings", "bundled_root", "default_cache_dir"]

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


def default_cache_dir() -> Path:
    """Where commands keep the graphs they loaded: ``$XDG_CACHE_HOME/mokg``, else ``~/.cache/mokg``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mokg"


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
    store_engine: Literal["oxigraph", "virtuoso"] = Field(
        "oxigraph",
        description="The server a store URL points to: its endpoints and what its SPARQL needs (docs/deploy.md).",
    )
    store_user: str | None = Field(
        None, description="User that writes to a remote store which needs one (Virtuoso: granted SPARQL_UPDATE)."
    )
    store_password: str | None = Field(
        None, repr=False, description="Password of store_user (HTTP digest); from MOKG_STORE_PASSWORD, not a flag."
    )
    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="Where commands keep the graph they loaded when no store is named, to reuse it while the files "
        "are unchanged.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(1_000_000, gt=0, description="Largest request body the service reads (413 beyond).")
    max_query_length: int = Field(100_000, gt=0, description="Longest SPARQL query accepted, in characters (413).")
    max_query_depth: int = Field(64, gt=0, description="Deepest bracket nesting of a SPARQL query (400 beyond).")
    query_timeout: float = Field(5.0, gt=0, description="Seconds a SPARQL query may run before it is stopped (503).")
    result_cap: int = Field(10_000, gt=0, description="Most rows (or triples) in a SPARQL result; beyond, it is cut.")
    result_max_bytes: int = Field(8_000_000, gt=0, description="About the most bytes of a SPARQL result; beyond, cut.")
    sparql_services: list[str] = Field(
        default_factory=list,
        description="The only endpoints SERVICE may call, as full IRIs (none by default: SERVICE is refused, 400).",
    )
    query_workers: int = Field(2, gt=0, description="Worker processes for queries and validations at full priority.")
    slow_query_workers: int = Field(
        4, ge=0, description="More workers, started to take the place of those whose job became slow."
    )
    slow_query_after: float = Field(0.5, gt=0, description="Seconds after which a job is slow: moved to low priority.")
    worker_memory_mb: int = Field(768, gt=0, description="Memory a worker may use (MB); beyond, its job is stopped.")
    per_client_requests: int = Field(4, gt=0, description="Queries and validations one client may have at once (429).")
    queue_size: int = Field(32, ge=0, description="Requests that may wait for a worker; beyond, 429.")
    validation_timeout: float = Field(20.0, gt=0, description="Seconds a POST /validate may run (503 beyond).")
    max_submission_triples: int = Field(20_000, gt=0, description="Most triples in a POST /validate body (413).")
    max_submission_entities: int = Field(500, gt=0, description="Most typed entities in a POST /validate body (413).")
    max_rdf_depth: int = Field(32, gt=0, description="Deepest nesting of a submitted document (400 beyond).")
    cache_max_age: int = Field(300, ge=0, description="Seconds GET responses of /sparql may be cached (Cache-Control).")
    response_cache_mb: int = Field(
        64, ge=0, description="Memory (MB) for answers kept by entity tag: records, SPARQL GET results, pages."
    )
    request_timeout: float = Field(
        10.0, gt=0, description="Seconds a client has to send a whole request (headers and body); then it is closed."
    )
    keepalive_timeout: int = Field(5, gt=0, description="Seconds an idle kept-alive connection stays open.")
    connections_per_client: int = Field(64, gt=0, description="Open connections one client may have (429 beyond).")
    max_connections: int = Field(2048, gt=0, description="Connections and requests in all; beyond, 503.")

    @field_validator("sparql_services", mode="before")
    @classmethod
    def _services_as_list(cls, value: object) -> object:
        """``MOKG_SPARQL_SERVICES`` is a list of IRIs separated by spaces or commas."""
        return value.replace(",", " ").split() if isinstance(value, str) else value

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

    def to_env(self) -> dict[str, str]:
        """The settings as the ``MOKG_*`` variables :meth:`from_env` reads (for worker processes)."""
        values = {}
        for name, value in self.model_dump().items():
            if value is not None:
                values[f"MOKG_{name.upper()}"] = " ".join(value) if isinstance(value, list) else str(value)
        return values

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
