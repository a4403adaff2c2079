from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_DATA, TINY_ROOT

from mokg.cli import build_parser, main
from mokg.rules import load_rules

COMMANDS = ["load", "query", "stats", "serve"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_every_subcommand_with_a_line_of_help():
    text = build_parser().format_help()
    for command in COMMANDS:
        assert f"    {command} " in text


@pytest.mark.parametrize("command", COMMANDS)
def test_each_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert f"usage: mokg {command}" in capsys.readouterr().out


def test_console_script_runs():
    """The installed entry point (not just main()) works: `python -m mokg --version`."""
    result = subprocess.run([sys.executable, "-m", "mokg", "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("mokg ")


def test_load_reports_files_and_triples(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "load", "--root", str(TINY_ROOT))
    assert code == 0
    assert "loaded 3 files, 9 triples (+" in out


def test_load_reports_the_time_of_each_step_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, "load", "--root", str(TINY_ROOT), "--store", str(tmp_path / "store"))
    assert code == 0 and out.startswith("loaded ")
    steps = re.findall(r"^  ([a-z][\w -]*): [\d.]+ s$", err, re.MULTILINE)
    assert steps[0] == "parse and store"
    assert sorted(steps[1:-5]) == sorted(f"rule {rule.name}" for rule in load_rules())  # a wave's end in any order
    assert steps[-5:] == ["rules", "validation", "statistics", "load mark", "dumps"]


def test_load_of_a_broken_file_exits_2_naming_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    root = tmp_path / "root"
    shutil.copytree(TINY_ROOT, root)
    shutil.copy(TEST_DATA / "bad" / "unterminated.ttl", root / "data" / "models" / "broken.ttl")
    code, out, err = run(capsys, "load", "--root", str(root))
    assert code == 2
    assert out == ""
    assert f"{root / 'data' / 'models' / 'broken.ttl'}:5:" in err


def test_failed_load_leaves_the_on_disk_store_as_it_was(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    store = str(tmp_path / "store")
    assert run(capsys, "load", "--root", str(TINY_ROOT), "--store", store)[0] == 0
    root = tmp_path / "root"
    shutil.copytree(TINY_ROOT, root)
    shutil.copy(TEST_DATA / "bad" / "unterminated.ttl", root / "data" / "models" / "broken.ttl")
    assert run(capsys, "load", "--root", str(root), "--store", store)[0] == 2
    code, out, _ = run(capsys, "stats", "--store", store)
    assert code == 0
    assert asserted(out) == 9


def test_query_table(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(
        capsys,
        "query",
        "--root",
        str(TINY_ROOT),
        "SELECT ?label WHERE { ?m a mokg:Model ; rdfs:label ?label } ORDER BY ?label",
    )
    assert code == 0
    assert out.splitlines() == ["label", "----------", "Tiny base", "Tiny model", "(2 rows)"]


def test_query_json_is_sparql_results_json(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(
        capsys,
        "query",
        "--root",
        str(TINY_ROOT),
        "--format",
        "json",
        "SELECT ?m WHERE { ?m mokg:finetunedFrom ?base }",
    )
    assert code == 0
    bindings = json.loads(out)["results"]["bindings"]
    assert bindings == [{"m": {"type": "uri", "value": "https://w3id.org/mokg/model/tiny-model"}}]


def test_query_csv(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(
        capsys,
        "query",
        "--root",
        str(TINY_ROOT),
        "--format",
        "csv",
        "SELECT ?label WHERE { ?m a mokg:Model ; rdfs:label ?label } ORDER BY ?label",
    )
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [["label"], ["Tiny base"], ["Tiny model"]]


def test_query_ask_and_construct(capsys: pytest.CaptureFixture[str]):
    assert run(capsys, "query", "--root", str(TINY_ROOT), "ASK { ?m a mokg:Model }")[1].strip() == "true"
    out = run(capsys, "query", "--root", str(TINY_ROOT), "CONSTRUCT { ?m a mokg:Model } WHERE { ?m a mokg:Model }")[1]
    assert "<https://w3id.org/mokg/model/tiny-base> a mokg:Model" in out


def test_query_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr(sys, "stdin", io.StringIO("ASK { ?m mokg:finetunedFrom ?b }"))
    assert run(capsys, "query", "--root", str(TINY_ROOT), "-")[1].strip() == "true"


def test_bad_query_exits_2_with_the_parser_message(capsys: pytest.CaptureFixture[str]):
    code, _, err = run(capsys, "query", "--root", str(TINY_ROOT), "SELECT WHERE {")
    assert code == 2
    assert "SPARQL syntax error" in err


def asserted(stats_output: str) -> int:
    counts = dict(line.split() for line in stats_output.splitlines())
    return int(counts["triples"]) - int(counts["derived"])


def test_stats_counts_classes(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "stats", "--root", str(TINY_ROOT))
    assert code == 0
    assert asserted(out) == 9
    lines = out.splitlines()
    assert lines[0].startswith("triples ") and lines[1].startswith("derived ") and lines[2].startswith("graphs ")
    assert dict(line.split() for line in lines)["Model"] == "2"


def test_stats_on_an_empty_store_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, _, err = run(capsys, "stats", "--store", str(tmp_path / "empty"))
    assert code == 1
    assert "run `mokg load --store" in err


def test_bad_base_iri_is_a_clear_error(capsys: pytest.CaptureFixture[str]):
    code, _, err = run(capsys, "stats", "--root", str(TINY_ROOT), "--base", "https://example.org/no-slash")
    assert code == 2
    assert "base IRI must end with '/'" in err


def test_stats_of_the_bundled_graph(capsys: pytest.CaptureFixture[str]):
    """Without --root the bundled graph is used: the command a user runs first."""
    code, out, _ = run(capsys, "stats")
    assert code == 0
    counts = dict(line.split() for line in out.splitlines())
    assert int(counts["Model"]) >= 30
    assert int(counts["OpennessClaim"]) >= 110  # 105 score cells of seed 004, 5 open-source claims, imports


def test_site_build_writes_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """`mokg site build --out DIR`: the command a publisher runs; the pages are tested in tests/site."""
    out = tmp_path / "site"
    assert main(["site", "build", "--root", str(TEST_DATA / "root"), "--out", str(out)]) == 0  # a small graph
    assert (out / "index.html").is_file()
    assert (out / "model" / "tiny-model.html").is_file()
    assert main(["site", "build", "--out", str(TEST_DATA)]) == 2  # not a folder the builder made: refused
