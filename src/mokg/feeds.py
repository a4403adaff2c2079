"""Change feeds: what changed from one release to the next, as Atom (RFC 4287) and JSON Feed 1.1.

A reader who follows a model, or the whole graph, should learn of a change without comparing
releases by hand. Each release is compared with the one before it (:func:`mokg.diffs.diff_versions`,
in the order :meth:`mokg.releases.Releases.list` gives: by creation time), and every entity that
changed becomes one **entry**: its title the entity's name and its first change in words, its
content every change in words (:func:`mokg.diffs.sentences`), its link the entity on the diff
page of the two releases (``{base}release/{previous}/diff/{release}#{anchor}``), which is also
its id (both releases are immutable, so the address names one entry forever), its date the
newer release's ``created`` time. The first release has nothing to compare with and gives no
entry: a feed lists changes, and a reader never saw a graph before it.

Feeds are **bounded**, so that no request asks for unbounded work: at most the newest
:data:`FEED_RELEASES` releases are compared (each with the one before it), and a feed holds at
most :data:`FEED_ENTRIES` entries, newest first. The same entries make the static site's
What changed page (:mod:`mokg.site`). This module only pairs releases, turns a diff into entries
and entries into documents: comparing is :mod:`mokg.diffs`' work, and keeping what was compared
the service's (:mod:`mokg.service.views.changes_feeds`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from xml.etree import ElementTree

from mokg.diffs import Diff, sentences
from mokg.releases import ReleaseManifest

__all__ = [
    "ATOM_NS",
    "AUTHOR",
    "EMPTY_UPDATED",
    "FEED_ENTRIES",
    "FEED_RELEASES",
    "JSON_FEED_VERSION",
    "Entry",
    "Feed",
    "atom",
    "diff_entries",
    "json_feed",
    "release_pairs",
]

#: Releases a feed compares at most (the newest, each with the one before it).
FEED_RELEASES = 50
#: Entries a feed holds at most (the newest).
FEED_ENTRIES = 500
#: When a feed with no entry was last updated: never, so the start of the epoch (Atom requires a date).
EMPTY_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
#: Who writes the feeds (Atom requires an author for every entry; the feed's stands for all).
AUTHOR = "mokg"


@dataclass(frozen=True)
class Entry:
    """One entity that changed from release ``previous`` to ``release``, its changes in words."""

    previous: str
    release: str
    created: datetime
    entity: str
    label: str
    anchor: str
    sentences: tuple[str, ...]

    @property
    def title(self) -> str:
        """The entity's name and its first change: "Mistral 7B: the licence of … changed from … to …"."""
        first = self.sentences[0].rstrip(".") if self.sentences else "changed"
        if first.startswith("The "):
            first = "the " + first[4:]
        more = len(self.sentences) - 1
        return f"{self.label}: {first}" + (f" (and {more} more change{'s' if more > 1 else ''})" if more else "")

    def link(self, base_iri: str) -> str:
        """The entity on the diff page of the two releases: the entry's link and its id."""
        return f"{base_iri}release/{self.previous}/diff/{self.release}#{self.anchor}"

    def content_html(self) -> str:
        """Every change, as an HTML list (escaped: the sentences quote the data)."""
        return "<ul>" + "".join(f"<li>{escape(s)}</li>" for s in self.sentences) + "</ul>"


@dataclass(frozen=True)
class Feed:
    """A feed's document-level facts: its own address (``path`` under the base), title, alternate page."""

    base_iri: str
    path: str
    title: str
    description: str
    alternate: str
    entries: Sequence[Entry]

    @property
    def updated(self) -> datetime:
        """The newest entry's release, or :data:`EMPTY_UPDATED` when there is none."""
        return max((e.created for e in self.entries), default=EMPTY_UPDATED)

    def url(self, suffix: str) -> str:
        return f"{self.base_iri}{self.path}{suffix}"


def release_pairs(manifests: Sequence[ReleaseManifest], limit: int = FEED_RELEASES) -> list[tuple[str, str]]:
    """(previous, release) versions of the newest ``limit`` releases that have a previous one, newest first."""
    pairs = [(old.version, new.version) for old, new in itertools.pairwise(manifests)]
    return pairs[::-1][:limit]


def diff_entries(diff: Diff, labels: dict[str, str]) -> list[Entry]:
    """The entries of one diff of two releases: one per changed entity, by name."""
    created = diff.new_created or EMPTY_UPDATED
    found = [
        Entry(
            previous=diff.old,
            release=diff.new,
            created=created,
            entity=entity.iri,
            label=labels.get(entity.iri) or entity.iri.rstrip("/").rsplit("/", 1)[-1],
            anchor=entity.anchor,
            sentences=tuple(sentences(entity, labels)),
        )
        for entity in diff.entities
    ]
    return sorted(found, key=lambda e: (e.label.casefold(), e.entity))


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(feed: Feed) -> bytes:
    """The feed as Atom 1.0 (RFC 4287), UTF-8; the same entries always give the same bytes."""
    ElementTree.register_namespace("", ATOM_NS)

    def add(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
        element.text = text
        return element

    root = ElementTree.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    add(root, "id", feed.url(".atom"))
    add(root, "title", feed.title)
    add(root, "subtitle", feed.description)
    add(root, "updated", _rfc3339(feed.updated))
    add(root, "link", rel="self", type="application/atom+xml", href=feed.url(".atom"))
    add(root, "link", rel="alternate", type="application/feed+json", href=feed.url(".json"))
    add(root, "link", rel="alternate", type="text/html", href=feed.alternate)
    add(add(root, "author"), "name", AUTHOR)
    add(root, "generator", "mokg")
    for entry in feed.entries:
        item = add(root, "entry")
        add(item, "id", entry.link(feed.base_iri))
        add(item, "title", entry.title)
        add(item, "updated", _rfc3339(entry.created))
        add(item, "published", _rfc3339(entry.created))
        add(item, "link", rel="alternate", type="text/html", href=entry.link(feed.base_iri))
        if entry.entity.startswith(("http://", "https://")):
            add(item, "link", rel="related", href=entry.entity, title=entry.label)
        add(item, "category", term=entry.release, label=f"release {entry.release}")
        add(item, "summary", entry.sentences[0] if entry.sentences else entry.title)
        add(item, "content", entry.content_html(), type="html")
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'.encode()


def json_feed(feed: Feed) -> bytes:
    """The feed as JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), UTF-8."""
    items = []
    for entry in feed.entries:
        item: dict[str, object] = {
            "id": entry.link(feed.base_iri),
            "url": entry.link(feed.base_iri),
            "title": entry.title,
            "summary": entry.sentences[0] if entry.sentences else entry.title,
            "content_text": "\n".join(entry.sentences),
            "content_html": entry.content_html(),
            "date_published": _rfc3339(entry.created),
            "tags": [f"release {entry.release}"],
        }
        if entry.entity.startswith(("http://", "https://")):
            item["external_url"] = entry.entity
        items.append(item)
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "description": feed.description,
        "home_page_url": feed.alternate,
        "feed_url": feed.url(".json"),
        "authors": [{"name": AUTHOR}],
        "language": "en",
        "items": items,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
