"""Docs that cannot rot: the README's two commands, CI running the test one, the CLI reference."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ElementTree

import pytest
from conftest import REPO

from mokg.cli import build_parser

CLI_DOC = REPO / "docs" / "cli.md"


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (REPO / "README.md").read_text())


def test_readme_has_the_run_and_the_test_command_first():
    commands = readme_commands()
    run, test = commands[0], commands[1]
    assert run.startswith("python3 -m venv .venv") and run.endswith("mokg serve")
    assert test.startswith("python3 -m venv .venv") and "pytest" in test
    assert "\n" not in run and "\n" not in test


def test_ci_runs_the_readme_test_command_verbatim():
    assert readme_commands()[1] in (REPO / ".ci" / "run").read_text().splitlines()


def cli_reference() -> str:
    """docs/cli.md as generated from the parser's own help texts."""
    parser = build_parser()
    parts = [
        "# mokg command line\n",
        "Generated from `--help`: `python tests/test_docs.py` rewrites it; a test fails when it is stale.\n",
        f"```\n{parser.format_help()}```\n",
    ]
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name, sub in commands.items():
        parts.append(f"## mokg {name}\n\n```\n{sub.format_help()}```\n")
    return "\n".join(parts)


@pytest.fixture(autouse=True)
def fixed_width(monkeypatch: pytest.MonkeyPatch):
    """argparse wraps at the terminal width; the reference is generated at 100 columns."""
    monkeypatch.setenv("COLUMNS", "100")


def test_cli_reference_is_current():
    assert CLI_DOC.read_text() == cli_reference(), "docs/cli.md is stale: run `python tests/test_docs.py`"


@pytest.mark.parametrize("page", ["architecture.md", "data-model.md", "data-conventions.md", "cli.md"])
def test_linked_docs_exist(page: str):
    assert f"docs/{page}" in (REPO / "README.md").read_text()
    assert (REPO / "docs" / page).is_file()


def test_data_model_diagram_is_well_formed_svg():
    assert "data-model.svg" in (REPO / "docs" / "data-model.md").read_text()
    root = ElementTree.parse(REPO / "docs" / "data-model.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


#: The source articles whose claims docs/claim-problems.md lists (imported sources are summarized).
ARTICLE_SOURCES = ("how-open-is-generative-ai-part-2", "open-source-llms-llama-and-its-competitors")


def test_claim_problems_doc_lists_exactly_the_violations_found():
    """docs/claim-problems.md explains every violation on the bundled graph, and nothing else."""
    from mokg.config import Settings
    from mokg.validation import check_files

    base = "https://w3id.org/mokg/"
    documented = set(
        re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| (\w+) \|", (REPO / "docs" / "claim-problems.md").read_text(), re.M)
    )
    report = check_files(Settings(root=REPO))
    articles = tuple(f"{base}claim/{source}/" for source in ARTICLE_SOURCES)
    found = {
        (f.focus.removeprefix(base), (f.value or "").removeprefix(base), (f.shape or "").rsplit("#", 1)[-1])
        for f in report.findings
        if f.severity == "Violation" and f.focus.startswith(articles)
    }
    assert documented == found


if __name__ == "__main__":
    import os

    os.environ["COLUMNS"] = "100"
    CLI_DOC.write_text(cli_reference())
    sys.exit(0)


def test_architecture_module_table_lists_exactly_the_modules():
    """docs/architecture.md's module table names every module of src/mokg, and nothing else."""
    text = (REPO / "docs" / "architecture.md").read_text()
    table = text.split("## Modules", 1)[1].split("\n## ", 1)[0]
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    named = [name for cell in first_cells for name in re.findall(r"`([\w/]+\.py)`", cell)]
    package = REPO / "src" / "mokg"
    modules = {path.relative_to(package).as_posix() for path in package.rglob("*.py")}
    assert len(named) == len(set(named)), "a module has two rows"
    assert set(named) == modules, (
        f"missing from the table: {sorted(modules - set(named))}; not modules: {sorted(set(named) - modules)}"
    )
