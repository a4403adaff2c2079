"""Badges: a model's derived openness as a small SVG image, or as Shields.io endpoint JSON.

A README or a web page shows how open a model is with one image that stays current: its MOF
class, its OSAID status or its openness score, read from the graph the rules derived
(``mokg:achievedMOFClass``, ``mokg:osaidStatus``, ``mokg:opennessScore``; see
``docs/openness.md``), never typed by hand. The service answers them at
``/model/{slug}/badge.svg`` and ``/model/{slug}/badge.json`` (``?show=mof|osaid|score``,
``docs/badges.md``).

Why it is built this way:

- **One small query** (:func:`read_facts`) gives the three facts, the model's name and the
  label of its OSAID status: a badge costs no record, no CONSTRUCT, no framing.
- **The SVG is written here** (:func:`render_svg`), shaped like Shields.io's *flat* style, so
  that it needs no Node, no font file and no other service. Text widths are approximated from a
  table of Verdana's advance widths at 11 px (:func:`text_width`), as Shields measures them, and
  each text element carries that width as its ``textLength``: whatever font the viewer has, the
  text fills the space measured for it.
- **Accessible**: the image has ``role="img"``, an ``aria-label`` and a ``<title>`` with the
  whole statement (model, what is shown, the value in words); white text on colours chosen so
  that every pair has a contrast ratio of at least 4.5:1 (WCAG 2 AA; the tests compute it). The
  colour never says anything the text does not.
- **Escaped**: every text is XML-escaped, in text and attribute values alike. The values come
  from the graph, which anyone can contribute to: a name with ``&``, ``<`` or quotes stays text.
- **Shields.io's endpoint JSON** (:func:`shields_endpoint`) carries the same label, message and
  colours, so that ``https://img.shields.io/endpoint?url=…`` draws the same badge in any of
  Shields' styles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from mokg.errors import MokgError
from mokg.store import Store
from mokg.vocab import MOKG

__all__ = [
    "DEFAULT_SHOW",
    "LABEL_COLOR",
    "MIN_CACHE_SECONDS",
    "SHOWS",
    "TEXT_COLOR",
    "Badge",
    "BadgeFacts",
    "UnknownBadge",
    "make_badge",
    "parse_show",
    "read_facts",
    "render_svg",
    "shields_endpoint",
    "text_width",
]

#: What a badge can show, by the name ``?show=`` takes: the label on its left side.
SHOWS: dict[str, str] = {"mof": "MOF class", "osaid": "OSAID", "score": "openness"}
#: The badge shown without ``?show=``.
DEFAULT_SHOW = "mof"

#: The colour of every text, and of the label's background (Shields' grey): contrast 7.5:1.
TEXT_COLOR = "#fff"
LABEL_COLOR = "#555"
#: The value's background colours. Each has a contrast ratio of at least 4.5:1 with white text.
GREEN, OLIVE_GREEN, OLIVE, AMBER, RED, GREY = "#1a7f37", "#3c7d0e", "#5a7400", "#8a5a00", "#b42318", "#656d76"

#: The least ``cacheSeconds`` Shields.io honours (smaller values are ignored).
MIN_CACHE_SECONDS = 300

ROMAN = {1: "I", 2: "II", 3: "III"}
#: The MOF's name for each class (class I is the most open).
CLASS_NAMES = {1: "open science", 2: "open tooling", 3: "open model"}
CLASS_COLORS = {1: GREEN, 2: OLIVE_GREEN, 3: OLIVE}
#: The OSAID statuses, shortened for a badge: (message, colour). Their prefLabel is in the title.
OSAID = {
    MOKG.OSAIDConformant.value: ("conformant", GREEN),
    MOKG.OSAIDNotConformant.value: ("not conformant", RED),
    MOKG.OSAIDInsufficientInformation.value: ("insufficient information", AMBER),
}
#: Score bands, as the record page's meter draws them (low 34, high 67).
SCORE_BANDS = ((67.0, GREEN), (34.0, AMBER), (-math.inf, RED))
NOT_COMPUTED = "not computed"


class UnknownBadge(MokgError):
    """A ``show`` that is not one of :data:`SHOWS` (HTTP 400)."""

    exit_code = 2
    http_status = 400


@dataclass(frozen=True)
class BadgeFacts:
    """What a model's badges show, as read from the graph (``None``: not derived)."""

    iri: str
    name: str
    mof_class: int | None
    osaid: str | None
    osaid_label: str | None
    score: float | None


@dataclass(frozen=True)
class Badge:
    """One badge: the two texts, their colours, and the whole statement for assistive technology."""

    label: str
    message: str
    color: str
    title: str
    label_color: str = LABEL_COLOR


def parse_show(value: str | None) -> str:
    """``?show=``'s value, or :data:`DEFAULT_SHOW`; :class:`UnknownBadge` naming the allowed values otherwise."""
    if value is None:
        return DEFAULT_SHOW
    if value not in SHOWS:
        shown = value if len(value) <= 40 else f"{value[:40]}…"
        raise UnknownBadge(f"no badge {shown!r}: show must be one of {', '.join(SHOWS)}")
    return value


_FACTS_QUERY = """
SELECT ?label ?class ?status ?statusLabel ?score WHERE {{
  BIND({model} AS ?m)
  ?m a mokg:Model .
  OPTIONAL {{ ?m rdfs:label ?label }}
  OPTIONAL {{ ?m mokg:achievedMOFClass ?class }}
  OPTIONAL {{
    ?m mokg:osaidStatus ?status .
    OPTIONAL {{
      ?status skos:prefLabel ?statusLabel
      FILTER(lang(?statusLabel) = "" || langMatches(lang(?statusLabel), "en"))
    }}
  }}
  OPTIONAL {{ ?m mokg:opennessScore ?score }}
}}
ORDER BY ?label ?statusLabel ?class ?score
LIMIT 1
"""


def read_facts(store: Store, base_iri: str, slug: str) -> BadgeFacts | None:
    """The badge facts of the model ``{base_iri}model/{slug}``, in one query; ``None`` if there is no such model.

    A slug that cannot be part of an IRI names no model (no query is built from it).
    """
    try:
        model = ox.NamedNode(f"{base_iri}model/{slug}")
    except ValueError:
        return None
    rows = list(store.query(_FACTS_QUERY.format(model=model)))
    if not rows:
        return None
    row = rows[0]
    label, mof, status, status_label, score = (row[v] for v in ("label", "class", "status", "statusLabel", "score"))
    return BadgeFacts(
        iri=model.value,
        name=label.value if label is not None else slug,
        mof_class=int(number) if (number := _number(mof)) is not None and number.is_integer() else None,
        osaid=status.value if status is not None else None,
        osaid_label=status_label.value if status_label is not None else None,
        score=_number(score),
    )


def _number(term: ox.Literal | None) -> float | None:
    """A literal as a finite number, or ``None`` when it is absent or not a number."""
    try:
        value = float(term.value) if term is not None else math.nan
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def make_badge(facts: BadgeFacts, show: str) -> Badge:
    """The badge of ``show`` (one of :data:`SHOWS`) for a model's facts."""
    show = parse_show(show)
    label, name = SHOWS[show], facts.name
    if show == "mof":
        if facts.mof_class is None:
            return Badge(label, NOT_COMPUTED, GREY, f"{name}, Model Openness Framework class: not computed")
        if facts.mof_class not in ROMAN:
            return Badge(label, "no class", GREY, f"{name}, Model Openness Framework class: none achieved")
        roman, words = ROMAN[facts.mof_class], CLASS_NAMES[facts.mof_class]
        return Badge(
            label,
            f"Class {roman}",
            CLASS_COLORS[facts.mof_class],
            f"{name}, Model Openness Framework class: Class {roman} ({words})",
        )
    if show == "osaid":
        title = f"{name}, OSI Open Source AI Definition"
        if facts.osaid is None:
            return Badge(label, NOT_COMPUTED, GREY, f"{title}: not computed")
        # A status the ontology gains later is shown by its own label (or local name), in grey.
        other = (facts.osaid_label or facts.osaid.rsplit("#", 1)[-1]).lower()
        message, color = OSAID.get(facts.osaid, (other, GREY))
        explained = f" ({facts.osaid_label})" if facts.osaid_label and facts.osaid_label.lower() != message else ""
        return Badge(label, message, color, f"{title}: {message}{explained}")
    if facts.score is None:
        return Badge(label, NOT_COMPUTED, GREY, f"{name}, openness score: not computed")
    score = f"{round(facts.score, 1):g}"
    color = next(color for floor, color in SCORE_BANDS if facts.score >= floor)
    return Badge(label, f"{score} / 100", color, f"{name}, openness score: {score} out of 100")


# --------------------------------------------------------------------------------------------
# SVG
# --------------------------------------------------------------------------------------------

#: Verdana's advance widths at 11 px (its 2048-unit advances × 11 / 2048), for printable ASCII.
_WIDTHS = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        (
            3.87,
            4.33,
            5.08,
            9.01,
            6.99,
            11.84,
            7.99,
            2.95,
            4.99,
            4.99,
            6.99,
            9.01,
            4.00,
            4.99,
            4.00,
            4.99,
            6.99,
            6.99,
            6.99,
            6.99,
            6.99,
            6.99,
            6.99,
            6.99,
            6.99,
            6.99,
            4.99,
            4.99,
            9.01,
            9.01,
            9.01,
            5.99,
            11.0,
            7.52,
            7.54,
            7.68,
            8.48,
            6.96,
            6.32,
            8.53,
            8.27,
            4.63,
            4.99,
            7.62,
            6.12,
            9.27,
            8.23,
            8.66,
            6.63,
            8.66,
            7.64,
            7.52,
            6.78,
            8.05,
            7.52,
            10.87,
            7.53,
            6.77,
            7.53,
            4.99,
            4.99,
            4.99,
            9.01,
            6.99,
            6.99,
            6.61,
            6.85,
            5.73,
            6.85,
            6.55,
            3.87,
            6.85,
            6.96,
            3.02,
            3.79,
            6.51,
            3.02,
            10.7,
            6.96,
            6.68,
            6.85,
            6.85,
            4.69,
            5.73,
            4.33,
            6.96,
            6.51,
            8.98,
            6.51,
            6.51,
            5.78,
            6.98,
            4.99,
            6.98,
            9.01,
        ),
        strict=True,
    )
)
#: Width of a character outside the table: a wide (East Asian) one, or any other.
_WIDE, _OTHER = 11.0, 7.0
#: Badge geometry, as Shields' flat style: height, padding on each side of a text, font.
HEIGHT, PADDING, FONT_SIZE = 20, 5, 11
FONT_FAMILY = "Verdana,Geneva,DejaVu Sans,sans-serif"


def text_width(text: str) -> float:
    """The approximate width in pixels of ``text`` in Verdana at 11 px (Shields' measure, without its font)."""
    return sum(_WIDTHS.get(c, _WIDE if ord(c) >= 0x2E80 else _OTHER) for c in text)


def render_svg(badge: Badge) -> str:
    """The badge as a standalone SVG document (UTF-8 text, no XML declaration needed)."""
    label_text, message_text = math.ceil(text_width(badge.label)), math.ceil(text_width(badge.message))
    label_width, message_width = label_text + 2 * PADDING, message_text + 2 * PADDING
    width = label_width + message_width
    title = escape(badge.title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label={quoteattr(badge.title)}>'
        f"<title>{title}</title>"
        f'<clipPath id="round"><rect width="{width}" height="{HEIGHT}" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#round)" shape-rendering="crispEdges">'
        f'<rect width="{label_width}" height="{HEIGHT}" fill={quoteattr(badge.label_color)}/>'
        f'<rect x="{label_width}" width="{message_width}" height="{HEIGHT}" fill={quoteattr(badge.color)}/>'
        f"</g>"
        f'<g fill="{TEXT_COLOR}" text-anchor="middle" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" '
        f'text-rendering="geometricPrecision" aria-hidden="true">'
        f'<text x="{label_width / 2:g}" y="14" textLength="{label_text}" lengthAdjust="spacingAndGlyphs">'
        f"{escape(badge.label)}</text>"
        f'<text x="{label_width + message_width / 2:g}" y="14" textLength="{message_text}" '
        f'lengthAdjust="spacingAndGlyphs">{escape(badge.message)}</text>'
        f"</g></svg>"
    )


def shields_endpoint(badge: Badge, cache_seconds: int) -> dict[str, object]:
    """Shields.io's endpoint-badge JSON for the badge (https://shields.io/badges/endpoint-badge).

    Colours are given as hex without ``#``, as Shields reads them everywhere; ``cacheSeconds``
    is the service's own cache lifetime, raised to the least Shields honours.
    """
    return {
        "schemaVersion": 1,
        "label": badge.label,
        "message": badge.message,
        "color": badge.color.removeprefix("#"),
        "labelColor": badge.label_color.removeprefix("#"),
        "cacheSeconds": max(MIN_CACHE_SECONDS, cache_seconds),
    }
