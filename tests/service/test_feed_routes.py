"""The change feeds over HTTP: /changes.atom, /changes.json and the same per model.

Served from the two-release project of ``conftest.two_releases`` (1.0, then a licence, a claim
and a lineage edge changed, then 1.1), its living graph the CLI's cached store. The Atom feed is
read by feedparser (an independent reader: no "bozo" error), the JSON Feed checked for the
fields JSON Feed 1.1 requires.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from conftest import BASE, run_async
from fastapi.testclient import TestClient

from mokg.config import Settings
from mokg.diffs import Diff, EntityChanges
from mokg.feeds import FEED_ENTRIES, FEED_RELEASES
from mokg.graph import cached_store
from mokg.releases import ReleaseManifest, list_releases
from mokg.service import create_app
from mokg.service.views import changes_feeds

#: The entities that changed from 1.0 to 1.1, with the first words of their change.
MISTRAL = "The licence of Mistral 7B weights changed from Apache License 2.0 to MIT License."
CHANGED = {
    f"{BASE}model/alpaca-7b": ("Alpaca 7B", "the training code of Alpaca 7B, as European Open Source AI Index grades"),
    f"{BASE}model/mistral-7b": ("Mistral 7B", "the" + MISTRAL.removeprefix("The").removesuffix(".")),
    f"{BASE}model/zephyr-7b-beta": ("Zephyr-7B-beta", "Zephyr-7B-beta is now recorded as merged from LLaMA 7B"),
}


def _client(root: Path) -> TestClient:
    settings = Settings.from_env(root=root)  # MOKG_CACHE_DIR: the tests' cache, where `mokg release` left the graph
    return TestClient(create_app(settings, store=cached_store(settings)))


@pytest.fixture(scope="module")
def client(two_releases: Path) -> Iterator[TestClient]:
    with _client(two_releases) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def created(two_releases: Path) -> datetime:
    """When release 1.1 was made: the date of every entry."""
    manifests = list_releases(two_releases / "data" / "releases")
    assert [m.version for m in manifests] == ["1.0", "1.1"]
    return manifests[1].created


def _link(iri: str) -> str:
    return f"{BASE}release/1.0/diff/1.1#{EntityChanges(iri).anchor}"


def _atom(client: TestClient, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_the_atom_feed_has_one_entry_per_changed_entity(client, created):
    parsed = _atom(client, "/changes.atom")
    feed = parsed.feed
    assert feed.id == f"{BASE}changes.atom"
    assert feed.title == "mokg: what changed"
    assert feed.updated_parsed[:6] == created.timetuple()[:6]
    assert feed.author == "mokg"
    links = {(link.rel, link.type): link.href for link in feed.links}
    assert links[("self", "application/atom+xml")] == f"{BASE}changes.atom"
    assert links[("alternate", "text/html")] == BASE
    assert links[("alternate", "application/feed+json")] == f"{BASE}changes.json"
    # The first release has nothing to compare with: entries are 1.1's, by name.
    assert [e.link for e in parsed.entries] == [_link(iri) for iri in CHANGED]
    for entry, (iri, (label, words)) in zip(parsed.entries, CHANGED.items(), strict=True):
        assert entry.id == _link(iri)
        assert entry.title.startswith(f"{label}: {words}"), entry.title
        assert entry.updated_parsed[:6] == entry.published_parsed[:6] == created.timetuple()[:6]
        assert {link.rel: link.href for link in entry.links}["related"] == iri
        assert entry.tags[0].term == "1.1"
    mistral = parsed.entries[1]
    assert mistral.content[0].value == f"<ul><li>{MISTRAL}</li></ul>"


def test_the_json_feed_has_the_same_entries_and_every_required_field(client, created):
    response = client.get("/changes.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/feed+json"
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "mokg: what changed"
    assert feed["feed_url"] == f"{BASE}changes.json" and feed["home_page_url"] == BASE
    assert feed["authors"] == [{"name": "mokg"}]
    items = feed["items"]
    atom = _atom(client, "/changes.atom").entries
    assert [i["id"] for i in items] == [i["url"] for i in items] == [e.id for e in atom]
    assert [i["title"] for i in items] == [e.title for e in atom]
    for item in items:
        assert isinstance(item["id"], str) and item["content_text"]
        assert datetime.fromisoformat(item["date_published"].replace("Z", "+00:00")) == created.astimezone(UTC)
    assert items[1]["content_text"] == MISTRAL
    assert items[1]["external_url"] == f"{BASE}model/mistral-7b"


def test_a_model_feed_holds_only_that_models_entries(client):
    parsed = _atom(client, "/model/mistral-7b/changes.atom")
    assert parsed.feed.id == f"{BASE}model/mistral-7b/changes.atom"
    assert parsed.feed.title == "mokg: what changed in Mistral 7B"
    assert [e.link for e in parsed.entries] == [_link(f"{BASE}model/mistral-7b")]
    # A claim about a model is a change of the model.
    assert [e.link for e in _atom(client, "/model/alpaca-7b/changes.atom").entries] == [_link(f"{BASE}model/alpaca-7b")]
    feed = client.get("/model/zephyr-7b-beta/changes.json").json()
    assert [i["id"] for i in feed["items"]] == [_link(f"{BASE}model/zephyr-7b-beta")]
    # A model that did not change: a valid feed without entries, dated the epoch (it was never updated).
    quiet = _atom(client, "/model/olmo-7b/changes.atom")
    assert quiet.entries == [] and quiet.feed.updated == "1970-01-01T00:00:00Z"


@pytest.mark.parametrize("suffix", ["atom", "json"])
def test_an_unknown_model_has_no_feed(client, suffix):
    response = client.get(f"/model/no-such-model/changes.{suffix}")
    assert response.status_code == 404
    assert response.json() == {"detail": "no model 'no-such-model' in mokg"}


@pytest.mark.parametrize("url", ["/changes.atom", "/changes.json", "/model/mistral-7b/changes.atom"])
def test_feeds_are_revalidated_with_their_entity_tag(client, url):
    first = client.get(url)
    assert first.headers["cache-control"] == "public, max-age=300"
    again = client.get(url, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"].removeprefix("W/") == first.headers["etag"].removeprefix("W/")  # weak: gzip
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_the_two_formats_have_their_own_entity_tags(client):
    assert client.get("/changes.atom").headers["etag"] != client.get("/changes.json").headers["etag"]


def test_each_pair_of_releases_is_compared_once_per_app(two_releases, monkeypatch):
    with _client(two_releases) as fresh:
        state = fresh.app.state.mokg
        calls = []
        compare = state.diff

        async def counting(old: str, new: str):
            calls.append((old, new))
            return await compare(old, new)

        monkeypatch.setattr(state, "diff", counting)
        for url in ("/changes.atom", "/changes.json", "/model/mistral-7b/changes.atom", "/model/olmo-7b/changes.json"):
            assert fresh.get(url).status_code == 200
        assert calls == [("1.0", "1.1")]


class _FakeApp:
    """What ``changes_feeds._entries`` needs of the app: ``diff``, here counted and answering with no change."""

    def __init__(self, entities: int) -> None:
        self.entities = entities
        self.compared: list[tuple[str, str]] = []

    async def diff(self, old: str, new: str) -> tuple[Diff, dict[str, str]]:
        self.compared.append((old, new))
        changed = [EntityChanges(f"{BASE}model/m{n}") for n in range(self.entities)]
        return Diff(old, new, None, datetime(2025, 1, 1, tzinfo=UTC), changed), {}


def _manifests(count: int) -> list[ReleaseManifest]:
    return [
        ReleaseManifest(f"1.{n}", datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=n), f"1.{n}.nq.gz",
                        f"{n:064x}", 1, 1, 1, 1, BASE, "0")
        for n in range(count)
    ]  # fmt: skip


def test_a_feed_compares_at_most_feed_releases_and_holds_at_most_feed_entries():
    app = _FakeApp(entities=3)
    entries = run_async(changes_feeds._entries(app, _manifests(80), None))
    assert app.compared == [(f"1.{n - 1}", f"1.{n}") for n in range(79, 79 - FEED_RELEASES, -1)]  # newest first
    assert len(entries) == 3 * FEED_RELEASES < FEED_ENTRIES
    many = _FakeApp(entities=40)  # 40 a release: the bound is reached after 13 releases, the rest not compared
    entries = run_async(changes_feeds._entries(many, _manifests(80), None))
    assert len(entries) == FEED_ENTRIES and len(many.compared) == -(-FEED_ENTRIES // 40)
    assert entries[0].release == "1.79" and entries[-1].release == "1.67"
    # A model's feed looks through every compared release for its entries.
    one = _FakeApp(entities=3)
    mine = run_async(changes_feeds._entries(one, _manifests(80), f"{BASE}model/m1"))
    assert len(mine) == FEED_RELEASES and len(one.compared) == FEED_RELEASES


def test_without_releases_the_feeds_are_empty_and_valid(tiny_settings):
    with TestClient(create_app(tiny_settings)) as bare:  # the small test graph: no data/releases
        parsed = _atom(bare, "/changes.atom")
        assert parsed.entries == [] and parsed.feed.updated == "1970-01-01T00:00:00Z"
        assert bare.get("/changes.json").json()["items"] == []


def test_the_docs_example_is_the_bundled_services_answer(store):
    """docs/feeds.md shows OLMo 7B's feed over the bundled releases: it is what the service answers."""
    import xml.dom.minidom

    from conftest import REPO

    text = (REPO / "docs" / "feeds.md").read_text()
    shown = text.split("`GET /model/olmo-7b/changes.atom` (indented here):\n\n```xml\n", 1)[1].split("```", 1)[0]
    with TestClient(create_app(Settings(root=REPO), store=store)) as client:
        answer = client.get("/model/olmo-7b/changes.atom").text
    pretty = xml.dom.minidom.parseString(answer).toprettyxml(indent="  ")
    assert pretty.split("\n", 1)[1].strip() == shown.split("\n", 1)[1].strip()
