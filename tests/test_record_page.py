"""The helpers record pages name things with: the Jinja macros they replaced, output for output."""

from __future__ import annotations

import pytest
from conftest import TEST_DATA
from jinja2 import Environment, Undefined
from markupsafe import Markup

from mokg.record_page import RecordNames, record_index

#: The macros the helpers replaced, with the index and prefixes they read: the reference.
MACROS = (TEST_DATA / "record-page" / "macros.html").read_text(encoding="utf-8")


def test_the_record_index_keeps_the_fullest_copy_of_each_node_and_compact_ids_by_local_name():
    """What the record templates look linked nodes up in (it was a Jinja macro; the site's pages did not change)."""
    small, full = {"id": "https://x/a"}, {"id": "https://x/a", "label": "A"}
    first, second = {"id": "mokg:StatusOpen", "prefLabel": "open"}, {"id": "mokg:StatusOpen", "notation": "o"}
    document = {"id": "https://x/m", "parts": [small, {"nested": [full, first]}], "status": second, "n": 3}
    index = record_index(document)
    assert index["https://x/a"] is full and index["https://x/m"] is document
    assert index["mokg:StatusOpen"] is first and index["StatusOpen"] is first  # equals: the first met
    assert set(index) == {"https://x/m", "https://x/a", "mokg:StatusOpen", "StatusOpen"}


RECORD = {
    "id": "https://w3id.org/mokg/model/m",
    "label": "M <1> & co",
    "license": "http://spdx.org/licenses/Apache-2.0",
    "creator": {"id": "https://w3id.org/mokg/org/acme", "label": {"@value": "Acme", "@language": "en"}},
    "componentStatus": {"id": "mokg:StatusOpen", "prefLabel": "open"},
    "count": {"@value": 7},
    "plain": {"id": "_:b0"},
}
PREFIXES = ["mokg", "spdx"]


@pytest.mark.parametrize(
    ("call", "value", "shown"),
    [
        ("txt", "a < b", "a &lt; b"),
        ("txt", True, "True"),
        ("txt", [{"@value": 3}, "x"], "3"),
        ("txt", {"id": "https://x/y"}, "https://x/y"),
        ("txt", None, ""),
        ("txt", Undefined(), ""),
        ("txt", Markup("<b>kept</b>"), "<b>kept</b>"),
        ("short", "http://spdx.org/licenses/MIT", "MIT"),
        ("short", "https://huggingface.co/org/model/", "org/model"),
        ("short", "https://example.org/x", "example.org/x"),
        ("short", "mokg:StatusOpen", "StatusOpen"),
        ("short", Undefined(), ""),
        ("local", {"id": "https://w3id.org/mokg/ontology#StatusOpen"}, "StatusOpen"),
        ("local", "https://example.org/a/b/", "b"),
        ("local", {}, ""),
        ("name", "https://w3id.org/mokg/model/m", "M &lt;1&gt; &amp; co"),
        ("name", "https://w3id.org/mokg/org/acme", "Acme"),
        ("name", "StatusOpen", "open"),
        ("name", {"@value": "v&"}, "v&amp;"),
        ("name", {"id": "http://spdx.org/licenses/MIT"}, "MIT"),
        (
            "ref",
            "https://w3id.org/mokg/org/acme",
            '<a href="https://w3id.org/mokg/org/acme" title="https://w3id.org/mokg/org/acme">Acme</a>',
        ),
        ("ref", "mokg:StatusOpen", '<span class="term" title="mokg:StatusOpen">open</span>'),
        ("ref", "rdf:type", "rdf:type"),
        ("ref", {"id": "_:b0"}, '<span class="term" title="_:b0">b0</span>'),
        ("ref", "a b", "a b"),
        ("ref", {"@value": "x"}, "x"),
    ],
)
def test_each_helper_gives_what_its_macro_gave(call: str, value: object, shown: str):
    """Escaped once: a page shows data, never markup from it; and exactly what the Jinja macro wrote."""
    names = RecordNames(RECORD, PREFIXES)
    result = getattr(names, call)(value)
    assert isinstance(result, Markup) and str(result) == shown
    macros = Environment(autoescape=True).from_string(MACROS).make_module({"index": names.index, "PREFIXES": PREFIXES})
    assert str(getattr(macros, call)(value)) == shown


def test_the_templates_call_them_as_they_called_the_macros():
    """Set as template variables, the helpers are called by name, their output not escaped again."""
    template = Environment(autoescape=True).from_string(
        "{%- set names = RecordNames(record, PREFIXES) -%}{%- set ref, name = names.ref, names.name -%}"
        "{{ ref(record.creator) }}|{{ name(record) }}"
    )
    page = template.render(record=RECORD, PREFIXES=PREFIXES, RecordNames=RecordNames)
    creator = '<a href="https://w3id.org/mokg/org/acme" title="https://w3id.org/mokg/org/acme">Acme</a>'
    assert page == f"{creator}|M &lt;1&gt; &amp; co"
