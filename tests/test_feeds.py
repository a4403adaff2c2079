"""mokg.feeds without a graph: entries' titles, the pairs of releases compared, the two documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import feedparser
from conftest import BASE

from mokg.feeds import EMPTY_UPDATED, FEED_RELEASES, Entry, Feed, atom, json_feed, release_pairs
from mokg.releases import ReleaseManifest

DAY = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _entry(*sentences: str, label: str = "Mistral 7B", release: str = "1.1") -> Entry:
    return Entry("1.0", release, DAY, f"{BASE}model/mistral-7b", label, "e-0123456789ab", sentences)


def _manifest(version: str, days: int) -> ReleaseManifest:
    return ReleaseManifest(version, DAY + timedelta(days=days), f"{version}.nq.gz", "0" * 64, 1, 1, 1, 1, BASE, "0")


def test_a_title_is_the_name_and_the_first_change():
    one = _entry("The licence of Mistral 7B weights changed from Apache License 2.0 to MIT License.")
    assert one.title == "Mistral 7B: the licence of Mistral 7B weights changed from Apache License 2.0 to MIT License"
    two = _entry("Mistral 7B is now recorded as merged from LLaMA 7B.", "The name of Mistral 7B changed.")
    assert two.title == "Mistral 7B: Mistral 7B is now recorded as merged from LLaMA 7B (and 1 more change)"
    assert _entry("A.", "B.", "C.").title == "Mistral 7B: A (and 2 more changes)"
    assert one.link(BASE) == f"{BASE}release/1.0/diff/1.1#e-0123456789ab"


def test_releases_are_compared_with_the_one_before_newest_first_and_bounded():
    manifests = [_manifest(f"1.{n}", n) for n in range(3)]
    assert release_pairs(manifests) == [("1.1", "1.2"), ("1.0", "1.1")]
    assert release_pairs(manifests[:1]) == []  # the first release: nothing to compare
    many = [_manifest(f"2.{n}", n) for n in range(FEED_RELEASES + 10)]
    pairs = release_pairs(many)
    assert len(pairs) == FEED_RELEASES and pairs[0] == (f"2.{FEED_RELEASES + 8}", f"2.{FEED_RELEASES + 9}")


def test_sentences_are_escaped_and_the_atom_document_parses():
    hostile = _entry('The name of <script>alert("x")</script> & co changed.', label="<b>Bold</b> & co")
    feed = Feed(BASE, "changes", "mokg: what changed", "What changed.", BASE, [hostile])
    body = atom(feed)
    assert b"<script>" not in body and b"<b>" not in body
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title.startswith("<b>Bold</b> & co: the name of <script>")  # text, not markup
    assert "&lt;script&gt;" in parsed.entries[0].content[0].value
    document = json.loads(json_feed(feed))
    assert document["items"][0]["content_html"].startswith("<ul><li>The name of &lt;script&gt;")
    assert atom(feed) == body  # the same entries, the same bytes


def test_an_empty_feed_is_valid_and_dated_the_epoch():
    feed = Feed(BASE, "changes", "mokg: what changed", "What changed.", BASE, [])
    assert feed.updated == EMPTY_UPDATED
    parsed = feedparser.parse(atom(feed))
    assert not parsed.bozo and parsed.entries == [] and parsed.feed.updated == "1970-01-01T00:00:00Z"
    document = json.loads(json_feed(feed))
    assert document["version"] == "https://jsonfeed.org/version/1.1" and document["items"] == []
