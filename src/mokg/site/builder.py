"""Build the static site: the leaderboard, a page per entity, compare, ontology and SPARQL pages.

Everything comes from SPARQL queries on the store (pyoxigraph). The output is deterministic
(sorted everything, no timestamps: the one date, a citation's "accessed" date, is the graph's
``dcterms:modified``), uses relative links only, and needs no network at view time (the CSS
and JavaScript are copied into ``assets/``). Links that leave the site are external homepages
and the persistent URIs of the records (downloads in each format, citations, the SPARQL endpoint).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import escape, unescape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from mokg import __version__
from mokg.citation import bibtex, cite
from mokg.errors import MokgError
from mokg.formats import CITATION_FORMATS, HTML, LABELS, RECORD_FORMATS
from mokg.records import framed, record_triples, schema_org
from mokg.site.data import (
    GROUPS,
    STATUS_LABEL,
    STATUS_RANK,
    Entity,
    LeaderRow,
    data_date,
    derivation_edges,
    entities,
    leaderboard,
    model_datasets,
    ontology_terms,
    related,
)
from mokg.site.lineage import lineage_svg
from mokg.sparql import load_examples
from mokg.store import Store
from mokg.vocab import MOKG

__all__ = ["MARKER", "BuildReport", "Progress", "SiteError", "build"]

#: ``progress(done, total, what)``: called after each page (and once with ``done == 0`` first).
Progress = Callable[[int, int, str], None]

#: The file that marks a folder as a site built by mokg, so that a rebuild may empty it.
MARKER = ".mokg-site"

#: The Model Openness Framework's 17 components in the MOF's order, for the compare page.
MOF_TYPES = [
    "ModelArchitecture", "ModelParametersFinal", "ModelCard", "DataCard", "TechnicalReport", "EvaluationResults",
    "SampleModelOutputs", "TrainingCode", "InferenceCode", "EvaluationCode", "EvaluationData", "SupportingLibraries",
    "DataPreprocessingCode", "Datasets", "ModelParametersIntermediate", "ModelMetadata", "ResearchPaper",
]  # fmt: skip
ROMAN = {0: "none", 1: "I", 2: "II", 3: "III"}
_HREF = re.compile(r'href="([^"]*)"')


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

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.kinds.items()))
        return (
            f"{self.pages} pages ({kinds}), {self.files} files, {self.bytes / 1024:.0f} KB in {self.out} "
            f"(largest {self.largest[0]}, {self.largest[1] / 1024:.0f} KB) in {self.seconds:.1f} s"
        )


def _environment() -> Environment:
    environment = Environment(
        loader=ChoiceLoader([PackageLoader("mokg.site", "templates"), PackageLoader("mokg", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    environment.globals["FORMAT_NAME"] = LABELS
    return environment


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
    (out / MARKER).write_text("A static site built by `mokg site build`; a rebuild replaces this folder.\n")


def _json_script(value: object) -> str:
    """JSON safe to embed in a ``<script type="application/json">`` element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


class _Site:
    def __init__(self, store: Store, out: Path, base_iri: str, context: dict, progress: Progress | None, accessed):
        self.store, self.out, self.base_iri, self.context = store, out, base_iri, context
        self.progress = progress
        self.accessed: date = accessed
        self.env = _environment()
        self.report = BuildReport(out)
        self.done = 0
        self.total = 0

    # ------------------------------------------------------------------ writing

    def write(self, path: str, text: str) -> None:
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        target.write_bytes(data)
        self.report.pages += 1
        self.report.kinds[path.split("/")[0] if "/" in path else "page"] = (
            self.report.kinds.get(path.split("/")[0] if "/" in path else "page", 0) + 1
        )
        if len(data) > self.report.largest[1]:
            self.report.largest = (path, len(data))
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
        target = self.out / "assets"
        target.mkdir(parents=True, exist_ok=True)
        sources = [resources.files("mokg") / "static" / name for name in ("base.css", "record.css")]
        sources += sorted((e for e in (resources.files("mokg.site") / "assets").iterdir() if e.is_file()),
                          key=lambda e: e.name)  # fmt: skip
        for entry in sources:
            (target / entry.name).write_bytes(entry.read_bytes())

    # ------------------------------------------------------------------ links

    def relink(self, html: str, own: str, root: str) -> str:
        """Turn links to entities with a page into relative links; the page's own IRI stays persistent."""
        ontology = str(MOKG)

        def replace(match: re.Match[str]) -> str:
            url = unescape(match.group(1))
            if url == own:
                return match.group(0)
            entity = self.pages.get(url)
            if entity is not None:
                return f'href="{escape(root + entity.path)}"'
            if url.startswith(ontology) and len(url) > len(ontology):
                return f'href="{escape(root + "ontology.html#" + quote(url[len(ontology) :], safe=""))}"'
            return match.group(0)

        return _HREF.sub(replace, html)

    # ------------------------------------------------------------------ pages

    def run(self) -> BuildReport:
        started = time.monotonic()
        self.pages = entities(self.store, self.base_iri)
        self.edges = derivation_edges(self.store)
        self.datasets = model_datasets(self.store)
        self.related = related(self.store, self.pages)
        self.rows = leaderboard(self.store, self.pages)
        self.total = len(self.pages) + 4
        if self.progress is not None:
            self.progress(0, self.total, "")
        self.copy_assets()
        self.index()
        self.compare()
        self.ontology()
        self.sparql()
        for entity in sorted(self.pages.values(), key=lambda e: (e.kind, e.slug)):
            self.record(entity)
        for path in sorted(self.out.rglob("*")):
            if path.is_file():
                self.report.files += 1
                self.report.bytes += path.stat().st_size
        self.report.seconds = time.monotonic() - started
        return self.report

    def index(self) -> None:
        rows = self.rows
        orgs = sorted({o for r in rows for o in r.orgs}, key=lambda e: (e.label.casefold(), e.iri))
        categories = sorted({c for r in rows for c in r.categories}, key=str.casefold)
        by_slug = {r.model.slug: r.model for r in rows}
        bases = sorted(
            {by_slug[s] for r in rows for s in r.bases if s in by_slug}, key=lambda e: (e.label.casefold(), e.iri)
        )
        classes = sorted({r.mof_class for r in rows})
        self.render(
            "site_index.html",
            "index.html",
            rows=rows,
            groups=GROUPS,
            orgs=orgs,
            categories=categories,
            bases=bases,
            classes=classes,
            roman=ROMAN,
            status_labels=STATUS_LABEL,
            status_ranks=STATUS_RANK,
            counts=self.report_counts(),
        )

    def report_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self.pages.values():
            counts[e.kind] = counts.get(e.kind, 0) + 1
        return counts

    def compare(self) -> None:
        labels = {}
        for r in self.store.query(
            "SELECT ?t ?l WHERE { ?t mokg:mofClass ?c ; skos:prefLabel ?l }"
        ):  # the MOF types' names
            labels[r["t"].value.removeprefix(str(MOKG))] = r["l"].value
        models = []
        for row in sorted(self.rows, key=lambda r: (r.model.label.casefold(), r.model.iri)):
            models.append(_compare_entry(row))
        data = {
            "models": models,
            "types": [[t, labels.get(t, t)] for t in MOF_TYPES],
            "groups": [[key, heading] for key, heading, _ in GROUPS],
            "statusLabels": STATUS_LABEL,
        }
        self.render("site_compare.html", "compare.html", models=models, data=_json_script(data))

    def ontology(self) -> None:
        meta, sections = ontology_terms(self.store, self.base_iri)
        self.render("site_ontology.html", "ontology.html", meta=meta, sections=sections)

    def sparql(self) -> None:
        examples = [(e, f"{self.base_iri}sparql#query={quote(e.query, safe='')}") for e in load_examples()]
        self.render("site_sparql.html", "sparql.html", examples=examples)

    def record(self, entity: Entity) -> None:
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
            lineage = lineage_svg(entity, self.edges, self.datasets.get(entity.iri, []), self.pages)
        root = "../"
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
            related=self.related.get(entity.iri, []),
            endpoint=f"{self.base_iri}sparql",
        )
        if lineage:
            figure = self.env.get_template("site_lineage.html").render(svg=lineage, entity=entity, root=root)
            marker = '<section class="components"'
            page = page.replace(marker, figure + marker, 1) if marker in page else page
        self.write(entity.path, self.relink(page, entity.iri, root))


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
        "categories": row.categories,
        # Only what the table shows: a type not listed is missing, a group is its worst status.
        "types": {t: key for t, key in sorted(row.types.items()) if key != "missing"},
        "componentLicences": row.component_licences,
        "groups": {key: s.key for key, s in row.statuses.items()},
    }


def build(
    store: Store,
    out: Path,
    *,
    base_iri: str,
    context: dict,
    progress: Progress | None = None,
    accessed: date | None = None,
) -> BuildReport:
    """Build the static site of the graph in ``store`` into the folder ``out``.

    ``out`` must be empty, missing, or a site built before (it is then emptied first).
    ``context`` is mokg's JSON-LD context (:func:`mokg.records.load_context`). ``accessed`` dates
    the BibTeX citations; by default the graph's own date (the ontology's ``dcterms:modified``),
    so that the same graph always gives the same bytes. ``progress(done, total, path)`` is called
    after each page.
    """
    _prepare(out)
    site = _Site(store, out, base_iri, context, progress, accessed or data_date(store))
    return site.run()


def content_hash(folder: Path) -> str:
    """A digest of every file under ``folder`` (paths and bytes), to compare two builds."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
