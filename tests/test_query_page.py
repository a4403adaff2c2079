"""The SPARQL query page: template, script and style, then the page itself in a real browser.

Two layers:

* the template rendered directly with Jinja2 and the real examples: well-formed HTML5, labelled
  controls, no external URL anywhere (no CDN: the page must work offline), the endpoint, static
  and share wiring in place;
* headless Chromium (Debian's ``chromium`` package, driven by Playwright; no browser download)
  against a stand-in server written here: uvicorn on 127.0.0.1 running a small Starlette app
  that renders the page and answers ``POST /sparql`` from the bundled graph the way the SPARQL
  endpoint does (SPARQL JSON results, Turtle for graphs, a JSON ``detail`` on errors, a result
  cap announced by ``X-Result-Truncated``). The stand-in keeps the test independent of the
  service: it checks the page, not the endpoint.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pyoxigraph as ox
import pytest
from jinja2 import Environment, PackageLoader

import mokg
from mokg.errors import QueryError
from mokg.sparql import Example, load_examples

PACKAGE = Path(mokg.__file__).parent
STATIC = PACKAGE / "static"
ENDPOINT = "/sparql"
STATIC_PATH = "/static"
#: Rows the stand-in returns at most, so that the leaderboard (35 models) is truncated.
CAP = 30

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip


def render(examples: list[Example] | None = None, endpoint: str = ENDPOINT) -> str:
    env = Environment(loader=PackageLoader("mokg", "templates"), autoescape=True)
    return env.get_template("sparql.html").render(
        examples=load_examples() if examples is None else examples,
        endpoint=endpoint,
        static=STATIC_PATH,
        version="9.9.9-test",
    )


class Page(HTMLParser):
    """The parts of a page the tests look at, and any nesting error in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doctype: str | None = None
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []  # text outside <textarea>
        self.textarea: list[str] = []
        self.buttons: list[tuple[dict[str, str], list[str]]] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "button":
            self.buttons.append((dict(self.elements[-1][1]), []))
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag not in VOID_ELEMENTS:
            self.errors.append(f"<{tag}/> is not a void element")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            self.errors.append(f"</{tag}> closes a void element")
        elif not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "textarea" in self.stack:
            self.textarea.append(data)
        else:
            self.text.append(data)
        if "button" in self.stack and self.buttons:
            self.buttons[-1][1].append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def encode_uri_component(text: str) -> str:
    """JavaScript's encodeURIComponent."""
    return quote(text, safe="-_.!~*'()")


URL = re.compile(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# (a) The template, the script and the style
# --------------------------------------------------------------------------------------------


def test_page_is_well_formed_html5() -> None:
    page = parse(render())
    assert page.doctype is not None and page.doctype.lower() == "doctype html"
    assert page.errors == []
    assert page.stack == [], f"elements left open: {page.stack}"
    assert page.find("html", lang="en")
    assert page.find("meta", charset="utf-8")
    assert page.find("meta", name="viewport")
    ids = [attrs["id"] for _, attrs in page.elements if "id" in attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len(page.find("main")) == 1
    assert len(page.find("h1")) == 1


def test_controls_are_labelled_and_reachable() -> None:
    page = parse(render())
    ids = {attrs["id"] for _, attrs in page.elements if "id" in attrs}
    assert page.find("label", **{"for": "query"}), "the editor has a label"
    for label in page.find("label"):
        assert label["for"] in ids
    for _, attrs in page.elements:
        for reference in ("aria-describedby", "aria-labelledby"):
            if reference in attrs:
                assert set(attrs[reference].split()) <= ids, attrs
    # Buttons are real buttons (focusable, Enter/Space work), each with a text.
    for attrs, text in page.buttons:
        assert attrs.get("type") in {"button", "submit"}
        assert "".join(text).strip()
    assert page.find("button", type="submit", id="run")
    # Nothing is taken out of the tab order.
    assert not [attrs for _, attrs in page.elements if attrs.get("tabindex", "0").startswith("-")]


def test_every_example_is_offered_with_its_exact_text() -> None:
    examples = load_examples()
    page = parse(render(examples))
    offered = [
        (attrs["data-name"], "".join(text).strip(), attrs["data-query"])
        for attrs, text in page.buttons
        if "example" in attrs.get("class", "").split()
    ]
    assert offered == [(e.name, e.title, e.query) for e in examples]
    # The editor starts with the first example; without JavaScript, the form still posts it.
    assert "".join(page.textarea) == examples[0].query
    assert page.find("form", method="post", action=ENDPOINT)


def test_titles_and_queries_are_escaped() -> None:
    nasty = Example("99-nasty", 'Say "<script>alert(1)</script>" & more', 'SELECT * WHERE { ?s ?p "</textarea><b>" }')
    rendered = render([nasty])
    assert "<script>alert" not in rendered
    assert "</textarea><b>" not in rendered
    page = parse(rendered)
    (attrs, text), *_ = [b for b in page.buttons if b[0].get("data-name") == "99-nasty"]
    assert "".join(text).strip() == nasty.title
    assert attrs["data-query"] == nasty.query
    assert "".join(page.textarea) == nasty.query


def test_no_external_url_outside_example_queries() -> None:
    """The page works offline: no CDN, font, image or script from anywhere but the endpoint."""
    examples = load_examples()
    page = parse(render(examples))
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            if name == "data-query":
                continue  # example query text: its IRIs are data, not resources to load
            assert not URL.search(value), f"<{tag} {name}={value!r}>"
    assert not URL.search("".join(page.text))
    # What remains in the textarea is the first example, verbatim.
    assert "".join(page.textarea) == examples[0].query
    script = (STATIC / "sparql.js").read_text(encoding="utf-8")
    style = (STATIC / "sparql.css").read_text(encoding="utf-8")
    assert not URL.search(script)
    assert not URL.search(style)
    assert "url(" not in style and "@import" not in style
    assert "import(" not in script and not re.search(r"^\s*import\s", script, re.MULTILINE)


def test_endpoint_static_and_share_wiring() -> None:
    page = parse(render(endpoint="/mokg/sparql"))
    assert page.find("script", src=f"{STATIC_PATH}/sparql.js", defer="")
    assert page.find("link", rel="stylesheet", href=f"{STATIC_PATH}/sparql.css")
    (form,) = page.find("form", id="query-form")
    assert form["data-endpoint"] == form["action"] == "/mokg/sparql"
    assert page.find("textarea", id="query", name="query")
    assert page.find("a", id="share")
    for fmt in ("csv", "tsv", "json"):
        assert page.find("a", href=f"/mokg/sparql?format={fmt}", **{"data-format": fmt})
    assert page.find("div", id="error", role="alert")
    assert page.find("p", id="status", role="status")
    assert "9.9.9-test" in "".join(page.text)

    script = (STATIC / "sparql.js").read_text(encoding="utf-8")
    for needle in (
        "#query=",  # share link and fragment
        "hashchange",
        "application/x-www-form-urlencoded",
        "application/sparql-results+json",
        "text/turtle",
        "X-Result-Truncated",
        "detail",
        "&format=",
        '"Tab"',
        '"Enter"',
        "metaKey",
    ):
        assert needle in script, needle


def test_page_without_examples_still_renders() -> None:
    page = parse(render([]))
    assert page.errors == []
    assert "".join(page.textarea) == ""
    assert "No example queries" in "".join(page.text)


# --------------------------------------------------------------------------------------------
# (b) The page in headless Chromium, against a stand-in endpoint on 127.0.0.1
# --------------------------------------------------------------------------------------------


def stand_in_app(store, requests: list[dict[str, str]]):
    """A minimal SPARQL endpoint over ``store`` with the page at GET /sparql (no query)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    solution_formats = {
        "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        "csv": ("text/csv", ox.QueryResultsFormat.CSV),
        "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    }

    def answer(query: str, fmt: str) -> Response:
        try:
            result = store.query(query)
        except QueryError as error:
            return JSONResponse({"detail": str(error)}, status_code=400)
        if isinstance(result, ox.QueryTriples):
            body = ox.serialize(
                list(result), format=ox.RdfFormat.TURTLE, prefixes={"prov": "http://www.w3.org/ns/prov#"}
            )
            return Response(body, media_type="text/turtle")
        media, results_format = solution_formats[fmt]
        headers = {}
        if isinstance(result, ox.QuerySolutions):
            data = json.loads(result.serialize(format=ox.QueryResultsFormat.JSON))
            if len(data["results"]["bindings"]) > CAP:
                data["results"]["bindings"] = data["results"]["bindings"][:CAP]
                headers["X-Result-Truncated"] = "true"
            body = json.dumps(data).encode()
            if fmt != "json":
                body = ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(format=results_format)
        else:
            body = result.serialize(format=ox.QueryResultsFormat.JSON)
        return Response(body, media_type=media, headers=headers)

    async def sparql_get(request: Request) -> Response:
        query = request.query_params.get("query")
        if query is None:
            return HTMLResponse(render())
        return answer(query, request.query_params.get("format", "json"))

    async def sparql_post(request: Request) -> Response:
        body = (await request.body()).decode("utf-8")
        requests.append(
            {
                "content-type": request.headers.get("content-type", ""),
                "accept": request.headers.get("accept", ""),
                "body": body,
            }
        )
        query = parse_qs(body, keep_blank_values=True).get("query", [""])[0]
        return answer(query, "json")

    return Starlette(
        routes=[
            Route(ENDPOINT, sparql_get, methods=["GET"]),
            Route(ENDPOINT, sparql_post, methods=["POST"]),
            Mount(STATIC_PATH, app=StaticFiles(directory=STATIC), name="static"),
        ]
    )


@dataclass
class StandIn:
    url: str
    requests: list[dict[str, str]]


@pytest.fixture(scope="module")
def stand_in(store) -> Iterator[StandIn]:
    import uvicorn

    requests: list[dict[str, str]] = []
    config = uvicorn.Config(stand_in_app(store, requests), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the stand-in server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield StandIn(f"http://127.0.0.1:{port}", requests)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser, stand_in):
    """A fresh page that fails the test on any script error or request off 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))

    def check_request(request) -> None:
        if not request.url.startswith(stand_in.url + "/"):
            problems.append(f"request off the stand-in: {request.url}")

    tab.on("request", check_request)
    stand_in.requests.clear()
    yield tab
    context.close()
    # A failed query is reported on the page, and Chromium logs the HTTP error on its console:
    # that one is expected.
    assert [p for p in problems if "status of 400" not in p] == []


def open_page(page, stand_in: StandIn, fragment: str = "") -> None:
    page.goto(f"{stand_in.url}{ENDPOINT}{fragment}")
    page.wait_for_load_state("load")


def test_browser_leaderboard_example(page, stand_in, store) -> None:
    open_page(page, stand_in)
    leaderboard = next(e for e in load_examples() if e.name.endswith("openness-leaderboard"))
    page.get_by_role("button", name=leaderboard.title).click()
    assert page.locator("#query").input_value() == leaderboard.query
    assert page.locator("#query").evaluate("node => node === document.activeElement")
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("table.solutions tbody tr")

    rows = page.locator("table.solutions tbody tr")
    assert rows.count() == CAP
    top = next(iter(store.query(leaderboard.query)))  # the best-scored model, as the store answers
    assert top["name"].value in rows.first.inner_text()
    headers = page.locator("table.solutions thead th").all_inner_texts()
    assert headers[1:] == ["model", "name", "score", "mofClass", "classIIIPercent", "osaid", "weightsLicence"]
    # IRIs are links, shortened with the query's prefixes; literals keep their datatype, subtly.
    link = rows.first.locator("a.iri").first
    assert link.get_attribute("href") == top["model"].value
    assert rows.first.locator(".datatype").count() >= 1
    assert page.locator("#status").inner_text().startswith(f"{CAP} rows in ")
    assert re.search(r"in \d+ ms", page.locator("#status").inner_text())
    assert page.locator("#truncated").is_visible()
    assert page.locator("#error").is_hidden()

    (sent,) = stand_in.requests
    assert sent["content-type"].startswith("application/x-www-form-urlencoded")
    assert sent["accept"] == "application/sparql-results+json"
    assert parse_qs(sent["body"])["query"] == [leaderboard.query]

    # The share link and the address bar carry the query; the downloads ask for each format.
    encoded = encode_uri_component(leaderboard.query)
    share = page.locator("#share").get_attribute("href")
    assert share == f"{stand_in.url}{ENDPOINT}#query={encoded}"
    assert urlsplit(page.url).fragment == f"query={encoded}"
    csv_link = page.locator("#download-csv").get_attribute("href")
    assert csv_link == f"{ENDPOINT}?query={encoded}&format=csv"
    csv = page.request.get(stand_in.url + csv_link)
    assert csv.ok and csv.text().startswith("model,name,score")
    page.screenshot(path="/tmp/mokg-sparql-page.png", full_page=True)


def test_browser_fragment_loads_and_runs_the_query(page, stand_in) -> None:
    open_page(page, stand_in, "#query=ASK%20%7B%7D")
    answer = page.wait_for_selector(".boolean")
    assert answer.inner_text() == "true"
    assert page.locator("#query").input_value() == "ASK {}"
    assert page.locator("#truncated").is_hidden()
    assert "ASK answered true" in page.locator("#status").inner_text()
    # A new fragment (back/forward, a pasted link) loads and runs its query too; "+" stays "+".
    page.evaluate("location.hash = '#query=' + encodeURIComponent('ASK { FILTER(1+1 = 3) }')")
    page.wait_for_selector(".boolean.no")
    assert page.locator("#query").input_value() == "ASK { FILTER(1+1 = 3) }"


def test_browser_syntax_error_shows_the_error_box(page, stand_in) -> None:
    open_page(page, stand_in)
    editor = page.locator("#query")
    editor.fill("SELEC * WHERE { ?s ?p ?o }")
    editor.press("Control+Enter")
    error = page.wait_for_selector("#error:not([hidden])")
    text = error.inner_text()
    assert "Error 400" in text
    assert "syntax error" in text.lower()
    assert page.locator("table.solutions").count() == 0


def test_browser_construct_shows_turtle(page, stand_in) -> None:
    open_page(page, stand_in)
    example = next(e for e in load_examples() if e.query.count("CONSTRUCT"))
    page.get_by_role("button", name=example.title).click()
    page.locator("#query").press("Control+Enter")
    graph = page.wait_for_selector("pre.graph")
    assert "prov:wasDerivedFrom" in graph.inner_text()
    assert stand_in.requests[-1]["accept"] == "text/turtle"
    assert page.locator("#download-csv").inner_text() == "Turtle"
    assert page.locator("#download-csv").get_attribute("href").endswith("&format=ttl")


def test_browser_editor_keys(page, stand_in) -> None:
    open_page(page, stand_in)
    editor = page.locator("#query")
    editor.fill("SELECT * WHERE {\n}")
    editor.evaluate("node => node.setSelectionRange(17, 17)")
    editor.press("Tab")
    editor.type("?s ?p ?o")
    assert editor.input_value() == "SELECT * WHERE {\n  ?s ?p ?o}"
    # Escape, then Tab, leaves the editor: the keyboard is never trapped.
    editor.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "run"
    page.keyboard.press("Enter")
    page.wait_for_selector("table.solutions tbody tr")
    assert page.locator("#truncated").is_visible()
    # Every example button can be reached and used from the keyboard.
    first = page.locator("button.example").first
    first.focus()
    page.keyboard.press("Enter")
    assert editor.input_value() == load_examples()[0].query
    assert first.get_attribute("aria-current") == "true"


def test_browser_page_has_no_external_requests(page, stand_in) -> None:
    """Everything the page loads comes from the stand-in (checked by the page fixture)."""
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    open_page(page, stand_in)
    assert {urlsplit(url).path for url in loaded} >= {ENDPOINT, f"{STATIC_PATH}/sparql.js", f"{STATIC_PATH}/sparql.css"}
    assert html.unescape(page.title()) == "SPARQL query · mokg"


def test_browser_reads_the_query_form_past_comments_and_iris(page, stand_in) -> None:
    """A keyword in a comment, a string or an IRI does not fool the page about the query form."""
    query = '# Not a CONSTRUCT query\nPREFIX ex: <urn:x:CONSTRUCT#>\nASK { FILTER("DESCRIBE" != "") }'
    open_page(page, stand_in, f"#query={encode_uri_component(query)}")
    assert page.wait_for_selector(".boolean").inner_text() == "true"
    assert stand_in.requests[-1]["accept"] == "application/sparql-results+json"
    assert page.locator("#download-csv").inner_text() == "CSV"


# --------------------------------------------------------------------------------------------
# (c) Result IRIs that are not http(s): shown as text, never a link (a shared link must not
# run script on one click)
# --------------------------------------------------------------------------------------------

#: Every href, src, action and formaction in the page whose URL, resolved against the page, is
#: not http(s) (a relative link resolves to the page's own http: URL). The template's empty
#: favicon, <link rel="icon" href="data:,">, is static and loads nothing: it is left out.
NON_WEB_URLS = """() => {
  const found = [];
  for (const node of document.querySelectorAll("[href], [src], [action], [formaction]")) {
    for (const name of ["href", "src", "action", "formaction"]) {
      const value = node.getAttribute(name);
      if (value === null) continue;
      if (node.matches("link[rel=icon]") && value === "data:,") continue;
      let scheme;
      try {
        scheme = new URL(value, document.baseURI).protocol;
      } catch (error) {
        scheme = "unparsable";
      }
      if (scheme !== "http:" && scheme !== "https:") found.push(`<${node.localName} ${name}="${value}">`);
    }
  }
  return found;
}"""


def iri_query(*iris: str) -> str:
    values = " ".join(json.dumps(iri) for iri in iris)
    return f"SELECT ?x WHERE {{ VALUES ?s {{ {values} }} BIND(IRI(?s) AS ?x) }}"


def run_from_fragment(page, stand_in: StandIn, query: str, rows: int) -> None:
    """Open the page as a shared link with ``query`` in its fragment, and wait for its ``rows`` rows."""
    open_page(page, stand_in, f"#query={encode_uri_component(query)}")
    page.wait_for_selector("table.solutions tbody tr")
    assert page.locator("table.solutions tbody tr").count() == rows
    assert page.locator("#query").input_value() == query


def test_browser_javascript_iri_from_a_shared_link_does_not_run(page, stand_in) -> None:
    """A shared link whose query returns a javascript: IRI shows it as text; clicking it runs nothing.

    Breaks if renderTerm (or anything else) makes an href of a result IRI without checking its
    scheme: the IRI is then an <a href="javascript:…">, and one click runs the link's script
    in the page, with the endpoint's origin.
    """
    flag = "javascript:void(window.pwned=document.domain)"
    alert = "javascript:alert(document.domain)"
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    run_from_fragment(page, stand_in, iri_query(flag, alert), 2)

    cells = page.locator("table.solutions tbody td:not(.rownum)")
    assert cells.all_inner_texts() == [flag, alert]
    assert page.locator("table.solutions a").count() == 0
    for cell, iri in zip(cells.all(), (flag, alert), strict=True):
        shown = cell.locator("span.iri")
        assert shown.count() == 1
        assert shown.get_attribute("title") == iri
        assert shown.get_attribute("href") is None
    assert page.evaluate(NON_WEB_URLS) == []

    address = page.url
    for shown in page.locator("table.solutions span.iri").all():
        shown.click()
    page.wait_for_timeout(300)  # a javascript: navigation runs as a task after the click
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
    assert page.url == address
    assert page.locator("table.solutions tbody tr").count() == 2  # the page is still there


@pytest.mark.parametrize(
    "iri",
    [
        "JavaScript:void(window.pwned=1)",
        "data:text/html;base64,PHNjcmlwdD53aW5kb3cub3BlbmVyLnB3bmVkPTE8L3NjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "urn:isbn:9780262033848",
        "mailto:someone@example.org",
    ],
    ids=["javascript", "data", "vbscript", "file", "urn", "mailto"],
)
def test_browser_only_http_and_https_iris_are_links(page, stand_in, iri) -> None:
    """An IRI of any scheme but http(s) is text in a span.iri, next to an https IRI that stays a link.

    Breaks if a result IRI of another scheme (data:, vbscript:, file:…, in any case) becomes an
    href, or if the check is so strict that http(s) IRIs (in any case) stop being links.
    """
    https, upper = "https://example.org/model/x", "HTTP://EXAMPLE.ORG/Y"
    run_from_fragment(page, stand_in, iri_query(iri, https, upper), 3)
    rows = page.locator("table.solutions tbody tr")

    shown = rows.nth(0).locator(".iri")
    assert shown.evaluate("node => node.localName") == "span"
    assert shown.inner_text() == iri and shown.get_attribute("title") == iri
    assert shown.get_attribute("href") is None
    for index, web in ((1, https), (2, upper)):
        link = rows.nth(index).locator("a.iri")
        assert link.get_attribute("href") == web and link.get_attribute("title") == web
        assert link.inner_text() == web
    assert page.locator("table.solutions a").count() == 2
    assert page.evaluate(NON_WEB_URLS) == []


def test_browser_non_web_iri_keeps_its_prefixed_name(page, stand_in) -> None:
    """A non-http(s) IRI is still shortened with the query's prefixes, the full IRI in its title."""
    query = 'PREFIX js: <javascript:> SELECT ?x WHERE { BIND(IRI("javascript:pwned") AS ?x) }'
    run_from_fragment(page, stand_in, query, 1)
    shown = page.locator("table.solutions td:not(.rownum) .iri")
    assert shown.evaluate("node => node.localName") == "span"
    assert shown.inner_text() == "js:pwned"
    assert shown.get_attribute("title") == "javascript:pwned"
    assert page.evaluate(NON_WEB_URLS) == []


def test_browser_share_and_download_links_stay_on_the_page(page, stand_in) -> None:
    """Whatever the fragment holds, the share and download links are this page and the endpoint.

    Breaks if a link were built from the fragment without encoding it (a query could then end
    the query string, or make the link another URL).
    """
    query = 'ASK { FILTER("javascript:alert(1)" != "\\"><img src=x onerror=alert(1)>&format=x#") }'
    open_page(page, stand_in, f"#query={encode_uri_component(query)}")
    assert page.wait_for_selector(".boolean").inner_text() == "true"
    encoded = encode_uri_component(query)
    assert page.locator("#share").get_attribute("href") == f"{stand_in.url}{ENDPOINT}#query={encoded}"
    for fmt in ("csv", "tsv", "json"):
        href = page.locator(f"#download-{fmt}").get_attribute("href")
        assert href == f"{ENDPOINT}?query={encoded}&format={fmt}"
    assert page.locator("img").count() == 0
    assert page.evaluate(NON_WEB_URLS) == []
