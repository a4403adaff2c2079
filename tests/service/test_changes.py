"""The service's diffs (/release/{old}/diff/{new}), histories (/{kind}/{slug}/history) and record timelines."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from mokg.config import Settings
from mokg.service.app import create_app


@pytest.fixture(scope="module")
def client(two_releases):
    with TestClient(create_app(Settings(root=two_releases))) as client:
        yield client


def test_a_diff_as_html_json_and_rdf_patch(client):
    page = client.get("/release/1.0/diff/1.1", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "The licence of Mistral 7B weights changed from Apache License 2.0 to MIT License." in text
    assert "Zephyr-7B-beta is now recorded as merged from LLaMA 7B." in text
    document = client.get("/release/1.0/diff/1.1", headers={"accept": "application/json"}).json()
    assert document["added"] == 3 and document["removed"] == 2
    patch = client.get("/release/1.0/diff/1.1?format=rdf-patch")
    assert patch.headers["content-type"].startswith("application/rdf-patch") and patch.text.endswith("TC .\n")


def test_a_diff_of_two_releases_is_cached_forever(client):
    first = client.get("/release/1.0/diff/1.1?format=json")
    assert "immutable" in first.headers["cache-control"]
    again = client.get("/release/1.0/diff/1.1?format=json", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304


def test_latest_is_the_living_graph(client):
    document = client.get("/release/1.1/diff/latest?format=json").json()
    assert document["to"] == "latest" and document["entities"] == []
    assert "immutable" not in client.get("/release/1.1/diff/latest?format=json").headers["cache-control"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/release/1.0/diff/9.9", 404),
        ("/release/1.0/diff/not-a-version", 400),
        ("/release/1.0/diff/1.1?format=xml", 406),
    ],
)
def test_bad_diffs_are_client_errors(client, path, status):
    answer = client.get(path)
    assert answer.status_code == status and answer.json()["detail"]


def test_a_history_as_a_timeline_json_and_prov(client):
    page = client.get("/model/mistral-7b/history", headers={"accept": "text/html"})
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "Release 1.0" in text and "Mistral 7B was added." in text
    assert "The licence of Mistral 7B weights changed from Apache License 2.0 to MIT License." in text
    facts = client.get("/model/mistral-7b/history?format=json").json()["facts"]
    assert any(
        f["object"] == "<http://spdx.org/licenses/MIT>" and f["spans"] == [{"from": "1.1", "until": None}]
        for f in facts
    )
    turtle = client.get("/model/mistral-7b/history", headers={"accept": "text/turtle"})
    assert turtle.status_code == 200 and "prov:invalidatedAtTime" in turtle.text
    assert client.get("/dataset/alpaca-data/history?format=json").status_code == 200
    assert client.get("/model/no-such-model/history").status_code == 404


def test_the_record_page_shows_the_timeline(client):
    page = client.get("/model/zephyr-7b-beta", headers={"accept": "text/html"})
    section = page.text[page.text.index('id="history-title"') :]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "Release 1.1" in text and "Zephyr-7B-beta is now recorded as merged from LLaMA 7B." in text
    assert 'href="/model/zephyr-7b-beta/history"' in section
    assert json.loads(client.get("/model/zephyr-7b-beta.jsonld").text)["id"].endswith("zephyr-7b-beta")


def test_past_the_bound_a_record_page_links_its_history_instead_of_reading_every_release(two_releases, monkeypatch):
    """A million models' releases are 65 M quads each: a record page must not load them all to show a timeline."""
    from mokg import history

    monkeypatch.setattr(history, "TIMELINE_QUADS", 1)
    with TestClient(create_app(Settings(root=two_releases))) as client:
        page = client.get("/model/zephyr-7b-beta", headers={"accept": "text/html"}).text
        section = page[page.index('id="history-title"') :].split("</section>", 1)[0]
        assert "too large to read for every page" in section and "Release 1.1" not in section
        assert 'href="/model/zephyr-7b-beta/history"' in section
        assert client.get("/model/zephyr-7b-beta/history?format=json").status_code == 200
