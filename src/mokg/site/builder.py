"""Build the static site: the paged leaderboard, its search index, a page per entity, compare, ontology, SPARQL.

Everything comes from SPARQL queries on the store (pyoxigraph). The output is deterministic
(sorted everything, no timestamps: the one date, a citation's "accessed" date, is the graph's
``dcterms:modified``), uses relative links only, and needs no network at view time (the CSS
and JavaScript are copied into ``assets/``). Links that leave the site are external homepages
and the persistent URIs of the records (downloads in each format, citations, the SPARQL endpoint).

At Hugging Face scale (a million models) three things matter, and ``docs/site.md`` measures them:

- **Work per page is constant.** The data every page shares (entities, leaderboard, lineage,
  what links to what) is read with a few queries over the whole graph, indexed once; a page
  then costs its own record query, its framing and its template. Record pages are rendered by
  ``workers`` processes forked from the builder, each reading the same store.
- **Every file stays under the page budget.** The leaderboard is paged (``page_size`` models a
  page, in score order) and searched through a sharded index (``search/``); the compare page
  loads the models it shows from shards (``compare/``); a lineage diagram and a list of what
  links to an entity are cut at a fixed size, saying how many more there are.
- **A change rebuilds what depends on it.** The marker file (:data:`MARKER`) keeps the state of
  the build: the sources' digests, the entities, the leaderboard order, the entities each data
  graph names, the digest of every file. Given ``sources`` that differ in a few data files, a
  build renders only the pages that show what those files say (see :func:`build`), and the
  result is byte for byte the site a full build gives.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import time
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from html import escape, unescape
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from mokg import __version__
from mokg.citation import bibtex, cite
from mokg.diffs import diff_versions
from mokg.errors import MokgError
from mokg.feeds import FEED_RELEASES, diff_entries, release_pairs
from mokg.formats import CITATION_FORMATS, HTML, RECORD_FORMATS
from mokg.history import HISTORY_KINDS, history, shows_timeline, timeline, versions
from mokg.record_page import TEMPLATE_GLOBALS
from mokg.records import framed, record_triples, schema_org
from mokg.releases import ReleaseManifest, Releases
from mokg.site.data import (
    GROUPS,
    STATUS_LABEL,
    STATUS_RANK,
    Entity,
    LeaderRow,
    data_date,
    derivation_edges,
    entities,
    graph_mentions,
    leaderboard,
    lineage_of,
    model_datasets,
    ontology_terms,
    rank,
    related,
    scores,
    subjects_of,
    values,
)
from mokg.site.lineage import Lineage, lineage_svg
from mokg.sparql import load_examples
from mokg.store import EmbeddedStore, Store
from mokg.vocab import MOKG

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MARKER",
    "PAGE_BUDGET",
    "BuildReport",
    "Progress",
    "SiteError",
    "State",
    "build",
    "source_digests",
]

#: ``progress(done, total, what)``: called after each page (and once with ``done == 0`` first).
Progress = Callable[[int, int, str], None]

#: The file that marks a folder as a site built by mokg (so that a rebuild may empty it), holding
#: the state an incremental build starts from.
MARKER = ".mokg-site"
#: The most bytes a file of the site may have: every page and data file stays under it.
PAGE_BUDGET = 500 * 1024
#: Models per leaderboard page (about 1.1 KB each): a page of about 110 KB.
DEFAULT_PAGE_SIZE = 100
#: Entries per search shard (names are cut to :data:`NAME_LIMIT` characters): at most about 100 KB.
SHARD_SIZE = 500
NAME_LIMIT = 120
#: Entities a "what links here" list shows; the rest are counted.
RELATED_LIMIT = 100
#: Below this many record pages one process renders them all: forking costs more than it gains.
PARALLEL_FROM = 1000
#: Record pages a worker process renders at a time.
BATCH = 64
#: What the state in :data:`MARKER` is: a build that finds another format builds everything.
STATE_FORMAT = 2

#: The Model Openness Framework's 17 components in the MOF's order, for the compare page.
MOF_TYPES = [
    "ModelArchitecture", "ModelParametersFinal", "ModelCard", "DataCard", "TechnicalReport", "EvaluationResults",
    "SampleModelOutputs", "TrainingCode", "InferenceCode", "EvaluationCode", "EvaluationData", "SupportingLibraries",
    "DataPreprocessingCode", "Datasets", "ModelParametersIntermediate", "ModelMetadata", "ResearchPaper",
]  # fmt: skip
ROMAN = {0: "none", 1: "I", 2: "II", 3: "III"}
#: The What changed page: entities it lists at most (the newest), and sentences it shows of each,
#: so that it stays under the page budget however much changed; it links the service's full diffs.
CHANGED_ENTITIES = 200
CHANGED_SENTENCES = 10
#: The leaderboard's table as downloads (``leaderboard.csv``, ``leaderboard.json``): its columns.
DOWNLOAD_COLUMNS = [
    "model", "id", "score", "mof_class", "osaid", "organization", "licence", "licence_status", "licence_category",
    *(re.sub(r"[^a-z0-9]+", "_", heading.lower().replace("&", "and")).strip("_") for _, heading, _ in GROUPS),
]  # fmt: skip
_HREF = re.compile(r'href="([^"]*)"')
_NOT_WORD = re.compile(r"[\W_]+")


class SiteError(MokgError):
    """The site cannot be built where asked (exit 2)."""

    exit_code = 2


@dataclass
class BuildReport:
    """What a build wrote: the folder, the number of pages and files, their size, the largest page."""

    out: Path
    pages: int = 0
    files: int = 0
    bytes: int = 0
    largest: tuple[str, int] = ("", 0)
    seconds: float = 0.0
    kinds: dict[str, int] = field(default_factory=dict)
    #: ``"full"``, or ``"incremental"`` when only what a change touched was rendered.
    mode: str = "full"
    #: Why a build with the state of an earlier one still rendered everything.
    reason: str = ""
    #: Pages rendered by this build (all of them in a full build).
    rendered: int = 0

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.kinds.items()))
        done = f", {self.rendered} rendered again" if self.mode == "incremental" else ""
        done += f"; full build: {self.reason}" if self.reason else ""
        return (
            f"{self.pages} pages ({kinds}{done}), {self.files} files, {self.bytes / 1024:.0f} KB in {self.out} "
            f"(largest {self.largest[0]}, {self.largest[1] / 1024:.0f} KB) in {self.seconds:.1f} s"
        )

    def count(self, path: str, size: int) -> None:
        """Count one page written."""
        self.pages += 1
        kind = path.split("/")[0] if "/" in path else "page"
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if (size, path) > (self.largest[1], self.largest[0]):
            self.largest = (path, size)


def _environment() -> Environment:
    environment = Environment(
        loader=ChoiceLoader([PackageLoader("mokg.site", "templates"), PackageLoader("mokg", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    environment.globals.update(TEMPLATE_GLOBALS)
    return environment


def _json_script(value: object) -> str:
    """JSON safe to embed in a ``<script type="application/json">`` element or a script file."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def search_key(text: str) -> str:
    """What the search compares: letters and digits, case-folded, without accents (``"Llama 2 7B"``: ``llama27b``)."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return _NOT_WORD.sub("", "".join(c for c in plain if not unicodedata.combining(c)))


def _keys(entity: Entity) -> list[str]:
    """The search keys of a model: its name from each word that starts with a letter, and its slug."""
    name = entity.label.casefold()
    if not name.isascii():  # the common case skips the normalization, most of the time of an index
        name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = [w for w in _NOT_WORD.split(name) if w]
    keys = {"".join(words[i:]) for i, w in enumerate(words) if i == 0 or w[0].isalpha()}
    keys.add(search_key(entity.slug))
    return sorted(k for k in keys if k)


# --------------------------------------------------------------------------------------------
# The state kept between builds
# --------------------------------------------------------------------------------------------


@dataclass
class State:
    """What a build leaves in :data:`MARKER` for the next one (JSON, sorted: the same build gives the same bytes)."""

    settings: dict[str, Any]
    sources: dict[str, str] | None
    entities: dict[str, Entity]
    order: list[tuple[str, float | None]]  # the leaderboard: (model IRI, score), in order
    mentions: dict[str, dict[str, bool]]  # data graph → {entity with a page it names: as a subject}
    files: dict[str, tuple[str, int]]  # every file but the marker → (sha256, size)
    releases: str = ""  # the releases the What changed page was made from (:meth:`_Site.releases_key`)

    def dump(self) -> str:
        document = {
            "about": "A static site built by `mokg site build`; a rebuild replaces this folder. "
            "This file is the state an incremental rebuild starts from.",
            "format": STATE_FORMAT,
            "settings": self.settings,
            "sources": self.sources,
            "entities": [[e.kind, e.iri, e.slug, e.label] for e in self.entities.values()],
            "order": [list(entry) for entry in self.order],
            "mentions": self.mentions,
            "files": self.files,
            "releases": self.releases,
        }
        return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"

    @classmethod
    def load(cls, path: Path) -> State | None:
        """The state in ``path``, or ``None`` when there is none a build could start from."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
            return None
        return cls(
            settings=document["settings"],
            sources=document["sources"],
            entities={iri: Entity(kind, iri, slug, label) for kind, iri, slug, label in document["entities"]},
            order=[(iri, score) for iri, score in document["order"]],
            mentions=document["mentions"],
            files={path: (digest, size) for path, (digest, size) in document["files"].items()},
            releases=document.get("releases", ""),
        )


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise SiteError(f"{out} is not empty and holds no site built by mokg ({MARKER} missing): not touching it")
        for child in sorted(out.iterdir()):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    out.mkdir(parents=True, exist_ok=True)


# --------------------------------------------------------------------------------------------
# The builder
# --------------------------------------------------------------------------------------------


@dataclass
class _Data:
    """What pages show beyond their own record: read once for all pages, or for the ones a change touched."""

    pages: dict[str, Entity]
    lineage: Lineage
    datasets: dict[str, list[tuple[str, str]]]
    related: dict[str, list[tuple[str, list[Entity]]]]


class _Site:
    def __init__(
        self,
        store: Store,
        out: Path,
        base_iri: str,
        context: dict,
        progress: Progress | None,
        accessed: date,
        page_size: int,
        sources: Mapping[str, str] | None,
        releases: Releases | None = None,
    ):
        self.store, self.out, self.base_iri, self.context = store, out, base_iri, context
        self.releases = releases
        self.progress = progress
        self.accessed = accessed
        self.page_size = page_size
        self.sources = dict(sorted(sources.items())) if sources else None
        self.env = _environment()
        self.report = BuildReport(out)
        self.files: dict[str, tuple[str, int]] = {}
        self.rendered: set[str] = set()  # the pages this build wrote
        self.done = 0
        self.total = 0
        self.data = _Data({}, Lineage([]), {}, {})
        # The versions records' histories span (mokg.history): every release, in its verified store, and
        # the graph built; read now, before the workers that render records are forked.
        manifests = releases.list() if releases is not None else []
        self.histories = bool(manifests)  # record pages link their history on the service
        self.versions = (
            versions(releases, manifests, store, base_iri) if manifests and shows_timeline(manifests) else []
        )

    @property
    def settings(self) -> dict[str, Any]:
        """What the pages depend on besides the graph: a state built with other settings is not reused."""
        context = hashlib.sha256(json.dumps(self.context, sort_keys=True).encode()).hexdigest()
        return {
            "mokg": __version__,
            "base_iri": self.base_iri,
            "page_size": self.page_size,
            "accessed": self.accessed.isoformat(),
            "context": context,
        }

    # ------------------------------------------------------------------ writing

    def write(self, path: str, text: str) -> None:
        """Write a file of the site, keeping its digest for the state; an ``.html`` file is a page."""
        data = text.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        if self.files.get(path, ("", 0))[0] != digest or not (self.out / path).is_file():
            target = self.out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self.files[path] = (digest, len(data))
        if path.endswith(".html"):
            self.report.count(path, len(data))
            self.report.rendered += 1
            self.rendered.add(path)
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, self.total, path)

    def render(self, template: str, path: str, **values: object) -> None:
        root = "../" * path.count("/")
        page = self.env.get_template(template).render(
            root=root,
            static=f"{root}assets",
            version=__version__,
            base_iri=self.base_iri,
            endpoint=f"{self.base_iri}sparql",
            here=path,
            **values,
        )
        self.write(path, page)

    def copy_assets(self) -> None:
        sources = [resources.files("mokg") / "static" / name for name in ("base.css", "record.css")]
        sources += sorted((e for e in (resources.files("mokg.site") / "assets").iterdir() if e.is_file()),
                          key=lambda e: e.name)  # fmt: skip
        for entry in sources:
            self.write(f"assets/{entry.name}", entry.read_text(encoding="utf-8"))

    # ------------------------------------------------------------------ links

    def relink(self, html: str, own: str, root: str) -> str:
        """Turn links to entities with a page into relative links; the page's own IRI stays persistent."""
        ontology = str(MOKG)
        pages = self.data.pages

        def replace(match: re.Match[str]) -> str:
            url = unescape(match.group(1))
            if url == own:
                return match.group(0)
            entity = pages.get(url)
            if entity is not None:
                return f'href="{escape(root + entity.path)}"'
            if url.startswith(ontology) and len(url) > len(ontology):
                return f'href="{escape(root + "ontology.html#" + quote(url[len(ontology) :], safe=""))}"'
            return match.group(0)

        return _HREF.sub(replace, html)

    # ------------------------------------------------------------------ a full build

    def run(self, workers: int | None) -> BuildReport:
        """Build every page."""
        store, base = self.store, self.base_iri
        pages = entities(store, base)
        self.data = _Data(pages, Lineage(derivation_edges(store)), model_datasets(store), related(store, pages))
        rows = leaderboard(store, pages)
        records = sorted(pages.values(), key=lambda e: (e.kind, e.slug))
        chunks = self.chunks(len(rows))
        self.total = len(records) + len(chunks) + 4
        if self.progress is not None:
            self.progress(0, self.total, "")
        self.copy_assets()
        counts = self.counts()
        for number, (start, end) in enumerate(chunks, 1):
            self.leaderboard_page(number, rows[start:end], len(rows), len(chunks), counts)
        self.downloads([_download_row(row) for row in rows])
        self.search([row.model for row in rows])
        self.compare()
        self.ontology()
        self.sparql()
        self.what_changed()
        self.records(records, workers)
        # What each data file names, for the next build to rebuild what a changed file touches.
        prefix = f"{base}graph/data/"
        data_graphs = [g for g in self.sources or () if g.startswith(prefix)]
        mentions = graph_mentions(store, pages, data_graphs) if data_graphs else {}
        order = [(row.model.iri, row.score) for row in rows]
        self.finish(State(self.settings, self.sources, pages, order, mentions, self.files, self.releases_key()))
        return self.report

    def finish(self, state: State) -> None:
        """Write the state, count the files."""
        (self.out / MARKER).write_text(state.dump(), encoding="utf-8")
        self.report.files = len(state.files) + 1
        self.report.bytes = (self.out / MARKER).stat().st_size + sum(size for _, size in state.files.values())

    def chunks(self, count: int) -> list[tuple[int, int]]:
        """The leaderboard pages as (first, end) indexes into the order: always one page, even with no model."""
        return [(start, min(start + self.page_size, count)) for start in range(0, max(count, 1), self.page_size)]

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for e in self.data.pages.values():
            found[e.kind] = found.get(e.kind, 0) + 1
        return found

    # ------------------------------------------------------------------ pages

    @staticmethod
    def leaderboard_path(number: int) -> str:
        return "index.html" if number == 1 else f"leaderboard/{number}.html"

    def leaderboard_page(
        self, number: int, rows: list[LeaderRow], total: int, pages: int, counts: dict[str, int]
    ) -> None:
        """Leaderboard page ``number`` (1-based) of ``pages``, with ``rows``, and the compare data of its models."""
        orgs = sorted({o for r in rows for o in r.orgs}, key=lambda e: (e.label.casefold(), e.iri))
        categories = sorted({c for r in rows for c in r.categories}, key=str.casefold)
        on_page = {r.model.slug: r.model for r in rows}
        bases = sorted(
            {on_page[s] for r in rows for s in r.bases if s in on_page}, key=lambda e: (e.label.casefold(), e.iri)
        )
        first = (number - 1) * self.page_size
        pager = {
            "number": number,
            "pages": pages,
            "first": first + 1 if rows else 0,
            "last": first + len(rows),
            "links": {
                "first": self.leaderboard_path(1),
                "prev": self.leaderboard_path(number - 1) if number > 1 else "",
                "next": self.leaderboard_path(number + 1) if number < pages else "",
                "last": self.leaderboard_path(pages),
            },
        }
        self.render(
            "site_index.html",
            self.leaderboard_path(number),
            rows=rows,
            total=total,
            pager=pager,
            groups=GROUPS,
            orgs=orgs,
            categories=categories,
            bases=bases,
            roman=ROMAN,
            status_labels=STATUS_LABEL,
            status_ranks=STATUS_RANK,
            counts=counts,
        )
        entries = {row.model.slug: _compare_entry(row) for row in rows}
        self.write(f"compare/{number}.js", f"window.mokgCompare.chunk({number},{_json_script(entries)});\n")

    def search(self, models: list[Entity]) -> None:
        """The search index: every model's keys in sorted shards of :data:`SHARD_SIZE`, and their first keys.

        The shards are scripts (``mokgSearch.shard(n, […])``), not JSON, because a page opened
        from ``file://`` may load a script but not fetch a file. An entry is ``[key, name,
        page path, leaderboard page]``; ``models`` are in leaderboard order.
        """
        entries = sorted(
            (key, m.label[:NAME_LIMIT], m.path, 1 + index // self.page_size)
            for index, m in enumerate(models)
            for key in _keys(m)
        )
        shards = [entries[i : i + SHARD_SIZE] for i in range(0, len(entries), SHARD_SIZE)]
        firsts = [shard[0][0] for shard in shards]
        self.write("search/index.js", f"window.mokgSearch.manifest({_json_script(firsts)},{len(models)});\n")
        for number, shard in enumerate(shards):
            self.write(f"search/{number}.js", f"window.mokgSearch.shard({number},{_json_script(shard)});\n")
        for stale in [p for p in self.files if p.startswith("search/") and p != "search/index.js"]:
            if int(stale.removeprefix("search/").removesuffix(".js")) >= len(shards):
                (self.out / stale).unlink(missing_ok=True)
                del self.files[stale]

    def compare(self) -> None:
        labels = {}
        for r in self.store.query("SELECT ?t ?l WHERE { ?t mokg:mofClass ?c ; skos:prefLabel ?l }"):  # MOF types
            labels[r["t"].value.removeprefix(str(MOKG))] = r["l"].value
        data = {
            "types": [[t, labels.get(t, t)] for t in MOF_TYPES],
            "groups": [[key, heading] for key, heading, _ in GROUPS],
            "statusLabels": STATUS_LABEL,
        }
        self.render("site_compare.html", "compare.html", data=_json_script(data))

    def ontology(self) -> None:
        meta, sections = ontology_terms(self.store, self.base_iri)
        self.render("site_ontology.html", "ontology.html", meta=meta, sections=sections)

    def sparql(self) -> None:
        examples = [(e, f"{self.base_iri}sparql#query={quote(e.query, safe='')}") for e in load_examples()]
        self.render("site_sparql.html", "sparql.html", examples=examples)

    def downloads(self, rows: list[dict[str, Any]]) -> None:
        """The leaderboard's table of every model as ``leaderboard.csv`` and ``leaderboard.json``, in its order.

        The same columns in both (:data:`DOWNLOAD_COLUMNS`): the JSON has a score as a number
        (``null`` without one) and lists where the CSV joins values with ``"; "``. One model a
        line, so that two versions compare line by line. These are data files, not pages: they
        grow with the graph (about 0.5 KB a model) and are the one exception to the page budget.
        """
        text = io.StringIO()
        writer = csv.writer(text)  # RFC 4180: quoted where needed, CRLF line ends
        writer.writerow(DOWNLOAD_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(row[column]) for column in DOWNLOAD_COLUMNS])
        self.write("leaderboard.csv", text.getvalue())
        lines = ",\n".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows)
        self.write("leaderboard.json", f"[\n{lines}\n]\n" if rows else "[]\n")

    def releases_key(self) -> str:
        """What the What changed page says depends on (its links aside): the releases, by version and checksum."""
        manifests = self.releases.list() if self.releases is not None else []
        return hashlib.sha256(" ".join(f"{m.version}:{m.sha256}" for m in manifests).encode()).hexdigest()

    def what_changed(self) -> None:
        """``what-changed.html``: each release against the one before it, newest first, entity by entity, in words.

        The diffs are :mod:`mokg.feeds`' (the same entries as the change feeds), over the newest
        :data:`~mokg.feeds.FEED_RELEASES` releases; once :data:`CHANGED_ENTITIES` entities are
        listed, older releases are named with a link to their diff on the service, not compared.
        Each pair is compared with releases opened for it alone (:class:`~mokg.releases.Releases`
        keeps every store it opened): memory holds two releases, not all of them.
        """
        manifests, folder = (self.releases.list(), self.releases.folder) if self.releases else ([], Path())
        created: dict[str, ReleaseManifest] = {m.version: m for m in manifests}
        sections: list[dict[str, object]] = []
        listed = 0
        for old, new in release_pairs(manifests, FEED_RELEASES):
            section: dict[str, object] = {
                "release": new,
                "previous": old,
                "created": created[new].created.date().isoformat(),
                "diff_url": f"{self.base_iri}release/{old}/diff/{new}",
                "compared": listed < CHANGED_ENTITIES,
            }
            if section["compared"]:
                entries = diff_entries(*diff_versions(Releases(folder), self.store, old, new, self.base_iri))
                shown = entries[: CHANGED_ENTITIES - listed]
                listed += len(shown)
                pages = self.data.pages
                section["total"] = len(entries)
                section["entries"] = [
                    (e, pages[e.entity].path if e.entity in pages else "", e.sentences[:CHANGED_SENTENCES])
                    for e in shown
                ]
            sections.append(section)
        self.render(
            "site_what_changed.html",
            "what-changed.html",
            sections=sections,
            first=manifests[0].version if manifests else "",
            releases=len(manifests),
            more=max(0, len(manifests) - 1 - FEED_RELEASES),
        )

    def records(self, records: list[Entity], workers: int | None) -> None:
        """Render the record pages, in ``workers`` forked processes when there are many.

        Never more processes than batches: the few pages of an incremental build are rendered
        here, where forking two workers for them cost half a second (a quarter of the build).
        """
        batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]
        count = min(workers or (len(os.sched_getaffinity(0)) if len(records) >= PARALLEL_FROM else 1), len(batches))
        if count <= 1:
            for entity in records:
                self.record(entity)
            return
        global _FORKED
        _FORKED = self
        with multiprocessing.get_context("fork").Pool(count, initializer=_reopen) as pool:
            for written in pool.imap(_render_batch, batches):
                for path, digest, size in written:
                    self.files[path] = (digest, size)
                    self.report.count(path, size)
                    self.report.rendered += 1
                    self.rendered.add(path)
                    self.done += 1
                if self.progress is not None and written:
                    self.progress(self.done, self.total, written[-1][0])
        _FORKED = None

    def record(self, entity: Entity) -> None:
        data = self.data
        triples = record_triples(self.store, entity.iri)
        context_url = f"{self.base_iri}context.jsonld"
        document = framed(triples, entity.iri, self.context, context_url)
        url = entity.record_url(self.base_iri)
        downloads = [(f.media_type, f.label, f"{url}{f.suffix}") for f in RECORD_FORMATS if f != HTML]
        try:
            citation = bibtex(cite(self.store, entity.iri, entity.kind, base_iri=self.base_iri, accessed=self.accessed))
        except MokgError:
            citation = ""
        lineage = ""
        if entity.kind == "model":
            lineage = lineage_svg(entity, data.lineage, data.datasets.get(entity.iri, []), data.pages)
        root = "../"
        has_history = self.histories and entity.kind in HISTORY_KINDS
        timeline_of = None  # past TIMELINE_QUADS, the page links the history without reading every release
        if has_history and self.versions:
            timeline_of = timeline(history(self.versions, entity.iri, self.base_iri))
        page = self.env.get_template("site_record.html").render(
            kind=entity.kind,
            record=document,
            iri=entity.iri,
            record_url=url,
            alternates=[(media, href) for media, _name, href in downloads],
            downloads=downloads,
            citations=[(f.label, f"{url}/cite?format={f.names[0]}") for f in CITATION_FORMATS],
            schema_org=schema_org(document, entity.kind),
            static=f"{root}assets",
            root=root,
            version=__version__,
            release=None,
            living=None,
            bibtex=citation,
            related=[(h, items[:RELATED_LIMIT], len(items)) for h, items in data.related.get(entity.iri, [])],
            endpoint=f"{self.base_iri}sparql",
            timeline=timeline_of,
            history_url=f"{url}/history" if has_history else None,
        )
        if lineage:
            figure = self.env.get_template("site_lineage.html").render(svg=lineage, entity=entity, root=root)
            marker = '<section class="components"'
            page = page.replace(marker, figure + marker, 1) if marker in page else page
        self.write(entity.path, self.relink(page, entity.iri, root))

    # ------------------------------------------------------------------ an incremental build

    def update(self, state: State, changed: set[str], workers: int | None) -> BuildReport | str:
        """Render again what the data graphs ``changed`` touch; or say why only a full build will do.

        The pages to render are those of the entities the graphs name, before the change (from
        the state) and after it, and of their lineage (a diagram shows every ancestor and
        descendant); for an entity whose name changed, every page that shows the name too
        (records that link to it, lists of what links to an entity); then the leaderboard pages
        whose models moved or changed, and the search index.
        """
        store, base = self.store, self.base_iri
        prefix = f"{base}graph/data/"
        if any(not g.startswith(prefix) for g in changed):
            return "the ontology or the shapes changed"
        before = {iri for g in changed for iri in state.mentions.get(g, {})}
        subjects = {iri for found in subjects_of(store, changed).values() for iri in found}
        now = entities(store, base, only=before | subjects)
        if not before <= now.keys() <= state.entities.keys():  # counts and links change everywhere
            return "an entity with a page was added or removed"
        if any((e.kind, e.slug) != (state.entities[e.iri].kind, state.entities[e.iri].slug) for e in now.values()):
            return "the address of a page changed"
        kept = _read_downloads(self.out / "leaderboard.json")
        if kept is None or kept.keys() != {iri for iri, _ in state.order}:
            return "the leaderboard downloads are missing or not the state's"
        pages = state.entities | now
        renamed = {iri for iri, e in now.items() if e.label != state.entities[iri].label}
        mentions = {g: v for g, v in state.mentions.items() if g not in changed}
        mentions |= graph_mentions(store, pages, changed)
        mentions = dict(sorted(mentions.items()))
        touched = before | {iri for g in changed for iri in mentions.get(g, {})}
        # A diagram shows every ancestor and descendant: the models the files describe are shown by
        # both; a model they only name (a base model) shows them as descendants, and so do its ancestors.
        models = {iri for iri in touched if pages[iri].kind == "model"}
        named = [state.mentions.get(g, {}) for g in changed] + [mentions.get(g, {}) for g in changed]
        described = models & {iri for found in named for iri, subject in found.items() if subject}
        lineage = lineage_of(store, described) | lineage_of(store, models, descendants=False)
        affected = touched | (lineage & pages.keys()) | showing(store, pages, renamed)
        shown = {iri for iri in affected if pages[iri].kind == "model"}
        self.data = _Data(
            pages,
            Lineage(derivation_edges(store, only=lineage_of(store, shown))),
            model_datasets(store, only=shown),
            related(store, pages, only=affected),
        )
        self.files = dict(state.files)
        self.report.mode = "incremental"

        # The leaderboard: new scores for the affected models, the new order, the pages that differ,
        # whose rows are read in one go.
        score = dict(state.order) | scores(store, shown)
        order = sorted(score, key=lambda iri: rank(pages[iri], score[iri]))
        old = [iri for iri, _ in state.order]
        chunks = self.chunks(len(order))
        redo = [n for n, (a, b) in enumerate(chunks, 1) if order[a:b] != old[a:b] or shown.intersection(order[a:b])]
        listed = {iri for n in redo for iri in order[slice(*chunks[n - 1])]}
        fresh = {row.model.iri: row for row in leaderboard(store, pages, only=listed)} if listed else {}
        records = sorted((pages[iri] for iri in affected), key=lambda e: (e.kind, e.slug))
        releases = self.releases_key()
        if releases != state.releases:
            return "a release was made: every record's history changed"
        changed_releases = "what-changed.html" not in self.files
        self.total = len(records) + len(redo) + changed_releases
        if self.progress is not None:
            self.progress(0, self.total, "")
        counts = self.counts()
        for number in redo:
            start, end = chunks[number - 1]
            self.leaderboard_page(number, [fresh[iri] for iri in order[start:end]], len(order), len(chunks), counts)
        self.downloads([_download_row(fresh[iri]) if iri in fresh else kept[iri] for iri in order])
        self.search([pages[iri] for iri in order])
        if changed_releases:  # its links are to pages whose addresses did not change (else: a full build)
            self.what_changed()
        self.records(records, workers)
        for path, (_digest, size) in sorted(self.files.items()):  # the pages left as they were
            if path.endswith(".html") and path not in self.rendered:
                self.report.count(path, size)
        order_scores = [(i, score[i]) for i in order]
        self.finish(State(self.settings, self.sources, pages, order_scores, mentions, self.files, releases))
        return self.report


_FORKED: _Site | None = None


def _reopen() -> None:
    """In a forked worker: open an on-disk store again (its handle is the parent's), read-only."""
    site = _FORKED
    if site is not None and isinstance(site.store, EmbeddedStore) and site.store.path is not None:
        site.store = EmbeddedStore(site.store.path, read_only=True)


def _render_batch(batch: list[Entity]) -> list[tuple[str, str, int]]:
    """In a forked worker: render ``batch``'s record pages; what was written, as (path, digest, size)."""
    site = _FORKED
    assert site is not None
    site.progress = None
    written = []
    for entity in batch:
        site.record(entity)
        written.append((entity.path, *site.files[entity.path]))
    return written


#: The parts of a record (:data:`mokg.records._RECORD_QUERY`) that name ?e, from the entity ?x
#: whose record it is: ``$parts`` is each part's pattern, from ?x to the subject ?s naming ?e.
_SHOWING_PARTS = [
    "BIND(?s AS ?x)",
    "?x mokg:hasComponent ?s",
    "?s mokg:aboutModel ?x",
    "?x (mokg:hasComponent|^mokg:aboutModel)?/mokg:validationResult ?s",
    "?x mokg:inheritsRestriction/mokg:nextStep* ?s",
    "?x mokg:componentAssessment ?s",
    "?s mokg:disagreementAbout ?x",
]


def showing(store: Store, pages: dict[str, Entity], renamed: Collection[str]) -> set[str]:
    """The entities with a page that show the name of one of ``renamed``: their record names it, or lists it.

    Each part is its own group with the names bound in it: a pattern outside a ``UNION`` is not
    pushed into its branches, which would then each read the whole graph.
    """
    if not renamed:
        return set()
    names = values("e", renamed)
    branches = " UNION ".join(f"{{ {names} ?s ?p ?e . {part} }}" for part in _SHOWING_PARTS)
    shown = {r["x"].value for r in store.query(f"SELECT DISTINCT ?x WHERE {{ {branches} }}")}
    listing = related(store, pages, only=renamed, by="x")  # targets whose "what links here" lists it
    return (shown | listing.keys()) & pages.keys()


def _compare_entry(row: LeaderRow) -> dict[str, object]:
    return {
        "slug": row.model.slug,
        "label": row.model.label,
        "href": row.model.path,
        "score": row.score,
        "mof": ROMAN.get(row.mof_class, str(row.mof_class)),
        "osaid": row.osaid,
        "osaidKey": row.osaid_key,
        "orgs": [o.label for o in row.orgs],
        "licences": [lic.label for lic in row.licences],
        "licenceStatus": row.licence_status or None,
        "categories": row.categories,
        # Only what the table shows: a type not listed is missing, a group is its worst status.
        "types": {t: key for t, key in sorted(row.types.items()) if key != "missing"},
        "componentLicences": row.component_licences,
        "groups": {key: s.key for key, s in row.statuses.items()},
    }


def _download_row(row: LeaderRow) -> dict[str, Any]:
    """A model's row of the leaderboard downloads: what its row of the table shows."""
    values: list[Any] = [
        row.model.label,
        row.model.iri,
        row.score,
        ROMAN.get(row.mof_class, str(row.mof_class)),
        row.osaid,
        [o.label for o in row.orgs],
        [lic.slug for lic in row.licences],
        row.licence_status,
        row.categories,
        *(row.statuses[key].label for key, _, _ in GROUPS),
    ]
    return dict(zip(DOWNLOAD_COLUMNS, values, strict=True))


def _csv_cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)


def _read_downloads(path: Path) -> dict[str, dict[str, Any]] | None:
    """The rows of the ``leaderboard.json`` a build left, by model IRI; ``None`` when it cannot be read."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return {row["id"]: row for row in rows}
    except (OSError, ValueError, TypeError, KeyError):
        return None


def build(
    store: Store,
    out: Path,
    *,
    base_iri: str,
    context: dict,
    progress: Progress | None = None,
    accessed: date | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    sources: Mapping[str, str] | None = None,
    workers: int | None = None,
    releases: Releases | None = None,
) -> BuildReport:
    """Build the static site of the graph in ``store`` into the folder ``out``.

    ``out`` must be empty, missing, or a site built before. ``context`` is mokg's JSON-LD
    context (:func:`mokg.records.load_context`). ``accessed`` dates the BibTeX citations; by
    default the graph's own date (the ontology's ``dcterms:modified``), so that the same graph
    always gives the same bytes. ``progress(done, total, path)`` is called after each page.
    ``page_size`` is the number of models on a leaderboard page.

    ``sources`` maps each named graph of the store to a digest of the file it was loaded from
    (:func:`source_digests`). When ``out`` holds a site built with the same settings from
    sources that differ only in data files, only the pages that depend on those files are
    rendered again; otherwise ``out`` is emptied and everything is built. ``workers`` is the
    number of processes rendering record pages (default: one per core for large graphs).

    ``releases`` are the graph's releases (``Releases(root / "data" / "releases")``), from which
    the What changed page compares each release with the one before it; without them the page
    says that there is no release.
    """
    started = time.monotonic()
    accessed = accessed or data_date(store)

    def site() -> _Site:
        return _Site(store, out, base_iri, context, progress, accessed, page_size, sources, releases)

    outcome: BuildReport | str = "no earlier build with its sources"
    state = State.load(out / MARKER) if sources and (out / MARKER).is_file() else None
    if state is not None and state.sources is not None:
        if state.settings != site().settings:
            outcome = "the settings changed"
        else:
            changed = {g for g in sources.keys() | state.sources.keys() if sources.get(g) != state.sources.get(g)}
            outcome = site().update(state, changed, workers)
    if isinstance(outcome, str):
        _prepare(out)
        report = site().run(workers)
        report.reason = outcome if state is not None else ""
    else:
        report = outcome
    report.seconds = time.monotonic() - started
    return report


def source_digests(files: Iterable[tuple[str, Path]]) -> dict[str, str]:
    """Named graph → a digest of its file (size and modification time, as :func:`mokg.graph.fingerprint` does)."""
    digests = {}
    for graph, path in files:
        stat = path.stat()
        digests[graph] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return dict(sorted(digests.items()))


def content_hash(folder: Path) -> str:
    """A digest of every file under ``folder`` (paths and bytes), to compare two builds."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
