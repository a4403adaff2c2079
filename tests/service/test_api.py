"""``/api/v1``: the Model Openness Tool's REST API over the graph, in the Tool's JSON shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import BASE, REPO
from fastapi.testclient import TestClient

from mokg.config import Settings
from mokg.exporters import mot as export_mot
from mokg.importers import mot
from mokg.service import create_app
from mokg.service.views.api import MAX_LIMIT


@pytest.fixture(scope="module")
def client(store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(root=REPO), store=store)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def slugs(store) -> list[str]:
    rows = store.query("SELECT ?m WHERE { ?m a mokg:Model } ORDER BY ?m")
    return [row["m"].value.removeprefix(f"{BASE}model/") for row in rows if row["m"].value.startswith(f"{BASE}model/")]


def test_the_first_page_lists_models_as_the_tool_does(client, slugs):
    response = client.get("/api/v1/models")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"pager", "models"}
    assert body["pager"] == {
        "total_items": len(slugs),
        "total_pages": -(-len(slugs) // 100),
        "current_page": 1,
    }
    assert [m["id"] for m in body["models"]] == slugs[:100]  # by id, as the Tool sorts
    for model in body["models"]:
        assert set(model) == {"id", "framework", "release", "classification"}
        assert model["framework"] == export_mot.FRAMEWORK
        assert set(model["classification"]) == {"class", "label", "progress"}
        assert set(model["classification"]["progress"]) == {"1", "2", "3"}


def test_pages_cover_every_model_once(client, slugs):
    seen = []
    for page in range(1, -(-len(slugs) // 37) + 2):
        body = client.get("/api/v1/models", params={"page": page, "limit": 37}).json()
        assert body["pager"]["current_page"] == page
        seen += [m["id"] for m in body["models"]]
    assert seen == slugs  # the page after the last one is empty


def test_a_listed_model_is_the_models_own_answer(client):
    listed = client.get("/api/v1/models", params={"limit": 3}).json()["models"]
    for model in listed:
        assert client.get(f"/api/v1/model/{model['id']}").json() == model


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"page": "0"}, "page must be a whole number from 1"),
        ({"page": "-1"}, "page must be a whole number from 1"),
        ({"page": "two"}, "not 'two'"),
        ({"page": "1.5"}, "page must be a whole number"),
        ({"limit": "0"}, f"limit must be a whole number from 1 to {MAX_LIMIT}"),
        ({"limit": str(MAX_LIMIT + 1)}, f"from 1 to {MAX_LIMIT}, not '{MAX_LIMIT + 1}'"),
        ({"limit": ""}, "limit must be a whole number"),
        ({"page": "9" * 40}, "page must be a whole number"),
    ],
)
def test_a_bad_page_or_limit_is_a_400_that_says_why(client, query, words):
    response = client.get("/api/v1/models", params=query)
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_a_model_as_the_tool_answers_it(client, store):
    response = client.get("/api/v1/model/aquila-7b")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "aquila-7b"
    assert body["release"] == export_mot.export(store, "aquila-7b", BASE).document["release"]
    evaluation = mot.evaluate(body["release"])  # the published rules, over the exported release
    assert body["classification"]["class"] == evaluation.mof_class
    assert body["classification"]["label"] == export_mot.CLASS_LABELS[evaluation.mof_class]
    assert body["classification"]["progress"] == {str(c): float(evaluation.progress[c]) * 100 for c in (1, 2, 3)}


def test_a_classified_model(client):
    """A model the Tool's rules put in a class: its label is the Tool's and its progress reaches 100."""
    classified = [
        m
        for page in (1, 2, 3, 4)
        for m in client.get("/api/v1/models", params={"page": page}).json()["models"]
        if m["classification"]["class"]
    ]
    assert classified
    for model in classified:
        level = model["classification"]["class"]
        assert model["classification"]["label"].startswith(f"Class {'I' * level} - ")
        assert model["classification"]["progress"][str(level)] == 100.0


def test_an_unknown_model_is_a_404(client):
    response = client.get("/api/v1/model/no-such-model")
    assert response.status_code == 404
    assert response.json() == {"detail": "no model 'no-such-model' in mokg"}
    assert client.get("/api/v1/model/no-such-model", headers={"if-none-match": "*"}).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/models?page=2&limit=5", "/api/v1/model/aquila-7b"])
def test_answers_are_revalidated_like_records(client, path):
    first = client.get(path)
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = client.get(path, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"].removeprefix("W/") == first.headers["etag"].removeprefix("W/")  # W/: sent gzipped
    assert client.get(path).content == first.content


def test_pages_of_different_sizes_have_different_tags(client):
    tags = {client.get("/api/v1/models", params=params).headers["etag"] for params in ({}, {"limit": 5}, {"page": 2})}
    assert len(tags) == 3


def test_the_routes_are_described(client):
    paths = client.get("/openapi.json").json()["paths"]
    listing, model = paths["/api/v1/models"]["get"], paths["/api/v1/model/{id}"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "limit"}
    assert {"200", "304", "400"} <= set(listing["responses"])
    assert {"200", "304", "404"} <= set(model["responses"])
