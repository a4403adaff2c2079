"""``/model/{name}/badge.svg`` and ``/badge.json``: answers, caching, errors; the record page's
embed block; and the badge drawn by a real browser (Debian's Chromium, through Playwright).
"""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from urllib.parse import urljoin

import jsonschema
import pytest
from conftest import BASE, REPO, TEST_DATA, live_server
from fastapi.testclient import TestClient
from test_badges import AA, LABEL_OF, contrast, rgb
from test_record_pages import parse

from mokg.badges import SHOWS, make_badge, read_facts, render_svg, shields_endpoint
from mokg.config import Settings
from mokg.service import create_app

SCHEMA = json.loads((TEST_DATA / "shields-endpoint.schema.json").read_text())
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(root=REPO), store=store)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def no_class(store) -> str:
    """A bundled model that reaches no MOF class, found by a query (which one may change)."""
    rows = store.query("SELECT ?m WHERE { ?m a mokg:Model ; mokg:achievedMOFClass 0 } ORDER BY ?m LIMIT 1")
    return next(iter(rows))["m"].value.removeprefix(f"{BASE}model/")


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("show", SHOWS)
def test_the_svg_badge_is_the_models(client, store, show: str):
    response = client.get("/model/olmo-7b/badge.svg", params={"show": show})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.text == render_svg(make_badge(read_facts(store, BASE, "olmo-7b"), show))
    root = ElementTree.fromstring(response.content)
    assert root.get("role") == "img" and root.get("aria-label").startswith("OLMo 7B, ")
    assert root.find(f"{SVG_NS}title").text == root.get("aria-label")
    # Opened on its own, the image is a document that may load and run nothing.
    assert response.headers["content-security-policy"] == "default-src 'none'"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_without_show_the_badge_is_the_mof_class(client, no_class: str):
    assert client.get("/model/olmo-7b/badge.svg").text == client.get("/model/olmo-7b/badge.svg?show=mof").text
    assert "Class " in client.get("/model/olmo-7b/badge.svg").text
    assert ">no class</text>" in client.get(f"/model/{no_class}/badge.svg").text
    assert client.get(f"/model/{no_class}/badge.json").json()["message"] == "no class"


@pytest.mark.parametrize("show", SHOWS)
def test_the_json_badge_is_a_shields_endpoint(client, store, show: str):
    response = client.get("/model/olmo-7b/badge.json", params={"show": show})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    jsonschema.Draft7Validator(SCHEMA).validate(body)
    assert body == shields_endpoint(make_badge(read_facts(store, BASE, "olmo-7b"), show), 300)
    assert contrast(body["color"], "fff") >= AA and contrast(body["labelColor"], "fff") >= AA


def test_shields_is_told_the_services_cache_lifetime(store):
    with TestClient(create_app(Settings(root=REPO, cache_max_age=3600), store=store)) as client:
        response = client.get("/model/olmo-7b/badge.json")
    assert response.json()["cacheSeconds"] == 3600
    assert response.headers["cache-control"] == "public, max-age=3600"


# --------------------------------------------------------------------------------------------
# Caching: the record's scheme
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".svg", ".json"])
def test_a_badge_is_revalidated_like_the_record(client, suffix: str):
    url = f"/model/olmo-7b/badge{suffix}"
    first = client.get(url, params={"show": "score"})
    tag = first.headers["etag"]
    assert tag.startswith('"') and tag.endswith('"'), "a strong tag: the bytes are fixed by the graph"
    assert first.headers["cache-control"] == client.get("/model/olmo-7b").headers["cache-control"]
    for condition in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        again = client.get(url, params={"show": "score"}, headers={"if-none-match": condition})
        assert again.status_code == 304, condition
        assert again.content == b""
        assert again.headers["etag"] == tag
        assert again.headers["cache-control"] == first.headers["cache-control"]
    assert client.get(url, params={"show": "score"}, headers={"if-none-match": '"other"'}).status_code == 200
    # Another badge, format or model is another representation.
    others = {
        client.get(url, params={"show": "mof"}).headers["etag"],
        client.get(f"/model/olmo-7b/badge{'.json' if suffix == '.svg' else '.svg'}").headers["etag"],
        client.get(f"/model/alpaca-7b/badge{suffix}", params={"show": "score"}).headers["etag"],
    }
    assert tag not in others and len(others) == 3


def test_a_new_graph_version_is_a_new_tag(store):
    with TestClient(create_app(Settings(root=REPO), store=store)) as client:
        before = client.get("/model/olmo-7b/badge.svg")
        client.app.state.mokg.version = "a-reloaded-graph"
        after = client.get("/model/olmo-7b/badge.svg", headers={"if-none-match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]


def test_a_kept_badge_is_answered_from_the_response_cache(client):
    first = client.get("/model/olmo-7b/badge.svg?show=osaid")
    kept = client.app.state.mokg.cache.size
    second = client.get("/model/olmo-7b/badge.svg?show=osaid")
    assert second.content == first.content and client.app.state.mokg.cache.size == kept


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".svg", ".json"])
@pytest.mark.parametrize("name", ["no-such-model", "alpaca-data", "meta", "a%20b", "%3Cx%3E"])
def test_no_model_is_a_404_saying_so(client, suffix: str, name: str):
    """Unknown, a dataset, an organization, or no IRI at all: a JSON error like every route's."""
    response = client.get(f"/model/{name}/badge{suffix}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["detail"].startswith("no model ")
    assert "badges are made for models only" in response.json()["detail"]


@pytest.mark.parametrize("suffix", [".svg", ".json"])
@pytest.mark.parametrize("show", ["", "MOF", "license", "<script>"])
def test_an_unknown_show_is_a_400_naming_the_allowed_values(client, suffix: str, show: str):
    response = client.get(f"/model/olmo-7b/badge{suffix}", params={"show": show})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json()["detail"].endswith("show must be one of mof, osaid, score")


def test_a_bad_show_is_refused_before_the_model_is_looked_up(client):
    assert client.get("/model/no-such-model/badge.svg?show=x").status_code == 400


def test_the_routes_are_described_with_their_parameter_and_answers(client):
    paths = client.get("/openapi.json").json()["paths"]
    for suffix, media in ((".svg", "image/svg+xml"), (".json", "application/json")):
        operation = paths[f"/model/{{name}}/badge{suffix}"]["get"]
        show = next(p for p in operation["parameters"] if p["name"] == "show")
        assert show["schema"]["enum"] == list(SHOWS) and show["schema"]["default"] == "mof"
        assert set(operation["responses"]) >= {"200", "304", "400", "404"}
        assert media in operation["responses"]["200"]["content"]


# --------------------------------------------------------------------------------------------
# The record page's embed block
# --------------------------------------------------------------------------------------------


def test_the_record_page_shows_each_badge_with_its_snippets(client):
    response = client.get("/model/olmo-7b", headers={"accept": "text/html"})
    page = parse(response.text)
    assert page.errors == []
    details = page.root.find("details", cls="embed-badges")
    assert details.find("summary").text.startswith("Embed this model")
    table = details.find("table")
    assert table.find("caption").text.startswith("Badges of OLMo 7B")
    assert [th.attrs.get("scope") for th in table.find("thead").find_all("th")] == ["col"] * 3
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == len(SHOWS)
    for row, show in zip(rows, SHOWS, strict=True):
        heading = row.find("th", scope="row")
        assert heading.text == LABEL_OF[show]
        image = heading.find("img", cls="badge-preview")
        # The preview is the service's own (relative: the page's CSP allows only its origin).
        assert image.attrs["src"] == f"/model/olmo-7b/badge.svg?show={show}"
        assert image.attrs["alt"] == f"{LABEL_OF[show]} of OLMo 7B (mokg)"
        assert client.get(image.attrs["src"]).status_code == 200
        markdown, html = (code.text for code in row.find_all("code"))
        badge = f"{BASE}model/olmo-7b/badge.svg?show={show}"
        assert markdown == f"[![{LABEL_OF[show]} of OLMo 7B (mokg)]({badge})]({BASE}model/olmo-7b)"
        assert html == f'<a href="{BASE}model/olmo-7b"><img src="{badge}" alt="{LABEL_OF[show]} of OLMo 7B (mokg)"></a>'


# --------------------------------------------------------------------------------------------
# In a real browser
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def url(store) -> Iterator[str]:
    settings = Settings(root=REPO)
    with live_server(create_app(settings, store=store), settings) as address:
        yield address


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.on("request", lambda r: problems.append(f"left the site: {r.url}") if "127.0.0.1" not in r.url else None)
    tab.problems = problems
    yield tab
    context.close()


#: Counts the pixels of a PNG (a data: URL) near each given colour, in a page of its own.
COUNT_PIXELS = """async ([png, colours]) => {
  const image = new Image();
  image.src = png;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, image.width, image.height).data;
  const counts = Object.fromEntries(colours.map(c => [c.join(","), 0]));
  for (let i = 0; i < data.length; i += 4) {
    for (const c of colours) {
      if (Math.abs(data[i] - c[0]) + Math.abs(data[i + 1] - c[1]) + Math.abs(data[i + 2] - c[2]) <= 24) {
        counts[c.join(",")] += 1;
      }
    }
  }
  return {width: image.width, height: image.height, counts};
}"""


def pixel_counts(browser, png: bytes, colours: list[tuple[int, int, int]]) -> dict:
    context = browser.new_context()
    try:
        blank = context.new_page()
        data = f"data:image/png;base64,{base64.b64encode(png).decode()}"
        return blank.evaluate(COUNT_PIXELS, [data, [list(c) for c in colours]])
    finally:
        context.close()


def test_the_badges_render_on_the_record_page(browser, page, url: str, tmp_path_factory):
    """Each preview image loads under the page's CSP, at the SVG's size, and is drawn: its two
    backgrounds and white text, in a screenshot of the image read back pixel by pixel."""
    page.goto(urljoin(url, "/model/olmo-7b"))
    page.click("details.embed-badges summary")
    artifacts = tmp_path_factory.mktemp("badge-artifacts")
    for show in SHOWS:
        image = page.locator(f'img.badge-preview[src$="show={show}"]')
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10_000
        )
        svg = ElementTree.fromstring(page.request.get(urljoin(url, image.get_attribute("src"))).body())
        natural = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert natural == [int(svg.get("width")), int(svg.get("height"))]
        box = image.bounding_box()
        assert (round(box["width"]), round(box["height"])) == tuple(natural)
        shot = image.screenshot(path=str(artifacts / f"olmo-7b-{show}.png"), animations="disabled")
        label, value = (r.get("fill") for r in svg.iter(f"{SVG_NS}rect") if r.get("fill") != "#fff")
        found = pixel_counts(browser, shot, [rgb(label), rgb(value), (255, 255, 255)])
        counts = [found["counts"][",".join(map(str, c))] for c in (rgb(label), rgb(value), (255, 255, 255))]
        area = found["width"] * found["height"]
        assert counts[0] > area * 0.15 and counts[1] > area * 0.15, (show, counts, area)
        assert counts[2] > 40, f"no text drawn on the {show} badge: {counts}"
    assert page.problems == []


@pytest.mark.parametrize("show", SHOWS)
def test_the_badge_opened_on_its_own_fits_its_text(page, url: str, record_property, show: str):
    """The text's measured width in Chromium's fallback font, against the approximation the badge
    was sized with (each text is then fitted to it with textLength)."""
    page.goto(urljoin(url, f"/model/olmo-7b/badge.svg?show={show}"))
    assert page.evaluate("document.documentElement.localName") == "svg"
    assert page.title() == page.evaluate("document.documentElement.getAttribute('aria-label')")
    measured = page.evaluate(
        """() => [...document.querySelectorAll("text")].map(text => {
          const free = text.cloneNode(true);
          free.removeAttribute("textLength");
          text.parentNode.appendChild(free);
          const width = free.getComputedTextLength();
          free.remove();
          return [text.textContent, Number(text.getAttribute("textLength")), width, text.getComputedTextLength()];
        })"""
    )
    for content, approximated, natural, fitted in measured:
        assert fitted == pytest.approx(approximated, abs=0.5), content
        assert natural == pytest.approx(approximated, rel=0.15), (content, natural, approximated)
    record_property("text widths (text, approximated, measured)", [m[:3] for m in measured])
    assert page.problems == []
