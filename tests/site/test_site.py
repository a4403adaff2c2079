"""The static site (mokg.site): built once per session from the bundled graph, checked as files and in Chromium.

File checks: determinism (two builds, even from two separately loaded stores, give the same
bytes), relative links only, every internal link resolving, small pages, accessible structure.
Browser checks (Playwright driving Debian's /usr/bin/chromium, never a downloaded browser), on the
site served by ``python -m http.server`` on 127.0.0.1 and once from file://: sorting, filtering,
the lineage diagram, claim problems, the BibTeX copy button, the compare page, the page without
JavaScript, no console errors and no request leaving the site. Screenshots of the leaderboard
and a model page are kept in the session's ``site-artifacts`` folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import BASE, TEST_DATA, free_port

from mokg.config import Settings
from mokg.graph import open_store
from mokg.loader import discover
from mokg.records import load_context
from mokg.releases import Releases, create_release
from mokg.site import MARKER, SiteError, build, source_digests

ENDPOINT = f"{BASE}sparql"
DATA_SUFFIXES = (".ttl", ".jsonld", ".nt", ".rdf")
MAX_PAGE = 500 * 1024
#: A leaderboard page size that holds every model of the bundled graph.
ONE_PAGE = 500


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def releases(two_releases: Path) -> Releases:
    """The two-release project's releases (``conftest.two_releases``), for the What changed page.

    The page reads only the releases (and which entities have a page): with the bundled graph as
    the living one, the site is built once for every test, What changed included.
    """
    return Releases(two_releases / "data" / "releases")


@pytest.fixture(scope="module")
def site(store, settings, releases, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    progress: list[tuple[int, int, str]] = []
    # The bundled graph's leaderboard on one page, so that sorting and filters span every model
    # (paging is tested on a generated graph in test_scale.py).
    report = build(
        store,
        out,
        base_iri=BASE,
        context=load_context(settings.root),
        progress=lambda *a: progress.append(a),
        page_size=ONE_PAGE,
        releases=releases,
    )
    assert report.pages == len([p for p in out.rglob("*.html")])
    assert progress[0][0] == 0 and progress[-1][0] == progress[-1][1] == report.pages
    return out


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("site-artifacts")


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    """The site served by ``python -m http.server`` on a free port of 127.0.0.1."""
    port = free_port()
    args = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(url + "index.html", timeout=1):
                    break
            except OSError:
                assert process.poll() is None, "python -m http.server exited"
                assert time.monotonic() < deadline, "python -m http.server did not answer"
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _watch(tab, allowed: tuple[str, ...], problems: list[str]) -> list[str]:
    """Record script errors, console errors and warnings, and requests to anything but ``allowed``, in ``problems``."""
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
    tab.on("request", lambda r: r.url.startswith(allowed) or problems.append(f"request off the site: {r.url}"))
    return problems


@pytest.fixture
def open_context(browser, site_url):
    """Make browser contexts whose pages fail the test on script errors, console errors or off-site requests."""
    contexts = []
    problems: list[str] = []

    def make(**options):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        context.on("page", lambda tab: _watch(tab, (site_url, "data:"), problems))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert problems == []


@pytest.fixture
def page(open_context):
    return open_context().new_page()


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.cite_as = ""
        self.headings: list[int] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        for name in ("href", "src"):
            if a.get(name) is not None:
                self.links.append((tag, a[name] or ""))
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "link" and a.get("rel") == "cite-as":
            self.cite_as = a.get("href") or ""
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def parsed(site: Path) -> dict[Path, _Links]:
    return {path: _parse(path) for path in sorted(site.rglob("*.html"))}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_build_is_deterministic(site, settings, releases, tmp_path):
    """The graph loaded a second time (new store, new blank nodes, new query order) gives the same bytes."""
    first = _files(site)
    other = tmp_path / "other"
    context = load_context(settings.root)
    build(open_store(settings), other, base_iri=BASE, context=context, page_size=ONE_PAGE, releases=releases)
    differing = sorted(name for name, data in _files(other).items() if first.get(name) != data)
    assert differing == [] and set(_files(other)) == set(first)


def test_a_rebuild_replaces_a_site_but_never_touches_another_folder(tmp_path):
    small = Settings(root=TEST_DATA / "root")  # what is replaced does not depend on the graph's size
    store, context = open_store(small), load_context(small.root)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(SiteError):
        build(store, folder, base_iri=BASE, context=context)
    assert (folder / "notes.txt").read_text() == "mine"
    out = tmp_path / "site"
    build(store, out, base_iri=BASE, context=context)
    first = _files(out)
    (out / "stale.html").write_text("old")
    build(store, out, base_iri=BASE, context=context)
    assert not (out / "stale.html").exists() and (out / MARKER).is_file()
    assert _files(out) == first


def test_every_entity_has_a_page(site, store):
    for kind, cls in (("model", "Model"), ("dataset", "Dataset"), ("org", "Organization")):
        iris = {r["e"].value for r in store.query(f"SELECT ?e WHERE {{ ?e a mokg:{cls} }}")}
        slugs = {iri.rsplit("/", 1)[-1] for iri in iris}
        assert {p.stem for p in (site / kind).glob("*.html")} == slugs
    ids = {r["id"].value for r in store.query("SELECT ?id WHERE { ?l a mokg:License ; mokg:licenseId ?id }")}
    assert {p.stem for p in (site / "license").glob("*.html")} == ids
    for page in ("index.html", "compare.html", "what-changed.html", "ontology.html", "sparql.html"):
        assert (site / page).is_file()
    assert (site / "assets" / "site.js").is_file() and (site / "assets" / "record.css").is_file()


def test_links_are_relative_except_persistent_uris_and_external_pages(site, parsed, store):
    entity_iris = {r["e"].value for r in store.query("SELECT DISTINCT ?e WHERE { ?e a ?c FILTER(isIRI(?e)) }")}
    bad = []
    for path, page in parsed.items():
        own = page.cite_as
        record_url = f"{BASE}{path.parent.name}/{path.stem}"  # a licence's record URL is not its SPDX IRI
        for tag, url in page.links:
            if url.startswith("/") or url.startswith("//"):
                bad.append((path.name, url, "root-relative"))
            elif url.startswith(("http://", "https://")):
                if tag in ("script", "img") or (tag == "link" and url.endswith(".css")):
                    bad.append((path.name, url, "asset off the site"))
                elif url.startswith(BASE):
                    stem = url.split("#")[0].split("?")[0]
                    data_link = (
                        stem.endswith(DATA_SUFFIXES)
                        or "/cite?format=" in url
                        or stem == ENDPOINT
                        or stem in (own, record_url)
                        or stem.startswith(f"{BASE}ontology.")
                        or stem.startswith(f"{BASE}release/")  # What changed: a diff on the service
                        or stem in (f"{BASE}changes.atom", f"{BASE}changes.json")  # its feeds
                        or stem == f"{record_url}/history"  # a record's full history on the service
                    )
                    if not data_link:
                        bad.append((path.name, url, "persistent URI that is not a data link"))
                elif url in entity_iris and url != own:
                    bad.append((path.name, url, "entity with a page, linked absolutely"))
    assert bad == []


def test_every_internal_link_resolves(site, parsed):
    broken = []
    for path, page in parsed.items():
        for _tag, url in page.links:
            if url.startswith(("http://", "https://", "data:", "mailto:")):
                continue
            parts = urlsplit(url)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append((path.relative_to(site).as_posix(), url))
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append((path.relative_to(site).as_posix(), url))
    assert broken == []


def test_no_page_is_large(site):
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*") if p.is_file()}
    assert {name: size for name, size in sizes.items() if size > MAX_PAGE} == {}


def test_every_page_has_landmarks_one_h1_and_ordered_headings(parsed):
    for path, page in parsed.items():
        assert page.headings.count(1) == 1, path
        assert page.headings[0] == 1, path
        for before, after in zip(page.headings, page.headings[1:], strict=False):
            assert after <= before + 1, (path, page.headings)
        for landmark in ("header", "main", "footer", "nav"):
            assert landmark in page.tags, (path, landmark)


def test_the_leaderboard_without_javascript_is_a_table_sorted_by_score(site, store):
    html = (site / "index.html").read_text()
    assert "<table" in html and 'aria-sort="descending"' in html
    scores = [float(s) for s in _cells(html, "score-cell")]
    assert len(scores) == store.stats().classes["Model"] and scores == sorted(scores, reverse=True)


def _cells(html: str, cls: str) -> list[str]:
    import re

    return re.findall(rf'<td class="{cls}">([^<]*)</td>', html)


def test_the_sparql_page_links_every_example_to_the_endpoint(site):
    from mokg.sparql import load_examples

    html = (site / "sparql.html").read_text()
    for example in load_examples():
        assert example.title.replace("'", "&#39;").replace('"', "&#34;") in html or example.title in html
    assert html.count(f'href="{ENDPOINT}#query=') == len(load_examples())


def test_the_ontology_page_lists_terms_with_alignments(site):
    html = (site / "ontology.html").read_text()
    assert 'id="Model"' in html and 'id="finetunedFrom"' in html
    assert "prov:Entity" in html and "prov:wasDerivedFrom" in html  # alignments outside mokg's namespace


# --------------------------------------------------------------------------------------------
# Chromium
# --------------------------------------------------------------------------------------------


def _column(page, key: str) -> list[str]:
    index = page.eval_on_selector_all(
        "#leaderboard thead th", f"(ths) => ths.findIndex((th) => th.dataset.key === '{key}')"
    )
    return page.eval_on_selector_all(
        "#leaderboard tbody tr:not([hidden])", f"(rows) => rows.map((r) => r.cells[{index}].textContent.trim())"
    )


def test_the_leaderboard_sorts_by_score_and_by_name(page, site_url, artifacts):
    page.goto(site_url + "index.html")
    scores = [float(s) for s in _column(page, "score")]
    assert scores == sorted(scores, reverse=True)
    page.screenshot(path=str(artifacts / "leaderboard.png"))

    score = page.get_by_role("button", name="Score")
    score.click()  # was descending: now ascending
    assert page.locator("th[data-key=score]").get_attribute("aria-sort") == "ascending"
    ascending = [float(s) for s in _column(page, "score")]
    assert ascending == sorted(scores) and ascending != scores
    score.click()
    assert [float(s) for s in _column(page, "score")] == sorted(scores, reverse=True)

    by_score = _column(page, "name")
    name = page.get_by_role("button", name="Model")
    name.focus()
    page.keyboard.press("Enter")  # sorting works from the keyboard
    names = _column(page, "name")
    assert page.locator("th[data-key=name]").get_attribute("aria-sort") == "ascending"
    assert names[0] == min(names, key=str.casefold) and names != by_score and sorted(names) == sorted(by_score)
    assert page.evaluate(
        "(n) => n.every((x, i) => i === 0 || n[i - 1].localeCompare(x, undefined, {sensitivity: 'base'}) <= 0)", names
    )
    name.click()
    assert _column(page, "name") == list(reversed(names))
    assert "sorted by model" in page.locator("#leaderboard caption").inner_text()


def test_the_leaderboard_sorts_a_component_column_by_status_rank(page, site_url):
    """Status cells carry no sort value of their own: the table's data-ranks orders their classes."""
    from mokg.site.data import STATUS_RANK

    page.goto(site_url + "index.html")
    page.get_by_role("button", name="Weights").click()
    assert page.locator("th[data-key=weights]").get_attribute("aria-sort") == "descending"
    classes = page.eval_on_selector_all(
        "#leaderboard tbody tr", "(rows) => rows.map((r) => r.cells[6].className.replace('status-', ''))"
    )
    ranks = [STATUS_RANK[c] for c in classes]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[-1]
    assert "sorted by weights, highest first" in page.locator("#leaderboard caption").inner_text()


def test_the_leaderboard_filters_by_organization(page, site_url, store):
    page.goto(site_url + "index.html")
    rows = page.locator("#leaderboard tbody tr")
    total = rows.count()
    expected = sorted(
        r["l"].value
        for r in store.query(
            f"SELECT ?l WHERE {{ ?m a mokg:Model ; rdfs:label ?l ; dcterms:creator <{BASE}org/eleutherai> }}"
        )
    )
    assert expected
    page.get_by_label("Organization").select_option("eleutherai")
    visible = page.locator("#leaderboard tbody tr:not([hidden])")
    assert sorted(visible.locator("th").all_inner_texts()) == expected
    assert page.locator("#filter-count").inner_text() == f"Showing {len(expected)} of {total} models."
    page.get_by_label("Base model").select_option("llama-7b")
    assert visible.count() == 0
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_function(f"document.querySelectorAll('#leaderboard tbody tr:not([hidden])').length === {total}")


def test_the_leaderboard_filters_by_base_model_licence_category_and_class(page, site_url):
    page.goto(site_url + "index.html")
    page.get_by_label("Base model").select_option("llama-7b")
    names = page.locator("#leaderboard tbody tr:not([hidden]) th").all_inner_texts()
    assert "Alpaca 7B" in names and "LLaMA 7B" in names and "OLMo 7B" not in names
    page.get_by_label("Base model").select_option("")
    page.get_by_label("Licence category").select_option("Permissive open source licence")
    assert "OLMo 7B" in page.locator("#leaderboard tbody tr:not([hidden]) th").all_inner_texts()
    assert "Llama 2 7B" not in page.locator("#leaderboard tbody tr:not([hidden]) th").all_inner_texts()
    page.get_by_label("Licence category").select_option("")
    page.get_by_label("MOF class").select_option("1")
    shown = page.locator("#leaderboard tbody tr:not([hidden])")
    assert 0 < shown.count() == page.locator("#leaderboard tbody tr[data-mof='1']").count()
    assert set(shown.evaluate_all("(rows) => rows.map((r) => r.cells[2].textContent)")) == {"I"}


def test_a_model_page_shows_its_lineage_and_claim_problems(page, site_url, artifacts):
    page.goto(site_url + "model/alpaca-7b.html")
    assert page.locator("h1").inner_text() == "Alpaca 7B"
    svg = page.locator("svg.lineage-svg")
    assert svg.count() == 1 and svg.get_attribute("role") == "img"
    assert "LLaMA 7B" in svg.locator("text").all_text_contents()  # the base model
    assert "Alpaca data" in svg.locator("text").all_text_contents()  # the dataset
    label = " ".join(page.locator(f"#{i}").text_content() for i in svg.get_attribute("aria-labelledby").split())
    assert "Base models: LLaMA 7B" in label
    violation = page.locator("li.result.violation").first
    assert violation.is_visible() and "Violation" in violation.inner_text()
    assert violation.locator(".message").inner_text().strip()
    # Downloads point at the persistent URIs, in every format.
    hrefs = page.locator(".downloads-list a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert hrefs == [f"{BASE}model/alpaca-7b{suffix}" for suffix in (".jsonld", ".ttl", ".nt", ".rdf")]
    page.screenshot(path=str(artifacts / "model-alpaca-7b.png"), full_page=True)
    # A link to the base model leads to its page in the site.
    page.locator(".lineage a", has_text="LLaMA 7B").first.click()
    page.wait_for_url("**/model/llama-7b.html")
    assert "Alpaca 7B" in page.locator("svg.lineage-svg text").all_text_contents()  # derived models below


def test_a_fine_tuned_chat_model_shows_its_base_and_data(page, site_url):
    page.goto(site_url + "model/zephyr-7b-beta.html")
    texts = page.locator("svg.lineage-svg text").all_text_contents()
    assert "Mistral 7B" in texts and "UltraChat 200k" in texts
    assert page.locator("li.result.violation").count() >= 1


def test_the_copy_button_puts_the_bibtex_in_the_clipboard(open_context, site_url):
    context = open_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + "model/alpaca-7b.html")
    text = page.locator("#bibtex-text").text_content()
    assert text.startswith("@misc{mokg-model-alpaca-7b,") and f"url = {{{BASE}model/alpaca-7b}}" in text
    page.get_by_role("button", name="Copy BibTeX").click()
    page.wait_for_function("document.querySelector('.copy-status').textContent.includes('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == text


def test_the_compare_page_shows_the_models_in_the_address(page, site_url):
    page.goto(site_url + "compare.html?m=olmo-7b,llama-2-7b")
    headers = page.locator("#comparison thead th").all_inner_texts()
    assert headers == ["OLMo 7B", "Llama 2 7B"]
    assert page.locator("#comparison tbody tr").count() > 20
    assert page.get_by_label("OLMo 7B").is_checked() and page.get_by_label("Llama 2 7B").is_checked()
    page.get_by_label("Add a model").fill("pythia 12")  # found with the search index
    page.get_by_label("Pythia 12B").check()
    assert page.locator("#comparison thead th").all_inner_texts() == ["OLMo 7B", "Llama 2 7B", "Pythia 12B"]
    assert page.evaluate("location.search") == "?m=olmo-7b,llama-2-7b,pythia-12b"


def test_the_leaderboard_works_without_javascript(open_context, site_url, store):
    page = open_context(java_script_enabled=False).new_page()
    page.goto(site_url + "index.html")
    assert page.locator("#leaderboard tbody tr").count() == store.stats().classes["Model"]
    scores = [float(s) for s in page.locator("#leaderboard td.score-cell").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    assert not page.locator("#filters").is_visible()
    page.goto(site_url + "model/alpaca-7b.html")
    assert page.locator("#bibtex-text").is_visible()
    assert not page.locator("button.copy").is_visible()


def test_every_kind_of_page_opens_without_console_errors(page, site_url):
    for path in (
        "index.html",
        "compare.html",
        "ontology.html",
        "sparql.html",
        "model/llama-2-7b.html",
        "dataset/the-pile.html",
        "license/llama-2-community.html",
        "org/eleutherai.html",
        "family/llama-2.html",
        "source/how-open-is-generative-ai-part-2.html",
    ):
        page.goto(site_url + path)
        assert page.locator("h1").count() == 1


def test_a_licence_page_says_what_it_permits_and_forbids(page, site_url):
    page.goto(site_url + "license/llama-2-community.html")
    facts = page.locator(".facts").inner_text()
    for fact in ("Commercial use allowed", "Research use only", "OSI-approved", "Open data", "700 million"):
        assert fact in facts
    assert "Llama 2 7B" in page.locator(".related").inner_text()


def test_the_site_works_from_file_urls(browser, site):
    context = browser.new_context()
    page = context.new_page()
    problems = _watch(page, ("file://", "data:"), [])
    page.goto((site / "index.html").as_uri())
    page.get_by_role("button", name="Score").click()
    page.locator("#leaderboard tbody a", has_text="Alpaca 7B").click()
    page.wait_for_url("**/model/alpaca-7b.html")
    assert "LLaMA 7B" in page.locator("svg.lineage-svg text").all_text_contents()
    page.goto((site / "compare.html").as_uri() + "?m=olmo-7b,llama-2-7b")
    assert page.locator("#comparison thead th").all_inner_texts() == ["OLMo 7B", "Llama 2 7B"]
    context.close()
    assert problems == []


def test_the_terminal_progress_bar_draws_on_a_terminal_only():
    import io

    from mokg.site import terminal_progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, log = Tty(), io.StringIO()
    for stream in (tty, log):
        bar = terminal_progress(stream, width=10)
        bar(0, 4, "")
        bar(2, 4, "model/a.html")
        bar(4, 4, "org/b.html")
    assert "[#####.....] 2/4 model/a.html" in tty.getvalue() and tty.getvalue().endswith("\n")
    assert log.getvalue() == ""


def test_python_m_mokg_site_build(tmp_path):
    """``python -m mokg.site`` reads the MOKG_* settings as the mokg command does (a small root here)."""
    out = tmp_path / "site"
    env = {**os.environ, "MOKG_ROOT": str(TEST_DATA / "root")}
    command = [sys.executable, "-m", "mokg.site", "build", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "7 pages (2 model, 5 page)" in done.stdout and (out / "model" / "tiny-model.html").is_file()


# --------------------------------------------------------------------------------------------
# The leaderboard's downloads and the What changed page
# --------------------------------------------------------------------------------------------

DOWNLOAD_HEADER = [
    "model", "id", "score", "mof_class", "osaid", "organization", "licence", "licence_status", "licence_category",
    "weights", "architecture_and_inference_code", "training_code", "data_processing_code", "pre_training_data",
    "fine_tuning_data", "evaluation", "documentation",
]  # fmt: skip


def _table(html: str) -> list[list[str]]:
    """The leaderboard's rows as the page shows them: model name, then the text of every cell."""
    rows = re.findall(r"<tr data-org.*?</tr>", html, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows]  # fmt: skip


def test_the_leaderboard_downloads_hold_the_table_of_every_model(site, parsed):
    index = (site / "index.html").read_text()
    assert ("a", "leaderboard.csv") in parsed[site / "index.html"].links
    assert ("a", "leaderboard.json") in parsed[site / "index.html"].links
    csv_text = (site / "leaderboard.csv").read_bytes().decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(csv_text, newline="")))
    assert header == DOWNLOAD_HEADER
    table = _table(index)
    assert len(rows) == len(table) > 300  # one row per model, in the table's order
    for row, shown in zip(rows, table, strict=True):
        cells = dict(zip(header, row, strict=True))
        assert shown[0] == cells["model"] and cells["id"].startswith(f"{BASE}model/")
        assert shown[1] == (cells["score"] or "—")
        assert shown[2] == cells["mof_class"] and shown[3] == (cells["osaid"] or "—")
        assert shown[-8:] == row[-8:]  # the component groups' statuses
        licences = cells["licence"].replace("; ", ", ") or cells["licence_status"] or "—"
        assert shown[5].startswith(licences)
    # The JSON holds the same, typed: a score is a number (null without one), lists are lists.
    document = json.loads((site / "leaderboard.json").read_text())
    assert [list(item) for item in document] == [DOWNLOAD_HEADER] * len(rows)
    flattened = [
        [
            "; ".join(v) if isinstance(v, list) else "" if v is None else f"{v:.1f}" if isinstance(v, float) else v
            for v in item.values()
        ]
        for item in document
    ]
    assert flattened == rows


MISTRAL_CHANGE = "The licence of Mistral 7B weights changed from Apache License 2.0 to MIT License."


def test_the_what_changed_page_lists_each_releases_changes(site, parsed):
    page = parsed[site / "what-changed.html"]
    html = (site / "what-changed.html").read_text()
    assert ("a", "what-changed.html") in parsed[site / "index.html"].links  # in the navigation of every page
    assert "release-1.1" in page.ids and "Release 1.0 is the first release" in html
    assert ("a", f"{BASE}release/1.0/diff/1.1") in page.links
    for slug in ("alpaca-7b", "mistral-7b", "zephyr-7b-beta"):
        assert ("a", f"model/{slug}.html") in page.links  # every changed model, linked to its page
    assert f"<li>{MISTRAL_CHANGE}</li>" in html
    assert "Zephyr-7B-beta is now recorded as merged from LLaMA 7B." in html
    assert "as European Open Source AI Index grades it: Level 0" in html
    # Its links resolve: test_every_internal_link_resolves reads every page of this site.


def test_the_what_changed_page_says_when_there_is_nothing_to_compare(tmp_path):
    """On the small graph: no release, then one (every record's history changes: a full build)."""
    small = Settings(root=TEST_DATA / "root")
    store, context = open_store(small), load_context(small.root)
    sources = source_digests((f.graph.value, f.path) for f in discover(small.root, BASE))
    releases = Releases(tmp_path / "releases")
    out = tmp_path / "site"
    build(store, out, base_iri=BASE, context=context, sources=sources, releases=releases)
    assert "No release of the graph has been made yet" in (out / "what-changed.html").read_text()
    create_release(store, "1.0", tmp_path / "releases", BASE)
    report = build(store, out, base_iri=BASE, context=context, sources=sources, releases=releases)
    assert report.mode == "full" and "a release was made" in report.summary(), report.summary()
    html = (out / "what-changed.html").read_text()
    assert "Release 1.0 is the first release: there is nothing to compare it with yet." in html
    full = tmp_path / "full"
    build(store, full, base_iri=BASE, context=context, sources=sources, releases=releases)
    assert _files(out) == _files(full)
    assert build(store, out, base_iri=BASE, context=context, sources=sources, releases=releases).rendered == 0


# --------------------------------------------------------------------------------------------
# IRIs from the graph that are not http(s): text, never a link
# --------------------------------------------------------------------------------------------

#: What a hostile or careless data file could hold: IRIs of other schemes where pages link IRIs
#: (a licence's own IRI, a homepage that looks like a Wikidata entity, ontology alignments),
#: next to http(s) ones that must stay links.
HOSTILE = f"""
@prefix mokg:    <https://w3id.org/mokg/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf:    <http://xmlns.com/foaf/0.1/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .

<{BASE}model/tiny-model> foaf:homepage <javascript:void(window.pwned=1)//wikidata.org/entity/Q1> ;
    skos:exactMatch <data:text/html;base64,PHNjcmlwdD4=> , <vbscript:msgbox(1)> ;
    dcterms:license <javascript:void(window.pwned=2)> .
<javascript:void(window.pwned=2)> a mokg:License ; mokg:licenseId "evil" ; rdfs:label "Evil licence" .
<{BASE}model/tiny-base> foaf:homepage <https://example.org/tiny-base> ;
    skos:exactMatch <https://www.wikidata.org/entity/Q42> .
mokg:Model skos:exactMatch <javascript:void(window.pwned=4)> ;
    skos:closeMatch <https://schema.org/SoftwareApplication> .
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The small test graph, plus non-http(s) IRIs where the pages link IRIs, built as a site."""
    import pyoxigraph as ox

    small = Settings(root=TEST_DATA / "root")
    store = open_store(small)
    graph = ox.NamedNode(f"{BASE}graph/ontology/hostile")  # an ontology graph: the ontology page reads it
    store.replace_graph(
        graph, [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(HOSTILE, format=ox.RdfFormat.TURTLE)]
    )
    out = tmp_path_factory.mktemp("hostile-site")
    build(store, out, base_iri=BASE, context=load_context(small.root))
    return out


def test_no_page_links_an_iri_that_is_not_http(hostile_site):
    """Every href and src is http(s) or relative, whatever IRIs the graph holds.

    Breaks if a template links an IRI from the graph without checking its scheme: the licence's
    own IRI ("Cite as", <link rel="cite-as">), a homepage caught by the Wikidata case of the
    record's weblink macro, an alignment on the ontology page: one click would run its script.
    """
    bad = []
    for path in sorted(hostile_site.rglob("*.html")):
        for tag, url in _parse(path).links:
            if tag == "link" and url == "data:,":
                continue  # the empty favicon of every page: static, loads nothing
            if urlsplit(url).scheme not in ("", "http", "https"):
                bad.append((path.relative_to(hostile_site).as_posix(), tag, url))
    assert bad == []
    # The IRIs are still shown, as text.
    licence = (hostile_site / "license" / "evil.html").read_text()
    assert '<code class="iri">javascript:void(window.pwned=2)</code>' in licence
    assert 'rel="cite-as"' not in licence
    model = (hostile_site / "model" / "tiny-model.html").read_text()
    assert "javascript:void(window.pwned=1)//wikidata.org/entity/Q1" in model
    assert "vbscript:msgbox(1)" in model and "data:text/html;base64,PHNjcmlwdD4=" in model
    ontology = (hostile_site / "ontology.html").read_text()
    assert '<code class="iri" title="javascript:void(window.pwned=4)">' in ontology


def test_http_iris_from_the_graph_are_still_links(hostile_site):
    """The scheme check keeps http(s) homepages, Wikidata entities and alignments as links."""
    base = (hostile_site / "model" / "tiny-base.html").read_text()
    assert '<a href="https://example.org/tiny-base">example.org/tiny-base</a>' in base
    assert '<a href="https://www.wikidata.org/entity/Q42">Wikidata: Q42</a>' in base
    ontology = (hostile_site / "ontology.html").read_text()
    assert '<a href="https://schema.org/SoftwareApplication" class="external">' in ontology


def test_clicking_a_non_http_iri_runs_nothing(browser, hostile_site):
    """In Chromium, clicking each shown javascript: IRI neither runs it nor leaves the page."""
    context = browser.new_context()
    page = context.new_page()
    problems = _watch(page, ("file://", "data:"), [])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for name in ("license/evil.html", "model/tiny-model.html", "ontology.html"):
        address = (hostile_site / name).as_uri()
        page.goto(address)
        shown = page.get_by_text("javascript:void(window.pwned=")
        assert shown.count() >= 1, name
        for element in shown.all():
            element.click()
        page.wait_for_timeout(200)  # a javascript: navigation runs as a task after the click
        assert page.evaluate("window.pwned") is None, name
        assert page.url == address
    context.close()
    assert dialogs == [] and problems == []


def test_a_model_page_shows_its_history_across_the_releases(site):
    """two_releases changed Mistral 7B's weights licence in 1.1; the bundled graph (the living one) has it back."""
    page = (site / "model" / "mistral-7b.html").read_text()
    section = page[page.index('id="history-title"') :]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section.split("</section>", 1)[0]))
    assert "Release 1.0" in text and "Mistral 7B was added." in text
    assert "Release 1.1" in text
    assert "The licence of Mistral 7B weights changed from Apache License 2.0 to MIT License." in text
    assert "Since the last release" in text
    assert f'href="{BASE}model/mistral-7b/history"' in section
