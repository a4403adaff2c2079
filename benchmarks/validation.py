"""Validation and rule timings: the bundled graph, one changed file, and synthetic graphs.

Run: ``.venv/bin/python benchmarks/validation.py [--models 1000 5000]``. Prints a table;
asserts nothing (speed targets live here, not in unit tests).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from mokg.config import Settings
from mokg.loader import discover, load_files
from mokg.rules import run_rules
from mokg.store import EmbeddedStore
from mokg.validation import Validator, check_files

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/mokg/"


def synthetic(models: int) -> str:
    """Turtle for ``models`` chained fine-tunes, each with weights, code, data and two claims."""
    lines = ["@prefix mokg: <https://w3id.org/mokg/ontology#> .", "@prefix dcterms: <http://purl.org/dc/terms/> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .", "@prefix prov: <http://www.w3.org/ns/prov#> .",
             "@prefix spdx: <http://spdx.org/licenses/> ."]  # fmt: skip
    for i in range(models):
        m = f"<model/synthetic-{i}>"
        base = f"mokg:finetunedFrom <model/synthetic-{i - 1}> ;" if i % 10 else "mokg:trainedOn <dataset/the-pile> ;"
        licence = "spdx:Apache-2.0" if i % 3 else "<license/llama-2-community>"
        lines.append(
            f'{m} a mokg:Model ; rdfs:label "Synthetic {i}" ; dcterms:creator <org/eleutherai> ; '
            f"dcterms:license {licence} ; {base} mokg:hasComponent <model/synthetic-{i}#weights>, "
            f"<model/synthetic-{i}#training-code> .\n"
            f'<model/synthetic-{i}#weights> a mokg:Artifact ; rdfs:label "w" ; '
            f"mokg:componentType mokg:ModelParametersFinal ; dcterms:license {licence} ; "
            f"mokg:availability mokg:DirectDownload ; mokg:location <https://example.org/{i}/w> .\n"
            f'<model/synthetic-{i}#training-code> a mokg:Artifact ; rdfs:label "t" ; '
            f"mokg:componentType mokg:TrainingCode ; dcterms:license spdx:MIT ; "
            f"mokg:availability mokg:DirectDownload ; mokg:location <https://example.org/{i}/t> .\n"
            f"<claim/synthetic-{i}/weights> a mokg:OpennessClaim ; mokg:aboutModel {m} ; "
            f"mokg:componentType mokg:ModelParametersFinal ; mokg:opennessLevel mokg:Level4 ; "
            f'mokg:levelLabel "Completely open" ; prov:wasQuotedFrom <source/how-open-is-generative-ai-part-2> .\n'
            f"<claim/synthetic-{i}/osaid> a mokg:OpennessClaim ; mokg:aboutModel {m} ; mokg:claimsOpenSourceAI true ; "
            f"prov:wasQuotedFrom <source/how-open-is-generative-ai-part-2> ."
        )
    return "\n".join(lines)


def timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, nargs="*", default=[1000, 5000])
    args = parser.parse_args()
    settings = Settings(root=ROOT)
    files = discover(ROOT, BASE)
    shapes = [f for f in files if "/shapes/" in f.path.as_posix()]
    data = [f for f in files if f not in shapes]
    validator = Validator.from_quads(load_files(shapes, BASE))
    quads = load_files(data, BASE)

    rows = []
    seconds, report = timed(lambda: check_files(settings))
    rows.append(("bundled graph, whole (mokg validate)", len(quads), seconds, len(report.findings)))
    seconds, report = timed(lambda: check_files(settings, [ROOT / "data" / "models" / "mistral-7b.ttl"]))
    rows.append(("bundled graph, one changed model + dependents", len(quads), seconds, len(report.findings)))
    store = EmbeddedStore()
    store.replace(quads)
    seconds, _ = timed(lambda: run_rules(store, BASE))
    rows.append(("bundled graph, all rules", len(quads), seconds, store.stats().derived))

    for models in args.models:
        extra = list(ox.parse(synthetic(models), format=ox.RdfFormat.TURTLE, base_iri=BASE))
        graph = ox.NamedNode(f"{BASE}graph/synthetic")
        big = quads + [ox.Quad(t.subject, t.predicate, t.object, graph) for t in extra]
        seconds, report = timed(lambda big=big: validator.validate(big))
        rows.append((f"bundled + {models} synthetic models, whole", len(big), seconds, len(report.findings)))
        focus = [f"{BASE}model/synthetic-{models // 2}"]
        seconds, report = timed(
            lambda big=big, focus=focus: validator.validate(big, focus_nodes=focus, with_dependents=True)
        )
        rows.append((f"bundled + {models} synthetic, one model + dependents", len(big), seconds, len(report.findings)))
        store = EmbeddedStore()
        store.replace(big)
        seconds, _ = timed(lambda store=store: run_rules(store, BASE))
        rows.append((f"bundled + {models} synthetic, all rules", len(big), seconds, store.stats().derived))

    print(f"| {'what':<52} | {'triples':>8} | {'seconds':>8} | {'results':>8} |")
    print(f"|{'-' * 54}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    for what, triples, seconds, results in rows:
        print(f"| {what:<52} | {triples:>8} | {seconds:>8.2f} | {results:>8} |")
    print("results: findings for validation rows, derived triples for rule rows")


if __name__ == "__main__":
    main()
