"""The service's home: a page for people and a DCAT catalogue for tools at `/`, API docs that work
offline, and — in a real browser — pages that work under their Content-Security-Policy.

`GET /` was a JSON 404 though the namespace redirects there and VoID calls it the landing page;
`/docs` loaded Swagger UI from a CDN.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin

import pyoxigraph as ox
import pytest
from conftest import BASE, REPO, live_server
from fastapi.testclient import TestClient

from mokg.config import Settings
from mokg.service import create_app

DCAT = "http://www.w3.org/ns/dcat#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def client(store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(root=REPO), store=store)) as test_client:
        yield test_client


def test_home_page_for_browsers(client: TestClient, store):
    response = client.get("/", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    for link in ('href="/sparql"', 'href="/void"', 'href="/docs"', 'href="/model/'):
        assert link in response.text
    models = store.stats().classes["Model"]
    assert re.search(rf"\b{models}\s+models\b", response.text)
    assert 'rel="alternate" type="text/turtle"' in response.text


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD),
     ("application/n-triples", ox.RdfFormat.N_TRIPLES), ("application/rdf+xml", ox.RdfFormat.RDF_XML)],
)  # fmt: skip
def test_home_is_the_catalogue_for_tools(client: TestClient, accept: str, fmt: ox.RdfFormat):
    response = client.get("/", headers={"accept": accept})
    assert response.headers["content-type"].startswith(accept) and "Accept" in response.headers["vary"]
    triples = {(t.subject, t.predicate, t.object) for t in ox.parse(response.content, format=fmt)}
    home, dataset = ox.NamedNode(BASE), ox.NamedNode(f"{BASE}void#dataset")
    assert (home, RDF_TYPE, ox.NamedNode(f"{DCAT}Catalog")) in triples
    assert (home, ox.NamedNode(f"{DCAT}dataset"), dataset) in triples
    assert (ox.NamedNode(f"{BASE}sparql"), ox.NamedNode(f"{DCAT}servesDataset"), dataset) in triples


def test_void_names_the_home_as_landing_page_and_the_home_links_void(client: TestClient):
    void = client.get("/void", headers={"accept": "application/n-triples"}).content
    triples = {(t.subject, t.predicate, t.object) for t in ox.parse(void, format=ox.RdfFormat.N_TRIPLES)}
    assert (ox.NamedNode(f"{BASE}void#dataset"), ox.NamedNode(f"{DCAT}landingPage"), ox.NamedNode(BASE)) in triples
    assert '</void>; rel="describedby"' in client.get("/").headers["link"]


def test_home_answers_304(client: TestClient):
    first = client.get("/", headers={"accept": "text/turtle"})
    assert client.get("/", headers={"accept": "text/turtle", "if-none-match": first.headers["etag"]}).status_code == 304


def test_api_docs_are_served_from_the_service_itself(client: TestClient):
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith(("/", "data:")) for s in sources), sources  # nothing from a CDN
    for source in sources:
        if not source.startswith("data:"):
            assert client.get(source).status_code == 200, source
    assert "'unsafe-inline'" not in page.headers["content-security-policy"].split("script-src", 1)[1].split(";")[0]
    assert client.get("/redoc").status_code == 404  # it would load ReDoc from a CDN


# --- in a real browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def url(store) -> Iterator[str]:
    settings = Settings(root=REPO)
    with live_server(create_app(settings, store=store), settings) as address:
        yield address


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: problems.append(f"left the site: {r.url}") if "127.0.0.1" not in r.url else None)
    page.problems = problems
    yield page
    context.close()


@pytest.mark.parametrize("path", ["/", "/sparql", "/model/olmo-7b", "/ontology"])
def test_pages_work_under_their_policy(page, url: str, path: str):
    """The CSP forbids inline script and style: a page that relied on them would log violations here."""
    page.goto(urljoin(url, path))
    page.wait_for_load_state("networkidle")
    assert page.problems == []


def test_the_query_page_runs_a_query_under_its_policy(page, url: str):
    page.goto(urljoin(url, "/sparql#query=ASK%20%7B%20%3Fm%20a%20mokg%3AModel%20%7D"))
    page.wait_for_selector("#output :text('true')", timeout=30_000)
    assert page.problems == []


def test_swagger_ui_renders_offline(page, url: str):
    page.goto(urljoin(url, "/docs"))
    page.wait_for_selector(".opblock-summary-path >> text=/sparql", timeout=30_000)
    assert page.locator(".opblock").count() > 10
    assert page.problems == []
