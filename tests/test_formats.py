"""The registry of formats: lookups, suffixes, negotiation, and serializations that are the same
bytes for the same triples (what a strong ETag promises)."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from mokg.errors import NotAcceptable
from mokg.formats import (
    CITATION_FORMATS,
    FORMATS,
    GRAPH_FORMATS,
    HTML,
    JSON_LD,
    RECORD_FORMATS,
    TURTLE,
    by_media,
    canonical,
    negotiate,
    serialize,
    split_suffix,
)

EX = "http://example.org/"


def triples_with_blank_nodes(seed: int) -> list[ox.Triple]:
    """The same graph each time — two blank nodes, a literal with a language — in another order, with other labels."""
    rng = random.Random(seed)
    a, b = ox.BlankNode(f"x{rng.randrange(10**6)}"), ox.BlankNode(f"y{rng.randrange(10**6)}")
    p = ox.NamedNode(f"{EX}p")
    triples = [
        ox.Triple(ox.NamedNode(f"{EX}s"), p, a),
        ox.Triple(a, p, b),
        ox.Triple(b, ox.NamedNode(f"{EX}label"), ox.Literal("b", language="en")),
        ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}label"), ox.Literal("s")),
    ]
    rng.shuffle(triples)
    return triples


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.label)
def test_the_same_graph_is_the_same_bytes(fmt):
    bodies = {serialize(triples_with_blank_nodes(seed), fmt) for seed in range(5)}
    assert len(bodies) == 1
    assert len(list(ox.parse(bodies.pop(), format=fmt.rdf))) == 4


def test_canonical_drops_repeats():
    triples = triples_with_blank_nodes(1)
    assert len(canonical(triples + triples)) == 4


def test_every_media_type_is_registered_once():
    media = [f.media_type for f in FORMATS]
    assert len(media) == len(set(media))
    assert by_media("text/turtle; charset=utf-8") is TURTLE and by_media("image/png") is None


def test_suffixes_name_record_formats():
    assert split_suffix("alpaca-7b.ttl", RECORD_FORMATS) == ("alpaca-7b", TURTLE)
    assert split_suffix("alpaca-7b.jsonld", RECORD_FORMATS) == ("alpaca-7b", JSON_LD)
    assert split_suffix("alpaca-7b", RECORD_FORMATS) == ("alpaca-7b", None)
    assert split_suffix("v1.5", RECORD_FORMATS) == ("v1.5", None)


def test_negotiation_prefers_the_earlier_offer_on_a_tie():
    assert negotiate(RECORD_FORMATS, "*/*") is HTML
    assert negotiate(RECORD_FORMATS, "application/*") is JSON_LD
    assert negotiate(CITATION_FORMATS, None, "CSL").label == "CSL-JSON"
    with pytest.raises(NotAcceptable) as caught:
        negotiate(GRAPH_FORMATS, "text/html")
    assert caught.value.offered == [f.media_type for f in GRAPH_FORMATS]
