"""Citations of records (BibTeX, CSL-JSON, RIS) and mokg's own CITATION.cff."""

from __future__ import annotations

import importlib
import json
import re
from datetime import date

import pytest
from conftest import BASE, REPO

from mokg.citation import (
    AUTHOR,
    LIVING,
    PUBLISHER,
    Citation,
    Entry,
    UnknownRecord,
    arxiv_id,
    bibtex,
    cite,
    csl_json,
    negotiate_format,
    render,
    ris,
)
from mokg.errors import NotAcceptable
from mokg.formats import BIBTEX, CITATION_FORMATS, CSL_JSON, HTML, RIS
from mokg.releases import InvalidVersion
from mokg.store import EmbeddedStore

ACCESSED = date(2025, 1, 2)
LLAMA = f"{BASE}model/llama-2-7b"


@pytest.fixture(scope="module")
def llama(store: EmbeddedStore) -> Citation:
    return cite(store, LLAMA, "model", base_iri=BASE, accessed=ACCESSED)


@pytest.fixture(scope="module")
def released(store: EmbeddedStore) -> Citation:
    return cite(store, LLAMA, "model", base_iri=BASE, accessed=ACCESSED, version="1.0.0", released=date(2024, 12, 1))


# --------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------


def test_the_living_record_is_cited_by_its_persistent_iri(llama: Citation):
    record = llama.record
    assert record.title == "Llama 2 7B — mokg record"
    assert record.url == LLAMA and record.version == LIVING
    assert record.authors == (AUTHOR,) and record.publisher == PUBLISHER
    assert record.accessed == ACCESSED and record.issued == (2025, 1, 2)


def test_a_release_is_cited_by_its_release_iri(released: Citation):
    record = released.record
    assert record.url == f"{BASE}release/1.0.0/model/llama-2-7b"
    assert record.version == "1.0.0" and record.issued == (2024, 12, 1) and record.key.endswith("-1.0.0")


def test_the_models_own_paper_is_a_second_entry(llama: Citation):
    paper = llama.paper
    assert paper is not None and llama.entries == (llama.record, paper)
    assert paper.arxiv == "2307.09288" and paper.doi == "10.48550/arXiv.2307.09288"
    assert paper.url == "https://arxiv.org/abs/2307.09288" and paper.issued == (2023, 7)
    assert paper.authors == ("Meta AI",)
    assert paper.title == "Llama 2 paper", "three Llama 2 models share the paper: it is named after the family"


def test_a_paper_of_one_model_is_named_after_it(store: EmbeddedStore):
    paper = cite(store, f"{BASE}model/zephyr-7b-beta", "model", base_iri=BASE, accessed=ACCESSED).paper
    assert paper is not None and paper.title == "Zephyr-7B-beta paper" and paper.authors == ("Hugging Face",)


def test_other_kinds_are_cited_by_their_record_url(store: EmbeddedStore):
    mit = cite(store, "http://spdx.org/licenses/MIT", "license", base_iri=BASE, accessed=ACCESSED)
    assert mit.record.url == f"{BASE}license/MIT" and mit.paper is None
    meta = cite(store, f"{BASE}org/meta", "org", base_iri=BASE, accessed=ACCESSED)
    assert meta.record.title == "Meta AI — mokg record" and meta.paper is None
    c4 = cite(store, f"{BASE}dataset/c4", "dataset", base_iri=BASE, accessed=ACCESSED)
    assert c4.paper is not None and c4.paper.arxiv == "1910.10683"


@pytest.mark.parametrize(
    ("iri", "kind"),
    [
        (f"{BASE}model/no-such-model", "model"),
        (f"{BASE}org/meta", "model"),  # an entity, but not of that kind
        (LLAMA, "nonsense"),
    ],
)
def test_unknown_records_are_404(store: EmbeddedStore, iri: str, kind: str):
    with pytest.raises(UnknownRecord) as caught:
        cite(store, iri, kind, base_iri=BASE, accessed=ACCESSED)
    assert caught.value.http_status == 404 and caught.value.exit_code == 2


def test_a_bad_release_version_is_400(store: EmbeddedStore):
    with pytest.raises(InvalidVersion) as caught:
        cite(store, LLAMA, "model", base_iri=BASE, accessed=ACCESSED, version="latest")
    assert caught.value.http_status == 400


@pytest.mark.parametrize(
    ("url", "identifier"),
    [
        ("https://arxiv.org/abs/2307.09288", "2307.09288"),
        ("https://arxiv.org/pdf/2307.09288v2", "2307.09288"),
        ("http://www.arxiv.org/abs/1910.10683", "1910.10683"),
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://example.org/abs/2307.09288", None),
    ],
)
def test_arxiv_ids(url: str, identifier: str | None):
    assert arxiv_id(url) == identifier


# --------------------------------------------------------------------------------------------
# BibTeX
# --------------------------------------------------------------------------------------------


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """A small BibTeX reader: ``(type, key, fields)`` per entry; fails on unbalanced braces."""
    entries = []
    for chunk in re.split(r"\n(?=@)", text.strip()):
        head = re.match(r"@(\w+)\{([^,\s{}]+),\n", chunk)
        assert head, chunk
        depth = 0
        for index, char in enumerate(chunk):
            if char == "{" and chunk[index - 1] != "\\":
                depth += 1
            elif char == "}" and chunk[index - 1] != "\\":
                depth -= 1
            assert depth >= 0, chunk
        assert depth == 0, f"unbalanced braces: {chunk}"
        fields = dict(re.findall(r"^  (\w+) = \{?(.*?)\}?,$", chunk, re.M))
        entries.append((head[1], head[2], fields))
    return entries


def test_bibtex_entries_are_well_formed(llama: Citation):
    entries = parse_bibtex(bibtex(llama))
    assert [(kind, key) for kind, key, _ in entries] == [
        ("misc", "mokg-model-llama-2-7b"),
        ("misc", "arXiv:2307.09288"),
    ]
    record, paper = entries[0][2], entries[1][2]
    for fields in (record, paper):
        assert {"title", "author", "year", "url"} <= fields.keys()
    assert record["title"] == "{Llama 2 7B} --- mokg record"
    assert record["url"] == LLAMA and record["version"] == LIVING and record["urldate"] == "2025-01-02"
    assert record["author"] == "{mokg contributors}" and record["publisher"] == PUBLISHER
    assert paper["eprint"] == "2307.09288" and paper["archivePrefix"] == "arXiv" and paper["month"] == "jul"
    assert paper["author"] == "{Meta AI}"


def test_bibtex_escapes_special_characters():
    entry = Entry(
        key="k",
        kind="paper",
        title="50% {braces} & $math$ #1 under_score ~ ^ back\\slash",
        url="https://example.org/x",
        authors=("A & B", "C"),
        issued=(2024,),
    )
    text = bibtex(Citation(entry))
    (_, _, fields), *_ = parse_bibtex(text)
    assert r"50\% \{braces\} \& \$math\$ \#1 under\_score" in fields["title"]
    assert fields["author"] == r"{A \& B} and {C}"


def test_bibtex_parses_with_pybtex(llama: Citation):
    database = importlib.import_module("pybtex.database")
    data = database.parse_string(bibtex(llama), "bibtex")
    assert set(data.entries) == {"mokg-model-llama-2-7b", "arXiv:2307.09288"}
    assert data.entries["arXiv:2307.09288"].fields["eprint"] == "2307.09288"


# --------------------------------------------------------------------------------------------
# CSL-JSON
# --------------------------------------------------------------------------------------------


def test_csl_json_items(released: Citation):
    items = json.loads(render(released, CSL_JSON))
    assert isinstance(items, list) and len(items) == 2
    record, paper = items
    for item in items:
        assert {"id", "type", "title", "URL", "author", "issued"} <= item.keys()
        assert all(isinstance(part, int) for part in item["issued"]["date-parts"][0])
    assert record["type"] == "dataset" and record["version"] == "1.0.0"
    assert record["URL"] == f"{BASE}release/1.0.0/model/llama-2-7b"
    assert record["accessed"] == {"date-parts": [[2025, 1, 2]]} and record["author"] == [{"literal": AUTHOR}]
    assert paper["type"] == "article" and paper["DOI"] == "10.48550/arXiv.2307.09288"
    assert csl_json(released) == items


def test_csl_json_renders_with_citeproc(released: Citation):
    citeproc = importlib.import_module("citeproc")
    from citeproc.source.json import CiteProcJSON

    source = CiteProcJSON(csl_json(released))
    style = citeproc.CitationStylesStyle("harvard-cite-them-right", validate=False)  # bundled with citeproc-py
    bibliography = citeproc.CitationStylesBibliography(style, source, citeproc.formatter.plain)
    bibliography.register(citeproc.Citation([citeproc.CitationItem(item["id"]) for item in csl_json(released)]))
    rendered = " ".join(str(entry) for entry in bibliography.bibliography())
    assert "Llama 2 7B — mokg record" in rendered and "mokg contributors" in rendered


# --------------------------------------------------------------------------------------------
# RIS
# --------------------------------------------------------------------------------------------


def test_ris_structure(llama: Citation):
    text = ris(llama)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    blocks = text.strip("\r\n").split("\r\n\r\n")
    assert len(blocks) == 2
    for block in blocks:
        lines = block.split("\r\n")
        assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines), lines
        assert lines[0].startswith("TY  - ") and lines[-1] == "ER  - "
    record = dict(line.split("  - ", 1) for line in blocks[0].split("\r\n"))
    assert record["TY"] == "DATA" and record["UR"] == LLAMA and record["ET"] == LIVING
    assert record["Y2"] == "2025/01/02/" and record["AU"] == AUTHOR
    paper = dict(line.split("  - ", 1) for line in blocks[1].split("\r\n"))
    assert paper["DO"] == "10.48550/arXiv.2307.09288" and paper["DA"] == "2023/07//"


def test_ris_parses_with_rispy(llama: Citation):
    rispy = importlib.import_module("rispy")
    entries = rispy.loads(ris(llama))
    assert [e["type_of_reference"] for e in entries] == ["DATA", "UNPB"]
    assert entries[0]["urls"] == [LLAMA] and entries[1]["doi"] == "10.48550/arXiv.2307.09288"


# --------------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format_name", "accept", "media"),
    [
        ("bibtex", None, BIBTEX),
        ("CSL", None, CSL_JSON),
        ("ris", "text/html", RIS),  # ?format= wins over Accept
        ("application/x-research-info-systems", None, RIS),
        (None, "application/vnd.citationstyles.csl+json", CSL_JSON),
        (None, "application/x-bibtex;q=0.5, application/x-research-info-systems", RIS),
        (None, None, BIBTEX),
        (None, "*/*", BIBTEX),
    ],
)
def test_negotiate_format(format_name: str | None, accept: str | None, media):
    assert negotiate_format(format_name, accept) == media


@pytest.mark.parametrize(("format_name", "accept"), [("endnote", None), ("", "image/png"), (None, "text/html")])
def test_unknown_formats_are_406_listing_the_formats(format_name: str | None, accept: str | None):
    with pytest.raises(NotAcceptable) as caught:
        negotiate_format(format_name, accept)
    assert caught.value.http_status == 406
    assert set(caught.value.offered) == {f.media_type for f in CITATION_FORMATS}


def test_render_every_format(llama: Citation):
    assert render(llama, BIBTEX).decode() == bibtex(llama)
    assert render(llama, RIS).decode() == ris(llama)
    with pytest.raises(NotAcceptable):
        render(llama, HTML)


# --------------------------------------------------------------------------------------------
# CITATION.cff
# --------------------------------------------------------------------------------------------

CFF = REPO / "CITATION.cff"


def test_citation_cff_has_the_required_keys():
    text = CFF.read_text(encoding="utf-8")
    keys = set(re.findall(r"^([a-z-]+):", text, re.M))
    assert {"cff-version", "message", "title", "authors"} <= keys
    assert re.search(r"^cff-version: 1\.2\.0$", text, re.M)
    assert re.search(r"^version: 0\.1\.0$", text, re.M) and re.search(r"^license: MIT$", text, re.M)
    assert re.search(r"^  - name: The mokg developers$", text, re.M)


def test_citation_cff_is_valid_cff_1_2_0():
    cffconvert = importlib.import_module("cffconvert")
    citation = cffconvert.Citation(CFF.read_text(encoding="utf-8"))
    assert citation.cffversion == "1.2.0"
    citation.validate()  # raises on a schema violation
