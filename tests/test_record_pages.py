"""The HTML record page (``templates/record.html``), rendered directly with Jinja2.

Each record is built from the bundled graph the way the service builds it (``resolve``,
``record_triples``, ``framed``, ``schema_org``) and rendered with the context the service
passes. The page is parsed into a small element tree (stdlib ``html.parser``) so that the
assertions can look at what a reader sees where it is: the licence link in the facts, the base
model in the lineage, a component's row with its MOF status, a claim with its violations, an
inherited restriction with its path.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, PackageLoader

import mokg
from mokg import records
from mokg.config import Settings
from mokg.record_page import TEMPLATE_GLOBALS
from mokg.store import Store

STATIC = "/static"
CONTEXT_URL = "/context.jsonld"
FORMATS = {
    "application/ld+json": ".jsonld",
    "text/turtle": ".ttl",
    "application/n-triples": ".nt",
    "application/rdf+xml": ".rdf",
}
CITATIONS = {"BibTeX": ".bib", "CSL-JSON": ".csl.json", "RIS": ".ris"}
#: The records the tests render: (kind, the slug of its URL).
PAGES = [
    ("model", "alpaca-7b"),
    ("model", "zephyr-7b-beta"),
    ("model", "olmo-7b"),
    ("dataset", "alpaca-data"),
    ("license", "Apache-2.0"),
    ("org", "meta"),
    ("family", "llama-2"),
    ("source", "how-open-is-generative-ai-part-2"),
]
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SPDX = "http://spdx.org/licenses/"
ALPACA = "https://w3id.org/mokg/model/alpaca-7b"
LLAMA_7B = "https://w3id.org/mokg/model/llama-7b"
LLAMA_LICENCE = "https://w3id.org/mokg/license/llama-license"


# --------------------------------------------------------------------------------------------
# A small element tree of the page
# --------------------------------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text content, with whitespace collapsed."""
        return " ".join(self._raw().split())

    def _raw(self) -> str:
        return "".join(c if isinstance(c, str) else c._raw() for c in self.children)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
        attrs = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and all(e.attrs.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> class={cls} {attrs}"
        return found[0]

    def links(self) -> dict[str, str]:
        """href → text of every link inside."""
        return {a.attrs["href"]: a.text for a in self.find_all("a") if "href" in a.attrs}


class Page(HTMLParser):
    """The page as a tree, with the doctype and any nesting error."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doctype: str | None = None
        self.root = Element("#document", {})
        self.stack: list[Element] = [self.root]
        self.errors: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.errors.append(f"<{tag}/> is not a void element")
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            self.errors.append(f"</{tag}> closes a void element")
        elif len(self.stack) == 1 or self.stack[-1].tag != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1].tag}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


# --------------------------------------------------------------------------------------------
# Records and pages
# --------------------------------------------------------------------------------------------


@dataclass
class Rendered:
    kind: str
    slug: str
    record: dict[str, Any]
    schema_org: dict[str, object]
    html: str
    page: Page

    @property
    def root(self) -> Element:
        return self.page.root

    def section(self, heading_id: str) -> Element:
        """The section labelled by the heading with this id."""
        return self.root.find("section", aria_labelledby=heading_id)


TEMPLATES = Environment(loader=PackageLoader("mokg", "templates"), autoescape=True)
TEMPLATES.globals.update(TEMPLATE_GLOBALS)


def alternates(kind: str, slug: str) -> list[tuple[str, str]]:
    return [(media, f"/{kind}/{slug}{suffix}") for media, suffix in FORMATS.items()]


def render_record(
    kind: str, slug: str, record: dict[str, Any], *, release: str | None = None, living: str | None = None
) -> Rendered:
    description = records.schema_org(record, kind)
    html = TEMPLATES.get_template("record.html").render(
        kind=kind,
        record=record,
        iri=record["id"],
        alternates=alternates(kind, slug),
        citations=[(label, f"/{kind}/{slug}{suffix}") for label, suffix in CITATIONS.items()]
        if kind == "model"
        else [],
        schema_org=description,
        static=STATIC,
        version="9.9.9-test",
        release=release,
        living=living,
    )
    return Rendered(kind, slug, record, description, html, parse(html))


@pytest.fixture(scope="module")
def record_of(store: Store, settings: Settings) -> Callable[[str, str], dict[str, Any]]:
    """The framed JSON-LD record of an entity, built as the service builds it (a fresh copy each call)."""
    context = records.load_context(settings.root)
    cache: dict[tuple[str, str], dict[str, Any]] = {}

    def build(kind: str, slug: str) -> dict[str, Any]:
        if (kind, slug) not in cache:
            iri = records.resolve(store, kind, slug, settings.base_iri)
            assert iri is not None, f"{kind}/{slug} is not in the bundled graph"
            cache[kind, slug] = records.framed(records.record_triples(store, iri), iri, context, CONTEXT_URL)
        return copy.deepcopy(cache[kind, slug])

    return build


@pytest.fixture(scope="module")
def rendered(record_of: Callable[[str, str], dict[str, Any]]) -> Callable[..., Rendered]:
    cache: dict[tuple[str, str], Rendered] = {}

    def get(kind: str, slug: str) -> Rendered:
        if (kind, slug) not in cache:
            cache[kind, slug] = render_record(kind, slug, record_of(kind, slug))
        return cache[kind, slug]

    return get


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def literal(value: object) -> str:
    value = as_list(value)[0] if isinstance(value, list) else value
    return str(value["@value"]) if isinstance(value, dict) else str(value)


def data_urls(value: object) -> set[str]:
    """Every http(s) string anywhere in a record: the entity IRIs and web addresses it holds."""
    if isinstance(value, dict):
        return set().union(*(data_urls(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(data_urls(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) and value.startswith(("http://", "https://")) else set()


def dd_after(dl: Element, term: str) -> Element:
    """The <dd> that follows the <dt> with this text in a description list."""
    items = [c for c in dl.children if isinstance(c, Element)]
    for dt, dd in itertools.pairwise(items):
        if dt.tag == "dt" and dt.text == term and dd.tag == "dd":
            return dd
    raise AssertionError(f"no <dt>{term}</dt> in {[c.text for c in items if c.tag == 'dt']}")


# --------------------------------------------------------------------------------------------
# Every page: well-formed, accessible, linked data in <head>, no foreign URL
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "slug"), PAGES)
def test_page_is_well_formed_and_accessible(rendered: Callable[..., Rendered], kind: str, slug: str) -> None:
    r = rendered(kind, slug)
    assert r.page.doctype is not None and r.page.doctype.lower() == "doctype html"
    assert r.page.errors == []
    assert [e.tag for e in r.page.stack] == ["#document"], "elements left open"
    root = r.root
    assert root.find("html", lang="en")
    assert root.find("meta", charset="utf-8")
    assert root.find("meta", name="viewport")
    assert len(root.find_all("main")) == 1
    # One h1, the entity's label; headings never skip a level.
    assert [h.text for h in root.find_all("h1")] == [literal(r.record.get("label") or r.record.get("title"))]
    levels = [int(e.tag[1]) for e in root.iter() if e.tag in HEADINGS]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    ids = [e.attrs["id"] for e in root.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for e in root.iter():
        for reference in ("aria-labelledby", "aria-describedby"):
            if reference in e.attrs:
                assert set(e.attrs[reference].split()) <= set(ids), e.attrs
        if e.tag == "a" and e.attrs.get("href", "").startswith("#") and len(e.attrs["href"]) > 1:
            assert e.attrs["href"][1:] in ids, e.attrs["href"]
        if e.tag == "a":
            assert e.text, f"a link without text: {e.attrs}"
    for table in root.find_all("table"):
        assert table.find_all("caption"), "a table without caption"
        header = table.find("thead").find_all("th")
        assert header and all(th.attrs.get("scope") == "col" for th in header)
        for row in table.find("tbody").find_all("tr"):
            assert row.find("th", scope="row"), "a row without its header"
    # The page's own markup points only to the service (relative URLs) and to the record's data.
    allowed = data_urls(r.record)
    for e in root.iter():
        for attribute in ("href", "src", "action"):
            url = e.attrs.get(attribute)
            if url is not None and url.startswith(("http:", "https:", "//")):
                assert url in allowed, f"<{e.tag} {attribute}={url}> is not a link of the record"
    assert root.find("link", rel="stylesheet", href=f"{STATIC}/record.css")


@pytest.mark.parametrize(("kind", "slug"), PAGES)
def test_head_has_schema_org_alternates_and_cite_as(rendered: Callable[..., Rendered], kind: str, slug: str) -> None:
    r = rendered(kind, slug)
    head = r.root.find("head")
    scripts = head.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    description = json.loads(scripts[0].text)
    assert description == r.schema_org
    assert description["@type"] == {"model": "SoftwareApplication", "dataset": "Dataset"}.get(kind, "Thing")
    assert description["@id"] == r.record["id"]
    assert description["name"] == literal(r.record.get("label"))
    # Every other format as <link rel=alternate> in <head>, and as a visible link.
    expected = alternates(kind, slug)
    assert [(e.attrs["type"], e.attrs["href"]) for e in head.find_all("link", rel="alternate")] == expected
    identity = r.root.find("dl", cls="identity")
    for media, url in expected:
        assert identity.find("a", href=url, type=media).text in {"JSON-LD", "Turtle", "N-Triples", "RDF/XML"}
    assert head.find("link", rel="cite-as", href=r.record["id"])
    # The persistent IRI, to copy; and "Cite as".
    assert dd_after(identity, "Persistent IRI").find("code").text == r.record["id"]
    cite = dd_after(identity, "Cite as")
    assert cite.links()[r.record["id"]] == r.record["id"]
    downloads = {a.text: a.attrs["href"] for a in cite.find_all("a") if "download" in a.attrs}
    if kind == "model":
        assert downloads == {label: f"/{kind}/{slug}{suffix}" for label, suffix in CITATIONS.items()}
    else:
        assert downloads == {}
    assert not r.root.find_all(cls="release-banner")


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


def test_alpaca_facts_licence_and_lineage(rendered: Callable[..., Rendered]) -> None:
    r = rendered("model", "alpaca-7b")
    facts = r.section("facts-title").find("dl")
    assert dd_after(facts, "Licence of the weights").links() == {
        f"{SPDX}CC-BY-NC-4.0": "Creative Commons Attribution-NonCommercial 4.0 International"
    }
    assert dd_after(facts, "Developer").links() == {
        "https://w3id.org/mokg/org/stanford-crfm": "Stanford Center for Research on Foundation Models (CRFM)"
    }
    assert dd_after(facts, "Released").text == "2023-03-13"
    assert dd_after(facts, "Parameters").text == "7 billion (7,000,000,000)"
    assert dd_after(facts, "Architecture").text == "decoder-only transformer"
    assert dd_after(facts, "Homepage").links() == {
        "https://crfm.stanford.edu/2023/03/13/alpaca.html": "crfm.stanford.edu/2023/03/13/alpaca.html"
    }
    assert dd_after(facts, "Also published at").links() == {
        "https://huggingface.co/tatsu-lab/alpaca-7b-wdiff": "Hugging Face: tatsu-lab/alpaca-7b-wdiff"
    }
    # The record holds the base as a bare IRI (its label is embedded under derivedFrom): the page names it.
    assert r.record["finetunedFrom"] == LLAMA_7B
    lineage = r.section("lineage-title")
    assert dd_after(lineage.find_all("dl")[0], "Fine-tuned from").links() == {LLAMA_7B: "LLaMA 7B"}
    assert dd_after(lineage.find_all("dl")[0], "All ancestors derived").links() == {LLAMA_7B: "LLaMA 7B"}
    assert dd_after(lineage.find_all("dl")[1], "Fine-tuned on").links() == {
        "https://w3id.org/mokg/dataset/alpaca-data": "Alpaca data"
    }


def test_alpaca_components_with_their_mof_status(rendered: Callable[..., Rendered]) -> None:
    r = rendered("model", "alpaca-7b")
    table = r.section("components-title").find("table")
    assert [th.text for th in table.find("thead").find_all("th")] == [
        "Component", "Licence", "Availability", "Location", "MOF status",
    ]  # fmt: skip
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == len(r.record["components"]) == 5
    # Each row is the component's fragment, so that its IRI lands on it.
    weights = table.find("tr", id="weights")
    cells = weights.find_all("td")
    assert weights.find("th").text.startswith("Model parameters (final)")
    assert cells[0].links() == {f"{SPDX}CC-BY-NC-4.0": "Creative Commons Attribution-NonCommercial 4.0 International"}
    assert cells[1].text == "Direct download"
    assert cells[2].links() == {
        "https://huggingface.co/tatsu-lab/alpaca-7b-wdiff": "Hugging Face: tatsu-lab/alpaca-7b-wdiff"
    }
    assert cells[3].find(cls="badge").text == "Restricted"
    assert "status-restricted" in cells[3].find(cls="badge").classes
    training = table.find("tr", id="training-code").find_all("td")
    assert training[0].links() == {f"{SPDX}Apache-2.0": "Apache License 2.0"}
    assert training[2].links() == {
        "https://github.com/tatsu-lab/stanford_alpaca": "github.com/tatsu-lab/stanford_alpaca"
    }
    assert training[3].find(cls="badge").text == "Open"
    # Pre-training data count as the MOF's "Datasets": the status of that type, said so.
    pretraining = table.find("tr", id="pretraining-data").find_all("td")
    assert pretraining[1].text == "Not publicly available"
    assert pretraining[3].text == "Not public status of all Datasets"


def test_alpaca_derived_facts(rendered: Callable[..., Rendered]) -> None:
    r = rendered("model", "alpaca-7b")
    derived = r.section("derived-title")
    score = literal(r.record["opennessScore"])
    assert derived.find(cls="score").text == score
    assert derived.find("meter").attrs["value"] == str(float(score))
    progress = {
        row.find("th").text: row.find("td").text for row in derived.find("table", cls="progress").find_all("tr")[1:]
    }
    assert progress == {
        f"Class {roman} — {name}": f"{round(float(literal(r.record[f'mofProgressClass{n}'])) * 100)}%"
        for n, roman, name in [(3, "III", "open model"), (2, "II", "open tooling"), (1, "I", "open science")]
    }
    assert literal(r.record["achievedMOFClass"]) == "0"
    assert "No class achieved" in derived.text
    reasons = [li.text for li in derived.find("ul", cls="reasons").find_all("li")]
    assert reasons == [literal(x) for x in r.record["osaidReason"]]
    assert "The weights are not public under an OSI-approved or open-data licence." in reasons
    assert derived.find(cls="badge", title="Not open source AI").text == "Does not conform to the OSAID"
    # The MOF's 17 components, each with its status.
    mof = derived.find("table", cls="mof")
    assert len(mof.find("tbody").find_all("tr")) == 17
    assert mof.find("tr", id="mof-trainingcode").find(cls="badge").text == "Open"
    assert mof.find("tr", id="mof-datasets").find(cls="badge").text == "Not public"
    assert mof.find("tr", id="mof-modelcard").find(cls="badge").text == "Missing"
    glance = r.root.find("aside", cls="glance")
    assert dd_after(glance.find("dl"), "MOF class").text == "No class achieved"
    assert dd_after(glance.find("dl"), "Openness score").text == f"{score} / 100"


def test_alpaca_inherited_restrictions_with_their_path(rendered: Callable[..., Rendered]) -> None:
    r = rendered("model", "alpaca-7b")
    restrictions = {
        li.attrs["id"]: li for li in r.section("derived-title").find("ul", cls="restrictions").find_all("li")
    }
    assert len(restrictions) == len(r.record["inheritsRestriction"])
    by_licence = {li.find(cls="restricted-by").text: li for li in restrictions.values()}
    llama = by_licence["LLaMA non-commercial research licence"]
    assert llama.find(cls="restricted-by").links() == {LLAMA_LICENCE: "LLaMA non-commercial research licence"}
    assert llama.find(cls="via").text == "via LLaMA 7B"
    assert llama.find(cls="via").links() == {LLAMA_7B: "LLaMA 7B"}
    # Two steps: mokg:nextStep followed through the record.
    undisclosed = by_licence["Licence unknown"]  # a licence status: no licence is known
    assert undisclosed.find(cls="via").text == "via LLaMA 7B → LLaMA pre-training data"
    assert list(undisclosed.find(cls="via").links()) == [
        LLAMA_7B,
        "https://w3id.org/mokg/dataset/llama-pretraining-data",
    ]
    # The licence of the fine-tuning data is a bare IRI in the record: named from where it is embedded.
    assert by_licence["Creative Commons Attribution-NonCommercial 4.0 International"].find(cls="via").text == (
        "via Alpaca data"
    )
    assert by_licence["OpenAI Terms of Use"].find(cls="via").text == "via Alpaca data"


def test_alpaca_claims_with_their_violations(rendered: Callable[..., Rendered]) -> None:
    r = rendered("model", "alpaca-7b")
    claims = r.section("claims")
    articles = claims.find_all("article", cls="claim")
    # The Index's score (mokg:sourceScore) rides along with the claims in the record, shown apart.
    assert len(articles) == len([c for c in r.record["claims"] if "sourceScore" not in c])
    groups = [h.text for h in claims.find_all("h3")]
    # The article's two tables (ten cells and a statement of fact), then the European Open Source AI Index's grades.
    assert groups[:2] == [
        "How Open is Generative AI? Part 2 — table “Alpaca and Vicuna Openness”",
        "How Open is Generative AI? Part 2 — table “LLM Model Openness in a Nutshell”",
    ]
    assert [group for group in groups[2:] if not group.startswith("European Open Source AI Index")] == []
    quoted = [
        c["quotedFrom"] if isinstance(c["quotedFrom"], str) else c["quotedFrom"]["id"] for c in r.record["claims"]
    ]
    assert quoted.count("https://w3id.org/mokg/source/how-open-is-generative-ai-part-2") == 11
    text = claims.text
    assert "Both Vicuna and Alpaca are based on the Llama 2 foundational model." in text
    assert "Both models are constrained by OpenAI’s non-competition clause" in text
    assert "the source says “Under Apache 2 license”" in text
    # The weights claims at level 3 (the article's two, the Index's "partial") are contradicted: marked, with messages.
    weights = [a for a in articles if a.find("h4").text == "Model parameters (final)"]
    violated = [a for a in weights if "has-violation" in a.classes and "Level 3" in a.find(cls="level").text]
    assert len(violated) == 3
    for article in violated:
        assert article.find("h4").text == "Model parameters (final)"
        assert article.find(cls="level").text == "Level 3: Open with limitations"
        assert article.find(cls="severity-violation").text == "Contradicted by the facts"
        messages = [li.find(cls="message").text for li in article.find_all("li", cls="violation")]
        assert (
            f"Level 3 claimed for the weights of {ALPACA}, but {LLAMA_7B} has weights under "
            "LLaMA non-commercial research licence, which allows at most level 2."
        ) in messages
        assert all(li.find(cls="badge").text == "Violation" for li in article.find_all("li", cls="result"))
        assert "Rule 5: a model claims no more than its bases allow" in article.text
    shared = violated[0]
    assert shared.find(cls="claim-meta").text == "Row “Model (weights)”. The same claim is about Vicuna-13B."
    assert len(shared.find_all("li", cls="violation")) == 4
    # The others pass.
    fine = [a for a in articles if "has-violation" not in a.classes]
    assert all(a.find(cls="check-ok").text == "No rule contradicts this claim." for a in fine)
    glance = r.root.find("aside", cls="glance")
    contradicted = len([a for a in articles if "has-violation" in a.classes])
    assert (
        dd_after(glance.find("dl"), "Claims").text
        == f"{len(articles)} claims, {contradicted} contradicted by the facts"
    )


def test_the_index_score_is_shown_beside_mokgs(rendered: Callable[..., Rendered], store: Store) -> None:
    """An imported Index model: the Index's own score (0 to 1), reproduced from its grades, next to mokg's."""
    slug = "yulan-mini-instruct"
    query = f"SELECT ?s WHERE {{ ?c mokg:aboutModel <https://w3id.org/mokg/model/{slug}> ; mokg:sourceScore ?s }}"
    (row,) = list(store.query(query))
    expected = f"{float(row['s'].value) * 100:g} / 100"
    r = rendered("model", slug)
    glance = r.root.find("aside", cls="glance").find("dl")
    assert dd_after(glance, "European Open Source AI Index score").text == expected
    assert dd_after(glance, "Openness score").text == f"{literal(r.record['opennessScore'])} / 100"
    panel = r.section("derived-title").find("p", cls="source-score")
    assert expected in panel.text and "averaged over the 12 graded dimensions" in panel.text
    # The score is not listed as one more claim.
    assert "score" not in " ".join(h.text for h in r.section("claims").find_all("h4")).lower()


def test_zephyr_base_model_datasets_and_checks(rendered: Callable[..., Rendered]) -> None:
    r = rendered("model", "zephyr-7b-beta")
    assert r.root.find("h1").text == "Zephyr-7B-beta"
    facts = r.section("facts-title").find("dl")
    assert dd_after(facts, "Licence of the weights").links() == {f"{SPDX}MIT": "MIT License"}
    assert dd_after(facts, "Alignment").text == "DPO"
    assert dd_after(facts, "Paper").links() == {"https://arxiv.org/abs/2310.16944": "arxiv.org/abs/2310.16944"}
    lineage = r.section("lineage-title").find_all("dl")
    assert dd_after(lineage[0], "Fine-tuned from").links() == {"https://w3id.org/mokg/model/mistral-7b": "Mistral 7B"}
    assert dd_after(lineage[1], "Fine-tuned on").links() == {
        "https://w3id.org/mokg/dataset/ultrafeedback-binarized": "UltraFeedback Binarized",
        "https://w3id.org/mokg/dataset/ultrachat-200k": "UltraChat 200k",
    }
    # MIT on weights: open, but not made for weights.
    weights = r.section("components-title").find("tr", id="weights")
    assert weights.find_all("td")[3].find(cls="badge").text == "Conditional"
    # A component without licence or location: flagged in its row, explained under "Checks".
    paper = r.section("components-title").find("tr", id="paper")
    assert paper.find("a", cls="check-link").attrs["href"] == "#checks-title"
    checks = r.section("checks-title")
    warnings = checks.find_all("li", cls="warning")
    foci = [w.find(cls="focus").text for w in warnings]
    assert any("Research paper" in focus for focus in foci) and any("Fine-tuning data" in focus for focus in foci)
    warning = next(w for w in warnings if "Research paper" in w.find(cls="focus").text)
    assert warning.find(cls="badge").text == "Warning"
    assert warning.find(cls="message").text.startswith("A released component should say where it is")
    assert len(r.section("claims").find_all("article")) == len(r.record["claims"])
    assert r.section("claims").find_all("article", cls="has-violation")


def test_olmo_conforms_without_reasons(rendered: Callable[..., Rendered]) -> None:
    r = rendered("model", "olmo-7b")
    derived = r.section("derived-title")
    assert "osaidReason" not in r.record
    assert derived.find(cls="badge", title="Open source AI").text == "Conforms to the OSAID"
    assert not derived.find_all("ul", cls="reasons")
    assert derived.find(cls="score").text == literal(r.record["opennessScore"])
    class3 = derived.find("table", cls="progress").find_all("tr")[1].find("td").text
    assert class3 == f"{round(float(literal(r.record['mofProgressClass3'])) * 100)}%"
    assert "No restriction is inherited: no base model or dataset passes a restricting licence on." in derived.text
    lineage = r.section("lineage-title")
    assert "No base model is recorded." in lineage.text
    assert dd_after(lineage.find_all("dl")[0], "Trained on").links() == {"https://w3id.org/mokg/dataset/dolma": "Dolma"}
    # The Tool's OLMo-7B-hf (the same weights, converted) is this model: its claims are here, not on a second record.
    assert "Model Openness Tool" in r.section("claims").text
    assert len(r.section("components-title").find("tbody").find_all("tr")) == len(r.record["components"])


def test_statements_of_fact_are_claims_checked_like_the_others(rendered: Callable[..., Rendered]) -> None:
    """The article dates Dolly 1.0 to March 2022 (contradicted) and says it was built on GPT-J (right)."""
    articles = rendered("model", "dolly-v1-6b").section("claims").find_all("article")
    facts = [a for a in articles if a.find("h4").text == "Statement of fact"]
    dated = next(a for a in facts if "says it came out in 2022-03" in a.text)
    assert "has-violation" in dated.classes and "released 2023-03-24" in dated.text
    based = next(a for a in facts if "says it derives from" in a.text)
    assert "has-violation" not in based.classes
    assert based.find(cls="level").links() == {"https://w3id.org/mokg/model/gpt-j-6b": "GPT-J-6B"}


def test_a_model_without_claims_says_so(rendered: Callable[..., Rendered]) -> None:
    assert "No source's claim about this model is recorded." in rendered("model", "llama-65b").section("claims").text


# --------------------------------------------------------------------------------------------
# Datasets, licences, organizations, families, sources
# --------------------------------------------------------------------------------------------


def test_dataset_page(rendered: Callable[..., Rendered]) -> None:
    r = rendered("dataset", "alpaca-data")
    assert r.root.find("h1").text == "Alpaca data"
    assert r.schema_org["@type"] == "Dataset"
    facts = r.section("facts-title").find("dl")
    assert dd_after(facts, "Creator").links() == {
        "https://w3id.org/mokg/org/stanford-crfm": "Stanford Center for Research on Foundation Models (CRFM)"
    }
    assert dd_after(facts, "Licence").links() == {
        f"{SPDX}CC-BY-NC-4.0": "Creative Commons Attribution-NonCommercial 4.0 International"
    }
    assert dd_after(facts, "Availability").text == "Direct download"
    assert dd_after(facts, "Landing page").links() == {
        "https://github.com/tatsu-lab/stanford_alpaca": "github.com/tatsu-lab/stanford_alpaca"
    }
    assert dd_after(facts, "Generated from outputs of").links() == {"https://w3id.org/mokg/org/openai": "OpenAI"}
    assert dd_after(facts, "Subject to terms").links() == {
        "https://w3id.org/mokg/license/openai-terms-of-use": "OpenAI Terms of Use"
    }
    # Model sections are for models only.
    for heading in ("components-title", "derived-title", "claims", "glance-title"):
        assert not r.root.find_all(id=heading)


def test_dataset_derived_from(record_of: Callable[[str, str], dict[str, Any]]) -> None:
    r = render_record("dataset", "ultrafeedback", record_of("dataset", "ultrafeedback"))
    derived = dd_after(r.section("facts-title").find("dl"), "Derived from")
    assert derived.links() == {
        "https://w3id.org/mokg/dataset/sharegpt": "ShareGPT conversations",
        "https://w3id.org/mokg/dataset/ultrachat": "UltraChat",
    }


def test_licence_page(rendered: Callable[..., Rendered]) -> None:
    r = rendered("license", "Apache-2.0")
    assert r.record["id"] == f"{SPDX}Apache-2.0"
    assert r.root.find("h1").text == "Apache License 2.0"
    facts = r.section("facts-title").find("dl")
    assert dd_after(facts, "Identifier").text == "Apache-2.0"
    assert dd_after(facts, "Category").text == "Permissive open source licence"
    expected = {
        "OSI-approved": "osiApproved",
        "Open data": "openData",
        "Commercial use allowed": "commercialUseAllowed",
        "Research use only": "researchOnly",
    }
    for label, key in expected.items():
        flag = dd_after(facts, label).find(cls="flag")
        assert flag.text == ("Yes" if literal(r.record[key]) == "true" else "No"), label
    assert dd_after(facts, "OSI-approved").text == "Yes"
    assert dd_after(facts, "Research use only").text == "No"
    assert dd_after(facts, "Licence text").links() == {
        "https://www.apache.org/licenses/LICENSE-2.0": "apache.org/licenses/LICENSE-2.0"
    }


def test_licence_restriction_notes(record_of: Callable[[str, str], dict[str, Any]]) -> None:
    record = record_of("license", "llama-license")
    r = render_record("license", "llama-license", record)
    notes = [li.text for li in r.section("facts-title").find("ul", cls="notes").find_all("li")]
    assert notes and notes == [literal(note) for note in record["restrictionNote"]]
    assert dd_after(r.section("facts-title").find("dl"), "Research use only").text == (
        "Yes" if literal(record["researchOnly"]) == "true" else "No"
    )


def test_org_family_and_source_pages(rendered: Callable[..., Rendered]) -> None:
    org = rendered("org", "meta")
    assert org.root.find("h1").text == "Meta AI"
    assert org.root.find("p", cls="lead").text == org.record["description"]
    facts = org.section("facts-title").find("dl")
    assert dd_after(facts, "Homepage").links() == {"https://ai.meta.com/": "ai.meta.com"}
    assert dd_after(facts, "Also published at").links() == {"http://www.wikidata.org/entity/Q380": "Wikidata: Q380"}

    family = rendered("family", "llama-2")
    assert family.root.find("h1").text == "Llama 2"
    assert dd_after(family.section("facts-title").find("dl"), "Developer").links() == {
        "https://w3id.org/mokg/org/meta": "Meta AI"
    }

    source = rendered("source", "how-open-is-generative-ai-part-2")
    facts = source.section("facts-title").find("dl")
    assert source.root.find("h1").text == "How Open is Generative AI? Part 2"
    assert dd_after(facts, "Title").text == "How Open is Generative AI? Part 2"
    assert dd_after(facts, "Identifier").text == source.record["identifier"]


def test_source_with_literal_author_and_publisher(record_of: Callable[[str, str], dict[str, Any]]) -> None:
    record = record_of("source", "open-source-llms-llama-and-its-competitors")
    facts = render_record("source", "x", record).section("facts-title").find("dl")
    assert dd_after(facts, "Author").text == "Christopher Brooks"
    assert dd_after(facts, "Publisher").text == "University of Michigan"


# --------------------------------------------------------------------------------------------
# Release snapshots, and the shapes a value can take
# --------------------------------------------------------------------------------------------


def test_release_banner(record_of: Callable[[str, str], dict[str, Any]]) -> None:
    record = record_of("model", "alpaca-7b")
    r = render_record("model", "alpaca-7b", record, release="0.1.0", living=ALPACA)
    banner = r.root.find("p", cls="release-banner")
    assert banner.attrs["role"] == "note"
    assert banner.text.startswith(f"Release 0.1.0 snapshot — the living record is {ALPACA}.")
    assert banner.links() == {ALPACA: ALPACA}
    assert r.root.find("link", rel="latest-version", href=ALPACA)
    assert r.root.find("title").text == "Alpaca 7B (release 0.1.0) · mokg"
    assert r.page.errors == []


def test_value_shapes(record_of: Callable[[str, str], dict[str, Any]]) -> None:
    """Lists, {"@value"} literals, bare IRIs (known or not), and severities compacted or not."""
    record = record_of("model", "alpaca-7b")
    record["label"] = [{"@value": "Alpaca <7B>", "@language": "en"}]
    record["creator"] = [record["creator"], "https://w3id.org/mokg/org/nowhere"]
    record["parameterCount"] = 6738415616
    # A restriction whose licence and carrier are nowhere embedded: the IRI, shortened.
    record["inheritsRestriction"].append(
        {
            "id": f"{ALPACA}#restriction-test",
            "carriedBy": "https://w3id.org/mokg/model/unknown-base",
            "restrictedBy": "https://w3id.org/mokg/license/unknown-licence",
            "nextStep": record["inheritsRestriction"][0]["nextStep"]["id"],
        }
    )
    severities = ["http://www.w3.org/ns/shacl#Violation", {"id": "sh:Violation"}, "sh:Warning", "Info"]
    weights_claim = next(c for c in record["claims"] if c.get("validationResult") and len(c["validationResult"]) == 4)
    for result, severity in zip(weights_claim["validationResult"], severities, strict=True):
        result["severity"] = severity
    r = render_record("model", "alpaca-7b", record)
    assert r.page.errors == []
    assert r.root.find("h1").text == "Alpaca <7B>"
    assert "<7B>" not in r.html and "Alpaca &lt;7B&gt;" in r.html
    facts = r.section("facts-title").find("dl")
    assert dd_after(facts, "Developer").links() == {
        "https://w3id.org/mokg/org/stanford-crfm": "Stanford Center for Research on Foundation Models (CRFM)",
        "https://w3id.org/mokg/org/nowhere": "org/nowhere",
    }
    assert dd_after(facts, "Parameters").text == "6.74 billion (6,738,415,616)"
    test_row = r.root.find("li", id="restriction-test")
    assert test_row.find(cls="restricted-by").links() == {
        "https://w3id.org/mokg/license/unknown-licence": "license/unknown-licence"
    }
    # The next step is a bare IRI here: followed through the record all the same.
    assert test_row.find(cls="via").text == "via model/unknown-base → LLaMA pre-training data"
    badges = [li.find(cls="badge").text for li in r.section("claims").find_all("li", cls="result")]
    assert {"Violation", "Warning", "Info"} <= set(badges)
    article = next(a for a in r.section("claims").find_all("article") if len(a.find_all("li", cls="result")) == 4)
    assert [li.find(cls="badge").text for li in article.find_all("li", cls="result")] == [
        "Violation", "Violation", "Warning", "Info",
    ]  # fmt: skip


def test_every_record_of_the_graph_renders(store: Store, settings: Settings) -> None:
    """All records of the bundled graph, whatever shapes their values take: well-formed, nothing unrendered."""
    context = records.load_context(settings.root)
    count = 0
    for kind, spec in records.KINDS.items():
        for row in store.query(f"SELECT ?e WHERE {{ ?e a <{spec.cls}> }}"):
            iri = row["e"].value
            record = records.framed(records.record_triples(store, iri), iri, context, CONTEXT_URL)
            r = render_record(kind, iri.rsplit("/", 1)[-1], record)
            assert r.page.errors == [], (iri, r.page.errors)
            body = r.root.find("body").text
            for leftover in ("Undefined", "{'", "[{", "@value", "None"):
                assert leftover not in body, (iri, leftover)
            assert r.root.find("h1").text, iri
            allowed = data_urls(record)
            for e in r.root.iter():
                href = e.attrs.get("href", "")
                assert not href.startswith("http") or href in allowed, (iri, href)
            count += 1
    assert count > 100


def test_stylesheet_is_self_contained() -> None:
    css = (Path(mokg.__file__).parent / "static" / "record.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css
    assert "http" not in css
    for selector in (".release-banner", ".status-open", ".status-restricted", ".severity-violation", ".has-violation"):
        assert selector in css


# --------------------------------------------------------------------------------------------
# Merged sources: how each was matched; absence is not a licence
# --------------------------------------------------------------------------------------------


def test_a_merged_record_says_how_each_source_entry_was_matched(rendered: Callable[..., Rendered]) -> None:
    r = rendered("model", "olmo-7b")
    rows = r.section("matches-title").find("tbody").find_all("tr")
    cells = {tuple(cell.text for cell in row.children if isinstance(cell, Element)) for row in rows}
    assert ("Model Openness Tool", "OLMo-7B-hf.yml", "OLMo-7B-hf", "By its words") in cells
    assert len(rows) == len(r.record["sourceMatches"])


def test_a_licence_status_shows_with_the_source_words(rendered: Callable[..., Rendered]) -> None:
    """A component whose source named no licence shows "Licence unknown" and the source's words, not a licence."""
    r = rendered("model", "biomedgpt")
    row = r.section("components-title").find("tr", id="datasets")
    text = row.text
    assert "Licence unknown" in text and "the source says “pubmed”" in text
    assert not [href for href in row.links() if "/license/" in href]


def test_a_source_class_unlike_mokgs_is_explained_component_by_component(rendered: Callable[..., Rendered]) -> None:
    r = rendered("model", "pythia-12b")
    section = r.section("class-differences-title")
    assert section.find("caption").text == "Model Openness Tool: class I; mokg: no class"
    rows = {row.find("th").text: row.find("td").text for row in section.find("tbody").find_all("tr")}
    assert len(rows) == len(r.record["classDifference"])
    assert (
        rows["Data card"]
        == "mokg records no licence for it; Model Openness Tool counts it as open under Apache License 2.0"
    )


def test_what_sources_document_and_the_record_lacks_is_listed(rendered: Callable[..., Rendered]) -> None:
    r = rendered("model", "alpaca-7b")
    rows = r.section("unrecorded-title").find("tbody").find_all("tr")
    assert len(rows) == len(r.record["unrecordedComponent"])  # a set in the context: always a list
    assert any(
        row.find("th").text == "Model metadata" and "European Open Source AI Index" in row.find("td").text
        for row in rows
    )
