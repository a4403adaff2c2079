"""Badges (``mokg.badges``): the facts read from the graph, the SVG, its contrast, the Shields JSON.

Expected values come from the bundled graph through queries written here, never from numbers
typed into the test: the badges must say what the rules derived, whatever they derive next. The
HTTP routes, the record page's embed block and the badge in a real browser are tested in
``tests/service/test_badges.py``.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pyoxigraph as ox
import pytest
from conftest import BASE, REPO, TEST_DATA
from jinja2 import Environment, PackageLoader

from mokg import badges
from mokg.badges import SHOWS, Badge, BadgeFacts, UnknownBadge, make_badge, read_facts, render_svg, shields_endpoint
from mokg.config import Settings
from mokg.record_page import TEMPLATE_GLOBALS
from mokg.store import EmbeddedStore, Store

SVG_NS = "{http://www.w3.org/2000/svg}"
SCHEMA = json.loads((TEST_DATA / "shields-endpoint.schema.json").read_text())
ROMAN = {1: "I", 2: "II", 3: "III"}
#: WCAG 2's AA threshold for normal text.
AA = 4.5


# --------------------------------------------------------------------------------------------
# WCAG 2 contrast, computed here from the colours the badge uses
# --------------------------------------------------------------------------------------------


def rgb(color: str) -> tuple[int, int, int]:
    """``#rgb``, ``#rrggbb`` or the same without ``#`` as three 0–255 channels."""
    digits = color.removeprefix("#")
    assert re.fullmatch(r"[0-9a-fA-F]{3}|[0-9a-fA-F]{6}", digits), color
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def luminance(color: str) -> float:
    """Relative luminance (WCAG 2.x, sRGB)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_gives_the_known_ratios():
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert contrast("#767676", "#fff") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes


# --------------------------------------------------------------------------------------------
# The facts, from the graph
# --------------------------------------------------------------------------------------------

EXPECTED_QUERY = """
SELECT ?m ?label ?class ?status ?score WHERE {
  ?m a mokg:Model .
  OPTIONAL { ?m rdfs:label ?label }
  OPTIONAL { ?m mokg:achievedMOFClass ?class }
  OPTIONAL { ?m mokg:osaidStatus ?status }
  OPTIONAL { ?m mokg:opennessScore ?score }
}
"""


@pytest.fixture(scope="module")
def expected(store: Store) -> dict[str, dict[str, object]]:
    """Every bundled model's derived facts, by slug, as the test reads them."""
    found: dict[str, dict[str, object]] = {}
    for row in store.query(EXPECTED_QUERY):
        iri = row["m"].value
        if not iri.startswith(f"{BASE}model/"):
            continue
        found[iri.removeprefix(f"{BASE}model/")] = {
            "name": row["label"].value if row["label"] else None,
            "class": int(row["class"].value) if row["class"] else None,
            "status": row["status"].value.rsplit("#", 1)[-1] if row["status"] else None,
            "score": float(row["score"].value) if row["score"] else None,
        }
    return found


@pytest.fixture(scope="module")
def facts(store: Store, expected: dict[str, dict[str, object]]) -> dict[str, BadgeFacts]:
    return {slug: read_facts(store, BASE, slug) for slug in expected}


def test_every_model_has_its_facts_read_in_one_query(expected, facts):
    assert len(expected) > 300
    for slug, want in expected.items():
        got = facts[slug]
        assert got is not None, slug
        assert got.iri == f"{BASE}model/{slug}"
        assert (got.name, got.mof_class, got.score) == (want["name"], want["class"], want["score"]), slug
        assert (got.osaid or "").rsplit("#", 1)[-1] == want["status"], slug


def test_olmo_7b_has_a_mof_class_and_its_badges_say_so(expected, facts):
    want = expected["olmo-7b"]
    assert want["class"] in ROMAN, "OLMo 7B is the documented example of a model with a MOF class"
    mof, osaid, score = (make_badge(facts["olmo-7b"], show) for show in ("mof", "osaid", "score"))
    assert (mof.label, mof.message) == ("MOF class", f"Class {ROMAN[want['class']]}")
    assert mof.title.startswith("OLMo 7B, Model Openness Framework class: Class ")
    assert osaid.label == "OSAID"
    assert score.label == "openness"
    assert score.message == f"{round(want['score'], 1):g} / 100"
    assert score.title == f"OLMo 7B, openness score: {round(want['score'], 1):g} out of 100"


@pytest.mark.parametrize("mof_class", [0, 1, 2, 3])
def test_each_mof_class_in_the_graph_is_said_in_words(expected, facts, mof_class: int):
    slugs = sorted(s for s, want in expected.items() if want["class"] == mof_class)
    if not slugs:
        pytest.skip(f"no bundled model has MOF class {mof_class}")
    for slug in slugs[:5]:
        badge = make_badge(facts[slug], "mof")
        assert badge.message == (f"Class {ROMAN[mof_class]}" if mof_class else "no class"), slug
        if not mof_class:
            assert badge.title.endswith("Model Openness Framework class: none achieved")


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("OSAIDConformant", "conformant"),
        ("OSAIDNotConformant", "not conformant"),
        ("OSAIDInsufficientInformation", "insufficient information"),
    ],
)
def test_each_osaid_status_is_shortened_and_its_label_kept_in_the_title(
    store: Store, expected, facts, status: str, message: str
):
    slugs = sorted(s for s, want in expected.items() if want["status"] == status)
    assert slugs, f"no bundled model is {status}"
    (label,) = [r["l"].value for r in store.query(f"SELECT ?l WHERE {{ mokg:{status} skos:prefLabel ?l }}")]
    for slug in slugs[:5]:
        badge = make_badge(facts[slug], "osaid")
        assert badge.message == message
        assert badge.title == f"{expected[slug]['name']}, OSI Open Source AI Definition: {message} ({label})"


def test_scores_are_shown_to_one_decimal_out_of_100(expected, facts):
    for slug, want in expected.items():
        message = make_badge(facts[slug], "score").message
        number, hundred = message.split(" / ")
        assert hundred == "100" and float(number) == pytest.approx(want["score"], abs=0.05), (slug, message)
        assert re.fullmatch(r"\d{1,3}(\.\d)?", number), message


def test_a_facts_that_were_not_derived_say_not_computed():
    bare = BadgeFacts(f"{BASE}model/x", "X", None, None, None, None)
    for show in SHOWS:
        badge = make_badge(bare, show)
        assert badge.message == "not computed"
        assert badge.title.endswith(": not computed")


def test_an_osaid_status_the_badges_do_not_know_is_shown_by_its_label():
    facts = BadgeFacts(f"{BASE}model/x", "X", 0, f"{BASE}ontology#OSAIDUnderReview", "Under review", 50.0)
    assert make_badge(facts, "osaid").message == "under review"


@pytest.mark.parametrize("slug", ["no-such-model", "alpaca-data", "a b", "<x>", "x> } ; DROP ALL ; { <y", ""])
def test_no_model_no_facts(store: Store, slug: str):
    """Unknown, another kind's slug (a dataset), or text that cannot be part of an IRI: no model."""
    assert read_facts(store, BASE, slug) is None


@pytest.mark.parametrize(("value", "show"), [(None, "mof"), ("mof", "mof"), ("osaid", "osaid"), ("score", "score")])
def test_show_defaults_to_the_mof_class(value: str | None, show: str):
    assert badges.parse_show(value) == show


@pytest.mark.parametrize("value", ["", "MOF", "class", "mof,osaid", "x" * 500])
def test_an_unknown_show_is_a_400_naming_the_allowed_values(value: str):
    with pytest.raises(UnknownBadge) as raised:
        badges.parse_show(value)
    assert raised.value.http_status == 400
    assert str(raised.value).endswith("show must be one of mof, osaid, score")
    assert len(str(raised.value)) < 120  # a long value is cut in the message


# --------------------------------------------------------------------------------------------
# The SVG
# --------------------------------------------------------------------------------------------


def parse_svg(text: str) -> ElementTree.Element:
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG_NS}svg"
    return root


def all_badges(facts: dict[str, BadgeFacts]) -> Iterator[Badge]:
    for slug in sorted(facts):
        for show in SHOWS:
            yield make_badge(facts[slug], show)


def test_every_badge_is_well_formed_accessible_svg(facts):
    for badge in all_badges(facts):
        root = parse_svg(render_svg(badge))
        assert root.get("role") == "img"
        assert root.get("aria-label") == badge.title
        title = root.find(f"{SVG_NS}title")
        assert title is not None and title.text == badge.title
        assert next(iter(root)) is title, "the title is the first child: it names the image"
        texts = [t.text for t in root.iter(f"{SVG_NS}text")]
        assert texts == [badge.label, badge.message]


def test_the_badge_is_sized_from_its_text(facts):
    for badge in all_badges(facts):
        root = parse_svg(render_svg(badge))
        width, height = int(root.get("width")), int(root.get("height"))
        assert height == 20 and root.get("viewBox") == f"0 0 {width} 20"
        clipped = next(g for g in root.iter(f"{SVG_NS}g") if g.get("clip-path"))
        label_rect, message_rect = clipped.iter(f"{SVG_NS}rect")
        label_width, message_width = int(label_rect.get("width")), int(message_rect.get("width"))
        assert int(message_rect.get("x")) == label_width and label_width + message_width == width
        label_text, message_text = root.iter(f"{SVG_NS}text")
        for text, box, x in ((label_text, label_width, 0), (message_text, message_width, label_width)):
            length = int(text.get("textLength"))
            assert length == math.ceil(badges.text_width(text.text))
            assert box == length + 10, "5 px either side, as Shields"
            assert float(text.get("x")) == pytest.approx(x + box / 2)


def test_text_widths_follow_the_glyphs():
    width = badges.text_width
    assert width("") == 0
    assert width("WWW") > width("MMM") > width("iii") > 0
    assert width("MOF class") == pytest.approx(width("MOF") + width(" ") + width("class"))
    assert 50 < width("MOF class") < 60 and 40 < width("Class III") < 50  # Shields draws them 55 and 47 wide
    assert width("é") == width("ß") > 0  # outside the table: a default width
    assert width("模型") == 2 * 11.0  # East Asian characters are wide
    for code in range(32, 127):
        assert 2.5 < width(chr(code)) <= 12, chr(code)


def test_text_is_escaped_and_stays_text():
    hostile = Badge(
        label="R&D \"quoted\" 'single' <b>",
        message="</text><script>alert(1)</script>&amp;",
        color="#1a7f37",
        title='Model "A" & <B>, openness score: 1 out of 100',
    )
    text = render_svg(hostile)
    root = parse_svg(text)
    assert "<script" not in text and "<b>" not in text
    assert root.get("aria-label") == hostile.title
    assert root.find(f"{SVG_NS}title").text == hostile.title
    assert [t.text for t in root.iter(f"{SVG_NS}text")] == [hostile.label, hostile.message]
    assert not list(root.iter(f"{SVG_NS}script"))


def hostile_store() -> EmbeddedStore:
    """A model whose name (as anyone could contribute it) is made of markup."""
    store = EmbeddedStore()
    name = 'Evil "7B" <script>alert(1)</script> & [x](javascript:alert(1))'
    turtle = f"""
        @prefix mokg: <https://w3id.org/mokg/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <model/evil> a mokg:Model ; rdfs:label {json.dumps(name)} ; mokg:achievedMOFClass 2 ;
            mokg:osaidStatus mokg:OSAIDConformant ; mokg:opennessScore 64.3 .
    """
    triples = ox.parse(turtle, format=ox.RdfFormat.TURTLE, base_iri=BASE)
    store.replace([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(f"{BASE}graph/test")) for t in triples])
    return store


def test_a_name_from_the_graph_cannot_inject_markup():
    facts = read_facts(hostile_store(), BASE, "evil")
    assert facts is not None and facts.name.startswith('Evil "7B" <script>')
    assert (facts.mof_class, facts.osaid_label, facts.score) == (2, None, 64.3)  # no ontology: no prefLabel
    for show in SHOWS:
        badge = make_badge(facts, show)
        root = parse_svg(render_svg(badge))
        assert root.get("aria-label").startswith(facts.name)
        assert not list(root.iter(f"{SVG_NS}script"))
        assert json.loads(json.dumps(shields_endpoint(badge, 300)))["message"] == badge.message
    assert make_badge(facts, "score").message == "64.3 / 100"


# --------------------------------------------------------------------------------------------
# Contrast
# --------------------------------------------------------------------------------------------


def test_every_colour_of_the_palette_has_aa_contrast_with_the_text():
    palette = {value for name, value in vars(badges).items() if re.fullmatch(r"#[0-9a-f]{3,6}", str(value))}
    palette -= {badges.TEXT_COLOR}
    assert len(palette) >= 6
    for color in palette:
        assert contrast(color, badges.TEXT_COLOR) >= AA, color


def test_every_rendered_badge_has_aa_contrast(facts):
    """The colours read back from each SVG: each text against the background it is drawn on."""
    ratios = []
    for badge in all_badges(facts):
        root = parse_svg(render_svg(badge))
        clipped = next(g for g in root.iter(f"{SVG_NS}g") if g.get("clip-path"))
        label_rect, message_rect = clipped.iter(f"{SVG_NS}rect")
        text_color = next(g.get("fill") for g in root.iter(f"{SVG_NS}g") if g.get("font-size"))
        for rect in (label_rect, message_rect):
            ratios.append(contrast(rect.get("fill"), text_color))
    assert min(ratios) >= AA, min(ratios)


# --------------------------------------------------------------------------------------------
# Shields.io endpoint JSON
# --------------------------------------------------------------------------------------------


def test_the_schema_is_the_one_shields_documents():
    validator = jsonschema.Draft7Validator(SCHEMA)
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert validator.is_valid({"schemaVersion": 1, "label": "hello", "message": "sweet world", "color": "orange"})
    for wrong in (
        {"schemaVersion": 2, "label": "a", "message": "b"},
        {"schemaVersion": 1, "label": "a"},
        {"schemaVersion": 1, "label": "a", "message": ""},
        {"schemaVersion": 1, "label": "a", "message": "b", "cacheSeconds": 60},
        {"schemaVersion": 1, "label": "a", "message": "b", "link": "https://example.org"},
        {"schemaVersion": 1, "label": "a", "message": "b", "namedLogo": "github", "logoSvg": "<svg/>"},
        {"schemaVersion": 1, "label": "a", "message": "b", "style": "round"},
    ):
        assert not validator.is_valid(wrong), wrong


@pytest.mark.parametrize("cache_max_age", [0, 300, 86400])
def test_every_badge_is_a_valid_shields_endpoint(facts, cache_max_age: int):
    validator = jsonschema.Draft7Validator(SCHEMA)
    for badge in all_badges(facts):
        body = shields_endpoint(badge, cache_max_age)
        validator.validate(body)
        assert (body["label"], body["message"]) == (badge.label, badge.message)
        assert body["cacheSeconds"] == max(300, cache_max_age)
        assert contrast(body["color"], "fff") >= AA and contrast(body["labelColor"], "fff") >= AA


# --------------------------------------------------------------------------------------------
# The embed block of the record page (record.html, rendered as the static site renders it)
# --------------------------------------------------------------------------------------------

TEMPLATES = Environment(loader=PackageLoader("mokg", "templates"), autoescape=True)
TEMPLATES.globals.update(TEMPLATE_GLOBALS)
#: The row heading of each badge in the embed table, the start of each image's alternative text.
LABEL_OF = {"mof": "MOF class", "osaid": "OSAID status", "score": "Openness score"}


def render_model_page(record: dict, **values: object) -> str:
    context = {"kind": "model", "record": record, "iri": record["id"], "alternates": [], "citations": []}
    context |= {"schema_org": {}, "static": "/static", "version": "9.9.9-test", "release": None, "living": None}
    return TEMPLATES.get_template("record.html").render(**(context | values))


def snippets(page: str) -> list[tuple[str, str]]:
    """(Markdown, HTML) of each row of the embed table, as a reader copies them (entities decoded)."""
    table = page.split('<table class="data embed">', 1)[1].split("</table>", 1)[0]
    codes = [unescape(c) for c in re.findall(r'<code class="select-all">(.*?)</code>', table, re.S)]
    return list(zip(codes[0::2], codes[1::2], strict=True))


def test_the_embed_snippets_link_each_badge_to_the_persistent_record():
    iri = f"{BASE}model/olmo-7b"
    page = render_model_page({"id": iri, "type": "Model", "label": "OLMo 7B"})
    rows = snippets(page)
    assert len(rows) == len(SHOWS)
    for (markdown, html), show in zip(rows, SHOWS, strict=True):
        assert markdown == f"[![{LABEL_OF[show]} of OLMo 7B (mokg)]({iri}/badge.svg?show={show})]({iri})"
        assert (
            html
            == f'<a href="{iri}"><img src="{iri}/badge.svg?show={show}" alt="{LABEL_OF[show]} of OLMo 7B (mokg)"></a>'
        )
    assert "badge-preview" not in page, "no preview without the service: the static site loads nothing remote"


#: A Markdown image inside a link, ``[![alt](src)](href)``: brackets, angle brackets and backslashes
#: in the alt text are escaped (``\[``, ``\<``, ``\\``…), so nothing in it ends it or becomes markup;
#: the addresses hold no space or parenthesis.
MARKDOWN_BADGE = re.compile(r"\[!\[((?:\\[\\\[\]<>]|[^\\\[\]<>])*)\]\(([^()\s]+)\)\]\(([^()\s]+)\)")


class Elements(HTMLParser):
    """The start tags of an HTML fragment, with their attributes (entities decoded)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def test_a_hostile_name_stays_text_in_the_snippets():
    """The name comes from the graph: the snippets are valid Markdown and HTML that say it as text."""
    iri = f"{BASE}model/evil"
    name = 'Evil "7B" <script>alert(1)</script> & [x](javascript:alert(1)) \\'
    page = render_model_page({"id": iri, "type": "Model", "label": name})
    assert "<script>alert" not in page
    for (markdown, html), show in zip(snippets(page), SHOWS, strict=True):
        alt = f"{LABEL_OF[show]} of {name} (mokg)"
        matched = MARKDOWN_BADGE.fullmatch(markdown)
        assert matched, markdown
        assert re.sub(r"\\(.)", r"\1", matched[1]) == alt
        assert matched.group(2, 3) == (f"{iri}/badge.svg?show={show}", iri)
        tags = Elements(html).elements
        assert tags == [("a", {"href": iri}), ("img", {"src": f"{iri}/badge.svg?show={show}", "alt": alt})]


def test_a_release_page_and_other_kinds_have_no_badges():
    iri = f"{BASE}release/1.0.0/model/olmo-7b"
    page = render_model_page(
        {"id": iri, "type": "Model", "label": "OLMo 7B"}, release="1.0.0", living=f"{BASE}model/olmo-7b"
    )
    assert "badges-title" not in page
    page = render_model_page({"id": f"{BASE}dataset/dolma", "type": "Dataset", "label": "Dolma"}, kind="dataset")
    assert "badges-title" not in page


# --------------------------------------------------------------------------------------------
# docs/badges.md: its example is the bundled graph's answer
# --------------------------------------------------------------------------------------------

DOC = REPO / "docs" / "badges.md"
EXAMPLE = "olmo-7b"


def example_svg(show: str) -> Path:
    return REPO / "docs" / "badges" / f"{EXAMPLE}-{show}.svg"


def example_json(facts: BadgeFacts) -> str:
    """The ``badge.json?show=score`` answer of the example, as the service writes it."""
    return json.dumps(shields_endpoint(make_badge(facts, "score"), Settings().cache_max_age), ensure_ascii=False)


def test_the_documented_badges_are_the_services(store: Store):
    facts = read_facts(store, BASE, EXAMPLE)
    text = DOC.read_text()
    stale = "docs/badges.md is stale: run `python tests/test_badges.py`"
    for show in SHOWS:
        badge = make_badge(facts, show)
        assert example_svg(show).read_text() == render_svg(badge) + "\n", stale
        assert f"`{badge.title}`" in text, f"docs/badges.md should quote {badge.title!r}"
        assert f"badges/{EXAMPLE}-{show}.svg" in text
    assert f"```json\n{example_json(facts)}\n```" in text, stale


def test_the_documented_colours_are_the_palette_with_their_contrast():
    rows = re.findall(r"^ *\| [^|]+ \| `(#[0-9a-f]{6})` \| ([\d.]+):1 \|$", DOC.read_text(), re.M)
    palette = {badges.GREEN, badges.OLIVE_GREEN, badges.OLIVE, badges.AMBER, badges.RED, badges.GREY}
    assert {color for color, _ in rows} == palette
    for color, ratio in rows:
        assert f"{contrast(color, badges.TEXT_COLOR):.1f}" == ratio, color


if __name__ == "__main__":
    # Write docs/badges.md's examples again from the bundled graph.
    from mokg.graph import open_store

    example = read_facts(open_store(Settings(root=REPO)), BASE, EXAMPLE)
    for show in SHOWS:
        example_svg(show).write_text(render_svg(make_badge(example, show)) + "\n")
    block = f"```json\n{example_json(example)}\n```"
    DOC.write_text(re.sub(r'```json\n\{"schemaVersion".*?\n```', lambda _: block, DOC.read_text()))
