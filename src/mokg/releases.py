"""Releases, dumps and VoID: the graph as immutable, citable snapshots and downloadable files.

**Releases.** ``mokg release VERSION`` freezes the whole store (every named graph, asserted and
derived) into ``{folder}/{version}.nq.gz`` with a manifest ``{folder}/{version}.json`` that
records its SHA-256, size and counts. A release is never changed after it is made: making it
twice is an error, and opening it verifies the checksum first, so a changed file is refused
rather than served. Its records are published at ``{base}release/{version}/{kind}/{slug}``,
linked to the living record by ``dcat:hasVersion`` / ``dcat:isVersionOf``. Inside the
snapshot, entities keep their persistent IRIs (``{base}model/{slug}``): a release IRI names a
frozen *record* of the entity, not another entity.

**Dumps.** :func:`make_dumps` writes the living graph as files a user can download:
``mokg.nq.gz`` (N-Quads, gzip: every named graph kept, the lossless dump, same format as
releases), ``mokg.nt.gz`` (N-Triples, gzip) and ``mokg.ttl`` (Turtle) of the union graph (graph
names dropped: Turtle and N-Triples cannot carry them), and ``mokg.jsonld`` (JSON-LD of the
dataset, named graphs kept). The output is deterministic: blank nodes are renamed canonically
(RDFC-1.0), lines are sorted and gzip headers carry no time stamp, so the same graph gives the
same bytes and the same checksums. Dumps and releases are streamed: read from the store once
(or, after ``mokg load --store``, from the journal of its writes: :mod:`mokg.snapshot`),
sorted on disk, written in blocks, so memory does not grow with the graph (a million models
are 130 M quads). ``mokg load --store DIR`` writes the dumps into the new store's folder
(:func:`write_store_dumps`), so a service over that store serves them at once
(:func:`read_store_dumps`); any other store has them made on first request.

**VoID.** :func:`void_description` describes the dataset in VoID and DCAT 3: statistics from
SPARQL ``COUNT`` queries, one class partition per mokg class, the SPARQL endpoint, and each
dump and release as a ``dcat:Distribution`` with byte size and SHA-256 checksum
(``spdx:checksum``, the SPDX 2 RDF terms DCAT 3 recommends). The service computes it once,
when the graph is loaded, never per request.

**Verified on every read.** :class:`Releases` checks a release file against its manifest
before it serves anything from it, and again whenever the file is no longer the one it
checked (another inode, size, modification or change time: any write changes the change
time, which no program can set back): a changed release is refused, never served.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from mokg import __version__
from mokg.errors import MokgError
from mokg.formats import GZIP, JSON_LD, N_QUADS, N_TRIPLES, TURTLE, Format, by_media, serialize
from mokg.snapshot import write_lines, write_snapshot
from mokg.statistics import DATA_LICENSE, dataset_iri, source_details, void_statistics
from mokg.store import EmbeddedStore, Store
from mokg.vocab import PREFIXES, VOID

__all__ = [
    "DUMP_BASE",
    "STORE_DUMPS",
    "VERSION_PATTERN",
    "VOID_PREFIXES",
    "Dump",
    "InvalidVersion",
    "ReleaseCorrupted",
    "ReleaseError",
    "ReleaseExists",
    "ReleaseManifest",
    "Releases",
    "UnknownRelease",
    "catalogue",
    "create_release",
    "dataset_iri",
    "graph_stamp",
    "list_releases",
    "make_dumps",
    "open_release",
    "read_manifest",
    "read_store_dumps",
    "release_dataset_iri",
    "release_download_url",
    "release_iri",
    "release_record_links",
    "serialize_rdf",
    "validate_version",
    "version_links",
    "void_description",
    "write_store_dumps",
]

# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ReleaseError(MokgError):
    """Something is wrong with a release (a bad version, a release that exists or is missing)."""

    exit_code = 2
    http_status = 400


class InvalidVersion(ReleaseError):
    """A release version that is not of the form ``MAJOR.MINOR[.PATCH][-suffix]``."""

    http_status = 400


class ReleaseExists(ReleaseError):
    """A release of that version exists already: releases are immutable."""

    http_status = 409


class UnknownRelease(ReleaseError):
    """No release of that version has been made."""

    http_status = 404


class ReleaseCorrupted(ReleaseError):
    """A release file no longer matches its manifest: it was changed, and is not served."""

    exit_code = 1
    http_status = 500


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

_RDF = PREFIXES["rdf"]
_XSD = PREFIXES["xsd"]
_DCAT = PREFIXES["dcat"]
_DCTERMS = PREFIXES["dcterms"]
_VOID = str(VOID)
_SPDX_RDF = "http://spdx.org/rdf/terms#"
_IANA = "https://www.iana.org/assignments/media-types/"
_DATA_LICENSE = DATA_LICENSE

#: Prefixes for serializing VoID (``spdx:`` is taken by the SPDX licence list, so the SPDX 2
#: RDF terms used for checksums get ``spdxrdf:``).
VOID_PREFIXES: dict[str, str] = {**PREFIXES, "void": _VOID, "spdxrdf": _SPDX_RDF}

#: What mokg's data set is, in a sentence (VoID, the catalogue, the home page).
DESCRIPTION = (
    "AI models, their components (weights, code, data, documents) and how open each one is: licences, "
    "availability, training data, derivations and openness claims, with the facts derived from them."
)

#: Path, under the base IRI, where the living dumps are downloaded (``{base}dumps/mokg.ttl``).
DUMP_BASE = "dumps/"


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(f"{_XSD}{datatype}"))


def _integer(value: int) -> ox.Literal:
    return _typed(value, "integer")


def _datetime(value: datetime) -> ox.Literal:
    return _typed(_iso(value), "dateTime")


def _iso(value: datetime) -> str:
    """``value`` in UTC, to the second, as ``2025-01-02T03:04:05Z``."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --------------------------------------------------------------------------------------------
# Versions and IRIs
# --------------------------------------------------------------------------------------------

#: What a release version looks like: ``1.0``, ``1.0.0``, ``2024.06``, ``1.0.0-rc.1``.
VERSION_PATTERN = re.compile(r"^\d+\.\d+(\.\d+)?([-.][0-9A-Za-z.]+)?$")
_MAX_VERSION_LENGTH = 64


def validate_version(version: str) -> str:
    """``version`` if it is a valid release version, else :class:`InvalidVersion` (HTTP 400, exit 2).

    The pattern also keeps versions safe as file names and IRI path segments: no ``/``, no
    spaces, nothing to escape.
    """
    if not isinstance(version, str) or len(version) > _MAX_VERSION_LENGTH or not VERSION_PATTERN.match(version):
        raise InvalidVersion(
            f"invalid release version {version!r}: expected MAJOR.MINOR[.PATCH][-suffix], such as 1.0 or 1.0.0-rc.1"
        )
    return version


def release_iri(base_iri: str, version: str, kind: str, slug: str) -> str:
    """The IRI of a release record: ``{base}release/{version}/{kind}/{slug}``."""
    return f"{base_iri}release/{validate_version(version)}/{kind}/{slug}"


def release_dataset_iri(base_iri: str, version: str) -> str:
    """The IRI of a release as a whole (a ``void:Dataset``): ``{base}release/{version}``."""
    return f"{base_iri}release/{validate_version(version)}"


def release_download_url(base_iri: str, version: str) -> str:
    """Where a release's N-Quads file is downloaded: ``{base}release/{version}/mokg-{version}.nq.gz``."""
    return f"{release_dataset_iri(base_iri, version)}/mokg-{version}.nq.gz"


# --------------------------------------------------------------------------------------------
# Snapshots: the store as sorted, canonical N-Quads, written in bounded memory
# --------------------------------------------------------------------------------------------

#: Bytes read at a time when a file is copied or transformed.
_BLOCK_BYTES = 1 << 20


def _write_union(snapshot: Path, path: Path) -> tuple[int, int]:
    """The union graph of a snapshot (:func:`write_snapshot`) into ``path``: sorted N-Triples, each triple once.

    Returns the number of triples and of named graphs (their names are counted in a set: one
    per source file). A line of the snapshot is ``T G .``, a triple then a graph name, which
    (an IRI or a blank node) holds no space: the triple is what comes before the last two
    spaces. The triples come out sorted, a triple held by several graphs on consecutive lines,
    so each is kept once without a second sort: the snapshot's lines are sorted, a triple is
    followed by a space (the smallest byte a line holds), and no triple is written as another
    followed by a space (each term ends where its syntax says).
    """
    graphs: set[bytes] = set()

    def triples() -> Iterator[bytes]:
        with snapshot.open("rb") as quads:
            for block in iter(lambda: quads.readlines(_BLOCK_BYTES), []):
                for line in block:
                    triple, graph, _ = line.rsplit(b" ", 2)
                    graphs.add(graph)
                    yield triple + b" .\n"

    count = write_lines(path, map(itemgetter(0), itertools.groupby(triples())))
    return count, len(graphs)


class _Output:
    """A binary file object writing to ``file``, gzipped first if asked, that hashes and counts what reaches it.

    The gzip stream is zlib's (``wbits=31``), as :func:`gzip.compress` writes it with ``mtime=0``:
    no file name and no time stamp in the header, so the same content gives the same bytes.
    """

    def __init__(self, file: BinaryIO, *, gzip: bool) -> None:
        self._file = file
        self._gzip = zlib.compressobj(6, zlib.DEFLATED, 31) if gzip else None
        self._sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        """Take the next bytes of the content."""
        self._put(self._gzip.compress(data) if self._gzip else data)
        return len(data)

    def flush(self) -> None:
        """Nothing to do: the file is flushed when it is closed, after :meth:`finish`."""

    def finish(self) -> str:
        """End the gzip stream, if any; the SHA-256 of every byte written to the file."""
        if self._gzip:
            self._put(self._gzip.flush())
        return self._sha256.hexdigest()

    def _put(self, data: bytes) -> None:
        if data:
            self._file.write(data)
            self._sha256.update(data)
            self.size += len(data)


def _copy(source: Path, output: BinaryIO) -> None:
    with source.open("rb") as file:
        for block in iter(lambda: file.read(_BLOCK_BYTES), b""):
            output.write(block)


def _write_file(path: Path, write: Callable[[BinaryIO], object], *, gzip: bool = False) -> tuple[str, int]:
    """Write ``path`` with ``write(output)``, atomically; its SHA-256 and size.

    The file is written under a temporary name in its folder and renamed into place, so a
    reader sees the old file or the new one, never half of one.
    """
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with temporary.open("wb") as file:
            output = _Output(file, gzip=gzip)
            write(output)  # type: ignore[arg-type]  # a binary file object, as far as the writers go
            digest = output.finish()
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return digest, output.size


# --------------------------------------------------------------------------------------------
# Releases
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseManifest:
    """What ``{version}.json`` says about a release; the file it names must match it forever."""

    version: str
    created: datetime
    file: str
    sha256: str
    size: int
    quads: int
    triples: int
    graphs: int
    base_iri: str
    mokg_version: str

    def to_json(self) -> dict[str, object]:
        """The manifest as JSON (``created`` as ``2025-01-02T03:04:05Z``)."""
        data = asdict(self)
        data["created"] = _iso(self.created)
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ReleaseManifest:
        """A manifest read from its JSON."""
        values = dict(data)
        values["created"] = datetime.fromisoformat(str(values["created"]).replace("Z", "+00:00"))
        return cls(**values)  # type: ignore[arg-type]


def create_release(
    store: Store, version: str, folder: Path, base_iri: str, *, now: datetime | None = None
) -> ReleaseManifest:
    """Freeze ``store`` into release ``version``: ``{folder}/{version}.nq.gz`` and ``{version}.json``.

    :class:`InvalidVersion` for a malformed version; :class:`ReleaseExists` when either file
    exists already (a release is never replaced). Both files are written in a temporary folder
    of ``folder`` and linked into place without overwriting, manifest last, and made read-only.
    The file is the snapshot of :func:`write_snapshot`, gzipped as the dumps are: a release
    of the graph a dump was made from is byte-identical to ``mokg.nq.gz``.
    """
    validate_version(version)
    folder.mkdir(parents=True, exist_ok=True)
    data_path, manifest_path = folder / f"{version}.nq.gz", folder / f"{version}.json"
    if data_path.exists() or manifest_path.exists():
        raise ReleaseExists(f"release {version} exists already in {folder}: releases never change")
    with tempfile.TemporaryDirectory(prefix=".release-", dir=folder) as temporary:
        work = Path(temporary)
        nquads, compressed, written = work / "mokg.nq", work / data_path.name, work / manifest_path.name
        quads = write_snapshot(store, nquads)
        triples, graphs = _write_union(nquads, work / "mokg.nt")
        digest, size = _write_file(compressed, partial(_copy, nquads), gzip=True)
        manifest = ReleaseManifest(
            version=version,
            created=(now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0),
            file=data_path.name,
            sha256=digest,
            size=size,
            quads=quads,
            triples=triples,
            graphs=graphs,
            base_iri=base_iri,
            mokg_version=__version__,
        )
        written.write_bytes(json.dumps(manifest.to_json(), indent=2).encode() + b"\n")
        for path, temporary in ((data_path, compressed), (manifest_path, written)):
            try:
                os.link(temporary, path)  # fails if the file appeared meanwhile: never overwrite
            except FileExistsError:
                raise ReleaseExists(f"release {version} exists already in {folder}: releases never change") from None
            path.chmod(0o444)
    return manifest


def read_manifest(folder: Path, version: str) -> ReleaseManifest:
    """The manifest of release ``version``: :class:`InvalidVersion` (400) or :class:`UnknownRelease` (404)."""
    validate_version(version)
    path = folder / f"{version}.json"
    try:
        manifest = ReleaseManifest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise UnknownRelease(f"no release {version} of mokg") from None
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise ReleaseCorrupted(f"release manifest {path} is unreadable: {error}") from None
    if manifest.version != version:
        raise ReleaseCorrupted(f"release manifest {path} names version {manifest.version!r}")
    return manifest


def list_releases(folder: Path) -> list[ReleaseManifest]:
    """Every release in ``folder``, oldest first (an absent folder has none)."""
    manifests = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        version = path.name.removesuffix(".json")
        if VERSION_PATTERN.match(version):
            manifests.append(read_manifest(folder, version))
    return sorted(manifests, key=lambda m: (m.created, m.version))


def open_release(folder: Path, version: str) -> EmbeddedStore:
    """Release ``version`` in an in-memory store, after checking its file against the manifest.

    :class:`InvalidVersion` (400) for a malformed version, :class:`UnknownRelease` (404) for one
    never made, :class:`ReleaseCorrupted` (500, exit 1) when the file is missing or its checksum,
    size or quad count differs from the manifest: a release is never served changed.
    """
    manifest = read_manifest(folder, version)
    path = folder / manifest.file
    try:
        compressed = path.read_bytes()
    except OSError as error:
        raise ReleaseCorrupted(f"release {version}: cannot read {path}: {error.strerror or error}") from None
    if len(compressed) != manifest.size or hashlib.sha256(compressed).hexdigest() != manifest.sha256:
        raise ReleaseCorrupted(f"release {version}: {path.name} does not match the checksum in its manifest")
    try:
        quads = list(ox.parse(gzip.decompress(compressed), format=ox.RdfFormat.N_QUADS))
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ReleaseCorrupted(f"release {version}: {path.name} is unreadable: {error}") from None
    if len(quads) != manifest.quads:
        raise ReleaseCorrupted(f"release {version}: {len(quads)} quads, the manifest says {manifest.quads}")
    store = EmbeddedStore()
    store.replace(quads)
    return store


def _fingerprint(stat: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is written: device, inode, size, modification and change time."""
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class Releases:
    """The releases of one folder for a service: listed on demand, verified on every read.

    A release's store is loaded (and its file checked) the first time it is asked for and kept
    in memory; every later read first checks that the file is still the one verified (see the
    module), and verifies it again if not. New releases made while the service runs are seen
    at the next listing.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._stores: dict[str, tuple[tuple[int, ...], str, EmbeddedStore]] = {}
        self._files: dict[str, tuple[tuple[int, ...], str]] = {}
        self._listed: tuple[int, list[ReleaseManifest]] | None = None
        self._lock = threading.Lock()

    def list(self) -> list[ReleaseManifest]:
        """Every release, oldest first: read again only when the folder changed (a release added)."""
        try:
            stamp = self.folder.stat().st_mtime_ns
        except OSError:
            return []
        with self._lock:
            if self._listed is not None and self._listed[0] == stamp:
                return list(self._listed[1])
        manifests = list_releases(self.folder)
        with self._lock:
            self._listed = (stamp, manifests)
        return list(manifests)

    def manifest(self, version: str) -> ReleaseManifest:
        """The manifest of ``version`` (400 / 404 as :func:`read_manifest`)."""
        return read_manifest(self.folder, version)

    def _stat(self, manifest: ReleaseManifest) -> tuple[int, ...]:
        try:
            return _fingerprint((self.folder / manifest.file).stat())
        except OSError as error:
            raise ReleaseCorrupted(f"release {manifest.version}: {manifest.file} is unreadable: {error}") from None

    def store(self, version: str) -> EmbeddedStore:
        """The verified store of ``version`` (400 / 404 / 500 as :func:`open_release`)."""
        return self._verified(self.manifest(version))

    def _verified(self, manifest: ReleaseManifest) -> EmbeddedStore:
        """The store of the release ``manifest`` describes, its file checked unchanged since it was verified."""
        version = manifest.version
        with self._lock:
            seen = self._stat(manifest)
            known = self._stores.get(version)
            if known is None or known[:2] != (seen, manifest.sha256):
                store = open_release(self.folder, version)
                if self._stat(manifest) != seen:
                    raise ReleaseCorrupted(f"release {version}: {manifest.file} changed while it was read")
                self._stores[version] = (seen, manifest.sha256, store)
            return self._stores[version][2]

    def open_file(self, version: str) -> tuple[ReleaseManifest, BinaryIO]:
        """The release's file, opened and verified against its manifest, at its start.

        The caller reads it with :meth:`chunks`, which stops with :class:`ReleaseCorrupted` if
        the file changes while it is sent.
        """
        manifest = self.manifest(version)
        try:
            file = (self.folder / manifest.file).open("rb")
        except OSError as error:
            raise ReleaseCorrupted(f"release {version}: cannot read {manifest.file}: {error}") from None
        seen = _fingerprint(os.fstat(file.fileno()))
        with self._lock:
            checked = self._files.get(version) == (seen, manifest.sha256)
        if not checked:
            digest = hashlib.sha256()
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
            if seen[2] != manifest.size or digest.hexdigest() != manifest.sha256:
                file.close()
                raise ReleaseCorrupted(
                    f"release {version}: {manifest.file} does not match the checksum in its manifest"
                )
            with self._lock:
                self._files[version] = (seen, manifest.sha256)
            file.seek(0)
        return manifest, file

    @staticmethod
    def chunks(file: BinaryIO, size: int = 1 << 16) -> Iterator[bytes]:
        """The rest of an open release file, closed at the end; an error if it changed meanwhile."""
        with file:
            before = _fingerprint(os.fstat(file.fileno()))
            yield from iter(lambda: file.read(size), b"")
            if _fingerprint(os.fstat(file.fileno())) != before:
                raise ReleaseCorrupted("the release file changed while it was sent")

    def containing(self, iri: str) -> list[ReleaseManifest]:
        """The releases whose snapshot describes ``iri`` (has it as a subject), oldest first.

        A corrupted release is left out here (the living record still answers); asking for it
        by version still raises :class:`ReleaseCorrupted`.
        """
        query = f"ASK {{ {ox.NamedNode(iri)} ?p ?o }}"
        found = []
        for manifest in self.list():  # the listed manifests: not read again for every record
            try:
                if bool(self._verified(manifest).query(query)):
                    found.append(manifest)
            except ReleaseCorrupted:
                continue
        return found


def version_links(
    living_iri: str, base_iri: str, releases: Sequence[ReleaseManifest], *, kind: str, slug: str
) -> list[ox.Triple]:
    """``<living> dcat:hasVersion <{base}release/{version}/{kind}/{slug}>`` for each release.

    Pass only the releases that hold the entity (:meth:`Releases.containing`), so that no link
    leads to a 404. For a licence, ``living_iri`` is the entity's IRI (an SPDX IRI, possibly)
    and ``slug`` its licence id, as in its record URL.
    """
    has_version = _iri(f"{_DCAT}hasVersion")
    return [
        ox.Triple(_iri(living_iri), has_version, _iri(release_iri(base_iri, m.version, kind, slug))) for m in releases
    ]


def release_record_links(
    living_iri: str, base_iri: str, release: ReleaseManifest, *, kind: str, slug: str
) -> list[ox.Triple]:
    """What a release record adds to the snapshot's record of the entity.

    ``<release> dcat:isVersionOf <living> ; dcat:version "1.0" ; dcterms:issued …`` and
    ``dcterms:isPartOf`` the release dataset, plus ``<living> dcat:hasVersion <release>`` so
    that a JSON-LD record framed on the entity embeds the release node.
    """
    record = _iri(release_iri(base_iri, release.version, kind, slug))
    living = _iri(living_iri)
    return [
        ox.Triple(record, _iri(f"{_DCAT}isVersionOf"), living),
        ox.Triple(record, _iri(f"{_DCAT}version"), ox.Literal(release.version)),
        ox.Triple(record, _iri(f"{_DCTERMS}issued"), _datetime(release.created)),
        ox.Triple(record, _iri(f"{_DCTERMS}isPartOf"), _iri(release_dataset_iri(base_iri, release.version))),
        ox.Triple(living, _iri(f"{_DCAT}hasVersion"), record),
    ]


# --------------------------------------------------------------------------------------------
# Dumps
# --------------------------------------------------------------------------------------------

#: The folder, inside an on-disk store's folder, where ``mokg load`` writes the dumps of the
#: graph it loaded (RocksDB leaves other files of its folder alone), with their manifest.
STORE_DUMPS = "dumps"
_DUMPS_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Dump:
    """One dump file: its name, RDF format, compression, checksum, size and statement count.

    ``format`` is the RDF format of the (uncompressed) content; ``compression`` is gzip for the
    ``.gz`` files (DCAT 3's ``dcat:compressFormat``). A compressed dump is served as
    :attr:`content_type` (``application/gzip``), never with ``Content-Encoding``, so a client
    saves the file as it is named.
    """

    filename: str
    format: Format
    sha256: str
    size: int
    statements: int
    named_graphs: bool
    compression: Format | None = None

    @property
    def content_type(self) -> str:
        """The HTTP ``Content-Type`` to serve the file with."""
        return (self.compression or self.format).media_type

    @property
    def format_name(self) -> str:
        """A human name of the format, for titles and pages."""
        return f"{self.format.label} ({self.compression.label})" if self.compression else self.format.label

    def to_json(self) -> dict[str, object]:
        """The dump as JSON, formats by their media types (a manifest's entry)."""
        data = asdict(self)
        data["format"] = self.format.media_type
        data["compression"] = self.compression.media_type if self.compression else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Dump:
        """A dump read from a manifest's entry; :class:`ValueError` if it is not one mokg writes."""
        values = dict(data)
        rdf_format, compression = by_media(str(values["format"])), values["compression"]
        if rdf_format is None or (compression is not None and by_media(str(compression)) is None):
            raise ValueError(f"unknown format in {data}")
        values["format"] = rdf_format
        values["compression"] = by_media(str(compression)) if compression is not None else None
        return cls(**values)  # type: ignore[arg-type]


#: The dumps, in the order they are described: file name, RDF format, whether the named graphs
#: are kept (written from the snapshot; else from its union graph), compression.
_DUMP_FILES: tuple[tuple[str, Format, bool, Format | None], ...] = (
    ("mokg.nq.gz", N_QUADS, True, GZIP),
    ("mokg.nt.gz", N_TRIPLES, False, GZIP),
    ("mokg.ttl", TURTLE, False, None),
    ("mokg.jsonld", JSON_LD, True, None),
)

#: Snapshots at least this big have each dump written by a Python process of its own. Turtle and
#: JSON-LD are written by pyoxigraph from statements parsed back into Python objects, which holds
#: the interpreter for each statement: two threads take turns, two processes do not. Starting an
#: interpreter costs about 0.4 s, more than two threads lose on a small graph.
_PROCESS_BYTES = 64 << 20
#: What such a process runs, given the folder, the work folder and the file name as arguments.
_WRITE_DUMP = (
    "import sys; from pathlib import Path; from mokg.releases import _write_dump; "
    "print(*_write_dump(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]))"
)
#: The folder mokg is imported from, given to those processes.
_PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def make_dumps(store: Store, folder: Path) -> list[Dump]:
    """Write the living graph's dumps into ``folder`` and describe them.

    ``mokg.nq.gz`` (every named graph), ``mokg.nt.gz`` and ``mokg.ttl`` (the union graph: each
    triple once, however many graphs hold it), ``mokg.jsonld`` (every named graph).
    Deterministic: the same graph gives the same bytes (see :func:`write_snapshot`). Files are
    replaced atomically, so a reader never sees half a dump.

    Streamed, so memory does not grow with the graph: the quads are read once into a sorted
    snapshot on disk (:func:`write_snapshot`), the union graph is read off it, each triple
    once (:func:`_write_union`), and each file is written from one of the two in blocks, its
    checksum and size computed as it is written (:class:`_Output`); Turtle and JSON-LD are
    written by pyoxigraph from the statements parsed back one at a time. Two files are written
    at a time; for a large graph (:data:`_PROCESS_BYTES`) each by a new Python process
    (:func:`_write_dump_apart`). Temporary files, in a hidden folder of ``folder``, take up to
    about twice the uncompressed N-Quads while the dumps are made.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".work-", dir=folder) as temporary:
        work = Path(temporary)
        quads = write_snapshot(store, work / "mokg.nq")
        triples, _ = _write_union(work / "mokg.nq", work / "mokg.nt")
        write = _write_dump_apart if (work / "mokg.nq").stat().st_size >= _PROCESS_BYTES else _write_dump
        names = [name for name, *_ in _DUMP_FILES][::-1]  # the longest (JSON-LD, Turtle) first
        with ThreadPoolExecutor(max_workers=2) as pool:
            written = dict(zip(names, pool.map(partial(write, folder, work), names), strict=True))
        return [
            Dump(name, rdf_format, *written[name], quads if graphs else triples, graphs, compression)
            for name, rdf_format, graphs, compression in _DUMP_FILES
        ]


def _write_dump(folder: Path, work: Path, filename: str) -> tuple[str, int]:
    """Write the dump ``filename`` into ``folder`` from the snapshot and its union graph in ``work``: SHA-256, size."""
    _, rdf_format, graphs, compression = next(entry for entry in _DUMP_FILES if entry[0] == filename)
    source, source_format = (work / "mokg.nq", N_QUADS) if graphs else (work / "mokg.nt", N_TRIPLES)
    if rdf_format is source_format:
        write: Callable[[BinaryIO], object] = partial(_copy, source)
    else:
        prefixes = PREFIXES if rdf_format is TURTLE else None
        write = partial(_reserialize, source, source_format, rdf_format, prefixes=prefixes)
    return _write_file(folder / filename, write, gzip=compression is not None)


def _write_dump_apart(folder: Path, work: Path, filename: str) -> tuple[str, int]:
    """:func:`_write_dump` run by a new Python process (the calling thread waits without holding the interpreter).

    A process started afresh by ``subprocess``: not forked (the caller may have other threads,
    whose locks a fork would copy held: the service, the load's journal), nor started by
    :mod:`multiprocessing`, which would import the caller's ``__main__`` again. It finds mokg
    where this process found it.
    """
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACKAGE_PARENT), environment.get("PYTHONPATH")]))
    command = [sys.executable, "-c", _WRITE_DUMP, str(folder), str(work), filename]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if done.returncode != 0:
        error = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]  # the exception raised
        raise MokgError(f"writing the dump {filename} failed: {error[0]}")
    digest, size = done.stdout.split()
    return digest, int(size)


def _reserialize(
    source: Path, source_format: Format, target: Format, output: BinaryIO, *, prefixes: dict[str, str] | None = None
) -> None:
    """The statements of ``source`` written to ``output`` in another format, one at a time (never all in memory)."""
    statements = ox.parse(path=source, format=source_format.rdf, lenient=True)  # mokg's own output: valid
    ox.serialize(statements, output, format=target.rdf, prefixes=prefixes)


def graph_stamp(store: Store) -> str:
    """When the graph ``store`` holds was made: the last end time of the runs that wrote it, and their number.

    The load, the rules and the validation record their runs (PROV) in the store itself, so
    every load gives a new stamp; what is computed from a loaded graph (the dumps, the
    service's ETags) is known to be of that graph by it.
    """
    rows = list(
        store.query(
            "SELECT (MAX(STR(?t)) AS ?v) (COUNT(*) AS ?n) "
            "WHERE { GRAPH ?g { ?g prov:wasGeneratedBy/prov:endedAtTime ?t } }"
        )
    )
    return " ".join(term.value for term in rows[0] if term is not None) if rows else ""  # type: ignore[union-attr]


def write_store_dumps(store: EmbeddedStore) -> list[Dump]:
    """Write the dumps of the graph an on-disk store holds into its folder (``{store}/dumps``), manifest last.

    What ``mokg load --store DIR`` does before it renames the new store into place, so the
    dumps are swapped in with the graph they are of, and a service serves them at once
    (:func:`read_store_dumps`) instead of making them on a request. The manifest records each
    :class:`Dump` and the :func:`graph_stamp` of the graph.
    """
    if store.path is None:
        raise ValueError("only an on-disk store keeps its dumps")
    folder = store.path / STORE_DUMPS
    dumps = make_dumps(store, folder)
    manifest = {"graph": graph_stamp(store), "mokg_version": __version__, "dumps": [d.to_json() for d in dumps]}
    text = json.dumps(manifest, indent=2).encode() + b"\n"
    _write_file(folder / _DUMPS_MANIFEST, lambda output: output.write(text))
    return dumps


def read_store_dumps(store: Store) -> tuple[Path, list[Dump]] | None:
    """The dumps ``mokg load`` kept in the folder of ``store``, if they are of its graph: their folder and descriptions.

    ``None`` when there are none to use, and the dumps must be made: a store in memory or
    remote, a store loaded by a mokg that did not keep dumps, a manifest unreadable or of
    another graph (its :func:`graph_stamp` differs), a file missing or not of the size the
    manifest gives. The files are not hashed again: they were written with the store, whose
    folder only ``mokg load`` replaces, whole.
    """
    if not isinstance(store, EmbeddedStore) or store.path is None:
        return None
    folder = store.path / STORE_DUMPS
    try:
        manifest = json.loads((folder / _DUMPS_MANIFEST).read_text(encoding="utf-8"))
        if manifest["graph"] != graph_stamp(store):
            return None
        dumps = [Dump.from_json(entry) for entry in manifest["dumps"]]
        if any(Path(dump.filename).name != dump.filename for dump in dumps):  # a name in the folder, nothing else
            return None
        if any((folder / dump.filename).stat().st_size != dump.size for dump in dumps):
            return None
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return folder, dumps


# --------------------------------------------------------------------------------------------
# VoID
# --------------------------------------------------------------------------------------------


def _distribution(
    node: ox.NamedNode, url: str, media: Format, compression: Format | None, sha256: str, size: int, title: str
) -> list[ox.Triple]:
    """A ``dcat:Distribution`` with download URL, media type, byte size and SHA-256 checksum."""
    checksum = _iri(f"{node.value}-checksum")
    triples = [
        ox.Triple(node, _iri(f"{_RDF}type"), _iri(f"{_DCAT}Distribution")),
        ox.Triple(node, _iri(f"{_DCTERMS}title"), ox.Literal(title, language="en")),
        ox.Triple(node, _iri(f"{_DCAT}downloadURL"), _iri(url)),
        ox.Triple(node, _iri(f"{_DCAT}accessURL"), _iri(url)),
        ox.Triple(node, _iri(f"{_DCAT}mediaType"), _iri(f"{_IANA}{media.media_type}")),
        ox.Triple(node, _iri(f"{_DCAT}byteSize"), _typed(size, "nonNegativeInteger")),
        ox.Triple(node, _iri(f"{_DCTERMS}license"), _iri(_DATA_LICENSE)),
        ox.Triple(node, _iri(f"{_SPDX_RDF}checksum"), checksum),
        ox.Triple(checksum, _iri(f"{_RDF}type"), _iri(f"{_SPDX_RDF}Checksum")),
        ox.Triple(checksum, _iri(f"{_SPDX_RDF}algorithm"), _iri(f"{_SPDX_RDF}checksumAlgorithm_sha256")),
        ox.Triple(checksum, _iri(f"{_SPDX_RDF}checksumValue"), _typed(sha256, "hexBinary")),
    ]
    if compression:
        triples.append(ox.Triple(node, _iri(f"{_DCAT}compressFormat"), _iri(f"{_IANA}{compression.media_type}")))
    return triples


def void_description(
    store: Store,
    base_iri: str,
    dumps: Sequence[Dump],
    releases: Sequence[ReleaseManifest],
    *,
    download_base: str | None = None,
    statistics: Sequence[ox.Triple] | None = None,
) -> list[ox.Triple]:
    """The VoID (and DCAT 3) description of the living graph, its dumps and its releases.

    The dataset is ``{base}void#dataset``: a ``void:Dataset`` and ``dcat:Dataset`` with title,
    description, licence (CC-BY-4.0), the statistics of its union graph (``void:triples``,
    ``void:entities`` — distinct subjects under ``void:uriSpace`` —, ``void:classes``,
    ``void:properties``, ``void:distinctSubjects``, ``void:distinctObjects``), one
    ``void:classPartition`` per mokg class, its SPARQL endpoint, its landing page (the service's
    home page, whose catalogue names this dataset), example resources and vocabularies. Each
    dump is a ``void:dataDump`` and a ``dcat:Distribution`` downloaded from
    ``{download_base}{filename}`` (default ``{base}dumps/``); each release a
    ``dcat:hasVersion``, itself a dataset with its N-Quads dump and checksum.

    ``statistics`` is :func:`void_statistics` computed earlier (the costly part); without it,
    it is computed now.
    """
    download_base = download_base if download_base is not None else f"{base_iri}{DUMP_BASE}"
    dataset = _iri(dataset_iri(base_iri))
    a = _iri(f"{_RDF}type")

    def void(name: str) -> ox.NamedNode:
        return _iri(f"{_VOID}{name}")

    triples = [
        ox.Triple(dataset, a, void("Dataset")),
        ox.Triple(dataset, a, _iri(f"{_DCAT}Dataset")),
        ox.Triple(
            dataset, _iri(f"{_DCTERMS}title"), ox.Literal("mokg: the Model Openness Knowledge Graph", language="en")
        ),
        ox.Triple(dataset, _iri(f"{_DCTERMS}description"), ox.Literal(DESCRIPTION, language="en")),
        ox.Triple(dataset, _iri(f"{_DCTERMS}license"), _iri(_DATA_LICENSE)),
        ox.Triple(dataset, void("uriSpace"), ox.Literal(base_iri)),
        ox.Triple(dataset, void("sparqlEndpoint"), _iri(f"{base_iri}sparql")),
        ox.Triple(dataset, _iri(f"{_DCAT}landingPage"), _iri(base_iri)),
        ox.Triple(dataset, _iri(f"{_DCTERMS}isPartOf"), _iri(base_iri)),
        *(statistics if statistics is not None else void_statistics(store, base_iri)),
        *source_details(store),
    ]
    for dump in dumps:
        url = f"{download_base}{dump.filename}"
        node = _iri(f"{base_iri}void#dump-{dump.filename}")
        graphs = "every named graph" if dump.named_graphs else "the union of all graphs"
        triples += [
            ox.Triple(dataset, void("dataDump"), _iri(url)),
            ox.Triple(dataset, _iri(f"{_DCAT}distribution"), node),
            ox.Triple(dataset, void("feature"), _iri(dump.format.w3c_iri)),
            *_distribution(
                node,
                url,
                dump.format,
                dump.compression,
                dump.sha256,
                dump.size,
                f"mokg dump, {dump.format_name}, {graphs}",
            ),
        ]
    for release in releases:
        node = _iri(release_dataset_iri(base_iri, release.version))
        url = release_download_url(base_iri, release.version)
        distribution = _iri(f"{node.value}#dump")
        triples += [
            ox.Triple(dataset, _iri(f"{_DCAT}hasVersion"), node),
            ox.Triple(node, a, void("Dataset")),
            ox.Triple(node, a, _iri(f"{_DCAT}Dataset")),
            ox.Triple(node, _iri(f"{_DCTERMS}title"), ox.Literal(f"mokg release {release.version}", language="en")),
            ox.Triple(node, _iri(f"{_DCAT}isVersionOf"), dataset),
            ox.Triple(node, _iri(f"{_DCAT}version"), ox.Literal(release.version)),
            ox.Triple(node, _iri(f"{_DCTERMS}issued"), _datetime(release.created)),
            ox.Triple(node, _iri(f"{_DCTERMS}license"), _iri(_DATA_LICENSE)),
            ox.Triple(node, void("triples"), _integer(release.triples)),
            ox.Triple(node, void("dataDump"), _iri(url)),
            ox.Triple(node, _iri(f"{_DCAT}distribution"), distribution),
            *_distribution(
                distribution,
                url,
                N_QUADS,
                GZIP,
                release.sha256,
                release.size,
                f"mokg release {release.version}, N-Quads (gzip), every named graph",
            ),
        ]
    return list(dict.fromkeys(triples))  # without repeats


def serialize_rdf(triples: Sequence[ox.Triple], media: Format) -> bytes:
    """``triples`` (the VoID description) in an RDF format, deterministically, with VoID's prefixes."""
    return serialize(triples, media, VOID_PREFIXES)


def catalogue(base_iri: str) -> list[ox.Triple]:
    """The service's home as DCAT: a ``dcat:Catalog`` at the base IRI, its data set and its SPARQL service.

    What ``GET /`` answers to a client asking for RDF; the VoID description (``/void``) has the
    data set's statistics, dumps and releases.
    """
    home, dataset, endpoint = _iri(base_iri), _iri(dataset_iri(base_iri)), _iri(f"{base_iri}sparql")
    a = _iri(f"{_RDF}type")
    title = ox.Literal("mokg: the Model Openness Knowledge Graph", language="en")
    return [
        ox.Triple(home, a, _iri(f"{_DCAT}Catalog")),
        ox.Triple(home, _iri(f"{_DCTERMS}title"), title),
        ox.Triple(home, _iri(f"{_DCTERMS}description"), ox.Literal(DESCRIPTION, language="en")),
        ox.Triple(home, _iri(f"{_DCTERMS}license"), _iri(_DATA_LICENSE)),
        ox.Triple(home, _iri(f"{PREFIXES['foaf']}homepage"), home),
        ox.Triple(home, _iri(f"{_DCAT}dataset"), dataset),
        ox.Triple(home, _iri(f"{_DCAT}service"), endpoint),
        ox.Triple(dataset, a, _iri(f"{_DCAT}Dataset")),
        ox.Triple(dataset, _iri(f"{_DCTERMS}title"), title),
        ox.Triple(dataset, _iri(f"{PREFIXES['rdfs']}seeAlso"), _iri(f"{base_iri}void")),
        ox.Triple(dataset, _iri(f"{_DCAT}landingPage"), home),
        ox.Triple(endpoint, a, _iri(f"{_DCAT}DataService")),
        ox.Triple(endpoint, _iri(f"{_DCTERMS}title"), ox.Literal("mokg SPARQL endpoint", language="en")),
        ox.Triple(endpoint, _iri(f"{_DCAT}endpointURL"), endpoint),
        ox.Triple(endpoint, _iri(f"{_DCAT}servesDataset"), dataset),
        ox.Triple(endpoint, _iri(f"{_DCTERMS}conformsTo"), _iri("https://www.w3.org/TR/sparql11-protocol/")),
    ]
