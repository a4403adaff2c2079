"""What a source's licence text means when it names no licence (mokg.importers.licensing)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mokg.importers.licensing import Licensing, licence_status, licensing, not_included
from mokg.vocab import MOKG

NO_ASSERTION = [
    "",
    "unknown",
    "Undisclosed",
    "N/A",
    "none",
    "license",
    "Other License",
    "Custom license",
    "Proprietary",
    "Purposely left ambiguous",
    "Component not included",
    "Component not include.",
    "Component not included but listed sources",
    "Unknown (Apache-2.0?)",
    "License only specified in original dataset starcoderdata",
    "See the model card",
    "https://arxiv.org/pdf/2401.06066",
    "pubmed",
    "mc4, cc100, wikipedia, EleutherAI/pile, togethercomputer/RedPajama-Data-1T",
    "Bloom",
]
NO_LICENSE = ["No licence stated", "no license", "Unlicensed", "not licensed"]
LICENCES = [
    "Apache 2.0",
    "MIT",
    "BSD-3",
    "CC-BY-ND",
    "CC BY-NC 4.0",
    "Modified MIT License",
    "Skywork Terms and Conditions",
    "Llama 3.1 Community License Agreement",
    "BigScience OpenRAIL-M",
    "datasets with MIT, Apache 2, BSD-3-Clause",
    "Stability AI Non-Commercial Research Community License Agreement",
    "Unlicense",
]


@pytest.mark.parametrize("text", NO_ASSERTION)
def test_words_that_name_no_licence_are_no_assertion(text):
    assert licence_status(text) == MOKG.NoAssertion


@pytest.mark.parametrize("text", NO_LICENSE)
def test_words_that_say_there_is_no_licence_are_no_license(text):
    assert licence_status(text) == MOKG.NoLicense


@pytest.mark.parametrize("text", LICENCES)
def test_licence_names_are_left_to_the_importer(text):
    assert licence_status(text) is None
    assert licensing(text) is None


def test_the_source_words_are_kept_with_the_status():
    subject = ox.NamedNode("https://w3id.org/mokg/model/x")
    found = licensing("  Purposely left ambiguous ")
    assert found == Licensing(status=MOKG.NoAssertion, statement="Purposely left ambiguous")
    assert set(found.triples(subject)) == {
        ox.Triple(subject, MOKG.licenseStatus, MOKG.NoAssertion),
        ox.Triple(subject, MOKG.licenseStatement, ox.Literal("Purposely left ambiguous", language="en")),
    }
    assert licensing("").triples(subject) == [ox.Triple(subject, MOKG.licenseStatus, MOKG.NoAssertion)]
    licence = ox.NamedNode("http://spdx.org/licenses/MIT")
    assert Licensing(licence=licence).triples(subject) == [
        ox.Triple(subject, ox.NamedNode("http://purl.org/dc/terms/license"), licence)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Component not included", True), ("not released", True), ("Apache-2.0", False), ("Unknown", False)],
)
def test_not_included(text, expected):
    assert not_included(text) is expected
