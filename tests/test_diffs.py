"""What changed between releases (mokg.diffs, `mokg diff`): per entity, in words, as JSON and as an RDF Patch."""

from __future__ import annotations

import gzip
import json
import re

import pyoxigraph as ox
import pytest
from conftest import BASE

from mokg.cli import main
from mokg.diffs import LATEST, _compared, diff_versions, rdf_patch, sentences, to_json
from mokg.releases import Releases, UnknownRelease, open_release

MODEL = f"{BASE}model/"


@pytest.fixture(scope="module")
def releases(two_releases) -> Releases:
    return Releases(two_releases / "data" / "releases")


@pytest.fixture(scope="module")
def diff(releases):
    store = open_release(releases.folder, "1.1")  # the living graph of two_releases is release 1.1
    return diff_versions(releases, store, "1.0", "1.1", BASE)


def test_the_changed_entities_are_the_three_edited_records(diff):
    found, _ = diff
    assert [e.iri for e in found.entities] == [f"{MODEL}alpaca-7b", f"{MODEL}mistral-7b", f"{MODEL}zephyr-7b-beta"]
    assert (found.old, found.new) == ("1.0", "1.1") and found.old_created <= found.new_created


def test_each_change_is_said_in_words(diff):
    found, labels = diff
    said = {e.iri.removeprefix(MODEL): sentences(e, labels) for e in found.entities}
    assert said["mistral-7b"] == ["The licence of Mistral 7B weights changed from Apache License 2.0 to MIT License."]
    assert said["zephyr-7b-beta"] == ["Zephyr-7B-beta is now recorded as merged from LLaMA 7B."]
    (claim,) = said["alpaca-7b"]
    assert claim.startswith("The training code of Alpaca 7B, as European Open Source AI Index grades it: Level 0")
    assert "(was Level 3" in claim


def test_each_change_names_the_file_that_states_it(diff):
    found, _ = diff
    files = {c.graph.value for e in found.entities for c in e.changes}
    assert files == {
        f"{BASE}graph/data/models/mistral-7b",
        f"{BASE}graph/data/claims/osai-index/alpaca-7b",
        f"{BASE}graph/data/models/zephyr-7b-beta",
    }


def test_json_lists_the_triples_added_and_removed(diff):
    found, labels = diff
    document = json.loads(json.dumps(to_json(found, labels)))
    assert (document["from"], document["to"], document["added"], document["removed"]) == ("1.0", "1.1", 3, 2)
    mistral = next(e for e in document["entities"] if e["id"] == f"{MODEL}mistral-7b")
    assert mistral["label"] == "Mistral 7B"
    assert mistral["removed"] == [
        {
            "subject": f"<{MODEL}mistral-7b#weights>",
            "predicate": "<http://purl.org/dc/terms/license>",
            "object": "<http://spdx.org/licenses/Apache-2.0>",
            "graph": f"{BASE}graph/data/models/mistral-7b",
        }
    ]


def compared(path) -> set[tuple[bytes, bytes]]:
    with gzip.open(path, "rb") as lines:
        return set(_compared(lines, BASE))


def test_the_rdf_patch_applied_to_the_old_release_gives_the_new_one(diff, releases):
    """Every row is an RDF Patch row; deleting the D quads and adding the A quads turns 1.0 into 1.1."""
    found, _ = diff
    patch = rdf_patch(found).splitlines()
    assert patch[:3] == ['H from "1.0" .', 'H to "1.1" .', "TX ."] and patch[-1] == "TC ."
    old = compared(releases.folder / "1.0.nq.gz")
    new = compared(releases.folder / "1.1.nq.gz")
    for row in patch[3:-1]:
        assert re.fullmatch(r"[AD] \S.* <[^ >]+> \.", row), row
        (quad,) = ox.parse(row[2:].encode() + b"\n", format=ox.RdfFormat.N_QUADS)
        key = (f"{quad.subject} {quad.predicate} {quad.object}".encode(), f"<{quad.graph_name.value}>".encode())
        if row[0] == "D":
            old.remove(key)
        else:
            old.add(key)
    assert old == new


def test_latest_is_the_living_graph_and_an_unchanged_pair_is_empty(releases, two_releases):
    store = open_release(releases.folder, "1.1")
    found, _ = diff_versions(releases, store, "1.1", LATEST, BASE)
    assert found.entities == [] and found.new == LATEST and found.new_created is None


def test_an_unknown_release_is_an_error(releases):
    with pytest.raises(UnknownRelease):
        diff_versions(releases, open_release(releases.folder, "1.0"), "1.0", "9.9", BASE)


def test_the_command_writes_words_json_and_patches(two_releases, capsys):
    assert main(["diff", "1.0", "1.1", "--root", str(two_releases)]) == 0
    out, err = capsys.readouterr()
    assert "Mistral 7B <https://w3id.org/mokg/model/mistral-7b>" in out
    assert "  Zephyr-7B-beta is now recorded as merged from LLaMA 7B." in out
    assert "3 entities changed, 3 triples added, 2 removed" in err
    assert main(["diff", "1.0", "1.1", "--root", str(two_releases), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 3
    assert main(["diff", "1.0", "1.1", "--root", str(two_releases), "--format", "rdf-patch"]) == 0
    assert capsys.readouterr().out.startswith('H from "1.0" .')
    assert main(["diff", "1.0", "nope", "--root", str(two_releases)]) != 0
    assert "invalid release version 'nope'" in capsys.readouterr().err


def test_the_docs_example_is_what_the_bundled_releases_give(store, capsys):
    """docs/changes.md quotes `mokg diff 2026.12.0 2026.12.1` on the bundled releases: every quoted line is true."""
    from conftest import REPO

    text = (REPO / "docs" / "changes.md").read_text()
    example = text.split("$ mokg diff 2026.12.0 2026.12.1\n", 1)[1].split("```", 1)[0]
    quoted = [line for line in example.splitlines() if line and line != "…"]
    assert main(["diff", "2026.12.0", "2026.12.1", "--root", str(REPO)]) == 0
    out, err = capsys.readouterr()
    lines = set(out.splitlines()) | set(err.splitlines())
    assert [line for line in quoted if line not in lines] == []
    patch = text.split("as an RDF Patch (two rows of it):\n\n```\n", 1)[1].split("```", 1)[0].splitlines()
    assert main(["diff", "2026.12.0", "2026.12.1", "--root", str(REPO), "--format", "rdf-patch"]) == 0
    assert set(patch) <= set(capsys.readouterr().out.splitlines())
