"""The ``mokg`` command: thin wiring from arguments to the package's functions.

Each subcommand is a function ``cmd_<name>(args) -> int``; errors derived from
:class:`mokg.errors.MokgError` are printed to stderr as one line and become the exit code
the error class names, so a bad file ends with code 2 and its file and line.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from pydantic import ValidationError

from mokg import __version__
from mokg.config import Settings
from mokg.errors import ConfigError, MokgError
from mokg.exporters import EXPORTERS
from mokg.graph import LOAD_LOG, cache_folder, cached_store, load_graph, loaded_stats, open_store
from mokg.importers import IMPORTERS
from mokg.loader import RELEASES, discover
from mokg.store import QueryResult, Store
from mokg.vocab import PREFIXES, curie

if TYPE_CHECKING:
    from mokg.validation import Report

# The commands import what only they need (validation, importers, releases, the site, the
# service) when they run: rdflib alone takes most of a second to import, and `mokg query` on an
# unchanged graph answers in less.

__all__ = ["build_parser", "main"]

QUERY_FORMATS = ("table", "json", "csv", "tsv")


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return Settings.from_env(
            root=args.root,
            store=args.store,
            base_iri=args.base,
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
        )
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ConfigError(f"bad settings: {problems}") from None


def _reading_store(args: argparse.Namespace) -> Store:
    """The store to read from.

    The one ``--store`` names, as ``mokg load`` left it (refused if no load finished in it);
    without ``--store``, the root's graph in the cache folder, loaded again only when a file
    changed.
    """
    settings = _settings(args)
    return open_store(settings, load=False) if settings.store else cached_store(settings)


def cmd_load(args: argparse.Namespace) -> int:
    """Parse the ontology, shapes and data; write them and the derived facts to the store; report.

    A store folder is replaced atomically: an interrupted load leaves the old store. Without
    ``--store``, the load goes to the cache folder that the other commands read.
    """
    settings = _settings(args)
    started = time.perf_counter()
    target = settings if settings.store else settings.model_copy(update={"store": str(cache_folder(settings))})
    steps = logging.StreamHandler(sys.stderr)  # the time of each step, as it ends
    steps.setFormatter(logging.Formatter("  %(message)s"))
    LOAD_LOG.addHandler(steps)
    LOAD_LOG.setLevel(logging.INFO)
    try:
        store = load_graph(target)
    finally:
        LOAD_LOG.removeHandler(steps)
    stats = loaded_stats(store, settings.base_iri)
    seconds = time.perf_counter() - started
    where = settings.store or f"the cache {target.store} (use --store PATH to name another)"
    files = len(discover(settings.root, settings.base_iri))
    print(
        f"loaded {files} files, {stats.quads - stats.derived} triples (+{stats.derived} derived) "
        f"into {where} in {seconds:.2f} s"
    )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the number of quads, graphs and entities per mokg class."""
    store = _reading_store(args)
    stats = loaded_stats(store, _settings(args).base_iri)
    print(f"triples  {stats.quads}")
    print(f"derived  {stats.derived}")
    print(f"graphs   {stats.graphs}")
    width = max((len(name) for name in stats.classes), default=0)
    for name, count in stats.classes.items():
        print(f"{name:<{width}}  {count}")
    return 0


def _short(term: object) -> str:
    """A term as a person reads it in a table: prefixed names, plain literal values."""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return "" if term is None else str(term)


def _table(solutions: ox.QuerySolutions) -> str:
    names = [variable.value for variable in solutions.variables]
    rows = [[_short(row[name]) for name in names] for row in solutions]
    widths = [max([len(name)] + [len(row[i]) for row in rows]) for i, name in enumerate(names)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(names, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines)


_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def render_result(result: QueryResult, output_format: str) -> str:
    """A query result as text: SELECT/ASK in the asked format, CONSTRUCT/DESCRIBE as Turtle."""
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode()
    if output_format == "table":
        if isinstance(result, ox.QueryBoolean):
            return "true" if bool(result) else "false"
        return _table(result)
    return result.serialize(format=_RESULT_FORMATS[output_format]).decode()


def cmd_query(args: argparse.Namespace) -> int:
    """Run one SPARQL query and print its result."""
    sparql = sys.stdin.read() if args.sparql == "-" else args.sparql
    text = render_result(_reading_store(args).query(sparql), args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _compact(iri: str | None, base: str) -> str:
    return "" if iri is None else iri.removeprefix(base)


def render_report_text(report: Report, base: str) -> str:
    """A report for people: one block per entity (its file, then each finding), then totals."""
    lines = []
    for focus, findings in report.by_focus().items():
        where = f"  ({findings[0].source})" if findings[0].source else ""
        lines.append(f"{_compact(focus, base)}{where}")
        for finding in findings:
            path = f" [{_compact(finding.path, base)}]" if finding.path else ""
            lines.append(f"  {finding.severity:<9}{path} {finding.message.replace(base, '')}")
        lines.append("")
    verdict = "conforms" if report.conforms else "does not conform"
    lines.append(
        f"{report.count('Violation')} violations, {report.count('Warning')} warnings, "
        f"{report.count('Info')} infos: {verdict}"
    )
    return "\n".join(lines) + "\n"


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the bundled graph, the given files, or a loaded store; exit 1 on violations, 2 on unreadable input."""
    from mokg.validation import check_files, check_store

    settings = _settings(args)
    if settings.store and not args.paths:  # the store's whole graph, where it is
        report = check_store(_reading_store(args), settings)
    else:
        report = check_files(settings, args.paths)
    if args.format == "json":
        sys.stdout.write(report.to_model().model_dump_json(indent=2) + "\n")
    elif args.format == "turtle":
        sys.stdout.write(report.to_graph().serialize(format="turtle"))
    else:
        sys.stdout.write(render_report_text(report, settings.base_iri))
    conforms = report.facts_conform if args.fail_on == "facts" else report.conforms
    return 0 if conforms else 1


def cmd_import(args: argparse.Namespace) -> int:
    """Import openness data others publish; exit 1 when some input was bad or a written fact does not conform."""
    from mokg.importers import importer
    from mokg.importers.base import GENERATED_MARK, ImportContext, write
    from mokg.validation import check_files

    settings = _settings(args)
    context = ImportContext(_reading_store(args), settings.base_iri)
    result = importer(args.format)(args.paths, context)
    data_dir = args.out or settings.root / "data"
    header = f"{GENERATED_MARK} {args.format}` from the source's files; edit the source or the importer, not this file."
    changed = write(result, data_dir, settings.base_iri, header, dry_run=args.dry_run)
    hows = (("hf-id", "matched by Hugging Face id"), ("name", "matched by name"), ("words", "matched by its words"))
    for how, said in (*hows, ("new", "new")):
        matched = sorted({m.iri.removeprefix(settings.base_iri) for m in result.matches if m.how == how})
        print(
            f"{said}: {len(matched)}"
            + (f" ({', '.join(matched[:8])}{', …' if len(matched) > 8 else ''})" if matched else "")
        )
    print(f"{len(result.files)} files, {len(changed)} {'would change' if args.dry_run else 'changed'}")
    bad = [problem for problem in result.problems if "kept the curated record" not in problem.message]
    for problem in sorted(result.problems):
        print(f"{'error' if problem in bad else 'note'}: {problem}", file=sys.stderr)
    conforms = True
    if changed and not args.dry_run:
        report = check_files(settings, [data_dir / path for path in changed])
        conforms = report.facts_conform
        print(
            f"validation: {report.count('Violation')} violations ({'claims only' if conforms else 'on facts!'}), "
            f"{report.count('Warning')} warnings"
        )
    return 1 if bad or not conforms else 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write a model in a source's own format, so that a correction made in mokg can go upstream as a pull request.

    To standard output, to the file ``--output`` names, or, when it names a folder, to the file
    the source keeps the model in (the one its import read) inside it.
    """
    from mokg.exporters import exporter
    from mokg.exporters.base import to_yaml

    if args.as_said and args.format != "mot":
        raise ConfigError("--as-said is for mot: an Index export already gives the Index's own grades")
    options = {"as_said": True} if args.as_said else {}
    exported = exporter(args.format)(_reading_store(args), args.slug, _settings(args).base_iri, **options)
    text = to_yaml(exported.document)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    target = args.output / exported.file_name if args.output.is_dir() else args.output
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


#: One row per disagreement, each side with its source's own name for the row it graded (the
#: Index grades "paper" and "preprint", both a research paper: two disagreements, told apart),
#: or the claim's last IRI segment where the source names none.
DISAGREEMENTS_QUERY = """
SELECT ?model ?component ?firstSource ?firstRow ?firstLevel ?firstLabel ?secondSource ?secondRow ?secondLevel
       ?secondLabel WHERE {
  ?d a mokg:Disagreement ; mokg:disagreementAbout ?model ; mokg:componentType ?type ; mokg:betweenClaims ?a, ?b .
  FILTER(STR(?a) < STR(?b))
  ?type skos:prefLabel ?component .
  ?a prov:wasQuotedFrom/rdfs:label ?firstSource ; mokg:opennessLevel/skos:notation ?firstLevel .
  ?b prov:wasQuotedFrom/rdfs:label ?secondSource ; mokg:opennessLevel/skos:notation ?secondLevel .
  OPTIONAL { ?a mokg:levelLabel ?firstLabel } OPTIONAL { ?b mokg:levelLabel ?secondLabel }
  OPTIONAL { ?a mokg:sourceRow ?aRow } OPTIONAL { ?b mokg:sourceRow ?bRow }
  BIND(COALESCE(?aRow, REPLACE(STR(?a), "^.*/", "")) AS ?firstRow)
  BIND(COALESCE(?bRow, REPLACE(STR(?b), "^.*/", "")) AS ?secondRow)
} ORDER BY ?model ?component ?firstRow ?secondRow
"""


def cmd_disagreements(args: argparse.Namespace) -> int:
    """List where sources disagree: claims a level apart or more, and MOF classes unlike mokg's, with the reason.

    ``--of`` picks one list; as a table both are printed, one after the other, each with its
    heading (a CSV, TSV or JSON document holds one list: the claims unless ``--of classes``).
    """
    from mokg.completion import CLASS_DIFFERENCES

    store = _reading_store(args)
    lists = {
        "claims": ("Claims of two sources about one component, a level apart or more", DISAGREEMENTS_QUERY),
        "classes": ("MOF classes of a source unlike mokg's: the components that differ, and why", CLASS_DIFFERENCES),
    }
    chosen = [args.of] if args.of else list(lists) if args.format == "table" else ["claims"]
    for name in chosen:
        heading, query = lists[name]
        if len(chosen) > 1:
            print(f"{heading}:")
        text = render_result(store.query(query), args.format)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_todo(args: argparse.Namespace) -> int:
    """List the components sources document that records lack: the curator's to-do list (rule 80).

    One line per model, component and claim: the source and the level it claims. Exit 0: a
    to-do list is not an error.
    """
    from mokg.completion import TODO

    text = render_result(_reading_store(args).query(TODO), args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    """List models that may be one (same words in their names, or the same Hugging Face id); exit 1 if any.

    A group goes away when its records are merged, or when a curator states in one of the
    files that the models differ (``owl:differentFrom``), with the reason in a comment.
    """
    from mokg.identity import candidate_duplicates

    base = _settings(args).base_iri
    groups = candidate_duplicates(_reading_store(args))
    for group in groups:
        print(f"{group.key}: {', '.join(model.removeprefix(base) for model in group.models)}")
    print(f"{len(groups)} candidate duplicate{'' if len(groups) == 1 else 's'}", file=sys.stderr)
    return 1 if groups else 0


def cmd_site(args: argparse.Namespace) -> int:
    """Build the static site from the graph: leaderboard, records, lineage, comparison, ontology.

    The sources' digests go with it: a site built before from the same files but a few data
    files is brought up to date by rendering only what those files touch. With ``--store``, the
    store is taken to hold the files as they are (``mokg load --store`` after editing them).
    """
    from mokg.records import load_context
    from mokg.releases import Releases
    from mokg.site import build, source_digests, terminal_progress

    settings = _settings(args)
    store = _reading_store(args)
    sources = source_digests((f.graph.value, f.path) for f in discover(settings.root, settings.base_iri))
    report = build(
        store,
        args.out,
        base_iri=settings.base_iri,
        context=load_context(settings.root),
        progress=terminal_progress(),
        page_size=args.page_size,
        sources=sources,
        workers=args.workers,
        releases=Releases(settings.root / RELEASES),  # the What changed page and each record's history
    )
    print(report.summary())
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    """Freeze the graph into an immutable, citable release snapshot under data/releases/."""
    from mokg.releases import create_release

    settings = _settings(args)
    manifest = create_release(_reading_store(args), args.version, settings.root / RELEASES, settings.base_iri)
    print(
        f"release {manifest.version}: data/releases/{manifest.file}, {manifest.quads} quads in {manifest.graphs} "
        f"graphs, sha256 {manifest.sha256}"
    )
    print(f"records: {settings.base_iri}release/{manifest.version}/model/{{slug}}; commit data/releases/ to publish")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    """What changed between two releases (or a release and ``latest``, the living graph): per entity.

    In words (text), as JSON, or as an RDF Patch; exit 0 whether or not anything changed.
    """
    from mokg.diffs import diff_versions, rdf_patch, sentences, to_json
    from mokg.releases import Releases

    settings = _settings(args)
    releases = Releases(settings.root / RELEASES)
    diff, labels = diff_versions(releases, _reading_store(args), args.old, args.new, settings.base_iri)
    if args.format == "json":
        print(json.dumps(to_json(diff, labels), indent=2, ensure_ascii=False))
    elif args.format == "rdf-patch":
        sys.stdout.write(rdf_patch(diff))
    else:
        for entity in diff.entities:
            print(f"{labels.get(entity.iri, entity.iri)} <{entity.iri}>")
            for sentence in sentences(entity, labels):
                print(f"  {sentence}")
        print(f"{diff.old} → {diff.new}: {len(diff.entities)} entities changed, {diff.added} triples added, "
              f"{diff.removed} removed", file=sys.stderr)  # fmt: skip
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the web service with uvicorn, once the store is open (a store no load finished is refused)."""
    from mokg.service import create_app, serve

    settings = _settings(args)
    if settings.store:
        remote = settings.store.startswith(("http://", "https://"))
        load = args.load if args.load is not None else not remote  # a shared store is loaded by `mokg load`
        store = open_store(settings, load=load)
    else:
        settings = settings.model_copy(update={"store": str(cache_folder(settings))})
        store = cached_store(settings) if args.load is None else open_store(settings, load=args.load)
    if args.workers > 1:  # each process opens the store the settings name, now complete
        serve(None, settings, log_level=args.log_level, workers=args.workers)
    else:
        serve(create_app(settings, store=store), settings, log_level=args.log_level)
    return 0


def _add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        help="on-disk store folder, or an Oxigraph server URL (env MOKG_STORE; default: the root's graph cached "
        "on disk under MOKG_CACHE_DIR, loaded again when a file changes)",
    )
    parser.add_argument("--root", type=Path, help="folder with ontology/, shapes/, data/ (default: the bundled graph)")
    parser.add_argument("--base", help="base IRI of the entities (default: https://w3id.org/mokg/, env MOKG_BASE_IRI)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, also used by the docs test that checks every command is documented."""
    parser = argparse.ArgumentParser(
        prog="mokg", description="mokg: the Model Openness Knowledge Graph (ontology, data, SPARQL, service)."
    )
    parser.add_argument("--version", action="version", version=f"mokg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, function: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(function=function)
        _add_store_options(sub)
        return sub

    load = command("load", cmd_load, "Parse the ontology, shapes and data and load them into the store.")
    load.epilog = (
        "Prints what it loaded on standard output and, on standard error as each ends, the time of every "
        "step: parse and store, each rule, rules, validation, statistics, load mark, and (into a store "
        "folder) dumps."
    )

    query = command("query", cmd_query, "Run a SPARQL query over the graph and print the result.")
    query.add_argument("sparql", help="the SPARQL query, or - to read it from standard input")
    query.add_argument("--format", choices=QUERY_FORMATS, default="table", help="output format (default: table)")

    command("stats", cmd_stats, "Print the number of triples (and derived ones), graphs and entities per class.")

    validate = command("validate", cmd_validate, "Check records against the SHACL shapes (exit 1 on violations).")
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="Turtle or JSON-LD files, checked in the context of the root's graph (default: the root's whole "
        "graph; with --store, the whole graph the store holds, checked where it is)",
    )
    validate.add_argument("--format", choices=("text", "json", "turtle"), default="text", help="report format")
    validate.add_argument(
        "--fail-on",
        choices=("any", "facts"),
        default="any",
        help="exit 1 on any violation (default), or only on violations of facts: claims found wrong are "
        "reported but are findings about the claim, not errors in the data",
    )

    imports = command("import", cmd_import, "Import model cards, the Open Source AI Index or the Model Openness Tool.")
    imports.add_argument("format", choices=sorted(IMPORTERS), help="hf (model cards), osai (the Index), mot (the Tool)")
    imports.add_argument("paths", nargs="+", type=Path, help="source files or folders")
    imports.add_argument("--out", type=Path, help="data folder to write to (default: the root's data/)")
    imports.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")

    export = command("export", cmd_export, "Write a model in a source's format, to send a correction upstream.")
    export.add_argument(
        "format", choices=sorted(EXPORTERS), help="mot (a Model Openness Tool model file), osai (an Index entry)"
    )
    export.add_argument("slug", help="the model, as in its record's address model/SLUG")
    export.add_argument(
        "--as-said",
        action="store_true",
        help="mot only: the components as the Tool's own file gave them (its claims), not mokg's record",
    )
    export.add_argument(
        "--output",
        type=Path,
        help="file to write, or a folder to write the source's own file for the model in (default: standard output)",
    )

    disagreements = command(
        "disagreements", cmd_disagreements, "List where sources disagree: claims, and MOF classes unlike mokg's."
    )
    disagreements.add_argument(
        "--format", choices=QUERY_FORMATS, default="table", help="output format (default: table)"
    )
    disagreements.add_argument(
        "--of",
        choices=("claims", "classes"),
        help="only claims a level apart or more, or only MOF classes that differ (default: both as a table; "
        "claims in the other formats)",
    )
    todo = command("todo", cmd_todo, "List components sources document that records lack (the curator's to-do).")
    todo.add_argument("--format", choices=QUERY_FORMATS, default="table", help="output format (default: table)")

    command("duplicates", cmd_duplicates, "List models that may be one record too many (exit 1 if any).")

    site = command("site", cmd_site, "Build the static site (no server needed to view it).")
    site.add_argument("action", choices=("build",), help="build: write the site (over one built before: what changed)")
    site.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site/)")
    site.add_argument(
        "--page-size", type=int, default=100, help="models per leaderboard page (default: 100, about 110 KB a page)"
    )
    site.add_argument(
        "--workers", type=int, help="processes rendering record pages (default: one per core from 1,000 pages)"
    )

    diff = command("diff", cmd_diff, "Show what changed between two releases (or a release and latest).")
    diff.add_argument("old", help="the older release's version, or latest (the living graph)")
    diff.add_argument("new", help="the newer release's version, or latest")
    diff.add_argument(
        "--format", choices=("text", "json", "rdf-patch"), default="text", help="output format (default: text)"
    )
    release = command("release", cmd_release, "Freeze the graph into an immutable, citable release snapshot.")
    release.add_argument("version", help="the release version, e.g. 1.0.0 (never reused: releases do not change)")

    serve = command("serve", cmd_serve, "Run the web service (default http://127.0.0.1:8000).")
    serve.add_argument("--host", help="interface to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default: 8000)")
    serve.add_argument(
        "--load",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="load the graph into the store at start (default: yes for a store folder; no for a remote store, "
        "which `mokg load --store URL` loads once for every worker; without --store, only when a file changed "
        "since the cached load); --no-load serves what the store holds",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes answering on the port (default: 1; one per core to use them all)",
    )
    serve.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mokg`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.function(args)
    except MokgError as error:
        print(f"mokg {args.command}: error: {error}", file=sys.stderr)
        return error.exit_code
